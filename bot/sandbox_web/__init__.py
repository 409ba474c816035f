"""The sandbox web chat: a small right-to-left messenger page served by the emulator's own aiohttp
app. It plays users through the emulator's control API (`/_emu/...`); this module only serves the
static page, the bot ids per platform and the list of ready-made personas."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent
PLATFORMS = ("telegram", "bale")

#: Returns the personas offered on the page, each a mapping with `name`, `phone` (0912…),
#: `platform` ("telegram" or "bale") and optionally `user_id`, `role` (a label) and `key`.
PersonasProvider = Callable[[], Awaitable[list[dict[str, Any]]]]

_STATIC_FILES = {
    "chat.css": "text/css",
    "chat.js": "text/javascript",
}
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# The page must always show the current files: the sandbox is where people try changes.
_NO_CACHE = {"Cache-Control": "no-cache"}

_DEMO_PERSONAS: tuple[dict[str, Any], ...] = (
    {"name": "زهرا احمدی", "phone": "09121110001", "platform": "telegram", "role": "ساکن محله"},
    {"name": "رضا کریمی", "phone": "09121110002", "platform": "bale", "role": "ساکن محله"},
    {"name": "مریم حسینی", "phone": "09121110003", "platform": "telegram", "role": "مدیر محله"},
    {
        "name": "علی رضایی",
        "phone": "09121110004",
        "platform": "bale",
        "role": "رئیس کمیته بهداشت و درمان",
    },
)


async def demo_personas() -> list[dict[str, Any]]:
    """A fixed cast (two residents, a manager, a committee head) for a web chat without a database;
    the sandbox offers the people `seed-demo` put in its database instead (`bot.sandbox`)."""
    return [dict(persona) for persona in _DEMO_PERSONAS]


def phone_digits(phone: str) -> str:
    """`0912 111 0001`, `+98912…`, `۰۹۱۲…` → `989121110001` (international, digits only)."""
    digits = re.sub(r"\D", "", phone.translate(_DIGITS))
    if digits.startswith("0098"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "98" + digits[1:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "98" + digits
    return digits


def clean_persona(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one persona and fill its defaults; raises ValueError on a malformed one.

    Without an explicit `user_id`, the id is the phone in international digits: stable across
    restarts and page reloads, and distinct for distinct phones."""
    name = str(raw.get("name") or "").strip()
    phone = str(raw.get("phone") or "").strip()
    platform = str(raw.get("platform") or "telegram").lower()
    if not name or not phone:
        raise ValueError(f"persona needs a name and a phone: {dict(raw)!r}")
    if platform not in PLATFORMS:
        raise ValueError(f"persona platform must be one of {PLATFORMS}: {platform!r}")
    digits = phone_digits(phone)
    user_id = int(raw.get("user_id") or digits or 0)
    if user_id <= 0:
        raise ValueError(f"persona phone has no digits: {phone!r}")
    return {
        "key": str(raw.get("key") or f"{platform}:{user_id}"),
        "name": name,
        "phone": phone,
        "platform": platform,
        "user_id": user_id,
        "role": str(raw.get("role") or ""),
    }


def setup_web_chat(
    app: web.Application,
    *,
    bots: Mapping[str, int],
    personas: PersonasProvider = demo_personas,
    bot_name: str = "محله‌یار",
    instance: str | None = None,
) -> None:
    """Serve the web chat at `/` of `app` (the emulator's app, so `/_emu/` is on the same origin).

    `bots` maps each platform ("telegram", "bale") to the id of the emulated bot to talk to;
    `instance` names the emulator's chat history (the same across restarts when it is kept on
    disk), so the page can tell when the transcripts it saw are gone."""
    unknown = set(bots) - set(PLATFORMS)
    if unknown:
        raise ValueError(f"unknown platforms {sorted(unknown)}")
    # Without a history kept on disk, every start is a new one.
    instance = instance or secrets.token_hex(8)

    async def index(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(
            STATIC_DIR / "index.html", headers={**_NO_CACHE, "Content-Type": "text/html; charset=utf-8"}
        )

    async def static(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in _STATIC_FILES:
            raise web.HTTPNotFound()
        return web.FileResponse(
            STATIC_DIR / name, headers={**_NO_CACHE, "Content-Type": f"{_STATIC_FILES[name]}; charset=utf-8"}
        )

    async def config(request: web.Request) -> web.StreamResponse:
        return web.json_response({"bots": dict(bots), "bot_name": bot_name, "instance": instance})

    async def personas_json(request: web.Request) -> web.StreamResponse:
        cleaned: list[dict[str, Any]] = []
        try:
            offered = await personas()
        except Exception:
            # The page still works without ready-made personas: visitors can create their own.
            log.exception("cannot list the sandbox personas")
            offered = []
        for raw in offered:
            try:
                cleaned.append(clean_persona(raw))
            except (ValueError, TypeError) as error:
                log.warning("skipping a sandbox persona: %s", error)
        return web.json_response(cleaned, headers=_NO_CACHE)

    app.router.add_get("/", index)
    app.router.add_get("/sandbox/config.json", config)
    app.router.add_get("/sandbox/personas.json", personas_json)
    app.router.add_get("/sandbox/{name}", static)


__all__ = ["PersonasProvider", "clean_persona", "demo_personas", "phone_digits", "setup_web_chat"]
