"""The committee's workflow: a handler acknowledges, starts, resolves or rejects a request,
reroutes it to another committee, or corrects whether it is an emergency. Reroutes and emergency
verdicts are kept as routing corrections for the next training."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.council import CommitteeKey
from models.requests import OPEN_STATUSES, CitizenRequest, RequestStatus, RoutingCorrection
from services.authz import Actor
from services.errors import TextTooLong
from services.i18n import Translator
from services.persian import normalize_prose
from services.requests.cards import fixed_buttons
from services.requests.emergencies import urgent_outage
from services.requests.errors import InvalidTransition, NoteRequired
from services.requests.notices import new_event, notify_handlers, notify_residents
from services.requests.people import first_responders, require_handler
from services.requests.routing_model import MARKED_EMERGENCY, MARKED_NOT_EMERGENCY
from services.requests.values import MAX_TEXT_LENGTH, NOTE_REQUIRED, TRANSITIONS, HandlerAction, RequestView
from services.requests.views import load_request, view_of
from services.uow import committing

__all__ = ["act_on_request", "mark_emergency", "reroute_request"]


async def act_on_request(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    request_id: int,
    action: HandlerAction,
    now: datetime,
    note: str | None = None,
) -> RequestView:
    """Acknowledge, start, resolve (with a note) or reject (with a reason) a request; the resident
    and followers are told. Commits. Raises `PermissionDenied`, `InvalidTransition`, `NoteRequired`."""
    async with committing(session):
        request = await load_request(session, request_id, for_update=True)
        await require_handler(session, actor, request, f"request.{action.value}")
        sources, target, kind = TRANSITIONS[action]
        if request.status not in sources:
            raise InvalidTransition(request.status)
        note = _checked_note(action, note)
        request.status = target
        request.updated_at = now
        if request.first_response_at is None:
            request.first_response_at = now
        if target is RequestStatus.RESOLVED:
            request.resolved_at = now
        if target is RequestStatus.REJECTED:
            request.closed_at = now
        session.add(new_event(request, kind, now, actor.person_id, note))
        await notify_residents(
            session,
            translator,
            request,
            f"request-told-{kind}",
            now=now,
            note=note,
            owner_buttons=fixed_buttons(request.id) if target is RequestStatus.RESOLVED else (),
        )
        view = await view_of(session, request, show_text=True, private=True, history=True)
    return view


def _checked_note(action: HandlerAction, note: str | None) -> str | None:
    """The handler's note as stored; raises `NoteRequired` (resolving and rejecting need one) or
    `TextTooLong`."""
    note = normalize_prose(note) if note else None
    if action in NOTE_REQUIRED and not note:
        raise NoteRequired(action.value)
    if note and len(note) > MAX_TEXT_LENGTH:
        raise TextTooLong("note", len(note), MAX_TEXT_LENGTH)
    return note


def _restart_with(request: CitizenRequest, committee: CommitteeKey, now: datetime) -> None:
    """The request goes to `committee` as a new one: its first response and SLA clocks start over."""
    request.committee = committee
    request.status = RequestStatus.NEW
    request.first_response_at = None
    request.sla_started_at = now
    request.sla_round += 1


async def reroute_request(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    request_id: int,
    committee: CommitteeKey,
    now: datetime,
) -> RequestView:
    """Send a request to another committee. The text with its right committee is kept as a routing
    correction for the next training; the new committee is notified and its SLA clocks start.
    Commits. Raises `PermissionDenied`, `InvalidTransition`."""
    async with committing(session):
        request = await load_request(session, request_id, for_update=True)
        await require_handler(session, actor, request, "request.reroute")
        if request.status not in OPEN_STATUSES:
            raise InvalidTransition(request.status)
        if committee == request.committee:
            return await view_of(session, request, show_text=True, private=True)
        previous = request.committee
        _restart_with(request, committee, now)
        request.updated_at = now
        await _keep_correction(session, request, committee, now=now, by=actor.person_id)
        session.add(
            new_event(
                request, "rerouted", now, actor.person_id, **{"from": previous.value, "to": committee.value}
            )
        )
        await session.flush()
        await notify_handlers(
            session,
            translator,
            request,
            await first_responders(session, request.neighbourhood_id, committee),
            headline="request-notice-rerouted",
            now=now,
            skip=actor.person_id,
        )
        await notify_residents(session, translator, request, "request-told-rerouted", now=now)
        view = await view_of(session, request, show_text=True, private=True, history=True)
    return view


async def _keep_correction(
    session: AsyncSession, request: CitizenRequest, committee: CommitteeKey, *, now: datetime, by: int | None
) -> None:
    """The request's text with its right committee, for the next training (one row per request)."""
    correction = await requests_repo.routing_correction_of(session, request.id)
    if correction is None:
        session.add(
            RoutingCorrection(
                request_id=request.id,
                text=request.text,
                committee=committee,
                created_at=now,
                created_by_person_id=by,
            )
        )
    else:
        correction.committee, correction.created_at = committee, now


async def mark_emergency(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    request_id: int,
    emergency: bool,
    committee: CommitteeKey | None = None,
    now: datetime,
) -> RequestView:
    """A handler's verdict on whether a request is an emergency: a routing correction, like a
    reroute, kept for the next training (the text, its committee and the verdict).

    Marked an emergency, the request goes to the crisis committee, urgent, and its first
    responders are told at once. Marked not an emergency, it goes to `committee` (or stays where
    it is) and stays urgent only when an outage rule still says so. Commits. Raises
    `PermissionDenied`, `InvalidTransition`."""
    async with committing(session):
        request = await load_request(session, request_id, for_update=True)
        await require_handler(session, actor, request, "request.reroute")
        if request.status not in OPEN_STATUSES:
            raise InvalidTransition(request.status)
        target = CommitteeKey.CRISIS if emergency else (committee or request.committee)
        previous = request.committee
        if request.is_emergency == emergency and target == previous:
            return await view_of(session, request, show_text=True, private=True)
        request.is_emergency = emergency
        request.urgent = emergency or urgent_outage(request.text)
        request.updated_at = now
        if target != previous:
            _restart_with(request, target, now)
            session.add(
                new_event(
                    request, "rerouted", now, actor.person_id, **{"from": previous.value, "to": target.value}
                )
            )
        await _keep_correction(session, request, target, now=now, by=actor.person_id)
        session.add(
            new_event(request, MARKED_EMERGENCY if emergency else MARKED_NOT_EMERGENCY, now, actor.person_id)
        )
        await session.flush()
        await _tell_of_verdict(
            session, translator, request, actor, emergency=emergency, moved=target != previous, now=now
        )
        view = await view_of(session, request, show_text=True, private=True)
    return view


async def _tell_of_verdict(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    actor: Actor,
    *,
    emergency: bool,
    moved: bool,
    now: datetime,
) -> None:
    """An emergency, or a request that moved, goes to its (new) first responders at once; the
    resident and followers are told when it moved."""
    if moved or emergency:
        await notify_handlers(
            session,
            translator,
            request,
            await first_responders(session, request.neighbourhood_id, request.committee),
            headline="request-notice-marked-emergency" if emergency else "request-notice-rerouted",
            now=now,
            skip=actor.person_id,
        )
    if moved:
        await notify_residents(session, translator, request, "request-told-rerouted", now=now)
