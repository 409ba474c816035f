"""Issue 16 end to end, through the real process and the emulator: a county official creates a
course in the chat, the manager is invited and confirms, attends two of two sessions and
completes it; the official issues the letter and the card; the manager receives both in the chat;
a resident sends /verify with a photo of the card's QR code and is told it is valid, and the
public page says so too; after the role is revoked the same QR says revoked."""

from __future__ import annotations

import io
import socket
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import zxingcpp
from PIL import Image

from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator
from services.clock import utc_now
from services.i18n import Translator
from services.jalali import format_jalali_numeric, tehran_today
from tests.e2e.conftest import TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import cli, onboard, press, say, until

pytestmark = pytest.mark.e2e

T = Translator()
OFFICIAL_PHONE = "09120000051"
MANAGER_PHONE = "09120000052"
RESIDENT_PHONE = "09120000053"
TITLE = "آشنایی با مدیریت محله‌محور"


def fa(key: str, **args: Any) -> str:
    return T.get("fa", key, **args)


def first_line(key: str, **args: Any) -> str:
    return fa(key, **args).split("\n")[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def documents(emulator: BotAPIEmulator, user: int) -> list[bytes]:
    return [
        emulator.files[m["document"]["file_id"]].data
        for m in emulator.sent_messages(TELEGRAM_BOT, user)
        if m.get("document")
    ]


async def create_course(emulator: BotAPIEmulator, official: int) -> None:
    """The official's /new_course form, by typing and pressing as a person would."""
    await say(emulator, TELEGRAM_BOT, official, "/new_course", first_line("course-ask-title"))
    await say(emulator, TELEGRAM_BOT, official, TITLE, fa("course-ask-audience"))
    chosen = fa("course-audience-chosen", role=fa("role-manager"))
    await press(
        emulator,
        TELEGRAM_BOT,
        official,
        fa("role-manager"),
        lambda: any(
            b.get("text") == chosen
            for m in emulator.sent_messages(TELEGRAM_BOT, official)
            for b in emulator.inline_buttons(m)
        ),
    )
    mark = emulator.last_message_id(TELEGRAM_BOT, official)
    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("button-continue"))
    await emulator.wait_for_message(
        TELEGRAM_BOT, official, first_line("course-ask-sessions", example="x"), after=mark
    )
    today = tehran_today(utc_now())
    days = [format_jalali_numeric(today + timedelta(days=n), "en") for n in (10, 17)]
    sessions = f"{days[0]} 16:30 مسجد جامع\n{days[1]} 16:30 سالن فرمانداری"
    await say(
        emulator,
        TELEGRAM_BOT,
        official,
        sessions,
        first_line("course-summary", title="x", place="x", audience="x", sessions="x", share=80),
    )
    mark = emulator.last_message_id(TELEGRAM_BOT, official)
    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("button-save"))
    await emulator.wait_for_message(
        TELEGRAM_BOT, official, fa("course-saved", title=TITLE, audience=fa("role-manager")), after=mark
    )


async def take_attendance(emulator: BotAPIEmulator, official: int, number: int, name: str) -> None:
    mark = emulator.last_message_id(TELEGRAM_BOT, official)
    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("course-button-session", number=number))
    await emulator.wait_for_message(
        TELEGRAM_BOT, official, first_line("course-ask-attendance", number=number, when="x")[:20], after=mark
    )
    present = fa("course-attendee-present", name=name)
    await press(
        emulator,
        TELEGRAM_BOT,
        official,
        fa("course-attendee-absent", name=name),
        lambda: any(
            b.get("text") == present
            for m in emulator.sent_messages(TELEGRAM_BOT, official)
            for b in emulator.inline_buttons(m)
        ),
    )
    mark = emulator.last_message_id(TELEGRAM_BOT, official)
    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("course-button-done"))
    saved = fa("course-attendance-saved", number=number, present=1, completed=number - 1)
    await emulator.wait_for_message(TELEGRAM_BOT, official, saved, after=mark)


async def test_a_course_an_appointment_and_a_card_checked_by_a_resident(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    register_bots(emulator)
    port = free_port()
    # Polling, with the verification page served beside /healthz on OPS_HOST:OPS_PORT.
    bot_process.env.update(
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}", OPS_HOST="127.0.0.1", OPS_PORT=str(port)
    )
    for args in (
        ("import-regions", str(PROJECT_ROOT / "data" / "sample_regions.csv")),
        ("grant", OFFICIAL_PHONE, "county_official", "--county", "شهر ری", "--name", "فرماندار ری"),
        ("grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "زهرا احمدی"),
    ):
        done = cli(bot_process, *args)
        assert done.returncode == 0, done.stdout + done.stderr
    await bot_process.start()
    official, manager, citizen = 51, 52, 53
    await onboard(emulator, TELEGRAM_BOT, official, "فرماندار", OFFICIAL_PHONE)
    await onboard(emulator, TELEGRAM_BOT, manager, "زهرا", MANAGER_PHONE)
    await onboard(emulator, TELEGRAM_BOT, citizen, "رضا", RESIDENT_PHONE)

    await create_course(emulator, official)
    mark = emulator.last_message_id(TELEGRAM_BOT, manager)
    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("course-button-invite"))
    invitation = await emulator.wait_for_message(TELEGRAM_BOT, manager, TITLE, after=mark, timeout=20)
    await emulator.click(
        TELEGRAM_BOT, emulator.user(manager), fa("course-button-confirm"), message_id=invitation["message_id"]
    )
    await emulator.wait_for_message(
        TELEGRAM_BOT, manager, fa("course-answer-confirmed", title=TITLE), after=mark
    )

    await say(emulator, TELEGRAM_BOT, official, "/courses", fa("course-organised-title"))
    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("course-button-open", title=TITLE))
    await emulator.wait_for_message(TELEGRAM_BOT, official, fa("course-participants-title", count=1))
    for number in (1, 2):
        await take_attendance(emulator, official, number, "زهرا احمدی")
    await emulator.wait_for_message(
        TELEGRAM_BOT, manager, fa("course-completed-notice", title=TITLE), timeout=20
    )

    await emulator.click(TELEGRAM_BOT, emulator.user(official), fa("course-button-issue", name="زهرا احمدی"))
    await until(lambda: len(documents(emulator, official)) == 2, timeout=30)
    notice = await emulator.wait_for_message(
        TELEGRAM_BOT, manager, fa("document-issued-notice", numbers="x").split("(")[0], timeout=20
    )
    for label in (fa("document-button-letter"), fa("document-button-card")):
        await emulator.click(TELEGRAM_BOT, emulator.user(manager), label, message_id=notice["message_id"])
    await until(lambda: len(documents(emulator, manager)) == 2, timeout=30)
    letter, card = documents(emulator, manager)
    assert letter.startswith(b"%PDF")
    [link] = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(card)))]
    assert link.startswith(f"http://127.0.0.1:{port}/verify/")

    # A resident photographs the card (a JPEG, as a phone's camera makes) and asks.
    photo = io.BytesIO()
    Image.open(io.BytesIO(card)).convert("RGB").save(photo, format="JPEG", quality=70)
    mark = emulator.last_message_id(TELEGRAM_BOT, citizen)
    await emulator.send_photo(TELEGRAM_BOT, emulator.user(citizen), photo.getvalue(), caption="/verify")
    valid = await emulator.wait_for_message(
        TELEGRAM_BOT,
        citizen,
        first_line(
            "verify-valid", name="x", role="x", neighbourhood="x", county="x", number="x", expires="x"
        ),
        after=mark,
        timeout=20,
    )
    assert "زهرا احمدی" in valid["text"] and "۰۹۱۲" not in valid["text"]
    async with aiohttp.ClientSession() as http, http.get(link) as response:
        page = await response.text()
    assert response.status == 200 and fa("verify-page-valid") in page and "زهرا احمدی" in page

    revoked = cli(bot_process, "revoke", MANAGER_PHONE, "manager", "--neighbourhood", "1001")
    assert revoked.returncode == 0, revoked.stdout + revoked.stderr
    mark = emulator.last_message_id(TELEGRAM_BOT, citizen)
    await emulator.send_photo(TELEGRAM_BOT, emulator.user(citizen), photo.getvalue(), caption="/verify")
    await emulator.wait_for_message(
        TELEGRAM_BOT,
        citizen,
        first_line(
            "verify-revoked", name="x", role="x", neighbourhood="x", county="x", number="x", expires="x"
        ),
        after=mark,
        timeout=20,
    )
    verdict = cli(bot_process, "verify", link)
    assert verdict.returncode == 1 and verdict.stdout.startswith("revoked\tزهرا احمدی\tmanager")
