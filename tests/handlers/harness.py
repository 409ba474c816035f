"""Handler tests: real Update objects through the real Dispatcher; a recording fake session
stands in for the network, answering each request with a queued or a plausible response."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetFile, GetMe, SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import UNSET_PARSE_MODE, Chat, Contact, File, Message, Update, User

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.queued: deque[Response[Any]] = deque()
        self._message_ids = itertools.count(1000)
        # The id of the last message sent (sendMessage), for a button pressed on it.
        self.last_sent_id = 0
        # Files users "uploaded" (file_id → bytes): getFile knows them and downloads stream them.
        self.files: dict[str, bytes] = {}

    def queue(self, response: Response[Any]) -> None:
        self.queued.append(response)

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        response = self.queued.popleft() if self.queued else self._plausible(bot, method)
        checked = self.check_response(
            bot=bot, method=method, status_code=response.error_code or 200, content=response.model_dump_json()
        )
        return checked.result  # type: ignore[return-value]

    def _plausible(self, bot: Bot, method: TelegramMethod[Any]) -> Response[Any]:
        chat_id = getattr(method, "chat_id", None)
        if isinstance(method, GetMe):
            me = User(id=bot.id, is_bot=True, first_name="Mahalleyar", username="mahalleyar_bot")
            return Response[User](ok=True, result=me)
        if isinstance(method, GetFile):
            data = self.files.get(method.file_id)
            if data is None:
                return Response[File](ok=False, error_code=400, description="Bad Request: invalid file_id")
            path = f"documents/{method.file_id}"
            found = File(
                file_id=method.file_id, file_unique_id=method.file_id, file_size=len(data), file_path=path
            )
            return Response[File](ok=True, result=found)
        if method.__returning__ is Message or "Message" in str(method.__returning__):
            if isinstance(method, SendMessage):
                self.last_sent_id = next(self._message_ids)
                message_id = self.last_sent_id
            else:
                message_id = next(self._message_ids)
            message = Message(
                message_id=message_id,
                date=NOW,
                chat=Chat(id=int(chat_id or 0), type="private"),
                from_user=User(id=bot.id, is_bot=True, first_name="Mahalleyar"),
                text=getattr(method, "text", None),
            )
            return Response[Message](ok=True, result=message)
        return Response[bool](ok=True, result=True)

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        url = str(kwargs.get("url", args[0] if args else ""))
        data = next((d for file_id, d in self.files.items() if url.endswith(f"/documents/{file_id}")), b"")
        size = int(kwargs.get("chunk_size") or 65536)
        for start in range(0, len(data), size):
            yield data[start : start + size]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            r.text  # type: ignore[attr-defined]
            for r in self.requests
            if hasattr(r, "text")
            and r.text is not None
            and (chat_id is None or getattr(r, "chat_id", None) == chat_id)
        ]


def make_test_bot(bot_id: int) -> tuple[Bot, RecordingSession]:
    session = RecordingSession()
    return Bot(token=f"{bot_id}:TEST", session=session), session


class UpdateFactory:
    """Builds real Update objects the way a messenger would send them."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def message(self, user: User, *, text: str | None = None, **fields: Any) -> Update:
        update_id = next(self._ids)
        message = Message(
            message_id=update_id,
            date=NOW,
            chat=Chat(id=user.id, type="private", first_name=user.first_name),
            from_user=user,
            text=text,
            **fields,
        )
        return Update(update_id=update_id, message=message)

    def contact(self, user: User, phone: str, contact_user_id: int | None) -> Update:
        return self.message(
            user, contact=Contact(phone_number=phone, first_name=user.first_name, user_id=contact_user_id)
        )

    def callback(self, user: User, data: str, message_id: int = 1) -> Update:
        from aiogram.types import CallbackQuery

        update_id = next(self._ids)
        message = Message(
            message_id=message_id,
            date=NOW,
            chat=Chat(id=user.id, type="private"),
            from_user=User(id=1, is_bot=True, first_name="bot"),
            text="…",
        )
        query = CallbackQuery(
            id=str(update_id), from_user=user, chat_instance="ci", data=data, message=message
        )
        return Update(update_id=update_id, callback_query=query)


async def feed(dispatcher: Dispatcher, bot: Bot, update: Update) -> None:
    await dispatcher.feed_update(bot, update)


__all__ = ["NOW", "UNSET_PARSE_MODE", "RecordingSession", "UpdateFactory", "feed", "make_test_bot"]
