"""Webhook mode: the real process serves both bots' webhooks; the emulator pushes updates to them."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from emulator import BotAPIEmulator
from services.i18n import Translator
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots, start_and_choose

pytestmark = pytest.mark.e2e

T = Translator()
SECRET = "s3cret-for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def webhook_base(bot_process: BotProcess) -> str:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot_process.env.update(
        WEBHOOK_BASE_URL=base, WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port), WEBHOOK_SECRET=SECRET
    )
    return base


async def test_both_platforms_answer_through_webhooks(
    emulator: BotAPIEmulator, bot_process: BotProcess, webhook_base: str
) -> None:
    register_bots(emulator)
    await bot_process.start(ready_method="setWebhook")
    telegram_hook = emulator.calls_for("setWebhook", TELEGRAM_BOT)[-1].params
    bale_hook = emulator.calls_for("setWebhook", BALE_BOT)[-1].params
    # Telegram checks the secret header; Bale may drop it, so its secret is in the path.
    assert (
        telegram_hook["url"] == f"{webhook_base}/webhook/telegram" and telegram_hook["secret_token"] == SECRET
    )
    assert bale_hook["url"] == f"{webhook_base}/webhook/bale/{SECRET}" and "secret_token" not in bale_hook
    await start_and_choose(emulator, TELEGRAM_BOT, 61, "fa")
    await start_and_choose(emulator, BALE_BOT, 62, "en")


async def test_forged_webhook_requests_are_refused(
    emulator: BotAPIEmulator, bot_process: BotProcess, webhook_base: str
) -> None:
    register_bots(emulator)
    await bot_process.start(ready_method="setWebhook")
    forged = {
        "update_id": 1,
        "message": {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"}, "text": "/start"},
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{webhook_base}/webhook/telegram", json=forged) as response:
            assert response.status == 401
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
        async with http.post(f"{webhook_base}/webhook/telegram", json=forged, headers=wrong) as response:
            assert response.status == 401
        async with http.post(f"{webhook_base}/webhook/bale", json=forged) as response:
            assert response.status == 404
    assert emulator.calls_for("sendMessage") == []


async def test_raw_bodies_that_are_not_updates_get_400_and_updates_are_stored_first(
    emulator: BotAPIEmulator, bot_process: BotProcess, webhook_base: str
) -> None:
    register_bots(emulator)
    await bot_process.start(ready_method="setWebhook")
    url = f"{webhook_base}/webhook/telegram"
    signed = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as http:
        for body in (
            b"\xff\xfe\x00 not utf-8",
            b'{"update_id": 5, "message": ',
            b"[]",
            b'{"no": "update_id"}',
        ):
            async with http.post(url, data=body, headers=signed) as response:
                assert response.status == 400, body
        # Unreadable but an update: taken (200) and done with, not dropped by a failing task.
        odd = {"update_id": 900, "message": {"message_id": "x", "chat": 7}}
        async with http.post(url, json=odd, headers=signed) as response:
            assert response.status == 200
        emulator.user(71, "Zahra", language_code="en")
        update = {
            "update_id": 901,
            "message": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": 71, "type": "private"},
                "from": {"id": 71, "is_bot": False, "first_name": "Zahra", "language_code": "en"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        async with http.post(url, json=update, headers=signed) as response:
            assert response.status == 200
    await emulator.wait_for_message(TELEGRAM_BOT, 71, T.get("en", "help-text"))
    log = bot_process.log()
    assert "Task exception was never retrieved" not in log and "Traceback" not in log, log
