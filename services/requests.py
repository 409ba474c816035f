"""Residents' requests: submitting, routing to a committee, the committee's workflow, closing the
loop with the resident, following duplicates, and SLA reminders.

Who handles a request: the active members of its committee in its neighbourhood, the
neighbourhood's managers, and the officials above it. Who is *notified* of a new request: the
committee's head, or the managers when the committee has no head (or is the crisis committee
while crisis mode is off).

Every change is one transaction: the request, its history event and the notifications it causes
(queued in the outbox) commit together or not at all.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import secrets
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CommitteeMembership, CouncilMember
from models.identity import County, Neighbourhood, Person, Role, RoleAssignment, ScopeKind
from models.inserts import insert_unless_present
from models.requests import (
    OPEN_STATUSES,
    CitizenRequest,
    CommitteeSla,
    CrisisPeriod,
    RequestEvent,
    RequestFollower,
    RequestStatus,
    RoutingCorrection,
    SlaReminder,
    TrackingAttempt,
)
from services.accounts import display_phone
from services.authz import MANAGERS, Actor, PermissionDenied, allows, region_of
from services.emergency_detection import assess as assess_emergency
from services.errors import TextTooLong, TextTooShort
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime
from services.notify import (
    Button,
    LadderOutcome,
    Render,
    Rung,
    notify_people,
    notify_person,
    notify_up_the_ladder,
)
from services.persian import fold_for_search, normalize_digits, normalize_prose, to_persian_digits
from services.routing import LabelledExample, RequestRouter, RouteGuess, load_examples
from services.sms import SMS_OFF, SmsPolicy, queue_emergency_sms, queue_escalation_sms
from services.uow import committing

log = logging.getLogger(__name__)

DEFAULT_DAILY_LIMIT = 5
MIN_TEXT_LENGTH = 10
MAX_TEXT_LENGTH = 2000
MAX_PHOTOS = 5
# A new request this close to an open one of the same neighbourhood and committee is offered as a
# duplicate to follow (Jaccard similarity of character trigrams; see `_similarity`).
DUPLICATE_SIMILARITY = 0.35
DUPLICATE_WINDOW = timedelta(days=60)
TRACKING_CODE_DIGITS = 9
# Look-ups of tracking codes that are not the asker's own, per person (or account) and hour: plenty
# for a code someone was given, far too few to find one by trying.
TRACK_ATTEMPTS_PER_HOUR = 10
TRACK_ATTEMPT_WINDOW = timedelta(hours=1)
# An emergency from the same person, or from (about) the same place, this soon after an open one
# is the same emergency: it joins the first, whose handlers are told once more at most.
EMERGENCY_REPEAT_WINDOW = timedelta(minutes=30)
EMERGENCY_SAME_PLACE_METRES = 200.0
# An urgent request (an emergency, or an outage in extreme cold or heat or with vulnerable people)
# gets this share of its committee's targets: 48 hours to respond become 12, 14 days to resolve 3½.
URGENT_SLA_SHARE = 0.25
_TEHRAN = ZoneInfo("Asia/Tehran")


# ---- errors a resident or handler can cause (handlers answer each with a clear message) ----


class RequestError(Exception):
    """Base of the errors below."""


class NotAResident(RequestError):
    """The person has not joined a neighbourhood yet."""


class DailyLimitReached(RequestError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"daily limit of {limit} requests reached")
        self.limit = limit


class UnknownRequest(RequestError):
    """No request with that id or tracking code (or not one this person may see)."""


class InvalidTransition(RequestError):
    def __init__(self, status: RequestStatus) -> None:
        super().__init__(f"not possible while the request is {status.value}")
        self.status = status


class NoteRequired(RequestError):
    """Resolving needs a note and rejecting a reason."""


class InvalidRating(RequestError):
    pass


class TooManyTrackingAttempts(RequestError):
    """The hour's look-ups of codes that are not the asker's are used up; `minutes` until the next."""

    def __init__(self, minutes: int) -> None:
        super().__init__(f"too many tracking codes tried; next in {minutes} minutes")
        self.minutes = minutes


# ---- values ----


class HandlerAction(enum.StrEnum):
    ACKNOWLEDGE = "ack"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"


# action → (statuses it may start from, the status it leads to, the history event)
_TRANSITIONS: dict[HandlerAction, tuple[frozenset[RequestStatus], RequestStatus, str]] = {
    HandlerAction.ACKNOWLEDGE: (
        frozenset({RequestStatus.NEW, RequestStatus.REOPENED}),
        RequestStatus.ACKNOWLEDGED,
        "acknowledged",
    ),
    HandlerAction.START: (
        frozenset({RequestStatus.NEW, RequestStatus.ACKNOWLEDGED, RequestStatus.REOPENED}),
        RequestStatus.IN_PROGRESS,
        "in_progress",
    ),
    HandlerAction.RESOLVE: (OPEN_STATUSES, RequestStatus.RESOLVED, "resolved"),
    HandlerAction.REJECT: (OPEN_STATUSES, RequestStatus.REJECTED, "rejected"),
}
NOTE_REQUIRED: frozenset[HandlerAction] = frozenset({HandlerAction.RESOLVE, HandlerAction.REJECT})


@dataclass(frozen=True)
class Photo:
    """An attachment of a request: a photo, or a voice note (`kind` "voice")."""

    platform: str
    file_id: str
    kind: str = "photo"

    def stored(self) -> dict[str, str]:
        row = {"platform": self.platform, "file_id": self.file_id}
        return row if self.kind == "photo" else {**row, "kind": self.kind}


@dataclass(frozen=True)
class NewRequest:
    """What the resident composed, before it is saved."""

    text: str
    committee: CommitteeKey
    suggestion: RouteGuess | None = None
    photos: tuple[Photo, ...] = ()
    latitude: float | None = None
    longitude: float | None = None
    anonymous: bool = False
    emergency: bool = False
    # Urgent though not an emergency (the router's verdict); the text is checked again anyway.
    urgent: bool = False


@dataclass(frozen=True)
class Submitted:
    id: int
    code: str
    committee: CommitteeKey
    urgent: bool
    # Whether the crisis committee got it (crisis mode on); else an emergency went to the manager.
    crisis_committee: bool
    notified: int
    # Who has it now (the first rung of the ladder with someone reachable), as the resident is told.
    holder: Holder
    # An emergency that repeated an open one joined it: id and code are the first one's.
    attached: bool = False


@dataclass(frozen=True)
class EventView:
    at: datetime
    kind: str
    status: RequestStatus | None
    note: str | None
    actor_name: str | None


@dataclass(frozen=True)
class RequestView:
    id: int
    code: str
    neighbourhood_id: int
    neighbourhood_name: str
    committee: CommitteeKey
    status: RequestStatus
    created_at: datetime
    urgent: bool
    is_emergency: bool
    anonymous: bool
    photos: tuple[Photo, ...]
    latitude: float | None
    longitude: float | None
    rating: int | None
    # None when the viewer may not see the text (not theirs, not followed, not handling it).
    text: str | None
    # Only for the people handling the request (and the resident themself).
    resident_name: str | None = None
    resident_phone: str | None = None
    events: tuple[EventView, ...] = field(default=())


@dataclass(frozen=True)
class RequestStatusView:
    """A request as someone sees it who is neither its author, a follower nor a handler: its status
    and dates, nothing that tells what it is about or who is involved."""

    code: str
    status: RequestStatus
    created_at: datetime
    updated_at: datetime


# ---- small helpers ----


def format_tracking_code(code: str, locale: str = "fa") -> str:
    """123456789 → ۱۲۳-۴۵۶-۷۸۹: three groups read aloud easily."""
    grouped = "-".join(code[i : i + 3] for i in range(0, len(code), 3))
    return to_persian_digits(grouped) if locale == "fa" else grouped


def parse_tracking_code(text: str) -> str | None:
    """The code in whatever the resident typed or pasted (Persian, Arabic-Indic or Latin digits,
    dashes, spaces, the invisible bidi marks copied with it), or None."""
    digits = "".join(ch for ch in normalize_digits(text) if ch in string.digits)
    return digits if len(digits) == TRACKING_CODE_DIGITS else None


def reversed_tracking_code(code: str) -> str:
    """778434565 → 565434778: the groups in the order a right-to-left line may have shown them."""
    groups = [code[i : i + 3] for i in range(0, len(code), 3)]
    return "".join(reversed(groups))


def clean_request_text(text: str) -> str:
    """The text as stored; raises `TextTooShort`/`TextTooLong`."""
    cleaned = normalize_prose(text)
    if len(cleaned) < MIN_TEXT_LENGTH:
        raise TextTooShort("text", MIN_TEXT_LENGTH)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise TextTooLong("text", len(cleaned), MAX_TEXT_LENGTH)
    return cleaned


def _trigrams(text: str) -> set[str]:
    folded = fold_for_search(text)
    return {folded[i : i + 3] for i in range(max(len(folded) - 2, 1))}


def _similarity(a: str, b: str) -> float:
    x, y = _trigrams(a), _trigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def _tehran_day_start(now: datetime) -> datetime:
    local = now.astimezone(_TEHRAN)
    return datetime.combine(local.date(), time(0), tzinfo=_TEHRAN)


# ---- the routing model, retrained with stored corrections ----


# History events of a handler's verdict on whether a request is an emergency (`mark_emergency`).
MARKED_EMERGENCY = "marked_emergency"
MARKED_NOT_EMERGENCY = "marked_not_emergency"


async def routing_corrections(session: AsyncSession) -> list[LabelledExample]:
    """Reroutes by managers and committees, as labelled examples for the next training; a request
    a handler marked an emergency or not an emergency carries that verdict too."""
    rows = (
        await session.execute(
            select(RoutingCorrection.text, RoutingCorrection.committee, RoutingCorrection.request_id)
        )
    ).tuples()
    marked = await _emergency_verdicts(session)
    return [
        LabelledExample(text=text, committee=committee.value, emergency=marked.get(request_id))
        for text, committee, request_id in rows
    ]


async def _emergency_verdicts(session: AsyncSession) -> dict[int | None, bool]:
    """The last emergency verdict a handler gave on each request (`mark_emergency`)."""
    events = await session.execute(
        select(RequestEvent.request_id, RequestEvent.kind)
        .where(RequestEvent.kind.in_((MARKED_EMERGENCY, MARKED_NOT_EMERGENCY)))
        .order_by(RequestEvent.at, RequestEvent.id)
    )
    return {request_id: kind == MARKED_EMERGENCY for request_id, kind in events.tuples()}


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


# ---- who handles what ----


async def crisis_active(session: AsyncSession, neighbourhood_id: int) -> bool:
    return (
        await session.scalar(
            select(CrisisPeriod.id).where(
                CrisisPeriod.neighbourhood_id == neighbourhood_id, CrisisPeriod.ended_at.is_(None)
            )
        )
    ) is not None


async def resident_neighbourhood(session: AsyncSession, person_id: int) -> int | None:
    """The neighbourhood the person joined as a resident, if any."""
    scope: int | None = await session.scalar(
        select(RoleAssignment.scope_id).where(
            RoleAssignment.person_id == person_id, RoleAssignment.role == Role.RESIDENT
        )
    )
    return scope


async def _people_with_role(session: AsyncSession, role: Role, kind: ScopeKind, scope_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(RoleAssignment.person_id)
            .where(
                RoleAssignment.role == role,
                RoleAssignment.scope_kind == kind,
                RoleAssignment.scope_id == scope_id,
            )
            .order_by(RoleAssignment.person_id)
        )
    )


async def managers_of(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    return await _people_with_role(session, Role.MANAGER, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)


async def county_officials_of(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    county_id = await session.scalar(
        select(Neighbourhood.county_id).where(Neighbourhood.id == neighbourhood_id)
    )
    if county_id is None:
        return []
    return await _people_with_role(session, Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, county_id)


async def province_officials_of(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    province_id = await session.scalar(
        select(County.province_id)
        .join(Neighbourhood, Neighbourhood.county_id == County.id)
        .where(Neighbourhood.id == neighbourhood_id)
    )
    if province_id is None:
        return []
    return await _people_with_role(session, Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, province_id)


async def administrators(session: AsyncSession) -> list[int]:
    return await _people_with_role(session, Role.ADMIN, ScopeKind.GLOBAL, 0)


async def committee_heads(session: AsyncSession, neighbourhood_id: int, committee: CommitteeKey) -> list[int]:
    return list(
        await session.scalars(
            select(CouncilMember.person_id)
            .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
            .where(
                CommitteeMembership.neighbourhood_id == neighbourhood_id,
                CommitteeMembership.committee == committee,
                CommitteeMembership.is_head.is_(True),
                CouncilMember.active.is_(True),
            )
        )
    )


async def first_responders(
    session: AsyncSession, neighbourhood_id: int, committee: CommitteeKey
) -> list[int]:
    """Who is told of a new request: the committee's head, else the managers (else the county)."""
    heads: list[int] = []
    if committee is not CommitteeKey.CRISIS or await crisis_active(session, neighbourhood_id):
        heads = await committee_heads(session, neighbourhood_id, committee)
    return (
        heads
        or await managers_of(session, neighbourhood_id)
        or await county_officials_of(session, neighbourhood_id)
    )


async def may_handle(session: AsyncSession, actor: Actor, request: CitizenRequest) -> bool:
    """Members of the request's committee, the neighbourhood's managers and officials above."""
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, request.neighbourhood_id)
    if allows(actor, region, MANAGERS):
        return True
    if actor.person_id is None:
        return False
    member = await session.scalar(
        select(CouncilMember.id)
        .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
        .where(
            CouncilMember.person_id == actor.person_id,
            CouncilMember.active.is_(True),
            CommitteeMembership.neighbourhood_id == request.neighbourhood_id,
            CommitteeMembership.committee == request.committee,
        )
    )
    return member is not None


async def _require_handler(session: AsyncSession, actor: Actor, request: CitizenRequest, action: str) -> None:
    if not await may_handle(session, actor, request):
        raise PermissionDenied(action)


# ---- loading and describing ----


async def _load(session: AsyncSession, request_id: int, *, for_update: bool = False) -> CitizenRequest:
    query = select(CitizenRequest).where(CitizenRequest.id == request_id)
    if for_update:
        query = query.with_for_update()
    request = await session.scalar(query)
    if request is None:
        raise UnknownRequest(str(request_id))
    return request


async def _followers(session: AsyncSession, request_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(RequestFollower.person_id).where(RequestFollower.request_id == request_id)
        )
    )


async def _view(
    session: AsyncSession, request: CitizenRequest, *, show_text: bool, private: bool, history: bool = False
) -> RequestView:
    neighbourhood_name = await session.scalar(
        select(Neighbourhood.name).where(Neighbourhood.id == request.neighbourhood_id)
    )
    resident = await session.get(Person, request.person_id) if private else None
    events: tuple[EventView, ...] = ()
    if history:
        rows = (
            await session.execute(
                select(RequestEvent, Person.full_name)
                .outerjoin(Person, Person.id == RequestEvent.actor_person_id)
                .where(RequestEvent.request_id == request.id)
                .order_by(RequestEvent.at, RequestEvent.id)
            )
        ).tuples()
        events = tuple(
            EventView(
                at=event.at,
                kind=event.kind,
                status=event.status,
                note=event.note if show_text else None,
                # Handlers' names are shown; the resident's own steps carry no name.
                actor_name=(
                    name
                    if event.actor_person_id != request.person_id
                    and (private or event.kind not in _RESIDENT_EVENTS)
                    else None
                ),
            )
            for event, name in rows
        )
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
        photos=tuple(Photo(p["platform"], p["file_id"], p.get("kind", "photo")) for p in request.photos),
        latitude=request.latitude,
        longitude=request.longitude,
        rating=request.rating,
        text=request.text if show_text else None,
        resident_name=resident.full_name if resident else None,
        resident_phone=display_phone(resident.phone) if resident else None,
        events=events,
    )


# Steps residents take on someone else's request.
_RESIDENT_EVENTS = frozenset({"followed", "repeated"})


def describe_request(t: BoundTranslator, view: RequestView) -> str:
    """The request card shown to handlers and residents (private lines only when present)."""
    lines = [
        t(
            "request-card-title",
            code=format_tracking_code(view.code, t.locale),
            committee=t(f"committee-{view.committee.value}"),
            urgent="urgent" if view.urgent else "normal",
        ),
        t("request-card-neighbourhood", name=view.neighbourhood_name),
        t("request-card-status", status=t(f"request-status-{view.status.value}")),
        t("request-card-created", when=format_datetime(view.created_at, t.locale)),
    ]
    if view.resident_phone is not None:
        lines.append(
            t(
                "request-card-resident",
                name=view.resident_name or t("request-unnamed"),
                phone=view.resident_phone,
            )
        )
    if view.latitude is not None and view.longitude is not None:
        lat, lon = f"{view.latitude:.5f}", f"{view.longitude:.5f}"
        # One argument with letters in it, so the link keeps its Latin digits in Persian text.
        url = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"
        lines.append(t("request-card-location", url=url))
    photos = sum(p.kind == "photo" for p in view.photos)
    if photos:
        lines.append(t("request-card-photos", count=photos))
    if voices := len(view.photos) - photos:
        lines.append(t("request-card-voice", count=voices))
    if view.rating is not None:
        lines.append(t("request-card-rating", rating=view.rating))
    if view.text is not None:
        lines.append("")
        lines.append(view.text)
    return "\n".join(lines)


def describe_history(t: BoundTranslator, view: RequestView) -> str:
    lines = []
    for event in view.events:
        line = t(
            "request-history-line",
            when=format_datetime(event.at, t.locale),
            what=t(f"request-event-{event.kind}"),
        )
        if event.actor_name:
            line += " " + t("request-history-by", who=event.actor_name)
        if event.note:
            line += "\n   " + t("request-history-note", note=event.note)
        lines.append(line)
    return "\n".join(lines)


def handler_buttons(
    request_id: int, *, emergency: bool | None = None, status: RequestStatus = RequestStatus.NEW
) -> list[list[Button]]:
    """The buttons under a request shown to its handlers (callback `rq:<action>:<id>`): only the
    steps its `status` still allows, none once it is resolved, closed or rejected. With
    `emergency` given, one more to correct that verdict (`rq:calm:<id>` says it is not an
    emergency, `rq:alarm:<id>` that it is)."""
    if status not in OPEN_STATUSES:
        return []

    def step(action: HandlerAction) -> list[Button]:
        allowed = status in _TRANSITIONS[action][0]
        return (
            [Button(f"request-button-{action.value}", f"rq:{action.value}:{request_id}")] if allowed else []
        )

    correction = (
        []
        if emergency is None
        else [
            [
                Button("request-button-not-emergency", f"rq:calm:{request_id}")
                if emergency
                else Button("request-button-emergency", f"rq:alarm:{request_id}")
            ]
        ]
    )
    rows = [
        step(HandlerAction.ACKNOWLEDGE) + step(HandlerAction.START),
        step(HandlerAction.RESOLVE) + step(HandlerAction.REJECT),
        [Button("request-button-reroute", f"rq:route:{request_id}")],
        *correction,
    ]
    return [row for row in rows if row]


def fixed_buttons(request_id: int) -> list[list[Button]]:
    """Asked of the resident when a request is resolved (callback `rqf:<y|n>:<id>`)."""
    return [
        [
            Button("request-button-fixed", f"rqf:y:{request_id}"),
            Button("request-button-not-fixed", f"rqf:n:{request_id}"),
        ]
    ]


def rating_buttons(request_id: int) -> list[list[Button]]:
    return [[Button("request-button-rate", f"rqr:{n}:{request_id}", (("stars", n),)) for n in range(1, 6)]]


# ---- notifications ----


def _handler_notice(
    request: CitizenRequest, view: RequestView, headline: str, args: dict[str, Any] | None = None
) -> Render:
    def render(t: BoundTranslator) -> str:
        return (
            t(headline, code=format_tracking_code(request.code, t.locale), **(args or {}))
            + "\n\n"
            + describe_request(t, view)
        )

    return render


async def _notify_handlers(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    people: Iterable[int],
    *,
    headline: str,
    now: datetime,
    args: dict[str, Any] | None = None,
    dedup_prefix: str | None = None,
    skip: int | None = None,
) -> int:
    """Tell these handlers of the request, with its buttons; how many were told (now or, for
    those who have not joined yet, when they arrive)."""
    view = await _view(session, request, show_text=True, private=True)
    told = await notify_people(
        session,
        translator,
        people,
        render=_handler_notice(request, view, headline, args),
        now=now,
        buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
        dedup_prefix=dedup_prefix,
        topic=f"request:{request.id}",
        skip=skip,
    )
    return len(told.now) + len(told.waiting)


async def request_ladder(
    session: AsyncSession,
    neighbourhood_id: int,
    committee: CommitteeKey,
    *,
    from_level: str = "committee_head",
) -> list[Rung]:
    """Who handles a request, in the order it climbs when nobody can be reached: the committee's
    head (the crisis committee's only while crisis mode is on), the managers, the county
    officials, the province officials, the administrators."""
    rungs: list[Rung] = []
    if committee is not CommitteeKey.CRISIS or await crisis_active(session, neighbourhood_id):
        rungs.append(Rung("committee_head", await committee_heads(session, neighbourhood_id, committee)))
    rungs.append(Rung("manager", await managers_of(session, neighbourhood_id)))
    rungs.append(Rung("county_official", await county_officials_of(session, neighbourhood_id)))
    rungs.append(Rung("province_official", await province_officials_of(session, neighbourhood_id)))
    rungs.append(Rung("admin", await administrators(session)))
    levels = [rung.level for rung in rungs]
    start = levels.index(from_level) if from_level in levels else 0
    return rungs[start:]


@dataclass(frozen=True)
class Holder:
    """Who has a request, as the resident is told: their level and names, and whether any of
    them can be reached now (else it waits for them to open the bot)."""

    level: str | None
    names: tuple[str, ...]
    reachable: bool


async def _holder(session: AsyncSession, outcome: LadderOutcome) -> Holder:
    names = (
        tuple(
            name or "—"
            for name in await session.scalars(
                select(Person.full_name).where(Person.id.in_(outcome.holders)).order_by(Person.id)
            )
        )
        if outcome.level not in (None, "admin")
        else ()
    )
    return Holder(outcome.level, names, bool(set(outcome.holders) & set(outcome.told.now)))


async def _notify_residents(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    key: str,
    *,
    now: datetime,
    note: str | None = None,
    owner_buttons: Sequence[Sequence[Button]] = (),
) -> None:
    """Tell the resident (and the followers) of a change, each in their language."""
    people = [request.person_id, *await _followers(session, request.id)]
    for person_id in dict.fromkeys(people):
        # Followers are told the same, but only the resident who wrote it is asked "fixed?".
        message_key = key if person_id == request.person_id or not owner_buttons else f"{key}-follower"

        def render(t: BoundTranslator, message_key: str = message_key) -> str:
            return t(
                message_key,
                code=format_tracking_code(request.code, t.locale),
                committee=t(f"committee-{request.committee.value}"),
                note=note or "",
            )

        await notify_person(
            session,
            translator,
            person_id=person_id,
            render=render,
            now=now,
            buttons=owner_buttons if person_id == request.person_id else (),
            topic=f"request:{request.id}",
        )


def _event(
    request: CitizenRequest,
    kind: str,
    now: datetime,
    actor_person_id: int | None,
    note: str | None = None,
    **details: Any,
) -> RequestEvent:
    return RequestEvent(
        request_id=request.id,
        at=now,
        actor_person_id=actor_person_id,
        kind=kind,
        status=request.status,
        note=note,
        details=details,
    )


# ---- submitting ----


async def check_can_submit(
    session: AsyncSession, *, person_id: int, now: datetime, daily_limit: int = DEFAULT_DAILY_LIMIT
) -> int:
    """The resident's neighbourhood, if they may submit a request now.

    Raises `NotAResident` or `DailyLimitReached` (counted per Tehran calendar day).
    """
    neighbourhood_id = await resident_neighbourhood(session, person_id)
    if neighbourhood_id is None:
        raise NotAResident(str(person_id))
    today = await session.scalar(
        select(func.count(CitizenRequest.id)).where(
            CitizenRequest.person_id == person_id,
            CitizenRequest.created_at >= _tehran_day_start(now),
            CitizenRequest.is_emergency.is_(False),
        )
    )
    if (today or 0) >= daily_limit:
        raise DailyLimitReached(daily_limit)
    return neighbourhood_id


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
    candidates = await session.scalars(
        select(CitizenRequest)
        .where(
            CitizenRequest.neighbourhood_id == neighbourhood_id,
            CitizenRequest.committee == committee,
            CitizenRequest.status.in_(OPEN_STATUSES),
            CitizenRequest.created_at >= now - DUPLICATE_WINDOW,
            or_(CitizenRequest.anonymous.is_(False), CitizenRequest.person_id == person_id),
        )
        .order_by(CitizenRequest.created_at.desc())
        .limit(200)
    )
    best: tuple[float, CitizenRequest] | None = None
    for candidate in candidates:
        score = _similarity(text, candidate.text)
        if score >= DUPLICATE_SIMILARITY and (best is None or score > best[0]):
            best = (score, candidate)
    if best is None:
        return None
    # The resident sees the other request's text (to judge) but not who wrote it.
    return await _view(session, best[1], show_text=True, private=False)


async def _new_code(session: AsyncSession) -> str:
    while True:
        code = f"{secrets.randbelow(10**TRACKING_CODE_DIGITS):0{TRACKING_CODE_DIGITS}d}"
        if await session.scalar(select(CitizenRequest.id).where(CitizenRequest.code == code)) is None:
            return code


async def submit_request(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    draft: NewRequest,
    now: datetime,
    daily_limit: int = DEFAULT_DAILY_LIMIT,
    sms: SmsPolicy = SMS_OFF,
) -> Submitted:
    """Save a resident's request and notify who must handle it; commits.

    An emergency skips the daily limit and goes to the crisis committee when crisis mode is on,
    otherwise to the managers, marked urgent. An emergency that repeats an open one (the same
    person, or the same place, within `EMERGENCY_REPEAT_WINDOW`) joins it instead (`attached`).
    Raises `NotAResident`, `DailyLimitReached`, `TextTooShort`, `TextTooLong`.
    """
    async with committing(session):
        text = clean_request_text(draft.text)
        if draft.emergency:
            neighbourhood_id = await resident_neighbourhood(session, person_id)
            if neighbourhood_id is None:
                raise NotAResident(str(person_id))
            earlier = await _repeated_emergency(
                session, neighbourhood_id=neighbourhood_id, person_id=person_id, draft=draft, now=now
            )
            if earlier is not None:
                return await _attach_emergency(
                    session, translator, earlier, person_id=person_id, draft=draft, text=text, now=now
                )
        else:
            neighbourhood_id = await check_can_submit(
                session, person_id=person_id, now=now, daily_limit=daily_limit
            )
        committee = CommitteeKey.CRISIS if draft.emergency else draft.committee
        in_crisis = draft.emergency and await crisis_active(session, neighbourhood_id)
        request = CitizenRequest(
            code=await _new_code(session),
            neighbourhood_id=neighbourhood_id,
            person_id=person_id,
            committee=committee,
            text=text,
            photos=[p.stored() for p in draft.photos[:MAX_PHOTOS]],
            latitude=draft.latitude,
            longitude=draft.longitude,
            anonymous=draft.anonymous,
            urgent=draft.emergency or draft.urgent or _urgent_outage(text),
            is_emergency=draft.emergency,
            status=RequestStatus.NEW,
            suggested_committee=CommitteeKey(draft.suggestion.committee) if draft.suggestion else None,
            suggestion_confidence=draft.suggestion.confidence if draft.suggestion else None,
            created_at=now,
            updated_at=now,
            sla_started_at=now,
            sla_round=0,
        )
        session.add(request)
        await session.flush()
        session.add(_event(request, "submitted", now, person_id))
        # Up the ladder until someone can act on it now; the others get it when they join.
        outcome = await notify_up_the_ladder(
            session,
            translator,
            await request_ladder(session, neighbourhood_id, committee),
            render=_handler_notice(
                request,
                await _view(session, request, show_text=True, private=True),
                "request-notice-emergency" if draft.emergency else "request-notice-new",
            ),
            now=now,
            buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
            topic=f"request:{request.id}",
        )
        if draft.emergency and not in_crisis:
            # It must not wait: a manager who cannot be reached on a messenger now gets an SMS.
            managers = await managers_of(session, neighbourhood_id)
            await queue_emergency_sms(
                session, translator, sms, request_id=request.id, people=managers, now=now
            )
        result = Submitted(
            id=request.id,
            code=request.code,
            committee=committee,
            urgent=request.urgent,
            crisis_committee=in_crisis,
            notified=len(outcome.told.now) + len(outcome.told.waiting),
            holder=await _holder(session, outcome),
        )
    return result


def _urgent_outage(text: str) -> bool:
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


async def _repeated_emergency(
    session: AsyncSession, *, neighbourhood_id: int, person_id: int, draft: NewRequest, now: datetime
) -> CitizenRequest | None:
    """The open emergency of the neighbourhood, from the last `EMERGENCY_REPEAT_WINDOW`, that this
    one repeats: sent by the same person, or from within `EMERGENCY_SAME_PLACE_METRES`."""
    candidates = await session.scalars(
        select(CitizenRequest)
        .where(
            CitizenRequest.neighbourhood_id == neighbourhood_id,
            CitizenRequest.is_emergency.is_(True),
            CitizenRequest.status.in_(OPEN_STATUSES),
            CitizenRequest.created_at >= now - EMERGENCY_REPEAT_WINDOW,
        )
        .order_by(CitizenRequest.created_at, CitizenRequest.id)
    )
    for candidate in candidates:
        if candidate.person_id == person_id or _same_place(candidate, draft):
            return await _load(session, candidate.id, for_update=True)
    return None


async def _attach_emergency(
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
    repeats = await session.scalar(
        select(func.count(RequestEvent.id)).where(
            RequestEvent.request_id == request.id, RequestEvent.kind == "repeated"
        )
    )
    if request.latitude is None and draft.latitude is not None and draft.longitude is not None:
        request.latitude, request.longitude = draft.latitude, draft.longitude
    if draft.photos and len(request.photos) < MAX_PHOTOS:
        added = [p.stored() for p in draft.photos]
        request.photos = [*request.photos, *added][:MAX_PHOTOS]
    request.updated_at = now
    if person_id != request.person_id and person_id not in await _followers(session, request.id):
        session.add(RequestFollower(request_id=request.id, person_id=person_id, created_at=now))
    session.add(_event(request, "repeated", now, person_id, note=text))
    await session.flush()
    notified = 0
    if not repeats:
        outcome = await notify_up_the_ladder(
            session,
            translator,
            await request_ladder(session, request.neighbourhood_id, request.committee),
            render=_handler_notice(
                request,
                await _view(session, request, show_text=True, private=True),
                "request-notice-emergency-repeated",
                {"text": text},
            ),
            now=now,
            buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
            dedup_prefix=f"emergency-repeat:{request.id}",
            topic=f"request:{request.id}",
        )
        notified = len(outcome.told.now) + len(outcome.told.waiting)
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
        if request.person_id != person_id and person_id not in await _followers(session, request.id):
            session.add(RequestFollower(request_id=request.id, person_id=person_id, created_at=now))
            session.add(_event(request, "followed", now, person_id))
            await session.flush()
        view = await _view(session, request, show_text=True, private=False)
    return view


# ---- reading ----


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
    request = await session.scalar(select(CitizenRequest).where(CitizenRequest.code == code))
    if request is None and (flipped := reversed_tracking_code(code)) != code:
        # Typed as a right-to-left line once showed it (groups reversed): unambiguous, since the
        # code as typed does not exist.
        request = await session.scalar(select(CitizenRequest).where(CitizenRequest.code == flipped))
    if request is not None:
        handler = await may_handle(session, actor, request)
        involved = actor.person_id is not None and (
            actor.person_id == request.person_id
            or (not request.anonymous and actor.person_id in await _followers(session, request.id))
        )
        if handler or involved:
            return await _view(session, request, show_text=True, private=handler, history=True)
    found = (
        RequestStatusView(request.code, request.status, request.created_at, request.updated_at)
        if request is not None
        else None
    )
    asker = (
        f"person:{actor.person_id}"
        if actor.person_id is not None
        else f"account:{account_id}"
        if account_id is not None
        else None
    )
    if asker is not None and not actor.is_operator:
        await _count_tracking_attempt(session, asker=asker, now=now, limit=limit)
    if found is None:
        raise UnknownRequest(code)
    return found


async def _count_tracking_attempt(session: AsyncSession, *, asker: str, now: datetime, limit: int) -> None:
    """Count a look-up of someone else's (or no) code; raises `TooManyTrackingAttempts`, without
    counting it, when the hour's are used up. Forgets look-ups older than the hour. Commits."""
    since = now - TRACK_ATTEMPT_WINDOW
    async with committing(session):
        await session.execute(delete(TrackingAttempt).where(TrackingAttempt.at < since))
        recent = list(
            await session.scalars(
                select(TrackingAttempt.at)
                .where(TrackingAttempt.asker == asker, TrackingAttempt.at >= since)
                .order_by(TrackingAttempt.at)
            )
        )
        if len(recent) < limit:
            session.add(TrackingAttempt(asker=asker, at=now))
    if len(recent) >= limit:
        # The next look-up is possible when enough of the hour's have aged out.
        free_at = recent[len(recent) - limit] + TRACK_ATTEMPT_WINDOW
        raise TooManyTrackingAttempts(max(1, math.ceil((free_at - now).total_seconds() / 60)))


async def request_for_handler(session: AsyncSession, *, actor: Actor, request_id: int) -> RequestView:
    request = await _load(session, request_id)
    await _require_handler(session, actor, request, "view request")
    return await _view(session, request, show_text=True, private=True, history=True)


async def my_requests(session: AsyncSession, *, person_id: int, limit: int = 10) -> list[RequestView]:
    """The person's own and followed requests, newest first."""
    followed = select(RequestFollower.request_id).where(RequestFollower.person_id == person_id)
    requests = await session.scalars(
        select(CitizenRequest)
        .where(or_(CitizenRequest.person_id == person_id, CitizenRequest.id.in_(followed)))
        .order_by(CitizenRequest.created_at.desc(), CitizenRequest.id.desc())
        .limit(limit)
    )
    # Someone else's anonymous request (followed before that was refused) keeps its text to itself.
    return [
        await _view(session, r, show_text=r.person_id == person_id or not r.anonymous, private=False)
        for r in requests
    ]


async def inbox(session: AsyncSession, *, actor: Actor, limit: int = 20) -> list[RequestView]:
    """Open requests the actor handles: their committees' in their neighbourhoods, and every open
    request of the neighbourhoods they manage. Urgent first, then oldest first."""
    if actor.person_id is None:
        return []
    seats = (
        await session.execute(
            select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
            .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
            .where(CouncilMember.person_id == actor.person_id, CouncilMember.active.is_(True))
        )
    ).tuples()
    managed = [
        g.scope_id for g in actor.grants if g.role == Role.MANAGER and g.scope_kind == ScopeKind.NEIGHBOURHOOD
    ]
    conditions: list[ColumnElement[bool]] = [
        and_(CitizenRequest.neighbourhood_id == n, CitizenRequest.committee == c) for n, c in seats
    ]
    if managed:
        conditions.append(CitizenRequest.neighbourhood_id.in_(managed))
    if not conditions:
        return []
    requests = await session.scalars(
        select(CitizenRequest)
        .where(CitizenRequest.status.in_(OPEN_STATUSES), or_(*conditions))
        .order_by(CitizenRequest.urgent.desc(), CitizenRequest.created_at, CitizenRequest.id)
        .limit(limit)
    )
    return [await _view(session, r, show_text=True, private=True) for r in requests]


# Requests that wait for a handler's first word: new (or rerouted), or reopened by the resident.
AWAITING_ANSWER: frozenset[RequestStatus] = frozenset({RequestStatus.NEW, RequestStatus.REOPENED})


async def awaiting_answer_count(session: AsyncSession, *, actor: Actor) -> int:
    """How many requests in the actor's inbox wait for an answer: the number on the inbox button.

    One query, on indexes: the requests of the actor's committee seats, united with those of the
    neighbourhoods they manage (a request counted once)."""
    if actor.person_id is None:
        return 0
    of_seats = (
        select(CitizenRequest.id)
        .join(CommitteeMembership, CommitteeMembership.neighbourhood_id == CitizenRequest.neighbourhood_id)
        .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
        .where(
            CouncilMember.person_id == actor.person_id,
            CouncilMember.active.is_(True),
            CommitteeMembership.committee == CitizenRequest.committee,
            CitizenRequest.status.in_(AWAITING_ANSWER),
        )
    )
    managed = [
        g.scope_id for g in actor.grants if g.role == Role.MANAGER and g.scope_kind == ScopeKind.NEIGHBOURHOOD
    ]
    ids = (
        union(
            of_seats,
            select(CitizenRequest.id).where(
                CitizenRequest.neighbourhood_id.in_(managed), CitizenRequest.status.in_(AWAITING_ANSWER)
            ),
        )
        if managed
        else of_seats
    )
    return int(await session.scalar(select(func.count()).select_from(ids.subquery())) or 0)


# ---- the committee's workflow ----


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
        request = await _load(session, request_id, for_update=True)
        await _require_handler(session, actor, request, f"request.{action.value}")
        sources, target, kind = _TRANSITIONS[action]
        if request.status not in sources:
            raise InvalidTransition(request.status)
        note = normalize_prose(note) if note else None
        if action in NOTE_REQUIRED and not note:
            raise NoteRequired(action.value)
        if note and len(note) > MAX_TEXT_LENGTH:
            raise TextTooLong("note", len(note), MAX_TEXT_LENGTH)
        request.status = target
        request.updated_at = now
        if request.first_response_at is None:
            request.first_response_at = now
        if target is RequestStatus.RESOLVED:
            request.resolved_at = now
        if target is RequestStatus.REJECTED:
            request.closed_at = now
        session.add(_event(request, kind, now, actor.person_id, note))
        await _notify_residents(
            session,
            translator,
            request,
            f"request-told-{kind}",
            now=now,
            note=note,
            owner_buttons=fixed_buttons(request.id) if target is RequestStatus.RESOLVED else (),
        )
        view = await _view(session, request, show_text=True, private=True, history=True)
    return view


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
        request = await _load(session, request_id, for_update=True)
        await _require_handler(session, actor, request, "request.reroute")
        if request.status not in OPEN_STATUSES:
            raise InvalidTransition(request.status)
        if committee == request.committee:
            return await _view(session, request, show_text=True, private=True)
        previous = request.committee
        request.committee = committee
        request.status = RequestStatus.NEW
        request.first_response_at = None
        request.sla_started_at = now
        request.sla_round += 1
        request.updated_at = now
        await _keep_correction(session, request, committee, now=now, by=actor.person_id)
        session.add(
            _event(
                request, "rerouted", now, actor.person_id, **{"from": previous.value, "to": committee.value}
            )
        )
        await session.flush()
        await _notify_handlers(
            session,
            translator,
            request,
            await first_responders(session, request.neighbourhood_id, committee),
            headline="request-notice-rerouted",
            now=now,
            skip=actor.person_id,
        )
        await _notify_residents(session, translator, request, "request-told-rerouted", now=now)
        view = await _view(session, request, show_text=True, private=True, history=True)
    return view


async def _keep_correction(
    session: AsyncSession, request: CitizenRequest, committee: CommitteeKey, *, now: datetime, by: int | None
) -> None:
    """The request's text with its right committee, for the next training (one row per request)."""
    correction = await session.scalar(
        select(RoutingCorrection).where(RoutingCorrection.request_id == request.id)
    )
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
        request = await _load(session, request_id, for_update=True)
        await _require_handler(session, actor, request, "request.reroute")
        if request.status not in OPEN_STATUSES:
            raise InvalidTransition(request.status)
        target = CommitteeKey.CRISIS if emergency else (committee or request.committee)
        previous = request.committee
        if request.is_emergency == emergency and target == previous:
            return await _view(session, request, show_text=True, private=True)
        request.is_emergency = emergency
        request.urgent = emergency or _urgent_outage(request.text)
        request.updated_at = now
        if target != previous:
            request.committee = target
            request.status = RequestStatus.NEW
            request.first_response_at = None
            request.sla_started_at = now
            request.sla_round += 1
            session.add(
                _event(
                    request, "rerouted", now, actor.person_id, **{"from": previous.value, "to": target.value}
                )
            )
        await _keep_correction(session, request, target, now=now, by=actor.person_id)
        session.add(
            _event(request, MARKED_EMERGENCY if emergency else MARKED_NOT_EMERGENCY, now, actor.person_id)
        )
        await session.flush()
        if target != previous or emergency:
            await _notify_handlers(
                session,
                translator,
                request,
                await first_responders(session, request.neighbourhood_id, target),
                headline="request-notice-marked-emergency" if emergency else "request-notice-rerouted",
                now=now,
                skip=actor.person_id,
            )
        if target != previous:
            await _notify_residents(session, translator, request, "request-told-rerouted", now=now)
        view = await _view(session, request, show_text=True, private=True)
    return view


# ---- closing the loop with the resident ----


async def _own_request(session: AsyncSession, person_id: int, request_id: int) -> CitizenRequest:
    request = await _load(session, request_id, for_update=True)
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
            session.add(_event(request, "confirmed", now, person_id))
        else:
            request.status = RequestStatus.REOPENED
            request.resolved_at = None
            request.sla_started_at = now
            request.sla_round += 1
            session.add(_event(request, "not_fixed", now, person_id))
            managers = await managers_of(session, request.neighbourhood_id) or await county_officials_of(
                session, request.neighbourhood_id
            )
            await session.flush()
            await _notify_handlers(
                session, translator, request, managers, headline="request-notice-not-fixed", now=now
            )
            others = [p for p in await first_responders(session, request.neighbourhood_id, request.committee)]
            await _notify_handlers(
                session,
                translator,
                request,
                [p for p in others if p not in managers],
                headline="request-notice-reopened",
                now=now,
            )
        view = await _view(session, request, show_text=True, private=False)
    return view


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
        session.add(_event(request, "rated", now, person_id, rating=rating))
        view = await _view(session, request, show_text=True, private=False)
    return view


# ---- SLA reminders (a scheduled job) ----


@dataclass(frozen=True)
class SlaRunSummary:
    checked: int
    reminders: int
    messages: int


async def _claim_reminder(
    session: AsyncSession, request: CitizenRequest, clock: str, level: int, now: datetime
) -> bool:
    """Record that this reminder is sent; False when it was already (by any run or instance)."""
    values = {
        "request_id": request.id,
        "clock": clock,
        "level": level,
        "round": request.sla_round,
        "sent_at": now,
    }
    unique = ["request_id", "clock", "level", "round"]
    return await insert_unless_present(session, SlaReminder, values, unique=unique) is not None


_LEVEL_HEADLINES = {
    1: "request-sla-reminder",
    2: "request-sla-escalation-manager",
    3: "request-sla-escalation-county",
}


# Where each reminder level starts on the ladder; it climbs from there while nobody can be reached.
_LEVEL_RUNGS = {1: "committee_head", 2: "manager", 3: "county_official"}


async def run_sla_reminders(
    session: AsyncSession, translator: Translator, *, now: datetime, sms: SmsPolicy = SMS_OFF
) -> SlaRunSummary:
    """Remind and escalate overdue requests; each (request, clock, level, round) at most once.

    Two clocks run from `sla_started_at`: the first response (until acknowledged, started, resolved
    or rejected) and the resolution (until resolved or rejected). At 1× the committee's target the
    first responder is reminded, at 2× the managers and at 3× the county officials are told.
    Commits once per request, so a crash part-way loses nothing already sent.
    """
    slas = {
        row.committee: (timedelta(hours=row.first_response_hours), timedelta(days=row.resolution_days))
        for row in await session.scalars(select(CommitteeSla))
    }
    default = (timedelta(hours=48), timedelta(days=14))
    ids = list(
        await session.scalars(
            select(CitizenRequest.id)
            .where(CitizenRequest.status.in_(OPEN_STATUSES))
            .order_by(CitizenRequest.id)
        )
    )
    await session.commit()
    reminders = messages = 0
    for request_id in ids:
        async with committing(session):
            request = await _load(session, request_id, for_update=True)
            if request.status not in OPEN_STATUSES:
                continue
            response_target, resolution_target = slas.get(request.committee, default)
            if request.urgent:
                response_target *= URGENT_SLA_SHARE
                resolution_target *= URGENT_SLA_SHARE
            elapsed = now - request.sla_started_at
            clocks: list[tuple[str, timedelta]] = [("resolution", resolution_target)]
            if request.first_response_at is None:
                clocks.insert(0, ("response", response_target))
            for clock, target in clocks:
                for level in (1, 2, 3):
                    if elapsed < target * level:
                        continue
                    ladder = await request_ladder(
                        session, request.neighbourhood_id, request.committee, from_level=_LEVEL_RUNGS[level]
                    )
                    # Claimed only when it is queued to somebody (now, or for when they join):
                    # with nobody appointed anywhere yet, a later run tries again.
                    if not any(rung.people for rung in ladder) or not await _claim_reminder(
                        session, request, clock, level, now
                    ):
                        continue
                    reminders += 1
                    hours = int(elapsed.total_seconds() // 3600)
                    outcome = await notify_up_the_ladder(
                        session,
                        translator,
                        ladder,
                        render=_handler_notice(
                            request,
                            await _view(session, request, show_text=True, private=True),
                            _LEVEL_HEADLINES[level],
                            {"clock": clock, "hours": hours, "days": hours // 24},
                        ),
                        now=now,
                        buttons=handler_buttons(
                            request.id, emergency=request.is_emergency, status=request.status
                        ),
                        dedup_prefix=f"sla:{request.id}:{clock}:{level}:{request.sla_round}",
                        topic=f"request:{request.id}",
                    )
                    messages += len(outcome.told.now) + len(outcome.told.waiting)
                    if level > 1:
                        # An escalation must not wait: whoever it is for but cannot be reached on
                        # a messenger now gets an SMS (once per escalation and person).
                        rung = managers_of if level == 2 else county_officials_of
                        for person_id in await rung(session, request.neighbourhood_id):
                            await queue_escalation_sms(
                                session,
                                translator,
                                sms,
                                person_id=person_id,
                                escalations=[f"request:{request.id}:{clock}:{level}:{request.sla_round}"],
                                now=now,
                            )
                    session.add(
                        _event(
                            request,
                            "escalated" if level > 1 else "reminded",
                            now,
                            None,
                            clock=clock,
                            level=level,
                        )
                    )
    return SlaRunSummary(checked=len(ids), reminders=reminders, messages=messages)


async def set_committee_sla(
    session: AsyncSession, *, committee: CommitteeKey, first_response_hours: int, resolution_days: int
) -> None:
    """Change a committee's targets (operator CLI); commits."""
    if first_response_hours < 1 or resolution_days < 1:
        raise ValueError("targets must be at least 1")
    async with committing(session):
        row = await session.get(CommitteeSla, committee)
        if row is None:
            session.add(
                CommitteeSla(
                    committee=committee,
                    first_response_hours=first_response_hours,
                    resolution_days=resolution_days,
                )
            )
        else:
            row.first_response_hours, row.resolution_days = first_response_hours, resolution_days


async def committee_slas(session: AsyncSession) -> list[CommitteeSla]:
    return list(await session.scalars(select(CommitteeSla).order_by(CommitteeSla.committee)))
