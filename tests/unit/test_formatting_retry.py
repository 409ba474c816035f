"""A send refused for its formatting goes again with the formatting neutralised, once; anything
else a server refuses is left to the caller. A fake session stands in for the server."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.methods import EditMessageText, SendMessage, SendPhoto, TelegramMethod
from aiogram.types import BufferedInputFile, Chat, Message

from bot.formatting_retry import (
    FormattingRetryMiddleware,
    is_formatting_refusal,
    neutralise,
    neutralised,
)

REFUSAL = "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 4"


def markdown_refuses(text: str) -> bool:
    """Refuse any text still holding a formatting character (a strict server)."""
    return any(ch in text for ch in "*_`[]")


class FakeServer(BaseSession):
    """Answers like a server that refuses what `refuses` says, recording every request."""

    def __init__(self, refuses: Callable[[str], bool] = markdown_refuses, error: str = REFUSAL) -> None:
        super().__init__()
        self.refuses = refuses
        self.error = error
        self.requests: list[TelegramMethod[Any]] = []

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        text = str(getattr(method, "text", None) or getattr(method, "caption", None) or "")
        if self.refuses(text):
            if "Forbidden" in self.error:
                raise TelegramForbiddenError(method=method, message=self.error)
            raise TelegramBadRequest(method=method, message=self.error)
        if isinstance(method, EditMessageText):
            return True
        return Message(message_id=7, date=datetime.now(UTC), chat=Chat(id=5, type="private"), text=text)

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""


def bot_on(server: FakeServer) -> Bot:
    server.middleware(FormattingRetryMiddleware())
    return Bot("42:TEST", session=server)


def sent_texts(server: FakeServer) -> list[str]:
    return [str(getattr(r, "text", None) or getattr(r, "caption", None)) for r in server.requests]


def test_neutralise_replaces_formatting_characters_with_look_alikes() -> None:
    assert neutralise("a *b* _c_ `d` [e]") == "a ∗b∗ ＿c＿ ˋdˋ ［e］"
    assert neutralise("سلام و درود") == "سلام و درود"


def test_neutralise_keeps_links_commands_and_usernames() -> None:
    text = "see https://ble.ir/mahalleyar_bot?start=n_1001 or ‎/add_member, ask @some_one *now"
    assert neutralise(text) == (
        "see https://ble.ir/mahalleyar_bot?start=n_1001 or ‎/add_member, ask @some_one ∗now"
    )
    assert neutralise(text, keep_words=False).count("＿") == 4


def test_only_formatting_refusals_count() -> None:
    method = SendMessage(chat_id=1, text="x")
    assert is_formatting_refusal(TelegramBadRequest(method=method, message=REFUSAL))
    assert is_formatting_refusal(
        TelegramBadRequest(method=method, message="Bad Request: Can't parse message text")
    )
    assert not is_formatting_refusal(TelegramBadRequest(method=method, message="Bad Request: chat not found"))
    assert neutralised(SendMessage(chat_id=1, text="nothing to calm")) is None


async def test_a_refused_text_is_sent_again_neutralised() -> None:
    server = FakeServer()
    bot = bot_on(server)
    words = "شیر آب *خراب است و لوله_ها `نشت دارند"
    message = await bot.send_message(5, words)
    assert sent_texts(server) == [words, neutralise(words)]
    assert message.text == "شیر آب ∗خراب است و لوله＿ها ˋنشت دارند"
    # The retry changes nothing else about the request.
    first, second = server.requests
    assert first.model_dump(exclude={"text"}) == second.model_dump(exclude={"text"})


async def test_captions_and_edits_are_neutralised_too() -> None:
    server = FakeServer()
    bot = bot_on(server)
    photo = BufferedInputFile(b"\x89PNG", filename="a.png")
    await bot.send_photo(5, photo, caption="*photo")
    assert await bot.edit_message_text("_edited", chat_id=5, message_id=7) is True
    assert [type(r) for r in server.requests] == [SendPhoto, SendPhoto, EditMessageText, EditMessageText]
    assert sent_texts(server) == ["*photo", "∗photo", "_edited", "＿edited"]


async def test_a_text_well_formed_the_first_time_is_sent_once() -> None:
    server = FakeServer()
    await bot_on(server).send_message(5, "plain words")
    assert sent_texts(server) == ["plain words"]


async def test_links_are_neutralised_only_when_nothing_else_helps() -> None:
    # A server that also chokes on the underscore inside the link.
    server = FakeServer()
    text = "*join https://ble.ir/m_bot"
    message = await bot_on(server).send_message(5, text)
    assert sent_texts(server) == [text, "∗join https://ble.ir/m_bot", "∗join https://ble.ir/m＿bot"]
    assert message.text == "∗join https://ble.ir/m＿bot"


async def test_other_refusals_are_not_retried() -> None:
    server = FakeServer(error="Bad Request: chat not found")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot_on(server).send_message(5, "*x")
    blocked = FakeServer(error="Forbidden: bot was blocked by the user")
    with pytest.raises(TelegramForbiddenError):
        await bot_on(blocked).send_message(5, "*x")
    assert len(server.requests) == len(blocked.requests) == 1


async def test_a_refusal_neutralising_cannot_help_is_raised_after_one_go() -> None:
    server = FakeServer(refuses=lambda _text: True)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot_on(server).send_message(5, "no markers at all")
    assert len(server.requests) == 1
    again = FakeServer(refuses=lambda _text: True)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot_on(again).send_message(5, "*one marker")
    assert sent_texts(again) == ["*one marker", "∗one marker"]
