"""INSERT … ON CONFLICT DO NOTHING on both backends: how every once-only row is written (outbox
dedup keys, reminder marks, SLA reminders, comment reports). One statement, so two transactions
racing with the same key end with exactly one row, without a savepoint (SQLite's driver handles
savepoints poorly). Repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.visitors import InternalTraversal

from models.base import Base

M = TypeVar("M", bound=Base)

# Rows per multi-row INSERT: well under SQLite's and asyncpg's bound-parameter limits.
BATCH = 500


# SQLAlchemy 2.0 never caches the compiled form of a dialect's INSERT (its ON CONFLICT clause has
# no cache key: sqlalchemy#10445), so every INSERT … ON CONFLICT was compiled anew at each
# execution: the inbox's and the reply journal's writes of every batch, each outbox message
# queued. Here the only ON CONFLICT ever built is DO NOTHING on the `unique` columns, so those
# columns stand for the whole clause in the cache key, and the rest is a plain INSERT's key.
_IGNORING_TRAVERSAL = [
    *((name, kind) for name, kind in Insert._traverse_internals if name != "_post_values_clause"),
    ("_ignoring_on", InternalTraversal.dp_string_list),
]


class _PostgresqlInsertIgnoring(postgresql.Insert):
    inherit_cache = True
    _cache_key_traversal = _IGNORING_TRAVERSAL
    _ignoring_on: tuple[str, ...] = ()


class _SqliteInsertIgnoring(sqlite.Insert):
    inherit_cache = True
    _cache_key_traversal = _IGNORING_TRAVERSAL
    _ignoring_on: tuple[str, ...] = ()


def _insert_ignoring(session: AsyncSession, model: type[Base], unique: Sequence[str]) -> Insert | None:
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return None
    cls = _PostgresqlInsertIgnoring if dialect == "postgresql" else _SqliteInsertIgnoring
    stmt = cls(model)
    stmt._ignoring_on = tuple(unique)
    return stmt.on_conflict_do_nothing(index_elements=list(unique))


def insert_ignoring(session: AsyncSession, model: type[Base], unique: Sequence[str]) -> Insert:
    """INSERT … ON CONFLICT (`unique`) DO NOTHING, for SQLite and PostgreSQL (the two we run on)."""
    stmt = _insert_ignoring(session, model, unique)
    if stmt is None:
        raise NotImplementedError(f"INSERT … ON CONFLICT on {session.get_bind().dialect.name}")
    return stmt


async def insert_unless_present(
    session: AsyncSession, model: type[M], values: dict[str, Any], *, unique: Sequence[str]
) -> M | None:
    """Add a row unless one with the same `unique` columns exists; the new row, or None.

    A NULL in the unique columns never conflicts. Other backends: a savepoint per row.
    """
    stmt = _insert_ignoring(session, model, unique)
    if stmt is not None:
        row: M | None = (await session.scalars(stmt.values(**values).returning(model))).one_or_none()
        return row
    row = model(**values)
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        if all(values.get(column) is None for column in unique):
            raise  # not a duplicate: something else is wrong
        return None
    return row


async def insert_many_unless_present(
    session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]], *, unique: Sequence[str]
) -> int:
    """Add rows in batches of `BATCH`, skipping those whose `unique` columns exist; how many were added."""
    if _insert_ignoring(session, model, unique) is None:
        return sum(
            [await insert_unless_present(session, model, row, unique=unique) is not None for row in rows]
        )
    stmt = _insert_ignoring(session, model, unique)
    assert stmt is not None
    return len(await _execute_many(session, stmt.returning(model.__mapper__.primary_key[0]), rows))


async def _execute_many(session: AsyncSession, stmt: Insert, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Run the INSERT … RETURNING for `rows`, `BATCH` at a time, as executemany: SQLAlchemy sends
    multi-row INSERTs ("insertmanyvalues") from one cached compilation, instead of compiling a
    statement with every row's values in it. The first returned column of each row added."""
    await session.flush()  # what session.execute would do first (the rows may refer to new ones)
    connection = await session.connection()
    added: list[Any] = []
    for start in range(0, len(rows), BATCH):
        result = await connection.execute(stmt, list(rows[start : start + BATCH]))
        added.extend(result.scalars().all())
    return added


async def insert_new_returning(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    unique: Sequence[str],
    returning: str,
) -> list[Any]:
    """Like `insert_many_unless_present`, but says which rows were added: the value of their
    `returning` column, for each row added."""
    if not rows:
        return []
    if _insert_ignoring(session, model, unique) is None:
        added_rows = [await insert_unless_present(session, model, row, unique=unique) for row in rows]
        return [getattr(row, returning) for row in added_rows if row is not None]
    stmt = _insert_ignoring(session, model, unique)
    assert stmt is not None
    return await _execute_many(session, stmt.returning(getattr(model, returning)), rows)
