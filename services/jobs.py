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

from models import inbox_repo, sms_repo
from models.outbox_repo import delete_finished_before
from services.crisis import run_crisis_reminders
from services.i18n import Translator
from services.reminders import (
    ReminderPolicy,
    run_county_digest,
    run_resolution_digest,
    run_resolution_escalations,
)
from services.reports.monthly import run_monthly_reports
from services.requests import run_sla_reminders
from services.sms import SmsPolicy
from services.surveys import close_due_surveys
from services.training import run_course_reminders
from services.uow import committing

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
    # Due-soon window, escalation thresholds and the county digest's week (from the settings).
    reminders: ReminderPolicy = field(default_factory=ReminderPolicy)
    # The SMS fallback for escalations and digests (off unless the settings turn it on).
    sms: SmsPolicy = field(default_factory=SmsPolicy)


@dataclass(frozen=True)
class JobSpec:
    name: str
    description: str
    run: Callable[[JobContext], Awaitable[str]]
    # APScheduler CronTrigger fields, in the scheduler's timezone (Asia/Tehran).
    cron: dict[str, Any] = field(default_factory=dict)
    # Run once at start when the bot was down at the scheduled time (bot.scheduler.should_catch_up);
    # only for jobs whose marks make a second run harmless.
    catch_up: bool = False


async def prune_processed_updates(ctx: JobContext) -> str:
    """Forget the received updates handled longer ago than the retention period (their
    "already handled" marks); what is not handled yet is never removed."""
    async with ctx.session_factory() as session, committing(session):
        removed = await inbox_repo.delete_handled_before(session, ctx.now - PROCESSED_UPDATES_RETENTION)
        replies = await inbox_repo.delete_replies_before(session, ctx.now - PROCESSED_UPDATES_RETENTION)
    return f"removed {removed} processed-update marks and {replies} reply records"


async def prune_outbox(ctx: JobContext) -> str:
    """Delete sent and failed outbox messages (and SMS) older than the retention period."""
    async with ctx.session_factory() as session, committing(session):
        removed = await delete_finished_before(session, ctx.now - OUTBOX_RETENTION)
        sms = await sms_repo.delete_finished_before(session, ctx.now - OUTBOX_RETENTION)
    return f"removed {removed} finished outbox messages and {sms} finished SMS"


async def request_sla(ctx: JobContext) -> str:
    """Remind committee heads of requests past their SLA; escalate at 2× and 3× the target."""
    async with ctx.session_factory() as session:
        summary = await run_sla_reminders(session, ctx.translator, now=ctx.now, sms=ctx.sms)
    return summary.line()


async def crisis_reminder(ctx: JobContext) -> str:
    """Remind the managers, once per crisis, to close a crisis still on after 72 hours."""
    async with ctx.session_factory() as session:
        summary = await run_crisis_reminders(session, ctx.translator, now=ctx.now)
    return f"checked {summary.checked} long crises: {summary.reminded} reminders, {summary.messages} messages queued"


async def resolution_digest(ctx: JobContext) -> str:
    """The morning digest of overdue and due-soon resolutions to each responsible person, then
    the escalations of resolutions long overdue to the managers and the county officials."""
    async with ctx.session_factory() as session:
        digest = await run_resolution_digest(
            session, ctx.translator, now=ctx.now, policy=ctx.reminders, sms=ctx.sms
        )
        escalations = await run_resolution_escalations(
            session, ctx.translator, now=ctx.now, policy=ctx.reminders, sms=ctx.sms
        )
    return f"{digest.line()}; {escalations.line()}"


async def county_digest(ctx: JobContext) -> str:
    """The weekly digest of each county's resolutions and requests to its officials."""
    async with ctx.session_factory() as session:
        summary = await run_county_digest(session, ctx.translator, now=ctx.now, policy=ctx.reminders)
    return summary.line()


async def close_surveys(ctx: JobContext) -> str:
    """Close the surveys whose closing date has passed: record each neighbourhood's needs
    assessment and tell its managers the top needs."""
    async with ctx.session_factory() as session:
        summary = await close_due_surveys(session, ctx.translator, now=ctx.now)
    return summary.line()


async def monthly_report(ctx: JobContext) -> str:
    """On the first day of a Jalali month, last month's performance report to each county
    official (their county) and province official (their province), once each."""
    async with ctx.session_factory() as session:
        summary = await run_monthly_reports(session, ctx.translator, now=ctx.now)
    return summary.line()


async def course_reminders(ctx: JobContext) -> str:
    """Remind the participants of each course session held tomorrow (once per session and person)."""
    async with ctx.session_factory() as session:
        summary = await run_course_reminders(session, ctx.translator, now=ctx.now)
    return summary.line()


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        name="resolution_digest",
        description="morning digest of overdue and due-soon resolutions; escalate long-overdue ones",
        run=resolution_digest,
        # DIGEST_HOUR / DIGEST_MINUTE override this (bot.scheduler.job_schedules).
        cron={"hour": 9, "minute": 0},
        catch_up=True,
    ),
    JobSpec(
        name="county_digest",
        description="weekly digest of each county's resolutions and requests to its officials",
        run=county_digest,
        # COUNTY_DIGEST_DAY / _HOUR / _MINUTE override this.
        cron={"day_of_week": "sat", "hour": 9, "minute": 30},
        catch_up=True,
    ),
    JobSpec(
        name="monthly_report",
        description="on the first day of each Jalali month, last month's performance report to the officials",
        run=monthly_report,
        # Hourly from 08:00 every day: a Jalali month's first day is not a cron field (other days
        # it sends nothing), and the marks make the later hours resend nothing while letting a bot
        # that was down at 08:00 send when it is back, the same day.
        cron={"hour": "8-23", "minute": 0},
    ),
    JobSpec(
        name="request_sla",
        description="remind and escalate requests past their first-response or resolution target",
        run=request_sla,
        cron={"minute": "*/15"},
    ),
    JobSpec(
        name="crisis_reminder",
        description="remind managers to close a crisis still on 72 hours after it started",
        run=crisis_reminder,
        cron={"minute": 5},
    ),
    JobSpec(
        name="close_surveys",
        description="close the surveys past their closing date; record the needs assessments",
        run=close_surveys,
        # Hourly: a survey closes within the hour after its last day ends (Tehran).
        cron={"minute": 25},
    ),
    JobSpec(
        name="course_reminders",
        description="remind course participants the day before each session",
        run=course_reminders,
        # Twice: a morning run missed while the bot was down is made in the evening (the marks
        # keep it to one reminder a session and person).
        cron={"hour": "10,18", "minute": 0},
    ),
    JobSpec(
        name="prune_processed_updates",
        description="delete received updates handled more than 7 days ago",
        run=prune_processed_updates,
        cron={"hour": 4, "minute": 10},
    ),
    JobSpec(
        name="prune_outbox",
        description="delete sent and failed outbox messages and SMS older than 30 days",
        run=prune_outbox,
        cron={"hour": 4, "minute": 20},
    ),
)


def job_by_name(name: str) -> JobSpec:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
