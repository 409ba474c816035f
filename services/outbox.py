"""Queueing outgoing messages in the outbox, inside the caller's transaction.

Everything the bot says that is not a direct reply to the person who just wrote goes through
here: the row is saved atomically with the change that caused it, and the delivery worker
(`bot.delivery`) sends it later at a pace Telegram and Bale accept.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account, Platform
from models.plumbing import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

_DEDUP_KEY_MAX = 200  # matches OutboxMessage.dedup_key's column length


async def enqueue(
    session: AsyncSession,
    *,
    platform: Platform,
    chat_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    person_id: int | None = None,
    dedup_key: str | None = None,
) -> OutboxMessage | None:
    """Add a pending message to the outbox in the caller's transaction (nothing is committed).

    `reply_markup` is the Bot API JSON form of a keyboard (a dict with `inline_keyboard`,
    `keyboard`, `remove_keyboard` or `force_reply`). `now` must be an aware UTC datetime; the
    message is due at once.

    With a `dedup_key` that is already in the outbox (whatever its status) nothing is added and
    None is returned; two transactions racing with the same key end with exactly one row.
    """
    if not text:
        raise ValueError("an outbox message needs a non-empty text")
    if dedup_key is not None and len(dedup_key) > _DEDUP_KEY_MAX:
        raise ValueError(f"dedup_key longer than {_DEDUP_KEY_MAX} characters")
    values: dict[str, Any] = {
        "platform": platform,
        "chat_id": chat_id,
        "person_id": person_id,
        "text": text,
        "reply_markup": reply_markup,
        "dedup_key": dedup_key,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        return await _insert_ignoring_duplicate(session, dialect, values)
    return await _insert_in_savepoint(session, values)


async def enqueue_for_person(
    session: AsyncSession,
    *,
    person_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    dedup_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a message to the messenger account the person used last (latest `last_seen_at`).

    Returns None when the person has no account, or when `dedup_key` was already queued.
    Like `enqueue`, it only adds to the caller's transaction.
    """
    account = await session.scalar(
        select(Account)
        .where(Account.person_id == person_id)
        .order_by(Account.last_seen_at.desc(), Account.id.desc())
        .limit(1)
    )
    if account is None:
        log.info("person %s has no messenger account; message not queued", person_id)
        return None
    return await enqueue(
        session,
        platform=account.platform,
        chat_id=account.chat_id,
        text=text,
        now=now,
        reply_markup=reply_markup,
        person_id=person_id,
        dedup_key=dedup_key,
    )


async def _insert_ignoring_duplicate(
    session: AsyncSession, dialect: str, values: dict[str, Any]
) -> OutboxMessage | None:
    # INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING: one statement, so it is safe under
    # concurrency without a savepoint (and SQLite's driver handles savepoints poorly). A NULL
    # dedup_key never conflicts. The ORM form returns a persistent OutboxMessage.
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt: Insert = (
        insert_fn(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[OutboxMessage.dedup_key])
        .returning(OutboxMessage)
    )
    message = (await session.scalars(stmt)).one_or_none()
    if message is None:
        log.debug("outbox message with dedup_key %s already queued", values["dedup_key"])
    return message


async def _insert_in_savepoint(session: AsyncSession, values: dict[str, Any]) -> OutboxMessage | None:
    # Other backends: let the unique constraint decide, rolling back only the savepoint.
    message = OutboxMessage(**values)
    try:
        async with session.begin_nested():
            session.add(message)
    except IntegrityError:
        if values["dedup_key"] is None:
            raise
        log.debug("outbox message with dedup_key %s already queued", values["dedup_key"])
        return None
    return message
