"""Issue 4 end to end, as people would do it, through the real process and the emulator:
an operator imports regions and appoints a manager by phone; the manager registers six committee
heads in the chat; one head starts the bot on Bale, shares their contact and is recognised; a
resident joins by the neighbourhood's deep link on Telegram."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT
from emulator import BotAPIEmulator
from models import STANDING_COMMITTEES, CommitteeKey
from services.i18n import Translator
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots

pytestmark = pytest.mark.e2e

T = Translator()
MANAGER_PHONE = "09120000021"
HEADS = [(committee, f"رئیس {i}", f"0912333000{i}") for i, committee in enumerate(STANDING_COMMITTEES)]


def cli(bot_process: BotProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=bot_process.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def until(condition: Callable[[], Any], timeout: float = 10.0) -> Any:
    async with asyncio.timeout(timeout):
        while not (result := condition()):  # noqa: ASYNC110 (watches another process)
            await asyncio.sleep(0.05)
    return result


def last_text(emulator: BotAPIEmulator, bot: int, chat: int) -> str:
    messages = emulator.sent_messages(bot, chat)
    return messages[-1].get("text", "") if messages else ""


async def say(emulator: BotAPIEmulator, bot: int, user: int, text: str, expect: str) -> None:
    mark = emulator.last_message_id(bot, user)
    await emulator.send_text(bot, emulator.user(user), text)
    await emulator.wait_for_message(bot, user, expect, after=mark)


async def press(emulator: BotAPIEmulator, bot: int, user: int, label: str, then: Callable[[], Any]) -> None:
    await emulator.click(bot, emulator.user(user), label)
    await until(then)


async def onboard(
    emulator: BotAPIEmulator, bot: int, user: int, name: str, phone: str, start: str = "/start"
) -> str:
    """/start, فارسی, then the contact button, as a person would; returns the bot's answer."""
    emulator.user(user, name, language_code="fa", phone=phone)
    await say(emulator, bot, user, start, T.get("fa", "lang-choose"))
    await press(
        emulator, bot, user, T.get("fa", "lang-button-fa"), lambda: emulator.reply_keyboard(bot, user)
    )
    mark = emulator.last_message_id(bot, user)
    await emulator.click(bot, emulator.user(user), T.get("fa", "onboarding-contact-button"))
    reply = await emulator.wait_for_message(
        bot, user, T.get("fa", "onboarding-linked", phone=phone)[:8], after=mark
    )
    await asyncio.sleep(0.3)  # a deep-link answer may follow the welcome
    return "\n".join(
        m["text"] for m in emulator.sent_messages(bot, user) if m["message_id"] >= reply["message_id"]
    )


def shows(emulator: BotAPIEmulator, user: int, check: Callable[[str], bool]) -> Callable[[], bool]:
    """A condition: the newest message the Telegram bot sent `user` passes `check`."""
    return lambda: check(last_text(emulator, TELEGRAM_BOT, user))


def ticked(emulator: BotAPIEmulator, user: int, label: str) -> Callable[[], bool]:
    """A condition: the newest message carries an inline button `label` marked as chosen."""

    def check() -> bool:
        rows = (
            emulator.sent_messages(TELEGRAM_BOT, user)[-1].get("reply_markup", {}).get("inline_keyboard", [])
        )
        return any(button["text"] == f"✅ {label}" for row in rows for button in row)

    return check


async def register_head(
    emulator: BotAPIEmulator, manager: int, committee: CommitteeKey, name: str, phone: str
) -> None:
    """The manager fills /add_member for one committee head, pressing buttons by their labels."""
    label = T.get("fa", f"committee-{committee.value}")
    await say(emulator, TELEGRAM_BOT, manager, "/add_member", T.get("fa", "member-ask-name"))
    await say(emulator, TELEGRAM_BOT, manager, name, T.get("fa", "member-ask-phone", name=name))
    await say(emulator, TELEGRAM_BOT, manager, phone, T.get("fa", "member-ask-position", name=name))
    asks_committees = T.get("fa", "member-ask-committees", name=name)
    await press(
        emulator,
        TELEGRAM_BOT,
        manager,
        T.get("fa", "position-member"),
        shows(emulator, manager, asks_committees.__eq__),
    )
    await press(emulator, TELEGRAM_BOT, manager, label, ticked(emulator, manager, label))
    asks_head = T.get("fa", "member-ask-head", name=name)
    await press(
        emulator,
        TELEGRAM_BOT,
        manager,
        T.get("fa", "button-continue"),
        shows(emulator, manager, asks_head.__eq__),
    )
    asks_code = T.get("fa", "member-ask-national-code", name=name)
    await press(emulator, TELEGRAM_BOT, manager, label, shows(emulator, manager, asks_code.__eq__))
    summary_first_line = T.get(
        "fa", "member-summary", name=name, phone="", position="", committees="", head="", code=""
    ).splitlines()[0]
    await press(
        emulator,
        TELEGRAM_BOT,
        manager,
        T.get("fa", "button-skip"),
        shows(emulator, manager, lambda text: text.startswith(summary_first_line) and name in text),
    )
    saved = T.get("fa", "member-saved", name=name).splitlines()[0]
    await press(
        emulator,
        TELEGRAM_BOT,
        manager,
        T.get("fa", "button-save"),
        shows(emulator, manager, lambda text: text.startswith(saved)),
    )


async def test_regions_manager_heads_and_a_resident(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    imported = cli(bot_process, "import-regions", str(PROJECT_ROOT / "data" / "sample_regions.csv"))
    assert imported.returncode == 0, imported.stdout + imported.stderr
    granted = cli(
        bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر محله"
    )
    assert granted.returncode == 0, granted.stdout + granted.stderr
    register_bots(emulator)
    await bot_process.start()

    manager = 81
    answer = await onboard(emulator, TELEGRAM_BOT, manager, "مدیر", MANAGER_PHONE)
    assert T.get("fa", "role-manager") in answer

    for committee, name, phone in HEADS:
        await register_head(emulator, manager, committee, name, phone)

    await say(emulator, TELEGRAM_BOT, manager, "/members", T.get("fa", "staffing-title"))
    listing = last_text(emulator, TELEGRAM_BOT, manager)
    assert T.get("fa", "staffing-no-head") not in listing
    for _committee, name, _phone in HEADS:
        assert name in listing

    # One head opens the bot on Bale and is recognised from the phone the manager registered.
    _committee, head_name, head_phone = HEADS[0]
    answer = await onboard(emulator, BALE_BOT, 82, head_name, head_phone)
    assert T.get("fa", "role-committee_head") in answer

    # A resident joins through the neighbourhood's deep link on Telegram.
    answer = await onboard(emulator, TELEGRAM_BOT, 83, "ساکن", "09124440000", start="/start n_1001")
    assert T.get("fa", "join-done", name="دولت‌آباد") in answer
