"""FSM state survives a restart (a new storage object on the same database / Redis) and never
leaks between bots."""

from __future__ import annotations

from aiogram.fsm.storage.base import BaseStorage, StorageKey
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fsm_storage import SqlAlchemyStorage, build_fsm_storage
from models import FsmRecord
from services.clock import fixed_clock
from tests.conftest import REDIS_URL
from tests.handlers.harness import NOW

TELEGRAM = StorageKey(bot_id=111, chat_id=42, user_id=42)
BALE = StorageKey(bot_id=222, chat_id=42, user_id=42)


async def _exercise(first: BaseStorage, second: BaseStorage) -> None:
    await first.set_state(TELEGRAM, "Onboarding:contact")
    await first.update_data(TELEGRAM, {"start_payload": "n_123", "step": 2})
    # "Restart": a brand-new storage object reads what the old one wrote.
    assert await second.get_state(TELEGRAM) == "Onboarding:contact"
    assert await second.get_data(TELEGRAM) == {"start_payload": "n_123", "step": 2}
    # The same user on the other messenger has a conversation of their own.
    assert await second.get_state(BALE) is None
    assert await second.get_data(BALE) == {}
    await second.set_state(TELEGRAM, None)
    await second.set_data(TELEGRAM, {})
    assert await first.get_state(TELEGRAM) is None


async def test_database_storage_survives_restart(session_factory: async_sessionmaker[AsyncSession]) -> None:
    clock = fixed_clock(NOW)
    await _exercise(SqlAlchemyStorage(session_factory, clock), SqlAlchemyStorage(session_factory, clock))
    async with session_factory() as session:
        # An emptied conversation leaves no row behind.
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0


async def test_redis_storage_survives_restart(
    redis_prefix: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    clock = fixed_clock(NOW)
    first = build_fsm_storage(REDIS_URL, redis_prefix, session_factory, clock)
    second = build_fsm_storage(REDIS_URL, redis_prefix, session_factory, clock)
    try:
        await _exercise(first, second)
        await first.set_state(BALE, "x")
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL)
        keys = [key.decode() async for key in client.scan_iter(match=f"{redis_prefix}*")]
        await client.aclose()
        assert keys and all(":222:" in key for key in keys), keys
    finally:
        await first.close()
        await second.close()


async def test_database_storage_reads_a_key_once_per_update(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Within an update, a key without a row is not looked up again, and a write is seen."""
    from sqlalchemy import event

    from bot.update_scope import update_scope

    storage = SqlAlchemyStorage(session_factory, fixed_clock(NOW))
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    engine = session_factory.kw["bind"].sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        async with session_factory() as session:
            with update_scope(session):
                assert await storage.get_state(TELEGRAM) is None
                reads = len(statements)
                assert await storage.get_state(TELEGRAM) is None
                assert await storage.get_data(TELEGRAM) == {}
                assert len(statements) == reads
                await storage.set_state(TELEGRAM, "Onboarding:contact")
                assert await storage.get_state(TELEGRAM) == "Onboarding:contact"
        # The next update (a session of its own) and a restart read what was written.
        async with session_factory() as session:
            with update_scope(session):
                assert await storage.get_state(TELEGRAM) == "Onboarding:contact"
        assert await SqlAlchemyStorage(session_factory, fixed_clock(NOW)).get_state(TELEGRAM) == (
            "Onboarding:contact"
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
