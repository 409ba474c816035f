"""The sandbox: the Bot API emulator, the bot polling it and a web chat to play its users, in one
process, with no token and no network. It is what `python -m bot` runs on a fresh machine."""

from __future__ import annotations

import logging
import time
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import run_polling
from bot.sandbox_web import PersonasProvider, setup_web_chat
from bot.settings import DEFAULT_DATABASE_URL, PROJECT_ROOT, Settings
from emulator import start_emulator
from emulator.sms_fake import start_sms_fake
from models.db import create_engine, create_session_factory, upgrade_database
from services.clock import utc_now
from services.demo import DemoPersona, demo_personas, seed_demo_if_fresh
from services.i18n import Translator

log = logging.getLogger(__name__)

SANDBOX_TELEGRAM_TOKEN = "1000001:sandbox-telegram"
SANDBOX_BALE_TOKEN = "1000002:sandbox-bale"
SANDBOX_BOTS = {"telegram": 1000001, "bale": 1000002}
SANDBOX_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'sandbox.db'}"


def persona_label(persona: DemoPersona, translator: Translator, locale: str = "fa") -> str:
    """«رئیس کمیته … · دولت‌آباد»: the persona's role, committee or agency, and place."""
    if persona.role is None:
        return ""
    label = translator.get(locale, f"role-{persona.role.value}")
    if persona.committee is not None and translator.has(locale, f"committee-{persona.committee.value}"):
        label += " " + translator.get(locale, f"committee-{persona.committee.value}")
    where = persona.agency_name_fa or persona.place
    return f"{label} · {where}" if where else label


def database_personas(
    session_factory: async_sessionmaker[AsyncSession], translator: Translator
) -> PersonasProvider:
    """The web chat's personas: the demo cast as it stands in the sandbox database."""

    async def personas() -> list[dict[str, Any]]:
        async with session_factory() as session:
            cast = await demo_personas(session)
        return [
            {
                "name": p.name,
                "phone": p.phone,
                "platform": p.platform,
                "user_id": p.user_id,
                "role": persona_label(p, translator),
            }
            for p in cast
        ]

    return personas


async def run_sandbox(settings: Settings) -> None:
    # Keep sandbox conversations out of a real deployment's database file.
    database_url = (
        SANDBOX_DATABASE_URL if settings.database_url == DEFAULT_DATABASE_URL else settings.database_url
    )
    engine = create_engine(database_url)
    session_factory = create_session_factory(engine)
    if database_url.startswith("sqlite"):
        await upgrade_database(database_url)
    async with session_factory() as session:
        if await seed_demo_if_fresh(session, now=utc_now()):
            log.info("fresh sandbox database: seeded the demo regions and people")
    personas = database_personas(session_factory, Translator(default_locale=settings.default_locale))
    emulator, runner, base_url = await start_emulator(
        settings.sandbox_host,
        settings.sandbox_port,
        extra_setup=lambda app: setup_web_chat(app, bots=SANDBOX_BOTS, personas=personas),
    )
    emulator.add_bot(
        SANDBOX_TELEGRAM_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="telegram"
    )
    # The Bale bot gets Bale's quirks (missing fields, missing methods), so the sandbox shows
    # the bot coping with them.
    emulator.add_bot(
        SANDBOX_BALE_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="bale", odd=True
    )
    # Like Telegram's, update ids must keep growing across sandbox restarts: the bot remembers
    # the ids it has handled (in the sandbox database) and would skip a reused one.
    first_update_id = int(time.time() * 1000)
    for token in (SANDBOX_TELEGRAM_TOKEN, SANDBOX_BALE_TOKEN):
        emulator.get_bot(token).next_update_id = first_update_id
    sms_update: dict[str, object] = {}
    sms_runner = None
    if settings.sms_enabled:
        # Never the real gateway from the sandbox: the local Kavenegar fake takes the SMS.
        sms_fake, sms_runner, sms_base = await start_sms_fake(host=settings.sandbox_host)
        sms_update = {"sms_api_base": sms_base, "sms_api_key": SecretStr(sms_fake.api_key)}
    sandbox_settings = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(SANDBOX_TELEGRAM_TOKEN),
            "telegram_api_base": base_url,
            "bale_bot_token": SecretStr(SANDBOX_BALE_TOKEN),
            "bale_api_base": base_url,
            "database_url": database_url,
            **sms_update,
        }
    )
    print(f"Mahalleyar sandbox (محله‌یار) is running at {base_url}/", flush=True)
    print(f"  Web chat: open {base_url}/ in a browser", flush=True)
    print(
        f"  Bot API emulator control: {base_url}/_emu/  (Telegram bot 1000001, Bale bot 1000002)", flush=True
    )
    if sms_runner is not None:
        print(f"  SMS (Kavenegar fake): {sandbox_settings.sms_api_base}/_fake/messages", flush=True)
    try:
        await run_polling(sandbox_settings)
    finally:
        if sms_runner is not None:
            await sms_runner.cleanup()
        await runner.cleanup()
        await engine.dispose()
