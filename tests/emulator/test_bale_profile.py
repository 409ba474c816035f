"""The emulator's Bale profile (`Quirks.bale()`), one quirk at a time, through a real aiogram Bot
over HTTP: Markdown always, stray markers refused, stub edit answers, url-only webhooks, plain reply
keyboards, missing methods and 52-bit ids."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import ClientDecodeError, TelegramBadRequest, TelegramNotFound
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from emulator import BotAPIEmulator, Quirks
from emulator.formatting import parse_bale_markdown
from emulator.media import TINY_PNG

from .conftest import BALE_TOKEN, make_bot

# Bale ids may use up to 52 bits.
BALE_USER = 2**52 - 7


async def _raw(base_url: str, token: str, method: str, **payload: Any) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base_url}/bot{token}/{method}", json=payload) as resp,
    ):
        return resp.status, await resp.json()


def test_the_bale_profile_turns_every_quirk_on() -> None:
    quirks = Quirks.bale()
    assert quirks.markdown_text and quirks.reject_unbalanced_markdown and quirks.edit_text_stub
    assert quirks.webhook_url_only and quirks.plain_reply_keyboard and quirks.ignore_webhook_secret
    assert {"setmycommands", "sendchataction", "setmyname"} <= quirks.unsupported_methods
    assert not Quirks().any


async def test_text_is_always_markdown(emu: BotAPIEmulator, bale_bot: Bot) -> None:
    emu.user(BALE_USER, "Ali")
    sent = await bale_bot.send_message(BALE_USER, "*آب* قطع است، _فوری_ `۱۲۳` [نقشه](https://ble.ir/x)")
    assert sent.text == "آب قطع است، فوری ۱۲۳ نقشه"
    assert [e.type for e in sent.entities or []] == ["bold", "italic", "code", "text_link"]
    # No parse_mode on Bale: HTML is just text, whatever the request says.
    html = await bale_bot.send_message(BALE_USER, "<b>x</b>", parse_mode="HTML")
    assert html.text == "<b>x</b>" and not html.entities
    stored = emu.sent_messages(BALE_TOKEN, BALE_USER)
    assert [m["text"] for m in stored] == [sent.text, "<b>x</b>"]


async def test_markers_inside_words_and_links_are_text(emu: BotAPIEmulator, bale_bot: Bot) -> None:
    emu.user(BALE_USER, "Ali")
    text = "https://ble.ir/mahalleyar_bot?start=n_1001 ‎/add_member 2*3 a_b _ * lone"
    assert (await bale_bot.send_message(BALE_USER, text)).text == text


@pytest.mark.parametrize("stray", ["*urgent", "note _this", "a `tick", "see [1"])
async def test_a_stray_marker_is_refused(emu: BotAPIEmulator, bale_bot: Bot, stray: str) -> None:
    emu.user(BALE_USER, "Ali")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bale_bot.send_message(BALE_USER, stray)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bale_bot.send_photo(BALE_USER, BufferedInputFile(TINY_PNG, "a.png"), caption=stray)
    assert emu.sent_messages(BALE_TOKEN, BALE_USER) == []


async def test_telegram_and_a_lenient_profile_keep_stray_markers(
    emu: BotAPIEmulator, base_url: str, bot: Bot
) -> None:
    emu.user(BALE_USER, "Ali")
    assert (await bot.send_message(BALE_USER, "*urgent")).text == "*urgent"
    emu.add_bot("333:lenient", quirks=Quirks(markdown_text=True))
    lenient = make_bot(base_url, "333:lenient")
    try:
        assert (await lenient.send_message(BALE_USER, "*urgent _x_")).text == "*urgent x"
    finally:
        await lenient.session.close()
    assert parse_bale_markdown("*a", strict=False) == ("*a", [])


async def test_edit_message_text_answers_a_stub(emu: BotAPIEmulator, base_url: str, bale_bot: Bot) -> None:
    emu.user(BALE_USER, "Ali")
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="›", callback_data="p:2")]])
    sent = await bale_bot.send_message(BALE_USER, "page 1", reply_markup=keyboard)
    status, body = await _raw(
        base_url,
        BALE_TOKEN,
        "editMessageText",
        chat_id=BALE_USER,
        message_id=sent.message_id,
        text="page *2*",
        reply_markup=keyboard.model_dump(exclude_none=True),
    )
    assert status == 200 and body == {"ok": True, "result": {"message_id": 0}}
    # The edit is made all the same (and its text read as Markdown).
    (edited,) = emu.sent_messages(BALE_TOKEN, BALE_USER)
    assert edited["text"] == "page 2" and edited["reply_markup"]["inline_keyboard"]
    # A stray marker in an edit is refused like in a send.
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bale_bot.edit_message_text("page *3", chat_id=BALE_USER, message_id=sent.message_id)
    # Plain aiogram cannot read the stub as a Message: the bot's session must settle it.
    with pytest.raises(ClientDecodeError):
        await bale_bot.edit_message_text("page 3", chat_id=BALE_USER, message_id=sent.message_id)


async def test_set_webhook_reads_only_the_url(emu: BotAPIEmulator, bale_bot: Bot) -> None:
    user = emu.user(BALE_USER, "Ali")
    await emu.send_text(BALE_TOKEN, user, "/start")
    assert await bale_bot.set_webhook(
        "http://127.0.0.1:9/hook", secret_token="s3cret", drop_pending_updates=True
    )
    state = emu.get_bot(BALE_TOKEN)
    assert state.webhook_url == "http://127.0.0.1:9/hook" and state.webhook_secret == ""
    assert len(state.pending) == 1  # drop_pending_updates was not read either
    assert (await bale_bot.get_webhook_info()).url == "http://127.0.0.1:9/hook"
    assert await bale_bot.delete_webhook()


async def test_reply_keyboard_is_only_its_buttons(emu: BotAPIEmulator, bale_bot: Bot) -> None:
    user = emu.user(BALE_USER, "Ali", phone="989121234567")
    markup = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="📱 share", request_contact=True)], [KeyboardButton(text="help")]],
        resize_keyboard=True,
        one_time_keyboard=True,
        is_persistent=True,
        input_field_placeholder="…",
    )
    await bale_bot.send_message(BALE_USER, "your number?", reply_markup=markup)
    assert emu.reply_keyboard(BALE_TOKEN, user) == {
        "keyboard": [[{"text": "📱 share", "request_contact": True}], [{"text": "help"}]]
    }
    # The contact button still shares the contact.
    update = await emu.click(BALE_TOKEN, user, "📱 share")
    contact = update["message"]["contact"]
    assert contact["user_id"] == BALE_USER and contact["phone_number"] == "989121234567"


async def test_missing_methods_answer_404(base_url: str, bale_bot: Bot) -> None:
    with pytest.raises(TelegramNotFound):
        await bale_bot.set_my_name("x")
    with pytest.raises(TelegramNotFound):
        await bale_bot.set_my_description("x")
    status, _ = await _raw(base_url, BALE_TOKEN, "setMyShortDescription", short_description="x")
    assert status == 404


async def test_52_bit_ids_round_trip(emu: BotAPIEmulator, base_url: str, bale_bot: Bot) -> None:
    user = emu.user(BALE_USER, "Ali")
    await emu.send_text(BALE_TOKEN, user, "hello")
    status, body = await _raw(base_url, BALE_TOKEN, "getUpdates", timeout=0)
    assert status == 200
    (update,) = body["result"]
    assert update["message"]["from"]["id"] == BALE_USER == update["message"]["chat"]["id"]
    sent = await bale_bot.send_message(BALE_USER, "hi")
    assert sent.chat.id == BALE_USER and BALE_USER > 2**40
