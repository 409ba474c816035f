"""A shutdown lets a job run in progress finish before the database pool is closed under it (the
e2e webhook test caught a catch-up digest cut off by the pool's disposal)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from bot import scheduler
from services.i18n import Translator


async def test_a_shutdown_waits_for_the_job_runs_in_progress() -> None:
    finished: list[str] = []

    async def slow(context: Any) -> str:
        await asyncio.sleep(0.3)
        finished.append("slow")
        return "done"

    spec = SimpleNamespace(name="slow", run=slow)
    run = scheduler._runner(spec, None, lambda: None, Translator(), None)  # type: ignore[arg-type]
    task = asyncio.create_task(run())
    await asyncio.sleep(0.05)
    assert task in scheduler._RUNNING
    await scheduler.wait_for_running_jobs(seconds=5)
    assert finished == ["slow"] and task.done()
    assert task not in scheduler._RUNNING
    await scheduler.wait_for_running_jobs(seconds=5)  # nothing running: returns at once


async def test_a_job_that_outlives_the_wait_is_cut_short() -> None:
    async def endless(context: Any) -> str:
        await asyncio.sleep(60)
        return "never"

    spec = SimpleNamespace(name="endless", run=endless)
    run = scheduler._runner(spec, None, lambda: None, Translator(), None)  # type: ignore[arg-type]
    task = asyncio.create_task(run())
    await asyncio.sleep(0.05)
    await scheduler.wait_for_running_jobs(seconds=0.2)
    await asyncio.sleep(0)
    assert task.cancelled() or task.done()


async def test_the_scheduler_is_stopped_after_its_running_jobs_not_under_them() -> None:
    # APScheduler's own shutdown cancels a coroutine job still running: the e2e webhook test saw
    # a catch-up digest cancelled mid-query by a SIGTERM right after the start.
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    finished: list[str] = []
    started = asyncio.Event()

    async def slow(context: Any) -> str:
        started.set()
        await asyncio.sleep(0.3)
        finished.append("slow")
        return "done"

    spec = SimpleNamespace(name="slow", run=slow)
    live = AsyncIOScheduler()
    live.add_job(scheduler._runner(spec, None, lambda: None, Translator(), None))  # type: ignore[arg-type]
    live.start()
    await asyncio.wait_for(started.wait(), 5)
    await scheduler.stop_scheduler(live, seconds=5)
    assert finished == ["slow"]
    await asyncio.sleep(0)  # AsyncIOScheduler.shutdown runs on the loop's next turn
    assert not live.running
