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


async def _exercise(first: BaseStorage, second: BaseStorage, third: BaseStorage) -> None:
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
    assert await third.get_state(TELEGRAM) is None


async def test_database_storage_survives_restart(session_factory: async_sessionmaker[AsyncSession]) -> None:
    clock = fixed_clock(NOW)
    await _exercise(*(SqlAlchemyStorage(session_factory, clock) for _ in range(3)))
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
        await _exercise(first, second, first)
        await first.set_state(BALE, "x")
        from redis.asyncio import Redis

        client = Redis.from_url(REDIS_URL)
        keys = [key.decode() async for key in client.scan_iter(match=f"{redis_prefix}*")]
        await client.aclose()
        assert keys and all(":222:" in key for key in keys), keys
    finally:
        await first.close()
        await second.close()


async def test_database_storage_reads_a_key_once(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """A key is read from the database once: later updates, with or without a row, are answered
    from memory, and a write is seen at once; a restart reads what was written."""
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
        # The next update (a session of its own) reads nothing either; a restart reads the row.
        async with session_factory() as session:
            with update_scope(session):
                written = len(statements)
                assert await storage.get_state(TELEGRAM) == "Onboarding:contact"
                assert await storage.get_data(TELEGRAM) == {}
                assert len(statements) == written
        assert await SqlAlchemyStorage(session_factory, fixed_clock(NOW)).get_state(TELEGRAM) == (
            "Onboarding:contact"
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_database_storage_data_is_a_copy_and_a_failed_write_is_forgotten(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """What a handler does to the data it got stays out of the storage until written; a write
    that fails is not remembered (the next read goes to the database)."""
    from bot.update_scope import update_scope

    storage = SqlAlchemyStorage(session_factory, fixed_clock(NOW))
    await storage.set_data(TELEGRAM, {"photos": ["a"]})
    data = await storage.get_data(TELEGRAM)
    data["photos"].append("b")
    assert await storage.get_data(TELEGRAM) == {"photos": ["a"]}

    async with session_factory() as session:
        with update_scope(session):
            original_commit = session.commit

            async def failing_commit() -> None:
                raise RuntimeError("the database went away")

            session.commit = failing_commit  # type: ignore[method-assign]
            try:
                await storage.set_data(TELEGRAM, {"photos": ["lost"]})
            except RuntimeError:
                pass
            session.commit = original_commit  # type: ignore[method-assign]
            await session.rollback()
    assert await storage.get_data(TELEGRAM) == {"photos": ["a"]}
