"""Updates no handler can do anything with are stopped at the door, quietly.

* `PeopleOnlyMiddleware` (on every update, before the session is opened): an update that no
  person sent has nobody to identify and nobody to answer: a message without a sender (a forged
  one; a channel's post), one from a bot, or an update that carries no user at all. It is
  dropped, logged at DEBUG. (Group chats are `bot.privacy`'s.)
* `ButtonNumbersMiddleware` (on callback queries, after identity): a button of ours
  (`CallbackData`, found by its prefix) whose numbers no id column can hold (ids are 32-bit
  integers on PostgreSQL; forged data says 2^63 or more) names nothing: it is answered like any
  stale button (`error-unsupported-input`, as `handlers.fallback` answers one) and no handler
  sees it, so no query is ever made with such a number.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, TelegramObject, Update, User

from services.i18n import BoundTranslator

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# The range of an INTEGER column (PostgreSQL's 4 bytes; SQLite's are wider).
ID_MIN, ID_MAX = -(2**31), 2**31 - 1


class PeopleOnlyMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if isinstance(event, Update) and (user is None or user.is_bot):
            log.debug("update %s: no person sent it; ignored", event.update_id)
            return None
        return await handler(event, data)


def callback_data_classes(root: type[CallbackData] = CallbackData) -> dict[str, type[CallbackData]]:
    """Every CallbackData class defined so far (the handlers' are, once imported), by prefix."""
    found: dict[str, type[CallbackData]] = {}
    pending = [root]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            found[subclass.__prefix__] = subclass
    return found


def _numbers(value: Any) -> Iterable[int]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)


class ButtonNumbersMiddleware(BaseMiddleware):
    def __init__(self, classes: dict[str, type[CallbackData]]) -> None:
        self._classes = classes

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, CallbackQuery) and event.data and not self._fits(event.data):
            log.info(
                "callback query %s: a number out of range in %r; answered as stale", event.id, event.data
            )
            t: BoundTranslator = data["t"]
            await event.answer(t("error-unsupported-input"))
            return None
        return await handler(event, data)

    def _fits(self, raw: str) -> bool:
        """False only for data of a known class whose numbers are beyond any id; anything else
        (unknown data, data that does not parse) is left to the handlers' filters."""
        cls = self._classes.get(raw.split(":", 1)[0])
        if cls is None:
            return True
        try:
            parsed = cls.unpack(raw)
        except (TypeError, ValueError):
            return True
        return all(ID_MIN <= number <= ID_MAX for number in _numbers(parsed.model_dump()))
