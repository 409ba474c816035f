"""Duplicates and following: a new request that reads like an open one of the same neighbourhood
and committee is offered to follow instead of filing it again, and the follower is told of the
first one's changes from then on."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.council import CommitteeKey
from models.requests import OPEN_STATUSES, CitizenRequest, RequestFollower
from services.i18n import Translator
from services.persian import fold_for_search
from services.requests.errors import InvalidTransition, UnknownRequest
from services.requests.notices import new_event
from services.requests.people import resident_neighbourhood
from services.requests.values import RequestView
from services.requests.views import view_of
from services.uow import committing

__all__ = ["DUPLICATE_SIMILARITY", "DUPLICATE_WINDOW", "find_similar_open", "follow_request"]

# A new request this close to an open one of the same neighbourhood and committee is offered as a
# duplicate to follow (Jaccard similarity of character trigrams; see `_similarity`).
DUPLICATE_SIMILARITY = 0.35
DUPLICATE_WINDOW = timedelta(days=60)


def _trigrams(text: str) -> set[str]:
    folded = fold_for_search(text)
    return {folded[i : i + 3] for i in range(max(len(folded) - 2, 1))}


def _similarity(a: str, b: str) -> float:
    x, y = _trigrams(a), _trigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def _offerable(
    request: CitizenRequest,
    *,
    neighbourhood_id: int | None,
    committee: CommitteeKey,
    text: str,
    now: datetime,
    person_id: int | None,
) -> bool:
    """Whether `request` may be offered to follow, to this person, for a draft of `text` to
    `committee` (open or not: whether it still is, is the caller's question). An anonymous
    request is shown to its author and its handlers only, so it is never offered to anyone else."""
    return (
        request.neighbourhood_id == neighbourhood_id
        and request.committee == committee
        and request.created_at >= now - DUPLICATE_WINDOW
        and (not request.anonymous or request.person_id == person_id)
        and _similarity(text, request.text) >= DUPLICATE_SIMILARITY
    )


async def find_similar_open(
    session: AsyncSession,
    *,
    neighbourhood_id: int,
    committee: CommitteeKey,
    text: str,
    now: datetime,
    person_id: int | None = None,
) -> RequestView | None:
    """An open request of the same neighbourhood and committee that reads like `text`, if any,
    to offer `person_id` to follow (never someone else's anonymous request)."""
    candidates = await requests_repo.open_requests_like(
        session,
        neighbourhood_id=neighbourhood_id,
        committee=committee,
        since=now - DUPLICATE_WINDOW,
        person_id=person_id,
    )
    best: tuple[float, CitizenRequest] | None = None
    for candidate in candidates:
        score = _similarity(text, candidate.text)
        if score >= DUPLICATE_SIMILARITY and (best is None or score > best[0]):
            best = (score, candidate)
    if best is None:
        return None
    # The resident sees the other request's text (to judge) but not who wrote it.
    return await view_of(session, best[1], show_text=True, private=False)


async def follow_request(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    request_id: int,
    text: str,
    committee: CommitteeKey,
    now: datetime,
) -> RequestView:
    """Follow the request `find_similar_open` offered for the person's draft (`text` to
    `committee`) instead of filing the same one; the follower is told of its changes from now on.

    Only what would be offered can be followed: a recent request of the person's neighbourhood and
    the draft's committee that reads like the draft and is not someone else's anonymous one. Any
    other id is `UnknownRequest`, whether it exists or not; `InvalidTransition` when it was offered
    but has closed since. Commits."""
    async with committing(session):
        request = await session.get(CitizenRequest, request_id)
        if request is None or not _offerable(
            request,
            neighbourhood_id=await resident_neighbourhood(session, person_id),
            committee=committee,
            text=text,
            now=now,
            person_id=person_id,
        ):
            raise UnknownRequest(str(request_id))
        if request.status not in OPEN_STATUSES:
            raise InvalidTransition(request.status)
        if request.person_id != person_id and person_id not in await requests_repo.followers(
            session, request.id
        ):
            session.add(RequestFollower(request_id=request.id, person_id=person_id, created_at=now))
            session.add(new_event(request, "followed", now, person_id))
            await session.flush()
        view = await view_of(session, request, show_text=True, private=False)
    return view
