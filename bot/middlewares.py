"""Per-update plumbing: a DB session, exactly-once handling, who is talking, and their language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import Chat, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.platforms import CAPABILITIES
from bot.privacy import is_private
from bot.update_scope import FROM_INBOX, update_scope, update_session
from models import inbox_repo
from models.identity import Platform
from services.accounts import identify
from services.clock import Clock
from services.i18n import Translator, resolve_locale
from services.identity_cache import IdentityCache

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DeduplicateUpdatesMiddleware(BaseMiddleware):
    """Handles each (bot, update_id) once, even if the server delivers it twice.

    An update from the inbox (`bot.inbox`) was recognised as new when it was stored, and is
    marked handled there. One fed straight to the dispatcher (tests, tools) is recorded as handled
    in the same table, in the update's own session, before the handler runs: a redelivered update
    must not repeat a side effect, and a handler that fails has already told the user so.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update) or data.get(FROM_INBOX):
            return await handler(event, data)
        bot: Bot = data["bot"]
        session: AsyncSession = data["session"]
        first = await inbox_repo.record_handled_once(session, bot.id, event.update_id, self._clock())
        await session.commit()
        if not first:
            log.info("skipping update %s for bot %s: already handled", event.update_id, bot.id)
            return None
        return await handler(event, data)


class DbSessionMiddleware(BaseMiddleware):
    """One session per update, closed when the update is done; services own the commits.

    The inbox opens the session before the dispatcher sees the update (`bot.update_scope`); an
    update fed straight to the dispatcher gets one here. Either way the FSM storage reads and
    writes through it, so an update holds one database connection, not two.
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        session = update_session()
        if session is not None:
            data["session"] = session
            return await handler(event, data)
        async with self._session_factory() as session:
            with update_scope(session):
                data["session"] = session
                return await handler(event, data)


class IdentityMiddleware(BaseMiddleware):
    """Loads the account, person and roles of the sender (remembered between updates with a
    `cache`, `services.identity_cache`) and binds their language.

    Sets `viewer`, `platform`, `locale`, `t` (a translator bound to the locale) and `deep_link`
    (an async function: payload → a /start link to this bot) in the data.
    """

    def __init__(
        self,
        translator: Translator,
        clock: Clock,
        platforms: dict[int, Platform],
        default_locale: str,
        cache: IdentityCache | None = None,
    ) -> None:
        self._translator = translator
        self._cache = cache if cache is not None and cache.enabled else None
        self._clock = clock
        self._platforms = platforms
        self._default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        platform = self._platforms.get(bot.id, Platform.TELEGRAM)
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        data["platform"] = platform
        locale = self._default_locale
        if user is not None and not user.is_bot:
            viewer = await identify(
                data["session"],
                platform=platform,
                user_id=user.id,
                chat_id=chat.id if chat else user.id,
                first_name=user.first_name or None,
                username=user.username,
                now=self._clock(),
                translator=self._translator,
                private_chat=is_private(chat),
                cache=self._cache,
            )
            data["viewer"] = viewer
            locale = resolve_locale(viewer.stored_locale, user.language_code, self._default_locale)
        data["locale"] = locale
        data["t"] = self._translator.bind(locale)
        data["deep_link"] = partial(_deep_link, bot, platform)
        return await handler(event, data)


async def _deep_link(bot: Bot, platform: Platform, payload: str) -> str:
    """A `/start <payload>` link to this bot on its own messenger (getMe is cached by aiogram)."""
    me = await bot.me()
    return CAPABILITIES[platform].start_link(me.username or "", payload)
