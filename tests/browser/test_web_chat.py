"""The sandbox web chat in headless Chromium, against the real `python -m bot sandbox` process:
create a persona, /start, the language button, the contact button, badges, photo and location —
and screenshots in test-artifacts/ to look at."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from services.i18n import Translator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
TIMEOUT_MS = 15_000

if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (`apt-get install chromium`; scripts/test does it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need Playwright for Python (`pip install -e '.[dev]'`)"
)

pytestmark = pytest.mark.e2e

T = Translator()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def post_json(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def sample_png(width: int = 96, height: int = 64) -> bytes:
    """A small gradient PNG, made here so the test needs no file."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((40 + x, 120 + y, 160)) for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[str]:
    """`python -m bot sandbox` with no token and a fresh SQLite file; yields its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BALE_", "REDIS_"))}
    env.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}",
        POLLING_TIMEOUT="2",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "sandbox.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"

    def log_text() -> str:
        return log_path.read_text(encoding="utf-8", errors="replace")

    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"sandbox exited with {process.returncode}:\n{log_text()}")
            try:
                bots = get_json(f"{base_url}/_emu/bots")["result"]
                if len(bots) == 2 and all(bot["polling"] for bot in bots):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"sandbox did not start polling:\n{log_text()}")
            time.sleep(0.2)
        yield base_url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    log = log_text()
    assert "Traceback" not in log, log
    assert f"is running at {base_url}/" in log, log


def expect_bot_text(page: Any, text: str) -> None:
    """Wait until exactly one of the bot's messages reads `text`, character for character."""
    count = """t => [...document.querySelectorAll('.msg.in .text')].filter(n => n.textContent === t).length"""
    page.wait_for_function(f"t => ({count})(t) > 0", arg=text)
    assert page.evaluate(count, text) == 1, text


def test_web_chat_onboarding_in_persian(sandbox: str) -> None:
    expect = sync_api.expect
    ARTIFACTS.mkdir(exist_ok=True)
    personas = get_json(f"{sandbox}/sandbox/personas.json")
    assert len(personas) >= 4 and {p["platform"] for p in personas} == {"telegram", "bale"}, personas
    other = next(p for p in personas if p["platform"] == "bale")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1100, "height": 820}, locale="fa-IR", timezone_id="Asia/Tehran"
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None,
            )
            page.goto(f"{sandbox}/")

            assert page.evaluate("document.documentElement.dir") == "rtl"
            assert page.evaluate("document.documentElement.lang") == "fa"
            expect(page.locator("#persona-list li")).to_have_count(len(personas))
            expect(page.locator("#persona-list")).to_contain_text(personas[0]["name"])

            # A persona of one's own, phone typed in Persian digits.
            page.click("#new-persona")
            page.fill("#persona-form input[name=name]", "نرگس موسوی")
            page.fill("#persona-form input[name=phone]", "۰۹۱۲۳۴۵۶۷۸۹")
            page.check("#persona-form input[name=platform][value=telegram]")
            page.fill("#persona-form input[name=role]", "ساکن محله")
            page.click("#persona-form button[type=submit]")
            expect(page.locator("#as-persona")).to_have_text("گفتگو به‌عنوان نرگس موسوی")
            expect(page.locator("#platform-chip")).to_have_text("تلگرام")
            expect(page.locator("#persona-list li")).to_have_count(len(personas) + 1)

            # /start with Enter: the user's bubble, then the Persian welcome and the language choice.
            page.fill("#input", "/start")
            page.press("#input", "Enter")
            expect(page.locator(".msg.out .text").first).to_have_text("/start")
            expect_bot_text(page, T.get("fa", "start-welcome", name="نرگس"))
            expect_bot_text(page, T.get("fa", "lang-choose"))

            # The inline button: the choice message is edited and the contact request arrives
            # with a reply-keyboard contact button.
            page.locator(".inline-kb button", has_text=T.get("fa", "lang-button-fa")).click()
            expect_bot_text(page, T.get("fa", "lang-set"))
            expect(
                page.locator(".msg.in", has_text=T.get("fa", "lang-set")).locator(".meta")
            ).to_contain_text("ویرایش‌شده")
            expect(page.locator(".inline-kb")).to_have_count(0)
            expect_bot_text(page, T.get("fa", "onboarding-share-contact"))
            contact_button = page.locator(
                "#reply-kb button", has_text=T.get("fa", "onboarding-contact-button")
            )
            expect(contact_button).to_be_visible()

            # The contact button shares the persona's own phone; the bot links it.
            contact_button.click()
            expect(page.locator(".msg.out .card")).to_contain_text("۰۹۱۲۳۴۵۶۷۸۹")
            linked = page.locator(".msg.in .text", has_text="ثبت شد")
            expect(linked).to_have_count(1)
            expect(linked).to_contain_text(T.get("fa", "onboarding-linked", phone="۰۹۱۲۳۴۵۶۷۸۹"))
            # The contact button is gone; the main menu of a registered person replaces it.
            expect(
                page.locator("#reply-kb button", has_text=T.get("fa", "onboarding-contact-button"))
            ).to_have_count(0)
            expect(page.locator("#reply-kb button", has_text=T.get("fa", "menu-help"))).to_be_visible()

            # Persian typography: times in Persian digits, bidi-safe text, user right and bot left.
            times = page.locator(".msg .time").all_text_contents()
            assert times and all(re.fullmatch(r"[۰-۹]{1,2}:[۰-۹]{2}", t) for t in times), times
            style = page.locator(".msg.in .text").first.evaluate(
                "n => [getComputedStyle(n).unicodeBidi, getComputedStyle(n).whiteSpace, n.dir]"
            )
            assert style == ["plaintext", "pre-wrap", "auto"], style
            box = page.locator("#messages").bounding_box()
            mine = page.locator(".msg.out .bubble").first.bounding_box()
            bots = page.locator(".msg.in .bubble").first.bounding_box()
            assert box and mine and bots
            assert box["x"] + box["width"] - (mine["x"] + mine["width"]) < 30, (box, mine)
            assert bots["x"] - box["x"] < 30, (box, bots)

            # Another persona receives something: a badge in Persian digits in the switcher.
            bot_id = get_json(f"{sandbox}/sandbox/config.json")["bots"]["bale"]
            name = other["name"].split()
            post_json(
                f"{sandbox}/_emu/bots/{bot_id}/users/{other['user_id']}/text",
                {"text": "/start", "user": {"first_name": name[0], "last_name": " ".join(name[1:])}},
            )
            badge = page.locator(f'#persona-list li[data-key="{other["key"]}"] .badge')
            expect(badge).to_have_text(re.compile("^[۱-۹][۰-۹]*$"))
            page.screenshot(path=str(ARTIFACTS / "web-chat.png"))

            # Switching to it shows its conversation on Bale and clears the badge.
            page.locator(f'#persona-list li[data-key="{other["key"]}"] .persona').click()
            expect(page.locator("#platform-chip")).to_have_text("بله")
            expect_bot_text(page, T.get("fa", "start-welcome", name=name[0]))
            expect(badge).to_have_count(0)

            # A photo from the file picker and a location from the location sheet.
            page.set_input_files(
                "#photo-input",
                files=[{"name": "street.png", "mimeType": "image/png", "buffer": sample_png()}],
            )
            photo = page.locator(".msg.out img.photo")
            expect(photo).to_have_count(1)
            page.wait_for_function("() => document.querySelector('.msg.out img.photo').naturalWidth === 96")
            page.click("#location-btn")
            page.click("#location-form button[type=submit]")
            expect(page.locator(".msg.out .card", has_text="موقعیت مکانی")).to_contain_text("۳۵٫۶۸۹۲")

            # Phone size: the persona list becomes a drawer, closed until asked for.
            page.set_viewport_size({"width": 390, "height": 780})
            page.wait_for_timeout(400)  # the drawer's slide-out transition
            expect(page.locator("#people-toggle")).to_be_visible()
            assert page.locator("#people").bounding_box()["x"] >= 390
            page.screenshot(path=str(ARTIFACTS / "web-chat-mobile.png"))
            assert not problems, problems
        finally:
            browser.close()
