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


@pytest.mark.parametrize(
    "stub",
    [
        {"message_id": 0},
        # What bale-mcp's tests record tapi.bale.ai answering (message_id 0, a bare chat, no text).
        {
            "message_id": 0,
            "date": 1791029225,
            "chat": {"id": 1, "type": "private", "photo": None},
            "edit_date": 1,
        },
        {"message_id": 9, "date": 1},
    ],
    ids=["bare", "recorded", "no-chat"],
)
def test_an_edit_answered_with_a_stub_is_a_success(bot: Bot, stub: dict[str, object]) -> None:
    from aiogram.methods import EditMessageReplyMarkup, EditMessageText

    raw = json.dumps({"ok": True, "result": stub})
    edit = EditMessageText(chat_id=1, message_id=9, text="page 2")
    assert bot.session.check_response(bot, edit, 200, raw).result is True
    markup = EditMessageReplyMarkup(chat_id=1, message_id=9)
    assert bot.session.check_response(bot, markup, 200, raw).result is True


def test_a_whole_edited_message_is_kept_and_stubs_only_settle_edits(bot: Bot) -> None:
    from aiogram.exceptions import ClientDecodeError, TelegramAPIError
    from aiogram.methods import EditMessageText

    whole = {"message_id": 9, "date": 1, "chat": {"id": 1, "type": "private"}, "text": "page 2"}
    edit = EditMessageText(chat_id=1, message_id=9, text="page 2")
    result = bot.session.check_response(bot, edit, 200, json.dumps({"ok": True, "result": whole})).result
    assert result.message_id == 9 and result.text == "page 2"
    # A send answered without a message is not silently taken as sent.
    with pytest.raises((TelegramAPIError, ClientDecodeError)):
        bot.session.check_response(
            bot, SendMessage(chat_id=1, text="x"), 200, json.dumps({"ok": True, "result": {"message_id": 0}})
        )


def test_capability_table_notes_bale_markdown_and_stub_edits() -> None:
    bale, telegram = CAPABILITIES[Platform.BALE], CAPABILITIES[Platform.TELEGRAM]
    assert bale.markdown_always and bale.edit_answer_stub and bale.webhook_url_only
    assert not (telegram.markdown_always or telegram.edit_answer_stub or telegram.webhook_url_only)
    assert not bale.reply_keyboard_options and telegram.reply_keyboard_options


def test_make_bot_resends_what_was_refused_for_formatting() -> None:
    from bot.formatting_retry import FormattingRetryMiddleware
    from bot.platforms import make_bot

    bot = make_bot("1:x", "http://127.0.0.1:9")
    assert any(isinstance(m, FormattingRetryMiddleware) for m in bot.session.middleware)
