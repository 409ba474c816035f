"""The routing model in use, retrained with the corrections handlers make: reroutes by managers and
committees, and their verdicts on whether a request is an emergency, kept as labelled examples.

The router's code (:mod:`services.routing`: NumPy, SciPy, scikit-learn, seconds to import) is
imported when a router is trained or loaded, not with this module: the handlers import this, and
the command-line tools that never route need not pay for it.

The bot prepares its router in the background (`RoutingModel.prepare_in_background`): it answers
everything that needs no routing from its first second, and what routes a text (`route`) waits
until the router is there (a warm start loads it in about a second, a first start trains it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import requests_repo
from services.routing_cache import RouterCache, router_key
from services.routing_data import LabelledExample, RouteGuess, load_examples

if TYPE_CHECKING:
    from services.routing import RequestRouter

__all__ = [
    "MARKED_EMERGENCY",
    "MARKED_NOT_EMERGENCY",
    "ROUTER_START_DELAY",
    "Readiness",
    "RoutingModel",
    "emergency_corrections",
    "routing_corrections",
]

# History events of a handler's verdict on whether a request is an emergency (`mark_emergency`).
MARKED_EMERGENCY = "marked_emergency"
MARKED_NOT_EMERGENCY = "marked_not_emergency"

log = logging.getLogger(__name__)

# What the log says once the router is ready (scripts and tests that start the bot wait for it).
READY_LINE = "request router ready"


async def routing_corrections(session: AsyncSession) -> list[LabelledExample]:
    """Reroutes by managers and committees, as labelled examples for the next training; a request
    a handler marked an emergency or not an emergency carries that verdict too."""
    rows = await requests_repo.routing_corrections(session)
    marked = await _emergency_verdicts(session)
    return [
        LabelledExample(text=text, committee=committee.value, emergency=marked.get(request_id))
        for text, committee, request_id in rows
    ]


async def _emergency_verdicts(session: AsyncSession) -> dict[int | None, bool]:
    """The last emergency verdict a handler gave on each request (`mark_emergency`)."""
    events = await requests_repo.events_of_kinds(session, (MARKED_EMERGENCY, MARKED_NOT_EMERGENCY))
    return {request_id: kind == MARKED_EMERGENCY for request_id, kind in events}


def emergency_corrections(corrections: Iterable[LabelledExample]) -> list[tuple[str, bool]]:
    """The (text, emergency) verdicts among `routing_corrections`, for the emergency detector."""
    return [(c.text, c.emergency) for c in corrections if c.emergency is not None]


@cache
def _shipped_router() -> RequestRouter:
    # Trained once per process on the shipped examples only (tests, the CLI, a bot before retrain).
    from services.routing import RequestRouter

    return RequestRouter.train(load_examples())


@dataclass(frozen=True)
class _Training:
    """What a router is trained on, and the key it is kept under."""

    examples: list[LabelledExample]
    verdicts: list[tuple[str, bool]]
    key: str

    def train(self) -> RequestRouter:
        from services.routing import RequestRouter

        return RequestRouter.train(self.examples, emergency_corrections=self.verdicts)


@dataclass(frozen=True)
class Readiness:
    """How `RoutingModel.prepare` got its router: `source` is "cached" (the artefact for today's
    data), "stand-in" (an older artefact, while the right one trains in the background), "trained"
    (no artefact: trained before answering) or "current" (nothing changed)."""

    examples: int
    source: str


# How long a start leaves the request router alone unless a request needs it sooner (see
# `RoutingModel.prepare_in_background`).
ROUTER_START_DELAY = 2.0


class RoutingModel:
    """The request router in use; `retrain` rebuilds it from the shipped examples plus the
    corrections stored so far (seconds of CPU, run off the event loop). With a `cache`, a router
    already trained on the same data is loaded instead (services/routing_cache.py)."""

    def __init__(self, router: RequestRouter | None = None, *, cache: RouterCache | None = None) -> None:
        self._router = router
        self._cache = cache
        self._key: str | None = None
        self._background: asyncio.Task[None] | None = None
        self._preparing: asyncio.Task[None] | None = None
        self._wanted = asyncio.Event()

    @property
    def router(self) -> RequestRouter:
        if self._router is None:
            self._router = _shipped_router()
        return self._router

    async def _training(self, session: AsyncSession) -> _Training:
        corrections = await routing_corrections(session)
        examples = load_examples() + corrections
        verdicts = emergency_corrections(corrections)
        key = await asyncio.to_thread(router_key, examples, verdicts)
        return _Training(examples, verdicts, key)

    async def _fit(self, training: _Training) -> RequestRouter:
        """The router for `training`: from the cache, or trained (off the loop) and then kept."""
        cached = None if self._cache is None else await asyncio.to_thread(self._cache.load, training.key)
        if cached is not None:
            return cached
        router = await asyncio.to_thread(training.train)
        if self._cache is not None:
            await asyncio.to_thread(self._cache.store, training.key, router)
        return router

    async def retrain(self, session: AsyncSession) -> int:
        """Rebuild the router from today's data (unless that is the data it was built on); how many
        examples it holds."""
        training = await self._training(session)
        if training.key != self._key or self._router is None:
            self._router = await self._fit(training)
            self._key = training.key
        return len(training.examples)

    async def prepare(self, session: AsyncSession) -> Readiness:
        """Have a router ready to answer at start: the cached one for today's data; failing that,
        the latest cached one at once while the right one trains in the background; failing that
        (a first start), train now."""
        training = await self._training(session)
        cached = None if self._cache is None else await asyncio.to_thread(self._cache.load, training.key)
        if cached is not None:
            self._router, self._key = cached, training.key
            return Readiness(len(training.examples), "cached")
        stand_in = None if self._cache is None else await asyncio.to_thread(self._cache.latest)
        if stand_in is None:
            await self.retrain(session)
            return Readiness(len(training.examples), "trained")
        self._router = stand_in
        self._background = asyncio.create_task(self._catch_up(training), name="router-training")
        return Readiness(len(training.examples), "stand-in")

    async def _catch_up(self, training: _Training) -> None:
        try:
            router = await self._fit(training)
        except Exception:
            log.exception("training the request router failed; the stand-in stays")
            return
        self._router, self._key = router, training.key
        log.info(
            "request router trained on %s examples (it was a stand-in until now)", len(training.examples)
        )

    def prepare_in_background(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        delay: float = 0.0,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        """`prepare` without waiting for it; `ready` and `route` wait for it. When a trained
        router is on disk, it starts after `delay` seconds, or as soon as something asks for the
        router (`ready`): loading one imports scikit-learn, most of a second of CPU, which a start
        need not spend before its first answers (ROUTER_START_DELAY). With none on disk (a first
        start), training takes seconds and starts at once, as a request may soon need it.
        `on_ready` is called once the router is ready (not when preparing it failed)."""
        if self._cache is None or not self._cache.has_any():
            delay = 0.0

        async def prepare() -> None:
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wanted.wait(), delay)
            try:
                async with session_factory() as session:
                    ready = await self.prepare(session)
            except Exception:
                log.exception("preparing the request router failed; the shipped examples' router is used")
                return
            log.info("%s (%s) for %s examples", READY_LINE, ready.source, ready.examples)
            if on_ready is not None:
                on_ready()

        self._preparing = asyncio.create_task(prepare(), name="router-preparing")

    async def ready(self) -> RequestRouter:
        """The router, once prepared (waits for `prepare_in_background`); without one, the
        shipped examples' router, trained off the event loop."""
        self._wanted.set()
        if self._preparing is not None:
            await asyncio.shield(self._preparing)
        if self._router is None:
            self._router = await asyncio.to_thread(_shipped_router)
        return self._router

    async def route(self, text: str) -> RouteGuess:
        """`guess`, once the router is ready: what the handlers call."""
        return (await self.ready()).route(text)

    async def close(self) -> None:
        """Stop a preparation or a background training still running (at shutdown)."""
        for task in (self._preparing, self._background):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def guess(self, text: str) -> RouteGuess:
        """The router's guess now (trains the shipped examples' router if none is loaded: tests
        and tools; the handlers `route`)."""
        return self.router.route(text)
