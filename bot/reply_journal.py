"""A reply is sent once, even when the process dies while its update is being handled.

The inbox (`bot.inbox`) hands an update to the handlers and marks it handled afterwards; an
update found unmarked at the next start is handled again, so nothing received is lost. Without
this module, a person whose update was being handled at a crash gets the same answer twice: the
reply reached the messenger, the mark did not reach the database.

`ReplyJournalMiddleware`, an aiogram request middleware on every Bot (`bot.platforms.make_bot`),
writes down each message-creating call made while an inbox update is handled, the moment the
server accepts it: which update, its place among that update's replies, the method, the chat and
the server's answer (`models.plumbing.InboxReply`). The record is queued with the updates'
"handled" marks (`bot.durable_writes`: many records and marks to one transaction, which goes
ahead of other SQLite writers); the handler goes on at once, and its update's mark is committed
after the record, or with it: then the record is not written, since a marked update is never
handled again. When the update is handled again after a restart, the handler makes the same
calls in the same order; a call whose place was recorded, for the same method and chat, is not
sent: the handler gets the recorded answer (the Message with its id, so later edits still find
it) and goes on. A call that differs, or has no record, is sent as usual.

What stays open: a reply the server accepted in the last milliseconds before the crash, before
its record was committed, is sent again (the Bot API has no idempotency key; the window is the
server's answer on its way back plus one small commit, not the whole handling). Only calls that
put something new in a chat are journaled (`send*`, `copy*`, `forward*`); edits, deletions and
callback answers do the same thing twice harmlessly. The records are removed a week later with the update's mark
(`services.jobs.prune_processed_updates`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from pydantic import ValidationError

from bot.durable_writes import DurableWrites
from bot.update_scope import update_replies

log = logging.getLogger(__name__)


def journaled(method: TelegramMethod[Any]) -> bool:
    """Calls that add a message to a chat: sending them twice shows twice."""
    name = method.__api_method__
    return (name.startswith("send") and name != "sendChatAction") or name.startswith(("copy", "forward"))


def _chat(method: TelegramMethod[Any]) -> str | None:
    chat_id = getattr(method, "chat_id", None)
    return None if chat_id is None else str(chat_id)


class ReplyJournalMiddleware(BaseRequestMiddleware):
    """Record direct replies as they are accepted; hand back recorded ones (see the module)."""

    def __init__(self, writes: DurableWrites, clock: Callable[[], datetime]) -> None:
        self._writes = writes
        self._clock = clock

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        # aiogram's annotation says Response, but what passes through request middlewares is the
        # result itself (the sent Message, ...): `BaseSession.__call__` returns it as it is.
        replies = update_replies()
        if replies is None or not journaled(method):
            return await make_request(bot, method)
        place = replies.next_place()
        earlier = replies.earlier.get(place)
        if (
            earlier is not None
            and earlier.method == method.__api_method__
            and earlier.chat_id == _chat(method)
        ):
            try:
                answer = Response[method.__returning__]  # type: ignore[name-defined]
                recorded = answer.model_validate(
                    {"ok": True, "result": earlier.result}, context={"bot": bot}
                ).result
            except ValidationError:
                log.warning(
                    "reply %s to update %s: its record is unreadable; sending it", place, replies.update_id
                )
            else:
                log.info(
                    "%s to chat %s for update %s was sent before the restart; not sending it again",
                    method.__api_method__,
                    earlier.chat_id,
                    replies.update_id,
                )
                return cast(Response[TelegramType], recorded)
        result = await make_request(bot, method)
        self._writes.record_reply(
            {
                "bot_id": replies.bot_id,
                "update_id": replies.update_id,
                "seq": place,
                "method": method.__api_method__,
                "chat_id": _chat(method),
                "result": result,
                "sent_at": self._clock(),
            }
        )
        return result
