"""The sandbox: the Bot API emulator, the bot polling it and a web chat to play its users, in one
process, with no token and no network. It is what `python -m bot` runs on a fresh machine."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp
import aiohttp.web
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import run_polling
from bot.sandbox_web import PersonasProvider, setup_web_chat
from bot.settings import DEFAULT_DATABASE_URL, PROJECT_ROOT, Settings
from bot.verify_page import add_verify_route
from emulator import BotAPIEmulator, start_emulator
from emulator.archive import ChatArchive
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
PROBE_SECONDS = 2.0


def chats_path(database_url: str) -> Path | None:
    """Where the sandbox keeps its chats: beside an SQLite database file (`sandbox.db` →
    `sandbox.chats.json`), in `data/` for a database server, nowhere for an in-memory database."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        return None
    if url.get_backend_name() != "sqlite":
        return PROJECT_ROOT / "data" / "sandbox.chats.json"
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        return None
    database = Path(url.database)
    return database.with_name(database.stem + ".chats.json")


def candidate_base_urls(host: str, port: int) -> list[str]:
    """The addresses a browser may use to reach a server bound to `host`: itself, or for a
    wildcard bind (`0.0.0.0`, `::`) this machine's loopback and network addresses."""
    if host not in ("", "0.0.0.0", "::"):
        return [f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"]
    hosts = ["127.0.0.1"]
    if host == "::":
        hosts.append("[::1]")
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            hosts.append(str(info[4][0]))
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        # Connecting a UDP socket sends nothing; it only picks the address of the default route.
        probe.connect(("10.254.254.254", 1))
        hosts.append(str(probe.getsockname()[0]))
    unique = [h for i, h in enumerate(hosts) if h not in hosts[:i] and h != "0.0.0.0"]
    return [f"http://{h}:{port}" for h in unique]


async def answering(urls: Sequence[str], paths: Sequence[str]) -> list[str]:
    """The base URLs among `urls` where every one of `paths` answers 200 (in the given order)."""
    timeout = aiohttp.ClientTimeout(total=PROBE_SECONDS)

    async def answers(session: aiohttp.ClientSession, base: str) -> bool:
        for path in paths:
            try:
                async with session.get(base + path, allow_redirects=False) as response:
                    if response.status != 200:
                        return False
            except (aiohttp.ClientError, TimeoutError, OSError):
                return False
        return True

    async with aiohttp.ClientSession(timeout=timeout) as session:
        results = await asyncio.gather(*(answers(session, url) for url in urls))
    return [url for url, ok in zip(urls, results, strict=True) if ok]


async def banner(web_urls: Sequence[str], sms_base: str | None = None) -> list[str]:
    """The start-up lines, naming only addresses that answered a request just now."""
    live = await answering(web_urls, ("/sandbox/config.json", "/_emu/health"))
    if not live:
        return [f"Mahalleyar sandbox (محله‌یار) started, but nothing answered at {', '.join(web_urls)}"]
    lines = [f"Mahalleyar sandbox (محله‌یار) is running at {live[0]}/"]
    lines += [f"  Web chat: open {url}/ in a browser" for url in live]
    lines.append(f"  Bot API emulator control: {live[0]}/_emu/  (Telegram bot 1000001, Bale bot 1000002)")
    if sms_base is not None and await answering([sms_base], ("/_fake/messages",)):
        lines.append(f"  SMS (Kavenegar fake): {sms_base}/_fake/messages")
    return lines


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
    emulator = BotAPIEmulator()
    emulator.add_bot(
        SANDBOX_TELEGRAM_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="telegram"
    )
    # The Bale bot gets Bale's quirks (missing fields, missing methods), so the sandbox shows
    # the bot coping with them.
    emulator.add_bot(
        SANDBOX_BALE_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="bale", odd=True
    )
    # The chats survive a restart, as they do on a messenger's servers: the bot's database
    # remembers message ids (cards it edits later), and people come back to their conversation.
    archive_path = chats_path(database_url)
    archive = ChatArchive(archive_path) if archive_path is not None else None
    if archive is not None:
        restored = archive.load(emulator)
        log.info("sandbox chats: %s (%d messages restored)", archive.path, restored)

    def mount(app: aiohttp.web.Application) -> None:
        setup_web_chat(
            app, bots=SANDBOX_BOTS, personas=personas, instance=archive.instance if archive else None
        )
        # ID cards' QR codes point here (PUBLIC_BASE_URL defaults to the sandbox's address).
        add_verify_route(app, session_factory, settings)

    emulator, runner, base_url = await start_emulator(
        settings.sandbox_host,
        settings.sandbox_port,
        emulator=emulator,
        extra_setup=mount,
    )
    keeper = asyncio.create_task(archive.keep(emulator)) if archive is not None else None
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
            # Cards' QR codes lead to this sandbox's own page unless an address is configured.
            "public_base_url": settings.public_base_url or base_url,
            **sms_update,
        }
    )
    port = int(base_url.rsplit(":", 1)[1])
    sms_address = sandbox_settings.sms_api_base if sms_runner is not None else None
    for line in await banner(candidate_base_urls(settings.sandbox_host, port), sms_address):
        print(line, flush=True)
    try:
        await run_polling(sandbox_settings)
    finally:
        if keeper is not None:
            keeper.cancel()
            await asyncio.gather(keeper, return_exceptions=True)
        if sms_runner is not None:
            await sms_runner.cleanup()
        await runner.cleanup()
        await engine.dispose()
