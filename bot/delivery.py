"""The delivery worker: sends outbox messages at a pace Telegram and Bale accept.

Pace: at most `settings.outbox_global_rate` messages a second overall (each send waits for its
slot) and one message per chat every `settings.outbox_per_chat_interval` seconds, counted from
the end of the previous request to that chat, so a slow response can't squeeze two into one
second. A chat still waiting on its interval is skipped, not waited for; other chats go on.

A message with a file (`models.plumbing.OutboxFile`) is uploaded with sendPhoto or sendDocument,
its text the caption; its bytes are read from the database just before each try (never held by
a claimed batch), and every rule here applies to it as to a text.

Failures: flood control (429) waits `retry_after` for that chat, and for every chat when it looks
global, without using up an attempt (up to a generous cap); network errors and 5xx are retried with
exponential backoff and jitter until `settings.outbox_max_attempts`; an unknown chat or any other
400, and a platform with no bot configured are permanent and recorded with the reason. A user who
blocked the bot (403) is not the end of the person: the account is marked blocked and the message
goes to the person's other messenger, or waits for them (`models.outbox_repo.park_for_person`).

Each outcome is committed on its own right after the request, so a killed process re-sends at
most the messages that were in flight. Several workers may share one outbox: rows are leased
(see `models.outbox_repo`). Alone, a worker paces itself (`_Pacer`, both bots together); with a
`limiter` (`bot.cluster.SharedLimiter`, when REDIS_URL is set) every worker of every instance asks
Redis for each send's slot, so the sum stays under the global rate per bot token, one message a
chat interval per chat, and 20 a minute per group.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cluster import Granted, SharedLimiter
from bot.leases import LeaseKeeper, default_worker_id  # default_worker_id: re-exported, its old home
from bot.settings import Settings
from models import outbox_repo
from models.identity import Platform
from models.outbox_repo import ClaimedMessage
from models.plumbing import OutboxFileKind, OutboxStatus

log = logging.getLogger(__name__)

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply
ChatKey = tuple[Platform, int]

# Flood-control waits a single message may take before they start counting as failed attempts.
FLOOD_WAITS_FREE = 20
# This many 429s in a row, from different chats, with no success between them: the limit is the
# bot's, not a chat's, so every chat waits.
GLOBAL_FLOOD_STREAK = 3


def reply_markup_from_json(data: Mapping[str, Any] | None) -> ReplyMarkup | None:
    """Turn the Bot API JSON form of a keyboard (as stored in the outbox) into an aiogram object.

    Raises ValueError (or pydantic's ValidationError, a subclass) if it is none of the four kinds.
    """
    if not data:
        return None
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.model_validate(data)
    if "keyboard" in data:
        return ReplyKeyboardMarkup.model_validate(data)
    if "remove_keyboard" in data:
        return ReplyKeyboardRemove.model_validate(data)
    if "force_reply" in data:
        return ForceReply.model_validate(data)
    raise ValueError(f"unknown reply_markup with keys {sorted(data)}")


@dataclass
class DeliveryStats:
    """What a worker did since it started."""

    sent: int = 0
    rate_limited: int = 0  # 429 answers, each rescheduled after retry_after
    retried: int = 0  # transient failures rescheduled with backoff
    failed: int = 0  # given up for good
    parked: int = 0  # the chat blocked the bot: re-addressed to the person's other account or waiting
    released: int = 0  # leases handed back unattempted
    lost_leases: int = 0  # outcomes not recorded because another worker had taken the row
    global_pauses: int = 0  # times every chat waited because flood control looked bot-wide


@dataclass(frozen=True, slots=True)
class _Sent:
    message_id: int


@dataclass(frozen=True, slots=True)
class _FloodWait:
    retry_after: float
    error: str


@dataclass(frozen=True, slots=True)
class _Transient:
    error: str


@dataclass(frozen=True, slots=True)
class _Permanent:
    error: str


@dataclass(frozen=True, slots=True)
class _Blocked:
    """The user blocked the bot (or is gone): the message waits for its person instead."""

    error: str


_Outcome = _Sent | _FloodWait | _Transient | _Permanent | _Blocked


def _describe(exc: BaseException) -> str:
    detail = exc.message if isinstance(exc, TelegramAPIError) else str(exc)
    return f"{type(exc).__name__}: {detail or repr(exc)}"


class _Pacer:
    """Hands out send slots 1/rate seconds apart on a fixed schedule, and can be paused.

    Slots follow the schedule rather than the moment the previous caller woke up, or the event
    loop's timer lateness (about a millisecond a sleep) would eat a few percent of the rate. A
    caller late by more than a quarter slot doesn't earn a catch-up burst: the schedule restarts
    from now. So any window of one second holds at most rate + 1 slots.
    """

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("outbox_global_rate must be positive")
        self._interval = 1.0 / rate
        self._slack = self._interval / 4
        self._next_slot = 0.0
        self._paused_until = 0.0

    def pause_until(self, when: float) -> None:
        self._paused_until = max(self._paused_until, when)

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            slot = max(self._next_slot, self._paused_until, now - self._slack)
            if slot <= now:
                self._next_slot = slot + self._interval
                return
            await asyncio.sleep(slot - now)


class DeliveryWorker(LeaseKeeper[ClaimedMessage, DeliveryStats]):
    """Claims due outbox messages and sends them; see the module docstring for the rules."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        bots: Mapping[Platform, Bot],
        settings: Settings,
        clock: Callable[[], datetime],
        worker_id: str | None = None,
        *,
        lease_seconds: float = 60.0,
        poll_interval: float = 0.5,
        max_in_flight: int = 16,
        retry_base_delay: float = 1.0,
        retry_max_delay: float = 300.0,
        request_timeout: float | None = None,
        rng: random.Random | None = None,
        limiter: SharedLimiter | None = None,
    ) -> None:
        super().__init__(
            repo=outbox_repo,
            session_factory=session_factory,
            clock=clock,
            worker_id=worker_id,
            stats=DeliveryStats(),
            log=log,
            worker_name="delivery worker",
            row_name="outbox message",
            free_waits=FLOOD_WAITS_FREE,
            max_attempts=settings.outbox_max_attempts,
            retry_base_delay=retry_base_delay,
            retry_max_delay=retry_max_delay,
            rng=rng,
        )
        self._bots = dict(bots)
        self._chat_interval = settings.outbox_per_chat_interval
        self._lease_seconds = lease_seconds
        # A request must end before its lease does, or another worker could send it again.
        self._request_timeout = request_timeout or min(20.0, lease_seconds / 4)
        if self._request_timeout >= lease_seconds:
            raise ValueError("request_timeout must be shorter than the lease")
        # Hold no more than can be sent in half a lease, so claimed rows don't sit until it expires.
        self._batch_target = max(
            1, min(settings.outbox_batch_size, int(settings.outbox_global_rate * lease_seconds / 2))
        )
        self._poll_interval = poll_interval
        self._max_in_flight = max(1, max_in_flight)
        self._pacer = _Pacer(settings.outbox_global_rate)
        self._limiter = limiter
        self._tickets: dict[int, str] = {}  # the limiter's, by outbox id, while in flight

        self._buffer: list[ClaimedMessage] = []
        self._in_flight: dict[ChatKey, asyncio.Task[None]] = {}
        self._chat_ready_at: dict[ChatKey, float] = {}
        self._flood_streak: deque[ChatKey] = deque(maxlen=GLOBAL_FLOOD_STREAK)
        self._next_claim_at = 0.0
        self._wakeup = asyncio.Event()
        self._chores: set[asyncio.Task[Any]] = set()

    async def run(self, stop_event: asyncio.Event) -> None:
        """Deliver until `stop_event` is set (or the task is cancelled).

        On the way out, requests in flight are let finish and recorded, and unattempted leases are
        handed back, so a clean stop or a cancellation duplicates nothing.
        """
        await self._run(stop_event, drain_horizon=None)

    async def _run(self, stop_event: asyncio.Event, drain_horizon: float | None) -> None:
        log.info("delivery worker %s started", self.worker_id)
        loop = asyncio.get_running_loop()
        try:
            while not stop_event.is_set():
                # Cleared before looking, so a send finishing from here on wakes the idle wait.
                self._wakeup.clear()
                await self._refill()
                item = self._next_ready()
                if item is None:
                    if drain_horizon is not None and await self._drained(drain_horizon):
                        return
                    await self._sleep(stop_event, self._idle_timeout(loop.time()))
                    continue
                try:
                    go = await self._pace(item, stop_event)
                except BaseException:
                    self._buffer.insert(0, item)  # so that shutdown hands its lease back
                    raise
                if not go:
                    self._buffer.insert(0, item)
                    continue
                if stop_event.is_set():
                    self._buffer.insert(0, item)
                    break
                self._start(item)
        finally:
            await self._shutdown()
            log.info("delivery worker %s stopped: %s", self.worker_id, self.stats)

    # -- claiming ------------------------------------------------------------------------------

    async def _refill(self) -> None:
        loop = asyncio.get_running_loop()
        if len(self._buffer) > self._batch_target // 2 or loop.time() < self._next_claim_at:
            return
        wanted = self._batch_target - len(self._buffer)
        try:
            async with self._session_factory() as session, session.begin():
                claimed = await outbox_repo.claim_due(
                    session,
                    self.worker_id,
                    self._clock(),
                    self._lease_seconds,
                    wanted,
                    chat_interval=self._chat_interval,
                )
        except Exception:
            log.exception("delivery worker %s could not claim messages", self.worker_id)
            self._next_claim_at = loop.time() + self._poll_interval
            return
        if claimed:
            log.debug("delivery worker %s claimed %s messages", self.worker_id, len(claimed))
        self._buffer.extend(claimed)
        # A short batch means nothing more is due right now: don't ask again at once.
        self._next_claim_at = loop.time() + (self._poll_interval if len(claimed) < wanted else 0.0)

    async def _drained(self, horizon: float) -> bool:
        if self._buffer or self._in_flight:
            return False
        return await self._nothing_due_within(horizon)

    # -- choosing and pacing -------------------------------------------------------------------

    def _next_ready(self) -> ClaimedMessage | None:
        if len(self._in_flight) >= self._max_in_flight:
            return None
        now = asyncio.get_running_loop().time()
        deadline = self._clock() + timedelta(seconds=self._request_timeout)
        expiring: list[ClaimedMessage] = []
        chosen: ClaimedMessage | None = None
        for item in self._buffer:
            if item.claimed_until <= deadline:
                expiring.append(item)
                continue
            key = (item.platform, item.chat_id)
            if key in self._in_flight or self._chat_ready_at.get(key, 0.0) > now:
                continue  # this chat waits; others go on
            chosen = item
            break
        if expiring:
            for item in expiring:
                self._buffer.remove(item)
            self._spawn(self._release([m.id for m in expiring]))
        if chosen is not None:
            self._buffer.remove(chosen)
        return chosen

    def _idle_timeout(self, now: float) -> float:
        waits = [self._poll_interval, max(0.0, self._next_claim_at - now)]
        waiting_chats = [
            self._chat_ready_at.get((m.platform, m.chat_id), 0.0) - now
            for m in self._buffer
            if (m.platform, m.chat_id) not in self._in_flight
        ]
        waits.extend(w for w in waiting_chats if w > 0)
        return max(0.01, min(waits))

    async def _sleep(self, stop_event: asyncio.Event, seconds: float) -> None:
        # Woken early by a stop request or by a send finishing (which may free a chat or a slot).
        waiters = [asyncio.ensure_future(stop_event.wait()), asyncio.ensure_future(self._wakeup.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _pace(self, item: ClaimedMessage, stop_event: asyncio.Event) -> bool:
        """Wait for the send's slot: True to send it now; False to choose again (its chat must
        wait, which is noted, or stopping)."""
        bot = self._bots.get(item.platform)
        if self._limiter is None or bot is None:
            await self._pacer.acquire()
            return True
        loop = asyncio.get_running_loop()
        while not stop_event.is_set():
            wait = await self._limiter.acquire(bot.id, item.chat_id)
            if isinstance(wait, Granted):
                self._tickets[item.id] = wait.ticket
                return True
            if wait.chat:
                # Another instance wrote to this chat just now: it waits, other chats go on.
                key = (item.platform, item.chat_id)
                self._chat_ready_at[key] = max(self._chat_ready_at.get(key, 0.0), loop.time() + wait.seconds)
                return False
            await self._sleep(stop_event, wait.seconds)
        return False

    # -- sending -------------------------------------------------------------------------------

    def _start(self, item: ClaimedMessage) -> None:
        key = (item.platform, item.chat_id)
        task = asyncio.get_running_loop().create_task(self._deliver(item), name=f"outbox-{item.id}")
        self._in_flight[key] = task

    def _spawn(self, coro: Any) -> None:
        # Small bookkeeping writes; kept referenced until done.
        task = asyncio.get_running_loop().create_task(coro)
        self._chores.add(task)
        task.add_done_callback(self._chores.discard)

    async def _deliver(self, item: ClaimedMessage) -> None:
        key = (item.platform, item.chat_id)
        loop = asyncio.get_running_loop()
        try:
            outcome = await self._attempt(item)
            if isinstance(outcome, _FloodWait):
                self._chat_ready_at[key] = loop.time() + outcome.retry_after
                self._note_flood(key, outcome.retry_after)
            else:
                self._flood_streak.clear()
            await self._record(item, outcome)
        except Exception:
            # Only a database failure gets here (reading the file, or recording the outcome); the
            # lease will expire and the row be retried.
            log.exception(
                "delivery worker %s could not read or record outbox message %s", self.worker_id, item.id
            )
        finally:
            ready_at = loop.time() + self._chat_interval
            self._chat_ready_at[key] = max(self._chat_ready_at.get(key, 0.0), ready_at)
            self._in_flight.pop(key, None)
            self._wakeup.set()
            bot = self._bots.get(item.platform)
            ticket = self._tickets.pop(item.id, None)
            if self._limiter is not None and bot is not None and ticket is not None:
                # The chat's interval from the end of the request, for every instance.
                await self._limiter.done(bot.id, item.chat_id, ticket)

    async def _attempt(self, item: ClaimedMessage) -> _Outcome:
        bot = self._bots.get(item.platform)
        if bot is None:
            return _Permanent(f"no bot configured for platform {item.platform.value}")
        try:
            markup = reply_markup_from_json(item.reply_markup)
        except ValueError as exc:
            return _Permanent(f"invalid reply_markup: {exc}")
        upload: BufferedInputFile | None = None
        if item.file is not None:
            body = await self._file_body(item.id)
            if body is None:
                return _Permanent("the message's file is gone")
            upload = BufferedInputFile(body, filename=item.file.filename)
        chat_id = item.chat_id
        for _ in range(2):  # a second go only after a group moved to a supergroup
            try:
                message = await self._send(bot, item, chat_id, markup, upload)
            except TelegramMigrateToChat as exc:
                log.info("chat %s moved to %s; resending there", chat_id, exc.migrate_to_chat_id)
                chat_id = exc.migrate_to_chat_id
                continue
            except TelegramRetryAfter as exc:
                return _FloodWait(float(exc.retry_after), _describe(exc))
            except TelegramForbiddenError as exc:
                # Blocked by the user or deactivated: not this message's fault, and not the end
                # of the person: it goes to their other messenger, or waits for them to return.
                return _Blocked(_describe(exc))
            except (TelegramBadRequest, TelegramEntityTooLarge) as exc:
                # Blocked by the user, deactivated, chat not found, text too long…: trying again
                # won't help.
                return _Permanent(_describe(exc))
            except (
                TelegramServerError,
                TelegramNetworkError,
                TelegramUnauthorizedError,  # a token problem, not the message's; an operator may fix it
                TelegramNotFound,  # wrong API base or method, same
                TelegramConflictError,
                ClientDecodeError,
                aiohttp.ClientError,
                TimeoutError,
            ) as exc:
                return _Transient(_describe(exc))
            except TelegramAPIError as exc:
                # Another status (405, a 3xx, …), e.g. from a server that isn't the Bot API's: not
                # the message's fault, so transient, and logged by _record in one line.
                return _Transient(_describe(exc))
            except Exception as exc:
                # Unforeseen (another API error, a client bug): count it as an attempt so a message
                # that always trips it ends up failed instead of looping.
                log.exception("unexpected error sending outbox message %s", item.id)
                return _Transient(_describe(exc))
            return _Sent(message.message_id)
        return _Permanent("chat migrated more than once")

    async def _file_body(self, outbox_id: int) -> bytes | None:
        # Read just before the upload, not at the claim, so claimed batches hold no files. A
        # database failure here goes up to _deliver: the lease expires and the row is taken again.
        async with self._session_factory() as session:
            return await outbox_repo.file_body(session, outbox_id)

    async def _send(
        self,
        bot: Bot,
        item: ClaimedMessage,
        chat_id: int,
        markup: ReplyMarkup | None,
        upload: BufferedInputFile | None,
    ) -> Message:
        """One request: the text with sendMessage, or the file with sendPhoto or sendDocument and
        the text as its caption (none when empty). Never HTML/Markdown: Bale renders them
        unreliably, and stored text is plain."""
        timeout: Any = self._request_timeout
        if upload is None or item.file is None:
            return await bot.send_message(
                chat_id=chat_id, text=item.text, reply_markup=markup, parse_mode=None, request_timeout=timeout
            )
        caption = item.text or None
        if item.file.kind is OutboxFileKind.PHOTO:
            return await bot.send_photo(
                chat_id=chat_id,
                photo=upload,
                caption=caption,
                reply_markup=markup,
                parse_mode=None,
                request_timeout=timeout,
            )
        return await bot.send_document(
            chat_id=chat_id,
            document=upload,
            caption=caption,
            reply_markup=markup,
            parse_mode=None,
            request_timeout=timeout,
        )

    def _note_flood(self, key: ChatKey, retry_after: float) -> None:
        self._flood_streak.append(key)
        if (
            len(self._flood_streak) == GLOBAL_FLOOD_STREAK
            and len(set(self._flood_streak)) == GLOBAL_FLOOD_STREAK
        ):
            log.warning("flood control on several chats in a row; pausing all sends for %ss", retry_after)
            self._pacer.pause_until(asyncio.get_running_loop().time() + retry_after)
            bot = self._bots.get(key[0])
            if self._limiter is not None and bot is not None:
                self._spawn(self._limiter.pause(bot.id, retry_after))
            self.stats.global_pauses += 1
            self._flood_streak.clear()

    async def _record(self, item: ClaimedMessage, outcome: _Outcome) -> None:
        now = self._clock()
        async with self._session_factory() as session, session.begin():
            if isinstance(outcome, _Sent):
                done = await outbox_repo.mark_sent(
                    session, item.id, worker_id=self.worker_id, sent_message_id=outcome.message_id, now=now
                )
                self.stats.sent += 1
                self._waits.pop(item.id, None)
                log.debug("outbox message %s sent to %s", item.id, item.chat_id)
            elif isinstance(outcome, _FloodWait):
                done = await self._wait_uncounted(
                    session, item, outcome.error, now, outcome.retry_after, "flood control "
                )
                log.info(
                    "outbox message %s to %s: flood control, retry in %ss",
                    item.id,
                    item.chat_id,
                    outcome.retry_after,
                )
            elif isinstance(outcome, _Transient):
                done = await self._retry_or_give_up(
                    session,
                    item,
                    outcome.error,
                    now,
                    lambda attempt, delay: log.info(
                        "outbox message %s to %s failed (%s); retry %s in %.1fs",
                        item.id,
                        item.chat_id,
                        outcome.error,
                        attempt,
                        delay,
                    ),
                )
            elif isinstance(outcome, _Blocked):
                done = await self._park(session, item, outcome.error, now)
            else:
                done = await self._fail(session, item, outcome.error)
        self._count_if_lost(done, item)

    async def _park(self, session: AsyncSession, item: ClaimedMessage, error: str, now: datetime) -> bool:
        self._waits.pop(item.id, None)
        status = await outbox_repo.park_for_person(
            session, item.id, worker_id=self.worker_id, error=error, now=now
        )
        if status is OutboxStatus.FAILED:
            self.stats.failed += 1
            log.warning("outbox message %s to a blocked chat failed: %s", item.id, error)
        elif status is not None:
            self.stats.parked += 1
            log.info(
                "outbox message %s: %s %s blocked the bot (%s); now %s for its person",
                item.id,
                item.platform.value,
                item.chat_id,
                error,
                "re-addressed" if status is OutboxStatus.PENDING else "waiting",
            )
        return status is not None

    def _log_failure(self, item: ClaimedMessage, error: str) -> None:
        log.warning(
            "outbox message %s to %s %s failed: %s", item.id, item.platform.value, item.chat_id, error
        )

    # -- stopping ------------------------------------------------------------------------------

    async def _shutdown(self) -> None:
        in_flight = list(self._in_flight.values())
        if in_flight:
            # Let requests already sent finish and be recorded: that is what makes a stop clean.
            _done, pending = await asyncio.wait(in_flight, timeout=self._request_timeout + 5)
            for task in pending:
                task.cancel()
        if self._chores:
            await asyncio.wait(list(self._chores), timeout=5)
        unattempted, self._buffer = self._buffer, []
        await self._release([m.id for m in unattempted])


async def deliver_pending_once(
    session_factory: async_sessionmaker[AsyncSession],
    bots: Mapping[Platform, Bot],
    settings: Settings,
    clock: Callable[[], datetime],
    worker_id: str | None = None,
    *,
    max_wait: float = 30.0,
    **worker_options: Any,
) -> DeliveryStats:
    """Deliver until no pending message will be due within `max_wait` seconds; return the stats.

    Retries scheduled sooner than `max_wait`, and leases of other workers expiring by then, are
    waited for. For tests and a one-shot CLI flush; the bot itself runs `DeliveryWorker.run`.
    """
    worker = DeliveryWorker(session_factory, bots, settings, clock, worker_id, **worker_options)
    await worker._run(asyncio.Event(), drain_horizon=max_wait)
    return worker.stats


__all__ = [
    "DeliveryStats",
    "DeliveryWorker",
    "default_worker_id",
    "deliver_pending_once",
    "reply_markup_from_json",
]
