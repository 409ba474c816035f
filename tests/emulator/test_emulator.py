"""Tests of the Telegram Bot API emulator, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import base64
import time
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from emulator import BotAPIEmulator, peak_rate, peak_rate_per_chat, start_emulator
from emulator.__main__ import build_parser, configure
from emulator.formatting import parse_html, parse_markdown_v2
from emulator.media import TINY_PNG

from .conftest import BALE_TOKEN, TG_TOKEN, make_bot

USER_ID = 5001


async def _raw(base_url: str, token: str, method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base_url}/bot{token}/{method}", **kwargs) as resp,
    ):
        return resp.status, await resp.json()


# --------------------------------------------------------------------------- basics
async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 111
    assert me.is_bot is True
    assert me.username == "mahalleyar_bot"


async def test_odd_get_me_lacks_is_bot(base_url: str) -> None:
    status, body = await _raw(base_url, BALE_TOKEN, "getMe")
    assert status == 200 and body["ok"] is True
    assert "is_bot" not in body["result"]
    assert "can_join_groups" not in body["result"]
    assert body["result"]["id"] == 222


async def test_unknown_token_and_method(base_url: str, bot: Bot) -> None:
    status, body = await _raw(base_url, "999:nope", "getMe")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    status, body = await _raw(base_url, TG_TOKEN, "fooBar")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
    stranger = make_bot(base_url, "111:wrong-secret")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_auto_register() -> None:
    emu, runner, base_url = await start_emulator(auto_register=True)
    try:
        status, body = await _raw(base_url, "777:anything", "getMe")
        assert status == 200 and body["result"]["id"] == 777
        assert emu.get_bot(777).token == "777:anything"
        status, _ = await _raw(base_url, "not-a-token", "getMe")
        assert status == 401
    finally:
        await runner.cleanup()


async def test_method_names_case_insensitive_and_get_query(base_url: str) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{base_url}/bot{TG_TOKEN}/GETME") as resp:
        assert resp.status == 200
        assert (await resp.json())["result"]["username"] == "mahalleyar_bot"


# ------------------------------------------------------------------------ messages
async def test_send_message_to_known_user(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali", username="ali")
    await emu.send_text(TG_TOKEN, user, "سلام")
    msg = await bot.send_message(USER_ID, "خوش آمدید")
    assert msg.chat.id == USER_ID
    assert msg.message_id == 2  # the user's message got id 1 in this chat
    assert msg.from_user is not None and msg.from_user.is_bot
    sent = emu.sent_messages(TG_TOKEN, USER_ID)
    assert [m["text"] for m in sent] == ["خوش آمدید"]
    assert emu.sent_messages(111) == sent
    assert sent[0]["chat"] == {"id": USER_ID, "type": "private", "first_name": "Ali", "username": "ali"}
    call = emu.calls_for("sendMessage")[-1]
    assert call.status == 200 and call.params["chat_id"] == USER_ID


async def test_send_message_unknown_chat(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(424242, "hi")


async def test_blocked_user(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali", blocked=True)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hi")
    emu.set_blocked(USER_ID, False)
    emu.set_blocked(USER_ID, True, bot=TG_TOKEN)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(USER_ID, "hi")


async def test_multipart_reply_markup_decoded(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="تایید", callback_data="confirm:1")]]
    )
    msg = await bot.send_message(USER_ID, "Confirm?", reply_markup=markup)
    assert msg.reply_markup is not None
    stored = emu.sent_messages(TG_TOKEN, USER_ID)[-1]
    assert isinstance(stored["reply_markup"], dict)
    assert stored["reply_markup"]["inline_keyboard"][0][0] == {"text": "تایید", "callback_data": "confirm:1"}
    assert isinstance(emu.calls_for("sendMessage")[-1].params["reply_markup"], dict)


async def test_reply_keyboard_kept_in_store_but_not_in_response(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    kb = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="ارسال شماره", request_contact=True)]])
    msg = await bot.send_message(USER_ID, "Share your phone", reply_markup=kb)
    assert msg.reply_markup is None  # Telegram only echoes inline keyboards
    assert emu.sent_messages(TG_TOKEN, USER_ID)[-1]["reply_markup"]["keyboard"][0][0]["request_contact"]
    assert emu.reply_keyboard(TG_TOKEN, USER_ID) is not None
    update = await emu.click(TG_TOKEN, USER_ID, "ارسال شماره")
    assert update["message"]["contact"]["user_id"] == USER_ID


async def test_invalid_callback_data_rejected(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="y" * 65)]])
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(USER_ID, "bad", reply_markup=markup)


async def test_html_parse_mode_gives_plain_text_and_entities(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    msg = await bot.send_message(USER_ID, "<b>سلام</b> &amp; <i>hi</i>", parse_mode="HTML")
    assert msg.text == "سلام & hi"
    assert msg.entities is not None
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [("bold", 0, 4), ("italic", 7, 2)]
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER_ID, "<div>x</div>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(USER_ID, "<b>unclosed", parse_mode="HTML")


def test_formatting_helpers() -> None:
    assert parse_html('<a href="https://x.org">x</a>😀<code>c</code>') == (
        "x😀c",
        [
            {"offset": 0, "type": "text_link", "url": "https://x.org", "length": 1},
            {"offset": 3, "type": "code", "length": 1},
        ],
    )
    text, entities = parse_markdown_v2(r"*bold* and \. done")
    assert text == "bold and . done"
    assert entities == [{"type": "bold", "offset": 0, "length": 4}]
    with pytest.raises(Exception, match="reserved"):
        parse_markdown_v2("1.5")


async def test_edit_and_delete(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="a", callback_data="a")]])
    msg = await bot.send_message(USER_ID, "one", reply_markup=markup)
    edited = await bot.edit_message_text(text="two", chat_id=USER_ID, message_id=msg.message_id)
    assert isinstance(edited, Message) and edited.text == "two"
    stored = emu.sent_messages(TG_TOKEN, USER_ID)[-1]
    assert stored["text"] == "two" and "edit_date" in stored
    assert "reply_markup" not in stored  # editMessageText without markup drops the keyboard
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(text="two", chat_id=USER_ID, message_id=msg.message_id)
    await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=msg.message_id, reply_markup=markup)
    assert emu.sent_messages(TG_TOKEN, USER_ID)[-1]["reply_markup"] == markup.model_dump(exclude_none=True)
    assert await bot.delete_message(USER_ID, msg.message_id) is True
    assert emu.sent_messages(TG_TOKEN, USER_ID) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER_ID, msg.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=USER_ID, message_id=999)


async def test_photo_upload_get_file_and_download(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    msg = await bot.send_photo(
        USER_ID, BufferedInputFile(TINY_PNG, filename="p.png"), caption="<b>عکس</b>", parse_mode="HTML"
    )
    assert msg.photo and msg.photo[-1].width == 1 and msg.caption == "عکس"
    file = await bot.get_file(msg.photo[-1].file_id)
    assert file.file_path
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == TINY_PNG
    # Re-sending by file_id reuses the stored sizes.
    again = await bot.send_photo(USER_ID, msg.photo[-1].file_id)
    assert again.photo is not None and again.photo[-1].file_id == msg.photo[-1].file_id
    doc = await bot.send_document(USER_ID, BufferedInputFile(b"a,b\n1,2\n", filename="report.csv"))
    assert doc.document is not None and doc.document.file_name == "report.csv"
    assert doc.document.mime_type == "text/csv"
    loc = await bot.send_location(USER_ID, 35.7, 51.4)
    assert loc.location is not None and loc.location.latitude == pytest.approx(35.7)
    assert await bot.send_chat_action(USER_ID, "typing") is True
    assert len(emu.sent_messages(TG_TOKEN, USER_ID)) == 4
    # What arrived, as the bot uploaded it: names and bytes of each part, and the stored files.
    assert [(u.filename, u.data) for u in emu.uploads(bot=TG_TOKEN, chat_id=USER_ID)] == [
        ("p.png", TINY_PNG),
        ("report.csv", b"a,b\n1,2\n"),
    ]
    assert [u.filename for u in emu.uploads("sendDocument", accepted=True)] == ["report.csv"]
    photo_msg, _again, doc_msg, _loc = emu.sent_messages(TG_TOKEN, USER_ID)
    photo_file, doc_file = emu.file_of(photo_msg), emu.file_of(doc_msg)
    assert photo_file is not None and photo_file.data == TINY_PNG
    assert doc_file is not None and (doc_file.file_name, doc_file.data) == ("report.csv", b"a,b\n1,2\n")
    assert emu.file_of(_loc) is None


async def test_user_sent_media(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali", phone="989121234567")
    await emu.send_contact(TG_TOKEN, user)
    await emu.send_contact(TG_TOKEN, user, "989120000000", own=False)
    await emu.send_photo(TG_TOKEN, user, caption="pothole")
    await emu.send_location(TG_TOKEN, user, 35.7, 51.4)
    await emu.send_sticker(TG_TOKEN, user)
    updates = await bot.get_updates(timeout=0)
    msgs = [u.message for u in updates]
    assert all(m is not None for m in msgs)
    assert msgs[0] and msgs[0].contact and msgs[0].contact.user_id == USER_ID
    assert msgs[0].contact.phone_number == "989121234567"
    assert msgs[1] and msgs[1].contact and msgs[1].contact.user_id is None
    assert msgs[2] and msgs[2].photo and msgs[2].caption == "pothole"
    assert msgs[3] and msgs[3].location and msgs[3].location.longitude == pytest.approx(51.4)
    assert msgs[4] and msgs[4].sticker and msgs[4].text is None
    photo_file = await bot.get_file(msgs[2].photo[-1].file_id)
    assert photo_file.file_size == len(TINY_PNG)


# ------------------------------------------------------------------------- updates
async def test_long_poll_wakes_quickly(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.3)
    assert not poll.done()
    sent_at = time.monotonic()
    await emu.send_text(TG_TOKEN, user, "/start")
    updates = await poll
    latency = time.monotonic() - sent_at
    assert latency < 0.1, latency
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start"
    assert message.entities and message.entities[0].type == "bot_command"


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2


async def test_a_second_poller_gets_409_when_conflicts_are_on(emu: BotAPIEmulator, bot: Bot) -> None:
    from aiogram.exceptions import TelegramConflictError

    emu.polling_conflicts = True
    first = asyncio.create_task(bot.get_updates(timeout=2))
    await asyncio.sleep(0.2)
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await bot.get_updates(timeout=0)
    assert await first == []
    assert await bot.get_updates(timeout=0) == []  # one at a time is fine
    assert [c.status for c in emu.calls_for("getUpdates")].count(409) == 1


async def test_offset_confirms(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali")
    for text in ("a", "b", "c"):
        await emu.send_text(TG_TOKEN, user, text)
    first = await bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["a", "b", "c"]
    again = await bot.get_updates(timeout=0)  # unconfirmed -> delivered again
    assert [u.update_id for u in again] == [u.update_id for u in first]
    partial = await bot.get_updates(offset=first[1].update_id, timeout=0)
    assert [u.message.text for u in partial if u.message] == ["b", "c"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert rest == []
    assert emu.pending_updates(TG_TOKEN) == []
    injected = emu.inject_update(TG_TOKEN, {"message": {"message_id": 99, "date": 0, "chat": user.to_chat()}})
    assert injected["update_id"] == first[-1].update_id + 1
    [raw] = await bot.get_updates(timeout=0)
    assert raw.update_id == injected["update_id"]


async def test_duplicate_last_update_redelivers(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali")
    await emu.send_text(TG_TOKEN, user, "once")
    [update] = await bot.get_updates(timeout=0)
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []
    duplicate = emu.duplicate_last_update(TG_TOKEN)
    assert duplicate["update_id"] == update.update_id
    redelivered = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert [u.update_id for u in redelivered] == [update.update_id]
    assert redelivered[0].message is not None and redelivered[0].message.text == "once"
    await emu.send_text(TG_TOKEN, user, "next")
    after = await bot.get_updates(offset=update.update_id + 1, timeout=1)
    assert [u.message.text for u in after if u.message] == ["next"]


async def test_press_button_callback_query(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali")
    await emu.send_text(TG_TOKEN, user, "/menu")
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="yes")]])
    msg = await bot.send_message(USER_ID, "Pick", reply_markup=markup)
    with pytest.raises(ValueError, match="no inline button"):
        await emu.press_button(TG_TOKEN, user, msg.message_id, "no")
    update = await emu.press_button(TG_TOKEN, user, msg.message_id, "yes")
    updates = await bot.get_updates(offset=update["update_id"], timeout=0)
    assert len(updates) == 1
    query = updates[0].callback_query
    assert isinstance(query, CallbackQuery)
    assert query.data == "yes" and query.from_user.id == USER_ID and query.chat_instance
    assert query.message is not None and query.message.message_id == msg.message_id
    assert await bot.answer_callback_query(query.id, text="OK") is True
    assert emu.callback_answer(TG_TOKEN, query.id) == {"text": "OK"}
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query.id)


# -------------------------------------------------------------------------- faults
async def test_fail_next_429(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    emu.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER_ID, "hi")
    assert info.value.retry_after == 7
    await bot.send_message(USER_ID, "hi")  # only the next call failed
    assert len(emu.sent_messages(TG_TOKEN)) == 1
    assert emu.calls_for("sendMessage")[0].status == 429


async def test_fail_next_500_and_chat_filter(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    emu.user(USER_ID + 1, "Sara")
    emu.fail_next("sendmessage", status=500, count=2, chat_id=USER_ID)
    await bot.send_message(USER_ID + 1, "unaffected")
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(USER_ID, "hi")
    await bot.send_message(USER_ID, "hi")
    emu.fail_next("getMe", status=403)
    with pytest.raises(TelegramForbiddenError):
        await bot.get_me()


async def test_random_failures_seeded(emu: BotAPIEmulator, bot: Bot) -> None:
    async def run() -> list[bool]:
        results = []
        for _ in range(40):
            try:
                await bot.get_me()
                results.append(True)
            except (TelegramRetryAfter, TelegramServerError):
                results.append(False)
        return results

    emu.set_random_failures("getMe", rate=0.3, seed=42)
    first = await run()
    emu.set_random_failures("getMe", rate=0.3, seed=42)
    second = await run()
    assert first == second
    assert 0 < first.count(False) < 40
    emu.set_random_failures("getMe", rate=0)
    assert all(await run())


async def test_delay(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.set_delay("getMe", 0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3
    assert emu.calls_for("getMe")[-1].duration >= 0.3


async def test_flood_rate_limit(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    emu.set_rate_limit(per_chat=2, retry_after=3)
    await bot.send_message(USER_ID, "1")
    await bot.send_message(USER_ID, "2")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(USER_ID, "3")
    assert info.value.retry_after == 3


async def test_odd_profile(emu: BotAPIEmulator, base_url: str, bale_bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali")
    with pytest.raises(TelegramNotFound):
        await bale_bot.send_chat_action(USER_ID, "typing")
    with pytest.raises(TelegramNotFound):
        await bale_bot.set_my_commands([BotCommand(command="start", description="Start")])
    msg = await bale_bot.send_message(
        USER_ID,
        "hi",
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x")]]
        ),
    )
    await emu.press_button(BALE_TOKEN, user, msg.message_id, "x")
    await emu.send_photo(BALE_TOKEN, user)
    status, body = await _raw(base_url, BALE_TOKEN, "getUpdates", json={"timeout": 0})
    assert status == 200
    callback, photo = (u for u in body["result"])
    assert "chat_instance" not in callback["callback_query"]
    assert "is_bot" not in callback["callback_query"]["from"]
    assert all("file_unique_id" not in size for size in photo["message"]["photo"])
    assert "is_bot" not in photo["message"]["from"]
    emu.add_bot("333:custom", unsupported_methods={"deleteMessage"})
    status, _ = await _raw(
        base_url, "333:custom", "deleteMessage", json={"chat_id": USER_ID, "message_id": 1}
    )
    assert status == 404


async def test_commands_and_webhook(bot: Bot) -> None:
    assert await bot.set_my_commands([BotCommand(command="start", description="شروع")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    assert await bot.set_webhook("https://example.org/hook")
    info = await bot.get_webhook_info()
    assert info.url == "https://example.org/hook"
    with pytest.raises(Exception, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates(timeout=0) == []
    assert await bot.close() is True and await bot.log_out() is True


async def test_get_chat(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali", "Rezaei")
    chat = await bot.get_chat(USER_ID)
    assert chat.type == "private" and chat.last_name == "Rezaei"
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(1)


# ----------------------------------------------------------------- observation/rates
def test_peak_rate_synthetic() -> None:
    times = [0.0, 0.1, 0.2, 0.95, 1.0, 1.5, 3.0]
    assert peak_rate(times, 1.0) == 4  # 0.0, 0.1, 0.2, 0.95
    assert peak_rate([], 1.0) == 0
    assert peak_rate([0.0, 1.0, 2.0], 1.0) == 1  # exactly 1 s apart -> separate windows
    stamps = [(0.0, 1), (0.1, 2), (0.2, 1), (0.3, 1), (1.25, 1), (0.4, 2)]
    assert peak_rate_per_chat(stamps, 1.0) == 3
    emu = BotAPIEmulator()
    emu.add_bot(TG_TOKEN)
    emu._send_stamps.extend((t, 111, c) for t, c in stamps)
    assert emu.peak_rate(1.0) == 5
    assert emu.peak_rate_per_chat(1.0, bot=111) == 3
    assert emu.send_timestamps(TG_TOKEN) == stamps


async def test_rates_measured_from_real_sends(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    emu.user(USER_ID + 1, "Sara")
    for i in range(3):
        await bot.send_message(USER_ID, f"a{i}")
    await bot.send_message(USER_ID + 1, "b")
    assert emu.peak_rate() == 4
    assert emu.peak_rate_per_chat() == 3
    assert [c for _, c in emu.send_timestamps()] == [USER_ID] * 3 + [USER_ID + 1]


async def test_wait_for_message(emu: BotAPIEmulator, bot: Bot) -> None:
    user = emu.user(USER_ID, "Ali")
    await emu.send_text(TG_TOKEN, user, "hi")
    after = emu.last_message_id(TG_TOKEN, USER_ID)

    async def reply_later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(USER_ID, "first")
        await bot.send_message(USER_ID, "second")

    task = asyncio.create_task(reply_later())
    msg = await emu.wait_for_message(TG_TOKEN, USER_ID, "second", timeout=2, after=after)
    assert msg["text"] == "second"
    await task
    with pytest.raises(TimeoutError, match="first"):
        await emu.wait_for_message(TG_TOKEN, USER_ID, lambda m: m.get("text") == "third", timeout=0.2)


async def test_dispatcher_polling_end_to_end(emu: BotAPIEmulator, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(Command("start"))
    async def start(message: Message) -> None:
        kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]])
        await message.answer(
            f"سلام {message.from_user.first_name if message.from_user else ''}", reply_markup=kb
        )

    @dp.callback_query(F.data == "go")
    async def go(query: CallbackQuery) -> None:
        await query.answer("done")
        if isinstance(query.message, Message):
            await query.message.edit_text("went")

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        user = emu.user(USER_ID, "Ali")
        await emu.send_text(TG_TOKEN, user, "/start")
        menu = await emu.wait_for_message(TG_TOKEN, USER_ID, "سلام Ali", timeout=5)
        update = await emu.press_button(TG_TOKEN, user, menu["message_id"], "go")
        edited = await emu.wait_for_message(
            TG_TOKEN, USER_ID, "went", timeout=5, after=menu["message_id"] - 1
        )
        assert edited["message_id"] == menu["message_id"]
        answer = await emu.wait_for_callback_answer(TG_TOKEN, update["callback_query"]["id"], timeout=5)
        assert answer["text"] == "done"
        assert emu.inline_buttons(edited) == []  # edit_text without markup removed the keyboard
    finally:
        await dp.stop_polling()
        await polling
    assert emu.unanswered_callbacks(TG_TOKEN) == []


# ------------------------------------------------------------------- control API
async def test_control_api(emu: BotAPIEmulator, base_url: str, bot: Bot) -> None:
    async with aiohttp.ClientSession(base_url) as http:
        async with http.post(
            f"/_emu/bots/111/users/{USER_ID}/text", json={"text": "/start", "user": {"first_name": "Reza"}}
        ) as resp:
            assert resp.status == 200
            update = (await resp.json())["result"]
        assert update["message"]["from"]["first_name"] == "Reza"

        async def reply_later() -> None:
            await asyncio.sleep(0.2)
            await bot.send_message(USER_ID, "salam")

        task = asyncio.create_task(reply_later())
        async with http.get(f"/_emu/bots/111/chats/{USER_ID}/messages", params={"after": "0"}) as resp:
            first = (await resp.json())["result"]
        assert [m["direction"] for m in first["messages"]] == ["user"]
        async with http.get(
            f"/_emu/bots/111/chats/{USER_ID}/messages", params={"after": str(first["cursor"]), "wait": "3"}
        ) as resp:
            second = (await resp.json())["result"]
        await task
        assert [(m["direction"], m["message"]["text"]) for m in second["messages"]] == [("bot", "salam")]

        photo = base64.b64encode(TINY_PNG).decode()
        async with http.post(f"/_emu/bots/111/users/{USER_ID}/photo", json={"data": photo}) as resp:
            body = await resp.json()
        file_id = body["result"]["message"]["photo"][-1]["file_id"]
        async with http.get(f"/_emu/files/{file_id}") as resp:
            assert await resp.read() == TINY_PNG
        async with http.post(
            f"/_emu/bots/111/users/{USER_ID}/location", json={"latitude": 1, "longitude": 2}
        ) as r:
            assert r.status == 200
        async with http.post(f"/_emu/bots/111/users/{USER_ID}/contact", json={"phone_number": "98912"}) as r:
            assert (await r.json())["result"]["message"]["contact"]["user_id"] == USER_ID
        async with http.post(
            f"/_emu/bots/111/users/{USER_ID}/press", json={"message_id": 99, "data": "x"}
        ) as r:
            assert r.status == 400

        async with http.post(
            "/_emu/faults",
            json={"action": "fail_next", "method": "sendMessage", "status": 429, "retry_after": 2},
        ) as resp:
            assert resp.status == 200
        with pytest.raises(TelegramRetryAfter):
            await bot.send_message(USER_ID, "x")
        async with http.get("/_emu/calls", params={"method": "sendMessage"}) as resp:
            calls = (await resp.json())["result"]
        assert [c["status"] for c in calls] == [200, 429]
        async with http.get("/_emu/rates") as resp:
            assert (await resp.json())["result"]["peak_rate"] == 1
        async with http.get("/_emu/bots/999/sent") as resp:
            assert resp.status == 404


async def test_json_and_urlencoded_bodies(emu: BotAPIEmulator, base_url: str) -> None:
    emu.user(USER_ID, "Ali")
    status, body = await _raw(
        base_url,
        TG_TOKEN,
        "sendMessage",
        json={
            "chat_id": USER_ID,
            "text": "123",
            "reply_markup": {"inline_keyboard": [[{"text": "a", "url": "https://a.b"}]]},
        },
    )
    assert status == 200 and body["result"]["text"] == "123"
    status, body = await _raw(
        base_url,
        TG_TOKEN,
        "sendMessage",
        data={"chat_id": str(USER_ID), "text": "[1]", "reply_markup": '{"remove_keyboard": true}'},
    )
    assert status == 200 and body["result"]["text"] == "[1]"
    assert emu.sent_messages(TG_TOKEN)[-1]["reply_markup"] == {"remove_keyboard": True}


def test_cli_configuration() -> None:
    args = build_parser().parse_args(
        ["--port", "0", "--token", "111:tg", "--token", "222:bale", "--odd-token", "222:bale"]
    )
    emu = BotAPIEmulator()
    configure(emu, args.token, args.odd_token)
    assert not emu.get_bot(111).odd
    assert emu.get_bot("222:bale").odd and emu.get_bot(222).platform == "bale"


async def test_abandoned_long_poll_does_not_swallow_updates(
    emu: BotAPIEmulator, base_url: str, bot: Bot
) -> None:
    user = emu.user(USER_ID, "Ali")
    async with aiohttp.ClientSession() as session:
        with pytest.raises(asyncio.TimeoutError):
            async with session.get(
                f"{base_url}/bot{TG_TOKEN}/getUpdates",
                params={"timeout": "5"},
                timeout=aiohttp.ClientTimeout(total=0.2),
            ):
                pass
    await asyncio.sleep(0.1)
    await emu.send_text(TG_TOKEN, user, "after disconnect")
    await asyncio.sleep(0.1)
    assert emu.last_delivered_update(TG_TOKEN) is None
    updates = await bot.get_updates(timeout=1)
    assert [u.message.text for u in updates if u.message] == ["after disconnect"]
