"""Scripted failures written the way servers that are not Telegram's fail (emulator.shapes)."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
import pytest

from emulator import BotAPIEmulator
from tests.emulator.conftest import BALE_TOKEN, TG_TOKEN


async def post(base_url: str, token: str, method: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base_url}/bot{token}/{method}", json={}) as response:
            return response.status, response.content_type, await response.text()


async def test_no_ok_is_a_json_message_with_the_status(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next(
        "setMyCommands", status=404, shape="no_ok", description="API method 'setMyCommands' is not supported"
    )
    status, content_type, body = await post(base_url, TG_TOKEN, "setMyCommands")
    assert (status, content_type) == (404, "application/json")
    assert json.loads(body) == {"message": "API method 'setMyCommands' is not supported"}


async def test_html_is_an_error_page(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next("getMe", status=502, shape="html")
    status, content_type, body = await post(base_url, TG_TOKEN, "getMe")
    assert (status, content_type) == (502, "text/html")
    assert body.startswith("<!DOCTYPE html>") and "<title>502 Bad Gateway</title>" in body


async def test_text_is_a_plain_text_body(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next("deleteWebhook", status=404, shape="text", description="page not found")
    status, content_type, body = await post(base_url, TG_TOKEN, "deleteWebhook")
    assert (status, content_type, body) == (404, "text/plain", "404 page not found\n")


@pytest.mark.parametrize("status", [200, 500])
async def test_empty_is_an_empty_body(emu: BotAPIEmulator, base_url: str, status: int) -> None:
    emu.fail_next("getUpdates", status=status, shape="empty")
    assert await post(base_url, TG_TOKEN, "getUpdates") == (status, "application/json", "")


async def test_malformed_is_cut_off_json(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next("sendChatAction", status=200, shape="malformed")
    emu.fail_next("sendChatAction", status=500, shape="malformed")
    status, content_type, body = await post(base_url, TG_TOKEN, "sendChatAction")
    assert (status, content_type) == (200, "application/json")
    assert body.startswith('{"ok": true')
    with pytest.raises(ValueError):
        json.loads(body)
    status, content_type, body = await post(base_url, TG_TOKEN, "sendChatAction")
    assert (status, content_type) == (500, "application/json")
    assert body.startswith('{"ok": false')
    with pytest.raises(ValueError):
        json.loads(body)


async def test_timeout_holds_the_request_then_hangs_up(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next("getMyCommands", shape="timeout", seconds=0.3)
    started = time.monotonic()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(base_url, TG_TOKEN, "getMyCommands")
    assert time.monotonic() - started >= 0.3
    # Only that call: the next one is answered.
    status, _, body = await post(base_url, TG_TOKEN, "getMyCommands")
    assert status == 200 and json.loads(body) == {"ok": True, "result": []}


async def test_timeout_outlasts_a_client_timeout(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next("getMe", shape="timeout")  # 65 s by default, longer than aiogram waits
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.3)) as http:
        with pytest.raises(asyncio.TimeoutError):
            async with http.post(f"{base_url}/bot{TG_TOKEN}/getMe") as response:
                await response.text()


@pytest.mark.parametrize(
    ("status", "description"),
    [(404, "Not Found: method not found"), (405, "Method Not Allowed"), (501, "Not Implemented")],
)
async def test_statuses_in_telegrams_shape(
    emu: BotAPIEmulator, base_url: str, status: int, description: str
) -> None:
    emu.fail_next("setMyCommands", status=status)
    answer = await post(base_url, TG_TOKEN, "setMyCommands")
    assert answer[0] == status
    assert json.loads(answer[2]) == {"ok": False, "error_code": status, "description": description}


async def test_shaped_failures_are_recorded_and_used_in_order(emu: BotAPIEmulator, base_url: str) -> None:
    emu.fail_next("getMe", status=404, shape="no_ok", bot=BALE_TOKEN)
    emu.fail_next("getMe", status=200, shape="empty", bot=BALE_TOKEN)
    assert (await post(base_url, TG_TOKEN, "getMe"))[0] == 200  # another bot: untouched
    assert (await post(base_url, BALE_TOKEN, "getMe"))[:2] == (404, "application/json")
    assert (await post(base_url, BALE_TOKEN, "getMe"))[::2] == (200, "")
    assert json.loads((await post(base_url, BALE_TOKEN, "getMe"))[2])["ok"] is True
    calls = emu.calls_for("getMe", BALE_TOKEN)
    assert [(c.status, c.ok) for c in calls] == [(404, False), (200, False), (200, True)]
    assert calls[0].description is not None and calls[0].description.endswith("[no_ok]")


async def test_unknown_shape_is_refused(emu: BotAPIEmulator) -> None:
    with pytest.raises(ValueError, match="unknown reply shape"):
        emu.fail_next("getMe", shape="xml")


async def test_shapes_through_the_control_api(emu: BotAPIEmulator, base_url: str) -> None:
    async with aiohttp.ClientSession() as http:
        fault = {
            "action": "fail_next",
            "method": "setMyCommands",
            "status": 404,
            "shape": "html",
            "bot_id": 111,
        }
        async with http.post(f"{base_url}/_emu/faults", json=fault) as response:
            assert response.status == 200
        timeout = {"action": "fail_next", "method": "deleteWebhook", "shape": "timeout", "seconds": 0.2}
        async with http.post(f"{base_url}/_emu/faults", json=timeout) as response:
            assert response.status == 200
        bad = {"action": "fail_next", "method": "getMe", "shape": "yaml"}
        async with http.post(f"{base_url}/_emu/faults", json=bad) as response:
            assert response.status == 400
            assert "unknown reply shape" in (await response.json())["description"]
    status, content_type, _ = await post(base_url, TG_TOKEN, "setMyCommands")
    assert (status, content_type) == (404, "text/html")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(base_url, BALE_TOKEN, "deleteWebhook")
    assert (await post(base_url, BALE_TOKEN, "getMe"))[0] == 200  # the bad rule was never added
