"""Odd servers: responses without fields Telegram always sends are completed, not fatal."""

from __future__ import annotations

import json

import pytest
from aiogram import Bot
from aiogram.methods import GetMe, GetUpdates, SendMessage
from aiogram.types import Update

from bot.platforms import CAPABILITIES, TolerantSession, best_effort, fill_missing_fields
from models import Platform


@pytest.fixture
def bot() -> Bot:
    return Bot("123:abc", session=TolerantSession())


def test_get_me_without_is_bot(bot: Bot) -> None:
    raw = json.dumps({"ok": True, "result": {"id": 123, "first_name": "Mahalleyar", "username": "m_bot"}})
    me = bot.session.check_response(bot, GetMe(), 200, raw).result
    assert me.is_bot is True and me.username == "m_bot"


def test_updates_missing_fields_are_completed(bot: Bot) -> None:
    raw = {
        "ok": True,
        "result": [
            {
                "update_id": 1,
                "callback_query": {
                    "id": "9",
                    "from": {"id": 5, "first_name": "Ali"},
                    "data": "lang:fa:1",
                    "message": {"message_id": 3, "chat": {"id": 5}, "date": 1, "text": "x"},
                },
            },
            {
                "update_id": 2,
                "message": {
                    "message_id": 4,
                    "from": {"id": 5, "first_name": "Ali"},
                    "chat": {"id": 5, "type": "private"},
                    "photo": [{"file_id": "p1", "width": 90, "height": 90}],
                },
            },
        ],
    }
    updates = bot.session.check_response(bot, GetUpdates(), 200, json.dumps(raw)).result
    assert updates[0].callback_query.chat_instance == ""
    assert updates[0].callback_query.from_user.is_bot is False
    assert updates[1].message.photo[0].file_unique_id == "p1"


def test_one_unreadable_update_does_not_block_the_others(bot: Bot) -> None:
    raw = {
        "ok": True,
        "result": [
            {"update_id": 7, "message": {"message_id": "not-a-number", "chat": {"id": 1}}},
            {
                "update_id": 8,
                "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"}, "text": "hi"},
            },
        ],
    }
    updates: list[Update] = bot.session.check_response(bot, GetUpdates(), 200, json.dumps(raw)).result
    assert [u.update_id for u in updates] == [7, 8]
    assert updates[0].message is None and updates[1].message.text == "hi"


def test_sent_message_without_date_and_sender_flag(bot: Bot) -> None:
    raw = {"ok": True, "result": {"message_id": 1, "chat": {"id": 5}, "from": {"id": 123, "first_name": "b"}}}
    message = bot.session.check_response(bot, SendMessage(chat_id=5, text="x"), 200, json.dumps(raw)).result
    assert message.chat.type == "private"


def test_fill_missing_fields_leaves_complete_objects_alone() -> None:
    complete = {"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "x"}}
    assert fill_missing_fields(json.loads(json.dumps(complete)), is_get_me=True) == complete


async def test_best_effort_swallows_api_errors() -> None:
    from aiogram.exceptions import TelegramNotFound

    async def missing() -> None:
        raise TelegramNotFound(method=GetMe(), message="Not Found: method not found")

    assert await best_effort("setMyCommands", missing) is None


def test_capability_table_covers_every_platform() -> None:
    assert set(CAPABILITIES) == set(Platform)
    assert CAPABILITIES[Platform.BALE].set_my_commands is False
