"""The sandbox around the web chat: where its chats are kept, that they survive a restart of the
real process, and a start-up banner that names only addresses that answer."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.sandbox import SANDBOX_BOTS, banner, candidate_base_urls, chats_path
from bot.sandbox_web import setup_web_chat
from bot.settings import PROJECT_ROOT
from emulator import start_emulator
from services.i18n import Translator
from tests.sandbox.process import SandboxProcess, free_port, get_json, post_json

T = Translator()


def test_chats_are_kept_beside_the_database(tmp_path: Path) -> None:
    assert chats_path(f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}") == tmp_path / "sandbox.chats.json"
    assert chats_path("sqlite+aiosqlite:///relative/play.db") == Path("relative/play.chats.json")
    assert chats_path("sqlite+aiosqlite://") is None
    assert chats_path("sqlite+aiosqlite:///:memory:") is None
    assert chats_path("postgresql+asyncpg://u@db/mahalleyar") == PROJECT_ROOT / "data" / "sandbox.chats.json"


def test_candidate_addresses() -> None:
    assert candidate_base_urls("127.0.0.1", 8080) == ["http://127.0.0.1:8080"]
    assert candidate_base_urls("::1", 8080) == ["http://[::1]:8080"]
    wildcard = candidate_base_urls("0.0.0.0", 8080)
    # A wildcard is where the server listens, not an address a browser can open.
    assert wildcard[0] == "http://127.0.0.1:8080"
    assert all("0.0.0.0" not in url for url in wildcard)
    assert len(wildcard) == len(set(wildcard))


async def test_the_banner_names_only_addresses_that_answer() -> None:
    _, runner, live = await start_emulator(extra_setup=lambda app: setup_web_chat(app, bots=SANDBOX_BOTS))
    # Something else answers on this one: it is not the sandbox.
    other = web.Application()
    other_runner = web.AppRunner(other)
    await other_runner.setup()
    other_port = free_port()
    await web.TCPSite(other_runner, "127.0.0.1", other_port).start()
    nobody = f"http://127.0.0.1:{free_port()}"
    try:
        lines = await banner([nobody, f"http://127.0.0.1:{other_port}", live], sms_base=nobody)
        text = "\n".join(lines)
        assert lines[0] == f"Mahalleyar sandbox (محله‌یار) is running at {live}/"
        assert f"Web chat: open {live}/ in a browser" in text
        assert f"{live}/_emu/" in text
        assert nobody not in text and str(other_port) not in text
        assert "SMS" not in text  # the SMS fake did not answer either

        silent = await banner([nobody])
        assert len(silent) == 1 and "nothing answered" in silent[0] and "is running at" not in silent[0]
    finally:
        await other_runner.cleanup()
        await runner.cleanup()


def transcript(base_url: str, user_id: int, after: int = 0) -> dict[str, Any]:
    bot_id = SANDBOX_BOTS["telegram"]
    return get_json(f"{base_url}/_emu/bots/{bot_id}/chats/{user_id}/messages?after={after}")["result"]


def wait_for_bot_text(base_url: str, user_id: int, text: str, timeout: float = 20) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in transcript(base_url, user_id)["messages"]:
            if record["direction"] == "bot" and record["message"].get("text") == text:
                return record
        time.sleep(0.2)
    raise AssertionError(f"the bot never said {text!r}: {transcript(base_url, user_id)}")


@pytest.mark.e2e
def test_the_sandbox_keeps_its_chats_across_a_restart(tmp_path: Path) -> None:
    sandbox = SandboxProcess(tmp_path)
    user_id = 989121234567
    bot_id = SANDBOX_BOTS["telegram"]
    profile = {"first_name": "نرگس", "language_code": "fa", "phone": str(user_id)}
    try:
        base_url = sandbox.start()
        # Every address the banner names answers.
        printed = [
            line.split("open ", 1)[1].split()[0]
            for line in sandbox.log_text().splitlines()
            if "open " in line
        ]
        assert printed == [f"{base_url}/"]
        for url in printed:
            assert get_json(f"{url}sandbox/config.json")["bots"] == SANDBOX_BOTS
        instance = get_json(f"{base_url}/sandbox/config.json")["instance"]

        post_json(f"{base_url}/_emu/bots/{bot_id}/users/{user_id}/text", {"text": "/start", "user": profile})
        wait_for_bot_text(base_url, user_id, T.get("fa", "lang-choose"))
        before = transcript(base_url, user_id)
        log = sandbox.stop()
        assert "Traceback" not in log, log
        assert (tmp_path / "sandbox.chats.json").exists()

        sandbox.start()
        after = transcript(base_url, user_id)
        assert [(m["message_id"], m["message"].get("text")) for m in after["messages"]] == [
            (m["message_id"], m["message"].get("text")) for m in before["messages"]
        ]
        assert after["reply_keyboard"] == before["reply_keyboard"]
        # Same history, same instance: the page keeps what it had seen.
        assert get_json(f"{base_url}/sandbox/config.json")["instance"] == instance

        # The conversation goes on below the old messages: the language button still works.
        choice = next(
            m for m in after["messages"] if m["message"].get("reply_markup", {}).get("inline_keyboard")
        )
        post_json(
            f"{base_url}/_emu/bots/{bot_id}/users/{user_id}/click",
            {"text": T.get("fa", "lang-button-fa"), "message_id": choice["message_id"], "user": profile},
        )
        wait_for_bot_text(base_url, user_id, T.get("fa", "onboarding-share-contact"))
        newest = max(m["message_id"] for m in transcript(base_url, user_id)["messages"])
        assert newest > max(m["message_id"] for m in before["messages"])
    finally:
        log = sandbox.stop()
    assert "Traceback" not in log, log
