"""Updates a second end to end: Mahalleyar beside a bare aiogram echo bot, same emulator, same load.

    python -m benchmarks.throughput [--users 100 --messages 30] [--database-url URL] [--rounds N]

Starts the Bot API emulator here, then in turn (a) the echo bot (`benchmarks.echo_bot`, a bare
aiogram Dispatcher polling the emulator and answering each message with its text) and (b) the
real process (`python -m bot run`, as the end-to-end tests start it) on a fresh database — SQLite
in a temporary directory, or a database of its own created on the PostgreSQL server of
`--database-url` and dropped afterwards — with `--users` onboarded residents seeded beforehand
(`benchmarks.burst`), so each reply is real work: identity, language, FSM state, inbox.

Each of `--users` users sends `--messages` `/help` messages, all sent at once (round robin over
the users); the rate is the number of replies over the time from the first message sent to the
last reply the emulator recorded. The per-person throttle (`THROTTLE_BURST=0`) is off for the
run: the echo bot has none, and a throttled message gets no answer to time. Prints both rates and
the ratio; exit code 1 if a message went unanswered. One round's ratio varies by about a quarter
on a 2-core machine (the emulator and the bot share it, and how the updates fall into batches
changes what each costs): `--rounds 5` measures both bots five times in turn and prints the
median ratio. Each bot's CPU time per update is printed too, and their ratio (echo bot over
Mahalleyar): what the ratio would be with a core for each, steadier from round to round.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks.burst import (
    BOT_ID,
    FIRST_USER,
    TOKEN,
    BotRun,
    _bot_env,
    _create_postgres,
    _drop_postgres,
    _seed,
)
from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator, start_emulator
from services.requests.routing_model import READY_LINE

# Seconds a bot may take from its start to its first getUpdates.
START_TIMEOUT = 240.0


@dataclass
class Rate:
    """What one bot did with the load."""

    name: str
    sent: int = 0
    answered: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the bot process's CPU time (user + system) over the same span

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        return 1000 * self.cpu_seconds / self.answered if self.answered else 0.0


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.throughput", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--users", type=int, default=100, help="users sending (default 100)")
    parser.add_argument("--messages", type=int, default=30, help="messages each user sends (default 30)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL to create (and drop) Mahalleyar's database on; SQLite if not given",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the replies")
    parser.add_argument("--concurrency", type=int, default=None, help="UPDATE_CONCURRENCY for Mahalleyar")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default=None,
        type=os.path.abspath,  # the bot runs in the project's directory
        help="run Mahalleyar under cProfile, its statistics written to FILE (read: python -m pstats FILE)",
    )
    parser.add_argument("--only", choices=("echo", "mahalleyar"), default=None, help="run one bot only")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure both bots this many times in turn and print the median ratio too (default 1): "
        "one round varies by a quarter on a 2-core machine",
    )
    return parser.parse_args(argv)


def _replies(emulator: BotAPIEmulator, users: list[int]) -> tuple[int, float]:
    """How many messages the bot has sent to `users`, and when the last one arrived."""
    count, last = 0, 0.0
    for uid in users:
        for record in emulator.chat_records(BOT_ID, uid):
            if record.direction == "bot":
                count += 1
                last = max(last, record.sent_at)
    return count, last


async def _load(
    emulator: BotAPIEmulator, users: list[int], args: argparse.Namespace, rate: Rate, run: _ProcessRun
) -> None:
    """Send the messages, wait for a reply to each (or the timeout), time it."""
    before, _ = _replies(emulator, users)
    cpu_before = run.cpu_seconds()
    start = time.monotonic()
    for _ in range(args.messages):
        for uid in users:
            await emulator.send_text(BOT_ID, uid, "/help")
    rate.sent = args.messages * len(users)
    deadline = time.monotonic() + args.timeout
    answered, last = _replies(emulator, users)
    while answered - before < rate.sent and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        answered, last = _replies(emulator, users)
    rate.cpu_seconds = run.cpu_seconds() - cpu_before
    rate.answered = answered - before
    rate.seconds = max(0.0, last - start)


def _emulator_users(emulator: BotAPIEmulator, users: list[int]) -> None:
    emulator.add_bot(TOKEN, "throughput_bench_bot", "Throughput benchmark")
    for uid in users:
        emulator.user(uid, f"User{uid}", language_code="en")


async def _echo(args: argparse.Namespace, users: list[int], workdir: Path) -> Rate:
    rate = Rate("aiogram echo bot")
    emulator, runner, base_url = await start_emulator("127.0.0.1", 0)
    _emulator_users(emulator, users)
    run = _ProcessRun(["-m", "benchmarks.echo_bot", TOKEN, base_url], dict(os.environ), workdir / "echo.log")
    try:
        await run.start(emulator)
        await _load(emulator, users, args, rate, run)
    finally:
        await run.stop()
        await runner.cleanup()
    return rate


async def _mahalleyar(args: argparse.Namespace, users: list[int], workdir: Path) -> Rate:
    rate = Rate("Mahalleyar")
    if args.database_url:
        database_url = await _create_postgres(args.database_url)
    else:
        database_url = f"sqlite+aiosqlite:///{workdir / 'throughput.db'}"
    emulator, runner, base_url = await start_emulator("127.0.0.1", 0)
    _emulator_users(emulator, users)
    env_args = argparse.Namespace(concurrency=args.concurrency, redis=None)
    env = _bot_env(database_url, base_url, env_args, None)
    env["THROTTLE_BURST"] = "0"
    argv = ["-m", "bot", "run"]
    if args.profile:
        argv = ["-m", "cProfile", "-o", args.profile, *argv]
    run = _ProcessRun(argv, env, workdir / "mahalleyar.log", ready_line=READY_LINE)
    try:
        await _seed(database_url, users)
        await run.start(emulator)
        await _load(emulator, users, args, rate, run)
    finally:
        await run.stop()
        await runner.cleanup()
        if args.database_url:
            await _drop_postgres(args.database_url, database_url)
    errors = sum(1 for line in run.log().splitlines() if " ERROR " in line)
    if errors:
        print(f"Mahalleyar logged {errors} ERROR lines (log: {run.log_path})", file=sys.stderr)
    return rate


class _ProcessRun(BotRun):
    """A `python ARGV` process, started and stopped like `benchmarks.burst.BotRun`; started when
    it first polls and, given a `ready_line`, has written it to its log (Mahalleyar's request
    router is loaded in the background: a first start trains it, slow on a loaded machine)."""

    def __init__(
        self, argv: list[str], env: dict[str, str], log_path: Path, ready_line: str | None = None
    ) -> None:
        super().__init__(env, log_path)
        self.argv = argv
        self.ready_line = ready_line

    def cpu_seconds(self) -> float:
        """CPU time the process has used so far (Linux: /proc; 0 elsewhere). Unlike the rate, it
        hardly depends on what else the machine is doing."""
        try:
            fields = (
                Path(f"/proc/{self.process.pid if self.process else 0}/stat").read_text().rsplit(")", 1)[1]
            )
        except OSError:
            return 0.0
        utime, stime = (int(v) for v in fields.split()[11:13])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    async def start(self, emulator: BotAPIEmulator) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: ASYNC220 (returns at once)
                [sys.executable, *self.argv], cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not emulator.calls_for("getUpdates", BOT_ID) or (
            self.ready_line is not None and self.ready_line not in self.log()
        ):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(self.argv)} did not start:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.1)


def _report(rates: list[Rate], args: argparse.Namespace) -> str:
    backend = "SQLite"
    if args.database_url:
        backend = f"PostgreSQL ({make_url(args.database_url).render_as_string(hide_password=True)})"
    lines = [
        f"{args.users} users × {args.messages} messages (/help), all sent at once; Mahalleyar on {backend}",
    ]
    for rate in rates:
        lines.append(
            f"  {rate.name:<18} {rate.answered:>6}/{rate.sent} answered in {rate.seconds:7.2f} s"
            f"  → {rate.per_second:8.1f} updates/s, {rate.cpu_ms_per_update:6.2f} ms CPU per update"
        )
    if len(rates) == 2 and rates[0].per_second:
        lines.append(f"  ratio Mahalleyar / echo bot: {rates[1].per_second / rates[0].per_second:.2f}")
    if len(rates) == 2 and rates[1].cpu_ms_per_update:
        lines.append(f"  CPU per update, echo bot / Mahalleyar: {_cpu_ratio(rates):.2f}")
    return "\n".join(lines)


def _cpu_ratio(rates: list[Rate]) -> float:
    """What the ratio would be if each bot had a core to itself: the CPU time each spent per
    update, echo bot over Mahalleyar. Steadier than the rates on a shared machine, where one round's
    wall clock varies by a quarter; the goal is stated on the rates."""
    return rates[0].cpu_ms_per_update / rates[1].cpu_ms_per_update


async def _round(args: argparse.Namespace, users: list[int]) -> list[Rate]:
    rates: list[Rate] = []
    with tempfile.TemporaryDirectory(prefix="throughput-bench-") as tmp:
        workdir = Path(tmp)
        if args.only in (None, "echo"):
            print("measuring the echo bot …", file=sys.stderr, flush=True)
            rates.append(await _echo(args, users, workdir))
        if args.only in (None, "mahalleyar"):
            print("measuring Mahalleyar …", file=sys.stderr, flush=True)
            rates.append(await _mahalleyar(args, users, workdir))
    return rates


async def _run(args: argparse.Namespace) -> int:
    users = [FIRST_USER + i for i in range(args.users)]
    complete = True
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    for number in range(1, max(1, args.rounds) + 1):
        rates = await _round(args, users)
        if args.rounds > 1:
            print(f"round {number} of {args.rounds}:")
        print(_report(rates, args), flush=True)
        complete = complete and all(r.answered >= r.sent for r in rates)
        if len(rates) == 2 and rates[0].per_second:
            ratios.append(rates[1].per_second / rates[0].per_second)
        if len(rates) == 2 and rates[1].cpu_ms_per_update:
            cpu_ratios.append(_cpu_ratio(rates))
    if len(ratios) > 1:
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        print(
            f"median ratio Mahalleyar / echo bot over {len(ratios)} rounds: {statistics.median(ratios):.2f} ({shown})"
        )
    if len(cpu_ratios) > 1:
        shown = ", ".join(f"{r:.2f}" for r in cpu_ratios)
        print(f"median CPU per update, echo bot / Mahalleyar: {statistics.median(cpu_ratios):.2f} ({shown})")
    return 0 if complete else 1


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(_run(_parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
