"""Private things stay private: every feature of the bot is personal (a person's requests, roles,
phone, notifications), so it works in private chats only.

In a group, supergroup or channel nothing is handled and nothing is stored — above all the group
never becomes a person's chat, which would send their notifications there. Spoken to there (a
command, a mention, a reply to the bot, a button), the bot says so in one line.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.types import Chat, Message, TelegramObject, Update, User

from services.i18n import Translator, resolve_locale

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def is_private(chat: Chat | None) -> bool:
    """Whether updates from this chat may be handled (no chat at all: nothing to leak into)."""
    return chat is None or chat.type == ChatType.PRIVATE


async def _spoken_to(bot: Bot, username: str, message: Message) -> bool:
    """A command (to this bot or to every bot), a mention of the bot, or a reply to it."""
    text = (message.text or message.caption or "").strip()
    if text.startswith("/"):
        _, _, addressee = text.split(maxsplit=1)[0].partition("@")
        return not addressee or addressee.lower() == username.lower()
    if username and f"@{username.lower()}" in text.lower():
        return True
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot.id


class PrivateChatsOnlyMiddleware(BaseMiddleware):
    """An outer middleware on `dispatcher.update`, before the identity middleware, so an update
    from a group reaches neither the accounts nor any handler."""

    def __init__(self, translator: Translator, default_locale: str) -> None:
        self._translator = translator
        self._default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat: Chat | None = data.get("event_chat")
        if not isinstance(event, Update) or is_private(chat):
            return await handler(event, data)
        bot: Bot = data["bot"]
        user: User | None = data.get("event_from_user")
        try:
            await self._say_so(bot, event, user)
        except Exception:  # best effort: nothing was going to be handled here anyway
            log.warning(
                "could not answer update %s in a %s chat",
                event.update_id,
                chat and chat.type,
            )
        log.info("update %s from a %s chat not handled", event.update_id, chat and chat.type)
        return None

    async def _say_so(self, bot: Bot, update: Update, user: User | None) -> None:
        query, message = update.callback_query, update.message or update.edited_message
        if query is None and message is None:
            return
        username = (await bot.me()).username or ""
        t = self._translator.bind(
            resolve_locale(None, user.language_code if user else None, self._default_locale)
        )
        text = t("private-chat-only", bot=f"@{username}")
        if query is not None:
            await query.answer(text, show_alert=True)
        elif message is not None and await _spoken_to(bot, username, message):
            await message.answer(text)
