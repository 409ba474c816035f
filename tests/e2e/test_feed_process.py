"""Issue 6 (actions and the feed) end to end, through the real process and the emulator, as people
would do it: the manager logs a public action with /action pressing buttons; a resident on
Telegram sees it in /feed and comments; three other residents report the comment, the manager is
told, and a fourth resident no longer sees it."""

from __future__ import annotations

from typing import Any

import pytest

from emulator import BotAPIEmulator
from tests.e2e.conftest import TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_council_process import T, cli, onboard, say

pytestmark = pytest.mark.e2e

MANAGER, AUTHOR = 81, 82
REPORTERS = (83, 84, 85)
FOURTH = 86
MANAGER_PHONE = "09120000041"
TITLE = "کاشت نهال در بوستان محله"
COMMENT = "کار خوبی بود ولی نهال‌ها آب ندارند"


def fa(key: str, **args: object) -> str:
    return T.get("fa", key, **args)


async def click(emulator: BotAPIEmulator, user: int, label: str, expect: str) -> dict[str, Any]:
    """Press a button by its label and wait for the bot's next message containing `expect`."""
    mark = emulator.last_message_id(TELEGRAM_BOT, user)
    await emulator.click(TELEGRAM_BOT, emulator.user(user), label)
    return await emulator.wait_for_message(TELEGRAM_BOT, user, expect, after=mark)


async def alert_after_click(emulator: BotAPIEmulator, user: int, label: str) -> str:
    update = await emulator.click(TELEGRAM_BOT, emulator.user(user), label)
    answer = await emulator.wait_for_callback_answer(TELEGRAM_BOT, update["callback_query"]["id"])
    return str(answer.get("text", ""))


async def open_comments(emulator: BotAPIEmulator, user: int, count: int, expect: str) -> dict[str, Any]:
    await say(emulator, TELEGRAM_BOT, user, "/feed", TITLE)
    return await click(emulator, user, fa("feed-button-show-comments", count=count), expect)


async def test_a_public_action_reaches_the_feed_and_three_reports_hide_a_comment(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    assert cli(bot_process, "import-regions", "data/sample_regions.csv").returncode == 0
    granted = cli(bot_process, "grant", MANAGER_PHONE, "manager", "--neighbourhood", "1001", "--name", "مدیر")
    assert granted.returncode == 0, granted.stderr
    register_bots(emulator)
    await bot_process.start()
    await onboard(emulator, TELEGRAM_BOT, MANAGER, "مدیر", MANAGER_PHONE)
    names = ("زهرا", "علی", "مریم", "رضا", "سارا")
    for i, user in enumerate((AUTHOR, *REPORTERS, FOURTH)):
        await onboard(emulator, TELEGRAM_BOT, user, names[i], f"091244400{50 + i}", start="/start n_1001")

    # The manager logs the action, pressing buttons as a person would.
    await say(emulator, TELEGRAM_BOT, MANAGER, "/action", fa("action-ask-title", min=3, max=200))
    await say(emulator, TELEGRAM_BOT, MANAGER, TITLE, fa("action-ask-description", max=2000))
    await say(emulator, TELEGRAM_BOT, MANAGER, "با همکاری شهرداری و مدرسهٔ محله", fa("action-ask-committee"))
    await click(emulator, MANAGER, fa("committee-environment"), fa("action-ask-programme"))
    await click(emulator, MANAGER, fa("programme-karamat"), fa("action-ask-date", example="")[:30])
    await click(emulator, MANAGER, fa("action-button-today"), fa("action-ask-photos", max=5))
    mark = emulator.last_message_id(TELEGRAM_BOT, MANAGER)
    await emulator.send_photo(TELEGRAM_BOT, emulator.user(MANAGER))
    await emulator.wait_for_message(
        TELEGRAM_BOT, MANAGER, fa("action-photo-added", count=1, max=5), after=mark
    )
    await click(emulator, MANAGER, fa("action-button-photos-done"), fa("action-ask-visibility"))
    summary = await click(emulator, MANAGER, fa("action-button-public"), fa("action-summary-head"))
    assert fa("action-summary-photos", count=1) in summary["text"]
    await click(emulator, MANAGER, fa("action-button-save"), fa("action-logged-public", title=TITLE))

    # A resident sees it in /feed and comments.
    await say(emulator, TELEGRAM_BOT, AUTHOR, "/feed", fa("feed-action-title", title=TITLE))
    card = emulator.sent_messages(TELEGRAM_BOT, AUTHOR)[-1]["text"]
    assert fa("feed-action-committee", committee=fa("committee-environment")) in card
    assert fa("feed-action-counts", photos=1, comments=0) in card
    await click(emulator, AUTHOR, fa("feed-button-comment"), fa("feed-ask-comment", title=TITLE, max=1000))
    await say(emulator, TELEGRAM_BOT, AUTHOR, COMMENT, fa("feed-comment-added"))

    # Three other residents report it; the third report hides it and the manager is told once.
    mark_manager = emulator.last_message_id(TELEGRAM_BOT, MANAGER)
    for i, reporter in enumerate(REPORTERS):
        shown = await open_comments(emulator, reporter, 1, COMMENT)
        # The author by first name only.
        assert shown["text"].startswith("💬 زهرا — ")
        answer = await alert_after_click(emulator, reporter, fa("feed-button-report"))
        assert answer == fa("feed-report-hidden" if i == 2 else "feed-report-reported")
    notice = await emulator.wait_for_message(TELEGRAM_BOT, MANAGER, COMMENT, after=mark_manager, timeout=15)
    assert fa("feed-button-restore") in str(notice.get("reply_markup"))

    # A fourth resident no longer sees the comment.
    await open_comments(emulator, FOURTH, 0, fa("feed-comments-none", title=TITLE))
    assert all(COMMENT not in m.get("text", "") for m in emulator.sent_messages(TELEGRAM_BOT, FOURTH))
