"""Fairness: a token bucket per person in front of every update, so that one person flooding the
bot cannot slow anyone else down.

Each person (a user of one bot) has a bucket of `THROTTLE_BURST` tokens that refills at
`THROTTLE_RATE` tokens a second. A message or a button press takes a token; with none left the
update is not handled. The first time the bucket runs dry the person is asked, once, to slow down
(with the emergency numbers, in case that is why they hurry); after that the surplus is dropped in
silence until the bucket has filled up again. The buckets live in Redis when the FSM state does
(so several processes share them), else in this process.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import TelegramObject, Update, User

from bot.settings import Settings
from services.emergency import emergency_numbers_text
from services.i18n import Translator, resolve_locale

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Verdict(enum.Enum):
    PASS = 0  # a token was there: handle the update
    WARN = 1  # the bucket just ran dry: ask the person to slow down, handle nothing
    DROP = 2  # still dry and already asked: ignore in silence


class Buckets(Protocol):
    async def take(self, key: str) -> Verdict:
        """Take a token from `key`'s bucket, and say what to do with the update."""
        ...


def _decide(tokens: float, warned: bool, burst: int) -> tuple[Verdict, float, bool]:
    """The verdict and the bucket's new (tokens, warned), from its refilled tokens."""
    if tokens >= burst:
        warned = False  # a full bucket ends the episode: the next flood is asked again
    if tokens >= 1:
        return Verdict.PASS, tokens - 1, warned
    if not warned:
        return Verdict.WARN, tokens, True
    return Verdict.DROP, tokens, True


class MemoryBuckets:
    """The buckets of this process (enough for one process; see `RedisBuckets` for several)."""

    def __init__(
        self,
        burst: int,
        rate: float,
        now: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self._burst = burst
        self._rate = rate
        self._now = now
        self._max_keys = max_keys
        # key → (tokens, when they were counted, whether this episode's warning was given)
        self._state: dict[str, tuple[float, float, bool]] = {}

    async def take(self, key: str) -> Verdict:
        now = self._now()
        tokens, at, warned = self._state.get(key, (float(self._burst), now, False))
        tokens = min(float(self._burst), tokens + max(0.0, now - at) * self._rate)
        verdict, tokens, warned = _decide(tokens, warned, self._burst)
        self._state[key] = (tokens, now, warned)
        if len(self._state) > self._max_keys:
            self._forget_full(now)
        return verdict

    def _forget_full(self, now: float) -> None:
        # A full bucket is the same as no bucket: forgetting it bounds memory and loses nothing.
        full = [
            key
            for key, (tokens, at, _) in self._state.items()
            if tokens + max(0.0, now - at) * self._rate >= self._burst
        ]
        for key in full:
            del self._state[key]


# One round trip, atomic across processes: refill, decide, store (and expire once it would be full).
_TAKE = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'warned')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
local warned = state[3] == '1'
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
if tokens >= burst then warned = false end
local verdict = 2
if tokens >= 1 then
  tokens = tokens - 1
  verdict = 0
elseif not warned then
  warned = true
  verdict = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'warned', warned and '1' or '0')
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return verdict
"""


class RedisBuckets:
    """The buckets shared by every process on one Redis (the FSM storage's client and pool)."""

    def __init__(
        self,
        redis: Any,
        prefix: str,
        burst: int,
        rate: float,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._script = redis.register_script(_TAKE)
        self._prefix = prefix
        self._burst = burst
        self._rate = rate
        self._now = now

    async def take(self, key: str) -> Verdict:
        try:
            verdict = await self._script(
                keys=[f"{self._prefix}:{key}"],
                args=[self._burst, self._rate, self._now()],
            )
        except Exception as error:  # fairness must never stop the bot: without Redis, let it pass
            log.warning("throttle: Redis unavailable, update let through: %s", error)
            return Verdict.PASS
        return Verdict(int(verdict))


# The updates a person causes by writing or pressing; the rest are the messenger's own news.
def _counted(update: Update) -> bool:
    return (
        update.message is not None or update.edited_message is not None or update.callback_query is not None
    )


class ThrottleMiddleware(BaseMiddleware):
    """An outer middleware on `dispatcher.update`, first of all: a dropped update costs nothing
    (no database session, no handler)."""

    def __init__(self, buckets: Buckets | None, translator: Translator, default_locale: str) -> None:
        self._buckets = buckets
        self._translator = translator
        self._default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if (
            self._buckets is None
            or not isinstance(event, Update)
            or user is None
            or user.is_bot
            or not _counted(event)
        ):
            return await handler(event, data)
        bot: Bot = data["bot"]
        verdict = await self._buckets.take(f"{bot.id}:{user.id}")
        if verdict is Verdict.PASS:
            return await handler(event, data)
        if verdict is Verdict.WARN:
            log.info("throttling user %s of bot %s", user.id, bot.id)
            await self._slow_down(event, user)
        return None

    async def _slow_down(self, update: Update, user: User) -> None:
        # Before the identity middleware: the messenger's language is all we know (no database).
        t = self._translator.bind(resolve_locale(None, user.language_code, self._default_locale))
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(t("throttle-slow-down"), show_alert=True)
                return
            message = update.message or update.edited_message
            # Only in a private chat: a group is not told about one member's haste.
            if message is not None and message.chat.type == ChatType.PRIVATE:
                numbers = t("request-emergency") + "\n" + emergency_numbers_text(t)
                await message.answer(t("throttle-slow-down") + "\n\n" + numbers)
        except Exception:  # best effort: the person is being throttled, not served
            log.warning("could not ask user %s to slow down", user.id, exc_info=True)


def throttle_middleware(
    settings: Settings, storage: BaseStorage, translator: Translator
) -> ThrottleMiddleware:
    """The throttle these settings ask for: none when THROTTLE_BURST is 0; shared through Redis
    when the FSM state is kept there (REDIS_URL), else in this process."""
    buckets: Buckets | None = None
    if settings.throttle_burst > 0:
        from aiogram.fsm.storage.redis import (
            RedisStorage,
        )  # the redis package is a dependency

        if isinstance(storage, RedisStorage):
            buckets = RedisBuckets(
                storage.redis,
                f"{settings.redis_prefix}:throttle",
                settings.throttle_burst,
                settings.throttle_rate,
            )
        else:
            buckets = MemoryBuckets(settings.throttle_burst, settings.throttle_rate)
    return ThrottleMiddleware(buckets, translator, settings.default_locale)
