"""The real process answers GET /healthz and GET /metrics on its operations port while polling."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import pytest

from emulator import BotAPIEmulator
from services.i18n import Translator
from tests.e2e.conftest import TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots

pytestmark = pytest.mark.e2e

T = Translator()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http:
        for _ in range(100):  # the server starts just after the bots begin polling
            try:
                async with http.get(url) as response:
                    return response.status, await response.text()
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


async def test_healthz_and_metrics_answer_while_polling(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    port = _free_port()
    bot_process.env.update(OPS_PORT=str(port), OPS_HOST="127.0.0.1")
    register_bots(emulator)
    await bot_process.start()
    user = emulator.user(31, "Zahra", language_code="fa")
    await emulator.send_text(TELEGRAM_BOT, user, "/start")
    await emulator.wait_for_message(TELEGRAM_BOT, 31, T.get("fa", "start-welcome", name="Zahra"))

    status, body = await _get(f"http://127.0.0.1:{port}/healthz")
    assert status == 200, body
    assert '"database": {"ok": true}' in body
    # The reply reaches the emulator before the handler returns and is counted: scrape until it is.
    handled = 'mahalleyar_updates_handled_total{type="message"} 1.0'
    for _ in range(50):
        status, body = await _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200
        if handled in body:
            break
        await asyncio.sleep(0.1)
    assert handled in body
    assert "mahalleyar_update_handling_seconds_bucket" in body
    assert "mahalleyar_outbox_sent_total" in body
    assert "mahalleyar_outbox_rate_limited_total" in body
    assert 'mahalleyar_outbox_messages{status="pending"}' in body
