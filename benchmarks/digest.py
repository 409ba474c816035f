"""How long the morning digest, the escalations and the weekly county digest take on a county
with many open resolutions, and what they queue.

    python -m benchmarks.digest [--neighbourhoods 60 --resolutions 3000 --requests 0 --seed 1]
                                [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]

Builds a throwaway database (SQLite in a temporary folder, or a new database on the PostgreSQL
server given, dropped afterwards): one county, its neighbourhoods each with a manager and six
committee heads, six agencies' liaisons, a county official, and open resolutions with deadlines
spread over the past 40 and next 20 days (a third each for committees, agencies and named
members), and with `--requests N` N open citizen requests past their SLA (2 to 10 days old, in
random neighbourhoods and committees, from one resident). Then runs each job twice (the second run must queue nothing) and prints the timings,
people, messages and the longest message. Prints figures only; exit 1 if a second run queued
anything or a message passed the limit, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from benchmarks.burst import _create_postgres, _drop_postgres
from models.council import STANDING_COMMITTEES, Agency, CommitteeMembership, CouncilMember, CouncilPosition
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import Account, County, Neighbourhood, Person, Platform, Role, RoleAssignment, ScopeKind
from models.plumbing import OutboxMessage
from models.requests import CitizenRequest, RequestStatus
from models.resolutions import Resolution, ResolutionPriority, ResolutionStatus, ResponsibleKind
from services.authz import OPERATOR
from services.i18n import Translator
from services.jalali import tehran_today
from services.regions import import_regions
from services.reminders import (
    MESSAGE_LIMIT,
    run_county_digest,
    run_resolution_digest,
    run_resolution_escalations,
)
from services.requests import run_sla_reminders
from services.roles import assign_liaison, grant_role

NOW = datetime(2026, 11, 14, 5, 30, tzinfo=UTC)  # a Saturday, 09:00 in Tehran
# Resolutions per INSERT while seeding.
SEED_BATCH = 2000


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbourhoods", type=int, default=60)
    parser.add_argument("--resolutions", type=int, default=3000)
    parser.add_argument(
        "--requests", type=int, default=0, help="open requests past their SLA (SLA reminders)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (postgresql+asyncpg://user@host:port/db): the benchmark creates "
        "a throwaway database there and drops it afterwards; without it, SQLite in a temporary folder",
    )
    return parser.parse_args(argv)


def _person(phone: int) -> Person:
    return Person(phone=f"+98912{phone:07d}", full_name=f"نفر {phone}", created_at=NOW)


def _account(person_id: int, user_id: int) -> Account:
    return Account(
        platform=Platform.TELEGRAM,
        platform_user_id=user_id,
        chat_id=user_id,
        person_id=person_id,
        created_at=NOW,
        last_seen_at=NOW,
    )


async def _people(session, count: int, counter: Iterator[int]) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` new people, each with a Telegram account; their ids (one flush for all)."""
    people = [_person(next(counter)) for _ in range(count)]
    session.add_all(people)
    await session.flush()
    session.add_all([_account(p.id, 100_000 + p.id) for p in people])
    return [p.id for p in people]


async def _council(session, neighbourhoods: list[int], counter: Iterator[int]) -> dict[int, list[int]]:  # type: ignore[no-untyped-def]
    """A manager and six committee heads in each neighbourhood; the heads' member ids by neighbourhood."""
    managers = await _people(session, len(neighbourhoods), counter)
    session.add_all(
        RoleAssignment(
            person_id=manager,
            role=Role.MANAGER,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=nid,
            created_at=NOW,
        )
        for nid, manager in zip(neighbourhoods, managers, strict=True)
    )
    heads = iter(await _people(session, len(neighbourhoods) * len(STANDING_COMMITTEES), counter))
    seats = [
        (
            CouncilMember(
                neighbourhood_id=nid,
                person_id=next(heads),
                position=CouncilPosition.MEMBER,
                active=True,
                created_at=NOW,
            ),
            committee,
        )
        for nid in neighbourhoods
        for committee in STANDING_COMMITTEES
    ]
    session.add_all(member for member, _ in seats)
    await session.flush()
    session.add_all(
        CommitteeMembership(
            council_member_id=member.id,
            neighbourhood_id=member.neighbourhood_id,
            committee=committee,
            is_head=True,
        )
        for member, committee in seats
    )
    members: dict[int, list[int]] = {nid: [] for nid in neighbourhoods}
    for member, _ in seats:
        members[member.neighbourhood_id].append(member.id)
    return members


async def _build(session, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(args.seed)
    csv = "province,county,neighbourhood,code,kind\n" + "".join(
        f"تهران,شهر ری,محله {i},{5000 + i},urban\n" for i in range(args.neighbourhoods)
    )
    await import_regions(session, csv, actor=OPERATOR, now=NOW)
    county_id = await session.scalar(select(County.id).where(County.name == "شهر ری"))
    neighbourhoods = list(await session.scalars(select(Neighbourhood.id).order_by(Neighbourhood.id)))
    counter = iter(range(10_000, 10_000_000))  # clear of the official's phone, 09120009999
    await grant_role(
        session,
        actor=OPERATOR,
        phone="09120009999",
        role=Role.COUNTY_OFFICIAL,
        scope_kind=ScopeKind.COUNTY,
        scope_name_or_code="شهر ری",
        now=NOW,
        province_name="تهران",
    )
    official = await session.scalar(select(Person.id).where(Person.phone == "+989120009999"))
    session.add(_account(official, 9))
    agencies = list(await session.scalars(select(Agency.id).order_by(Agency.id)))
    for agency_id, person_id in zip(agencies, await _people(session, len(agencies), counter), strict=True):
        await assign_liaison(session, person_id=person_id, county_id=county_id, agency_id=agency_id, now=NOW)
    members = await _council(session, neighbourhoods, counter)
    await session.flush()
    today = tehran_today(NOW)
    rows = []
    for i in range(args.resolutions):
        nid = rng.choice(neighbourhoods)
        kind = (ResponsibleKind.COMMITTEE, ResponsibleKind.AGENCY, ResponsibleKind.MEMBER)[i % 3]
        rows.append(
            {
                "neighbourhood_id": nid,
                "text": f"مصوبه {i}: پیگیری و اجرای کار شماره {i} در محله با گزارش پیشرفت به شورا",
                "responsible_kind": kind,
                "responsible_committee": rng.choice(STANDING_COMMITTEES)
                if kind is ResponsibleKind.COMMITTEE
                else None,
                "responsible_agency_id": rng.choice(agencies) if kind is ResponsibleKind.AGENCY else None,
                "responsible_member_id": rng.choice(members[nid]) if kind is ResponsibleKind.MEMBER else None,
                "deadline": today + timedelta(days=rng.randint(-40, 20)),
                "priority": ResolutionPriority.NORMAL,
                "status": ResolutionStatus.OPEN,
                "progress": rng.choice((0, 10, 50, 80)),
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    for start in range(0, len(rows), SEED_BATCH):
        # Multi-row INSERTs (the ORM's bulk form: no objects, no RETURNING).
        await session.execute(insert(Resolution), rows[start : start + SEED_BATCH])
    await _requests(session, args, rng, neighbourhoods, counter)
    await session.commit()


async def _requests(
    session, args: argparse.Namespace, rng: random.Random, neighbourhoods: list[int], counter: Iterator[int]
) -> None:  # type: ignore[no-untyped-def]
    """Open requests past their SLA (48 hours to respond by default), from one resident."""
    if not args.requests:
        return
    (resident,) = await _people(session, 1, counter)
    rows = []
    for i in range(args.requests):
        started = NOW - timedelta(hours=rng.randint(49, 240))
        rows.append(
            {
                "code": f"B{i:09d}",
                "neighbourhood_id": rng.choice(neighbourhoods),
                "person_id": resident,
                "committee": rng.choice(STANDING_COMMITTEES),
                "text": f"درخواست {i}: چراغ کوچه خاموش است و آب جوی راه افتاده",
                "photos": [],
                "status": RequestStatus.NEW,
                "created_at": started,
                "updated_at": started,
                "sla_started_at": started,
            }
        )
    for start in range(0, len(rows), SEED_BATCH):
        await session.execute(insert(CitizenRequest), rows[start : start + SEED_BATCH])


async def _outbox(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    count = await session.scalar(select(func.count(OutboxMessage.id)))
    longest = await session.scalar(select(func.max(func.length(OutboxMessage.text))))
    return int(count or 0), int(longest or 0)


async def _run(url: str, args: argparse.Namespace) -> bool:
    """Seed the database at `url`, run each job twice and print the figures; whether all was well."""
    translator = Translator()
    await upgrade_database(url)
    engine = create_engine(url)
    factory = create_session_factory(engine)
    started = time.perf_counter()
    async with factory() as session:
        await _build(session, args)
    backend = make_url(url).get_backend_name()
    print(
        f"{backend}: {args.neighbourhoods} neighbourhoods, {args.resolutions} open resolutions "
        f"(seeded in {time.perf_counter() - started:.1f} s)"
    )
    ok = True
    longest = 0
    jobs: list[tuple[str, Callable[..., Awaitable[Any]]]] = [
        ("morning digest", run_resolution_digest),
        ("escalations", run_resolution_escalations),
        ("county digest", run_county_digest),
    ]
    if args.requests:
        jobs.append(("SLA reminders", run_sla_reminders))
    for name, job in jobs:
        for attempt in ("first", "again"):
            async with factory() as session:
                before, _ = await _outbox(session)
                started, cpu = time.perf_counter(), time.process_time()
                summary = await job(session, translator, now=NOW)
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                after, longest = await _outbox(session)
            # The CPU time is this process's alone (not the database's): a steadier figure on a
            # machine shared with other work.
            print(
                f"{name:15} {attempt:5} {elapsed * 1000:8.0f} ms (cpu {cpu * 1000:6.0f} ms)  {summary.line()}"
            )
            if attempt == "again" and after != before:
                ok = False
    print(f"longest message: {longest} characters (limit {MESSAGE_LIMIT})")
    await engine.dispose()
    return ok and longest <= MESSAGE_LIMIT


async def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.disable(logging.WARNING)
    if args.database_url:
        url = await _create_postgres(args.database_url)
        try:
            ok = await _run(url, args)
        finally:
            await _drop_postgres(args.database_url, url)
    else:
        with tempfile.TemporaryDirectory() as folder:
            ok = await _run(f"sqlite+aiosqlite:///{Path(folder) / 'digest.db'}", args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
