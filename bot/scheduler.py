"""APScheduler wiring: it only triggers the jobs of services/jobs.py, in Asia/Tehran time."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.clock import Clock
from services.i18n import Translator
from services.jobs import JOBS, JobContext, JobSpec

log = logging.getLogger(__name__)


def build_scheduler(
    timezone: str,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Clock,
    translator: Translator | None = None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=timezone)
    translator = translator or Translator()
    for spec in JOBS:
        scheduler.add_job(
            _runner(spec, session_factory, clock, translator),
            CronTrigger(timezone=timezone, **spec.cron),
            id=spec.name,
            name=spec.description,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
    return scheduler


def _runner(  # type: ignore[no-untyped-def]
    spec: JobSpec, session_factory: async_sessionmaker[AsyncSession], clock: Clock, translator: Translator
):
    async def run() -> None:
        try:
            summary = await spec.run(
                JobContext(session_factory=session_factory, now=clock(), translator=translator)
            )
            log.info("job %s: %s", spec.name, summary)
        except Exception:
            log.exception("job %s failed", spec.name)

    return run
