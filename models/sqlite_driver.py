"""SQLAlchemy's aiosqlite driver with one trip to the connection's thread per statement.

aiosqlite runs each SQLite connection in a thread of its own; every call is a trip there and
back: a queue put that wakes the thread, and a wake-up of the event loop through its self-pipe.
Measured on the benchmark machine, a trip costs about 65 µs of CPU, several times what SQLite
takes for the small indexed statements a bot runs. SQLAlchemy's adapter makes four trips per
statement (open a cursor, execute, fetch the rows, close the cursor), and one more for each
commit and rollback, even when there is no transaction: a session that only read still rolls
back when its connection goes back to the pool.

Here a statement is one trip (the cursor opened, executed, read and closed in the thread), and a
commit or rollback with no transaction open is not sent at all: the `sqlite3` module would do
nothing with it there (it asks SQLite whether a transaction is open first, as `in_transaction`
does here; SQLAlchemy uses a connection from one task at a time, so nothing runs on it meanwhile).
Everything else is SQLAlchemy's adapter: server-side cursors (`stream()`), errors, terminate.

Used through `create_async_engine(url, module=dbapi())` (`models.db.create_engine`), the URL
stays `sqlite+aiosqlite://`.
"""

from __future__ import annotations

import sqlite3
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    AsyncAdapt_aiosqlite_ss_cursor,
)

# What a statement gives back: description, rows, lastrowid, rowcount.
_Outcome = tuple[Any, list[Any] | None, int | None, int]


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    """In the connection's thread: the whole statement, as the adapter's four trips did it."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        if cursor.description:
            return cursor.description, cursor.fetchall(), -1, -1
        return None, None, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, seq_of_parameters: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, seq_of_parameters)
        return None, None, cursor.lastrowid, cursor.rowcount
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _apply(self, outcome: _Outcome) -> None:
        description, rows, lastrowid, rowcount = outcome
        self.description = description
        if rows is not None:
            self._rows.clear()
            self._rows.extend(rows)
        self.lastrowid = cast(int, lastrowid)  # as the adapter has it: what sqlite3 gave
        self.rowcount = rowcount

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            connection = cast(aiosqlite.Connection, self._connection)
            self._apply(self.await_(connection._execute(_run, connection._conn, operation, parameters)))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            connection = cast(aiosqlite.Connection, self._connection)
            self._apply(
                self.await_(connection._execute(_run_many, connection._conn, operation, seq_of_parameters))
            )
        except Exception as error:
            self._adapt_connection._handle_exception(error)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> AsyncAdapt_aiosqlite_cursor:
        if server_side:
            return AsyncAdapt_aiosqlite_ss_cursor(self)
        return OneTripCursor(self)

    def _in_transaction(self) -> bool:
        try:
            return bool(self._connection._conn.in_transaction)
        except ValueError:  # closed: let the adapter's own call raise what it raises
            return True

    def rollback(self) -> None:
        if self._in_transaction():
            super().rollback()

    def commit(self) -> None:
        if self._in_transaction():
            super().commit()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        if type(adapted) is not AsyncAdapt_aiosqlite_connection:  # async_fallback: left as it is
            return adapted
        return OneTripConnection(self, adapted._connection)


def dbapi() -> OneTripDBAPI:
    """The DB-API module for `create_async_engine(…, module=…)`."""
    return OneTripDBAPI(aiosqlite, sqlite3)
