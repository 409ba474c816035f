"""Scheduled jobs: idempotent service functions, all registered here.

The scheduler only triggers them (bot/scheduler.py); `python -m bot jobs run NAME --now …` runs
one by hand. Each job takes a `JobContext` and returns a one-line summary for logs and the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.outbox_repo import delete_finished_before
from models.repositories import delete_processed_updates_before
from services.i18n import Translator
from services.requests import run_sla_reminders

log = logging.getLogger(__name__)

# Telegram redelivers an update for at most 24 hours; a week of marks is plenty.
PROCESSED_UPDATES_RETENTION = timedelta(days=7)
# Delivered (or given-up) notifications are kept a while for support questions, then dropped.
OUTBOX_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class JobContext:
    session_factory: async_sessionmaker[AsyncSession]
    now: datetime
    # Messages are rendered in each recipient's language.
    translator: Translator = field(default_factory=Translator)


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    run: Callable[[JobContext], Awaitable[str]]
    # APScheduler CronTrigger fields, in the scheduler's timezone (Asia/Tehran).
    cron: dict[str, Any] = field(default_factory=dict)


async def prune_processed_updates(ctx: JobContext) -> str:
    """Forget the "already handled" marks of updates older than the retention period."""
    async with ctx.session_factory() as session, session.begin():
        removed = await delete_processed_updates_before(session, ctx.now - PROCESSED_UPDATES_RETENTION)
    return f"removed {removed} processed-update marks"


async def prune_outbox(ctx: JobContext) -> str:
    """Delete sent and failed outbox messages older than the retention period."""
    async with ctx.session_factory() as session, session.begin():
        removed = await delete_finished_before(session, ctx.now - OUTBOX_RETENTION)
    return f"removed {removed} finished outbox messages"


async def request_sla(ctx: JobContext) -> str:
    """Remind committee heads of requests past their SLA; escalate at 2× and 3× the target."""
    async with ctx.session_factory() as session:
        summary = await run_sla_reminders(session, ctx.translator, now=ctx.now)
    return (
        f"checked {summary.checked} open requests: {summary.reminders} reminders/escalations, "
        f"{summary.messages} messages queued"
    )


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        name="request_sla",
        description="remind and escalate requests past their first-response or resolution target",
        run=request_sla,
        cron={"minute": "*/15"},
    ),
    JobSpec(
        name="prune_processed_updates",
        description="delete processed-update marks older than 7 days",
        run=prune_processed_updates,
        cron={"hour": 4, "minute": 10},
    ),
    JobSpec(
        name="prune_outbox",
        description="delete sent and failed outbox messages older than 30 days",
        run=prune_outbox,
        cron={"hour": 4, "minute": 20},
    ),
)


def job_by_name(name: str) -> JobSpec:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
