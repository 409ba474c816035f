"""The one Dispatcher that serves both bots, with its middlewares and routers."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BotCommand
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.fairness import throttle_middleware
from bot.input_guards import ButtonNumbersMiddleware, PeopleOnlyMiddleware, callback_data_classes
from bot.metrics import Metrics, UpdateMetricsMiddleware
from bot.middlewares import DbSessionMiddleware, DeduplicateUpdatesMiddleware, IdentityMiddleware
from bot.platforms import CAPABILITIES, best_effort
from bot.privacy import PrivateChatsOnlyMiddleware
from bot.settings import Settings
from handlers import get_routers, merged
from handlers.forms import PromptMemoryMiddleware
from models.identity import Platform
from services.accounts import normalized_admin_phones
from services.clock import Clock
from services.i18n import SUPPORTED_LOCALES, Translator
from services.identity_cache import IdentityCache
from services.requests import RoutingModel

COMMANDS = (
    "start",
    "request",
    "track",
    "feed",
    "inbox",
    "action",
    "meeting",
    "resolutions",
    "report",
    "performance",
    "crisis",
    "announce",
    "survey",
    "plan",
    "courses",
    "verify",
    "join",
    "help",
    "cancel",
    "lang",
)


def build_dispatcher(
    *,
    settings: Settings,
    storage: BaseStorage,
    session_factory: async_sessionmaker[AsyncSession],
    translator: Translator,
    clock: Clock,
    platforms: dict[int, Platform],
    routing: RoutingModel | None = None,
    metrics: Metrics | None = None,
    identity_cache: IdentityCache | None = None,
) -> Dispatcher:
    """One Dispatcher for both bots; middlewares in order: throttle → private chats only → people
    only → session → dedupe → FSM state → identity/locale; on buttons, then, numbers in range.

    The FSM middleware comes after the session (not first, where aiogram puts it), so that state
    is read through the update's own session (`bot.fsm_storage.SqlAlchemyStorage`).

    Without a trained `routing` model one is trained from the shipped examples on first use.
    With `metrics`, every update is counted and timed first of all (`bot.metrics`).
    """
    dispatcher = Dispatcher(
        storage=storage,
        disable_fsm=True,  # registered below, after the session
        translator=translator,
        routing=routing or RoutingModel(),
        clock=clock,
        settings=settings,
        session_factory=session_factory,
        admin_phones=normalized_admin_phones(settings.admin_phones),
    )
    if metrics is not None:
        dispatcher.update.outer_middleware(UpdateMetricsMiddleware(metrics))
    dispatcher.update.outer_middleware(throttle_middleware(settings, storage, translator))
    dispatcher.update.outer_middleware(PrivateChatsOnlyMiddleware(translator, settings.default_locale))
    dispatcher.update.outer_middleware(PeopleOnlyMiddleware())
    dispatcher.update.outer_middleware(DbSessionMiddleware(session_factory))
    dispatcher.update.outer_middleware(DeduplicateUpdatesMiddleware(clock))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    # After the FSM's: keeps an open form's current question, to ask it again at the bottom.
    dispatcher.update.outer_middleware(PromptMemoryMiddleware())
    dispatcher.update.outer_middleware(
        IdentityMiddleware(
            translator,
            clock,
            platforms,
            settings.default_locale,
            identity_cache or IdentityCache(settings.identity_cache_seconds),
        )
    )
    dispatcher.include_router(merged(get_routers()))
    dispatcher.callback_query.outer_middleware(ButtonNumbersMiddleware(callback_data_classes()))
    return dispatcher


async def publish_commands(bot: Bot, platform: Platform, translator: Translator) -> None:
    """The command menu, per language; optional, so best effort (Bale may not have it)."""
    if not CAPABILITIES[platform].set_my_commands:
        return
    for locale in SUPPORTED_LOCALES:
        commands = [
            BotCommand(command=name, description=translator.get(locale, f"command-{name}"))
            for name in COMMANDS
        ]
        await best_effort(
            f"setMyCommands/{platform.value}/{locale}",
            lambda commands=commands, locale=locale: bot.set_my_commands(  # type: ignore[misc]
                commands, language_code=None if locale == "fa" else locale
            ),
        )
