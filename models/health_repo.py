"""Queries `/healthz` and `/metrics` run (`bot.ops`): is the database answering, and how old is
the oldest outbox row that is due and still not sent. They take the session and never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from models.plumbing import OutboxMessage, OutboxStatus


async def ping(session: AsyncSession) -> None:
    """Raises unless the database answers a trivial query."""
    await session.execute(text("SELECT 1"))


async def oldest_due_at(session: AsyncSession, now: datetime) -> datetime | None:
    """When the longest-due pending outbox row became due (None when nothing pending is due);
    `ix_outbox_message_due` (status, next_attempt_at) answers it from the index."""
    return (
        await session.execute(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
            )
        )
    ).scalar_one_or_none()
