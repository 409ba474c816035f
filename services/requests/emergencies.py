"""Emergencies and urgency: a repeated emergency (the same person, or about the same place, soon
after an open one) joins the first instead of starting another, and an outage in extreme cold or
heat or with vulnerable people is urgent though not an emergency."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.council import CommitteeKey
from models.requests import CitizenRequest, RequestFollower
from services.emergency_detection import assess as assess_emergency
from services.i18n import Translator
from services.notify import notify_up_the_ladder
from services.requests.attachments import photos_added
from services.requests.cards import handler_buttons
from services.requests.notices import handler_notice, new_event, topic_of
from services.requests.people import crisis_active, request_ladder
from services.requests.values import Holder, NewRequest, Submitted
from services.requests.views import load_request, view_of

__all__ = [
    "EMERGENCY_REPEAT_WINDOW",
    "EMERGENCY_SAME_PLACE_METRES",
    "attach_emergency",
    "repeated_emergency",
    "urgent_outage",
]

# An emergency from the same person, or from (about) the same place, this soon after an open one
# is the same emergency: it joins the first, whose handlers are told once more at most.
EMERGENCY_REPEAT_WINDOW = timedelta(minutes=30)
EMERGENCY_SAME_PLACE_METRES = 200.0


def urgent_outage(text: str) -> bool:
    """An outage in extreme cold or heat, or with the elderly, the sick or babies: urgent (shorter
    SLA) though not an emergency."""
    verdict = assess_emergency(text)
    return verdict.urgent and not verdict.emergency


def _metres_apart(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), plenty precise for "the same building or street"."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _same_place(request: CitizenRequest, draft: NewRequest) -> bool:
    if (
        request.latitude is None
        or request.longitude is None
        or draft.latitude is None
        or draft.longitude is None
    ):
        return False
    metres = _metres_apart(request.latitude, request.longitude, draft.latitude, draft.longitude)
    return metres <= EMERGENCY_SAME_PLACE_METRES


async def repeated_emergency(
    session: AsyncSession, *, neighbourhood_id: int, person_id: int, draft: NewRequest, now: datetime
) -> CitizenRequest | None:
    """The open emergency of the neighbourhood, from the last `EMERGENCY_REPEAT_WINDOW`, that this
    one repeats: sent by the same person, or from within `EMERGENCY_SAME_PLACE_METRES`."""
    candidates = await requests_repo.open_emergencies_since(
        session, neighbourhood_id, now - EMERGENCY_REPEAT_WINDOW
    )
    for candidate in candidates:
        if candidate.person_id == person_id or _same_place(candidate, draft):
            return await load_request(session, candidate.id, for_update=True)
    return None


async def attach_emergency(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    *,
    person_id: int,
    draft: NewRequest,
    text: str,
    now: datetime,
) -> Submitted:
    """A repeat joins the first emergency: its text goes into the history, its place and photos
    fill what the first lacks, its sender follows the first; the handlers are told once more, at
    the first repeat only (and its outbox key keeps that so under any race)."""
    repeats = await requests_repo.count_events(session, request.id, "repeated")
    if request.latitude is None and draft.latitude is not None and draft.longitude is not None:
        request.latitude, request.longitude = draft.latitude, draft.longitude
    if (photos := photos_added(request.photos, draft.photos)) is not None:
        request.photos = photos
    request.updated_at = now
    if person_id != request.person_id and person_id not in await requests_repo.followers(session, request.id):
        session.add(RequestFollower(request_id=request.id, person_id=person_id, created_at=now))
    session.add(new_event(request, "repeated", now, person_id, note=text))
    await session.flush()
    notified = 0 if repeats else await _tell_of_repeat(session, translator, request, text=text, now=now)
    return Submitted(
        id=request.id,
        code=request.code,
        committee=request.committee,
        urgent=request.urgent,
        crisis_committee=request.committee is CommitteeKey.CRISIS
        and await crisis_active(session, request.neighbourhood_id),
        notified=notified,
        holder=Holder(level=None, names=(), reachable=False),
        attached=True,
    )


async def _tell_of_repeat(
    session: AsyncSession, translator: Translator, request: CitizenRequest, *, text: str, now: datetime
) -> int:
    """Tell the emergency's handlers, up the ladder, that it was reported again; how many were told."""
    outcome = await notify_up_the_ladder(
        session,
        translator,
        await request_ladder(session, request.neighbourhood_id, request.committee),
        render=handler_notice(
            request,
            await view_of(session, request, show_text=True, private=True),
            "request-notice-emergency-repeated",
            {"text": text},
        ),
        now=now,
        buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
        dedup_prefix=f"emergency-repeat:{request.id}",
        topic=topic_of(request),
    )
    return len(outcome.told.now) + len(outcome.told.waiting)
