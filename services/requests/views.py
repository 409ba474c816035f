"""Loading a request and building the view of it a reader is given: with or without its text, the
resident's name and phone, and its history."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.identity import Person
from models.requests import CitizenRequest, RequestEvent
from services.accounts import display_phone
from services.requests.attachments import photos_of
from services.requests.errors import UnknownRequest
from services.requests.values import EventView, RequestView

__all__ = ["load_request", "view_of"]

# Steps residents take on someone else's request.
_RESIDENT_EVENTS = frozenset({"followed", "repeated"})


async def load_request(session: AsyncSession, request_id: int, *, for_update: bool = False) -> CitizenRequest:
    """The request (locked for the transaction with `for_update`); raises `UnknownRequest`."""
    request = await requests_repo.request_by_id(session, request_id, for_update=for_update)
    if request is None:
        raise UnknownRequest(str(request_id))
    return request


async def view_of(
    session: AsyncSession, request: CitizenRequest, *, show_text: bool, private: bool, history: bool = False
) -> RequestView:
    """The request as a reader sees it: its text (and the notes in its history) with `show_text`,
    the resident's name and phone with `private`, its events with `history`."""
    neighbourhood_name = await requests_repo.neighbourhood_name(session, request.neighbourhood_id)
    resident = await session.get(Person, request.person_id) if private else None
    events = await _events(session, request, show_text=show_text, private=private) if history else ()
    return RequestView(
        id=request.id,
        code=request.code,
        neighbourhood_id=request.neighbourhood_id,
        neighbourhood_name=neighbourhood_name or "",
        committee=request.committee,
        status=request.status,
        created_at=request.created_at,
        urgent=request.urgent,
        is_emergency=request.is_emergency,
        anonymous=request.anonymous,
        photos=photos_of(request.photos),
        latitude=request.latitude,
        longitude=request.longitude,
        rating=request.rating,
        text=request.text if show_text else None,
        resident_name=resident.full_name if resident else None,
        resident_phone=display_phone(resident.phone) if resident else None,
        events=events,
    )


async def _events(
    session: AsyncSession, request: CitizenRequest, *, show_text: bool, private: bool
) -> tuple[EventView, ...]:
    return tuple(
        EventView(
            at=event.at,
            kind=event.kind,
            status=event.status,
            note=event.note if show_text else None,
            actor_name=name if _names_actor(request, event, private=private) else None,
        )
        for event, name in await requests_repo.history(session, request.id)
    )


def _names_actor(request: CitizenRequest, event: RequestEvent, *, private: bool) -> bool:
    # Handlers' names are shown; the resident's own steps carry no name, nor (but to the handlers)
    # the steps other residents took on it.
    return event.actor_person_id != request.person_id and (private or event.kind not in _RESIDENT_EVENTS)
