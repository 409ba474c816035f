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

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from typing import Any, TypeVar, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramRetryAfter, TelegramServerError
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
from aiogram.types import Update, User
from pydantic import ValidationError

from bot.formatting_retry import FormattingRetryMiddleware
from bot.harmless_refusals import HarmlessRefusalMiddleware
from bot.reply_retry import ReplyRetryMiddleware
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
            if isinstance(item, dict | list):
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
        if isinstance(value, dict | list):  # only these hold objects to complete
            _walk(value, key)


def tolerant_json_loads(content: str | bytes) -> Any:
    """json.loads that completes missing fields; also what webhook requests are parsed with."""
    return fill_missing_fields(json.loads(content))


# How much of an unreadable reply goes into the error's description.
SNIPPET_LENGTH = 80
# The status reported for a reply that says nothing trustworthy (garbage, or an error with 2xx):
# aiogram raises it as TelegramServerError, which everything treats as transient.
UNREADABLE_STATUS = HTTPStatus.BAD_GATEWAY


def _snippet(content: str) -> str:
    if content.lstrip().startswith("<"):  # an HTML or XML page: its text says more than its markup
        content = re.sub(r"<[^>]*>", " ", content)
    return " ".join(content.split())[:SNIPPET_LENGTH] or "(empty body)"


def _unreadable(status_code: int, content: str, what: str = "unreadable reply") -> tuple[int, dict[str, Any]]:
    code = status_code if status_code >= 400 and status_code != HTTPStatus.FORBIDDEN else UNREADABLE_STATUS
    description = f"{what} (HTTP {status_code}): {_snippet(content)}"
    return code, _with_retry_after(code, {"ok": False, "error_code": code, "description": description})


def _error_text(payload: dict[str, Any]) -> str | None:
    """What an error body in some server's own format says, if anything."""
    for key in ("description", "message", "error", "detail", "title"):
        value = payload.get(key)
        if isinstance(value, dict):
            value = _error_text(value)
        if isinstance(value, str) and value.strip():
            return value.strip()[:200]
    return None


def normalise_reply(
    method: TelegramMethod[Any], status_code: int, content: str
) -> tuple[int, dict[str, Any]]:
    """Any server's reply to `method`, as `(status, body)` in Telegram's shape.

    aiogram picks the exception by HTTP status, so that is what this decides:
    * A Telegram-shaped reply is kept as it is; an error that came with a 2xx status takes its
      `error_code` (or 502), a success without `result` is `True` for methods returning a bool.
    * A JSON object without `ok` (some gateways': `{"message": "..."}`) succeeded if the status is
      2xx and it has a `result`; otherwise it is an error described by its
      `description`/`message`/`error`, with its status (502 for a 2xx).
    * Anything else (HTML, plain text, an empty body, cut-off JSON) is an error with its status
      (502 for a 2xx) described as `unreadable reply (HTTP n): <its start>`.
    A 403 that is not Telegram-shaped comes from a proxy or firewall, not from a user who blocked
    the bot, so it is reported as 502 too; 5xx and 502 make TelegramServerError (transient).
    """
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        return _unreadable(status_code, content)
    success = HTTPStatus.OK <= status_code < HTTPStatus.MULTIPLE_CHOICES
    if isinstance(payload.get("ok"), bool):
        if payload["ok"]:
            if "result" not in payload:
                if method.__returning__ is not bool:
                    return _unreadable(status_code, content, "reply without a result")
                payload["result"] = True
            return (status_code if success else HTTPStatus.OK), payload
        code = status_code
        if success:
            error_code = payload.get("error_code")
            valid = isinstance(error_code, int) and 400 <= error_code < 600
            code = error_code if isinstance(error_code, int) and valid else UNREADABLE_STATUS
        if not isinstance(payload.get("description"), str) or not payload["description"]:
            payload["description"] = (
                _error_text(payload) or f"error without a description (HTTP {status_code})"
            )
        return code, _with_retry_after(code, payload)
    if success and "result" in payload:
        return status_code, {"ok": True, "result": payload["result"]}
    code = status_code if status_code >= 400 and status_code != HTTPStatus.FORBIDDEN else UNREADABLE_STATUS
    text = _error_text(payload) or f"reply without ok: {_snippet(content)}"
    body = {"ok": False, "error_code": code, "description": f"{text} (HTTP {status_code})"}
    return code, _with_retry_after(code, body, payload.get("retry_after"))


def _with_retry_after(code: int, body: dict[str, Any], retry_after: Any = None) -> dict[str, Any]:
    """A 429 without `parameters.retry_after` gets one (its own `retry_after` or 1 s), so aiogram
    raises TelegramRetryAfter for it like for Telegram's own."""
    if code != HTTPStatus.TOO_MANY_REQUESTS:
        return body
    parameters = body.get("parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    if not parameters.get("retry_after"):
        usable = isinstance(retry_after, int | float) and not isinstance(retry_after, bool)
        body["parameters"] = {**parameters, "retry_after": max(1, int(retry_after) if usable else 1)}
    return body


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
    that still can't be read, so one odd update never stalls polling for everyone else.

    Whatever a server answers, the caller gets a result or a TelegramAPIError chosen by status
    (see `normalise_reply`), never a decoding error: a server that is not Telegram's may answer
    with HTML, an empty body or its own JSON."""

    def __init__(self, **kwargs: Any) -> None:
        # `check_response` hands aiogram's own check the reply already decoded and completed;
        # anything else (a string) is decoded and completed here.
        loads = kwargs.pop("json_loads", tolerant_json_loads)
        kwargs["json_loads"] = partial(_decoded_or_loads, loads)
        super().__init__(**kwargs)

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        try:
            return await super().make_request(bot, method, timeout)
        except UnicodeDecodeError as error:  # a body in no text encoding at all
            message = f"unreadable reply: {error}"
            raise TelegramServerError(method=method, message=message) from error

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        status_code, payload = normalise_reply(method, status_code, content)
        fill_missing_fields(payload, is_get_me=isinstance(method, GetMe))
        settle_edit_answer(method, payload)
        if (
            isinstance(method, GetUpdates)
            and not getattr(method, "READS_EACH_UPDATE", False)
            and isinstance(payload.get("result"), list)
        ):
            payload["result"] = [readable_update(raw, bot) for raw in payload["result"]]
        _keep_response_type(method)
        try:
            # The payload as it is, not dumped to JSON to be decoded and completed again.
            return super().check_response(bot, method, status_code, cast(str, _Decoded(payload)))
        except ClientDecodeError as error:
            # `ok`, but the result is not what the method returns (a string for a User, ...).
            message = f"unreadable result (HTTP {status_code}): {_snippet(content)}"
            raise TelegramServerError(method=method, message=message) from error


class _Decoded(dict[str, Any]):
    """A reply `TolerantSession.check_response` has decoded and completed already."""


def _decoded_or_loads(loads: Callable[[str], Any], content: Any) -> Any:
    return content if isinstance(content, _Decoded) else loads(content)


# `Response[T]` for each type a method returns. pydantic keeps the generic models it builds only
# as long as something else refers to them, and aiogram builds `Response[T]` anew for every reply
# it reads; without this, every reply rebuilt its model (a large part of an update's cost).
_RESPONSE_TYPES: dict[Any, Any] = {}


def _keep_response_type(method: TelegramMethod[Any]) -> None:
    returning = method.__returning__
    try:
        if returning not in _RESPONSE_TYPES:
            _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]
    except TypeError:  # an unhashable annotation: aiogram builds it as before
        return


def readable_update(raw: Any, bot: Bot) -> Any:
    """`raw` if aiogram can read it as an Update, else only its `update_id` (logged): stored and
    acknowledged like any other, it is then handled as an update with nothing in it."""
    try:
        Update.model_validate(raw, context={"bot": bot})
    except ValidationError as error:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        log.warning("dropping unreadable update %s: %s", update_id, error)
        # An update with only its id still advances the polling offset; the dispatcher ignores it.
        return {"update_id": update_id}
    return raw


def describe_error(error: BaseException) -> str:
    """One line saying what went wrong, for logs (no traceback: an odd reply is not a bug)."""
    detail = error.message if isinstance(error, TelegramAPIError) else str(error)
    return f"{type(error).__name__}: {detail or repr(error)}"


async def until_answered(
    what: str,
    call: Callable[[], Awaitable[T]],
    *,
    first_delay: float = 1.0,
    max_delay: float = 30.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run a required API call until it succeeds, 1, 2, 4 … `max_delay` seconds apart (or as long
    as flood control asks), logging one line per failed attempt. Only cancellation stops it."""
    delay = first_delay
    attempt = 1
    while True:
        try:
            result = await call()
        except Exception as error:
            wait = max(delay, float(error.retry_after)) if isinstance(error, TelegramRetryAfter) else delay
            log.warning(
                "%s failed (attempt %s, %s); retrying in %gs", what, attempt, describe_error(error), wait
            )
            await sleep(wait)
            delay = min(delay * 2, max_delay)
            attempt += 1
            continue
        if attempt > 1:
            log.info("%s succeeded on attempt %s", what, attempt)
        return result


class PatientBot(Bot):
    """A Bot whose getMe is retried until the server answers (see `until_answered`).

    aiogram's polling asks `bot.me()` for each bot before it polls, and a failure there ends
    polling for every bot, so the process. Here a server that fails or answers oddly delays
    only its own bot; the answer is cached, so this waits only until the first one arrives.
    """

    retry_first_delay = 1.0
    retry_max_delay = 30.0

    def __init__(self, token: str, *, label: str = "bot", **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self.label = label

    async def me(self) -> User:
        if self._me is None:
            self._me = await until_answered(
                f"getMe for {self.label} bot {self.id}",
                self.get_me,
                first_delay=self.retry_first_delay,
                max_delay=self.retry_max_delay,
            )
        return self._me


def make_bot(
    token: str,
    api_base: str,
    *,
    label: str = "bot",
    reply_retry: ReplyRetryMiddleware | None = None,
    journal: BaseRequestMiddleware | None = None,
) -> PatientBot:
    """A Bot for `api_base` (Telegram, Bale, or the emulator); no default parse mode.
    `label` (the platform) names the bot in log lines. A request refused for its formatting is
    sent again with the formatting neutralised (`bot.formatting_retry`); a direct reply that meets
    flood control, a 5xx or a network error is tried again (`reply_retry`, `bot.reply_retry`); a
    reply already sent for an update handled again after a crash is not sent twice (`journal`,
    `bot.reply_journal`)."""
    session = TolerantSession(api=TelegramAPIServer.from_base(api_base.rstrip("/")))
    if journal is not None:
        # Outermost: one record per reply, however many tries it took.
        session.middleware(journal)
    session.middleware(FormattingRetryMiddleware())
    # Inside the formatting retry: each request the server sees is retried on its own.
    session.middleware(reply_retry or ReplyRetryMiddleware())
    # An edit that changes nothing or a query too old to answer is done (`bot.harmless_refusals`).
    session.middleware(HarmlessRefusalMiddleware())
    return PatientBot(token=token, session=session, label=label)


# An optional call holds up nothing for longer than this.
OPTIONAL_CALL_TIMEOUT = 5.0


async def best_effort(
    what: str, call: Callable[[], Awaitable[T]], *, within: float | None = OPTIONAL_CALL_TIMEOUT
) -> T | None:
    """Run an optional API call; whatever happens (a server that lacks it, an odd reply, no reply
    within `within` seconds, any error at all) it never stops the bot: the reason is logged in
    one line and None returned. Only cancellation passes through."""
    try:
        return await asyncio.wait_for(call(), within)
    except TelegramAPIError as error:
        log.info("optional call %s failed, continuing: %s", what, describe_error(error))
    except TimeoutError:
        log.info("optional call %s had no answer within %ss, continuing", what, within)
    except Exception as error:
        log.warning("optional call %s failed unexpectedly, continuing: %s", what, describe_error(error))
    return None
