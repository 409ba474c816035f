"""Outbox queries for the delivery worker: claiming due messages under a lease and recording outcomes.

A claim is a lease (`claimed_by`, `claimed_until`): a worker that dies leaves its rows to be claimed
again once the lease expires. Every outcome is written only if the row is still claimed by the
worker reporting it, so a worker whose lease ran out cannot overwrite another worker's result.

Claims also keep each chat's messages in order and one at a time: a row is claimable only when no
older row for the same chat is still pending (so at most one message per chat is ever in flight,
across all workers) and, if `chat_interval` is given, when nothing was sent to that chat within
the interval (so two workers together still respect the per-chat pace).

A message's file (`outbox_file`) is not claimed with it: the claim says only its kind and name
(`ClaimedFile`), and the worker reads the bytes (`file_body`) just before the upload, so a batch of
claimed messages holds no file in memory.

Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.identity import Account, Platform
from models.plumbing import OutboxFile, OutboxFileKind, OutboxMessage, OutboxStatus


@dataclass(frozen=True, slots=True)
class ClaimedFile:
    """What a claimed message's file is, without its bytes (`file_body` reads them)."""

    kind: OutboxFileKind
    filename: str


@dataclass(frozen=True, slots=True)
class ClaimedMessage:
    """A message a worker holds the lease on, detached from any session."""

    id: int
    platform: Platform
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    attempts: int
    claimed_until: datetime
    # The file it carries (its text is then the caption), or None for a text message.
    file: ClaimedFile | None = None


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int = 0
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    merged: int = 0


# Built once: an alias adapts each column it is asked for, and keeps what it adapted (a new alias
# per claim spent most of the claim's 3 ms of CPU there, twice a second with nothing to send).
_OLDER = aliased(OutboxMessage, name="older")
_RECENT = aliased(OutboxMessage, name="recent")


def _no_older_pending(msg: type[OutboxMessage]) -> ColumnElement[bool]:
    # FIFO per chat: a message waits until every older message to its chat is sent or failed.
    older = _OLDER
    return ~exists().where(
        older.platform == msg.platform,
        older.chat_id == msg.chat_id,
        older.status == OutboxStatus.PENDING,
        older.id < msg.id,
    )


def _claimable(now: datetime, chat_interval: float) -> ColumnElement[bool]:
    msg = OutboxMessage
    conditions = [
        msg.status == OutboxStatus.PENDING,
        msg.next_attempt_at <= now,
        or_(msg.claimed_until.is_(None), msg.claimed_until <= now),
        _no_older_pending(msg),
    ]
    if chat_interval > 0:
        recent = _RECENT
        conditions.append(
            ~exists().where(
                recent.platform == msg.platform,
                recent.chat_id == msg.chat_id,
                recent.status == OutboxStatus.SENT,
                recent.sent_at > now - timedelta(seconds=chat_interval),
            )
        )
    return and_(*conditions)


async def claim_due(
    session: AsyncSession,
    worker_id: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
    *,
    chat_interval: float = 0.0,
) -> list[ClaimedMessage]:
    """Lease up to `limit` due pending messages to `worker_id`, oldest first.

    Due means: pending, `next_attempt_at <= now`, not leased or the lease has expired, no older
    pending message for the same chat, and (with `chat_interval`) nothing sent to the chat in the
    last `chat_interval` seconds. On PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`,
    so concurrent workers take disjoint sets without waiting for each other; on SQLite a single
    `UPDATE … WHERE id IN (SELECT …) RETURNING` runs under SQLite's one-writer lock.
    """
    if limit <= 0:
        return []
    claimed_until = now + timedelta(seconds=lease_seconds)
    msg = OutboxMessage
    pick = select(msg.id).where(_claimable(now, chat_interval)).order_by(msg.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        ids = list(await session.scalars(pick.with_for_update(of=msg, skip_locked=True)))
        if not ids:
            return []
        target: ColumnElement[bool] = msg.id.in_(ids)
    else:
        target = msg.id.in_(pick.scalar_subquery())
    stmt = (
        update(msg)
        .where(target)
        .values(claimed_by=worker_id, claimed_until=claimed_until)
        .returning(msg.id, msg.platform, msg.chat_id, msg.text, msg.reply_markup, msg.attempts)
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    files = await _files_of(session, [row.id for row in rows])
    claimed = [
        ClaimedMessage(
            id=row.id,
            platform=Platform(row.platform),
            chat_id=row.chat_id,
            text=row.text,
            reply_markup=row.reply_markup,
            attempts=row.attempts,
            claimed_until=claimed_until,
            file=files.get(row.id),
        )
        for row in rows
    ]
    # RETURNING order is unspecified.
    claimed.sort(key=lambda m: m.id)
    return claimed


async def _files_of(session: AsyncSession, outbox_ids: list[int]) -> dict[int, ClaimedFile]:
    if not outbox_ids:
        return {}
    rows = await session.execute(
        select(OutboxFile.outbox_id, OutboxFile.kind, OutboxFile.filename).where(
            OutboxFile.outbox_id.in_(outbox_ids)
        )
    )
    return {
        outbox_id: ClaimedFile(OutboxFileKind(kind), filename) for outbox_id, kind, filename in rows.all()
    }


async def file_body(session: AsyncSession, outbox_id: int) -> bytes | None:
    """The bytes of the file the message carries; None if it carries none (any more)."""
    body = await session.scalar(select(OutboxFile.body).where(OutboxFile.outbox_id == outbox_id))
    return None if body is None else bytes(body)


def _held_by(outbox_id: int, worker_id: str) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.id == outbox_id,
        OutboxMessage.claimed_by == worker_id,
        OutboxMessage.status == OutboxStatus.PENDING,
    )


async def _update_held(session: AsyncSession, where: ColumnElement[bool], **values: Any) -> bool:
    stmt = update(OutboxMessage).where(where).values(**values).execution_options(synchronize_session=False)
    result = await session.execute(stmt)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def mark_sent(
    session: AsyncSession, outbox_id: int, *, worker_id: str, sent_message_id: int | None, now: datetime
) -> bool:
    """Record a delivered message; False if `worker_id` no longer holds it (nothing is changed)."""
    return await _update_held(
        session,
        _held_by(outbox_id, worker_id),
        status=OutboxStatus.SENT,
        sent_at=now,
        sent_message_id=sent_message_id,
        claimed_until=None,
        attempts=OutboxMessage.attempts + 1,
        last_error=None,
    )


async def mark_retry(
    session: AsyncSession,
    outbox_id: int,
    *,
    worker_id: str,
    error: str,
    next_attempt_at: datetime,
    count_attempt: bool = True,
) -> bool:
    """Release the message to be tried again at `next_attempt_at`, recording `error`.

    `count_attempt=False` is for flood-control waits, which are not the message's fault.
    False if `worker_id` no longer holds the message.
    """
    values: dict[str, Any] = {
        "next_attempt_at": next_attempt_at,
        "last_error": error,
        "claimed_by": None,
        "claimed_until": None,
    }
    if count_attempt:
        values["attempts"] = OutboxMessage.attempts + 1
    return await _update_held(session, _held_by(outbox_id, worker_id), **values)


async def mark_failed(session: AsyncSession, outbox_id: int, *, worker_id: str, error: str) -> bool:
    """Give up on the message for good, recording why; False if `worker_id` no longer holds it."""
    return await _update_held(
        session,
        _held_by(outbox_id, worker_id),
        status=OutboxStatus.FAILED,
        last_error=error,
        claimed_until=None,
        attempts=OutboxMessage.attempts + 1,
    )


async def park_for_person(
    session: AsyncSession, outbox_id: int, *, worker_id: str, error: str, now: datetime
) -> OutboxStatus | None:
    """The chat's user blocked the bot (or deleted their account): mark that account blocked and
    re-address the message to another account of the same person that can still be reached, or
    keep it WAITING for the person (`services.notify.release_waiting` sends it when they are
    back). A message to no person fails for good. Returns the message's new status (PENDING when
    re-addressed), or None if `worker_id` no longer holds it.
    """
    row = (
        await session.execute(
            select(OutboxMessage.platform, OutboxMessage.chat_id, OutboxMessage.person_id).where(
                _held_by(outbox_id, worker_id)
            )
        )
    ).first()
    if row is None:
        return None
    platform, chat_id, person_id = row
    await session.execute(
        update(Account)
        .where(Account.platform == platform, Account.chat_id == chat_id, Account.blocked_at.is_(None))
        .values(blocked_at=now)
        .execution_options(synchronize_session=False)
    )
    if person_id is None:
        failed = await mark_failed(session, outbox_id, worker_id=worker_id, error=error)
        return OutboxStatus.FAILED if failed else None
    other = (
        await session.execute(
            select(Account.platform, Account.chat_id)
            .where(Account.person_id == person_id, Account.blocked_at.is_(None))
            .order_by(Account.last_seen_at.desc(), Account.id.desc())
            .limit(1)
        )
    ).first()
    target: dict[str, Any] = (
        {"platform": other.platform, "chat_id": other.chat_id, "status": OutboxStatus.PENDING}
        if other is not None
        else {"platform": None, "chat_id": None, "status": OutboxStatus.WAITING}
    )
    moved = await _update_held(
        session,
        _held_by(outbox_id, worker_id),
        **target,
        next_attempt_at=now,
        last_error=error,
        claimed_by=None,
        claimed_until=None,
        attempts=OutboxMessage.attempts + 1,
    )
    return target["status"] if moved else None


async def release(session: AsyncSession, outbox_ids: list[int], *, worker_id: str) -> int:
    """Give back leased messages that were not attempted; returns how many were released."""
    if not outbox_ids:
        return 0
    stmt = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(outbox_ids),
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(claimed_by=None, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(stmt)
    return int(result.rowcount)  # type: ignore[attr-defined]


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the next pending message can be claimed, ignoring the per-chat interval.

    Only the oldest pending message of each chat counts (the others wait for it), and a leased
    message counts from the end of its lease. None if nothing is pending.
    """
    msg = OutboxMessage
    # A lease is only ever taken on a due row, so while it is held claimed_until > next_attempt_at
    # and the coalesce is the later of the two.
    due_at = func.coalesce(msg.claimed_until, msg.next_attempt_at)
    row = (
        await session.execute(
            select(msg.next_attempt_at, msg.claimed_until)
            .where(msg.status == OutboxStatus.PENDING, _no_older_pending(msg))
            .order_by(due_at)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    next_attempt_at, claimed_until = row
    return max(next_attempt_at, claimed_until) if claimed_until is not None else next_attempt_at


async def count_by_status(session: AsyncSession) -> OutboxCounts:
    """How many outbox messages are pending, sent and failed."""
    rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
    counts = {OutboxStatus(status): n for status, n in rows.all()}
    return OutboxCounts(
        pending=counts.get(OutboxStatus.PENDING, 0),
        sent=counts.get(OutboxStatus.SENT, 0),
        failed=counts.get(OutboxStatus.FAILED, 0),
        waiting=counts.get(OutboxStatus.WAITING, 0),
        merged=counts.get(OutboxStatus.MERGED, 0),
    )


async def delete_finished_before(session: AsyncSession, moment: datetime) -> int:
    """Delete sent, failed and merged messages created before `moment`, and their files (the
    foreign key cascades); pending and waiting ones are never touched (a merged one keeps its
    dedup key only as long as what carried it)."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.MERGED]),
            OutboxMessage.created_at < moment,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def highest_id(session: AsyncSession) -> int:
    """The id of the newest outbox message (0 when empty)."""
    return int(await session.scalar(select(func.max(OutboxMessage.id))) or 0)


async def due_now_after(session: AsyncSession, after_id: int, now: datetime) -> int:
    """Make every message newer than `after_id` that is due later than `now` due at `now`.

    For `jobs run --now <a future time>`: the job runs as if it were then, but what it queues is
    meant to be sent now, not when the simulated time comes around.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id > after_id, OutboxMessage.next_attempt_at > now)
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
