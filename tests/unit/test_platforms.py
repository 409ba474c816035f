"""Odd servers: responses without fields Telegram always sends are completed, not fatal."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import DeleteWebhook, GetMe, GetUpdates, SendMessage, SetMyCommands
from aiogram.types import Update, User
from aiohttp import web

from bot.platforms import (
    CAPABILITIES,
    TolerantSession,
    best_effort,
    fill_missing_fields,
    make_bot,
    normalise_reply,
    until_answered,
)
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


# -- any reply is survivable: every shape becomes a TelegramAPIError chosen by status ---------------

HTML_502 = (
    "<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
    "<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
)
NOT_SUPPORTED = json.dumps({"message": "API method 'setMyCommands' is not supported"})


@pytest.mark.parametrize(
    ("status", "content", "error", "says"),
    [
        (404, NOT_SUPPORTED, TelegramNotFound, "API method 'setMyCommands' is not supported (HTTP 404)"),
        (200, NOT_SUPPORTED, TelegramServerError, "not supported (HTTP 200)"),
        (
            502,
            HTML_502,
            TelegramServerError,
            "unreadable reply (HTTP 502): 502 Bad Gateway 502 Bad Gateway nginx",
        ),
        (501, HTML_502.replace("502 Bad Gateway", "501 Not Implemented"), TelegramServerError, "HTTP 501"),
        (200, "", TelegramServerError, "unreadable reply (HTTP 200): (empty body)"),
        (500, "", TelegramServerError, "unreadable reply (HTTP 500): (empty body)"),
        (404, "404 page not found\n", TelegramNotFound, "unreadable reply (HTTP 404): 404 page not found"),
        (
            405,
            json.dumps({"error": {"message": "Method Not Allowed"}}),
            TelegramAPIError,
            "Method Not Allowed",
        ),
        (200, '{"ok": true, "result": {"id": 1, "is_b', TelegramServerError, "unreadable reply (HTTP 200)"),
        (500, '{"ok": false, "error_code": 500, "descr', TelegramServerError, "unreadable reply (HTTP 500)"),
        (200, "[1, 2]", TelegramServerError, "unreadable reply (HTTP 200): [1, 2]"),
        (200, '{"ok": false, "error_code": 400, "description": "Bad Request: x"}', TelegramBadRequest, "x"),
        (200, '{"ok": false}', TelegramServerError, "error without a description (HTTP 200)"),
        # A 403 that isn't Telegram's own says nothing about the user: a proxy or firewall said no.
        (403, "<html><body>Forbidden</body></html>", TelegramServerError, "unreadable reply (HTTP 403)"),
        (403, json.dumps({"message": "Forbidden"}), TelegramServerError, "Forbidden (HTTP 403)"),
        (
            403,
            '{"ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}',
            TelegramForbiddenError,
            "blocked by the user",
        ),
    ],
)
def test_every_reply_shape_becomes_an_api_error_chosen_by_status(
    bot: Bot, status: int, content: str, error: type[TelegramAPIError], says: str
) -> None:
    with pytest.raises(TelegramAPIError) as raised:
        bot.session.check_response(bot, SetMyCommands(commands=[]), status, content)
    assert type(raised.value) is error, raised.value
    assert says in raised.value.message


def test_a_telegram_description_is_kept_as_it_is(bot: Bot) -> None:
    description = "Bad Request: can't parse entities: " + "x" * 300
    raw = json.dumps({"ok": False, "error_code": 400, "description": description})
    with pytest.raises(TelegramBadRequest) as raised:
        bot.session.check_response(bot, SendMessage(chat_id=5, text="*"), 400, raw)
    assert raised.value.message == description


def test_a_429_in_any_shape_is_flood_control(bot: Bot) -> None:
    with pytest.raises(TelegramRetryAfter) as raised:
        bot.session.check_response(bot, GetMe(), 429, json.dumps({"message": "slow down", "retry_after": 3}))
    assert raised.value.retry_after == 3
    with pytest.raises(TelegramRetryAfter) as raised:
        bot.session.check_response(bot, GetMe(), 429, "<html>Too Many Requests</html>")
    assert raised.value.retry_after == 1


def test_successes_without_ok_or_result(bot: Bot) -> None:
    # A gateway's own success shape, and Telegram's shape missing the result of a bool method.
    assert bot.session.check_response(bot, SetMyCommands(commands=[]), 200, '{"result": true}').result is True
    assert bot.session.check_response(bot, DeleteWebhook(), 200, '{"ok": true}').result is True
    # A method that returns an object can't do without it.
    with pytest.raises(TelegramServerError, match="reply without a result"):
        bot.session.check_response(bot, GetMe(), 200, '{"ok": true}')
    with pytest.raises(TelegramServerError, match="unreadable result"):
        bot.session.check_response(bot, GetMe(), 200, '{"ok": true, "result": "me"}')
    with pytest.raises(TelegramServerError, match="unreadable result"):
        bot.session.check_response(bot, GetUpdates(), 200, '{"ok": true, "result": {"update_id": 1}}')


@pytest.mark.parametrize(
    ("status", "content"),
    [(404, NOT_SUPPORTED), (502, HTML_502), (200, ""), (500, ""), (200, '{"ok": tr'), (405, "x"), (501, "")],
)
def test_normalise_reply_always_gives_telegrams_shape(status: int, content: str) -> None:
    code, body = normalise_reply(GetMe(), status, content)
    assert body["ok"] is False and body["error_code"] == code and isinstance(body["description"], str)
    assert code >= 400


async def test_a_body_in_no_text_encoding_is_a_server_error() -> None:
    async def garbage(request: web.Request) -> web.Response:
        return web.Response(body=b"\xff\xfe\x00\x9f garbage", content_type="application/octet-stream")

    app = web.Application()
    app.router.add_route("*", "/bot{token}/{method}", garbage)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    odd = make_bot("123:abc", f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(TelegramServerError, match="unreadable reply"):
            await odd.delete_webhook()
    finally:
        await odd.session.close()
        await runner.cleanup()


# -- optional calls never stop the bot; required ones are retried ---------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        TelegramServerError(method=GetMe(), message="unreadable reply (HTTP 502): <html>"),
        ClientDecodeError("Failed to decode object", ValueError("x"), ""),
        RuntimeError("something nobody foresaw"),
        KeyError("result"),
        ConnectionResetError("reset"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_best_effort_survives_any_exception(
    failure: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    async def failing() -> None:
        raise failure

    caplog.set_level(logging.INFO, logger="bot.platforms")
    assert await best_effort("setMyCommands/telegram/fa", failing) is None
    (record,) = caplog.records
    assert (
        "setMyCommands/telegram/fa" in record.getMessage() and type(failure).__name__ in record.getMessage()
    )
    assert record.exc_info is None  # one line, no traceback


async def test_best_effort_gives_up_on_a_call_that_hangs() -> None:
    async def hangs() -> None:
        await asyncio.sleep(60)

    started = asyncio.get_running_loop().time()
    assert await best_effort("getMyCommands", hangs, within=0.05) is None
    assert asyncio.get_running_loop().time() - started < 5


async def test_best_effort_lets_cancellation_through() -> None:
    async def hangs() -> None:
        await asyncio.sleep(60)

    task = asyncio.create_task(best_effort("sendChatAction", hangs))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_until_answered_retries_with_capped_backoff(caplog: pytest.LogCaptureFixture) -> None:
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        waits.append(seconds)

    failures: list[Exception] = [
        TelegramNotFound(method=GetMe(), message="API method 'getMe' is not supported (HTTP 404)"),
        *(TelegramServerError(method=GetMe(), message="unreadable reply (HTTP 502)") for _ in range(6)),
        TelegramRetryAfter(method=GetMe(), message="Too Many Requests", retry_after=45),
    ]

    async def get_me() -> str:
        if failures:
            raise failures.pop(0)
        return "me"

    caplog.set_level(logging.INFO, logger="bot.platforms")
    assert await until_answered("getMe for telegram bot 1", get_me, sleep=no_wait) == "me"
    assert waits == [1, 2, 4, 8, 16, 30, 30, 45]
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 9 and all(r.exc_info is None for r in caplog.records)
    assert "getMe for telegram bot 1 failed (attempt 1, TelegramNotFound: API method" in lines[0]
    assert lines[-1] == "getMe for telegram bot 1 succeeded on attempt 9"


async def test_patient_bot_waits_for_get_me_and_caches_it(monkeypatch: pytest.MonkeyPatch) -> None:
    patient = make_bot("123:abc", "http://127.0.0.1:9", label="bale")
    patient.retry_first_delay = 0.001
    asked: list[int] = []

    async def get_me() -> User:
        asked.append(1)
        if len(asked) < 3:
            raise TelegramServerError(method=GetMe(), message="unreadable reply (HTTP 200): (empty body)")
        return User(id=123, is_bot=True, first_name="Mahalleyar", username="m_bot")

    monkeypatch.setattr(patient, "get_me", get_me)
    assert (await patient.me()).username == "m_bot"
    assert (await patient.me()).username == "m_bot"
    assert len(asked) == 3
    await patient.session.close()


# -- what the delivery worker makes of odd replies ------------------------------------------------


@pytest.mark.parametrize(
    ("status", "content", "outcome"),
    [
        (502, HTML_502, "_Transient"),
        (404, NOT_SUPPORTED, "_Transient"),
        (200, "", "_Transient"),
        (500, "", "_Transient"),
        (405, "Method Not Allowed", "_Transient"),
        (501, "", "_Transient"),
        (200, '{"ok": true, "result": {"message_id"', "_Transient"),
        (403, "<html>Forbidden</html>", "_Transient"),
        (400, '{"ok": false, "error_code": 400, "description": "Bad Request: chat not found"}', "_Permanent"),
    ],
)
async def test_delivery_classifies_odd_replies(
    bot: Bot, status: int, content: str, outcome: str, caplog: pytest.LogCaptureFixture
) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.delivery import DeliveryWorker
    from bot.settings import Settings
    from models.outbox_repo import ClaimedMessage

    class OddServer:
        async def send_message(self, **kwargs: object) -> object:
            method = SendMessage(chat_id=5, text="x")
            return bot.session.check_response(bot, method, status, content).result

    now = datetime.now(UTC)
    worker = DeliveryWorker(
        None,  # type: ignore[arg-type]  # _attempt never touches the database
        {Platform.TELEGRAM: OddServer()},  # type: ignore[dict-item]
        Settings(_env_file=None),  # type: ignore[call-arg]
        lambda: now,
    )
    item = ClaimedMessage(1, Platform.TELEGRAM, 5, "x", None, 0, now + timedelta(minutes=1))
    result = await worker._attempt(item)
    assert type(result).__name__ == outcome, result
    assert not [r for r in caplog.records if r.exc_info]  # one clear line later, no traceback


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
