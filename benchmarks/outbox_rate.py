"""How fast the outbox drains through the Bot API emulator, with flood-control and server faults.

    python -m benchmarks.outbox_rate [--messages 1000 --chats 200 --fault-rate 0.01 --seed 1]

Prints figures only. The exit code is 1 if any message was lost or sent twice, else 0.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.delivery import deliver_pending_once
from bot.settings import Settings
from emulator import start_emulator
from models import outbox_repo
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import Platform
from services.outbox import enqueue

TOKEN = "700200:outbox-benchmark"
FIRST_USER_ID = 7_000_001


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.outbox_rate", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--messages", type=int, default=1000, help="notifications to deliver (default 1000)")
    parser.add_argument("--chats", type=int, default=200, help="distinct chats they go to (default 200)")
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.01,
        help="share of sendMessage calls failing at random with 429 (retry_after 1) or 500 (default 0.01)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for the random faults")
    parser.add_argument("--rate", type=float, default=None, help="override outbox_global_rate (default 28)")
    return parser.parse_args(argv)


async def _run(args: argparse.Namespace) -> int:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if args.rate is not None:
        settings = settings.model_copy(update={"outbox_global_rate": args.rate})
    emu, runner, base_url = await start_emulator("127.0.0.1", 0)
    emu.add_bot(TOKEN, "outbox_bench_bot", "Outbox benchmark")
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await upgrade_database(url)
        engine = create_engine(url)
        try:
            chat_ids = [FIRST_USER_ID + i for i in range(args.chats)]
            for chat_id in chat_ids:
                emu.user(chat_id, f"Resident {chat_id}")
                await emu.send_text(TOKEN, chat_id, "/start")

            factory = create_session_factory(engine)
            expected: set[tuple[int, str]] = set()
            async with factory() as session, session.begin():
                for i in range(args.messages):
                    chat_id = chat_ids[i % len(chat_ids)]
                    text = f"benchmark notice #{i} for {chat_id}"
                    await enqueue(
                        session, platform=Platform.TELEGRAM, chat_id=chat_id, text=text, now=_utc_now()
                    )
                    expected.add((chat_id, text))

            if args.fault_rate > 0:
                emu.set_random_failures(
                    "sendMessage", rate=args.fault_rate, statuses=(429, 500), retry_after=1, seed=args.seed
                )
            # One chat's own flood limit hit three times running, and a short server outage.
            emu.fail_next("sendMessage", status=429, retry_after=1, count=3, chat_id=chat_ids[0])
            emu.fail_next("sendMessage", status=500, count=3)

            loop = asyncio.get_running_loop()
            started = loop.time()
            stats = await deliver_pending_once(
                factory, {Platform.TELEGRAM: bot}, settings, _utc_now, "benchmark"
            )
            elapsed = loop.time() - started

            async with factory() as session:
                counts = await outbox_repo.count_by_status(session)
        finally:
            await engine.dispose()
            await bot.session.close()
            await runner.cleanup()

    sent = Counter((m["chat"]["id"], m.get("text", "")) for m in emu.sent_messages(TOKEN))
    duplicates = sum(n - 1 for pair, n in sent.items() if pair in expected and n > 1)
    lost = len(expected - set(sent))
    calls = emu.calls_for("sendMessage")
    failed_calls = Counter(c.status for c in calls if not c.ok)
    stamps = sorted(t for t, _ in emu.send_timestamps(TOKEN))
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0

    print(
        f"messages:            {args.messages} to {args.chats} chats (global rate setting "
        f"{settings.outbox_global_rate}/s, per chat every {settings.outbox_per_chat_interval}s)"
    )
    print(f"total time:          {elapsed:.2f} s")
    print(
        f"sustained rate:      {len(sent) / elapsed:.2f} msg/s delivered (goal >= 27); "
        f"{len(calls) / elapsed:.2f} requests/s"
    )
    print(f"first-to-last send:  {span:.2f} s ({(len(stamps) - 1) / span if span else 0:.2f} msg/s)")
    print(f"peak 1-s window:     {emu.peak_rate(1.0, TOKEN)} messages overall")
    print(f"peak per chat:       {emu.peak_rate_per_chat(1.0, TOKEN)} message(s) in any 1-s window")
    print(f"sendMessage calls:   {len(calls)} ({dict(sorted(failed_calls.items()))} failed)")
    print(
        f"retries:             {stats.rate_limited + stats.retried} "
        f"({stats.rate_limited} after 429, {stats.retried} after 5xx/network; "
        f"{stats.global_pauses} global pauses)"
    )
    print(f"outbox:              {counts.sent} sent, {counts.failed} failed, {counts.pending} pending")
    print(f"duplicates:          {duplicates}")
    print(f"lost:                {lost}")
    return 1 if duplicates or lost else 0


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(_run(args))


if __name__ == "__main__":
    sys.exit(main())
