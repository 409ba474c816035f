"""A province with a year of activity, for the performance report benchmark (`benchmarks.reports`).

    python -m benchmarks.seed_reports --database-url URL [--counties 30 --neighbourhoods 40]

Builds one province («استان نمونه») of `counties` counties of `neighbourhoods` neighbourhoods each,
and over the Jalali year 1403 in every neighbourhood: a council (most neighbourhoods) with its
committees and heads, a profile (most), liaisons of some agencies per county, two meetings a
month, five resolutions a month with their history (most done, some late, some overdue, a few
cancelled), twelve residents' requests a month with their history (answered, resolved, some
reopened, rated, a few urgent or emergencies) and three actions a month tagged with national
programmes, with photos; two county-wide needs assessments (surveys closed in the summer and the
winter, each leaving every neighbourhood its top needs); a plan per county (136 nodes) and for
half the neighbourhoods (12 nodes), some projects late. Rows go in with multi-row INSERTs, a county per transaction. Seeding a
database that already has the province does nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import (
    STANDING_COMMITTEES,
    Agency,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    CouncilPosition,
    Liaison,
    NeighbourhoodProfile,
)
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import County, Neighbourhood, NeighbourhoodKind, Person, Province, ScopeKind
from models.plans import Plan, PlanNode, PlanNodeKind
from models.requests import CitizenRequest, RequestEvent, RequestStatus
from models.resolutions import (
    Action,
    Meeting,
    MeetingKind,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
)
from models.surveys import NeedsAssessment, Survey, SurveyStatus
from services.council import PROGRAMME_KEYS
from services.reports import Period

PROVINCE = "استان نمونه"
# The Jalali year 1403 (20 March 2024 to 20 March 2025) and a moment just after it.
YEAR = Period.months(1403, 1, 12)
NOW = datetime(2025, 3, 26, 8, 0, tzinfo=UTC)
MONTHS = 12
# Per neighbourhood and month.
MEETINGS, RESOLUTIONS, REQUESTS, ACTIONS = 2, 5, 12, 3
MEMBERS, RESIDENTS = 7, 15
COUNCIL_SHARE, PROFILE_SHARE, HEAD_SHARE = 0.85, 0.7, 0.8
PHOTO = {"platform": "telegram", "file_id": "AgADBAAD"}
NEEDS = ("پارک و فضای سبز", "روشنایی معابر", "جمع‌آوری زباله", "ایستگاه اتوبوس", "درمانگاه", "کتابخانه")
# Days into the year the county-wide surveys close.
SURVEY_DAYS = (120, 300)
# A plan's shape: goals, strategies per goal, policies per strategy, projects per policy.
COUNTY_PLAN, NEIGHBOURHOOD_PLAN = (4, 3, 2, 4), (2, 1, 1, 3)
PLAN_SHARE = 0.5


@dataclass(frozen=True)
class Seeded:
    counties: int
    neighbourhoods: int
    rows: int
    seconds: float


def _moment(rng: random.Random) -> datetime:
    """A moment in the year, in working hours."""
    day = YEAR.first_day + timedelta(days=rng.randrange(YEAR.days))
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=rng.uniform(5, 15))


async def _rows(session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows of the same keys as one executemany (a Core insert: the ORM's bulk insert
    splits rows into many statements when their None values differ)."""
    table: Any = model.__table__
    await session.execute(insert(table), list(rows))


class _Ids:
    """The next id of every table seeded: ids are given here, not returned by the database, so
    that rows go in as multi-row INSERTs on both backends (SQLite returns ids one row at a time)."""

    MODELS = (
        Province,
        County,
        Neighbourhood,
        Person,
        CouncilMember,
        Resolution,
        CitizenRequest,
        Survey,
        Plan,
        PlanNode,
    )

    def __init__(self, next_ids: dict[Any, int]) -> None:
        self.next = next_ids

    @classmethod
    async def load(cls, session: AsyncSession) -> _Ids:
        return cls({m: int(await session.scalar(select(func.max(m.id))) or 0) + 1 for m in cls.MODELS})

    async def insert(self, session: AsyncSession, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert the rows with the next ids; return them in order."""
        ids = list(range(self.next[model], self.next[model] + len(rows)))
        self.next[model] += len(rows)
        if rows:
            await _rows(session, model, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
        return ids

    async def advance_sequences(self, session: AsyncSession) -> None:
        """On PostgreSQL, move each id sequence past the ids given here."""
        if session.get_bind().dialect.name != "postgresql":
            return
        for model in self.MODELS:
            table = model.__tablename__
            await session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )


def _meetings(rng: random.Random, nid: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(MEETINGS * MONTHS):
        kind = rng.choices(list(MeetingKind), weights=(50, 35, 10, 5))[0]
        committee = rng.choice(STANDING_COMMITTEES) if kind is MeetingKind.COMMITTEE else None
        moment = _moment(rng)
        rows.append(
            {
                "neighbourhood_id": nid,
                "kind": kind,
                "committee": committee,
                "held_on": moment.date(),
                "created_at": moment,
            }
        )
    return rows


def _responsible(rng: random.Random, agencies: list[int]) -> dict[str, Any]:
    draw = rng.random()
    if draw < 0.5:
        return {
            "responsible_kind": ResponsibleKind.COMMITTEE,
            "responsible_committee": rng.choice(STANDING_COMMITTEES),
        }
    if draw < 0.85:
        return {"responsible_kind": ResponsibleKind.AGENCY, "responsible_agency_id": rng.choice(agencies)}
    return {"responsible_kind": ResponsibleKind.MEMBER}


def _resolution(
    rng: random.Random, nid: int, agencies: list[int]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A resolution and its history (without the resolution id yet)."""
    created = _moment(rng)
    deadline = created.date() + timedelta(days=rng.randrange(7, 61))
    draw = rng.random()
    status, completed = ResolutionStatus.OPEN, None
    if draw < 0.08:
        status = ResolutionStatus.CANCELLED
    elif draw < 0.65:
        # Most before the deadline, some after it.
        days = (deadline - created.date()).days * rng.uniform(0.3, 1.4)
        completed = created + timedelta(days=days)
        if completed < NOW:
            status = ResolutionStatus.DONE
        else:
            completed = None
    resolution = {
        "neighbourhood_id": nid,
        "text": f"پیگیری کار شماره {rng.randrange(10**6)} در محله و گزارش پیشرفت به شورا",
        "deadline": deadline,
        "priority": ResolutionPriority.NORMAL,
        "status": status,
        "progress": 100 if completed else rng.choice((0, 25, 50)),
        "created_at": created,
        "updated_at": completed or created,
        "completed_at": completed,
        "responsible_committee": None,
        "responsible_agency_id": None,
        **_responsible(rng, agencies),
    }
    history = [{"at": created, "kind": "created", "progress": 0, "status": ResolutionStatus.OPEN}]
    if completed:
        history.append({"at": completed, "kind": "status", "progress": 100, "status": ResolutionStatus.DONE})
    return resolution, history


def _request(
    rng: random.Random, code: int, nid: int, resident: int
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A request and its history (without the request id yet)."""
    created = _moment(rng)
    request: dict[str, Any] = {
        "code": f"{code:09d}",
        "neighbourhood_id": nid,
        "person_id": resident,
        "committee": CommitteeKey.CRISIS if rng.random() < 0.02 else rng.choice(STANDING_COMMITTEES),
        "text": "چراغ‌های کوچه چند شب است خاموش است و رفت‌وآمد سخت شده",
        "urgent": rng.random() < 0.05,
        "is_emergency": rng.random() < 0.02,
        "status": RequestStatus.NEW,
        "created_at": created,
        "updated_at": created,
        "sla_started_at": created,
        # Every row with the same keys: rows go in together only when their keys are the same.
        "sla_round": 0,
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "rating": None,
    }
    events = [{"at": created, "kind": "submitted", "status": RequestStatus.NEW}]
    answered = created + timedelta(hours=rng.uniform(1, 80))
    if rng.random() < 0.85 and answered < NOW:
        request.update(first_response_at=answered, status=RequestStatus.ACKNOWLEDGED)
        events.append({"at": answered, "kind": "acknowledged", "status": RequestStatus.ACKNOWLEDGED})
        _resolve(rng, request, events, answered)
    return request, events


def _resolve(
    rng: random.Random, request: dict[str, Any], events: list[dict[str, Any]], answered: datetime
) -> None:
    resolved = answered + timedelta(days=rng.uniform(0.5, 25))
    if rng.random() > 0.8 or resolved > NOW:
        return
    if rng.random() < 0.06:  # the resident said it was not fixed: a new round, resolved again
        reopened = resolved + timedelta(days=1)
        events += [
            {"at": resolved, "kind": "resolved", "status": RequestStatus.RESOLVED},
            {"at": reopened, "kind": "not_fixed", "status": RequestStatus.REOPENED},
        ]
        request.update(sla_started_at=reopened, sla_round=1)
        resolved = reopened + timedelta(days=rng.uniform(1, 10))
        if resolved > NOW:
            request.update(status=RequestStatus.REOPENED)
            return
    request.update(resolved_at=resolved, status=RequestStatus.RESOLVED, updated_at=resolved)
    events.append({"at": resolved, "kind": "resolved", "status": RequestStatus.RESOLVED})
    closed = resolved + timedelta(days=1)
    if rng.random() < 0.7 and closed < NOW:
        request.update(
            status=RequestStatus.CLOSED,
            closed_at=closed,
            rating=rng.choice((2, 3, 4, 4, 5, 5)) if rng.random() < 0.6 else None,
        )
        events.append({"at": closed, "kind": "confirmed", "status": RequestStatus.CLOSED})


def _actions(rng: random.Random, nid: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(ACTIONS * MONTHS):
        moment = _moment(rng)
        rows.append(
            {
                "neighbourhood_id": nid,
                "committee": rng.choice(STANDING_COMMITTEES),
                "title": "پاکسازی و بهسازی فضای سبز",
                "programme": rng.choice([*PROGRAMME_KEYS, None, None]),
                "done_on": moment.date(),
                "photos": [PHOTO] * rng.randrange(4),
                "public": True,
                "created_at": moment,
            }
        )
    return rows


def _plan_nodes(
    rng: random.Random, plan_id: int, shape: tuple[int, ...], first_id: int
) -> list[dict[str, Any]]:
    """A plan's nodes with their ids from `first_id`, parents before children: projects with a
    year's dates (some late) and progress."""
    kinds = (PlanNodeKind.GOAL, PlanNodeKind.STRATEGY, PlanNodeKind.POLICY, PlanNodeKind.PROJECT)
    rows: list[dict[str, Any]] = []
    parents: list[int | None] = [None]
    for depth, (kind, count) in enumerate(zip(kinds, shape, strict=True)):
        below: list[int | None] = []
        for parent in parents:
            for position in range(count):
                node: dict[str, Any] = {
                    "id": first_id + len(rows),
                    "plan_id": plan_id,
                    "parent_id": parent,
                    "kind": kind,
                    "position": position,
                    "name": f"{kind.value} {depth}-{position}",
                    "weight": None,
                    "starts_on": None,
                    "ends_on": None,
                    "progress": None,
                    "updated_at": YEAR.start,
                }
                if kind is PlanNodeKind.PROJECT:
                    node["starts_on"] = YEAR.first_day + timedelta(days=rng.randrange(100))
                    node["ends_on"] = node["starts_on"] + timedelta(days=rng.randrange(60, 400))
                    node["progress"] = rng.choice((0, 10, 25, 40, 50, 75, 90, 100))
                rows.append(node)
                below.append(node["id"])
        parents = below
    return rows


class _Seeder:
    """What seeding keeps between counties: the session, the random draws, the ids given so far,
    the next phone number and tracking code."""

    def __init__(self, session: AsyncSession, rng: random.Random, ids: _Ids) -> None:
        self.session, self.rng, self.ids = session, rng, ids
        self.next_phone = ids.next[Person]
        self.next_code = ids.next[CitizenRequest]

    async def people(self, count: int, label: str) -> list[int]:
        numbers = range(self.next_phone, self.next_phone + count)
        self.next_phone += count
        rows = [
            {"phone": f"+98915{n:07d}", "full_name": f"{label} {n}", "created_at": YEAR.start}
            for n in numbers
        ]
        return await self.ids.insert(self.session, Person, rows)

    async def regions(self, county: int, neighbourhoods: int, province_id: int) -> tuple[int, list[int]]:
        (county_id,) = await self.ids.insert(
            self.session, County, [{"province_id": province_id, "name": f"شهرستان {county + 1}"}]
        )
        rows = [
            {
                "county_id": county_id,
                "name": f"محله {county + 1}-{n + 1}",
                "code": f"9{county:03d}{n:03d}",
                "kind": NeighbourhoodKind.URBAN if n % 5 else NeighbourhoodKind.RURAL,
            }
            for n in range(neighbourhoods)
        ]
        return county_id, await self.ids.insert(self.session, Neighbourhood, rows)

    async def council(self, nid: int) -> int:
        """A council with the six committees (most with a head); returns the rows written."""
        people = await self.people(MEMBERS, "عضو")
        joined = YEAR.start + timedelta(days=self.rng.randrange(200))
        members = await self.ids.insert(
            self.session,
            CouncilMember,
            [
                {
                    "neighbourhood_id": nid,
                    "person_id": person,
                    "position": CouncilPosition.CHAIR if i == 0 else CouncilPosition.MEMBER,
                    "active": True,
                    "created_at": joined + timedelta(days=i),
                }
                for i, person in enumerate(people)
            ],
        )
        seats = []
        for i, committee in enumerate(STANDING_COMMITTEES):
            for seat, member in enumerate((members[i % MEMBERS], members[(i + 1) % MEMBERS])):
                head = seat == 0 and self.rng.random() < HEAD_SHARE
                seats.append(
                    {
                        "council_member_id": member,
                        "neighbourhood_id": nid,
                        "committee": committee,
                        "is_head": head,
                    }
                )
        await _rows(self.session, CommitteeMembership, seats)
        return len(people) + len(members) + len(seats)

    async def setup(self, county_id: int, nids: list[int], agencies: list[int]) -> int:
        """Councils, profiles and the county's liaisons; returns the rows written."""
        rows = sum([await self.council(nid) for nid in nids if self.rng.random() < COUNCIL_SHARE])
        profiles = [
            {
                "neighbourhood_id": nid,
                "population": self.rng.randrange(2000, 30000),
                "facilities": {"schools": self.rng.randrange(4)},
                "programmes": [self.rng.choice(PROGRAMME_KEYS)],
                "updated_at": YEAR.start,
            }
            for nid in nids
            if self.rng.random() < PROFILE_SHARE
        ]
        if profiles:
            await _rows(self.session, NeighbourhoodProfile, profiles)
        named = self.rng.sample(agencies, self.rng.randrange(4, len(agencies) + 1))
        liaisons = await self.people(len(named), "رابط")
        await _rows(
            self.session,
            Liaison,
            [
                {"agency_id": a, "county_id": county_id, "person_id": p, "created_at": YEAR.start}
                for a, p in zip(named, liaisons, strict=True)
            ],
        )
        return rows + len(profiles) + 2 * len(named)

    async def resolutions(self, nids: list[int], agencies: list[int]) -> int:
        made = [_resolution(self.rng, nid, agencies) for nid in nids for _ in range(RESOLUTIONS * MONTHS)]
        ids = await self.ids.insert(self.session, Resolution, [resolution for resolution, _ in made])
        history = [
            {"resolution_id": rid, **entry}
            for rid, (_, entries) in zip(ids, made, strict=True)
            for entry in entries
        ]
        await _rows(self.session, ResolutionUpdate, history)
        return len(ids) + len(history)

    async def requests(self, nids: list[int]) -> int:
        residents = await self.people(RESIDENTS, "ساکن")
        made = []
        for nid in nids:
            for _ in range(REQUESTS * MONTHS):
                self.next_code += 1
                made.append(_request(self.rng, self.next_code, nid, self.rng.choice(residents)))
        ids = await self.ids.insert(self.session, CitizenRequest, [request for request, _ in made])
        events = [
            {"request_id": rid, "details": {}, **event}
            for rid, (_, entries) in zip(ids, made, strict=True)
            for event in entries
        ]
        await _rows(self.session, RequestEvent, events)
        return len(residents) + len(ids) + len(events)

    async def needs(self, county_id: int, nids: list[int]) -> int:
        """Two county-wide surveys, closed, each leaving every neighbourhood its needs assessment."""
        days = [YEAR.first_day + timedelta(days=d) for d in SURVEY_DAYS]
        surveys = await self.ids.insert(
            self.session,
            Survey,
            [
                {
                    "county_id": county_id,
                    "neighbourhood_id": None,
                    "title": "نیازسنجی محله‌ها",
                    "closes_on": day,
                    "status": SurveyStatus.CLOSED,
                    "created_by_person_id": None,
                    "created_at": YEAR.start,
                    "closed_at": datetime.combine(day, datetime.min.time(), UTC),
                }
                for day in days
            ],
        )
        rows = [
            {
                "neighbourhood_id": nid,
                "survey_id": survey,
                "done_on": day,
                "respondents": self.rng.randrange(5, 60),
                "top_needs": self.rng.sample(NEEDS, 3),
                "created_at": YEAR.start,
            }
            for survey, day in zip(surveys, days, strict=True)
            for nid in nids
        ]
        await _rows(self.session, NeedsAssessment, rows)
        return len(surveys) + len(rows)

    async def plans(self, county_id: int, nids: list[int]) -> int:
        """The county's plan and some neighbourhoods'."""
        scopes = [(ScopeKind.COUNTY, county_id, COUNTY_PLAN)]
        scopes += [
            (ScopeKind.NEIGHBOURHOOD, nid, NEIGHBOURHOOD_PLAN)
            for nid in nids
            if self.rng.random() < PLAN_SHARE
        ]
        plans = await self.ids.insert(
            self.session,
            Plan,
            [
                {"scope_kind": kind, "scope_id": scope_id, "title": "برنامهٔ پیشرفت", "created_at": YEAR.start}
                for kind, scope_id, _ in scopes
            ],
        )
        nodes: list[dict[str, Any]] = []
        for plan_id, (_, _, shape) in zip(plans, scopes, strict=True):
            nodes += _plan_nodes(self.rng, plan_id, shape, self.ids.next[PlanNode] + len(nodes))
        self.ids.next[PlanNode] += len(nodes)
        await _rows(self.session, PlanNode, nodes)
        return len(plans) + len(nodes)

    async def county(self, county: int, neighbourhoods: int, province_id: int, agencies: list[int]) -> int:
        """One county with its neighbourhoods and their year; returns the rows written."""
        county_id, nids = await self.regions(county, neighbourhoods, province_id)
        rows = 1 + len(nids) + await self.setup(county_id, nids, agencies)
        meetings = [row for nid in nids for row in _meetings(self.rng, nid)]
        actions = [row for nid in nids for row in _actions(self.rng, nid)]
        await _rows(self.session, Meeting, meetings)
        await _rows(self.session, Action, actions)
        rows += len(meetings) + len(actions) + await self.resolutions(nids, agencies)
        rows += await self.requests(nids)
        # Last, so that the rows above stay what the same seed gave before these were added.
        return rows + await self.needs(county_id, nids) + await self.plans(county_id, nids)


async def seed(
    session: AsyncSession, *, counties: int, neighbourhoods: int, seed: int = 1, verbose: bool = True
) -> Seeded | None:
    """Seed the province (None if it is there already). Commits a county at a time."""
    if await session.scalar(select(Province.id).where(Province.name == PROVINCE)) is not None:
        return None
    started = time.perf_counter()
    ids = await _Ids.load(session)
    seeder = _Seeder(session, random.Random(seed), ids)
    (province_id,) = await ids.insert(session, Province, [{"name": PROVINCE}])
    agencies = list(await session.scalars(select(Agency.id).order_by(Agency.id)))
    rows = 1
    for county in range(counties):
        rows += await seeder.county(county, neighbourhoods, province_id, agencies)
        await session.commit()
        if verbose:
            print(
                f"  seeded county {county + 1}/{counties}: {rows:,} rows so far", file=sys.stderr, flush=True
            )
    await ids.advance_sequences(session)
    # Fresh statistics, as a database in use would have, so the planner picks its indexes.
    await session.execute(text("ANALYZE"))
    await session.commit()
    return Seeded(counties, counties * neighbourhoods, rows, time.perf_counter() - started)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database to seed (migrated first)")
    parser.add_argument("--counties", type=int, default=30)
    parser.add_argument("--neighbourhoods", type=int, default=40, help="per county")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    await upgrade_database(args.database_url)
    engine = create_engine(args.database_url)
    try:
        async with create_session_factory(engine)() as session:
            seeded = await seed(
                session, counties=args.counties, neighbourhoods=args.neighbourhoods, seed=args.seed
            )
    finally:
        await engine.dispose()
    if seeded is None:
        print(f"{PROVINCE} is seeded already; nothing done")
    else:
        print(
            f"{seeded.counties} counties, {seeded.neighbourhoods} neighbourhoods, {seeded.rows:,} rows in {seeded.seconds:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
