"""What the sandbox web chat relies on the emulator for: Telegram's 4,096-character limit, the
user actions (sticker, voice note, someone else's contact) and chats that survive a restart."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web

from emulator import BotAPIEmulator, start_emulator
from emulator.archive import ChatArchive
from emulator.formatting import utf16_len
from emulator.media import TINY_PNG

from .conftest import BALE_TOKEN, TG_TOKEN, make_bot

USER_ID = 5001


async def test_send_and_edit_refuse_texts_over_4096(emu: BotAPIEmulator, bot: Bot, bale_bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    longest = await bot.send_message(USER_ID, "ب" * 4096)
    assert longest.text is not None and len(longest.text) == 4096
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(USER_ID, "ب" * 4097)
    # Counted in UTF-16 code units (as Telegram counts): an emoji takes two.
    await bot.send_message(USER_ID, "🌿" * 2048)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER_ID, "🌿" * 2048 + "x")
    # Counted after the entities are parsed: markup does not count.
    await bot.send_message(USER_ID, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    # Bale answers the same for its texts.
    await bale_bot.send_message(USER_ID, "ب" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bale_bot.send_message(USER_ID, "ب" * 4097)

    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="a", callback_data="a")]])
    message = await bot.send_message(USER_ID, "short", reply_markup=markup)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.edit_message_text(text="ب" * 4097, chat_id=USER_ID, message_id=message.message_id)
    # A refused edit changes nothing: the text and the buttons stay.
    stored = emu.sent_messages(TG_TOKEN, USER_ID)[-1]
    assert stored["text"] == "short" and "reply_markup" in stored
    edited = await bot.edit_message_text(text="ب" * 4096, chat_id=USER_ID, message_id=message.message_id)
    assert not isinstance(edited, bool) and edited.text == "ب" * 4096
    # Refused sends were never recorded.
    assert [utf16_len(m["text"]) for m in emu.sent_messages(TG_TOKEN, USER_ID)] == [4096] * 4


async def test_control_api_plays_user_messages_as_telegram_delivers_them(
    emu: BotAPIEmulator, base_url: str, bot: Bot
) -> None:
    user = f"/_emu/bots/111/users/{USER_ID}"
    async with aiohttp.ClientSession(base_url) as http:
        # A user's text over 4,096 never reaches a bot: the server refuses it.
        async with http.post(f"{user}/text", json={"text": "ب" * 4097}) as resp:
            assert resp.status == 400
            assert (await resp.json())["description"] == "Bad Request: message is too long"
        async with http.post(f"{user}/text", json={"text": "ب" * 4096}) as resp:
            assert resp.status == 200
        async with http.post(f"{user}/sticker", json={"emoji": "👍"}) as resp:
            assert resp.status == 200
        async with http.post(f"{user}/voice", json={"duration": 7}) as resp:
            assert resp.status == 200
        async with http.post(
            f"{user}/contact",
            json={"phone_number": "989121110005", "own": False, "first_name": "حسن", "last_name": "نوری"},
        ) as resp:
            assert resp.status == 200
    updates = await bot.get_updates(timeout=0)
    messages = [u.message for u in updates]
    assert len(messages) == 4 and all(m is not None for m in messages)
    text, sticker, voice, contact = messages
    assert text and text.text and len(text.text) == 4096
    assert sticker and sticker.sticker and sticker.sticker.emoji == "👍"
    assert voice and voice.voice and voice.voice.duration == 7 and voice.voice.mime_type == "audio/ogg"
    assert voice.text is None and voice.caption is None
    stored = await bot.get_file(voice.voice.file_id)
    assert stored.file_path and stored.file_path.startswith("voice/")
    assert contact and contact.contact
    # Someone else's contact: a name and a phone, no user id of the sender.
    assert contact.contact.user_id is None
    assert (contact.contact.first_name, contact.contact.last_name) == ("حسن", "نوری")
    assert contact.contact.phone_number == "989121110005"


async def test_chats_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.chats.json"

    async def start() -> tuple[BotAPIEmulator, aiohttp.ClientSession, Bot, web.AppRunner]:
        emu, runner, base_url = await start_emulator()
        emu.add_bot(TG_TOKEN, "mahalleyar_bot")
        emu.add_bot(BALE_TOKEN, "mahalleyar_bale_bot", platform="bale", odd=True)
        return emu, aiohttp.ClientSession(base_url), make_bot(base_url), runner

    emu, http, bot, runner = await start()
    archive = ChatArchive(path)
    assert archive.load(emu) == 0 and archive.instance
    keeper = asyncio.create_task(archive.keep(emu, debounce=0.05))
    try:
        user = emu.user(USER_ID, "زهرا", phone="989121110001")
        await emu.send_text(TG_TOKEN, user, "/start")
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="فارسی", callback_data="l")]]
        )
        choice = await bot.send_message(USER_ID, "زبان؟", reply_markup=markup)
        await emu.send_photo(TG_TOKEN, user, TINY_PNG, "چاله")
        gone = await bot.send_message(USER_ID, "deleted soon")
        await bot.delete_message(USER_ID, gone.message_id)
        await bot.edit_message_text(text="زبان: فارسی", chat_id=USER_ID, message_id=choice.message_id)
        before = [r.snapshot() for r in emu.chat_records(TG_TOKEN, USER_ID) if not r.deleted]
        cursor = emu.current_seq
        # Written after the debounce, without waiting for a shutdown.
        for _ in range(100):
            if path.exists() and json.loads(path.read_text("utf-8"))["seq"] == cursor:
                break
            await asyncio.sleep(0.05)
        assert json.loads(path.read_text("utf-8"))["seq"] == cursor
    finally:
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        await bot.session.close()
        await http.close()
        await runner.cleanup()

    emu, http, bot, runner = await start()
    again = ChatArchive(path)
    try:
        assert again.load(emu) == 3
        assert again.instance == archive.instance
        after = [r.snapshot() for r in emu.chat_records(TG_TOKEN, USER_ID)]
        assert after == before
        assert emu.users[USER_ID].phone == "989121110001"
        # The user's photo is still there, for the web chat and for the bot.
        photo = after[2]["message"]["photo"]
        async with http.get(f"/_emu/files/{photo[-1]['file_id']}") as resp:
            assert await resp.read() == TINY_PNG
        assert (await bot.get_file(photo[0]["file_id"])).file_size == len(TINY_PNG)
        # The conversation goes on: new ids and cursors after the old ones, edits still work.
        async with http.get(f"/_emu/bots/111/chats/{USER_ID}/messages", params={"after": "0"}) as resp:
            listed = (await resp.json())["result"]
        assert sorted(m["message_id"] for m in listed["messages"]) == [1, 2, 3]
        assert listed["cursor"] == cursor
        new = await bot.send_message(USER_ID, "دوباره سلام")
        assert new.message_id == 5  # 4 was deleted, never reused
        assert emu.current_seq > cursor
        await bot.edit_message_text(text="زبان: English", chat_id=USER_ID, message_id=choice.message_id)
        again_photo = await emu.send_photo(TG_TOKEN, USER_ID, TINY_PNG)
        assert again_photo["message"]["photo"][0]["file_id"] not in {p["file_id"] for p in photo}
    finally:
        await bot.session.close()
        await http.close()
        await runner.cleanup()


def test_the_archive_is_bounded(tmp_path: Path) -> None:
    emu = BotAPIEmulator()
    bot = emu.add_bot(TG_TOKEN)
    archive = ChatArchive(tmp_path / "chats.json", max_messages_per_chat=5, max_chats=2, max_file_bytes=100)
    archive.load(emu)

    async def fill() -> None:
        for user_id in (1, 2, 3):
            for n in range(8):
                await emu.send_text(bot, emu.user(user_id, f"u{user_id}"), f"{user_id}/{n}")
        await emu.send_photo(bot, 3, b"x" * 60)  # older: over the byte budget, its files not kept
        await emu.send_photo(bot, 3, b"y" * 60)  # four sizes of one 60-byte body, kept once

    asyncio.run(fill())
    archive.save(emu)
    data = json.loads((tmp_path / "chats.json").read_text("utf-8"))
    # The two most recently active chats, five newest messages each.
    assert sorted(data["bots"]["111"]) == ["2", "3"]
    assert [r["message"].get("text") for r in data["bots"]["111"]["2"]["records"]] == [
        f"2/{n}" for n in range(3, 8)
    ]
    assert [u["id"] for u in data["users"]] == [2, 3]
    newest_photo = data["bots"]["111"]["3"]["records"][-1]["message"]["photo"]
    assert sorted(f["file_id"] for f in data["files"]) == sorted(p["file_id"] for p in newest_photo)
    bodies = list(archive.blob_dir.iterdir())
    assert len(bodies) == 1 and bodies[0].read_bytes() == b"y" * 60


async def test_only_a_changed_text_shows_as_edited(emu: BotAPIEmulator, bot: Bot) -> None:
    emu.user(USER_ID, "Ali")
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="a", callback_data="a")]])
    message = await bot.send_message(USER_ID, "question", reply_markup=markup)
    # The buttons taken off an answered question: the apps do not label it «edited».
    await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=message.message_id, reply_markup=None)
    (record,) = [r for r in emu.chat_records(TG_TOKEN, USER_ID) if r.message_id == message.message_id]
    assert not record.edited and "reply_markup" not in record.message
    await bot.edit_message_text(text="question, answered", chat_id=USER_ID, message_id=message.message_id)
    assert record.edited
