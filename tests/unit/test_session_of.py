"""models.db.session_of: a session that did nothing is closed without SQLAlchemy's greenlet trip;
one holding a transaction is closed as AsyncSession closes it (what was left is rolled back)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models.db import create_engine, create_session_factory, session_of


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'sessions.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE item (name TEXT)"))
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_a_session_that_did_nothing_is_closed_without_a_connection(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory: async_sessionmaker[AsyncSession] = create_session_factory(engine)
    awaited: list[AsyncSession] = []
    original = AsyncSession.close

    async def close(self: AsyncSession) -> None:
        awaited.append(self)
        await original(self)

    monkeypatch.setattr(AsyncSession, "close", close)
    async with session_of(factory) as idle:
        pass
    assert awaited == [] and not idle.sync_session.in_transaction()
    async with session_of(factory) as reading:
        await reading.execute(text("SELECT 1"))
    assert awaited == [reading]
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_what_was_left_uncommitted_is_rolled_back_even_after_an_error(engine: AsyncEngine) -> None:
    factory = create_session_factory(engine)
    with pytest.raises(RuntimeError):
        async with session_of(factory) as session:
            await session.execute(text("INSERT INTO item VALUES ('left')"))
            raise RuntimeError("handler failed")
    async with session_of(factory) as session:
        await session.execute(text("INSERT INTO item VALUES ('kept')"))
        await session.commit()
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM item"))).scalars().all()
    assert names == ["kept"]
