"""Queueing outgoing messages in the outbox, inside the caller's transaction.

Everything the bot says that is not a direct reply to the person who just wrote goes through
here: the row is saved atomically with the change that caused it, and the delivery worker
(`bot.delivery`) sends it later at a pace Telegram and Bale accept.

A message may carry one file (`Attachment`: a photo or a document, sent with sendPhoto or
sendDocument); its text is then the caption, at most `CAPTION_MAX` characters, and may be empty.
The bytes go to `outbox_file` (`models.plumbing.OutboxFile`), beside the row, never into it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account, Platform
from models.inserts import insert_many_unless_present, insert_unless_present
from models.plumbing import OutboxFile, OutboxFileKind, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

_DEDUP_KEY_MAX = 200  # matches OutboxMessage.dedup_key's column length
_FILENAME_MAX = 200  # matches OutboxFile.filename's
# A caption's limit on Telegram and on Bale, in UTF-16 code units as Telegram counts them.
CAPTION_MAX = 1024
# What the Bot API takes by upload: photos up to 10 MB, other files up to 50 MB.
FILE_MAX_BYTES = {OutboxFileKind.PHOTO: 10 * 1024 * 1024, OutboxFileKind.DOCUMENT: 50 * 1024 * 1024}


@dataclass(frozen=True)
class Attachment:
    """A file for an outbox message: shown as a photo or sent as a document, named `filename`."""

    kind: OutboxFileKind
    filename: str
    body: bytes

    def __post_init__(self) -> None:
        if not self.body:
            raise ValueError("an attachment needs some bytes")
        if len(self.body) > FILE_MAX_BYTES[self.kind]:
            raise ValueError(f"a {self.kind.value} may have at most {FILE_MAX_BYTES[self.kind]} bytes")
        if not self.filename.strip() or len(self.filename) > _FILENAME_MAX:
            raise ValueError(f"an attachment needs a file name of 1 to {_FILENAME_MAX} characters")


def utf16_length(text: str) -> int:
    """The length Telegram and Bale count a text's limit in."""
    return len(text.encode("utf-16-le")) // 2


def _check_text(text: str, attachment: Attachment | None) -> None:
    if attachment is None:
        if not text:
            raise ValueError("an outbox message needs a non-empty text")
    elif utf16_length(text) > CAPTION_MAX:
        raise ValueError(f"a caption may have at most {CAPTION_MAX} characters")


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
    attachment: Attachment | None = None,
) -> OutboxMessage | None:
    """Add a message to the outbox in the caller's transaction (nothing is committed).

    `reply_markup` is the Bot API JSON form of a keyboard (a dict with `inline_keyboard`,
    `keyboard`, `remove_keyboard` or `force_reply`). `now` must be an aware UTC datetime; the
    message is due at once. With no `platform`/`chat_id` the message is addressed to `person_id`
    alone and *waits* for them (status WAITING) until they can be reached
    (`services.notify.release_waiting`).

    With a `dedup_key` that is already in the outbox (whatever its status) nothing is added and
    None is returned; two transactions racing with the same key end with exactly one row.

    With an `attachment` the message is that file and `text` its caption (empty for none, at
    most `CAPTION_MAX`); without one `text` must not be empty.
    """
    _check_text(text, attachment)
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
    elif attachment is not None:
        session.add(
            OutboxFile(
                outbox_id=message.id,
                kind=attachment.kind,
                filename=attachment.filename,
                body=attachment.body,
            )
        )
        await session.flush()
    return message


@dataclass(frozen=True)
class Outgoing:
    """One text message for `enqueue_many`: to a chat that can receive it now."""

    platform: Platform
    chat_id: int
    text: str
    person_id: int | None = None
    dedup_key: str | None = None


async def enqueue_many(session: AsyncSession, messages: Sequence[Outgoing], *, now: datetime) -> int:
    """`enqueue` for many text messages at once (multi-row INSERTs, in the caller's transaction),
    in their order; those whose `dedup_key` is in the outbox already are skipped. How many were
    added."""
    rows: list[dict[str, Any]] = []
    for message in messages:
        _check_text(message.text, None)
        if message.dedup_key is not None and len(message.dedup_key) > _DEDUP_KEY_MAX:
            raise ValueError(f"dedup_key longer than {_DEDUP_KEY_MAX} characters")
        rows.append(
            {
                "platform": message.platform,
                "chat_id": message.chat_id,
                "person_id": message.person_id,
                "text": message.text,
                "reply_markup": None,
                "dedup_key": message.dedup_key,
                "topic": None,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    return await insert_many_unless_present(session, OutboxMessage, rows, unique=["dedup_key"])


async def enqueue_for_person(
    session: AsyncSession,
    *,
    person_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    dedup_key: str | None = None,
    topic: str | None = None,
    attachment: Attachment | None = None,
) -> OutboxMessage | None:
    """Queue a message to the person: to the account they used last that has not blocked the bot,
    or, when there is none (they never started the bot, or blocked it everywhere), kept WAITING
    for them (with its `attachment`, if any). None only when `dedup_key` was already queued. Only
    adds to the caller's transaction.
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
        attachment=attachment,
    )


async def requeue(
    session: AsyncSession, message: OutboxMessage, *, platform: Platform, chat_id: int, now: datetime
) -> OutboxMessage:
    """A new pending copy of `message` to the chat, due now: its text, buttons, person and topic,
    and its file, which moves to the copy (not copied: the original is about to be closed). No
    dedup key: the original keeps it. Only adds to the caller's transaction."""
    copy = OutboxMessage(
        platform=platform,
        chat_id=chat_id,
        person_id=message.person_id,
        text=message.text,
        reply_markup=message.reply_markup,
        topic=message.topic,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(copy)
    await session.flush()
    await session.execute(
        update(OutboxFile)
        .where(OutboxFile.outbox_id == message.id)
        .values(outbox_id=copy.id)
        .execution_options(synchronize_session=False)
    )
    return copy


async def carrying_files(session: AsyncSession, outbox_ids: Sequence[int]) -> set[int]:
    """Which of these messages carry a file."""
    if not outbox_ids:
        return set()
    return set(
        await session.scalars(select(OutboxFile.outbox_id).where(OutboxFile.outbox_id.in_(outbox_ids)))
    )
