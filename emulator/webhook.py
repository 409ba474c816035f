"""Webhook delivery: while a bot has a webhook set, its updates are POSTed to the URL in order,
one at a time, retried until the bot answers 2xx (as Telegram does)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING

import aiohttp

from .state import BotState

if TYPE_CHECKING:
    from .server import BotAPIEmulator

logger = logging.getLogger(__name__)

RETRY_DELAY = 0.5


def start_webhook_pusher(emu: BotAPIEmulator, state: BotState) -> None:
    state.webhook_pusher = asyncio.get_running_loop().create_task(
        _push(emu, state), name=f"emulator-webhook-{state.id}"
    )


def stop_webhook_pusher(state: BotState) -> None:
    if state.webhook_pusher is not None:
        state.webhook_pusher.cancel()
        state.webhook_pusher = None


async def _push(emu: BotAPIEmulator, state: BotState) -> None:
    headers = {"Content-Type": "application/json"}
    if state.webhook_secret and not state.quirks.ignore_webhook_secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = state.webhook_secret
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        while state.webhook_url and not emu.closing:
            queued = next((q for q in state.pending if not q.delivered), None)
            if queued is None:
                await state.updates_notifier.wait(5.0)
                continue
            body = json.dumps(emu.present(state, queued.update, in_update=True), ensure_ascii=False)
            try:
                async with http.post(state.webhook_url, data=body.encode(), headers=headers) as response:
                    ok = 200 <= response.status < 300
                    if not ok:
                        logger.info("webhook %s answered %s", state.webhook_url, response.status)
            except (aiohttp.ClientError, TimeoutError) as error:
                logger.info("webhook %s unreachable: %s", state.webhook_url, error)
                ok = False
            if ok:
                queued.delivered = True
                state.last_delivered = queued.update
                state.pending.remove(queued)
            else:
                await asyncio.sleep(RETRY_DELAY)
