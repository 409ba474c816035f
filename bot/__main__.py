"""Command line: `python -m bot [run|sandbox|migrate|jobs] …` (also the `mahalleyar` script)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import UTC, datetime

from bot.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Mahalleyar (محله‌یار): the neighbourhood council bot for Telegram and Bale.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot (default); with no token configured, runs the local sandbox",
        description="Poll Telegram and/or Bale (whichever tokens are set); with no token, start the sandbox.",
    )
    sandbox = commands.add_parser(
        "sandbox",
        help="run the bot against the built-in Bot API emulator, with no token or network",
        description="Start the Bot API emulator and the bot polling it, on this machine only.",
    )
    sandbox.add_argument(
        "--port", type=int, default=None, help="port of the sandbox (default SANDBOX_PORT, 8080)"
    )
    commands.add_parser(
        "migrate", help="apply database migrations", description="Upgrade the database to the latest schema."
    )
    jobs = commands.add_parser(
        "jobs", help="list or run scheduled jobs by hand", description="Scheduled jobs."
    )
    job_commands = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    job_commands.add_parser("list", help="list the registered jobs", description="List the registered jobs.")
    run_job = job_commands.add_parser("run", help="run one job once", description="Run one job once, now.")
    run_job.add_argument("name", help="job name, as printed by `jobs list`")
    run_job.add_argument(
        "--now",
        type=_aware_datetime,
        default=None,
        help="pretend it is this moment (ISO 8601; naive means UTC)",
    )
    return parser


def _aware_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


async def _run_job(settings: Settings, name: str, now: datetime | None) -> str:
    from models.db import create_engine, create_session_factory, upgrade_database
    from services.clock import utc_now
    from services.jobs import JobContext, job_by_name

    spec = job_by_name(name)
    engine = create_engine(settings.database_url)
    try:
        if settings.is_sqlite:
            await upgrade_database(settings.database_url)
        ctx = JobContext(session_factory=create_session_factory(engine), now=now or utc_now())
        return await spec.run(ctx)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    _configure_logging(settings.log_level)
    command = args.command or "run"

    if command == "migrate":
        from models.db import upgrade_database_sync

        upgrade_database_sync(settings.database_url)
        print("database is up to date")
        return 0

    if command == "jobs":
        from services.jobs import JOBS

        if args.jobs_command == "list":
            for job in JOBS:
                schedule = " ".join(f"{k}={v}" for k, v in job.cron.items())
                print(f"{job.name}\t{schedule}\t{job.description}")
            return 0
        if args.name not in {job.name for job in JOBS}:
            print(f"unknown job {args.name!r}; see `python -m bot jobs list`", file=sys.stderr)
            return 2
        print(asyncio.run(_run_job(settings, args.name, args.now)))
        return 0

    if command == "sandbox" or (command == "run" and not settings.has_tokens):
        from bot.sandbox import run_sandbox

        port = getattr(args, "port", None)
        if port is not None:
            settings.sandbox_port = port
        asyncio.run(run_sandbox(settings))
        return 0

    from bot.app import run_polling, run_webhook

    if settings.webhook_base_url and settings.webhook_secret is None:
        print(
            "WEBHOOK_BASE_URL is set but WEBHOOK_SECRET is not: refusing to accept unsigned updates",
            file=sys.stderr,
        )
        return 2

    asyncio.run(run_webhook(settings) if settings.webhook_base_url else run_polling(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
