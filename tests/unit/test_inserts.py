"""INSERT … ON CONFLICT DO NOTHING (`models.inserts`): a row once, on both backends, and the
statement compiled once rather than at every execution (SQLAlchemy does not cache a dialect's
INSERT by itself)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import inbox_repo
from models.inserts import insert_ignoring
from models.plumbing import InboxReply, InboxUpdate

NOW = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)


async def test_the_statement_has_a_cache_key_that_names_its_conflict_target(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        dialect = session.get_bind().dialect
        on_reply = insert_ignoring(session, InboxReply, ("bot_id", "update_id", "seq"))
        again = insert_ignoring(session, InboxReply, ("bot_id", "update_id", "seq"))
        narrower = insert_ignoring(session, InboxReply, ("bot_id", "update_id"))
    key = on_reply._generate_cache_key()
    assert key is not None, "not cacheable: every execution would compile it again"
    assert key == again._generate_cache_key()
    assert key != narrower._generate_cache_key()
    assert "ON CONFLICT (bot_id, update_id, seq) DO NOTHING" in str(on_reply.compile(dialect=dialect))
    assert "ON CONFLICT (bot_id, update_id) DO NOTHING" in str(narrower.compile(dialect=dialect))
    returning = on_reply.returning(InboxReply.seq)
    assert returning._generate_cache_key() != key  # what it returns is part of the key too


async def test_rows_are_added_once_with_the_cached_statement(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        first = await inbox_repo.store_received(session, 7, [{"update_id": n} for n in (1, 2, 3)], NOW)
        second = await inbox_repo.store_received(session, 7, [{"update_id": n} for n in (2, 3, 4, 5)], NOW)
        reply = {"bot_id": 7, "seq": 1, "method": "sendMessage", "chat_id": "5", "result": {}, "sent_at": NOW}
        await inbox_repo.record_replies(session, [{**reply, "update_id": 1}, {**reply, "update_id": 2}])
        await inbox_repo.record_replies(session, [{**reply, "update_id": 2}, {**reply, "update_id": 3}])
        await session.commit()
        stored = await session.scalar(select(func.count()).select_from(InboxUpdate))
        replies = await session.scalar(select(func.count()).select_from(InboxReply))
    assert (first, second) == ({1, 2, 3}, {4, 5})
    assert (stored, replies) == (5, 3)
