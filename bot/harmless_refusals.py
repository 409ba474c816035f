"""Refusals that mean "already done" are successes.

Two answers of the Bot API are errors only in form:

* an edit that changes nothing — 400 "message is not modified": the message already shows what
  the edit asked for, typically the second of two quick taps on the same button;
* an answer to a callback query that can no longer be answered — 400 "query is too old and
  response timeout expired or query ID is invalid": the messenger has already stopped the button's
  spinner (the update waited too long, or the query was answered already, or it was forged).

Raised, either would abort the handler half-way (after a double tap, the second press would end
in an apology; a slow moment, a confirmation would not be saved). `HarmlessRefusalMiddleware` is a
request middleware installed on every Bot by `bot.platforms.make_bot`, so it covers every handler
at one depth: it turns these two refusals into the method's plain success (`True`), logged at
DEBUG. Every other error passes through unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

EDITS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup, EditMessageMedia)
NOT_MODIFIED = "message is not modified"
QUERY_TOO_OLD = ("query is too old", "query id is invalid")


def is_harmless(method: TelegramMethod[Any], error: TelegramBadRequest) -> bool:
    """Whether `error`, raised by `method`, only says the wanted state is already there."""
    description = error.message.lower()
    if isinstance(method, EDITS):
        return NOT_MODIFIED in description
    if isinstance(method, AnswerCallbackQuery):
        return any(phrase in description for phrase in QUERY_TOO_OLD)
    return False


class HarmlessRefusalMiddleware(BaseRequestMiddleware):
    """Take "already done" refusals as the success they are (see the module)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if not is_harmless(method, error):
                raise
            log.debug("%s: %s; nothing to do", method.__api_method__, error.message)
            # Along the chain travels the method's result (typed by aiogram as a Response).
            return True  # type: ignore[return-value]
