"""The throttle's token buckets: a burst, a steady refill, one warning per episode — in this
process and, when TEST_REDIS_URL is set, shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from bot.fairness import Buckets, MemoryBuckets, RedisBuckets, Verdict
from tests.conftest import REDIS_URL

PASS, WARN, DROP = Verdict.PASS, Verdict.WARN, Verdict.DROP


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def buckets(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[Buckets, Clock]]:
    clock = Clock()
    if request.param == "memory":
        yield MemoryBuckets(burst=3, rate=1.0, now=clock), clock
        return
    if not REDIS_URL:
        pytest.skip("Redis not configured: set TEST_REDIS_URL to run Redis cases")
    from redis.asyncio import Redis

    prefix = f"mahalleyar-test-{uuid.uuid4().hex[:12]}"
    client = Redis.from_url(REDIS_URL)
    try:
        yield RedisBuckets(client, prefix, burst=3, rate=1.0, now=clock), clock
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def takes(buckets: Buckets, key: str, n: int) -> list[Verdict]:
    return [await buckets.take(key) for _ in range(n)]


async def test_a_burst_then_one_warning_then_silence(
    buckets: tuple[Buckets, Clock],
) -> None:
    bucket, clock = buckets
    assert await takes(bucket, "tg:1", 6) == [PASS, PASS, PASS, WARN, DROP, DROP]
    # Another person is not touched by it.
    assert await takes(bucket, "tg:2", 1) == [PASS]
    # A second later one token is back: handled, but no second warning in the same episode.
    clock.now += 1.0
    assert await takes(bucket, "tg:1", 3) == [PASS, DROP, DROP]
    # Quiet until the bucket is full again ends the episode: a later flood is warned once more.
    clock.now += 10.0
    assert await takes(bucket, "tg:1", 5) == [PASS, PASS, PASS, WARN, DROP]


async def test_memory_buckets_forget_full_ones() -> None:
    clock = Clock()
    bucket = MemoryBuckets(burst=2, rate=1.0, now=clock, max_keys=3)
    for key in range(3):
        await bucket.take(f"k{key}")
    clock.now += 5.0
    await bucket.take("k3")  # over the bound: the three refilled buckets are forgotten
    assert await takes(bucket, "k0", 3) == [PASS, PASS, WARN]


async def test_without_redis_everything_passes() -> None:
    from redis.asyncio import Redis

    unreachable = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        bucket = RedisBuckets(unreachable, "x", burst=1, rate=1.0)
        assert await takes(bucket, "k", 3) == [PASS, PASS, PASS]
    finally:
        await unreachable.aclose()
