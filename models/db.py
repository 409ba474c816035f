"""Engine and session factory, and running the Alembic migrations."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import event, exc, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_only

from models import sqlite_driver

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Sizing the pool from the number of updates handled at once (each holds one session, so one
# connection, while it runs): this many connections more for what runs beside them (storing
# received updates, the delivery worker's records, scheduled jobs, the SMS worker), this many
# more still at peaks, and a wait this long for a connection before it is an error.
POOL_SPARE = 8
POOL_OVERFLOW = 16
POOL_TIMEOUT = 60.0
# SQLite: a writer waits this long for another writer's lock before "database is locked".
SQLITE_BUSY_TIMEOUT = 30

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_GATE_HELD = "sqlite_write_gate"
# An execution option: this write goes ahead of the writers already waiting (see SqliteWriteGate).
WRITE_FIRST = "sqlite_write_first"


class _TwoQueueLock:
    """An asyncio lock whose waiters marked urgent are served before the others (FIFO within each)."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._held

    async def acquire(self, urgent: bool) -> None:
        if not self._held:
            self._held = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._normal
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the lock just as it gave up: pass it on
            else:
                queue.remove(waiter)
            raise

    def release(self) -> None:
        for queue in (self._urgent, self._normal):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # handed over: stays held
                    return
        self._held = False


class SqliteWriteGate:
    """This process's SQLite writers, one at a time, in the order they came.

    SQLite lets one connection write at a time; left to itself, a connection that finds the
    database locked sleeps and tries again (after 1, 2, 5, … up to 100 ms), so under load writers
    wait far longer than the writes take, and "database is locked" comes out after the busy
    timeout. Here a write transaction first takes an asyncio lock, at its first INSERT, UPDATE or
    DELETE (where the driver begins the transaction), and gives it back at its commit or rollback,
    or when its connection goes back to the pool: the next writer starts at once. A statement run
    with the execution option `WRITE_FIRST` goes ahead of the waiting writers (the inbox's
    "handled" marks, which should follow a reply as closely as they can). Reads never wait (WAL).
    Other processes on the same file still meet the busy timeout.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._locks: WeakKeyDictionary[asyncio.AbstractEventLoop, _TwoQueueLock] = WeakKeyDictionary()

    def _lock(self) -> _TwoQueueLock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = _TwoQueueLock()
        return lock

    def before_statement(self, info: dict[str, Any], statement: str, urgent: bool) -> None:
        """Runs inside SQLAlchemy's sync layer (a greenlet of the event loop): may await."""
        if info.get(_GATE_HELD) is not None or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        lock = self._lock()
        try:
            await_only(asyncio.wait_for(lock.acquire(urgent), self._timeout))
        except TimeoutError:
            raise TimeoutError(
                f"database is locked: this process's other SQLite writers held it for {self._timeout}s"
            ) from None
        info[_GATE_HELD] = lock

    @staticmethod
    def transaction_ended(info: dict[str, Any]) -> None:
        lock: _TwoQueueLock | None = info.pop(_GATE_HELD, None)
        if lock is not None and lock.locked():
            lock.release()

    def install(self, engine: AsyncEngine) -> None:
        sync_engine = engine.sync_engine

        @event.listens_for(sync_engine, "before_cursor_execute")
        def _before(conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
            urgent = bool(context is not None and context.execution_options.get(WRITE_FIRST))
            self.before_statement(conn.info, statement, urgent)

        @event.listens_for(sync_engine, "commit")
        @event.listens_for(sync_engine, "rollback")
        def _ended(conn: Any) -> None:
            try:
                info = conn.info
            except exc.InvalidRequestError:
                # An invalidated connection (closed under a transaction at shutdown): the pool's
                # "invalidate" event below opens the gate. Raising here would hide the error that
                # made the caller roll back.
                return
            self.transaction_ended(info)

        # However a connection's transaction ends (reset on return, invalidation), the gate opens.
        for name in ("reset", "checkin", "invalidate", "soft_invalidate"):
            event.listen(sync_engine.pool, name, self._pool_event, named=True)

    def _pool_event(self, **kw: Any) -> None:
        record = kw.get("connection_record")
        if record is not None:
            self.transaction_ended(record.info)


def create_engine(database_url: str, *, concurrency: int | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine; for SQLite the file's folder is created, WAL mode switched on, writers
    wait for each other (busy timeout) instead of failing, and the driver goes to its thread once
    a statement (`models.sqlite_driver`).

    `concurrency`, the number of updates handled at once (UPDATE_CONCURRENCY), sizes the pool:
    enough connections for all of them and the background work, so none waits for one.
    """
    url = make_url(database_url)
    if concurrency is not None:
        kwargs.setdefault("pool_size", concurrency + POOL_SPARE)
        kwargs.setdefault("max_overflow", POOL_OVERFLOW)
        kwargs.setdefault("pool_timeout", POOL_TIMEOUT)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT})
        if url.get_driver_name() == "aiosqlite":
            kwargs.setdefault("module", sqlite_driver.dbapi())  # one trip to its thread a statement
    elif url.get_driver_name() == "asyncpg":
        # PostgreSQL compiles a query whose estimated cost is high (any scan of a national table)
        # to machine code first: measured, 0.7 s of a 1.1 s escalation rerun whose answer was
        # "nothing". Our queries are short or set-based over indexed rows; none gains from it.
        kwargs.setdefault("connect_args", {"server_settings": {"jit": "off"}})
    engine = create_async_engine(database_url, **kwargs)
    if url.get_backend_name() == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # WAL lets the delivery worker read while a handler writes; foreign keys are off by
            # default in SQLite and we rely on them. In WAL mode synchronous=NORMAL keeps every
            # commit through a crash of the process (SIGKILL included) and only a power cut may
            # undo the last ones, and a commit costs no fsync: write transactions stay short.
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT * 1000}")
            cursor.close()

        SqliteWriteGate(SQLITE_BUSY_TIMEOUT).install(engine)

    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def session_of(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """`async with factory() as session`, for a session that often ends with nothing open.

    AsyncSession closes through a greenlet, whatever there is to close: measured, 29 µs for a
    session that did nothing. Most updates find their sender and state in memory and never
    touch the database; their session holds no transaction (so no connection) and is closed
    here directly, which does no I/O (7.5 µs). One that holds a transaction is closed as
    `AsyncSession` closes it (rolling back what was left uncommitted)."""
    session = factory()
    try:
        yield session
    finally:
        if session.sync_session.in_transaction():
            await asyncio.shield(session.close())
        else:
            session.sync_session.close()


def alembic_config(database_url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on '%' in passwords.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database_sync(database_url: str, revision: str = "head") -> None:
    """Run migrations up to `revision` (blocking; env.py runs its own event loop)."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade_database_sync(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)


async def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Migrate from inside a running loop: Alembic's async env needs a loop of its own. A
    database already at the shipped head is left alone without loading Alembic (most of a
    second at every start)."""
    if revision == "head" and await _is_at(database_url, shipped_head()):
        return
    await asyncio.to_thread(upgrade_database_sync, database_url, revision)


_REVISION = re.compile(r"""^revision\b[^=\n]*=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"""^down_revision\b[^=\n]*=(.*)$""", re.MULTILINE)


def shipped_head() -> str | None:
    """The single head of the shipped migrations, read from their files (`revision = "…"`,
    `down_revision = …`); None when they cannot be read that simply (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(re.findall(r"""["']([^"']+)["']""", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def _is_at(database_url: str, head: str | None) -> bool:
    """Whether the database's Alembic version is `head` (False on any doubt, e.g. no table yet)."""
    if head is None:
        return False
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars()
            return list(versions) == [head]
    except exc.SQLAlchemyError:
        return False
    finally:
        await engine.dispose()
