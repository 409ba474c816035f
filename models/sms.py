"""The SMS fallback's queue: text messages to a person's phone, sent by `bot.sms_delivery`."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.identity import _enum


class SmsStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class SmsMessage(Base):
    """One SMS to send, written in the same transaction as the change that caused it.

    Every SMS costs money and reaches a phone, so each has a `dedup_key` (unique, never NULL):
    whatever reruns, restarts or races happen, one key is at most one SMS.
    """

    __tablename__ = "sms_message"
    __table_args__ = (Index("ix_sms_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The phone as it was when the message was queued (+98…): a later change does not redirect it.
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[SmsStatus] = mapped_column(_enum(SmsStatus, "sms_status"), default=SmsStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    # A claim is a lease, as in the outbox: a worker that dies leaves the row to be taken again.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The gateway's id for the message (Kavenegar's `messageid`), for support questions.
    provider_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
