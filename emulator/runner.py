"""Helpers to serve a :class:`BotAPIEmulator` on a TCP port."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .server import BotAPIEmulator

logger = logging.getLogger(__name__)


async def start_emulator(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    emulator: BotAPIEmulator | None = None,
    shutdown_timeout: float = 2.0,
    extra_setup: Callable[[web.Application], None] | None = None,
    **emulator_kwargs: Any,
) -> tuple[BotAPIEmulator, web.AppRunner, str]:
    """Serve an emulator and return ``(emulator, runner, base_url)``.

    ``port=0`` binds a free port; ``base_url`` (e.g. ``http://127.0.0.1:41234``) is what
    aiogram needs: ``TelegramAPIServer.from_base(base_url)``.  Stop with
    ``await runner.cleanup()`` (pending long polls are released immediately).
    ``emulator_kwargs`` (e.g. ``auto_register=True``) are used when ``emulator`` is None.
    ``extra_setup`` may add routes to the app before it starts (the sandbox mounts its web chat).
    """
    emu = emulator or BotAPIEmulator(**emulator_kwargs)
    emu.reopen()
    # handler_cancellation: a poller that disconnects (e.g. a killed bot process) must not
    # leave an orphan long-poll behind that would "deliver" updates nobody receives.
    app = emu.make_app()
    if extra_setup is not None:
        extra_setup(app)
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout, access_log=None, handler_cancellation=True)
    await runner.setup()
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.setblocking(False)
    site = web.SockSite(runner, sock)
    await site.start()
    actual_port = sock.getsockname()[1]
    url_host = f"[{host}]" if ":" in host else host
    base_url = f"http://{url_host}:{actual_port}"
    logger.info("Bot API emulator listening on %s", base_url)
    return emu, runner, base_url
