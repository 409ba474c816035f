"""Everything that differs between Telegram and Bale, in one place.

Bale speaks the Telegram Bot API at another address (https://tapi.bale.ai, documented at
https://docs.bale.ai) but not all of it: some methods are missing, every text is read as Markdown,
an edit may be answered with a stub, and some objects arrive without fields Telegram always sends.
The bot completes such objects before aiogram validates them, treats optional calls as best effort,
never uses a parse mode, resends a text refused for its formatting with the formatting neutralised
(`bot.formatting_retry`), and takes any successful edit answer as a success (`settle_edit_answer`).
The emulator's Bale profile (`emulator.state.Quirks.bale`) mirrors the table below.
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
from aiogram.methods import (
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    TelegramMethod,
)
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Update
from pydantic import ValidationError

from bot.formatting_retry import FormattingRetryMiddleware
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
    # Every text and caption is read as Markdown, parse_mode or not; a stray marker may get the
    # send refused ("can't parse entities"), which bot.formatting_retry answers.
    markdown_always: bool = False
    # editMessageText may answer a stub (message_id 0, no text, maybe no chat) instead of the message.
    edit_answer_stub: bool = False
    # setWebhook reads only `url` (no secret_token, allowed_updates, drop_pending_updates).
    webhook_url_only: bool = False
    # ReplyKeyboardMarkup is only `keyboard` (resize/one_time/placeholder are dropped, not refused);
    # KeyboardButton's request_contact works on both.
    reply_keyboard_options: bool = True

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
    # Bale, after its published Bot API (docs.bale.ai) and bots and libraries that run on it:
    # - no command-menu methods in Bale's method list; sendChatAction is in some client libraries
    #   (Balethon) but nothing relies on it: both skipped or best effort, never depended on;
    # - webhook: setWebhook takes only `url` (docs.bale.ai; Balethon's set_webhook sends only url),
    #   so no secret header; the secret goes in the webhook path (bot.app.webhook_path);
    # - every text is Markdown (*bold*, _italic_, `code`, [text](url)) with no parse_mode:
    #   github.com/sepehr071/bale-mcp README "Text is Markdown. Bale formats every message";
    #   Balethon's send_message has no parse_mode; bots on Bale replace stray * and _ with
    #   look-alikes before sending. A refusal for formatting is not documented; we assume one;
    # - user and chat ids may use up to 52 bits, like Telegram's (bale-mcp: "can exceed 32 bits");
    # - editMessageText answers a stub: bale-mcp's tests record tapi.bale.ai answering message_id 0,
    #   a bare chat and no text (2026-10);
    # - ReplyKeyboardMarkup has only `keyboard` in the docs; Balethon still sends
    #   resize_keyboard/one_time_keyboard, so they are taken to be ignored, not refused;
    #   KeyboardButton has text, request_contact, request_location, web_app (Balethon).
    Platform.BALE: PlatformCapabilities(
        set_my_commands=False,
        chat_action=False,
        webhook_secret_header=False,
        max_message_length=4096,
        deep_link="https://ble.ir/{username}?start={payload}",
        markdown_always=True,
        edit_answer_stub=True,
        webhook_url_only=True,
        reply_keyboard_options=False,
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


EDIT_METHODS = (EditMessageText, EditMessageCaption, EditMessageReplyMarkup, EditMessageMedia)


def settle_edit_answer(method: TelegramMethod[Any], payload: dict[str, Any]) -> None:
    """An edit the server accepted is a success, whatever the body of its answer (in place).

    Bale answers editMessageText with a stub instead of the edited message: message_id 0 and no
    text, sometimes without a chat at all (bale-mcp records `{"message_id": 0, "date": ..,
    "chat": {..}, "edit_date": ..}` from tapi.bale.ai). aiogram cannot read the barer forms as a
    Message. For the edit methods, a successful answer whose result is not a whole message (no
    chat, or message_id 0) becomes `True`: a valid answer for every edit method (Telegram's own
    for inline messages), and handlers use an edit's answer for nothing but its success.
    """
    if not isinstance(method, EDIT_METHODS) or payload.get("ok") is not True:
        return
    result = payload.get("result")
    if isinstance(result, dict) and (
        not result.get("message_id") or not isinstance(result.get("chat"), dict)
    ):
        log.debug("%s answered a stub; the edit is made", method.__api_method__)
        payload["result"] = True


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
        settle_edit_answer(method, payload)
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
    """A Bot for `api_base` (Telegram, Bale, or the emulator); no default parse mode. A request
    refused for its formatting is sent again with the formatting neutralised
    (`bot.formatting_retry`)."""
    session = TolerantSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    session.middleware(FormattingRetryMiddleware())
    return Bot(token=token, session=session)


async def best_effort(what: str, call: Callable[[], Awaitable[T]]) -> T | None:
    """Run an optional API call; a server that lacks it, or fails, never stops the bot."""
    try:
        return await call()
    except (TelegramAPIError, OSError, TimeoutError) as error:
        log.info("optional call %s failed, continuing: %s", what, error)
        return None
