"""Queries for the inbox of received updates (`InboxUpdate`). Repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.db import WRITE_FIRST
from models.inserts import insert_ignoring, insert_new_returning, insert_unless_present
from models.plumbing import InboxReply, InboxUpdate

UNIQUE = ("bot_id", "update_id")


@dataclass(frozen=True, slots=True)
class RecordedReply:
    """A reply sent while an update was handled (`InboxReply`)."""

    method: str
    chat_id: str | None
    result: Any


@dataclass(frozen=True, slots=True)
class ReceivedUpdate:
    """An update stored but not handled yet."""

    update_id: int
    payload: dict[str, Any]
    recoveries: int


async def store_received(
    session: AsyncSession, bot_id: int, payloads: Sequence[dict[str, Any]], now: datetime
) -> set[int]:
    """Store updates as received (each must have an int `update_id`); the ids of those that were
    new. An update stored before (handled or not) is left as it is."""
    rows = [
        {"bot_id": bot_id, "update_id": p["update_id"], "payload": p, "received_at": now, "recoveries": 0}
        for p in payloads
    ]
    return set(await insert_new_returning(session, InboxUpdate, rows, unique=UNIQUE, returning="update_id"))


async def record_handled_once(session: AsyncSession, bot_id: int, update_id: int, now: datetime) -> bool:
    """Mark an update that did not come through the inbox (fed straight to the dispatcher) as
    handled; False if it was there already, so it must not be handled again."""
    row = await insert_unless_present(
        session,
        InboxUpdate,
        {"bot_id": bot_id, "update_id": update_id, "received_at": now, "handled_at": now, "recoveries": 0},
        unique=UNIQUE,
    )
    return row is not None


async def mark_handled(session: AsyncSession, bot_id: int, update_ids: Sequence[int], now: datetime) -> None:
    """These updates are done: remember that (for de-duplication), forget their content. On
    SQLite the write goes ahead of other waiting writers (`models.db.WRITE_FIRST`): the sooner a
    reply's update is marked, the smaller the chance a crash makes it answered twice."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.bot_id == bot_id, InboxUpdate.update_id.in_(list(update_ids)))
        .values(handled_at=now, payload=None),
        # No ORM objects of these rows are loaded; matching the session's (the default) built
        # an evaluator of the whole IN list for every batch, about a millisecond per update.
        execution_options={WRITE_FIRST: True, "synchronize_session": False},
    )


async def unhandled(
    session: AsyncSession, bot_id: int, *, after: int | None = None, limit: int = 200
) -> list[ReceivedUpdate]:
    """Updates of `bot_id` received but not handled, oldest first, after update id `after`."""
    query = select(InboxUpdate.update_id, InboxUpdate.payload, InboxUpdate.recoveries).where(
        InboxUpdate.bot_id == bot_id, InboxUpdate.handled_at.is_(None)
    )
    if after is not None:
        query = query.where(InboxUpdate.update_id > after)
    rows = (await session.execute(query.order_by(InboxUpdate.update_id).limit(limit))).all()
    return [ReceivedUpdate(update_id, payload or {}, recoveries) for update_id, payload, recoveries in rows]


async def count_recovery(session: AsyncSession, bot_id: int, update_ids: Sequence[int]) -> None:
    """One more start found these updates unfinished."""
    if update_ids:
        await session.execute(
            update(InboxUpdate)
            .where(InboxUpdate.bot_id == bot_id, InboxUpdate.update_id.in_(list(update_ids)))
            .values(recoveries=InboxUpdate.recoveries + 1)
            .execution_options(synchronize_session=False)
        )


async def record_reply(
    session: AsyncSession,
    bot_id: int,
    update_id: int,
    seq: int,
    *,
    method: str,
    chat_id: str | None,
    result: Any,
    now: datetime,
) -> None:
    """Remember that the `seq`-th reply to this update was sent and what the server answered.
    On SQLite it goes ahead of waiting writers, like the handled mark: it closes the same window."""
    row = {"bot_id": bot_id, "update_id": update_id, "seq": seq, "method": method, "chat_id": chat_id}
    await record_replies(session, [{**row, "result": result, "sent_at": now}])


async def record_replies(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """`record_reply` for many replies at once: each row has the columns of `InboxReply`."""
    if not rows:
        return
    # Written once per (update, seq): a second write (the same reply recorded again) is ignored.
    await session.execute(
        insert_ignoring(session, InboxReply, ("bot_id", "update_id", "seq")),
        list(rows),
        execution_options={WRITE_FIRST: True},
    )


async def recorded_replies(session: AsyncSession, bot_id: int, update_id: int) -> dict[int, RecordedReply]:
    """The replies already sent for this update, by their place in the handling."""
    rows = await session.execute(
        select(InboxReply.seq, InboxReply.method, InboxReply.chat_id, InboxReply.result).where(
            InboxReply.bot_id == bot_id, InboxReply.update_id == update_id
        )
    )
    return {seq: RecordedReply(method, chat_id, result) for seq, method, chat_id, result in rows}


async def delete_replies_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(delete(InboxReply).where(InboxReply.sent_at < moment))
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_handled_before(session: AsyncSession, moment: datetime) -> int:
    result = await session.execute(delete(InboxUpdate).where(InboxUpdate.handled_at < moment))
    return int(getattr(result, "rowcount", 0) or 0)
