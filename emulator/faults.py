"""Fault injection: scripted failures, random failures, slow responses and flood limits."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import ApiError, default_description
from .rates import peak_rate
from .shapes import TELEGRAM, check_shape

logger = logging.getLogger(__name__)

ANY_METHOD = "*"


def norm_method(method: str) -> str:
    """Normalise a method name for matching (case-insensitive, ``*`` matches all)."""
    return method.strip().lower()


def _make_error(
    status: int,
    retry_after: float | None,
    description: str | None,
    shape: str = TELEGRAM,
    seconds: float | None = None,
) -> ApiError:
    if status == 429 and retry_after is None:
        retry_after = 1
    return ApiError(
        status,
        description or default_description(status, retry_after),
        retry_after=retry_after if status == 429 else None,
        shape=shape,
        seconds=seconds,
    )


@dataclass
class FailRule:
    """Fail the next ``count`` matching calls, answering in ``shape`` (see :mod:`emulator.shapes`)."""

    method: str
    status: int
    count: int = 1
    retry_after: float | None = None
    description: str | None = None
    chat_id: int | None = None
    bot_id: int | None = None
    shape: str = TELEGRAM
    seconds: float | None = None

    def matches(self, bot_id: int | None, method: str, chat_id: int | None) -> bool:
        """Return True when this rule applies to the call."""
        if self.count <= 0:
            return False
        if self.method not in (ANY_METHOD, method):
            return False
        if self.bot_id is not None and self.bot_id != bot_id:
            return False
        return self.chat_id is None or self.chat_id == chat_id


@dataclass
class RandomFailRule:
    """Fail matching calls with probability ``rate``."""

    method: str
    rate: float
    statuses: tuple[int, ...]
    retry_after: float | None
    rng: random.Random
    bot_id: int | None = None


@dataclass
class RateLimit:
    """Answer 429 when a bot sends more than the allowed messages within ``window`` seconds."""

    overall: int | None
    per_chat: int | None
    window: float
    retry_after: float
    bot_id: int | None = None


@dataclass
class FaultInjector:
    """Holds and evaluates all configured faults."""

    fail_rules: list[FailRule] = field(default_factory=list)
    random_rules: list[RandomFailRule] = field(default_factory=list)
    delays: dict[tuple[int | None, str], float] = field(default_factory=dict)
    rate_limits: list[RateLimit] = field(default_factory=list)

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: float | None = None,
        count: int = 1,
        description: str | None = None,
        chat_id: int | None = None,
        bot_id: int | None = None,
        shape: str = TELEGRAM,
        seconds: float | None = None,
    ) -> FailRule:
        """Make the next ``count`` matching calls fail; see :meth:`BotAPIEmulator.fail_next`."""
        rule = FailRule(
            method=norm_method(method),
            status=status,
            count=count,
            retry_after=retry_after,
            description=description,
            chat_id=chat_id,
            bot_id=bot_id,
            shape=check_shape(shape),
            seconds=seconds,
        )
        self.fail_rules.append(rule)
        return rule

    def set_random_failures(
        self,
        method: str,
        rate: float = 0.05,
        statuses: Iterable[int] = (429, 500),
        retry_after: float | None = 1,
        seed: int | None = 0,
        bot_id: int | None = None,
    ) -> None:
        """Configure (or with ``rate=0`` remove) random failures for a method."""
        key = norm_method(method)
        self.random_rules = [r for r in self.random_rules if not (r.method == key and r.bot_id == bot_id)]
        if rate > 0:
            self.random_rules.append(
                RandomFailRule(
                    method=key,
                    rate=rate,
                    statuses=tuple(statuses),
                    retry_after=retry_after,
                    rng=random.Random(seed),
                    bot_id=bot_id,
                )
            )

    def set_delay(self, method: str, seconds: float, bot_id: int | None = None) -> None:
        """Delay responses of a method (``seconds <= 0`` removes the delay)."""
        key = (bot_id, norm_method(method))
        if seconds > 0:
            self.delays[key] = seconds
        else:
            self.delays.pop(key, None)

    def set_rate_limit(
        self,
        overall: int | None = None,
        per_chat: int | None = None,
        window: float = 1.0,
        retry_after: float = 1,
        bot_id: int | None = None,
    ) -> None:
        """Enforce flood limits on bot-sent messages (both None removes the limit)."""
        self.rate_limits = [r for r in self.rate_limits if r.bot_id != bot_id]
        if overall is not None or per_chat is not None:
            self.rate_limits.append(RateLimit(overall, per_chat, window, retry_after, bot_id))

    def clear(self) -> None:
        """Remove every configured fault."""
        self.fail_rules.clear()
        self.random_rules.clear()
        self.delays.clear()
        self.rate_limits.clear()

    def delay_for(self, bot_id: int | None, method: str) -> float:
        """Return the configured delay for a call."""
        return max(
            self.delays.get((bot_id, method), 0.0),
            self.delays.get((None, method), 0.0),
            self.delays.get((bot_id, ANY_METHOD), 0.0),
            self.delays.get((None, ANY_METHOD), 0.0),
        )

    def check(self, bot_id: int | None, method: str, chat_id: int | None) -> ApiError | None:
        """Return the error a call should fail with, or None; consumes scripted failures."""
        for rule in self.fail_rules:
            if rule.matches(bot_id, method, chat_id):
                rule.count -= 1
                logger.info(
                    "Injected failure %s (%s) for %s (chat %s)", rule.status, rule.shape, method, chat_id
                )
                self.fail_rules = [r for r in self.fail_rules if r.count > 0]
                return _make_error(rule.status, rule.retry_after, rule.description, rule.shape, rule.seconds)
        for rnd in self.random_rules:
            if rnd.method not in (ANY_METHOD, method):
                continue
            if rnd.bot_id is not None and rnd.bot_id != bot_id:
                continue
            if rnd.rng.random() < rnd.rate:
                status = rnd.rng.choice(rnd.statuses)
                logger.info("Injected random failure %s for %s", status, method)
                return _make_error(status, rnd.retry_after, None)
        return None

    def check_flood(
        self, bot_id: int, chat_id: int, now: float, stamps: list[tuple[float, int]]
    ) -> ApiError | None:
        """Return a 429 error when sending one more message would exceed a rate limit."""
        for limit in self.rate_limits:
            if limit.bot_id is not None and limit.bot_id != bot_id:
                continue
            recent = [(t, c) for t, c in stamps if now - t < limit.window]
            if (
                limit.overall is not None
                and peak_rate([t for t, _ in recent] + [now], limit.window) > limit.overall
            ):
                return _make_error(429, limit.retry_after, None)
            if limit.per_chat is not None:
                chat_times = [t for t, c in recent if c == chat_id] + [now]
                if peak_rate(chat_times, limit.window) > limit.per_chat:
                    return _make_error(429, limit.retry_after, None)
        return None
