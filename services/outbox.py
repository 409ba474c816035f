"""Queueing outgoing messages in the outbox, inside the caller's transaction.

Everything the bot says that is not a direct reply to the person who just wrote goes through
here: the row is saved atomically with the change that caused it, and the delivery worker
(`bot.delivery`) sends it later at a pace Telegram and Bale accept.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account, Platform
from models.inserts import insert_unless_present
from models.plumbing import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

_DEDUP_KEY_MAX = 200  # matches OutboxMessage.dedup_key's column length


async def enqueue(
    session: AsyncSession,
    *,
    platform: Platform | None,
    chat_id: int | None,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    person_id: int | None = None,
    dedup_key: str | None = None,
    topic: str | None = None,
) -> OutboxMessage | None:
    """Add a message to the outbox in the caller's transaction (nothing is committed).

    `reply_markup` is the Bot API JSON form of a keyboard (a dict with `inline_keyboard`,
    `keyboard`, `remove_keyboard` or `force_reply`). `now` must be an aware UTC datetime; the
    message is due at once. With no `platform`/`chat_id` the message is addressed to `person_id`
    alone and *waits* for them (status WAITING) until they can be reached
    (`services.notify.release_waiting`).

    With a `dedup_key` that is already in the outbox (whatever its status) nothing is added and
    None is returned; two transactions racing with the same key end with exactly one row.
    """
    if not text:
        raise ValueError("an outbox message needs a non-empty text")
    if dedup_key is not None and len(dedup_key) > _DEDUP_KEY_MAX:
        raise ValueError(f"dedup_key longer than {_DEDUP_KEY_MAX} characters")
    waiting = platform is None or chat_id is None
    if waiting and person_id is None:
        raise ValueError("a message without a chat must be addressed to a person")
    values: dict[str, Any] = {
        "platform": None if waiting else platform,
        "chat_id": None if waiting else chat_id,
        "person_id": person_id,
        "text": text,
        "reply_markup": reply_markup,
        "dedup_key": dedup_key,
        "topic": topic,
        "status": OutboxStatus.WAITING if waiting else OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    message = await insert_unless_present(session, OutboxMessage, values, unique=["dedup_key"])
    if message is None:
        log.debug("outbox message with dedup_key %s already queued", dedup_key)
    return message


async def enqueue_for_person(
    session: AsyncSession,
    *,
    person_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    dedup_key: str | None = None,
    topic: str | None = None,
) -> OutboxMessage | None:
    """Queue a message to the person: to the account they used last that has not blocked the bot,
    or, when there is none (they never started the bot, or blocked it everywhere), kept WAITING
    for them. None only when `dedup_key` was already queued. Only adds to the caller's transaction.
    """
    account = await session.scalar(
        select(Account)
        .where(Account.person_id == person_id, Account.blocked_at.is_(None))
        .order_by(Account.last_seen_at.desc(), Account.id.desc())
        .limit(1)
    )
    return await enqueue(
        session,
        platform=account.platform if account else None,
        chat_id=account.chat_id if account else None,
        text=text,
        now=now,
        reply_markup=reply_markup,
        person_id=person_id,
        dedup_key=dedup_key,
        topic=topic,
    )
