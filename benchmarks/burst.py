"""Bursts of incoming updates against the real process: every one answered, no apologies, and
nobody waits behind a flooder.

    python -m benchmarks.burst [--updates 1000 --users 300 --within 1.0 --flood 500]
                               [--backends sqlite,postgres,redis] [--postgres URL] [--redis URL]

For each backend — SQLite; PostgreSQL; PostgreSQL with the FSM in Redis — it creates a database of
its own (and a Redis key prefix), seeds `--users` onboarded residents (a person with a phone, a
resident role and a Telegram account), starts the Bot API emulator here and the real process
(`python -m bot run`, as the end-to-end tests do) against it, and measures:

1. burst: `--updates` messages (/help and /cancel, each answered by exactly one message) from
   all the residents within `--within` seconds; waits until every one is answered or
   `--timeout` passes: answered, apologies (the error boundary's `error-generic`), other
   replies, the time to the last answer, reply latency p50/p95/max;
2. flood: one resident sends `--flood` messages as fast as the emulator takes them; when half
   are in, another resident sends /help: the time until that /help is answered (goal ≤ 2 s), and
   what the flooder got back.

Prints one table; the database, the Redis keys and the process are removed afterwards. A backend
whose server is not reachable is reported as skipped. Exit code 1 if an update went unanswered
or was apologised for, or the innocent /help took longer than 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator, start_emulator
from models import Account, County, Neighbourhood, NeighbourhoodKind, Platform, Province, Role, ScopeKind
from models.db import create_engine, create_session_factory, upgrade_database
from services.i18n import Translator
from services.requests.routing_model import READY_LINE
from services.roles import ensure_person, ensure_role

TOKEN = "700301:burst-benchmark"
BOT_ID = 700301
FIRST_USER = 8_100_001
INNOCENT_GOAL = 2.0


@dataclass
class Figures:
    """What one backend did."""

    backend: str
    skipped: str = ""
    sent: int = 0
    answered: int = 0
    apologies: int = 0
    other: int = 0
    unanswered: int = 0
    burst_seconds: float = 0.0  # first update sent → last one answered
    latencies: list[float] = field(default_factory=list)
    innocent: float | None = None
    flood_replies: Counter[str] = field(default_factory=Counter)
    flood_apologies: int = 0
    log_errors: int = 0

    def failed(self) -> bool:
        if self.skipped:
            return False
        late = self.innocent is None or self.innocent > INNOCENT_GOAL
        return bool(self.unanswered or self.apologies or self.flood_apologies or late)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.burst", description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=1000, help="messages in the burst (default 1000)")
    parser.add_argument(
        "--users", type=int, default=300, help="onboarded residents sending them (default 300)"
    )
    parser.add_argument(
        "--within", type=float, default=1.0, help="seconds the burst is spread over (default 1)"
    )
    parser.add_argument(
        "--flood", type=int, default=500, help="messages from the flooding resident (default 500)"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for the answers (default 120)"
    )
    parser.add_argument(
        "--backends",
        default="sqlite,postgres,redis",
        help="which of sqlite,postgres,redis (default all three)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL server URL the benchmark may create and drop databases on",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0", help="a Redis URL"
    )
    parser.add_argument("--concurrency", type=int, default=None, help="UPDATE_CONCURRENCY for the process")
    return parser.parse_args(argv)


# -- databases ---------------------------------------------------------------------------------


async def _create_postgres(server_url: str) -> str:
    name = f"mahalleyar_burst_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        await admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def _drop_postgres(server_url: str, url: str) -> None:
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(
                f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
            )
    finally:
        await admin.dispose()


async def _drop_redis_keys(redis_url: str, prefix: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


async def _redis_reachable(redis_url: str) -> bool:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url, socket_connect_timeout=2)
    try:
        return bool(await client.ping())
    except Exception:
        return False
    finally:
        await client.aclose()


async def _seed(database_url: str, user_ids: list[int]) -> None:
    """Onboarded residents: a person with a phone and a resident role, and a Telegram account."""
    await upgrade_database(database_url)
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            province = Province(name="تهران")
            county = County(province=province, name="ری")
            neighbourhood = Neighbourhood(
                county=county, name="دولت‌آباد", code="9001", kind=NeighbourhoodKind.URBAN
            )
            session.add(neighbourhood)
            await session.flush()
            for n, user_id in enumerate(user_ids):
                person, _ = await ensure_person(session, f"0912{n:07d}", full_name=f"ساکن {n}", now=now)
                await ensure_role(
                    session,
                    person_id=person.id,
                    role=Role.RESIDENT,
                    scope_kind=ScopeKind.NEIGHBOURHOOD,
                    scope_id=neighbourhood.id,
                    now=now,
                )
                session.add(
                    Account(
                        platform=Platform.TELEGRAM,
                        platform_user_id=user_id,
                        chat_id=user_id,
                        person_id=person.id,
                        first_name=f"User{n}",
                        locale="en",
                        created_at=now,
                        last_seen_at=now,
                    )
                )
    finally:
        await engine.dispose()


# -- the process -------------------------------------------------------------------------------


class BotRun:
    """`python -m bot run` against the emulator, its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, emulator: BotAPIEmulator) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
                [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 60
        # Polling, and its request router loaded (in the background: not part of what is measured).
        while not emulator.calls_for("getUpdates", BOT_ID) or READY_LINE not in self.log():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not start:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        for _ in range(300):
            if self.process.poll() is not None:
                return
            await asyncio.sleep(0.1)
        self.process.kill()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


def _bot_env(
    database_url: str, base_url: str, args: argparse.Namespace, redis_prefix: str | None
) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BALE_", "REDIS_", "WEBHOOK_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE=base_url,
        BALE_BOT_TOKEN="",
        DATABASE_URL=database_url,
        POLLING_TIMEOUT="2",
        LOG_LEVEL="INFO",
    )
    if args.concurrency:
        env["UPDATE_CONCURRENCY"] = str(args.concurrency)
    if redis_prefix:
        env.update(REDIS_URL=args.redis, REDIS_PREFIX=redis_prefix)
    return env


# -- measuring ---------------------------------------------------------------------------------


def _kind(text: str, t: Translator) -> str:
    if text == t.get("en", "error-generic") or text == t.get("fa", "error-generic"):
        return "apology"
    if text.startswith(t.get("en", "help-text")):
        return "help"
    if text == t.get("en", "cancel-nothing"):
        return "cancel"
    return "other"


async def _wait_for_replies(emulator: BotAPIEmulator, expected: dict[int, int], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if all(len(emulator.sent_messages(BOT_ID, uid)) >= n for uid, n in expected.items()):
            return
        await asyncio.sleep(0.05)


async def _burst(
    emulator: BotAPIEmulator, users: list[int], args: argparse.Namespace, figures: Figures
) -> None:
    t = Translator()
    plan = [users[i % len(users)] for i in range(args.updates)]
    sent_at: dict[int, list[float]] = {uid: [] for uid in users}
    gap = args.within / max(1, len(plan))
    start = time.monotonic()
    for n, uid in enumerate(plan):
        await emulator.send_text(BOT_ID, uid, "/help" if len(sent_at[uid]) % 2 == 0 else "/cancel")
        sent_at[uid].append(time.monotonic())
        ahead = start + (n + 1) * gap - time.monotonic()
        if ahead > 0:
            await asyncio.sleep(ahead)
    figures.sent = len(plan)
    await _wait_for_replies(emulator, {uid: len(times) for uid, times in sent_at.items()}, args.timeout)
    await asyncio.sleep(0.5)  # a reply too many would show by now
    last = start
    for uid, times in sent_at.items():
        records = [r for r in emulator.chat_records(BOT_ID, uid) if r.direction == "bot"]
        kinds = [_kind(r.message.get("text", ""), t) for r in records]
        figures.apologies += kinds.count("apology")
        figures.other += kinds.count("other")
        figures.answered += min(len(times), kinds.count("help") + kinds.count("cancel"))
        figures.unanswered += max(0, len(times) - len(records))
        # One reply per message, in order per chat: the k-th reply answers the k-th message.
        for sent, record in zip(times, records, strict=False):
            figures.latencies.append(record.sent_at - sent)
            last = max(last, record.sent_at)
    figures.burst_seconds = last - start


async def _flood(
    emulator: BotAPIEmulator, flooder: int, innocent: int, args: argparse.Namespace, figures: Figures
) -> None:
    t = Translator()
    before_flooder = len(emulator.sent_messages(BOT_ID, flooder))
    before_innocent = len(emulator.sent_messages(BOT_ID, innocent))
    asked_at = 0.0
    for n in range(args.flood):
        await emulator.send_text(BOT_ID, flooder, f"/help {n}" if n % 2 else "/help")
        if n == args.flood // 2:
            await emulator.send_text(BOT_ID, innocent, "/help")
            asked_at = time.monotonic()
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and len(emulator.sent_messages(BOT_ID, innocent)) <= before_innocent:  # noqa: ASYNC110 (another process answers)
        await asyncio.sleep(0.01)
    answers = [r for r in emulator.chat_records(BOT_ID, innocent) if r.direction == "bot"][before_innocent:]
    if answers:
        figures.innocent = answers[0].sent_at - asked_at
    # Let the flood drain (or be throttled) before counting what the flooder got.
    quiet_since, seen = time.monotonic(), -1
    while time.monotonic() < deadline and time.monotonic() - quiet_since < 2.0:
        now_seen = len(emulator.sent_messages(BOT_ID, flooder))
        if now_seen != seen:
            seen, quiet_since = now_seen, time.monotonic()
        await asyncio.sleep(0.1)
    for message in emulator.sent_messages(BOT_ID, flooder)[before_flooder:]:
        kind = _kind(message.get("text", ""), t)
        figures.flood_replies[kind] += 1
        figures.flood_apologies += kind == "apology"


async def _measure(backend: str, args: argparse.Namespace, workdir: Path) -> Figures:
    figures = Figures(backend)
    redis_prefix = f"burst-{uuid.uuid4().hex[:10]}" if backend == "redis" else None
    if backend == "sqlite":
        database_url = f"sqlite+aiosqlite:///{workdir / 'burst.db'}"
    else:
        try:
            database_url = await _create_postgres(args.postgres)
        except Exception as error:
            figures.skipped = f"PostgreSQL not reachable ({type(error).__name__})"
            return figures
        if redis_prefix and not await _redis_reachable(args.redis):
            await _drop_postgres(args.postgres, database_url)
            figures.skipped = "Redis not reachable"
            return figures
    users = [FIRST_USER + i for i in range(args.users)]
    flooder, innocent = FIRST_USER + args.users, FIRST_USER + args.users + 1
    emulator, runner, base_url = await start_emulator("127.0.0.1", 0)
    emulator.add_bot(TOKEN, "burst_bench_bot", "Burst benchmark")
    for uid in [*users, flooder, innocent]:
        emulator.user(uid, f"User{uid}", language_code="en")
    run = BotRun(_bot_env(database_url, base_url, args, redis_prefix), workdir / f"bot-{backend}.log")
    try:
        await _seed(database_url, [*users, flooder, innocent])
        await run.start(emulator)
        await _burst(emulator, users, args, figures)
        await _flood(emulator, flooder, innocent, args, figures)
    finally:
        await run.stop()
        await runner.cleanup()
        if backend != "sqlite":
            await _drop_postgres(args.postgres, database_url)
        if redis_prefix:
            await _drop_redis_keys(args.redis, redis_prefix)
    log = run.log()
    figures.log_errors = sum(1 for line in log.splitlines() if " ERROR " in line)
    return figures


# -- the table ---------------------------------------------------------------------------------

LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL", "redis": "PostgreSQL + Redis FSM"}


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _table(results: list[Figures], args: argparse.Namespace) -> str:
    rows: list[tuple[str, ...]] = [("", *(LABELS[f.backend] for f in results))]

    def row(label: str, value: Any) -> None:
        rows.append((label, *("skipped" if f.skipped else value(f) for f in results)))

    row(f"burst: updates sent (within {args.within:g} s)", lambda f: str(f.sent))
    row("  answered", lambda f: str(f.answered))
    row("  apologies (error-generic)", lambda f: str(f.apologies))
    row("  other replies", lambda f: str(f.other))
    row("  unanswered", lambda f: str(f.unanswered))
    row("  first sent → last answered", lambda f: f"{f.burst_seconds:.2f} s")
    row("  throughput", lambda f: f"{f.answered / f.burst_seconds:.0f} updates/s" if f.burst_seconds else "-")
    row("  reply latency p50", lambda f: f"{_percentile(f.latencies, 0.5) * 1000:.0f} ms")
    row("  reply latency p95", lambda f: f"{_percentile(f.latencies, 0.95) * 1000:.0f} ms")
    row("  reply latency max", lambda f: f"{max(f.latencies, default=float('nan')) * 1000:.0f} ms")
    row(
        f"flood: innocent /help answered in (goal ≤ {INNOCENT_GOAL:g} s)",
        lambda f: f"{f.innocent:.2f} s" if f.innocent is not None else "never",
    )
    row(
        f"  replies to the flooder ({args.flood} sent)",
        lambda f: ", ".join(f"{k} {n}" for k, n in sorted(f.flood_replies.items())) or "none",
    )
    row("  apologies in the flood", lambda f: str(f.flood_apologies))
    row("ERROR lines in the bot's log", lambda f: str(f.log_errors))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    skipped = [f"{LABELS[f.backend]}: {f.skipped}" for f in results if f.skipped]
    return "\n".join(lines + skipped)


async def _run(args: argparse.Namespace) -> int:
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = set(backends) - set(LABELS)
    if unknown:
        print(f"unknown backends: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    results: list[Figures] = []
    with tempfile.TemporaryDirectory(prefix="burst-bench-") as tmp:
        for backend in backends:
            print(f"measuring {LABELS[backend]} …", file=sys.stderr, flush=True)
            results.append(await _measure(backend, args, Path(tmp)))
    print(
        f"{args.updates} updates from {args.users} onboarded residents within {args.within:g} s; then one resident "
        f"sends {args.flood} messages and another /help midway. Real process against the emulator; "
        f"UPDATE_CONCURRENCY={args.concurrency or 'default'}."
    )
    print(_table(results, args))
    return 1 if any(f.failed() for f in results) else 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_run(_parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
