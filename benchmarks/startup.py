"""Seconds from starting `python -m bot run` to its first answer, cold and warm.

    python -m benchmarks.startup [--runs 3] [--database-url URL]

Starts the Bot API emulator here, queues a `/help` from a user before the bot starts, then starts
the real process (as the end-to-end tests do) and times from the process's start to the answer the
emulator records. The first start is cold: an empty router cache (`ROUTER_CACHE_DIR` in a
temporary folder), so the bot trains its request router; on SQLite it also creates its database.
The next `--runs` starts are warm: the same database and cache, as after any restart. The goal
(issue 17) is a first answer within 3 s of a warm start. The import of the bot's modules is part of
the time, and so is what else the machine is doing: run it on a quiet machine. A bare aiogram echo
bot (`benchmarks.echo_bot`) is timed the same way last, as the yardstick for this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.burst import BOT_ID, FIRST_USER, TOKEN, _bot_env, _create_postgres, _drop_postgres
from benchmarks.throughput import _ProcessRun
from emulator import BotAPIEmulator, start_emulator


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="warm starts to time (default 3)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL to create (and drop) the bot's database on; SQLite if not given",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for an answer")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (logs)")
    return parser.parse_args(argv)


def _answers(emulator: BotAPIEmulator, user: int) -> list[float]:
    return [r.sent_at for r in emulator.chat_records(BOT_ID, user) if r.direction == "bot"]


async def _time_one_start(
    emulator: BotAPIEmulator,
    env: dict[str, str],
    log_path: Path,
    user: int,
    wait: float,
    argv: tuple[str, ...] = ("-m", "bot", "run"),
) -> float:
    """Seconds from the process's start to its answer to a /help queued just before."""
    before = len(_answers(emulator, user))
    await emulator.send_text(BOT_ID, user, "/help")
    run = _ProcessRun(list(argv), env, log_path)
    started = time.monotonic()
    try:
        await run.start(emulator)  # returns once it polls; the answer may follow
        deadline = started + wait
        while len(answers := _answers(emulator, user)) <= before:
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer within {wait:.0f} s:\n{run.log()[-3000:]}")
            await asyncio.sleep(0.02)
        return answers[before] - started
    finally:
        await run.stop()


async def _run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.database_url:
            database_url = await _create_postgres(args.database_url)
        else:
            database_url = f"sqlite+aiosqlite:///{workdir / 'startup.db'}"
        emulator, runner, base_url = await start_emulator("127.0.0.1", 0)
        emulator.add_bot(TOKEN, "startup_bench_bot", "Startup benchmark")
        users = [FIRST_USER + i for i in range(args.runs + 2)]
        for uid in users:
            emulator.user(uid, f"User{uid}", language_code="en")
        env = _bot_env(database_url, base_url, argparse.Namespace(concurrency=None, redis=None), None)
        env["ROUTER_CACHE_DIR"] = str(workdir / "router-cache")
        env["OPS_PORT"] = "0"
        try:
            if args.database_url:  # PostgreSQL is migrated by the operator, not by the start
                from models.db import upgrade_database

                await upgrade_database(database_url)
            cold = await _time_one_start(emulator, env, workdir / "bot.log", users[0], args.timeout)
            print(f"cold start (router trained, cache empty): {cold:6.2f} s to the first answer", flush=True)
            warm = [
                await _time_one_start(emulator, env, workdir / "bot.log", uid, args.timeout)
                for uid in users[1:-1]
            ]
            # The yardstick: what importing aiogram and polling cost on this machine, with no bot.
            echo_argv = ("-m", "benchmarks.echo_bot", TOKEN, base_url)
            echo = await _time_one_start(
                emulator, env, workdir / "echo.log", users[-1], args.timeout, echo_argv
            )
        finally:
            await runner.cleanup()
            if args.database_url:
                await _drop_postgres(args.database_url, database_url)
    figures = ", ".join(f"{w:.2f}" for w in warm)
    print(f"warm starts (router from the cache):       {statistics.median(warm):6.2f} s median ({figures})")
    print(
        f"a bare aiogram echo bot, same machine:      {echo:6.2f} s (importing aiogram alone is most of it)"
    )
    print(f"goal: a warm start answers within 3 s: {'met' if max(warm) <= 3.0 else 'NOT met'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_run(_parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
