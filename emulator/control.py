"""HTTP control API (``/_emu/...``) for out-of-process drivers and the sandbox web chat.

All endpoints answer ``{"ok": true, "result": ...}`` or ``{"ok": false, "description": ...}``.

==========================================================  ==========================================
``GET  /_emu/health``                                        liveness
``GET  /_emu/bots``                                          registered bots
``POST /_emu/bots``                                          ``{token, username?, first_name?, platform?, odd?}``
``POST /_emu/users/{user_id}``                               create/update ``{first_name, last_name,
                                                             username, language_code, phone, blocked}``
``POST /_emu/bots/{bot_id}/users/{user_id}/text``            ``{text, reply_to?}`` (≤ 4,096 UTF-16 units)
``POST /_emu/bots/{bot_id}/users/{user_id}/contact``         ``{phone_number?, own?=true, first_name?,
                                                             last_name?, contact_user_id?}``
``POST /_emu/bots/{bot_id}/users/{user_id}/photo``           ``{data (base64)?, caption?}``
``POST /_emu/bots/{bot_id}/users/{user_id}/document``        ``{data (base64)?, file_name?, caption?}``
``POST /_emu/bots/{bot_id}/users/{user_id}/location``        ``{latitude, longitude}``
``POST /_emu/bots/{bot_id}/users/{user_id}/sticker``         ``{emoji?}``
``POST /_emu/bots/{bot_id}/users/{user_id}/voice``           ``{data (base64)?, duration?=3, mime_type?}``
``POST /_emu/bots/{bot_id}/users/{user_id}/press``           ``{message_id, data, strict?=true}``
``POST /_emu/bots/{bot_id}/users/{user_id}/click``           ``{text, message_id?}`` press a button by label
``POST /_emu/bots/{bot_id}/updates``                         raw update injection
``POST /_emu/bots/{bot_id}/duplicate_last_update``           re-deliver last update
``GET  /_emu/bots/{bot_id}/chats/{chat_id}/messages``        ``?after=SEQ&wait=SECONDS`` transcript changes
``GET  /_emu/bots/{bot_id}/sent``                            ``?chat_id=`` bot-sent messages
``POST /_emu/faults``                                        ``{action: fail_next|random|delay|rate_limit|clear, ...}``
``GET  /_emu/calls``                                         ``?method=&bot_id=&since=INDEX``
``GET  /_emu/rates``                                         ``?bot_id=&window=``
``GET  /_emu/files/{file_id}``                               raw file bytes
==========================================================  ==========================================

Every user action accepts an optional ``"user": {first_name, ...}`` object to create/update
the simulated user's profile first.

A user's text longer than 4,096 UTF-16 code units is refused with 400 "Bad Request: message is
too long", as Telegram's server refuses it (MTProto ``MESSAGE_TOO_LONG``); Telegram's apps split
such a text into several messages before sending, and so does the sandbox web chat. (The Python
``BotAPIEmulator.send_text`` does not check, so tests can still feed a bot what no server would.)

``fail_next`` takes ``{method, status?=500, count?=1, retry_after?, description?, chat_id?, bot_id?,
shape?="telegram", seconds?}``; ``shape`` writes the failure the way other servers do: ``no_ok``,
``html``, ``text``, ``empty``, ``malformed`` or ``timeout`` (hold ``seconds``, then hang up); see
:mod:`emulator.shapes`.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .api_methods import MAX_TEXT
from .errors import ApiError, bad_request
from .formatting import utf16_len

if TYPE_CHECKING:
    from .server import BotAPIEmulator

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result}, dumps=_dumps)


def _fail(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ValueError("request body must be JSON") from None
    if not isinstance(data, dict):
        raise ValueError("request body must be a JSON object")
    return data


def _b64(value: Any) -> bytes | None:
    if value in (None, ""):
        return None
    text = str(value)
    if text.startswith("data:") and "," in text:
        text = text.split(",", 1)[1]
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        raise ValueError("data must be base64") from None


def _guard(func: Handler) -> Handler:
    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await func(request)
        except KeyError as exc:
            return _fail(404, str(exc.args[0] if exc.args else exc))
        except (ValueError, TypeError, LookupError) as exc:
            return _fail(400, str(exc))
        except ApiError as exc:
            return _fail(exc.status, exc.description)

    return wrapper


def setup_control_routes(app: web.Application, emu: BotAPIEmulator) -> None:
    """Register the ``/_emu/`` routes for ``emu`` on ``app``."""

    def bot_of(request: web.Request) -> Any:
        return emu.get_bot(request.match_info["bot_id"])

    async def health(request: web.Request) -> web.StreamResponse:
        return _ok({"bots": len(emu.bots), "users": len(emu.users), "calls": len(emu.calls)})

    async def list_bots(request: web.Request) -> web.StreamResponse:
        return _ok(
            [
                {
                    "id": b.id,
                    "username": b.username,
                    "first_name": b.first_name,
                    "platform": b.platform,
                    "odd": b.odd,
                    "pending_updates": len(b.pending),
                    "polling": b.active_polls > 0,
                }
                for b in emu.bots.values()
            ]
        )

    async def add_bot(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        state = emu.add_bot(
            str(body["token"]),
            body.get("username"),
            body.get("first_name"),
            body.get("platform", "telegram"),
            odd=bool(body.get("odd")),
        )
        return _ok({"id": state.id, "username": state.username})

    def user_from(request: web.Request, body: dict[str, Any]) -> Any:
        user_id = int(request.match_info["user_id"])
        profile = body.get("user") or {}
        if not isinstance(profile, dict):
            raise ValueError("user must be an object")
        return emu.user(
            user_id,
            first_name=profile.get("first_name"),
            last_name=profile.get("last_name"),
            username=profile.get("username"),
            language_code=profile.get("language_code", "fa"),
            phone=profile.get("phone"),
            blocked=profile.get("blocked"),
        )

    async def upsert_user(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        sim = user_from(request, {"user": body})
        return _ok(
            {
                **sim.to_user(),
                "phone": sim.phone,
                "blocked": sim.blocked,
                "blocked_bots": sorted(sim.blocked_bots),
            }
        )

    async def user_action(request: web.Request) -> web.StreamResponse:
        action = request.match_info["action"]
        body = await _body(request)
        bot = bot_of(request)
        sim = user_from(request, body)
        update: dict[str, Any]
        if action == "text":
            text = str(body["text"])
            if utf16_len(text) > MAX_TEXT:
                raise bad_request("message is too long")
            update = await emu.send_text(bot, sim, text, reply_to=body.get("reply_to"))
        elif action == "contact":
            update = await emu.send_contact(
                bot,
                sim,
                body.get("phone_number"),
                own=bool(body.get("own", True)),
                contact_user_id=body.get("contact_user_id"),
                first_name=body.get("first_name"),
                last_name=body.get("last_name"),
            )
        elif action == "photo":
            data = _b64(body.get("data"))
            if data is None:
                update = await emu.send_photo(bot, sim, caption=body.get("caption"))
            else:
                update = await emu.send_photo(
                    bot, sim, data, body.get("caption"), mime_type=body.get("mime_type")
                )
        elif action == "document":
            data = _b64(body.get("data")) or b"%PDF-1.4\n%emulator\n"
            update = await emu.send_document(
                bot,
                sim,
                data,
                body.get("file_name", "document.pdf"),
                body.get("mime_type"),
                body.get("caption"),
            )
        elif action == "location":
            update = await emu.send_location(bot, sim, float(body["latitude"]), float(body["longitude"]))
        elif action == "sticker":
            update = await emu.send_sticker(bot, sim, body.get("emoji", "😀"))
        elif action == "voice":
            update = await emu.send_voice(
                bot,
                sim,
                _b64(body.get("data")),
                duration=int(body.get("duration", 3)),
                mime_type=str(body.get("mime_type") or "audio/ogg"),
            )
        elif action == "press":
            update = await emu.press_button(
                bot, sim, int(body["message_id"]), str(body["data"]), strict=bool(body.get("strict", True))
            )
        elif action == "click":
            message_id = body.get("message_id")
            update = await emu.click(
                bot, sim, str(body["text"]), message_id=int(message_id) if message_id is not None else None
            )
        else:
            return _fail(404, f"unknown user action {action!r}")
        return _ok(update)

    async def inject(request: web.Request) -> web.StreamResponse:
        return _ok(emu.inject_update(bot_of(request), await _body(request)))

    async def duplicate(request: web.Request) -> web.StreamResponse:
        return _ok(emu.duplicate_last_update(bot_of(request)))

    async def chat_messages(request: web.Request) -> web.StreamResponse:
        bot = bot_of(request)
        chat_id = int(request.match_info["chat_id"])
        after = int(request.query.get("after", "0"))
        wait = min(float(request.query.get("wait", "0")), 60.0)
        deadline = time.monotonic() + wait
        while True:
            records = [r for r in emu.chat_records(bot, chat_id) if r.seq > after]
            chat = bot.chats.get(chat_id)
            answers = [a for a in (chat.callback_answers if chat else []) if a["seq"] > after]
            remaining = deadline - time.monotonic()
            if records or answers or remaining <= 0 or emu.closing:
                break
            await emu.wait_changes(remaining)
        cursor = max([after, *(r.seq for r in records), *(a["seq"] for a in answers)])
        return _ok(
            {
                "messages": [r.snapshot() for r in sorted(records, key=lambda r: r.seq)],
                "callback_answers": answers,
                "reply_keyboard": emu.reply_keyboard(bot, chat_id),
                "cursor": cursor,
            }
        )

    async def sent(request: web.Request) -> web.StreamResponse:
        chat_id = request.query.get("chat_id")
        return _ok(emu.sent_messages(bot_of(request), int(chat_id) if chat_id else None))

    async def faults(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        action = body.pop("action", "fail_next")
        bot = body.pop("bot_id", None)
        if action == "fail_next":
            emu.fail_next(
                str(body["method"]),
                status=int(body.get("status", 500)),
                retry_after=body.get("retry_after"),
                count=int(body.get("count", 1)),
                description=body.get("description"),
                chat_id=body.get("chat_id"),
                bot=bot,
                shape=str(body.get("shape", "telegram")),
                seconds=float(body["seconds"]) if body.get("seconds") is not None else None,
            )
        elif action == "random":
            emu.set_random_failures(
                str(body["method"]),
                rate=float(body.get("rate", 0.05)),
                statuses=tuple(body.get("statuses", (429, 500))),
                retry_after=body.get("retry_after", 1),
                seed=body.get("seed", 0),
                bot=bot,
            )
        elif action == "delay":
            emu.set_delay(str(body["method"]), float(body["seconds"]), bot=bot)
        elif action == "rate_limit":
            emu.set_rate_limit(
                body.get("overall"),
                body.get("per_chat"),
                float(body.get("window", 1.0)),
                float(body.get("retry_after", 1)),
                bot=bot,
            )
        elif action == "clear":
            emu.clear_faults()
        else:
            raise ValueError(f"unknown fault action {action!r}")
        return _ok(True)

    async def calls(request: web.Request) -> web.StreamResponse:
        method = request.query.get("method")
        bot_id = request.query.get("bot_id")
        since = int(request.query.get("since", "0"))
        selected = [
            {"index": i, **c.to_json()}
            for i, c in enumerate(emu.calls)
            if i >= since
            and (method is None or c.method.lower() == method.lower())
            and (bot_id is None or str(c.bot_id) == bot_id)
        ]
        return _ok(selected)

    async def rates(request: web.Request) -> web.StreamResponse:
        bot_id = request.query.get("bot_id")
        window = float(request.query.get("window", "1.0"))
        bot = emu.get_bot(bot_id) if bot_id else None
        return _ok(
            {
                "messages": len(emu.send_timestamps(bot)),
                "peak_rate": emu.peak_rate(window, bot),
                "peak_rate_per_chat": emu.peak_rate_per_chat(window, bot),
                "window": window,
            }
        )

    async def file_bytes(request: web.Request) -> web.StreamResponse:
        stored = emu.files.get(request.match_info["file_id"])
        if stored is None:
            return _fail(404, "file not found")
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/_emu/health", health),
        ("GET", "/_emu/bots", list_bots),
        ("POST", "/_emu/bots", add_bot),
        ("POST", "/_emu/users/{user_id:-?\\d+}", upsert_user),
        ("POST", "/_emu/bots/{bot_id}/users/{user_id:-?\\d+}/{action}", user_action),
        ("POST", "/_emu/bots/{bot_id}/updates", inject),
        ("POST", "/_emu/bots/{bot_id}/duplicate_last_update", duplicate),
        ("GET", "/_emu/bots/{bot_id}/chats/{chat_id:-?\\d+}/messages", chat_messages),
        ("GET", "/_emu/bots/{bot_id}/sent", sent),
        ("POST", "/_emu/faults", faults),
        ("GET", "/_emu/calls", calls),
        ("GET", "/_emu/rates", rates),
        ("GET", "/_emu/files/{file_id}", file_bytes),
    ]
    for verb, path, handler in routes:
        app.router.add_route(verb, path, _guard(handler))
