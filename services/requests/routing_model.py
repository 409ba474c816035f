"""The routing model in use, retrained with the corrections handlers make: reroutes by managers and
committees, and their verdicts on whether a request is an emergency, kept as labelled examples."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from services.routing import LabelledExample, RequestRouter, RouteGuess, load_examples

__all__ = [
    "MARKED_EMERGENCY",
    "MARKED_NOT_EMERGENCY",
    "RoutingModel",
    "emergency_corrections",
    "routing_corrections",
]

# History events of a handler's verdict on whether a request is an emergency (`mark_emergency`).
MARKED_EMERGENCY = "marked_emergency"
MARKED_NOT_EMERGENCY = "marked_not_emergency"


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
    return RequestRouter.train(load_examples())


class RoutingModel:
    """The request router in use; `retrain` rebuilds it from the shipped examples plus the
    corrections stored so far (a second or two of CPU, run off the event loop)."""

    def __init__(self, router: RequestRouter | None = None) -> None:
        self._router = router

    @property
    def router(self) -> RequestRouter:
        if self._router is None:
            self._router = _shipped_router()
        return self._router

    async def retrain(self, session: AsyncSession) -> int:
        corrections = await routing_corrections(session)
        examples = load_examples() + corrections
        self._router = await asyncio.to_thread(
            lambda: RequestRouter.train(examples, emergency_corrections=emergency_corrections(corrections))
        )
        return len(examples)

    def guess(self, text: str) -> RouteGuess:
        return self.router.route(text)
