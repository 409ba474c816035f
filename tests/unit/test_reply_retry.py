"""Direct replies are retried on flood control, 5xx and network errors, within a bound; nothing
else is retried, and nothing outside an update (the outbox's traffic, getUpdates)."""

from __future__ import annotations

from collections import deque
from typing import Any, cast

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reply_retry import ReplyRetryMiddleware
from bot.update_scope import update_scope
from tests.handlers.harness import NOW


class FailingSession(BaseSession):
    """Fails with the queued errors, then succeeds."""

    def __init__(self, *errors: type[Exception] | Exception) -> None:
        super().__init__()
        self.errors: deque[Any] = deque(errors)
        self.calls = 0

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls += 1
        if self.errors:
            error = self.errors.popleft()
            raise error
        if isinstance(method, GetUpdates):
            return cast(TelegramType, [])
        return cast(TelegramType, Message(message_id=1, date=NOW, chat=Chat(id=5, type="private"), text="ok"))

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


SEND = SendMessage(chat_id=5, text="hi")


def server_error() -> TelegramServerError:
    return TelegramServerError(method=SEND, message="Bad Gateway")


def network_error() -> TelegramNetworkError:
    return TelegramNetworkError(method=SEND, message="connection reset")


def flood(seconds: int) -> TelegramRetryAfter:
    return TelegramRetryAfter(method=SEND, message="Too Many Requests", retry_after=seconds)


def bot_with(session: FailingSession, **options: Any) -> tuple[Bot, list[float]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    session.middleware(ReplyRetryMiddleware(sleep=sleep, **options))
    return Bot("1:x", session=session), waits


def in_update() -> Any:
    return update_scope(cast(AsyncSession, object()))


async def test_a_reply_is_retried_after_5xx_network_errors_and_flood_control() -> None:
    session = FailingSession(server_error(), network_error(), flood(2))
    bot, waits = bot_with(session)
    with in_update():
        message = await bot.send_message(5, "hi")
    assert message.text == "ok" and session.calls == 4
    assert len(waits) == 3 and waits[2] == 2.0
    assert 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0  # backoff with jitter


async def test_attempts_are_bounded() -> None:
    session = FailingSession(*(server_error() for _ in range(10)))
    bot, waits = bot_with(session, attempts=3)
    with in_update(), pytest.raises(TelegramServerError):
        await bot.send_message(5, "hi")
    assert session.calls == 3 and len(waits) == 2


async def test_a_flood_wait_past_the_time_bound_is_not_waited() -> None:
    session = FailingSession(flood(60))
    bot, waits = bot_with(session, within=15.0)
    with in_update(), pytest.raises(TelegramRetryAfter):
        await bot.send_message(5, "hi")
    assert session.calls == 1 and waits == []


async def test_a_bad_request_is_not_retried() -> None:
    session = FailingSession(TelegramBadRequest(method=SEND, message="Bad Request: chat not found"))
    bot, waits = bot_with(session)
    with in_update(), pytest.raises(TelegramBadRequest):
        await bot.send_message(5, "hi")
    assert session.calls == 1 and waits == []


async def test_nothing_is_retried_outside_an_update_nor_get_updates() -> None:
    session = FailingSession(server_error(), server_error())
    bot, waits = bot_with(session)
    with pytest.raises(TelegramServerError):
        await bot.send_message(5, "hi")  # e.g. the outbox's delivery worker: it keeps its own records
    with in_update(), pytest.raises(TelegramServerError):
        await bot.get_updates()  # the poller has its own backoff
    assert session.calls == 2 and waits == []
