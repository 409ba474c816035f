"""FSM storage that survives restarts: the app's own database by default, Redis when configured.

Keys always include the bot id, so a Telegram user and a Bale user with the same numeric id (or
the same person on both) never share a conversation state.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
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


# Keys whose state this process remembers (`SqlAlchemyStorage`); the least recently used go first.
CACHED_KEYS = 100_000

# What a key holds: its state and data, or None for no row.
_Held = tuple[str | None, dict[str, Any]] | None


def storage_key_builder(prefix: str = "fsm") -> KeyBuilder:
    return DefaultKeyBuilder(prefix=prefix, with_bot_id=True, with_destiny=True)


class SqlAlchemyStorage(BaseStorage):
    """One row per key in `fsm_record`; a row with no state and no data is deleted.

    While an update is handled, state is read and written through that update's own session
    (`bot.update_scope.update_session`), so an update holds one database connection, not one more
    per state read; a write commits at once (services commit or roll back their own work, so the
    session has nothing half-done in it then). Outside an update each call has a session of its own.

    The process remembers what each key holds once it has read or written it (`CACHED_KEYS`, least
    recently used forgotten first): a write goes to the database and, once committed, to the
    memory; a read comes from the memory when it can. Every update reads the state, most people
    are in no form, and the database is this process's alone (several instances keep the state
    in Redis), so a person talking to the bot costs no state read after their first update. A
    write that fails leaves the key forgotten, to be read from the database next time.
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
        self._held: OrderedDict[str, _Held] = OrderedDict()

    def _remember(self, record_key: str, held: _Held) -> None:
        self._held[record_key] = held
        self._held.move_to_end(record_key)
        if len(self._held) > CACHED_KEYS:
            self._held.popitem(last=False)

    async def _write(self, key: StorageKey, **values: Any) -> None:
        record_key = self._key_builder.build(key)
        self._held.pop(record_key, None)  # until the write is committed
        session = update_session()
        if session is None:
            async with self._session_factory() as own, own.begin():
                held = await self._apply(own, record_key, values)
        else:
            if not session.is_active:
                await session.rollback()  # a failed flush left it unusable; nothing there to keep
            held = await self._apply(session, record_key, values)
            await session.commit()
        self._remember(record_key, held)

    async def _apply(self, session: AsyncSession, record_key: str, values: dict[str, Any]) -> _Held:
        """Write `values` to the key's row (no commit); what the key holds then."""
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
            return None
        return record.state, copy.deepcopy(record.data or {})

    async def _read(self, key: StorageKey) -> _Held:
        record_key = self._key_builder.build(key)
        if record_key in self._held:
            self._held.move_to_end(record_key)
            return self._held[record_key]
        session = update_session()
        if session is None:
            async with self._session_factory() as own:
                record = await own.get(FsmRecord, record_key)
        else:
            record = await session.get(FsmRecord, record_key)
        held: _Held = (record.state, copy.deepcopy(record.data or {})) if record is not None else None
        self._remember(record_key, held)
        return held

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        held = await self._read(key)
        return held[0] if held else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        held = await self._read(key)
        # A copy: what a handler does to it stays out of the memory until it is written.
        return copy.deepcopy(held[1]) if held else {}

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
