"""The lists of requests people read: a resident's own and followed requests, a handler's inbox of
open requests and the number on its button, and one request as its handler sees it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.identity import Role, ScopeKind
from models.requests import RequestStatus
from services.authz import Actor
from services.requests.people import require_handler
from services.requests.values import RequestView
from services.requests.views import load_request, view_of

__all__ = ["AWAITING_ANSWER", "awaiting_answer_count", "inbox", "my_requests", "request_for_handler"]

# Requests that wait for a handler's first word: new (or rerouted), or reopened by the resident.
AWAITING_ANSWER: frozenset[RequestStatus] = frozenset({RequestStatus.NEW, RequestStatus.REOPENED})


async def request_for_handler(session: AsyncSession, *, actor: Actor, request_id: int) -> RequestView:
    request = await load_request(session, request_id)
    await require_handler(session, actor, request, "view request")
    return await view_of(session, request, show_text=True, private=True, history=True)


async def my_requests(session: AsyncSession, *, person_id: int, limit: int = 10) -> list[RequestView]:
    """The person's own and followed requests, newest first."""
    requests = await requests_repo.own_and_followed(session, person_id, limit)
    # Someone else's anonymous request (followed before that was refused) keeps its text to itself.
    return [
        await view_of(session, r, show_text=r.person_id == person_id or not r.anonymous, private=False)
        for r in requests
    ]


def _managed(actor: Actor) -> list[int]:
    """The neighbourhoods the actor manages."""
    return [
        g.scope_id for g in actor.grants if g.role == Role.MANAGER and g.scope_kind == ScopeKind.NEIGHBOURHOOD
    ]


async def inbox(session: AsyncSession, *, actor: Actor, limit: int = 20) -> list[RequestView]:
    """Open requests the actor handles: their committees' in their neighbourhoods, and every open
    request of the neighbourhoods they manage. Urgent first, then oldest first."""
    if actor.person_id is None:
        return []
    seats = await requests_repo.committee_seats(session, actor.person_id)
    requests = await requests_repo.open_requests_of(
        session, seats=seats, managed=_managed(actor), limit=limit
    )
    return [await view_of(session, r, show_text=True, private=True) for r in requests]


async def awaiting_answer_count(session: AsyncSession, *, actor: Actor) -> int:
    """How many requests in the actor's inbox wait for an answer: the number on the inbox button.

    One query, on indexes: the requests of the actor's committee seats, united with those of the
    neighbourhoods they manage (a request counted once)."""
    if actor.person_id is None:
        return 0
    return await requests_repo.count_in_statuses(
        session, person_id=actor.person_id, managed=_managed(actor), statuses=AWAITING_ANSWER
    )
