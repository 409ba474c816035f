"""APScheduler wiring: it only triggers the jobs of services/jobs.py, in Asia/Tehran time.

APScheduler triggers jobs only while the process runs; a job marked `catch_up` whose run of today
(or of this week, for a weekly one) was missed while the bot was down runs once at start
(`catch_up`). The jobs' once-only marks make that safe however often the bot restarts.

Several instances (REDIS_URL): every process's scheduler fires every job, and each run is claimed
first (`bot.cluster.JobLocks`) under the job's name and the run's scheduled time (`scheduled_run`:
the latest time its cron names at or before now, so a catch-up at start claims the very run it
makes up for); the one that claims it runs it, the others skip. A run that fails gives its claim
back, so a catch-up elsewhere may try it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
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
    from bot.cluster import JobLocks
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


# How far back `scheduled_run` looks, shortest first: an hourly job's run is found in the first.
_LOOK_BACK = (timedelta(hours=1, minutes=5), timedelta(days=1, hours=1), timedelta(days=8))


def scheduled_run(cron: Mapping[str, Any], now: datetime, timezone: str) -> datetime | None:
    """The latest time `cron` names at or before `now` (within eight days), or None."""
    zone = ZoneInfo(timezone)
    trigger = CronTrigger(timezone=zone, **cron)
    now = now.astimezone(zone)
    for back in _LOOK_BACK:
        latest: datetime | None = None
        fire = trigger.get_next_fire_time(None, now - back)
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    return None


# A missed digest waits this long after a start, so that the first answers of a start are not
# slowed by a national digest being written at the same time.
CATCH_UP_DELAY = timedelta(seconds=5)


def catch_up(
    scheduler: AsyncIOScheduler,
    now: datetime,
    timezone: str,
    schedules: Schedules | None = None,
    delay: timedelta = CATCH_UP_DELAY,
) -> list[str]:
    """Make each `catch_up` job whose run was missed run once, `delay` from now; the names of
    those jobs."""
    names: list[str] = []
    for spec in JOBS:
        if not spec.catch_up or not should_catch_up(effective_cron(spec, schedules), now, timezone):
            continue
        job = scheduler.get_job(spec.name)
        if job is None:
            continue
        # The scheduler's own clock (a test clock may be elsewhere); afterwards the cron resumes.
        job.modify(next_run_time=datetime.now(ZoneInfo(timezone)) + delay)
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
    locks: JobLocks | None = None,
) -> AsyncIOScheduler:
    """`locks` (several instances): each run is claimed first, and skipped if another has it."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    translator = translator or Translator()
    for spec in JOBS:
        once = _Once(locks, effective_cron(spec, schedules), timezone) if locks is not None else None
        scheduler.add_job(
            _runner(spec, session_factory, clock, translator, reminders or ReminderPolicy(), sms, once),
            CronTrigger(timezone=timezone, **effective_cron(spec, schedules)),
            id=spec.name,
            name=spec.description,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
    return scheduler


# The job runs in progress in this process, so a shutdown can let them finish before the database
# pool is closed under them (`wait_for_running_jobs`).
_RUNNING: set[asyncio.Task[Any]] = set()


async def wait_for_running_jobs(seconds: float) -> None:
    """Wait (at most `seconds`) for the job runs in progress to end. A run cut short later
    is safe: each job commits in steps and claims its marks with what it sends."""
    running = [task for task in _RUNNING if not task.done()]
    if running:
        log.info("waiting for %s job run(s) to finish", len(running))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*running, return_exceptions=True), seconds)


async def stop_scheduler(scheduler: AsyncIOScheduler, seconds: float) -> None:
    """Stop firing jobs, let the runs in progress finish (at most `seconds`), then shut down.
    In this order: APScheduler's shutdown cancels the coroutine jobs still running (a catch-up
    digest at start, say), which would then meet a closed pool."""
    if scheduler.running:
        scheduler.pause()
    await wait_for_running_jobs(seconds)
    if scheduler.running:
        scheduler.shutdown(wait=False)


def _runner(  # type: ignore[no-untyped-def]
    spec: JobSpec,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    translator: Translator,
    reminders: ReminderPolicy,
    sms: SmsPolicy = SMS_OFF,
    once: _Once | None = None,
):
    async def run() -> None:
        task = asyncio.current_task()
        if task is not None:
            _RUNNING.add(task)
            task.add_done_callback(_RUNNING.discard)
        run_at = await once.claim(spec.name) if once is not None else None
        if once is not None and run_at is None:
            log.info("job %s: this run is another instance's", spec.name)
            return
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
        except asyncio.CancelledError:
            # Cut short by a shutdown that could wait no longer: each job commits in steps and
            # claims its marks with what it sends, so the next run goes on from here.
            log.info("job %s cut short by the shutdown", spec.name)
        except Exception:
            log.exception("job %s failed", spec.name)
            if once is not None and run_at is not None:
                await once.locks.unclaim(spec.name, run_at)

    return run


class _Once:
    """Claims a job's current run (see the module docstring)."""

    def __init__(self, locks: JobLocks, cron: Mapping[str, Any], timezone: str) -> None:
        self.locks = locks
        self._cron = cron
        self._timezone = timezone

    async def claim(self, name: str) -> datetime | None:
        """The run's scheduled time if this process runs it, else None."""
        # The scheduler's own (real) time: it is what fired the job, in every instance alike.
        now = datetime.now(ZoneInfo(self._timezone))
        run_at = scheduled_run(self._cron, now, self._timezone) or now.replace(second=0, microsecond=0)
        return run_at if await self.locks.claim(name, run_at) else None
