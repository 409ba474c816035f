"""The reply records and handled marks go to the database together, many to a transaction, and a
mark is never committed before the records queued ahead of it; a record committed with its update's
mark is left out (`bot.durable_writes`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.durable_writes import DurableWrites
from models import InboxUpdate, inbox_repo
from services.clock import fixed_clock
from tests.handlers.harness import NOW

BOT_ID = 5202


def reply(update_id: int, seq: int = 0, **changes: Any) -> dict[str, Any]:
    row = {
        "bot_id": BOT_ID,
        "update_id": update_id,
        "seq": seq,
        "method": "sendMessage",
        "chat_id": "77",
        "result": {"message_id": update_id * 10 + seq},
        "sent_at": NOW,
    }
    return row | changes


async def received(factory: async_sessionmaker[AsyncSession], *update_ids: int) -> None:
    async with factory() as session, session.begin():
        await inbox_repo.store_received(
            session, BOT_ID, [{"update_id": u, "message": {}} for u in update_ids], NOW
        )


async def handled(factory: async_sessionmaker[AsyncSession]) -> dict[int, bool]:
    async with factory() as session:
        rows = await session.execute(
            select(InboxUpdate.update_id, InboxUpdate.handled_at).where(InboxUpdate.bot_id == BOT_ID)
        )
        return {update_id: handled_at is not None for update_id, handled_at in rows}


async def recorded(factory: async_sessionmaker[AsyncSession], update_id: int) -> list[int]:
    async with factory() as session:
        return sorted(await inbox_repo.recorded_replies(session, BOT_ID, update_id))


def count_commits(factory: async_sessionmaker[AsyncSession]) -> list[int]:
    commits = [0]

    def commit(_connection: Any) -> None:
        commits[0] += 1

    event.listen(factory.kw["bind"].sync_engine, "commit", commit)
    return commits


async def test_what_is_queued_together_is_written_in_one_transaction(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await received(session_factory, *range(1, 22))
    writes = DurableWrites(session_factory, fixed_clock(NOW))
    commits = count_commits(session_factory)
    marks = []
    for update_id in range(1, 21):
        writes.record_reply(reply(update_id, 0))
        writes.record_reply(reply(update_id, 1))
        marks.append(writes.mark_handled(BOT_ID, update_id))
    writes.record_reply(reply(21, 0))  # its update is still being handled
    await asyncio.gather(*marks)
    assert commits[0] == 1
    assert await handled(session_factory) == dict.fromkeys(range(1, 21), True) | {21: False}
    # A record whose update is marked in the same transaction would never be read: not written.
    assert await recorded(session_factory, 7) == []
    assert await recorded(session_factory, 21) == [0]


async def test_a_mark_is_committed_with_the_records_queued_before_it(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await received(session_factory, 1, 2)
    writes = DurableWrites(session_factory, fixed_clock(NOW))
    early = writes.record_reply(reply(1))
    await asyncio.sleep(0)  # the first transaction starts with what was queued so far
    first = writes.mark_handled(BOT_ID, 1)
    late = writes.record_reply(reply(2))
    second = writes.mark_handled(BOT_ID, 2)
    await first
    assert early.done() and early.exception() is None
    assert await recorded(session_factory, 1) == [0]  # written before its mark was queued
    await second
    assert late.done() and late.exception() is None
    assert await recorded(session_factory, 2) == []  # committed with its mark: not needed
    assert await handled(session_factory) == {1: True, 2: True}


async def test_a_record_that_cannot_be_written_leaves_no_update_unmarked(
    session_factory: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    await received(session_factory, 1, 2, 3)
    writes = DurableWrites(session_factory, fixed_clock(NOW))
    bad = writes.record_reply(reply(3, method=None))  # method is NOT NULL
    marks = [writes.mark_handled(BOT_ID, 1), writes.mark_handled(BOT_ID, 2)]
    with caplog.at_level(logging.WARNING, "bot.durable_writes"):
        await asyncio.gather(*marks)
        await writes.flush()
    assert isinstance(bad.exception(), Exception)
    assert await handled(session_factory) == {1: True, 2: True, 3: False}
    assert await recorded(session_factory, 3) == []
    assert "writing the marks alone" in caplog.text
    assert "could not record reply 0 to update 3 in the journal" in caplog.text


async def test_flush_waits_for_records_nobody_awaited(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await received(session_factory, 3)
    writes = DurableWrites(session_factory, fixed_clock(NOW))
    for seq in range(5):
        writes.record_reply(reply(3, seq))
    await writes.flush()
    assert await recorded(session_factory, 3) == [0, 1, 2, 3, 4]
    await writes.flush()  # nothing queued: returns at once
