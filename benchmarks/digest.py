"""How long the morning digest, the escalations and the weekly county digest take on a county
with many open resolutions, and what they queue.

    python -m benchmarks.digest [--neighbourhoods 60 --resolutions 3000 --seed 1]

Builds a throwaway SQLite database: one county, its neighbourhoods each with a manager and six
committee heads, six agencies' liaisons, a county official, and open resolutions with deadlines
spread over the past 40 and next 20 days (a third each for committees, agencies and named
members). Then runs each job twice (the second run must queue nothing) and prints the timings,
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from models.council import STANDING_COMMITTEES, Agency, CommitteeMembership, CouncilMember, CouncilPosition
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import Account, County, Neighbourhood, Person, Platform, Role, RoleAssignment, ScopeKind
from models.plumbing import OutboxMessage
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
from services.roles import assign_liaison, grant_role

NOW = datetime(2026, 11, 14, 5, 30, tzinfo=UTC)  # a Saturday, 09:00 in Tehran


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neighbourhoods", type=int, default=60)
    parser.add_argument("--resolutions", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


async def _person(session, phone: int, user_id: int) -> int:  # type: ignore[no-untyped-def]
    person = Person(phone=f"+98912{phone:07d}", full_name=f"نفر {phone}", created_at=NOW)
    session.add(person)
    await session.flush()
    session.add(
        Account(
            platform=Platform.TELEGRAM,
            platform_user_id=user_id,
            chat_id=user_id,
            person_id=person.id,
            created_at=NOW,
            last_seen_at=NOW,
        )
    )
    return person.id


async def _build(session, args: argparse.Namespace) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(args.seed)
    csv = "province,county,neighbourhood,code,kind\n" + "".join(
        f"تهران,شهر ری,محله {i},{5000 + i},urban\n" for i in range(args.neighbourhoods)
    )
    await import_regions(session, csv, actor=OPERATOR, now=NOW)
    county_id = await session.scalar(select(County.id).where(County.name == "شهر ری"))
    neighbourhoods = list(await session.scalars(select(Neighbourhood.id).order_by(Neighbourhood.id)))
    counter = iter(range(1, 10_000_000))
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
    session.add(
        Account(
            platform=Platform.TELEGRAM,
            platform_user_id=9,
            chat_id=9,
            person_id=official,
            created_at=NOW,
            last_seen_at=NOW,
        )
    )
    agencies = list(await session.scalars(select(Agency.id).order_by(Agency.id)))
    for agency_id in agencies:
        person_id = await _person(session, next(counter), next(counter))
        await assign_liaison(session, person_id=person_id, county_id=county_id, agency_id=agency_id, now=NOW)
    members: dict[int, list[int]] = {}
    for nid in neighbourhoods:
        manager = await _person(session, next(counter), next(counter))
        session.add(
            RoleAssignment(
                person_id=manager,
                role=Role.MANAGER,
                scope_kind=ScopeKind.NEIGHBOURHOOD,
                scope_id=nid,
                created_at=NOW,
            )
        )
        members[nid] = []
        for committee in STANDING_COMMITTEES:
            person_id = await _person(session, next(counter), next(counter))
            member = CouncilMember(
                neighbourhood_id=nid,
                person_id=person_id,
                position=CouncilPosition.MEMBER,
                active=True,
                created_at=NOW,
            )
            session.add(member)
            await session.flush()
            session.add(
                CommitteeMembership(
                    council_member_id=member.id, neighbourhood_id=nid, committee=committee, is_head=True
                )
            )
            members[nid].append(member.id)
    today = tehran_today(NOW)
    for i in range(args.resolutions):
        nid = rng.choice(neighbourhoods)
        kind = (ResponsibleKind.COMMITTEE, ResponsibleKind.AGENCY, ResponsibleKind.MEMBER)[i % 3]
        session.add(
            Resolution(
                neighbourhood_id=nid,
                text=f"مصوبه {i}: پیگیری و اجرای کار شماره {i} در محله با گزارش پیشرفت به شورا",
                responsible_kind=kind,
                responsible_committee=rng.choice(STANDING_COMMITTEES)
                if kind is ResponsibleKind.COMMITTEE
                else None,
                responsible_agency_id=rng.choice(agencies) if kind is ResponsibleKind.AGENCY else None,
                responsible_member_id=rng.choice(members[nid]) if kind is ResponsibleKind.MEMBER else None,
                deadline=today + timedelta(days=rng.randint(-40, 20)),
                priority=ResolutionPriority.NORMAL,
                status=ResolutionStatus.OPEN,
                progress=rng.choice((0, 10, 50, 80)),
                created_at=NOW,
                updated_at=NOW,
            )
        )
    await session.commit()


async def _outbox(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    count = await session.scalar(select(func.count(OutboxMessage.id)))
    longest = await session.scalar(select(func.max(func.length(OutboxMessage.text))))
    return int(count or 0), int(longest or 0)


async def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.disable(logging.WARNING)
    translator = Translator()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'digest.db'}"
        await upgrade_database(url)
        engine = create_engine(url)
        factory = create_session_factory(engine)
        async with factory() as session:
            await _build(session, args)
        print(f"{args.neighbourhoods} neighbourhoods, {args.resolutions} open resolutions")
        ok = True
        jobs = (
            ("morning digest", run_resolution_digest),
            ("escalations", run_resolution_escalations),
            ("county digest", run_county_digest),
        )
        for name, job in jobs:
            for attempt in ("first", "again"):
                async with factory() as session:
                    before, _ = await _outbox(session)
                    started = time.perf_counter()
                    summary = await job(session, translator, now=NOW)
                    elapsed = time.perf_counter() - started
                    after, longest = await _outbox(session)
                print(f"{name:15} {attempt:5} {elapsed * 1000:8.0f} ms  {summary.line()}")
                if attempt == "again" and after != before:
                    ok = False
        print(f"longest message: {longest} characters (limit {MESSAGE_LIMIT})")
        ok = ok and longest <= MESSAGE_LIMIT
        await engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
