"""Failures in shapes other than Telegram's, the way servers that are not Telegram's fail.

A Bot API server that is not Telegram's (Bale, a proxy in front of either, a gateway that is down)
may answer an error without the ``ok`` field, with an HTML or plain-text page, with nothing at
all, with cut-off JSON, or not at all. A scripted failure (``fail_next(..., shape=...)``) picks one:

==============  ==============================================================================
``telegram``    ``{"ok": false, "error_code": status, "description": ...}`` (the default)
``no_ok``       ``{"message": description}`` with the status, as some gateways answer
``html``        an HTML error page (``text/html``), as a web server or proxy answers
``text``        a plain-text body (``text/plain``), e.g. ``404 page not found``
``empty``       an empty body with the status (``application/json``)
``malformed``   JSON cut off half-way (``application/json``): a success body for a 2xx status
``timeout``     no answer: hold the request ``seconds`` (default 65, beyond aiogram's 60-second
                request timeout) and then close the connection without replying
==============  ==============================================================================
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus

from aiohttp import web

from .errors import ApiError

TELEGRAM = "telegram"
SHAPES: tuple[str, ...] = (TELEGRAM, "no_ok", "html", "text", "empty", "malformed", "timeout")
#: How long a "timeout" holds a request when no ``seconds`` are given.
DEFAULT_TIMEOUT_SECONDS = 65.0


def check_shape(shape: str) -> str:
    """Return ``shape`` if it is one of :data:`SHAPES`, else raise ValueError."""
    if shape not in SHAPES:
        raise ValueError(f"unknown reply shape {shape!r}; expected one of {', '.join(SHAPES)}")
    return shape


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


async def odd_reply(request: web.Request, error: ApiError) -> web.Response:
    """Answer ``request`` with ``error`` written in ``error.shape`` (anything but "telegram")."""
    status, description = error.status, error.description
    if error.shape == "no_ok":
        return web.json_response({"message": description}, status=status)
    if error.shape == "html":
        title = f"{status} {_reason(status)}"
        page = (
            f"<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n<body>\n"
            f"<center><h1>{title}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
        )
        return web.Response(status=status, text=page, content_type="text/html")
    if error.shape == "text":
        return web.Response(status=status, text=f"{status} {description}\n", content_type="text/plain")
    if error.shape == "empty":
        return web.Response(status=status, body=b"", content_type="application/json")
    if error.shape == "malformed":
        # A success cut off when the status says success, else an error cut off.
        whole = json.dumps({"ok": True, "result": {"cut": "off"}} if status < 400 else error.to_json())
        return web.Response(status=status, text=whole[: len(whole) // 2], content_type="application/json")
    if error.shape == "timeout":
        await asyncio.sleep(DEFAULT_TIMEOUT_SECONDS if error.seconds is None else error.seconds)
        if request.transport is not None:
            request.transport.close()  # the client sees the connection drop with no reply
        return web.Response(status=status)
    raise ValueError(f"not an odd reply shape: {error.shape!r}")
