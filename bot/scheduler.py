"""APScheduler wiring: it only triggers the jobs of services/jobs.py, in Asia/Tehran time.

APScheduler triggers jobs only while the process runs; a job marked `catch_up` whose run of today
(or of this week, for a weekly one) was missed while the bot was down runs once at start
(`catch_up`). The jobs' once-only marks make that safe however often the bot restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock
from services.i18n import Translator
from services.jobs import JOBS, JobContext, JobSpec
from services.reminders import WEEKDAYS, ReminderPolicy
from services.sms import SMS_OFF, SmsPolicy

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

Schedules = Mapping[str, Mapping[str, Any]]


def job_schedules(settings: Settings) -> dict[str, dict[str, Any]]:
    """The cron fields the settings override, by job name."""
    return {
        "resolution_digest": {"hour": settings.digest_hour, "minute": settings.digest_minute},
        "county_digest": {
            "day_of_week": settings.county_digest_day,
            "hour": settings.county_digest_hour,
            "minute": settings.county_digest_minute,
        },
    }


def reminder_policy(settings: Settings) -> ReminderPolicy:
    return ReminderPolicy(
        due_soon_days=settings.resolution_due_soon_days,
        escalate_manager_days=settings.resolution_escalate_manager_days,
        escalate_county_days=settings.resolution_escalate_county_days,
        county_digest_weekday=WEEKDAYS.index(settings.county_digest_day),
    )


def effective_cron(spec: JobSpec, schedules: Schedules | None = None) -> dict[str, Any]:
    return {**spec.cron, **(schedules or {}).get(spec.name, {})}


def should_catch_up(cron: Mapping[str, Any], now: datetime, timezone: str) -> bool:
    """Whether a job with this schedule should run at once when the bot starts at `now`: its
    run of the current period is behind us, i.e. the next scheduled run is not later today.

    A daily 09:00 job: started at 10:00 → yes (today's run was missed); at 08:00 → no (it runs
    at 09:00). A Saturday 09:30 job: started Saturday 10:00 or any later day of that week → yes;
    Saturday 08:00 → no.
    """
    zone = ZoneInfo(timezone)
    upcoming = CronTrigger(timezone=zone, **cron).get_next_fire_time(None, now.astimezone(zone))
    return upcoming is None or upcoming.astimezone(zone).date() > now.astimezone(zone).date()


def catch_up(
    scheduler: AsyncIOScheduler, now: datetime, timezone: str, schedules: Schedules | None = None
) -> list[str]:
    """Make each `catch_up` job whose run was missed run once now; the names of those jobs."""
    names: list[str] = []
    for spec in JOBS:
        if not spec.catch_up or not should_catch_up(effective_cron(spec, schedules), now, timezone):
            continue
        job = scheduler.get_job(spec.name)
        if job is None:
            continue
        # The scheduler's own clock (a test clock may be elsewhere); afterwards the cron resumes.
        job.modify(next_run_time=datetime.now(ZoneInfo(timezone)))
        names.append(spec.name)
    if names:
        log.info("catching up on missed runs: %s", ", ".join(names))
    return names


def build_scheduler(
    timezone: str,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    translator: Translator | None = None,
    *,
    schedules: Schedules | None = None,
    reminders: ReminderPolicy | None = None,
    sms: SmsPolicy = SMS_OFF,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone)
    translator = translator or Translator()
    for spec in JOBS:
        scheduler.add_job(
            _runner(spec, session_factory, clock, translator, reminders or ReminderPolicy(), sms),
            CronTrigger(timezone=timezone, **effective_cron(spec, schedules)),
            id=spec.name,
            name=spec.description,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
    return scheduler


def _runner(  # type: ignore[no-untyped-def]
    spec: JobSpec,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    translator: Translator,
    reminders: ReminderPolicy,
    sms: SmsPolicy = SMS_OFF,
):
    async def run() -> None:
        try:
            summary = await spec.run(
                JobContext(
                    session_factory=session_factory,
                    now=clock(),
                    translator=translator,
                    reminders=reminders,
                    sms=sms,
                )
            )
            log.info("job %s: %s", spec.name, summary)
        except Exception:
            log.exception("job %s failed", spec.name)

    return run
