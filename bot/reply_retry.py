"""Direct replies are retried like the outbox's messages, within a bound.

A reply a handler sends to the person who just wrote is made inline, not through the outbox
(`DESIGN.md`, "Outgoing messages"). Without retries one 502 or one flood-control answer would
cost the person their answer, and then the apology too. `ReplyRetryMiddleware` is an aiogram
request middleware installed on every Bot by `bot.platforms.make_bot`; for calls made while an
update is handled (`bot.update_scope.handling_update`), it retries:

* 429 (flood control) after the `retry_after` the server asks for;
* 5xx and network errors (a dropped connection, a timeout) with exponential backoff and jitter;

at most `attempts` times in all and never past `within` seconds from the first try; then the
error goes on to the handler and to the error boundary, whose apology is retried the same way.
Anything else (a 400, a 403 from a user who blocked the bot) is not retried: trying again would
not help. getUpdates is never retried here (the poller has its own backoff), and neither is the
delivery worker's traffic, which runs outside any update and keeps its own records.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.update_scope import handling_update

log = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 4
DEFAULT_WITHIN = 15.0


class ReplyRetryMiddleware(BaseRequestMiddleware):
    """Retry direct replies on flood control, 5xx and network errors (see the module)."""

    def __init__(
        self,
        *,
        attempts: int = DEFAULT_ATTEMPTS,
        within: float = DEFAULT_WITHIN,
        first_delay: float = 0.5,
        max_delay: float = 4.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._attempts = max(1, attempts)
        self._within = within
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._sleep = sleep
        self._rng = rng or random.Random()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates) or not handling_update():
            return await make_request(bot, method)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._within
        delay = self._first_delay
        attempt = 1
        while True:
            failure: TelegramRetryAfter | TelegramServerError | TelegramNetworkError
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                failure, wait = error, float(error.retry_after)
                reason = f"flood control, retry after {error.retry_after}s"
            except (TelegramServerError, TelegramNetworkError) as error:
                # "Equal jitter": half fixed, half random, so many replies don't retry in step.
                failure, wait = error, delay / 2 + self._rng.uniform(0, delay / 2)
                delay = min(delay * 2, self._max_delay)
                reason = f"{type(error).__name__}: {error.message}"
            if attempt >= self._attempts or loop.time() + wait > deadline:
                log.warning(
                    "%s to chat %s failed (%s); giving up after %s attempts",
                    method.__api_method__,
                    getattr(method, "chat_id", None),
                    reason,
                    attempt,
                )
                raise failure
            log.info(
                "%s to chat %s failed (attempt %s, %s); retrying in %.1fs",
                method.__api_method__,
                getattr(method, "chat_id", None),
                attempt,
                reason,
                wait,
            )
            await self._sleep(wait)
            attempt += 1
