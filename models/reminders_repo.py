"""Queries for the reminders about resolutions (`services.reminders`): the open resolutions due by a
date, the names a reminder line shows, which once-only marks are claimed already, who the county
officials are, and the figures of the weekly county digest.

Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import String, any_, bindparam, case, cast, exists, func, literal, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, CommitteeKey, CommitteeMembership, CouncilMember, Liaison
from models.identity import Account, County, Neighbourhood, Person, Role, RoleAssignment, ScopeKind
from models.requests import OPEN_STATUSES, CitizenRequest, CommitteeSla
from models.resolutions import (
    OPEN_RESOLUTION_STATUSES,
    ReminderMark,
    Resolution,
    ResolutionStatus,
    ResponsibleKind,
)

# Keys looked up per query when asking which marks exist (a bound list stays well under the
# databases' parameter limits).
_MARK_CHUNK = 500
# Keys per query when they go as one PostgreSQL array.
_ARRAY_CHUNK = 20_000


async def open_resolutions_due_by(
    session: AsyncSession, *, due_by: date, county_id: int | None = None, limit: int | None = None
) -> list[tuple[Resolution, str]]:
    """Open resolutions with a deadline on or before `due_by` (in the county, if given), each with
    its neighbourhood's name; soonest deadline first (the first `limit`, if given)."""
    stmt = (
        select(Resolution, Neighbourhood.name)
        .join(Neighbourhood, Neighbourhood.id == Resolution.neighbourhood_id)
        .where(Resolution.status.in_(OPEN_RESOLUTION_STATUSES), Resolution.deadline <= due_by)
        .order_by(Resolution.deadline, Resolution.id)
    )
    if county_id is not None:
        stmt = stmt.where(Neighbourhood.county_id == county_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(resolution, name) for resolution, name in (await session.execute(stmt)).all()]


async def _core(session: AsyncSession, stmt: Any) -> Any:
    """Run a SELECT of plain columns on the session's connection: the same rows in the same
    transaction, without the ORM's per-row processing (runs read tens of thousands)."""
    return await (await session.connection()).execute(stmt)


class Responsible(NamedTuple):
    """A resolution's responsible body, as its columns say (what decides who answers for it)."""

    neighbourhood_id: int
    responsible_kind: ResponsibleKind
    responsible_committee: CommitteeKey | None
    responsible_agency_id: int | None
    responsible_member_id: int | None


class DueResolution(NamedTuple):
    """The columns of an open resolution a reminder line shows, with its neighbourhood's name."""

    id: int
    neighbourhood_id: int
    neighbourhood: str
    text: str
    deadline: date
    progress: int
    responsible_kind: ResponsibleKind
    responsible_committee: CommitteeKey | None
    responsible_agency_id: int | None
    responsible_member_id: int | None

    @property
    def responsible(self) -> Responsible:
        return Responsible(
            self.neighbourhood_id,
            self.responsible_kind,
            self.responsible_committee,
            self.responsible_agency_id,
            self.responsible_member_id,
        )


_RESPONSIBLE_COLUMNS = (
    Resolution.neighbourhood_id,
    Resolution.responsible_kind,
    Resolution.responsible_committee,
    Resolution.responsible_agency_id,
    Resolution.responsible_member_id,
)


def _due(due_by: date):  # type: ignore[no-untyped-def]
    return (Resolution.status.in_(OPEN_RESOLUTION_STATUSES), Resolution.deadline <= due_by)


async def due_responsibles(session: AsyncSession, *, due_by: date) -> list[tuple[Responsible, int]]:
    """Each responsible body with open resolutions due by `due_by`, and how many (one row per body,
    however many resolutions: who is concerned is known without reading the resolutions)."""
    rows = await _core(
        session,
        select(*_RESPONSIBLE_COLUMNS, func.count()).where(*_due(due_by)).group_by(*_RESPONSIBLE_COLUMNS),
    )
    return [(Responsible(*row[:5]), int(row[5])) for row in rows.all()]


def _due_resolution_query(due_by: date):  # type: ignore[no-untyped-def]
    return (
        select(
            Resolution.id,
            Resolution.neighbourhood_id,
            Neighbourhood.name,
            Resolution.text,
            Resolution.deadline,
            Resolution.progress,
            *_RESPONSIBLE_COLUMNS[1:],
        )
        .join(Neighbourhood, Neighbourhood.id == Resolution.neighbourhood_id)
        .where(*_due(due_by))
    )


async def due_resolutions(session: AsyncSession, *, due_by: date) -> list[DueResolution]:
    """Open resolutions with a deadline on or before `due_by`, as plain rows (no ORM objects: a
    national run reads a hundred thousand), in the order of their ids."""
    rows = await _core(session, _due_resolution_query(due_by).order_by(Resolution.id))
    return [DueResolution(*row) for row in rows.all()]


def mark_key_expr(prefix: str, suffix: str):  # type: ignore[no-untyped-def]
    """SQL for `<prefix><resolution id><suffix>`, the key of a once-only mark about a resolution."""
    return literal(prefix) + cast(Resolution.id, String) + literal(suffix)


async def due_resolutions_unmarked(
    session: AsyncSession, *, due_by: Mapping[int, date], key_prefix: str
) -> list[tuple[DueResolution, list[int]]]:
    """Open resolutions due by `due_by[level]` for some level whose mark `<key_prefix><id>:<level>`
    does not exist, each read once with those levels, in the order of their ids (decided in the
    database: a rerun reads nothing it has done)."""
    levels = sorted(due_by)
    owed = [
        (Resolution.deadline <= due_by[level])
        & ~exists().where(ReminderMark.key == mark_key_expr(key_prefix, f":{level}"))
        for level in levels
    ]
    stmt = (
        _due_resolution_query(max(due_by.values()))
        .add_columns(*(case((flag, True), else_=False) for flag in owed))
        .where(or_(*owed))
        .order_by(Resolution.id)
    )
    rows = (await _core(session, stmt)).all()
    width = len(DueResolution._fields)
    return [
        (
            DueResolution(*row[:width]),
            [level for level, flag in zip(levels, row[width:], strict=True) if flag],
        )
        for row in rows
    ]


# ---- who is where, for a whole run at once ----


async def managers_by_neighbourhood(session: AsyncSession) -> dict[int, list[int]]:
    """Every neighbourhood's managers (person ids, in order), by neighbourhood id."""
    return await _people_by_scope(session, Role.MANAGER, ScopeKind.NEIGHBOURHOOD)


async def officials_by_county(session: AsyncSession) -> dict[int, list[int]]:
    """Every county's officials (person ids, in order), by county id."""
    return await _people_by_scope(session, Role.COUNTY_OFFICIAL, ScopeKind.COUNTY)


async def _people_by_scope(session: AsyncSession, role: Role, kind: ScopeKind) -> dict[int, list[int]]:
    rows = await session.execute(
        select(RoleAssignment.scope_id, RoleAssignment.person_id)
        .where(RoleAssignment.role == role, RoleAssignment.scope_kind == kind)
        .order_by(RoleAssignment.scope_id, RoleAssignment.person_id)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for scope_id, person_id in rows.all():
        found[scope_id].append(person_id)
    return dict(found)


async def committee_heads_by_place(session: AsyncSession) -> dict[tuple[int, CommitteeKey], list[int]]:
    """The active heads (person ids) of every committee, by (neighbourhood id, committee)."""
    rows = await _core(
        session,
        select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee, CouncilMember.person_id)
        .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
        .where(CommitteeMembership.is_head.is_(True), CouncilMember.active.is_(True))
        .order_by(CommitteeMembership.id),
    )
    found: dict[tuple[int, CommitteeKey], list[int]] = defaultdict(list)
    for nid, committee, person_id in rows.all():
        found[(nid, committee)].append(person_id)
    return dict(found)


async def active_member_people(session: AsyncSession) -> dict[int, int]:
    """The person of every active council member, by member id."""
    rows = await _core(
        session, select(CouncilMember.id, CouncilMember.person_id).where(CouncilMember.active.is_(True))
    )
    return dict(rows.all())


async def liaison_people(session: AsyncSession) -> dict[tuple[int, int], int]:
    """Every liaison (person id), by (agency id, county id)."""
    rows = await session.execute(select(Liaison.agency_id, Liaison.county_id, Liaison.person_id))
    return {(agency_id, county_id): person_id for agency_id, county_id, person_id in rows.tuples()}


async def neighbourhood_counties(session: AsyncSession) -> dict[int, int]:
    """Every neighbourhood's county, by neighbourhood id."""
    return dict((await session.execute(select(Neighbourhood.id, Neighbourhood.county_id))).tuples().all())


async def member_names(session: AsyncSession, member_ids: Iterable[int]) -> dict[int, str | None]:
    """The names of council members, active or not, by member id (in chunks)."""
    pending = sorted(set(member_ids))
    found: dict[int, str | None] = {}
    for i in range(0, len(pending), _MARK_CHUNK):
        rows = await session.execute(
            select(CouncilMember.id, Person.full_name)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CouncilMember.id.in_(pending[i : i + _MARK_CHUNK]))
        )
        found.update(rows.tuples().all())
    return found


async def reachable_accounts(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, Account]:
    """Where a message to each of these people can go now: the account they used last that has
    not blocked the bot (`services.notify.reachable_account`, for many people at once). People
    with none are left out."""
    pending = sorted(set(person_ids))
    found: dict[int, Account] = {}
    for i in range(0, len(pending), _MARK_CHUNK):
        accounts = await session.scalars(
            select(Account)
            .where(Account.person_id.in_(pending[i : i + _MARK_CHUNK]), Account.blocked_at.is_(None))
            .order_by(Account.person_id, Account.last_seen_at.desc(), Account.id.desc())
        )
        for account in accounts:
            if account.person_id is not None:
                found.setdefault(account.person_id, account)
    return found


async def agency_names(session: AsyncSession) -> dict[int, tuple[str, str]]:
    """Every agency's Persian and English name, by id."""
    rows = await session.execute(select(Agency.id, Agency.name_fa, Agency.name_en))
    return {row.id: (row.name_fa, row.name_en) for row in rows}


async def claimed_marks(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of `keys` have a reminder mark already: a rerun skips those without looking anything
    up (`services.responsibility.claim_mark` still decides, in the transaction, for runs racing
    each other)."""
    pending = list(keys)
    found: set[str] = set()
    if session.get_bind().dialect.name == "postgresql":
        # One array parameter per query instead of a bound parameter per key.
        for i in range(0, len(pending), _ARRAY_CHUNK):
            wanted = bindparam("keys", pending[i : i + _ARRAY_CHUNK], type_=postgresql.ARRAY(String))
            found.update(
                (
                    await _core(session, select(ReminderMark.key).where(ReminderMark.key == any_(wanted)))
                ).scalars()
            )
        return found
    for i in range(0, len(pending), _MARK_CHUNK):
        chunk = pending[i : i + _MARK_CHUNK]
        found.update(
            (await _core(session, select(ReminderMark.key).where(ReminderMark.key.in_(chunk)))).scalars()
        )
    return found


async def insert_marks(session: AsyncSession, keys: Sequence[str], now: datetime) -> set[str] | None:
    """Add a reminder mark for each of `keys` (in their order) unless it exists; the keys added.
    On PostgreSQL one INSERT … SELECT unnest(array) per `_ARRAY_CHUNK` keys (a national run claims
    a hundred thousand); None elsewhere, for the caller's multi-row INSERTs."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    added: set[str] = set()
    for i in range(0, len(keys), _ARRAY_CHUNK):
        wanted = bindparam("keys", list(keys[i : i + _ARRAY_CHUNK]), type_=postgresql.ARRAY(String))
        stmt = (
            postgresql.insert(ReminderMark)
            .from_select(
                ["key", "sent_at"],
                select(
                    func.unnest(wanted), bindparam("now", now, type_=ReminderMark.__table__.c.sent_at.type)
                ),
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(ReminderMark.key)
        )
        await session.flush()
        added.update((await _core(session, stmt)).scalars())
    return added


async def county_official_seats(session: AsyncSession) -> list[tuple[int, int]]:
    """(person id, county id) of every county official's role."""
    rows = await session.execute(
        select(RoleAssignment.person_id, RoleAssignment.scope_id).where(
            RoleAssignment.role == Role.COUNTY_OFFICIAL, RoleAssignment.scope_kind == ScopeKind.COUNTY
        )
    )
    return [(person_id, county_id) for person_id, county_id in rows.all()]


# ---- the county digest's figures ----


async def county_name(session: AsyncSession, county_id: int) -> str | None:
    name: str | None = await session.scalar(select(County.name).where(County.id == county_id))
    return name


async def county_neighbourhoods(session: AsyncSession, county_id: int) -> dict[int, str]:
    """The county's neighbourhoods' names by id, in the order of their names."""
    rows = await session.execute(
        select(Neighbourhood.id, Neighbourhood.name)
        .where(Neighbourhood.county_id == county_id)
        .order_by(Neighbourhood.name)
    )
    return {row.id: row.name for row in rows}


async def resolution_counts(
    session: AsyncSession, county_id: int, *, today: date, done_since: datetime
) -> list[tuple[int, int, int, int]]:
    """Per neighbourhood of the county that has resolutions: (neighbourhood id, open, overdue
    before `today`, done since `done_since`)."""
    is_open = Resolution.status.in_(OPEN_RESOLUTION_STATUSES)
    done = (Resolution.status == ResolutionStatus.DONE) & (Resolution.completed_at >= done_since)
    rows = await session.execute(
        select(
            Resolution.neighbourhood_id,
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((is_open & (Resolution.deadline < today), 1), else_=0)),
            func.sum(case((done, 1), else_=0)),
        )
        .join(Neighbourhood, Neighbourhood.id == Resolution.neighbourhood_id)
        .where(Neighbourhood.county_id == county_id)
        .group_by(Resolution.neighbourhood_id)
    )
    return [
        (nid, int(open_count or 0), int(overdue or 0), int(done_count or 0))
        for nid, open_count, overdue, done_count in rows.all()
    ]


async def request_resolution_days(session: AsyncSession) -> dict[CommitteeKey, int]:
    """Each committee's target for resolving a request, in days, where one is set."""
    return {row.committee: row.resolution_days for row in await session.scalars(select(CommitteeSla))}


async def open_requests_in_county(
    session: AsyncSession, county_id: int
) -> list[tuple[int, CommitteeKey, datetime | None]]:
    """(neighbourhood id, committee, when its SLA clock started) of every open request there."""
    rows = await session.execute(
        select(CitizenRequest.neighbourhood_id, CitizenRequest.committee, CitizenRequest.sla_started_at)
        .join(Neighbourhood, Neighbourhood.id == CitizenRequest.neighbourhood_id)
        .where(Neighbourhood.county_id == county_id, CitizenRequest.status.in_(OPEN_STATUSES))
    )
    return [(nid, committee, started) for nid, committee, started in rows.all()]
