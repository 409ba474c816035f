"""The command line: --help lists the subcommands; migrate; jobs list / run with --now."""

from __future__ import annotations

import gc
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import build_scheduler
from bot.settings import PROJECT_ROOT
from models import InboxUpdate
from services.clock import fixed_clock
from services.jobs import JOBS


def run_cli(*args: str, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_the_subcommands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in ("run", "sandbox", "migrate", "jobs"):
        assert command in result.stdout
    assert run_cli("jobs", "run", "--help").returncode == 0


def test_every_command_collects_young_garbage_less_often() -> None:
    from bot import __main__ as cli

    before = gc.get_threshold()
    try:
        with pytest.raises(SystemExit):
            cli.main(["--help"])
        assert gc.get_threshold() == cli.GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)


def test_migrate_and_jobs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    assert run_cli("migrate", database_url=url).returncode == 0
    listed = run_cli("jobs", "list", database_url=url)
    assert listed.returncode == 0 and "prune_processed_updates" in listed.stdout
    unknown = run_cli("jobs", "run", "no_such_job", database_url=url)
    assert unknown.returncode == 2 and "unknown job" in unknown.stderr
    bad_time = run_cli("jobs", "run", "prune_processed_updates", "--now", "yesterday", database_url=url)
    assert bad_time.returncode == 2 and "ISO 8601" in bad_time.stderr


async def test_prune_job_run_by_hand_with_now(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    async with session_factory() as session, session.begin():
        session.add_all(
            InboxUpdate(
                bot_id=1, update_id=i, received_at=start, handled_at=start + timedelta(days=i), recoveries=0
            )
            for i in range(10)
        )
    # At Nov 15, updates handled before Nov 8 (ids 0..6) go; run twice: the second run removes nothing.
    first = run_cli(
        "jobs", "run", "prune_processed_updates", "--now", "2026-11-15T00:00:00", database_url=database_url
    )
    assert first.returncode == 0, first.stderr
    assert "removed 7" in first.stdout
    second = run_cli(
        "jobs", "run", "prune_processed_updates", "--now", "2026-11-15T00:00:00", database_url=database_url
    )
    assert "removed 0" in second.stdout
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 3


@pytest.mark.skipif(not JOBS, reason="no jobs registered")
async def test_scheduler_registers_every_job_in_tehran_time(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    scheduler = build_scheduler(
        "Asia/Tehran", session_factory, fixed_clock(datetime(2026, 11, 22, tzinfo=UTC))
    )
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {spec.name for spec in JOBS}
        for job in jobs.values():
            assert str(job.trigger.timezone) == "Asia/Tehran"
    finally:
        scheduler.shutdown(wait=False)


async def test_prune_outbox_keeps_pending_messages(
    database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    from models import OutboxMessage, OutboxStatus, Platform

    old = datetime(2026, 9, 1, tzinfo=UTC)
    async with session_factory() as session, session.begin():
        for status in OutboxStatus:
            session.add(
                OutboxMessage(
                    platform=Platform.TELEGRAM,
                    chat_id=1,
                    text=status.value,
                    status=status,
                    attempts=0,
                    next_attempt_at=old,
                    created_at=old,
                )
            )
    result = run_cli("jobs", "run", "prune_outbox", "--now", "2026-11-22T00:00:00", database_url=database_url)
    # Sent, failed and merged go; what is still to be sent, or waits for its person, stays.
    assert "removed 3" in result.stdout, result.stderr
    async with session_factory() as session:
        kept = await session.scalars(select(OutboxMessage.text).order_by(OutboxMessage.text))
        assert list(kept) == ["pending", "waiting"]


def test_webhook_mode_needs_a_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env_url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": env_url,
            "TELEGRAM_BOT_TOKEN": "1:x",
            "WEBHOOK_BASE_URL": "https://bot.example",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "WEBHOOK_SECRET" in result.stderr


def test_sla_lists_and_sets_a_committees_targets(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{tmp_path / 'sla.db'}"
    listed = run_cli("sla", database_url=url)
    assert listed.returncode == 0, listed.stderr
    assert "health\t48 h to respond\t14 d to resolve" in listed.stdout
    assert "crisis\t2 h to respond\t3 d to resolve" in listed.stdout
    changed = run_cli(
        "sla", "health", "--first-response-hours", "24", "--resolution-days", "7", database_url=url
    )
    assert changed.returncode == 0, changed.stderr
    assert "health\t24 h to respond\t7 d to resolve" in run_cli("sla", database_url=url).stdout
    assert (
        run_cli(
            "sla", "health", "--first-response-hours", "0", "--resolution-days", "7", database_url=url
        ).returncode
        == 2
    )
    assert run_cli("sla", "nonsense", database_url=url).returncode == 2


@pytest.mark.parametrize(
    ("level", "per_update_lines"), [("INFO", False), ("WARNING", False), ("DEBUG", True)]
)
def test_aiogram_line_per_update_shows_at_debug_only(level: str, per_update_lines: bool) -> None:
    import logging

    from bot.__main__ import _configure_logging

    event = logging.getLogger("aiogram.event")
    before = event.level
    try:
        event.setLevel(logging.NOTSET)
        _configure_logging(level)
        # Below WARNING only at DEBUG, where it follows the root logger; its warnings always show.
        assert event.level == (logging.NOTSET if per_update_lines else logging.WARNING)
    finally:
        event.setLevel(before)
