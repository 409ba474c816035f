"""Any server reply is survivable: the real process against servers that fail in shapes other
than Telegram's (a JSON body without `ok`, an HTML page, an empty body, cut-off JSON, a dropped
connection, statuses 404/405/501), on optional calls and on required ones, on both platforms."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from emulator import BotAPIEmulator
from services.i18n import Translator
from tests.e2e.conftest import BALE_BOT, TELEGRAM_BOT, BotProcess
from tests.e2e.test_bot_process import register_bots
from tests.e2e.test_webhook_process import SECRET, free_port

pytestmark = pytest.mark.e2e

T = Translator()
BOTS = (TELEGRAM_BOT, BALE_BOT)
OPTIONAL_METHODS = ("setMyCommands", "deleteWebhook", "sendChatAction", "getMyCommands")
# A dropped connection after this long: longer than a quick answer, far shorter than a test.
HANG_UP_AFTER = 0.5


async def until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.05)


async def answers_start(emulator: BotAPIEmulator, bot: int, user_id: int) -> None:
    user = emulator.user(user_id, "Zahra", language_code="fa")
    mark = emulator.last_message_id(bot, user_id)
    await emulator.send_text(bot, user, "/start")
    welcome = T.get("fa", "start-welcome", name="Zahra")
    await emulator.wait_for_message(bot, user_id, welcome, after=mark, timeout=15)


def fail(
    emulator: BotAPIEmulator,
    method: str,
    bot: int,
    shape: str,
    status: int = 500,
    count: int = 1,
    chat_id: int | None = None,
) -> None:
    seconds = HANG_UP_AFTER if shape == "timeout" else None
    emulator.fail_next(
        method, status=status, shape=shape, seconds=seconds, count=count, bot=bot, chat_id=chat_id
    )


def oks(emulator: BotAPIEmulator, method: str, bot: int) -> list[bool]:
    """Whether each call of `method` by `bot` so far was answered ok."""
    return [call.ok for call in emulator.calls_for(method, bot)]


@pytest.mark.parametrize(
    ("shape", "status"),
    [
        pytest.param("no_ok", 404, id="no-ok-json-404"),
        pytest.param("html", 502, id="html-502"),
        pytest.param("empty", 200, id="empty-200"),
        pytest.param("empty", 500, id="empty-500"),
        pytest.param("text", 404, id="text-404"),
        pytest.param("no_ok", 405, id="no-ok-json-405"),
        pytest.param("html", 501, id="html-501"),
        pytest.param("malformed", 200, id="malformed-json"),
        pytest.param("timeout", 0, id="timeout"),
    ],
)
async def test_optional_calls_never_stop_the_bot(
    emulator: BotAPIEmulator, bot_process: BotProcess, shape: str, status: int
) -> None:
    register_bots(emulator)
    for bot in BOTS:
        for method in OPTIONAL_METHODS:
            fail(emulator, method, bot, shape, status, count=10)
    await bot_process.start()
    # Every optional call the bot made got the odd reply, and it went on.
    for bot in BOTS:
        assert oks(emulator, "deleteWebhook", bot) == [False]
    # Only Telegram has a command menu (CAPABILITIES), in two languages.
    assert oks(emulator, "setMyCommands", TELEGRAM_BOT) == [False, False]
    await answers_start(emulator, TELEGRAM_BOT, 101)
    await answers_start(emulator, BALE_BOT, 102)
    log = bot_process.log()
    assert "optional call deleteWebhook/telegram failed, continuing" in log
    assert "optional call deleteWebhook/bale failed, continuing" in log
    assert "optional call setMyCommands/telegram/fa failed, continuing" in log
    assert "Traceback" not in log, log


async def test_required_calls_are_retried_until_answered(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    register_bots(emulator)
    # getMe (asked before polling) and getUpdates fail a few times each, in every shape.
    fail(emulator, "getMe", TELEGRAM_BOT, "no_ok", 404)
    fail(emulator, "getMe", TELEGRAM_BOT, "html", 502)
    fail(emulator, "getMe", BALE_BOT, "empty", 200)
    fail(emulator, "getMe", BALE_BOT, "malformed", 200)
    fail(emulator, "getUpdates", TELEGRAM_BOT, "telegram", 405)
    fail(emulator, "getUpdates", TELEGRAM_BOT, "text", 404)
    fail(emulator, "getUpdates", TELEGRAM_BOT, "timeout")
    fail(emulator, "getUpdates", BALE_BOT, "html", 501)
    fail(emulator, "getUpdates", BALE_BOT, "empty", 500)
    fail(emulator, "getUpdates", BALE_BOT, "no_ok", 404)
    await bot_process.start()
    await answers_start(emulator, TELEGRAM_BOT, 201)
    await answers_start(emulator, BALE_BOT, 202)
    for bot in BOTS:
        assert oks(emulator, "getMe", bot) == [False, False, True]
        assert oks(emulator, "getUpdates", bot)[:4] == [False, False, False, True]
    log = bot_process.log()
    assert (
        "getMe for telegram bot 700001 failed (attempt 1, TelegramNotFound: Not Found: method not found "
        "(HTTP 404)); retrying in 1s"
    ) in log
    assert "getMe for telegram bot 700001 failed (attempt 2, TelegramServerError: unreadable reply" in log
    assert (
        "getMe for bale bot 700002 failed (attempt 1, TelegramServerError: unreadable reply (HTTP 200)" in log
    )
    assert "getMe for bale bot 700002 succeeded on attempt 3" in log
    assert "Failed to fetch updates - TelegramNetworkError" in log  # the dropped connection
    assert "Traceback" not in log, log

    # A reply that meets a server error (an HTML 502) is sent again and arrives, no apology; one
    # refused for good (a 404) goes to the error boundary, whose apology arrives. Nothing crashes,
    # and the next message is answered.
    fail(emulator, "sendMessage", TELEGRAM_BOT, "html", 502, chat_id=203)
    fail(emulator, "sendMessage", BALE_BOT, "no_ok", 404, chat_id=204)
    await answers_start(emulator, TELEGRAM_BOT, 203)
    to_203 = [
        c.ok for c in emulator.calls_for("sendMessage", TELEGRAM_BOT) if str(c.params.get("chat_id")) == "203"
    ]
    assert to_203[:2] == [False, True]
    assert T.get("fa", "error-generic") not in [m["text"] for m in emulator.sent_messages(TELEGRAM_BOT, 203)]
    user = emulator.user(204, "Zahra", language_code="fa")
    await emulator.send_text(BALE_BOT, user, "/start")
    await emulator.wait_for_message(BALE_BOT, 204, T.get("fa", "error-generic"), timeout=15)
    await answers_start(emulator, BALE_BOT, 204)
    assert bot_process.process is not None and bot_process.process.poll() is None


async def test_one_broken_server_does_not_stop_the_other_platform(
    emulator: BotAPIEmulator, bot_process: BotProcess
) -> None:
    register_bots(emulator)
    # Bale's server answers getMe with an HTML page for a while; Telegram is served meanwhile.
    fail(emulator, "getMe", BALE_BOT, "html", 502, count=3)
    await bot_process.start(ready_method="getMe")
    await until(lambda: bool(emulator.calls_for("getUpdates", TELEGRAM_BOT)), "Telegram polls")
    await answers_start(emulator, TELEGRAM_BOT, 301)
    assert not emulator.calls_for("getUpdates", BALE_BOT)  # Bale still waits: 1 + 2 + 4 s
    await until(lambda: bool(emulator.calls_for("getUpdates", BALE_BOT)), "Bale polls")
    await answers_start(emulator, BALE_BOT, 302)
    assert "getMe for bale bot 700002 succeeded on attempt 4" in bot_process.log()


async def test_webhook_registration_is_retried(emulator: BotAPIEmulator, bot_process: BotProcess) -> None:
    port = free_port()
    bot_process.env.update(
        WEBHOOK_BASE_URL=f"http://127.0.0.1:{port}",
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
    )
    register_bots(emulator)
    fail(emulator, "setWebhook", TELEGRAM_BOT, "html", 502)
    fail(emulator, "setWebhook", TELEGRAM_BOT, "no_ok", 404)
    fail(emulator, "setWebhook", BALE_BOT, "empty", 200)
    fail(emulator, "setWebhook", BALE_BOT, "timeout")
    for bot in BOTS:
        fail(emulator, "setMyCommands", bot, "malformed", 200, count=10)
    await bot_process.start(ready_method="setWebhook")
    for bot in BOTS:
        await until(lambda bot=bot: any(oks(emulator, "setWebhook", bot)), f"webhook of {bot} set")
        assert oks(emulator, "setWebhook", bot) == [False, False, True]
    await answers_start(emulator, TELEGRAM_BOT, 401)
    await answers_start(emulator, BALE_BOT, 402)
    log = bot_process.log()
    assert "setWebhook for telegram bot 700001 failed (attempt 2, TelegramNotFound:" in log
    assert "setWebhook for bale bot 700002 failed (attempt 2, TelegramNetworkError:" in log
    assert "Traceback" not in log, log
