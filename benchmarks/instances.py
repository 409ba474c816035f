"""Several instances on PostgreSQL + Redis: three `python -m bot run` processes, an announcement to
600 residents through the emulator with 429s and 500s injected, one instance killed half-way.

    python -m benchmarks.instances [--residents 600 --instances 3 --fault-rate 0.05]
                                   [--postgres URL] [--redis URL] [--timeout 240]

It creates a throwaway PostgreSQL database and a Redis key prefix of its own, migrates, seeds the
demo and `--residents` residents (`python -m bot seed-demo --residents N`: alternately Telegram
and Bale), starts the Bot API emulator here (random 429s and 500s on sendMessage, a second
concurrent getUpdates of one bot answered 409 as Telegram does) and `--instances` processes of
`python -m bot run` against it, each with the whole OUTBOX_GLOBAL_RATE. Then `python -m bot
broadcast` queues the announcement; once half the residents have it, the instance holding the
Telegram poll lease is killed with SIGKILL. It waits until every resident has it (or the
timeout), stops the rest with SIGTERM and prints what the emulator saw: delivered, lost,
duplicated, the peak sends in any second per bot token and per chat, the 409 answers, how long
polling was without a holder after the kill, and the outbox's statuses.

Exit code 1 if anyone was not told, a token went over 30 a second or a chat over 1 a second,
there was a 409, or nobody polled Telegram within 10 s of the kill; else 0. The database and the Redis keys are removed afterwards.
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
from pathlib import Path

from sqlalchemy import func, select

from benchmarks.burst import _create_postgres, _drop_postgres, _drop_redis_keys, _redis_reachable
from bot.cluster import LEASE_RETRY, LEASE_TTL
from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator, start_emulator
from emulator.rates import peak_rate
from models.db import create_engine, create_session_factory, upgrade_database
from models.plumbing import OutboxMessage
from services.demo import LOAD_CHAT_ID_BASE, URBAN_CODE

TELEGRAM_TOKEN = "700401:instances-benchmark"
BALE_TOKEN = "700402:instances-benchmark-bale"
TOKENS = {"telegram": TELEGRAM_TOKEN, "bale": BALE_TOKEN}
TEXT = "اطلاعیهٔ شورای محله: جلسهٔ عمومی پنجشنبه ساعت ۱۸ در مسجد محله — benchmark {run}"
LIMIT_OVERALL, LIMIT_PER_CHAT = 30, 1
TAKEOVER_LIMIT = 10.0  # seconds without anyone polling after the holder dies


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.instances", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--residents", type=int, default=600, help="residents told (default 600)")
    parser.add_argument("--instances", type=int, default=3, help="bot processes (default 3)")
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.05,
        help="share of sendMessage calls answered 429 (retry after 1 s) or 500 at random (default 0.05)",
    )
    parser.add_argument(
        "--timeout", type=float, default=240.0, help="seconds to wait for every delivery (default 240)"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL") or "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL server URL the benchmark may create and drop databases on",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0", help="a Redis URL"
    )
    parser.add_argument("--logs", default=None, help="keep the processes' logs in this directory")
    return parser.parse_args(argv)


class Instance:
    """One `python -m bot run`, its log in a file."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name, self.env, self.log_path = name, env, log_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"], cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
            )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    async def stop(self) -> None:
        if not self.alive():
            return
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        for _ in range(300):
            if self.process.poll() is not None:
                return
            await asyncio.sleep(0.1)
        self.process.kill()


def _env(database_url: str, base_url: str, redis_url: str, prefix: str, router_cache: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "BALE_", "REDIS_", "WEBHOOK_", "OUTBOX_", "DATABASE_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_BASE=base_url,
        BALE_BOT_TOKEN=BALE_TOKEN,
        BALE_API_BASE=base_url,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        REDIS_PREFIX=prefix,
        POLLING_TIMEOUT="2",
        OPS_PORT="0",
        ROUTER_CACHE_DIR=str(router_cache),
        UPDATE_CONCURRENCY="8",
        LOG_LEVEL="INFO",
    )
    return env


async def _cli(env: dict[str, str], *args: str) -> str:
    """`python -m bot ARGS`, without blocking the loop (the emulator here keeps answering)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"python -m bot {' '.join(args)} failed:\n{out.decode()}\n{err.decode()}")
    return out.decode().strip()


async def _wait_started(instances: list[Instance], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for instance in instances:
            if not instance.alive():
                raise RuntimeError(f"{instance.name} exited:\n{instance.log()[-3000:]}")
        if all("started (polling)" in instance.log() for instance in instances):
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the instances did not start in time")


def _told(emu: BotAPIEmulator, text: str, chats: set[int]) -> Counter[int]:
    return Counter(
        m["chat"]["id"]
        for token in TOKENS.values()
        for m in emu.sent_messages(token)
        if text in m.get("text", "") and m["chat"]["id"] in chats
    )


async def _lease_holder_pid(redis_url: str, prefix: str, bot_id: int) -> int | None:
    from redis.asyncio import Redis

    client = Redis.from_url(redis_url)
    try:
        token = await client.get(f"{prefix}:poll:telegram:{bot_id}")
    finally:
        await client.aclose()
    if token is None:
        return None
    return int(token.decode().split(":")[1])  # bot.leases.default_worker_id: host:pid:random


async def _outbox_statuses(database_url: str, text: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.text.contains(text))
                .group_by(OutboxMessage.status)
            )
            return {str(getattr(status, "value", status)): int(n) for status, n in rows}
    finally:
        await engine.dispose()


async def _measure(args: argparse.Namespace, workdir: Path, database_url: str, prefix: str) -> int:
    emu, runner, base_url = await start_emulator("127.0.0.1", 0)
    emu.add_bot(TELEGRAM_TOKEN, "instances_bench_bot", "Instances benchmark")
    emu.add_bot(BALE_TOKEN, "instances_bench_bale_bot", "Instances benchmark", platform="bale", odd=True)
    emu.polling_conflicts = True
    chats = {LOAD_CHAT_ID_BASE + n for n in range(args.residents)}
    for chat_id in chats:
        emu.user(chat_id, f"Resident {chat_id}")
    env = _env(database_url, base_url, args.redis, prefix, workdir / "router")
    instances = [
        Instance(f"instance-{n + 1}", env, workdir / f"bot-{n + 1}.log") for n in range(args.instances)
    ]
    text = TEXT.format(run=uuid.uuid4().hex[:6])
    status = 0
    try:
        await upgrade_database(database_url)
        await _cli(env, "seed-demo", "--residents", str(args.residents))
        for instance in instances:
            instance.start()
        await _wait_started(instances, 180)
        await asyncio.sleep(3)  # let the leases settle
        emu.set_random_failures(
            "sendMessage", rate=args.fault_rate, statuses=(429, 500), retry_after=1, seed=17
        )
        queued = await _cli(env, "broadcast", "--neighbourhood", URBAN_CODE, "--text", text)
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = time.monotonic() + args.timeout
        while len(_told(emu, text, chats)) < len(chats) // 2 and time.monotonic() < deadline:  # noqa: ASYNC110 (other processes send)
            await asyncio.sleep(0.05)
        holder_pid = await _lease_holder_pid(args.redis, prefix, int(TELEGRAM_TOKEN.split(":")[0]))
        victim = next((i for i in instances if i.pid == holder_pid), instances[0])
        told_at_kill = len(_told(emu, text, chats))
        killed_at = time.monotonic()
        os.kill(victim.pid, signal.SIGKILL)
        while len(_told(emu, text, chats)) < len(chats) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        elapsed = loop.time() - started
        resumed = [c.time for c in emu.calls_for("getUpdates", TELEGRAM_TOKEN) if c.time > killed_at]
        await asyncio.sleep(2)  # a duplicate still on its way would show by now
    finally:
        for instance in instances:
            await instance.stop()
        await runner.cleanup()

    told = _told(emu, text, chats)
    duplicates = sum(n - 1 for n in told.values())
    lost = len(chats - set(told))
    statuses = await _outbox_statuses(database_url, text)
    conflicts = sum(1 for c in emu.calls if c.method.lower() == "getupdates" and c.status == 409)
    log_conflicts = sum(i.log().count("Conflict") for i in instances)
    print(
        f"{args.instances} instances (`python -m bot run`) on PostgreSQL + Redis; announcement to "
        f"{args.residents} residents (Telegram and Bale alternately) through the emulator, "
        f"{args.fault_rate:.0%} of sendMessage answered 429 or 500 at random"
    )
    print(f"broadcast:                {queued}")
    print(
        f"killed {victim.name} (pid {victim.pid}, the Telegram poll lease holder) with SIGKILL after "
        f"{told_at_kill} delivered"
    )
    print(f"delivered:                {len(told)} of {len(chats)} in {elapsed:.1f} s")
    print(f"lost:                     {lost}")
    print(f"duplicated:               {duplicates} (sent by the killed instance, not yet recorded)")
    for platform, token in TOKENS.items():
        stamps = [(t, c) for t, c in emu.send_timestamps(token) if c in chats]
        overall = peak_rate([t for t, _ in stamps], 1.0)
        per_chat = emu.peak_rate_per_chat(1.0, token)
        print(
            f"peak 1-s window {platform + ':':9} {overall} overall (limit {LIMIT_OVERALL}), "
            f"{per_chat} per chat (limit {LIMIT_PER_CHAT}); {len(stamps)} sends"
        )
        if overall > LIMIT_OVERALL or per_chat > LIMIT_PER_CHAT:
            status = 1
    both = [t for token in TOKENS.values() for t, _ in emu.send_timestamps(token)]
    print(f"peak 1-s window both:     {peak_rate(both, 1.0)} (two tokens, each with its own limit)")
    failures = Counter(c.status for c in emu.calls if c.method.lower() == "sendmessage" and c.status >= 400)
    print(f"sendMessage refused:      {dict(sorted(failures.items()))} (injected)")
    print(f"409 Conflict answers:     {conflicts} (emulator), {log_conflicts} in the logs")
    gap = f"{resumed[0] - killed_at:.1f} s" if resumed else "never"
    # The killed process is reaped only at the end, so the survivors cannot see it is gone (as
    # from another machine) and wait for its lease to run out.
    print(
        f"Telegram polled again:    {gap} after the kill (lease: {LEASE_TTL:g} s life, "
        f"tried every {LEASE_RETRY:g} s; the dead holder left unreaped, as on another machine)"
    )
    print(f"outbox rows:              {statuses}")
    for instance in instances:
        sent = instance.log().count("started (polling)")
        errors = sum(1 for line in instance.log().splitlines() if " ERROR " in line)
        state = "killed" if instance is victim else "stopped"
        print(f"  {instance.name}: {state}, started {sent}×, {errors} ERROR lines")
    if lost or conflicts or not resumed or resumed[0] - killed_at > TAKEOVER_LIMIT:
        status = 1
    return status


def _made(directory: str) -> str:
    Path(directory).mkdir(parents=True, exist_ok=True)
    return directory


def _print_logs(workdir: Path) -> None:
    for log in sorted(workdir.glob("bot-*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}", file=sys.stderr)


async def _run(args: argparse.Namespace) -> int:
    try:
        database_url = await _create_postgres(args.postgres)
    except Exception as error:
        print(f"PostgreSQL not reachable ({type(error).__name__}: {error})", file=sys.stderr)
        return 2
    prefix = f"instances-{uuid.uuid4().hex[:10]}"
    try:
        if not await _redis_reachable(args.redis):
            print("Redis not reachable", file=sys.stderr)
            return 2
        with tempfile.TemporaryDirectory(prefix="instances-bench-") as tmp:
            if args.logs:
                tmp = _made(args.logs)
            try:
                return await _measure(args, Path(tmp), database_url, prefix)
            except Exception:
                _print_logs(Path(tmp))
                raise
    finally:
        await _drop_postgres(args.postgres, database_url)
        await _drop_redis_keys(args.redis, prefix)


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_run(_parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
