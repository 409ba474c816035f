"""Several instances forget together (`bot.cluster.SharedForgetting`): what one instance's commit
changed about who is talking is forgotten by the others as the news arrives over Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Hashable
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cluster import SharedForgetting
from models import Account, Person, Platform
from services.accounts import Viewer
from services.identity_cache import IdentityCache, decode_changes, encode_changes
from services.roles import ensure_person
from tests.conftest import REDIS_URL

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
Factory = async_sessionmaker[AsyncSession]


def test_changes_travel_as_json() -> None:
    changes: set[Hashable] = {("account", Platform.BALE, 42), ("person", 7)}
    assert decode_changes(encode_changes(changes)) == changes
    assert decode_changes(encode_changes({"everything"})) == {"everything"}
    # Anything unreadable is taken to mean everything.
    assert decode_changes('[["account", "fax", 1]]') == {"everything"}
    assert decode_changes("not json") == {"everything"}


def remember(cache: IdentityCache, person_id: int, user_id: int) -> None:
    account = Account(
        platform=Platform.TELEGRAM,
        platform_user_id=user_id,
        chat_id=user_id,
        person_id=person_id,
        created_at=T0,
        last_seen_at=T0,
    )
    viewer = Viewer(1, Platform.TELEGRAM, user_id, person_id, None, "x", None, ())
    cache.put(Platform.TELEGRAM, account, viewer, read_since=cache.generation)
    assert cache.get(Platform.TELEGRAM, user_id) is not None


async def until(condition: object, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "not within the time"
        await asyncio.sleep(0.02)


@pytest.fixture
async def redis(redis_prefix: str) -> AsyncIterator[object]:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_another_instance_s_change_is_forgotten_here(redis: object, redis_prefix: str) -> None:
    here, there = IdentityCache(60), IdentityCache(60)
    mine = SharedForgetting(redis, redis_prefix, "instance-a", here)
    theirs = SharedForgetting(redis, redis_prefix, "instance-b", there)
    stop = asyncio.Event()
    listening = asyncio.create_task(mine.listen(stop))
    try:
        # Subscribed once the start's "forget everything" has happened.
        await until(lambda: here.generation > 0)
        remember(here, person_id=7, user_id=701)
        remember(here, person_id=8, user_id=801)
        # What this instance says itself is not news to it; another instance's change is.
        mine.tell({("person", 8)})
        theirs.tell({("person", 7)})
        await until(lambda: here.get(Platform.TELEGRAM, 701) is None)
        assert here.get(Platform.TELEGRAM, 801) is not None
    finally:
        stop.set()
        await asyncio.wait_for(listening, 5)


async def test_a_commit_here_is_told_to_the_others(
    redis: object, redis_prefix: str, session_factory: Factory
) -> None:
    cache = IdentityCache(60)
    forgetting = SharedForgetting(redis, redis_prefix, "instance-a", cache)
    cache.share(forgetting.tell)
    pubsub = redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[attr-defined]
    await pubsub.subscribe(forgetting.channel)
    try:
        async with session_factory() as session, session.begin():
            person, _ = await ensure_person(session, "09121234567", full_name="مریم", now=T0)
        async with session_factory() as session, session.begin():
            stored = await session.get(Person, person.id)
            assert stored is not None
            stored.full_name = "مریم رضایی"
        heard: set[Hashable] = set()
        deadline = asyncio.get_running_loop().time() + 5
        while ("person", person.id) not in heard:
            assert asyncio.get_running_loop().time() < deadline, heard
            message = await pubsub.get_message(timeout=1.0)
            if message is not None:
                heard |= decode_changes(json.loads(message["data"])["changes"])
    finally:
        cache.share(None)
        await pubsub.aclose()
