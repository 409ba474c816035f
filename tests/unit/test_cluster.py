"""Several instances on one Redis (bot/cluster.py): the poll lease, the claims of scheduled runs and
the shared outbox pace, against the real Redis of TEST_REDIS_URL (skipped, saying so, without)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.cluster import Cluster, Granted, JobLocks, PollLease, SharedLimiter, Wait
from bot.scheduler import _runner, scheduled_run
from services.i18n import Translator
from services.jobs import JobContext, JobSpec
from services.reminders import ReminderPolicy
from tests.conftest import REDIS_URL

TEHRAN = "Asia/Tehran"
FAST = {"ttl": 0.6, "renew_every": 0.15, "retry_every": 0.1}


@pytest.fixture
async def redis(redis_prefix: str) -> AsyncIterator[Any]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()


def lease(redis: Any, prefix: str, token: str, **timing: float) -> PollLease:
    return Cluster(redis, prefix, token).poll_lease("telegram", 42, **{**FAST, **timing})


# -- the poll lease ------------------------------------------------------------------------------


async def test_one_holder_and_a_lost_lease_is_never_renewed(redis: Any, redis_prefix: str) -> None:
    first, second = lease(redis, redis_prefix, "a"), lease(redis, redis_prefix, "b")
    assert first.key == f"{redis_prefix}:poll:telegram:42"
    assert await first.try_acquire()
    assert not await second.try_acquire()
    assert await first.renew()
    assert not await second.renew()  # renewing is only for the holder
    assert await redis.get(first.key) == b"a"
    await asyncio.sleep(0.7)  # the holder stops renewing (it died): the key runs out
    assert await second.try_acquire()
    assert not await first.renew()  # the old holder finds it lost, and does not take it back
    assert await redis.get(first.key) == b"b"
    await first.release()  # not its own: left alone
    assert await redis.get(first.key) == b"b"
    await second.release()
    assert await redis.get(first.key) is None


async def test_only_one_polls_and_another_takes_over_when_it_dies(redis: Any, redis_prefix: str) -> None:
    polling: set[str] = set()
    overlaps: list[set[str]] = []
    stops = {name: asyncio.Event() for name in "abc"}
    leases = {name: lease(redis, redis_prefix, name) for name in "abc"}

    def poller(name: str) -> Any:
        async def poll(lost: asyncio.Event) -> None:
            polling.add(name)
            if len(polling) > 1:
                overlaps.append(set(polling))
            try:
                await lost.wait()
            finally:
                polling.discard(name)

        return poll

    tasks = {n: asyncio.create_task(leases[n].hold(stops[n], poller(n))) for n in "abc"}
    await asyncio.sleep(1.0)
    assert len(polling) == 1
    holder = next(iter(polling))
    # The holder dies without a word: its renewals stop and its key is left to run out.
    tasks[holder].cancel()
    await asyncio.gather(tasks[holder], return_exceptions=True)
    await redis.set(leases[holder].key, holder, px=600)
    polling.discard(holder)
    died = time.monotonic()
    while not polling and time.monotonic() - died < 3:  # noqa: ASYNC110 (set by other tasks)
        await asyncio.sleep(0.02)
    took_over = time.monotonic() - died
    assert len(polling) == 1 and holder not in polling
    assert took_over < 0.6 + 0.1 + 0.3  # the key's life and one retry, with some slack
    for name, stop in stops.items():
        if name != holder:
            stop.set()
    await asyncio.gather(*(t for n, t in tasks.items() if n != holder))
    assert overlaps == []
    assert await redis.get(leases[holder].key) is None  # the last holder gave it back


async def test_a_holder_that_loses_the_lease_stops_polling(redis: Any, redis_prefix: str) -> None:
    holder = lease(redis, redis_prefix, "a")
    stop, stopped_polling = asyncio.Event(), asyncio.Event()
    rounds = 0

    async def poll(lost: asyncio.Event) -> None:
        nonlocal rounds
        rounds += 1
        await lost.wait()
        stopped_polling.set()

    task = asyncio.create_task(holder.hold(stop, poll))
    await asyncio.sleep(0.3)
    # Another instance took it (e.g. this one stalled past the lease's life).
    await redis.set(holder.key, "b", px=60_000)
    async with asyncio.timeout(1):
        await stopped_polling.wait()
    await asyncio.sleep(0.3)
    assert rounds == 1  # and it does not poll again while the other holds it
    stop.set()
    await task
    assert await redis.get(holder.key) == b"b"


async def test_a_dead_holder_on_this_machine_is_not_waited_for(redis: Any, redis_prefix: str) -> None:
    import sys

    from bot.leases import default_worker_id

    own = default_worker_id()
    host = own.split(":")[0]
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await process.wait()
    dead = f"{host}:{process.pid}:deadbeef"
    alive_elsewhere = f"another-host:{os.getpid()}:cafe"
    restarted = lease(redis, redis_prefix, own, ttl=60.0, renew_every=3.0)
    # A holder on another machine: waited for, whatever its pid.
    await redis.set(restarted.key, alive_elsewhere, px=60_000)
    assert not await restarted.try_acquire()
    # A live process of this machine (this one's pid, another token): waited for.
    await redis.set(restarted.key, f"{host}:{os.getpid()}:cafe", px=60_000)
    assert not await restarted.try_acquire()
    # A process of this machine that is gone (killed, then restarted as this one): taken at once.
    await redis.set(restarted.key, dead, px=60_000)
    assert await restarted.try_acquire()
    assert await redis.get(restarted.key) == own.encode()


async def test_without_redis_a_lease_is_not_taken() -> None:
    from redis.asyncio import Redis

    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        assert not await PollLease(unreachable, "k", "a").try_acquire()
    finally:
        await unreachable.aclose()


# -- scheduled runs once -------------------------------------------------------------------------


def tehran(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(TEHRAN))  # type: ignore[misc]


def test_the_scheduled_run_is_the_latest_the_cron_names() -> None:
    assert scheduled_run({"minute": "*/15"}, tehran(2026, 3, 1, 10, 7, 30), TEHRAN) == tehran(
        2026, 3, 1, 10, 0
    )
    assert scheduled_run({"minute": "*/15"}, tehran(2026, 3, 1, 10, 15), TEHRAN) == tehran(2026, 3, 1, 10, 15)
    # A daily 09:00 job caught up at 20:00 claims the morning's run; at 08:00, yesterday's.
    daily = {"hour": 9, "minute": 0}
    assert scheduled_run(daily, tehran(2026, 3, 1, 20, 0), TEHRAN) == tehran(2026, 3, 1, 9, 0)
    assert scheduled_run(daily, tehran(2026, 3, 1, 8, 0), TEHRAN) == tehran(2026, 2, 28, 9, 0)
    # A weekly one (2026-03-07 is a Saturday), five days later.
    weekly = {"day_of_week": "sat", "hour": 9, "minute": 30}
    assert scheduled_run(weekly, tehran(2026, 3, 12, 12, 0), TEHRAN) == tehran(2026, 3, 7, 9, 30)


async def test_a_run_is_claimed_once_and_given_back(redis: Any, redis_prefix: str) -> None:
    first, second = JobLocks(redis, redis_prefix, "a"), JobLocks(redis, redis_prefix, "b")
    run_at = tehran(2026, 3, 1, 9, 0)
    assert await first.claim("digest", run_at)
    assert not await second.claim("digest", run_at)
    assert await second.claim("digest", tehran(2026, 3, 2, 9, 0))  # another run
    await second.unclaim("digest", run_at)  # not its claim: nothing happens
    assert not await second.claim("digest", run_at)
    await first.unclaim("digest", run_at)
    assert await second.claim("digest", run_at)


async def test_three_schedulers_firing_one_run_run_it_once(
    redis: Any, redis_prefix: str, session_factory: Any
) -> None:
    ran: list[str] = []
    fail = False

    async def job(ctx: JobContext) -> str:
        ran.append("ran")
        await asyncio.sleep(0.05)
        if fail:
            raise RuntimeError("broken")
        return "done"

    spec = JobSpec(name="counted", description="counted", run=job, cron={"minute": "*"})

    def runner(token: str) -> Any:
        from bot.scheduler import _Once

        once = _Once(JobLocks(redis, redis_prefix, token), spec.cron, TEHRAN)
        return _runner(
            spec,
            session_factory,
            lambda: datetime.now(ZoneInfo(TEHRAN)),
            Translator(),
            ReminderPolicy(),
            once=once,
        )

    runners = [runner(token) for token in "abc"]
    # Not across a minute's turn, where the three would fire different runs.
    while datetime.now().second > 55:  # noqa: ASYNC110
        await asyncio.sleep(0.5)
    await asyncio.gather(*(run() for run in runners))
    assert ran == ["ran"]
    # A run that failed gives its claim back: the next instance to fire it tries again.
    await redis.delete(*[k async for k in redis.scan_iter(match=f"{redis_prefix}:job:*")])
    ran.clear()
    fail = True
    await runners[0]()
    fail = False
    await runners[1]()
    assert ran == ["ran", "ran"]


# -- the shared pace -----------------------------------------------------------------------------


async def test_the_shared_pace_per_bot_chat_and_group(redis: Any, redis_prefix: str) -> None:
    one = SharedLimiter(redis, redis_prefix, global_rate=10, chat_interval=1.0)
    other = SharedLimiter(redis, redis_prefix, global_rate=10, chat_interval=1.0)
    assert isinstance(await one.acquire(1, 100), Granted)
    # The same bot, at once, from another instance: the global slot is 100 ms away.
    wait = await other.acquire(1, 101)
    assert isinstance(wait, Wait) and not wait.chat and 0 < wait.seconds <= 0.1
    # Another bot token has a pace of its own.
    assert isinstance(await other.acquire(2, 100), Granted)
    await asyncio.sleep(0.11)
    wait = await other.acquire(1, 100)  # the chat had a message 110 ms ago
    assert isinstance(wait, Wait) and wait.chat and 0.8 < wait.seconds <= 0.9
    # A group: one every 3 s (20 a minute).
    await asyncio.sleep(0.11)
    assert isinstance(await one.acquire(1, -1001), Granted)
    await asyncio.sleep(1.1)
    wait = await other.acquire(1, -1001)
    assert isinstance(wait, Wait) and wait.chat and 1.7 < wait.seconds <= 1.9
    # The end of a slow request starts the chat's interval again.
    await asyncio.sleep(0.1)
    granted = await one.acquire(1, 200)
    assert isinstance(granted, Granted)
    await asyncio.sleep(0.5)
    await one.done(1, 200, granted.ticket)
    wait = await other.acquire(1, 200)
    assert isinstance(wait, Wait) and wait.chat and wait.seconds > 0.9
    # Flood control that looks bot-wide pauses every instance.
    await one.pause(1, 0.5)
    await asyncio.sleep(0.11)
    wait = await other.acquire(1, 300)
    assert isinstance(wait, Wait) and not wait.chat and 0.3 < wait.seconds <= 0.5


async def test_many_instances_share_the_global_rate(redis: Any, redis_prefix: str) -> None:
    limiters = [SharedLimiter(redis, redis_prefix, global_rate=20, chat_interval=1.0) for _ in range(3)]
    granted: list[float] = []

    async def sender(limiter: SharedLimiter, first_chat: int) -> None:
        chat = first_chat
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline:
            wait = await limiter.acquire(7, chat)
            if isinstance(wait, Granted):
                granted.append(time.monotonic())
                await limiter.done(7, chat, wait.ticket)  # a quick request
                chat += 1
            else:
                await asyncio.sleep(wait.seconds)

    await asyncio.gather(*(sender(limiter, n * 1000) for n, limiter in enumerate(limiters)))
    granted.sort()
    # At most 20 in any second (one every 50 ms), and the budget was used.
    assert max(sum(1 for t in granted if start <= t < start + 1.0) for start in granted) <= 21
    assert len(granted) >= 25


async def test_requests_that_arrive_late_still_fit_the_window(redis: Any, redis_prefix: str) -> None:
    """Slots 100 ms apart, but requests that take long: no more than the rate may touch a second,
    counted from each request's start to its end, so that the server never sees more."""
    limiter = SharedLimiter(redis, redis_prefix, global_rate=10, chat_interval=1.0)
    tickets = []
    for chat in range(10):
        while True:
            wait = await limiter.acquire(3, chat)
            if isinstance(wait, Granted):
                tickets.append(wait.ticket)
                break
            await asyncio.sleep(wait.seconds)
    # Ten granted within a second and none ended yet: the eleventh waits for one to end and
    # for its end to leave the window.
    await asyncio.sleep(0.15)
    wait = await limiter.acquire(3, 99)
    assert isinstance(wait, Wait) and not wait.chat and wait.seconds > 20
    await limiter.done(3, 0, tickets[0])
    wait = await limiter.acquire(3, 99)
    assert isinstance(wait, Wait) and 0.9 < wait.seconds <= 1.01
    await asyncio.sleep(wait.seconds)
    assert isinstance(await limiter.acquire(3, 99), Granted)
