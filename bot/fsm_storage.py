"""FSM storage that survives restarts: the app's own database by default, Redis when configured.

Keys always include the bot id, so a Telegram user and a Bale user with the same numeric id (or
the same person on both) never share a conversation state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, KeyBuilder, StateType, StorageKey
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.update_scope import update_session
from models.plumbing import FsmRecord

# A Redis caller beyond the pool waits this long for a connection instead of failing at once.
REDIS_POOL_TIMEOUT = 30.0


# In an update's `session.info`: the FSM keys read in it that have no row (`SqlAlchemyStorage`).
_NO_ROW = "fsm_keys_without_row"


def storage_key_builder(prefix: str = "fsm") -> KeyBuilder:
    return DefaultKeyBuilder(prefix=prefix, with_bot_id=True, with_destiny=True)


class SqlAlchemyStorage(BaseStorage):
    """One row per key in `fsm_record`; a row with no state and no data is deleted.

    While an update is handled, state is read and written through that update's own session
    (`bot.update_scope.update_session`), so an update holds one database connection, not one more
    per state read; a write commits at once (services commit or roll back their own work, so the
    session has nothing half-done in it then). Outside an update each call has a session of its own.

    Within an update a row once read stays in the session (its identity map), and a key found to
    have no row is remembered as such in the session (`_NO_ROW`, forgotten when the key is
    written): the state is read once an update, however many times aiogram and the form toolkit
    ask for it; most people are in no form, so most keys have no row.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._key_builder = key_builder or storage_key_builder()

    async def _write(self, key: StorageKey, **values: Any) -> None:
        session = update_session()
        if session is None:
            async with self._session_factory() as own, own.begin():
                await self._apply(own, key, values)
            return
        if not session.is_active:
            await session.rollback()  # a failed flush left it unusable; nothing there to keep
        await self._apply(session, key, values)
        await session.commit()

    async def _apply(self, session: AsyncSession, key: StorageKey, values: dict[str, Any]) -> None:
        record_key = self._key_builder.build(key)
        session.info.get(_NO_ROW, set()).discard(record_key)
        record = await session.get(FsmRecord, record_key, with_for_update=True)
        if record is None:
            record = FsmRecord(key=record_key, state=None, data={}, updated_at=self._clock())
            session.add(record)
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_at = self._clock()
        if record.state is None and not record.data:
            # Nothing left to remember: don't keep an empty row per user forever.
            if inspect(record).persistent:
                await session.delete(record)
            else:
                session.expunge(record)

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        session = update_session()
        if session is None:
            async with self._session_factory() as own:
                return await own.get(FsmRecord, self._key_builder.build(key))
        record_key = self._key_builder.build(key)
        absent: set[str] = session.info.setdefault(_NO_ROW, set())
        if record_key in absent:
            return None
        record = await session.get(FsmRecord, record_key)
        if record is None:
            absent.add(record_key)
        return record

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return dict(record.data) if record and record.data else {}

    async def close(self) -> None:
        # The engine belongs to the application, which disposes of it.
        return None


def build_fsm_storage(
    redis_url: str | None,
    redis_prefix: str,
    session_factory: async_sessionmaker[AsyncSession],
    clock: Callable[[], datetime],
    *,
    max_connections: int = 50,
) -> BaseStorage:
    """Redis when `REDIS_URL` is set, else the database.

    With Redis, the storage's client is the process's one client (the throttle uses it too): its
    pool holds `max_connections` (sized from UPDATE_CONCURRENCY), and a caller beyond them waits
    for one to be free rather than failing with MaxConnectionsError.
    """
    if redis_url:
        from aiogram.fsm.storage.redis import RedisStorage
        from redis.asyncio import BlockingConnectionPool, Redis

        pool = BlockingConnectionPool.from_url(
            redis_url, max_connections=max_connections, timeout=REDIS_POOL_TIMEOUT
        )
        return RedisStorage(
            Redis(connection_pool=pool), key_builder=storage_key_builder(f"{redis_prefix}:fsm")
        )
    return SqlAlchemyStorage(session_factory, clock)
