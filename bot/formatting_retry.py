"""A send refused for its formatting is sent again with the formatting characters neutralised.

Bale reads every message text and caption as Markdown, with no way to turn it off (see
`bot.platforms.CAPABILITIES`), so a resident's own words with a stray `*`, `_`, backtick or `[`
can make Bale refuse the whole message with 400 "can't parse entities". The bot never uses a parse
mode, so on Telegram this never happens; on Bale it must never cost a reply or a notification.

`FormattingRetryMiddleware` is an aiogram request middleware installed on every Bot by
`bot.platforms.make_bot`, so it covers, at one depth, direct replies from handlers and the outbox's
delivery worker (`bot.delivery`), which sends through the same Bot. On such a refusal it sends the
same request once more with `text`/`caption` neutralised: each formatting character is replaced by
a look-alike no Markdown parser reads —

    *  ->  ∗ (U+2217 ASTERISK OPERATOR)        _  ->  ＿ (U+FF3F FULLWIDTH LOW LINE)
    `  ->  ˋ (U+02CB MODIFIER LETTER GRAVE)    [ ]  ->  ［ ］ (U+FF3B, U+FF3D FULLWIDTH BRACKETS)

— the same substitutions public bots on Bale make before every send. Look-alikes rather than
backslash escapes: Bale documents no escape character, and a backslash it did not read would show.
Links, /commands and @usernames are left as they are (a look-alike would break them, and an
underscore inside a word opens nothing); if even that is refused, a last attempt neutralises every
character. Nothing else about the request changes. Lives in its own module, not in
`bot.platforms`, because it is one self-contained policy with its own tests, and it keeps this
change apart from the response-parsing code there.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

LOOK_ALIKES = str.maketrans({"*": "∗", "_": "＿", "`": "ˋ", "[": "［", "]": "］"})
FORMATTING_CHARACTERS = frozenset("*_`[]")
# Words a look-alike would break and that open no Markdown entity anyway.
_KEEP = re.compile(r"(?:https?://|www\.)\S+|\b(?:ble\.ir|t\.me)/\S+|(?<![\w/.])/[A-Za-z0-9_]+|@[A-Za-z0-9_]+")
# The fields a server parses as formatted text.
TEXT_FIELDS = ("text", "caption")
_REFUSALS = ("can't parse entities", "can't parse message text", "can't find end of")


def neutralise(text: str, *, keep_words: bool = True) -> str:
    """`text` with every Markdown formatting character replaced by a look-alike; links,
    /commands and @usernames are kept as they are unless `keep_words` is False."""
    if not keep_words:
        return text.translate(LOOK_ALIKES)
    parts: list[str] = []
    position = 0
    for match in _KEEP.finditer(text):
        parts.append(text[position : match.start()].translate(LOOK_ALIKES))
        parts.append(match.group(0))
        position = match.end()
    parts.append(text[position:].translate(LOOK_ALIKES))
    return "".join(parts)


def is_formatting_refusal(error: TelegramBadRequest) -> bool:
    """Whether the server refused the request because it could not parse its formatting."""
    message = str(error.message).lower()
    return any(refusal in message for refusal in _REFUSALS)


def neutralised(method: TelegramMethod[Any], *, keep_words: bool = True) -> TelegramMethod[Any] | None:
    """A copy of `method` with its text and caption neutralised, or None when that changes
    nothing (so sending it again could not help)."""
    update: dict[str, str] = {}
    for field in TEXT_FIELDS:
        value = getattr(method, field, None)
        if isinstance(value, str) and FORMATTING_CHARACTERS.intersection(value):
            calm = neutralise(value, keep_words=keep_words)
            if calm != value:
                update[field] = calm
    return method.model_copy(update=update) if update else None


class FormattingRetryMiddleware(BaseRequestMiddleware):
    """Resend a request refused for its formatting with its text neutralised (see the module)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if not is_formatting_refusal(error):
                raise
            calm = neutralised(method)
            if calm is None:
                raise
            log.warning(
                "%s refused for its formatting (%s); sending it again with the formatting neutralised",
                method.__api_method__,
                error.message,
            )
        try:
            return await make_request(bot, calm)
        except TelegramBadRequest as error:
            if not is_formatting_refusal(error):
                raise
            calmest = neutralised(method, keep_words=False)
            if calmest is None or calmest == calm:
                raise
            log.warning("%s still refused (%s); neutralising links too", method.__api_method__, error.message)
        return await make_request(bot, calmest)
