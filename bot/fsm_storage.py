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

from models.plumbing import FsmRecord


def storage_key_builder(prefix: str = "fsm") -> KeyBuilder:
    return DefaultKeyBuilder(prefix=prefix, with_bot_id=True, with_destiny=True)


class SqlAlchemyStorage(BaseStorage):
    """One row per key in `fsm_record`; a row with no state and no data is deleted."""

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
        record_key = self._key_builder.build(key)
        async with self._session_factory() as session, session.begin():
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
        async with self._session_factory() as session:
            return await session.get(FsmRecord, self._key_builder.build(key))

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
) -> BaseStorage:
    """Redis when `REDIS_URL` is set, else the database."""
    if redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        return RedisStorage.from_url(redis_url, key_builder=storage_key_builder(f"{redis_prefix}:fsm"))
    return SqlAlchemyStorage(session_factory, clock)
