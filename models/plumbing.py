"""Tables the machinery needs: the inbox of received updates, the outbox (and the files some of
its messages carry) and FSM state."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import Platform, _enum


class InboxUpdate(Base):
    """An update as received from a messenger, stored before the server is told it arrived (the
    polling offset moves past it, the webhook answers 200), so no update is lost to a crash; and
    how an update delivered twice is recognised. Handled, it keeps only its ids and times (the
    content is dropped) until `services.jobs.prune_processed_updates` removes it after a week.
    """

    __tablename__ = "inbox_update"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The update as the server sent it; None once handled.
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[datetime]
    # None until handled: what a restart takes up again.
    handled_at: Mapped[datetime | None] = mapped_column(index=True)
    # Starts that found the update unfinished; past a few it is given up (it may be what crashes).
    recoveries: Mapped[int] = mapped_column(default=0)


class InboxReply(Base):
    """A reply the bot sent while handling a received update, recorded the moment the server
    accepted it (`bot.reply_journal`): if the process dies before the update is marked handled,
    the update is handled again at the next start and these replies are not sent a second time
    (the handler gets the recorded answer instead). Removed with the update's mark.
    """

    __tablename__ = "inbox_reply"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The n-th message-sending call made while handling the update, from 0.
    seq: Mapped[int] = mapped_column(primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    chat_id: Mapped[str | None] = mapped_column(String(64))
    # The server's answer (the sent Message, ...) as JSON, handed back instead of sending again.
    result: Mapped[Any] = mapped_column(JSON)
    sent_at: Mapped[datetime] = mapped_column(index=True)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    # Addressed to a person nobody can reach yet (no account, or every account blocked the bot):
    # no platform or chat until they arrive, then re-addressed and made pending.
    WAITING = "waiting"
    # A waiting message that reached its person inside a «while you were away» note, or was
    # queued again after it (last_error says which outbox message carried it).
    MERGED = "merged"


class OutboxMessage(Base):
    """A message to deliver later, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # The claim query looks for older pending and recently sent rows of the same chat.
        Index("ix_outbox_message_chat", "platform", "chat_id", "status", "id"),
        # Releasing what waits for a person who just arrived.
        Index("ix_outbox_message_person", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Both None while the message waits for its person (status WAITING).
    platform: Mapped[Platform | None] = mapped_column(_enum(Platform, "platform"))
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The message; for one that carries a file (`OutboxFile`) its caption, possibly empty.
    text: Mapped[str] = mapped_column(Text)
    reply_markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Set by callers that must never send the same thing twice (a reminder for one key, say).
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # What the message is about ("request:12", "resolution:7"): when a person arrives to several
    # waiting messages, only the latest one per topic that still needs an answer is sent in full.
    topic: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    # A claim is a lease: a worker that dies leaves the row to be taken again after it expires.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    sent_message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)


class OutboxFileKind(enum.StrEnum):
    """How a file goes: a photo (shown inline, recompressed by the messenger) or a document."""

    PHOTO = "photo"
    DOCUMENT = "document"


class OutboxFile(Base):
    """The one file an outbox message carries, sent with sendPhoto or sendDocument; the
    message's text is its caption.

    A table of its own rather than a column of `outbox_message`: the claim (`UPDATE … RETURNING`),
    the per-chat order checks, the counts and every listing of the outbox never read or carry the
    bytes, and a waiting message sent again after a «while you were away» note takes its file
    along by changing `outbox_id`, without copying it. Deleted with its message (the prune job).
    """

    __tablename__ = "outbox_file"

    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[OutboxFileKind] = mapped_column(_enum(OutboxFileKind, "outbox_file_kind"))
    # The name the reader sees (a document's; Telegram drops a photo's).
    filename: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class FsmRecord(Base):
    """aiogram FSM state and data for one storage key (the key includes the bot id)."""

    __tablename__ = "fsm_record"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
