"""The sandbox: the Bot API emulator, the bot polling it and a web chat to play its users, in one
process, with no token and no network. It is what `python -m bot` runs on a fresh machine."""

from __future__ import annotations

import logging
import time

from pydantic import SecretStr

from bot.app import run_polling
from bot.sandbox_web import setup_web_chat
from bot.settings import DEFAULT_DATABASE_URL, PROJECT_ROOT, Settings
from emulator import start_emulator

log = logging.getLogger(__name__)

SANDBOX_TELEGRAM_TOKEN = "1000001:sandbox-telegram"
SANDBOX_BALE_TOKEN = "1000002:sandbox-bale"
SANDBOX_BOTS = {"telegram": 1000001, "bale": 1000002}
SANDBOX_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'sandbox.db'}"


async def run_sandbox(settings: Settings) -> None:
    emulator, runner, base_url = await start_emulator(
        settings.sandbox_host,
        settings.sandbox_port,
        extra_setup=lambda app: setup_web_chat(app, bots=SANDBOX_BOTS),
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
    sandbox_settings = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(SANDBOX_TELEGRAM_TOKEN),
            "telegram_api_base": base_url,
            "bale_bot_token": SecretStr(SANDBOX_BALE_TOKEN),
            "bale_api_base": base_url,
            # Keep sandbox conversations out of a real deployment's database file.
            "database_url": SANDBOX_DATABASE_URL
            if settings.database_url == DEFAULT_DATABASE_URL
            else settings.database_url,
        }
    )
    print(f"Mahalleyar sandbox (محله‌یار) is running at {base_url}/", flush=True)
    print(f"  Web chat: open {base_url}/ in a browser", flush=True)
    print(
        f"  Bot API emulator control: {base_url}/_emu/  (Telegram bot 1000001, Bale bot 1000002)", flush=True
    )
    try:
        await run_polling(sandbox_settings)
    finally:
        await runner.cleanup()
