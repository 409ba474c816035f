"""models.sqlite_driver: SQLAlchemy's aiosqlite adapter, one trip to the connection's thread a
statement, and no trip for a commit or rollback with no transaction open."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import exc, text
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)")
        )
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the functions sent to aiosqlite's threads, in order."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    yield sent


async def test_a_statement_is_one_trip_and_gives_rows_rowcount_and_lastrowid(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the pool's connection is open now
        trips.clear()

        inserted = await connection.execute(text("INSERT INTO item (name) VALUES ('a'), ('b')"))
        assert inserted.rowcount == 2
        assert inserted.lastrowid == 2
        many = await connection.execute(
            text("INSERT INTO item (name) VALUES (:name)"), [{"name": "c"}, {"name": "d"}]
        )
        assert many.rowcount == 2
        rows = (await connection.execute(text("SELECT id, name FROM item ORDER BY id"))).all()
        assert [tuple(row) for row in rows] == [(1, "a"), (2, "b"), (3, "c"), (4, "d")]
        assert trips == ["_run", "_run_many", "_run"]

        await connection.commit()
        assert trips[-1] == "commit"


async def test_ending_a_transaction_that_only_read_costs_no_trip(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        trips.clear()
        assert (await connection.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
        await connection.rollback()
        await connection.execute(text("SELECT 1"))
        await connection.commit()
    assert trips == ["_run", "_run"]  # the rollback, the commit and the pool's reset: no trips


async def test_a_write_is_rolled_back_and_errors_are_sqlalchemys(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES ('kept')"))
        await connection.commit()
        await connection.execute(text("INSERT INTO item (name) VALUES ('undone')"))
        await connection.rollback()
        with pytest.raises(exc.IntegrityError):
            await connection.execute(text("INSERT INTO item (name) VALUES ('kept')"))
        await connection.rollback()
        with pytest.raises(exc.OperationalError):
            await connection.execute(text("SELECT nothing FROM nowhere"))
        await connection.rollback()
        names = (await connection.execute(text("SELECT name FROM item"))).scalars().all()
    assert names == ["kept"]


async def test_a_connection_back_in_the_pool_has_no_transaction_left_open(engine: AsyncEngine) -> None:
    """The pool's reset is skipped only where there is nothing to reset: a write left
    uncommitted is still rolled back when its connection goes back."""
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO item (name) VALUES ('left open')"))
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None and driver._conn.in_transaction
    assert not driver._conn.in_transaction
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0


async def test_streaming_reads_rows_in_parts(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO item (name) VALUES (:name)"), [{"name": f"n{i}"} for i in range(50)]
        )
    async with engine.connect() as connection:
        result = await connection.stream(text("SELECT name FROM item ORDER BY id"))
        names = [row.name async for row in result]
    assert names == [f"n{i}" for i in range(50)]
