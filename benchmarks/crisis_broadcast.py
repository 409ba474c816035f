"""How fast crisis mode tells a neighbourhood: queueing the broadcast, then delivering it through
the Bot API emulator at the outbox's pace.

    python -m benchmarks.crisis_broadcast [--sizes 500 5000 --deliver 500 --database-url URL]

For each size, a fresh database gets a neighbourhood with that many residents (every tenth reads
English, every twentieth is on Bale) and `start_crisis` is timed; for comparison, the same
messages are queued one `notify_person` call at a time (a query and a render per person). Then the
`--deliver` neighbourhood's broadcast is delivered through the emulator and the pace is measured
from the emulator's record of every send.

Prints figures only. The exit code is 1 if anyone was not told, or told twice, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import deliver_pending_once
from bot.settings import Settings
from emulator import start_emulator
from emulator.rates import peak_rate
from models import outbox_repo
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import (
    Account,
    County,
    Neighbourhood,
    NeighbourhoodKind,
    Person,
    Platform,
    Province,
    Role,
    RoleAssignment,
    ScopeKind,
)
from models.plumbing import OutboxMessage
from services.authz import OPERATOR
from services.crisis import crisis_audience, start_crisis
from services.emergency import emergency_numbers_text
from services.i18n import Translator
from services.notify import notify_person

TELEGRAM_TOKEN = "700300:crisis-benchmark"
BALE_TOKEN = "700301:crisis-benchmark-bale"
FIRST_USER_ID = 9_000_001
DESCRIPTION = "سیلاب وارد کوچه‌های پایین محله شده؛ به طبقات بالا بروید و از زیرزمین‌ها دور بمانید"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.crisis_broadcast", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[500, 5000], help="residents to queue for (default 500 5000)"
    )
    parser.add_argument(
        "--deliver",
        type=int,
        default=500,
        help="residents whose broadcast is delivered (default 500; 0: none)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a migrated, empty, throwaway database (e.g. PostgreSQL) instead of a temporary SQLite "
        "file; then a single size only",
    )
    return parser.parse_args(argv)


async def _seed(factory: async_sessionmaker[AsyncSession], residents: int) -> int:
    """A neighbourhood with `residents` residents, each with one messenger account; its id."""
    now = _utc_now()
    async with factory() as session, session.begin():
        neighbourhood = Neighbourhood(
            county=County(province=Province(name="تهران"), name="ری"),
            name="دولت‌آباد",
            code="1001",
            kind=NeighbourhoodKind.URBAN,
        )
        session.add(neighbourhood)
        await session.flush()
        for i in range(residents):
            user_id = FIRST_USER_ID + i
            session.add(
                Person(
                    phone=f"+98915{i:07d}",
                    created_at=now,
                    accounts=[
                        Account(
                            platform=Platform.BALE if i % 20 == 0 else Platform.TELEGRAM,
                            platform_user_id=user_id,
                            chat_id=user_id,
                            locale="en" if i % 10 == 0 else "fa",
                            created_at=now,
                            last_seen_at=now,
                        )
                    ],
                    roles=[
                        RoleAssignment(
                            role=Role.RESIDENT,
                            scope_kind=ScopeKind.NEIGHBOURHOOD,
                            scope_id=neighbourhood.id,
                            created_at=now,
                        )
                    ],
                )
            )
    return neighbourhood.id


async def _queue_one_by_one(
    factory: async_sessionmaker[AsyncSession], translator: Translator, neighbourhood_id: int
) -> float:
    """The naive way, for comparison: one notify_person (account query + render) per person."""
    async with factory() as session:
        people = [r.person_id for r in await crisis_audience(session, neighbourhood_id)]
        started = time.perf_counter()
        for person_id in people:
            await notify_person(
                session,
                translator,
                person_id=person_id,
                render=lambda t: t(
                    "crisis-notice-start",
                    neighbourhood="دولت‌آباد",
                    description=DESCRIPTION,
                    numbers=emergency_numbers_text(t),
                ),
                now=_utc_now(),
                dedup_key=f"naive:{person_id}",
            )
        await session.commit()
        return time.perf_counter() - started


async def _measure_queueing(url: str, residents: int, translator: Translator) -> tuple[float, float, int]:
    engine = create_engine(url)
    try:
        factory = create_session_factory(engine)
        neighbourhood_id = await _seed(factory, residents)
        async with factory() as session:
            started = time.perf_counter()
            switched = await start_crisis(
                session,
                translator,
                actor=OPERATOR,
                neighbourhood_id=neighbourhood_id,
                description=DESCRIPTION,
                now=_utc_now(),
            )
            batched = time.perf_counter() - started
        naive = await _queue_one_by_one(factory, translator, neighbourhood_id)
        async with factory() as session, session.begin():
            # Only the crisis broadcast stays queued for the delivery run.
            await session.execute(delete(OutboxMessage).where(OutboxMessage.dedup_key.like("naive:%")))
        return batched, naive, switched.told
    finally:
        await engine.dispose()


async def _measure_delivery(url: str, residents: int) -> int:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    emu, runner, base_url = await start_emulator("127.0.0.1", 0)
    emu.add_bot(TELEGRAM_TOKEN, "crisis_bench_bot", "Crisis benchmark")
    emu.add_bot(BALE_TOKEN, "crisis_bench_bale_bot", "Crisis benchmark", platform="bale", odd=True)
    api = TelegramAPIServer.from_base(base_url)
    bots = {
        Platform.TELEGRAM: Bot(TELEGRAM_TOKEN, session=AiohttpSession(api=api)),
        Platform.BALE: Bot(BALE_TOKEN, session=AiohttpSession(api=api)),
    }
    chats = [FIRST_USER_ID + i for i in range(residents)]
    for chat_id in chats:
        emu.user(chat_id, f"Resident {chat_id}")
    engine = create_engine(url)
    # A full garbage collection would pause the emulator and the worker together mid-run.
    gc.collect()
    gc.freeze()
    try:
        factory = create_session_factory(engine)
        loop = asyncio.get_running_loop()
        started = loop.time()
        stats = await deliver_pending_once(factory, bots, settings, _utc_now, "crisis-benchmark")
        elapsed = loop.time() - started
        async with factory() as session:
            counts = await outbox_repo.count_by_status(session)
    finally:
        gc.unfreeze()
        await engine.dispose()
        for bot in bots.values():
            await bot.session.close()
        await runner.cleanup()

    told = Counter(
        m["chat"]["id"]
        for token in (TELEGRAM_TOKEN, BALE_TOKEN)
        for m in emu.sent_messages(token)
        if DESCRIPTION in m.get("text", "")
    )
    duplicates = sum(n - 1 for n in told.values())
    lost = len(set(chats) - set(told))
    stamps = {token: emu.send_timestamps(token) for token in (TELEGRAM_TOKEN, BALE_TOKEN)}
    print(
        f"delivery of {residents}:    {elapsed:.2f} s ({residents / elapsed:.2f} msg/s; global rate setting "
        f"{settings.outbox_global_rate}/s, per chat every {settings.outbox_per_chat_interval}s)"
    )
    for token, platform in ((TELEGRAM_TOKEN, "telegram"), (BALE_TOKEN, "bale")):
        print(
            f"peak 1-s window {platform + ':':9} {emu.peak_rate(1.0, token)} messages overall, "
            f"{emu.peak_rate_per_chat(1.0, token)} per chat ({len(stamps[token])} sent)"
        )
    all_times = [t for token_stamps in stamps.values() for t, _ in token_stamps]
    print(f"peak 1-s window both:     {peak_rate(all_times, 1.0)} messages (one worker paces both bots)")
    print(f"outbox:                   {counts.sent} sent, {counts.failed} failed, {counts.pending} pending")
    print(f"retries:                  {stats.rate_limited + stats.retried}")
    print(f"duplicates:               {duplicates}")
    print(f"not told:                 {lost}")
    return 1 if duplicates or lost else 0


async def _run(args: argparse.Namespace) -> int:
    translator = Translator()
    sizes = list(dict.fromkeys([*args.sizes, *([args.deliver] if args.deliver else [])]))
    if args.database_url and len(sizes) > 1:
        print("--database-url takes a single size (--sizes N --deliver N or 0)", file=sys.stderr)
        return 2
    status = 0
    with tempfile.TemporaryDirectory(prefix="crisis-bench-") as tmp:
        urls: dict[int, str] = {}
        for size in sizes:
            url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / f'crisis-{size}.db'}"
            if not args.database_url:
                await upgrade_database(url)
            urls[size] = url
            batched, naive, told = await _measure_queueing(url, size, translator)
            print(
                f"queue {size:>5} residents: {batched * 1000:8.1f} ms batched ({told} queued), "
                f"{naive * 1000:8.1f} ms one notify_person per person"
            )
        if args.deliver:
            status = await _measure_delivery(urls[args.deliver], args.deliver)
    return status


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
