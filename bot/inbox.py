"""Receiving updates so that none is lost: stored first, acknowledged after, handled in lanes.

Polling (`Inbox.poll`, one loop per bot, instead of aiogram's `start_polling`): each batch
getUpdates returns is written to `inbox_update` in one transaction, and only then does the offset
move past it (the next getUpdates confirms it to the server). Webhooks (`webhook_handler`): the
update is stored before the request is answered 200; a body that is not a JSON update gets 400.
An update already in the inbox (the server delivered it twice) is not handled again.

Each new update goes to the lane of its chat (`bot.lanes.ChatLanes`): in order per chat, in
parallel across chats up to UPDATE_CONCURRENCY. `Inbox.handle` gives the update one database
session (the handlers' and the FSM storage's, `bot.update_scope`), feeds it to the dispatcher
and then marks it handled (`bot.durable_writes`: many marks, and the replies' records, to one
transaction). What was stored and not handled when the process died, or was stopped, is handled
at the next start (`Inbox.recover`) before new updates; an update found unfinished by
`MAX_RECOVERIES` starts is given up, since it may be what kills the process.

An update handled again after a crash does not send its replies twice: each reply is recorded
as the server accepts it, and the second handling gets the recorded answer instead
(`bot.reply_journal`). What this cannot promise: a reply the server accepted in the last moment
before a power cut or SIGKILL, before its record was written, is sent again (the Bot API has no
way to ask whether a message went out); and what a handler wrote to the database before the crash
(a request it created) is written again by the second handling.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import datetime
from functools import partial
from typing import Any, ClassVar, TypeVar, cast

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.backoff import Backoff, BackoffConfig
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.durable_writes import DurableWrites
from bot.lanes import ChatLanes
from bot.ops import Liveness
from bot.platforms import readable_update, tolerant_json_loads
from bot.update_scope import FROM_INBOX, UpdateReplies, update_scope
from models import inbox_repo
from models.db import session_of

log = logging.getLogger(__name__)

T = TypeVar("T")

# Starts that may find one update unfinished before it is given up: far more than a few restarts
# in a row, but a crash loop caused by the update itself ends.
MAX_RECOVERIES = 10
# Waits between failed getUpdates calls (or failed stores), as aiogram's polling has them.
POLLING_BACKOFF = BackoffConfig(min_delay=1.0, max_delay=5.0, factor=1.3, jitter=0.1)


class GetRawUpdates(GetUpdates):
    """getUpdates answered with each update as its JSON object, to be stored as it came (the
    bot's session still completes missing fields, `bot.platforms.TolerantSession`). An update
    aiogram cannot read is stored too, and handled as an update with nothing in it
    (`Inbox._parse`): each is read once, here, not also by the session."""

    __returning__ = list[dict[str, Any]]  # type: ignore[assignment]
    READS_EACH_UPDATE: ClassVar[bool] = True


class _Stopped(Exception):
    pass


def lane_key(bot: Bot, update: Update) -> Hashable:
    """Updates of one chat (or, without a chat, one user) share a lane; others get their own."""
    context = UserContextMiddleware.resolve_event_context(update)
    chat_id = context.chat_id if context.chat_id is not None else context.user_id
    return (bot.id, chat_id) if chat_id is not None else (bot.id, "update", update.update_id)


def _has_event(update: Update) -> bool:
    try:
        update.event_type  # noqa: B018 (raises for an update with nothing in it)
    except UpdateTypeLookupError:
        return False
    return True


class Inbox:
    """Stores received updates, hands them to the lanes, handles them; see the module."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        session_factory: async_sessionmaker[AsyncSession],
        lanes: ChatLanes,
        clock: Callable[[], datetime],
        writes: DurableWrites | None = None,
    ) -> None:
        self._dispatcher = dispatcher
        self._session_factory = session_factory
        self._lanes = lanes
        self._clock = clock
        # The handled marks, written with the reply journal's records (the same object as the
        # bots' `ReplyJournalMiddleware` has, so a mark follows its update's records).
        self.writes = writes or DurableWrites(session_factory, clock)
        # When each bot last heard from its server, for /healthz (bot.ops).
        self.liveness = Liveness()

    # -- receiving -----------------------------------------------------------------------------

    async def store(self, bot: Bot, payloads: Sequence[Any]) -> list[Update]:
        """Store what arrived in one transaction; the new updates, parsed, oldest first.

        Raises if the database does: then nothing is acknowledged and the server sends it again.
        """
        usable = [p for p in payloads if isinstance(p, dict) and _is_update_id(p.get("update_id"))]
        if len(usable) < len(payloads):
            log.warning("ignoring %s received items without an update id", len(payloads) - len(usable))
        if not usable:
            return []
        async with self._session_factory() as session, session.begin():
            new = await inbox_repo.store_received(session, bot.id, usable, self._clock())
        if len(new) < len(usable):
            log.info("skipping %s updates for bot %s: received before", len(usable) - len(new), bot.id)
        updates = [self._parse(bot, p) for p in usable if p["update_id"] in new]
        return sorted(updates, key=lambda u: u.update_id)

    @staticmethod
    def _parse(bot: Bot, payload: dict[str, Any]) -> Update:
        try:
            return Update.model_validate(payload, context={"bot": bot})
        except ValidationError as error:
            # Stored as it came, but nothing can be done with it: handled as an empty update.
            log.warning("update %s for bot %s is unreadable: %s", payload["update_id"], bot.id, error)
            return Update.model_validate({"update_id": payload["update_id"]}, context={"bot": bot})

    async def dispatch(self, bot: Bot, update: Update, *, again: bool = False) -> bool:
        """Queue a stored update in its chat's lane (waits while the lanes are full). False when
        shutting down: it stays in the inbox for the next start. `again`: it was being handled
        when the process stopped (`recover`)."""
        return await self._lanes.put(lane_key(bot, update), partial(self.handle, bot, update, again=again))

    # -- handling ------------------------------------------------------------------------------

    async def handle(self, bot: Bot, update: Update, *, again: bool = False) -> None:
        """Handle one stored update with its own session, then mark it handled.

        A handler's error has been answered by the error boundary by then, so the update is done
        either way; only a failure to write the mark leaves it for the next start. Handled
        `again` after a restart, the replies it sent the first time are not sent twice
        (`bot.reply_journal`).
        """
        replies = UpdateReplies(bot.id, update.update_id)
        if again:
            async with self._session_factory() as session:
                replies.earlier = await inbox_repo.recorded_replies(session, bot.id, update.update_id)
        async with session_of(self._session_factory) as session:
            if _has_event(update):
                with update_scope(session, replies):
                    try:
                        await self._dispatcher.feed_update(bot, update, **{FROM_INBOX: True})
                    except Exception:
                        log.exception("update %s for bot %s failed", update.update_id, bot.id)
            else:
                log.info("update %s for bot %s has nothing to handle", update.update_id, bot.id)
            # Queued before the session closes (which rolls back whatever a handler left
            # uncommitted), so the mark follows the reply as closely as it can.
            marked = self.writes.mark_handled(bot.id, update.update_id)
        try:
            await asyncio.shield(marked)
        except Exception:
            log.exception(
                "could not mark update %s for bot %s handled; it is handled again at the next start",
                update.update_id,
                bot.id,
            )

    async def recover(self, bot: Bot) -> int:
        """Queue, oldest first, what was stored for `bot` and never handled; how many."""
        queued = 0
        after: int | None = None
        while True:
            async with self._session_factory() as session, session.begin():
                page = await inbox_repo.unhandled(session, bot.id, after=after)
                await inbox_repo.count_recovery(session, bot.id, [r.update_id for r in page])
                given_up = [r.update_id for r in page if r.recoveries >= MAX_RECOVERIES]
                for update_id in given_up:
                    log.error(
                        "giving up update %s for bot %s: unfinished at %s starts",
                        update_id,
                        bot.id,
                        MAX_RECOVERIES,
                    )
                await inbox_repo.mark_handled(session, bot.id, given_up, self._clock())
            if not page:
                break
            after = page[-1].update_id
            for received in page:
                if received.update_id in given_up:
                    continue
                update = self._parse(bot, {**received.payload, "update_id": received.update_id})
                if not await self.dispatch(bot, update, again=True):
                    return queued
                queued += 1
        if queued:
            log.info("handling %s updates for bot %s received before the restart", queued, bot.id)
        return queued

    # -- polling -------------------------------------------------------------------------------

    async def poll(
        self,
        bot: Bot,
        stop: asyncio.Event,
        *,
        timeout: int,  # noqa: ASYNC109 (the long-polling wait, not a deadline for this call)
        allowed_updates: list[str] | None = None,
    ) -> None:
        """Long-poll `bot` until `stop` is set: store each batch, then acknowledge it, then queue it."""
        try:
            me = await _unless_stopped(stop, bot.me())  # PatientBot: retried until answered
            log.info("Run polling for bot @%s id=%d - %r", me.username, bot.id, me.full_name)
            await _unless_stopped(stop, self.recover(bot))
            request = GetRawUpdates(timeout=timeout, allowed_updates=allowed_updates)
            # Longer than the long poll itself, so an idle poll is not taken for a dead connection.
            request_timeout = int((bot.session.timeout or 60) + timeout)
            backoff = Backoff(config=POLLING_BACKOFF)
            while not stop.is_set():
                try:
                    # JSON objects, not Updates: GetRawUpdates only changes what the answer is read as.
                    payloads = cast(
                        list[Any], await _unless_stopped(stop, bot(request, request_timeout=request_timeout))
                    )
                except _Stopped:
                    raise
                except Exception as error:
                    log.warning(
                        "Failed to fetch updates - %s: %s; retrying in %.1fs (bot id = %d)",
                        type(error).__name__,
                        error,
                        backoff.next_delay,
                        bot.id,
                    )
                    await _sleep_unless_stopped(stop, next(backoff))
                    continue
                backoff.reset()
                self.liveness.touch(bot.id)
                if not payloads:
                    continue
                updates = await self._store_until_stored(bot, payloads, stop, backoff)
                ids = [
                    p["update_id"]
                    for p in payloads
                    if isinstance(p, dict) and _is_update_id(p.get("update_id"))
                ]
                if ids:
                    # Confirmed to the server by the next getUpdates: only now that it is stored.
                    request.offset = max(ids) + 1
                for update in updates:
                    if not await self.dispatch(bot, update):
                        return
        except _Stopped:
            pass
        finally:
            log.info("Polling stopped for bot id=%d", bot.id)

    async def _store_until_stored(
        self, bot: Bot, payloads: Sequence[Any], stop: asyncio.Event, backoff: Backoff
    ) -> list[Update]:
        while True:
            try:
                return await self.store(bot, payloads)
            except Exception:
                log.exception(
                    "could not store %s updates for bot %s; not acknowledging them", len(payloads), bot.id
                )
                await _sleep_unless_stopped(stop, next(backoff))


def _is_update_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


async def _unless_stopped(stop: asyncio.Event, awaitable: Awaitable[T]) -> T:
    """Await `awaitable`, cancelling it if `stop` is set first (then raise _Stopped)."""
    if stop.is_set():
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        raise _Stopped
    work = asyncio.ensure_future(awaitable)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait((work, stopping), return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
        if not work.done():
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
    if work.cancelled():
        raise _Stopped
    return work.result()


async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return
    raise _Stopped


# -- webhooks ----------------------------------------------------------------------------------


def webhook_handler(
    inbox: Inbox, bot: Bot, secret_token: str | None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler for `bot`'s webhook: 401 without the secret header (when one is set),
    400 for a body that is not a JSON update (bad UTF-8, bad JSON, no `update_id`), 500 if it
    cannot be stored (the server sends it again), else 200 once it is stored and queued."""

    async def receive(request: web.Request) -> web.StreamResponse:
        if secret_token is not None:
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not secrets.compare_digest(given.encode(), secret_token.encode()):
                return web.Response(status=401, text="Unauthorized")
        body = await request.read()
        try:
            payload = tolerant_json_loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            log.warning("webhook for bot %s: a body that is not JSON (%s)", bot.id, error)
            return web.Response(status=400, text="Bad Request: not JSON")
        if not isinstance(payload, dict) or not _is_update_id(payload.get("update_id")):
            log.warning("webhook for bot %s: a body that is not an update", bot.id)
            return web.Response(status=400, text="Bad Request: not an update")
        try:
            updates = await inbox.store(bot, [readable_update(payload, bot)])
        except Exception:
            log.exception("webhook for bot %s: could not store update %s", bot.id, payload["update_id"])
            return web.Response(status=500, text="Internal Server Error")
        inbox.liveness.touch(bot.id)
        for update in updates:
            # Waits while the lanes are full, so a busy bot answers its webhook later (backpressure);
            # stored either way, so a shutdown now only delays it to the next start.
            await inbox.dispatch(bot, update)
        return web.json_response({}, dumps=json.dumps)

    return receive
