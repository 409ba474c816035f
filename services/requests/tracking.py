"""Tracking a request by its code: as much of it as the asker may see, and a limit on look-ups of
codes that are not the asker's, so that codes cannot be found by trying."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.requests import CitizenRequest, TrackingAttempt
from services.authz import Actor
from services.requests.codes import reversed_tracking_code
from services.requests.errors import TooManyTrackingAttempts, UnknownRequest
from services.requests.people import may_handle
from services.requests.values import RequestStatusView, RequestView
from services.requests.views import view_of
from services.uow import committing

__all__ = ["TRACK_ATTEMPTS_PER_HOUR", "TRACK_ATTEMPT_WINDOW", "track_request"]

# Look-ups of tracking codes that are not the asker's own, per person (or account) and hour: plenty
# for a code someone was given, far too few to find one by trying.
TRACK_ATTEMPTS_PER_HOUR = 10
TRACK_ATTEMPT_WINDOW = timedelta(hours=1)


async def track_request(
    session: AsyncSession,
    *,
    actor: Actor,
    code: str,
    now: datetime,
    account_id: int | None = None,
    limit: int = TRACK_ATTEMPTS_PER_HOUR,
) -> RequestView | RequestStatusView:
    """The request with this tracking code (or, when none has it, with its three groups in reverse
    order: what a right-to-left line may have shown), as much of it as the asker may see.

    The author and followers see its text and history; the handlers also the resident's name and
    phone. Anyone else holding the code sees its status and dates only (an anonymous request's
    followers count as anyone else). Codes that are not the asker's are looked up at most `limit`
    times an hour per person (per account before they share their phone); beyond that every such
    code, known or not, gets `TooManyTrackingAttempts`, so trying teaches nothing. May commit.
    Raises `UnknownRequest`, `TooManyTrackingAttempts`.
    """
    request = await _by_code(session, code)
    if request is not None:
        handler = await may_handle(session, actor, request)
        if handler or await _involved(session, actor, request):
            return await view_of(session, request, show_text=True, private=handler, history=True)
    found = (
        RequestStatusView(request.code, request.status, request.created_at, request.updated_at)
        if request is not None
        else None
    )
    asker = _asker(actor, account_id)
    if asker is not None and not actor.is_operator:
        await _count_tracking_attempt(session, asker=asker, now=now, limit=limit)
    if found is None:
        raise UnknownRequest(code)
    return found


async def _by_code(session: AsyncSession, code: str) -> CitizenRequest | None:
    request = await requests_repo.request_by_code(session, code)
    if request is None and (flipped := reversed_tracking_code(code)) != code:
        # Typed as a right-to-left line once showed it (groups reversed): unambiguous, since the
        # code as typed does not exist.
        request = await requests_repo.request_by_code(session, flipped)
    return request


async def _involved(session: AsyncSession, actor: Actor, request: CitizenRequest) -> bool:
    """The author, or a follower of a request that is not anonymous."""
    return actor.person_id is not None and (
        actor.person_id == request.person_id
        or (not request.anonymous and actor.person_id in await requests_repo.followers(session, request.id))
    )


def _asker(actor: Actor, account_id: int | None) -> str | None:
    """Whose look-ups are counted: the person's, or the account's before they share their phone."""
    if actor.person_id is not None:
        return f"person:{actor.person_id}"
    return f"account:{account_id}" if account_id is not None else None


async def _count_tracking_attempt(session: AsyncSession, *, asker: str, now: datetime, limit: int) -> None:
    """Count a look-up of someone else's (or no) code; raises `TooManyTrackingAttempts`, without
    counting it, when the hour's are used up. Forgets look-ups older than the hour. Commits."""
    since = now - TRACK_ATTEMPT_WINDOW
    async with committing(session):
        await requests_repo.forget_tracking_attempts_before(session, since)
        recent = await requests_repo.tracking_attempts_since(session, asker, since)
        if len(recent) < limit:
            session.add(TrackingAttempt(asker=asker, at=now))
    if len(recent) >= limit:
        # The next look-up is possible when enough of the hour's have aged out.
        free_at = recent[len(recent) - limit] + TRACK_ATTEMPT_WINDOW
        raise TooManyTrackingAttempts(max(1, math.ceil((free_at - now).total_seconds() / 60)))
