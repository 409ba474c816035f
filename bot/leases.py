"""What the two sending workers do alike with the rows they lease: the outbox's (`bot.delivery`) and
the SMS fallback's (`bot.sms_delivery`). Each claims due rows under a lease from its repository
(`models.outbox_repo`, `models.sms_repo`, which offer the same functions for it), sends them its
own way, and then records each outcome the same way: a failure worth another go comes back after
an exponential backoff with jitter until the attempts run out; a wait that is not the row's fault
(flood control, a gateway's rate limit) is not counted, up to a number of free waits; a row given
up on is failed with the reason; an outcome recorded by a worker that no longer holds the row
(its lease expired and another took it) is counted as a lost lease; rows not attempted are handed
back. `LeaseKeeper` holds that bookkeeping; the workers keep the sending and pacing.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Generic, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


def default_worker_id() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LeaseRepo(Protocol):
    """The part of a lease repository (`models.outbox_repo`, `models.sms_repo`) the workers share."""

    async def mark_retry(
        self,
        session: AsyncSession,
        row_id: int,
        /,
        *,
        worker_id: str,
        error: str,
        next_attempt_at: datetime,
        count_attempt: bool = True,
    ) -> bool: ...

    async def mark_failed(
        self, session: AsyncSession, row_id: int, /, *, worker_id: str, error: str
    ) -> bool: ...

    async def release(self, session: AsyncSession, row_ids: list[int], /, *, worker_id: str) -> int: ...

    async def next_due_at(self, session: AsyncSession, /) -> datetime | None: ...


class LeasedRow(Protocol):
    """A claimed row (`ClaimedMessage`, `ClaimedSms`) as far as the bookkeeping needs it."""

    @property
    def id(self) -> int: ...

    @property
    def attempts(self) -> int: ...


class LeaseTally(Protocol):
    """The counts every worker's stats keep."""

    retried: int
    rate_limited: int
    failed: int
    released: int
    lost_leases: int


RowT = TypeVar("RowT", bound=LeasedRow)
StatsT = TypeVar("StatsT", bound=LeaseTally)


class LeaseKeeper(Generic[RowT, StatsT]):
    """The bookkeeping of a worker that sends leased rows; see the module docstring.

    `worker_name` and `row_name` ("delivery worker", "outbox message") make its log lines."""

    def __init__(
        self,
        *,
        repo: LeaseRepo,
        session_factory: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        worker_id: str | None,
        stats: StatsT,
        log: logging.Logger,
        worker_name: str,
        row_name: str,
        free_waits: int,
        max_attempts: int,
        retry_base_delay: float,
        retry_max_delay: float,
        rng: random.Random | None,
    ) -> None:
        self._repo = repo
        self._session_factory = session_factory
        self._clock = clock
        self.worker_id = (worker_id or default_worker_id())[:64]
        self.stats = stats
        self._log = log
        self._worker_name = worker_name
        self._row_name = row_name
        self._free_waits = free_waits
        self._max_attempts = max(1, max_attempts)
        self._retry_base_delay = retry_base_delay
        self._retry_max_delay = retry_max_delay
        self._rng = rng or random.Random()
        # Uncounted waits so far, by row id; forgotten once the row is sent or failed.
        self._waits: dict[int, int] = {}

    def _backoff(self, attempt: int) -> float:
        # Exponential with "equal jitter": half fixed, half random, so retries don't stampede.
        delay = min(self._retry_max_delay, self._retry_base_delay * 2 ** (attempt - 1))
        return delay / 2 + self._rng.uniform(0, delay / 2)

    async def _retry_or_give_up(
        self,
        session: AsyncSession,
        item: RowT,
        error: str,
        now: datetime,
        note_retry: Callable[[int, float], None],
    ) -> bool:
        """A failure worth another go: again after a backoff (`note_retry(attempt, delay)` logs it),
        or failed once the attempts run out. False if the lease was lost."""
        attempt = item.attempts + 1
        if attempt >= self._max_attempts:
            return await self._fail(session, item, f"{error} (gave up after {attempt} attempts)")
        delay = self._backoff(attempt)
        self.stats.retried += 1
        done = await self._repo.mark_retry(
            session,
            item.id,
            worker_id=self.worker_id,
            error=error,
            next_attempt_at=now + timedelta(seconds=delay),
        )
        note_retry(attempt, delay)
        return done

    async def _wait_uncounted(
        self, session: AsyncSession, item: RowT, error: str, now: datetime, wait: float, what: str = ""
    ) -> bool:
        """Told to wait `wait` seconds, which is not the row's fault: again then, the attempt not
        counted for the first `free_waits` times; after those, counted, and failed once the attempts
        run out (the reason says `what` waited how often). False if the lease was lost."""
        waits = self._waits[item.id] = self._waits.get(item.id, 0) + 1
        counted = waits > self._free_waits
        self.stats.rate_limited += 1
        if counted and item.attempts + 1 >= self._max_attempts:
            return await self._fail(session, item, f"{error} ({what}{waits} times)")
        return await self._repo.mark_retry(
            session,
            item.id,
            worker_id=self.worker_id,
            error=error,
            next_attempt_at=now + timedelta(seconds=wait),
            count_attempt=counted,
        )

    async def _fail(self, session: AsyncSession, item: RowT, error: str) -> bool:
        self.stats.failed += 1
        self._waits.pop(item.id, None)
        self._log_failure(item, error)
        return await self._repo.mark_failed(session, item.id, worker_id=self.worker_id, error=error)

    def _log_failure(self, item: RowT, error: str) -> None:
        self._log.warning("%s %s failed: %s", self._row_name, item.id, error)

    def _count_if_lost(self, done: bool, item: RowT) -> None:
        """`done` False: the outcome was not recorded, another worker holds the row now."""
        if not done:
            self.stats.lost_leases += 1
            self._log.warning(
                "%s %s lost the lease on %s %s before recording it",
                self._worker_name,
                self.worker_id,
                self._row_name,
                item.id,
            )

    async def _release(self, ids: list[int]) -> None:
        """Hand back leases of rows not attempted, so another worker need not wait for them."""
        if not ids:
            return
        try:
            async with self._session_factory() as session, session.begin():
                released = await self._repo.release(session, ids, worker_id=self.worker_id)
        except Exception:
            self._log.exception(
                "%s %s could not release %s leases", self._worker_name, self.worker_id, len(ids)
            )
            return
        self.stats.released += released

    async def _nothing_due_within(self, horizon: float) -> bool:
        async with self._session_factory() as session:
            due_at = await self._repo.next_due_at(session)
        return due_at is None or due_at > self._clock() + timedelta(seconds=horizon)
