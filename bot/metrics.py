"""Prometheus metrics of one bot process (served at `GET /metrics` by `bot.ops`): updates handled
by type and how long each took (a dispatcher middleware), what the outbox delivery worker did
(read from its `DeliveryStats` at scrape time, so the worker needs no metrics code), and the
outbox backlog (counted in the database at scrape time). Each `Metrics` has its own registry, so
tests and several runtimes in one process never collide."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from bot.delivery import DeliveryStats

__all__ = ["CONTENT_TYPE_LATEST", "Metrics", "UpdateMetricsMiddleware"]

# Handling an update takes milliseconds when all is well and seconds when the database or a
# messenger is slow; the buckets cover both ends.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _DeliveryCollector(Collector):
    """The delivery worker's own tallies, as counters (they only grow while the process lives)."""

    def __init__(self) -> None:
        self.stats: DeliveryStats | None = None

    def collect(self) -> Iterator[Metric]:
        stats = self.stats
        tallies = {
            "mahalleyar_outbox_sent": ("outbox messages the messenger accepted", "sent"),
            "mahalleyar_outbox_failed": ("outbox messages given up for good", "failed"),
            "mahalleyar_outbox_rate_limited": ("429 (flood control) answers to outbox sends", "rate_limited"),
            "mahalleyar_outbox_retried": ("outbox sends rescheduled after a 5xx or network error", "retried"),
            "mahalleyar_outbox_parked": ("outbox messages to a chat that blocked the bot", "parked"),
        }
        for name, (documentation, field) in tallies.items():
            family = CounterMetricFamily(name, documentation)
            family.add_metric([], float(getattr(stats, field)) if stats is not None else 0.0)
            yield family
        pauses = GaugeMetricFamily(
            "mahalleyar_outbox_global_pauses", "times every chat waited because flood control looked bot-wide"
        )
        pauses.add_metric([], float(stats.global_pauses) if stats is not None else 0.0)
        yield pauses


class Metrics:
    """Every metric of one process, in its own registry (process and GC metrics included)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.updates = Counter(
            "mahalleyar_updates_handled", "updates handled, by type", ["type"], registry=self.registry
        )
        self.latency = Histogram(
            "mahalleyar_update_handling_seconds",
            "time to handle one update, middlewares included, by type",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outbox = Gauge(
            "mahalleyar_outbox_messages",
            "outbox rows by status: queued (pending, due or not) and waiting for their person",
            ["status"],
            registry=self.registry,
        )
        self.oldest_due = Gauge(
            "mahalleyar_outbox_oldest_due_seconds",
            "how long the oldest due pending outbox row has been due (0 when none is)",
            registry=self.registry,
        )
        self._by_kind: dict[str, tuple[Any, Any]] = {}
        self._delivery = _DeliveryCollector()
        self.registry.register(self._delivery)

    def watch_delivery(self, stats: DeliveryStats) -> None:
        """Report this delivery worker's tallies from now on."""
        self._delivery.stats = stats

    def observe_update(self, kind: str, seconds: float) -> None:
        children = self._by_kind.get(kind)
        if children is None:  # `labels` looks the child up under a lock: once a type is enough
            children = self._by_kind[kind] = (self.updates.labels(kind), self.latency.labels(kind))
        children[0].inc()
        children[1].observe(seconds)

    def render(self) -> bytes:
        """The text exposition format, as Prometheus scrapes it."""
        return generate_latest(self.registry)


class UpdateMetricsMiddleware(BaseMiddleware):
    """Counts each update by type and times its handling; outermost, so the time includes every
    middleware (a throttled or duplicate update is counted too: it was handled, by being dropped)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = _update_type(event)
        started = time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            self._metrics.observe_update(kind, time.perf_counter() - started)


def _update_type(event: TelegramObject) -> str:
    if not isinstance(event, Update):
        return type(event).__name__.lower()
    try:
        return event.event_type
    except UpdateTypeLookupError:  # an update of a kind this aiogram does not know
        return "unknown"
