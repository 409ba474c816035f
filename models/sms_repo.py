"""SMS queue queries for the SMS worker: claiming due messages under a lease and recording outcomes.

The same lease rules as the outbox (`models.outbox_repo`): a claim sets `claimed_by` and
`claimed_until`; a worker that dies leaves its rows to be claimed again once the lease expires; an
outcome is written only while the row is still pending and claimed by the worker reporting it, so
a worker whose lease ran out cannot overwrite another's result, and a sent row is never claimed
again. Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.sms import SmsMessage, SmsStatus


@dataclass(frozen=True, slots=True)
class ClaimedSms:
    """An SMS a worker holds the lease on, detached from any session."""

    id: int
    phone: str
    text: str
    attempts: int
    claimed_until: datetime


async def claim_due(
    session: AsyncSession, worker_id: str, now: datetime, lease_seconds: float, limit: int
) -> list[ClaimedSms]:
    """Lease up to `limit` due pending messages (`next_attempt_at <= now`, no live lease), oldest
    first. PostgreSQL picks them with `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint
    sets; SQLite runs one `UPDATE … WHERE id IN (SELECT …) RETURNING` under its writer lock."""
    if limit <= 0:
        return []
    claimed_until = now + timedelta(seconds=lease_seconds)
    sms = SmsMessage
    pick = (
        select(sms.id)
        .where(
            sms.status == SmsStatus.PENDING,
            sms.next_attempt_at <= now,
            or_(sms.claimed_until.is_(None), sms.claimed_until <= now),
        )
        .order_by(sms.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        ids = list(await session.scalars(pick.with_for_update(skip_locked=True)))
        if not ids:
            return []
        target: ColumnElement[bool] = sms.id.in_(ids)
    else:
        target = sms.id.in_(pick.scalar_subquery())
    stmt = (
        update(sms)
        .where(target)
        .values(claimed_by=worker_id, claimed_until=claimed_until)
        .returning(sms.id, sms.phone, sms.text, sms.attempts)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    claimed = [
        ClaimedSms(
            id=row.id, phone=row.phone, text=row.text, attempts=row.attempts, claimed_until=claimed_until
        )
        for row in rows
    ]
    claimed.sort(key=lambda m: m.id)  # RETURNING order is unspecified
    return claimed


def _held_by(sms_id: int, worker_id: str) -> ColumnElement[bool]:
    return and_(
        SmsMessage.id == sms_id, SmsMessage.claimed_by == worker_id, SmsMessage.status == SmsStatus.PENDING
    )


async def _update_held(session: AsyncSession, sms_id: int, worker_id: str, **values: Any) -> bool:
    stmt = (
        update(SmsMessage)
        .where(_held_by(sms_id, worker_id))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_sent(
    session: AsyncSession, sms_id: int, *, worker_id: str, provider_message_id: str | None, now: datetime
) -> bool:
    """Record a message the gateway accepted; False if `worker_id` no longer holds it."""
    return await _update_held(
        session,
        sms_id,
        worker_id,
        status=SmsStatus.SENT,
        sent_at=now,
        provider_message_id=provider_message_id,
        claimed_until=None,
        attempts=SmsMessage.attempts + 1,
        last_error=None,
    )


async def mark_retry(
    session: AsyncSession,
    sms_id: int,
    *,
    worker_id: str,
    error: str,
    next_attempt_at: datetime,
    count_attempt: bool = True,
) -> bool:
    """Release the message to be tried again at `next_attempt_at`, recording `error`;
    `count_attempt=False` for the gateway's rate limiting, which is not the message's fault."""
    values: dict[str, Any] = {
        "next_attempt_at": next_attempt_at,
        "last_error": error,
        "claimed_by": None,
        "claimed_until": None,
    }
    if count_attempt:
        values["attempts"] = SmsMessage.attempts + 1
    return await _update_held(session, sms_id, worker_id, **values)


async def mark_failed(session: AsyncSession, sms_id: int, *, worker_id: str, error: str) -> bool:
    """Give up on the message for good, recording why; False if `worker_id` no longer holds it."""
    return await _update_held(
        session,
        sms_id,
        worker_id,
        status=SmsStatus.FAILED,
        last_error=error,
        claimed_until=None,
        attempts=SmsMessage.attempts + 1,
    )


async def release(session: AsyncSession, sms_ids: list[int], *, worker_id: str) -> int:
    """Give back leased messages that were not attempted; how many were released."""
    if not sms_ids:
        return 0
    stmt = (
        update(SmsMessage)
        .where(
            SmsMessage.id.in_(sms_ids),
            SmsMessage.claimed_by == worker_id,
            SmsMessage.status == SmsStatus.PENDING,
        )
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the next pending message can be claimed (a leased one: when its lease ends); None if
    nothing is pending."""
    # A lease is only taken on a due row, so while it is held claimed_until > next_attempt_at and
    # the coalesce is the later of the two.
    due_at = func.coalesce(SmsMessage.claimed_until, SmsMessage.next_attempt_at)
    row = (
        await session.execute(
            select(SmsMessage.next_attempt_at, SmsMessage.claimed_until)
            .where(SmsMessage.status == SmsStatus.PENDING)
            .order_by(due_at)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    next_attempt_at, claimed_until = row
    return max(next_attempt_at, claimed_until) if claimed_until is not None else next_attempt_at


async def highest_id(session: AsyncSession) -> int:
    """The id of the newest SMS (0 when none)."""
    return int(await session.scalar(select(func.max(SmsMessage.id))) or 0)


async def due_now_after(session: AsyncSession, after_id: int, now: datetime) -> int:
    """Make every SMS newer than `after_id` that is due later than `now` due at `now` (for
    `jobs run --now <a future time>`, like `models.outbox_repo.due_now_after`)."""
    result = await session.execute(
        update(SmsMessage)
        .where(SmsMessage.id > after_id, SmsMessage.next_attempt_at > now)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def delete_finished_before(session: AsyncSession, moment: datetime) -> int:
    """Delete sent and failed messages created before `moment`; pending ones are never touched."""
    result = await session.execute(
        delete(SmsMessage).where(
            SmsMessage.status.in_([SmsStatus.SENT, SmsStatus.FAILED]), SmsMessage.created_at < moment
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
