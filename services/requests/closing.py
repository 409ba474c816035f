"""Closing the loop with the resident: was it really fixed (yes closes the request, no reopens and
escalates it), and their rating of a closed request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models.requests import CitizenRequest, RequestStatus
from services.i18n import Translator
from services.requests.errors import InvalidRating, InvalidTransition, UnknownRequest
from services.requests.notices import new_event, notify_handlers
from services.requests.people import county_officials_of, first_responders, managers_of
from services.requests.values import RequestView
from services.requests.views import load_request, view_of
from services.uow import committing

__all__ = ["confirm_fixed", "rate_request"]


async def _own_request(session: AsyncSession, person_id: int, request_id: int) -> CitizenRequest:
    request = await load_request(session, request_id, for_update=True)
    if request.person_id != person_id:
        raise UnknownRequest(str(request_id))
    return request


async def confirm_fixed(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    request_id: int,
    fixed: bool,
    now: datetime,
) -> RequestView:
    """The resident's answer to "was it really fixed?". Yes closes the request (a rating is asked
    next); no reopens it, restarts its SLA clocks and escalates it to the managers. Commits."""
    async with committing(session):
        request = await _own_request(session, person_id, request_id)
        if request.status is not RequestStatus.RESOLVED:
            raise InvalidTransition(request.status)
        request.updated_at = now
        if fixed:
            request.status, request.closed_at = RequestStatus.CLOSED, now
            session.add(new_event(request, "confirmed", now, person_id))
        else:
            await _reopen(session, translator, request, person_id=person_id, now=now)
        view = await view_of(session, request, show_text=True, private=False)
    return view


async def _reopen(
    session: AsyncSession, translator: Translator, request: CitizenRequest, *, person_id: int, now: datetime
) -> None:
    """Not fixed: the request is reopened with its SLA clocks restarted; the managers (else the
    county) are told it was not fixed, the committee's first responders that it is back."""
    request.status = RequestStatus.REOPENED
    request.resolved_at = None
    request.sla_started_at = now
    request.sla_round += 1
    session.add(new_event(request, "not_fixed", now, person_id))
    managers = await managers_of(session, request.neighbourhood_id) or await county_officials_of(
        session, request.neighbourhood_id
    )
    await session.flush()
    await notify_handlers(
        session, translator, request, managers, headline="request-notice-not-fixed", now=now
    )
    others = await first_responders(session, request.neighbourhood_id, request.committee)
    await notify_handlers(
        session,
        translator,
        request,
        [p for p in others if p not in managers],
        headline="request-notice-reopened",
        now=now,
    )


async def rate_request(
    session: AsyncSession, *, person_id: int, request_id: int, rating: int, now: datetime
) -> RequestView:
    """The resident's 1–5 rating of a closed request (changing it later is allowed). Commits."""
    if not 1 <= rating <= 5:
        raise InvalidRating(str(rating))
    async with committing(session):
        request = await _own_request(session, person_id, request_id)
        if request.status is not RequestStatus.CLOSED:
            raise InvalidTransition(request.status)
        request.rating, request.updated_at = rating, now
        session.add(new_event(request, "rated", now, person_id, rating=rating))
        view = await view_of(session, request, show_text=True, private=False)
    return view
