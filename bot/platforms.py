"""Everything that differs between Telegram and Bale, in one place.

Bale speaks the Telegram Bot API at another address but not all of it: some methods are missing,
HTML formatting is unreliable, and some objects arrive without fields Telegram always sends. The
bot completes such objects before aiogram validates them, treats optional calls as best effort,
and never uses a parse mode.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetMe, GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Update
from pydantic import ValidationError

from models.identity import Platform

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class PlatformCapabilities:
    set_my_commands: bool
    chat_action: bool
    # Whether the server reliably honours the X-Telegram-Bot-Api-Secret-Token webhook header.
    webhook_secret_header: bool
    max_message_length: int
    # How a deep link to the bot is written: {username} and {payload} are filled in.
    deep_link: str

    def start_link(self, username: str, payload: str) -> str:
        return self.deep_link.format(username=username, payload=payload)


CAPABILITIES: dict[Platform, PlatformCapabilities] = {
    Platform.TELEGRAM: PlatformCapabilities(
        set_my_commands=True,
        chat_action=True,
        webhook_secret_header=True,
        max_message_length=4096,
        deep_link="https://t.me/{username}?start={payload}",
    ),
    # Bale documents setMyCommands and sendChatAction as missing or unreliable; we still try them
    # best effort in case a server supports them, but never depend on them.
    Platform.BALE: PlatformCapabilities(
        set_my_commands=False,
        chat_action=False,
        webhook_secret_header=False,
        max_message_length=4096,
        deep_link="https://ble.ir/{username}?start={payload}",
    ),
}


def fill_missing_fields(payload: Any, *, is_get_me: bool = False) -> Any:
    """Complete objects that lack fields Telegram always sends, with safe defaults.

    Works on the decoded JSON of any Bot API response, in place, and returns it.
    """
    if isinstance(payload, dict) and is_get_me and isinstance(payload.get("result"), dict):
        payload["result"].setdefault("is_bot", True)
    _walk(payload, parent_key=None)
    return payload


def _walk(node: Any, parent_key: str | None) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, parent_key)
        return
    if not isinstance(node, dict):
        return
    if "file_id" in node and "file_unique_id" not in node:
        node["file_unique_id"] = node["file_id"]
    if parent_key == "callback_query":
        node.setdefault("chat_instance", "")
    if parent_key in ("from", "user", "from_user", "sender_user") and "id" in node:
        node.setdefault("is_bot", False)
        node.setdefault("first_name", "")
    if parent_key in ("chat", "sender_chat") and "id" in node:
        node.setdefault("type", "private")
    if "message_id" in node and "chat" in node:
        node.setdefault("date", 0)
    for key, value in node.items():
        _walk(value, key)


def tolerant_json_loads(content: str | bytes) -> Any:
    """json.loads that completes missing fields; also what webhook requests are parsed with."""
    return fill_missing_fields(json.loads(content))


class TolerantSession(AiohttpSession):
    """An aiohttp session that fills safe defaults into responses (and, through `json_loads`,
    into webhook updates) before validation, and drops (logging it) any single polled update
    that still can't be read, so one odd update never stalls polling for everyone else."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("json_loads", tolerant_json_loads)
        super().__init__(**kwargs)

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        try:
            payload = json.loads(content)
        except ValueError:
            return super().check_response(bot, method, status_code, content)
        fill_missing_fields(payload, is_get_me=isinstance(method, GetMe))
        if isinstance(method, GetUpdates) and isinstance(payload.get("result"), list):
            payload["result"] = [_readable_update(raw, bot) for raw in payload["result"]]
        return super().check_response(bot, method, status_code, json.dumps(payload))


def _readable_update(raw: Any, bot: Bot) -> Any:
    try:
        Update.model_validate(raw, context={"bot": bot})
    except ValidationError as error:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        log.warning("dropping unreadable update %s: %s", update_id, error)
        # An update with only its id still advances the polling offset; the dispatcher ignores it.
        return {"update_id": update_id}
    return raw


def make_bot(token: str, api_base: str) -> Bot:
    """A Bot for `api_base` (Telegram, Bale, or the emulator); no default parse mode."""
    session = TolerantSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    return Bot(token=token, session=session)


async def best_effort(what: str, call: Callable[[], Awaitable[T]]) -> T | None:
    """Run an optional API call; a server that lacks it, or fails, never stops the bot."""
    try:
        return await call()
    except (TelegramAPIError, OSError, TimeoutError) as error:
        log.info("optional call %s failed, continuing: %s", what, error)
        return None
