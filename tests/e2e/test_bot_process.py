"""The real process, both platforms, over real HTTP: /start, /lang, restarts, odd servers, duplicates."""

from __future__ import annotations

import asyncio

import pytest

from emulator import BotAPIEmulator, Quirks
from services.i18n import Translator
from tests.e2e.conftest import BALE_BOT, BALE_TOKEN, TELEGRAM_BOT, TELEGRAM_TOKEN, BotProcess

pytestmark = pytest.mark.e2e

T = Translator()


def register_bots(emulator: BotAPIEmulator, *, odd_telegram: bool = False) -> None:
    emulator.add_bot(
        TELEGRAM_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="telegram", odd=odd_telegram
    )
    emulator.add_bot(BALE_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="bale", odd=True)


async def start_and_choose(emulator: BotAPIEmulator, bot: int, user_id: int, code: str) -> None:
    """/start, then press the language button; ends waiting for the contact."""
    user = emulator.user(user_id, "Zahra", language_code="fa")
    await emulator.send_text(bot, user, "/start")
    await emulator.wait_for_message(bot, user_id, T.get("fa", "start-welcome", name="Zahra"))
    choose = await emulator.wait_for_message(bot, user_id, T.get("fa", "lang-choose"))
    await emulator.press_button(bot, user, choose["message_id"], f"lang:{code}:1")
    await emulator.wait_for_message(bot, user_id, T.get(code, "lang-set"))
    await emulator.wait_for_message(bot, user_id, T.get(code, "onboarding-share-contact"))


@pytest.mark.parametrize("bot", [TELEGRAM_BOT, BALE_BOT], ids=["telegram", "bale"])
async def test_start_and_lang_on_each_platform(
    emulator: BotAPIEmulator, bot_process: BotProcess, bot: int
) -> None:
    register_bots(emulator)
    await bot_process.start()
    await start_and_choose(emulator, bot, 11, "fa")
    user = emulator.user(11)
    await emulator.send_text(bot, user, "/lang")
    choose = await emulator.wait_for_message(
        bot, 11, T.get("fa", "lang-choose"), after=emulator.last_message_id(bot, 11)
    )
    await emulator.press_button(bot, user, choose["message_id"], "lang:en:0")
    await emulator.wait_for_message(bot, 11, T.get("en", "lang-set"))
    mark = emulator.last_message_id(bot, 11)
    await emulator.send_text(bot, user, "/help")
    reply = await emulator.wait_for_message(bot, 11, after=mark)
    assert reply["text"].startswith("Mahalleyar help")
    sends = emulator.calls_for("sendMessage", bot)
    assert sends and all("parse_mode" not in call.params for call in sends)


async def test_conversation_state_survives_a_killed_process(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    register_bots(emulator)
    await bot_process.start()
    await start_and_choose(emulator, TELEGRAM_BOT, 21, "fa")
    await start_and_choose(emulator, BALE_BOT, 22, "en")
    bot_process.kill()
    await bot_process.start()
    for bot, user_id, locale in ((TELEGRAM_BOT, 21, "fa"), (BALE_BOT, 22, "en")):
        mark = emulator.last_message_id(bot, user_id)
        await emulator.send_contact(bot, emulator.user(user_id), f"+98912000{user_id:04d}", own=True)
        linked = await emulator.wait_for_message(bot, user_id, after=mark)
        assert linked["text"].startswith(T.get(locale, "onboarding-linked", phone=f"0912000{user_id:04d}")), (
            linked
        )


async def test_odd_server_missing_fields_and_rejected_methods(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    register_bots(emulator, odd_telegram=True)
    await bot_process.start()
    # setMyCommands was tried on the Telegram bot and rejected; the bot carried on.
    rejected = emulator.calls_for("setMyCommands", TELEGRAM_BOT)
    assert rejected and all(not call.ok for call in rejected)
    # getMe lacked is_bot, callbacks lack chat_instance, users lack is_bot: still answered.
    await start_and_choose(emulator, TELEGRAM_BOT, 31, "en")
    await start_and_choose(emulator, BALE_BOT, 32, "fa")


async def test_a_duplicated_update_is_handled_once(emulator: BotAPIEmulator, bot_process: BotProcess) -> None:
    register_bots(emulator)
    await bot_process.start()
    user = emulator.user(41, "Ali", language_code="en")
    await emulator.send_text(TELEGRAM_BOT, user, "/help")
    await emulator.wait_for_message(TELEGRAM_BOT, 41, "Mahalleyar help")
    emulator.duplicate_last_update(TELEGRAM_BOT)
    await emulator.wait_until_consumed(TELEGRAM_BOT)
    # A later update proves the duplicate was processed (and skipped) before it.
    await emulator.send_text(TELEGRAM_BOT, user, "/cancel")
    await emulator.wait_for_message(TELEGRAM_BOT, 41, T.get("en", "cancel-nothing"))
    await asyncio.sleep(0.3)
    helps = [m for m in emulator.sent_messages(TELEGRAM_BOT, 41) if m["text"].startswith("Mahalleyar help")]
    assert len(helps) == 1


async def test_unsupported_quirk_combination_still_starts(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    emulator.add_bot(
        TELEGRAM_TOKEN,
        username="mahalleyar_bot",
        first_name="محله‌یار",
        platform="telegram",
        quirks=Quirks.bale(),
        unsupported_methods=("deleteWebhook",),
    )
    emulator.add_bot(BALE_TOKEN, username="mahalleyar_bot", first_name="محله‌یار", platform="bale", odd=True)
    await bot_process.start()
    await start_and_choose(emulator, TELEGRAM_BOT, 51, "fa")
