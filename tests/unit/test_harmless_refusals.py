"""Refusals that mean "already done" (an edit that changes nothing, a callback query too old to
answer) are successes; every other refusal still reaches the caller."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod

from bot.harmless_refusals import HarmlessRefusalMiddleware

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class RefusingServer(BaseSession):
    """Refuses every request with `error` (400), recording them."""

    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error
        self.requests: list[TelegramMethod[Any]] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        raise TelegramBadRequest(method=method, message=self.error)

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""


def bot_refusing(error: str) -> tuple[Bot, RefusingServer]:
    server = RefusingServer(error)
    server.middleware(HarmlessRefusalMiddleware())
    return Bot("42:TEST", session=server), server


async def test_an_edit_that_changes_nothing_is_done() -> None:
    bot, server = bot_refusing(NOT_MODIFIED)
    assert await bot.edit_message_text("same", chat_id=5, message_id=9) is True
    assert await bot.edit_message_reply_markup(chat_id=5, message_id=9, reply_markup=None) is True
    assert await bot.edit_message_caption(chat_id=5, message_id=9, caption="same") is True
    assert len(server.requests) == 3  # not sent again


async def test_a_callback_query_too_old_to_answer_is_answered() -> None:
    bot, _ = bot_refusing(TOO_OLD)
    assert await bot.answer_callback_query("123", text="done") is True


@pytest.mark.parametrize(
    ("error", "call"),
    [
        ("Bad Request: message to edit not found", "edit"),
        (NOT_MODIFIED, "send"),  # only edits can be "not modified"
        (TOO_OLD, "edit"),
        ("Bad Request: chat not found", "answer"),
    ],
)
async def test_every_other_refusal_reaches_the_caller(error: str, call: str) -> None:
    bot, _ = bot_refusing(error)
    with pytest.raises(TelegramBadRequest):
        if call == "edit":
            await bot.edit_message_text("x", chat_id=5, message_id=9)
        elif call == "send":
            await bot.send_message(5, "x")
        else:
            await bot.answer_callback_query("123")
