"""Composition root: builds settings-driven objects and runs the bot. Nothing happens at import."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.delivery import DeliveryWorker
from bot.dispatcher import build_dispatcher, publish_commands
from bot.fsm_storage import build_fsm_storage
from bot.platforms import best_effort, make_bot
from bot.scheduler import build_scheduler
from bot.settings import Settings
from models.db import create_engine, create_session_factory, upgrade_database
from models.identity import Platform
from services.clock import Clock, utc_now
from services.i18n import Translator

log = logging.getLogger(__name__)


def build_bots(settings: Settings) -> dict[Platform, Bot]:
    bots: dict[Platform, Bot] = {}
    if settings.telegram_bot_token is not None:
        bots[Platform.TELEGRAM] = make_bot(
            settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base
        )
    if settings.bale_bot_token is not None:
        bots[Platform.BALE] = make_bot(settings.bale_bot_token.get_secret_value(), settings.bale_api_base)
    return bots


@dataclass
class Runtime:
    """What a running bot holds, so it can be shut down cleanly."""

    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    bots: dict[Platform, Bot]


async def prepare(settings: Settings, clock: Clock = utc_now) -> Runtime:
    engine = create_engine(settings.database_url)
    if settings.is_sqlite:
        # The embedded database migrates itself; a PostgreSQL deployment runs `migrate` explicitly.
        await upgrade_database(settings.database_url)
    session_factory = create_session_factory(engine)
    bots = build_bots(settings)
    storage = build_fsm_storage(settings.redis_url, settings.redis_prefix, session_factory, clock)
    dispatcher = build_dispatcher(
        settings=settings,
        storage=storage,
        session_factory=session_factory,
        translator=Translator(default_locale=settings.default_locale),
        clock=clock,
        platforms={bot.id: platform for platform, bot in bots.items()},
    )
    return Runtime(engine=engine, session_factory=session_factory, dispatcher=dispatcher, bots=bots)


async def run_polling(settings: Settings, clock: Clock = utc_now, ready: asyncio.Event | None = None) -> None:
    """Run both bots with long polling, the delivery worker and the scheduler until stopped."""
    runtime = await prepare(settings, clock)
    if not runtime.bots:
        raise RuntimeError("no bot token configured")
    dispatcher, bots = runtime.dispatcher, runtime.bots
    translator: Translator = dispatcher["translator"]
    scheduler = build_scheduler(settings.timezone, runtime.session_factory, clock)
    worker = DeliveryWorker(runtime.session_factory, bots, settings, clock)
    stop_delivery = asyncio.Event()
    tasks: list[asyncio.Task[Any]] = []

    async def on_startup() -> None:
        for platform, bot in bots.items():
            await best_effort(f"deleteWebhook/{platform.value}", bot.delete_webhook)
            await publish_commands(bot, platform, translator)
        scheduler.start()
        tasks.append(asyncio.create_task(worker.run(stop_delivery), name="outbox-delivery"))
        log.info("started: %s", ", ".join(f"{p.value} bot {b.id}" for p, b in bots.items()))
        if ready is not None:
            ready.set()

    async def on_shutdown() -> None:
        stop_delivery.set()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                # The worker bounds its own wait for requests in flight; this is a last resort.
                await asyncio.wait_for(task, timeout=60)
        scheduler.shutdown(wait=False)

    dispatcher.startup.register(on_startup)
    dispatcher.shutdown.register(on_shutdown)
    try:
        await dispatcher.start_polling(*bots.values(), polling_timeout=settings.polling_timeout)
    finally:
        await dispatcher.storage.close()
        await runtime.engine.dispose()
