"""Meetings and their resolutions (مصوبات): recording a meeting with its attendance and minutes,
adding resolutions with a responsible body and a deadline, listing them by state, and the
responsible people's progress reports, with the whole history kept.

Who may do what:
- the neighbourhood's manager and the officials above it record meetings and add resolutions;
- the council (members, committee heads), the manager and the officials read the neighbourhood's
  resolutions;
- the people who answer for a resolution (`services.responsibility.is_responsible`: the named
  member, the agency's liaison in the county, the responsible committee) report its progress,
  as do the manager and the officials; only the latter cancel or reopen one.

Every operation is one transaction: the change, its history entry, the audit entry and the
notifications it causes (queued in the outbox) commit together or not at all.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, CommitteeKey, CommitteeMembership, CouncilMember, Liaison
from models.identity import Neighbourhood, Person, ScopeKind
from models.resolutions import (
    OPEN_RESOLUTION_STATUSES,
    Meeting,
    MeetingKind,
    Resolution,
    ResolutionPriority,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
)
from services.authz import (
    MANAGERS,
    Actor,
    PermissionDenied,
    allows,
    record_audit,
    region_of,
    require_can_read_neighbourhood,
    require_neighbourhood_manager,
)
from services.council.liaisons import AgencyView
from services.errors import TextTooLong, TextTooShort, UnknownAgency, UnknownMember
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime, format_jalali_date, tehran_today
from services.notify import Button, Told, notify_people, told_by_prefix
from services.persian import normalize_digits, normalize_prose, normalize_text
from services.requests import Photo, managers_of
from services.responsibility import is_responsible, responsible_people, unique
from services.uow import committing

__all__ = [
    "DUE_SOON_DAYS",
    "MAX_GUESTS_LENGTH",
    "MAX_MINUTES_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_TEXT_LENGTH",
    "MIN_TEXT_LENGTH",
    "CommitteeRequired",
    "DateOutOfRange",
    "DeadlineDoubt",
    "DeadlineDoubtReason",
    "InvalidProgress",
    "MeetingView",
    "NothingToUpdate",
    "ResolutionClosed",
    "ResolutionError",
    "ResolutionFilter",
    "ResolutionUpdateView",
    "ResolutionView",
    "Responsible",
    "TextTooLong",
    "TextTooShort",
    "UnknownAgency",
    "UnknownMeeting",
    "UnknownMember",
    "UnknownResolution",
    "add_resolution",
    "check_deadline",
    "check_meeting_date",
    "clean_guests",
    "clean_minutes",
    "clean_note",
    "clean_resolution_text",
    "create_meeting",
    "describe_history",
    "describe_meeting",
    "describe_resolution",
    "doubt_deadline",
    "get_meeting",
    "get_resolution",
    "list_resolutions",
    "may_update",
    "parse_progress",
    "resolution_buttons",
    "resolution_line",
    "resolutions_for_person",
    "responsible_label",
    "update_progress",
]

MIN_TEXT_LENGTH = 5
MAX_TEXT_LENGTH = 1000
MAX_NOTE_LENGTH = 1000
MAX_GUESTS_LENGTH = 500
# Minutes are shown in one message with a few lines around them (Telegram's limit is 4096).
MAX_MINUTES_LENGTH = 3500
DUE_SOON_DAYS = 3
# A deadline more than a year in the past is a typing mistake (e.g. 1304 for 1404), and one more
# than five years ahead is not a deadline anyone will be held to.
DEADLINE_PAST_LIMIT = timedelta(days=365)
DEADLINE_FUTURE_LIMIT = timedelta(days=5 * 365)
# Meetings are recorded after they are held, possibly late.
MEETING_PAST_LIMIT = timedelta(days=2 * 365)


# ---- errors (handlers answer each with a clear message) ----


class ResolutionError(ValueError):
    """Base of the input errors below."""


class DateOutOfRange(ResolutionError):
    """A deadline or meeting date too far in the past or the future; `limit` is the nearest
    acceptable date."""

    def __init__(self, field_name: str, reason: str, limit: date) -> None:
        super().__init__(f"{field_name} too far in the {reason} (limit {limit})")
        self.field = field_name
        self.reason = reason
        self.limit = limit


class CommitteeRequired(ResolutionError):
    """A committee meeting needs its committee."""


class InvalidResponsible(ResolutionError):
    """The responsible body is incomplete (a committee resolution without its committee, …)."""


class InvalidProgress(ResolutionError):
    def __init__(self, text: str) -> None:
        super().__init__(f"progress must be a whole number from 0 to 100: {text!r}")
        self.text = text


class NothingToUpdate(ResolutionError):
    """An update with no new progress, status or note."""


class ResolutionClosed(ResolutionError):
    """Done or cancelled: only the manager (or an official) may reopen it."""

    def __init__(self, status: ResolutionStatus) -> None:
        super().__init__(f"the resolution is {status.value}")
        self.status = status


class UnknownMeeting(LookupError):
    pass


class UnknownResolution(LookupError):
    pass


# ---- values ----


class ResolutionFilter(enum.StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    ALL = "all"


@dataclass(frozen=True)
class Responsible:
    """Who answers for a resolution: a committee, an agency (its liaison in the county) or a
    named council member."""

    kind: ResponsibleKind
    committee: CommitteeKey | None = None
    agency_id: int | None = None
    member_id: int | None = None

    @classmethod
    def of_committee(cls, committee: CommitteeKey | str) -> Responsible:
        return cls(ResponsibleKind.COMMITTEE, committee=CommitteeKey(committee))

    @classmethod
    def of_agency(cls, agency_id: int) -> Responsible:
        return cls(ResponsibleKind.AGENCY, agency_id=agency_id)

    @classmethod
    def of_member(cls, member_id: int) -> Responsible:
        return cls(ResponsibleKind.MEMBER, member_id=member_id)


@dataclass(frozen=True)
class MeetingView:
    id: int
    neighbourhood_id: int
    kind: MeetingKind
    committee: CommitteeKey | None
    held_on: date
    attendee_member_ids: tuple[int, ...]
    attendee_names: tuple[str, ...]
    guests: str | None
    minutes_text: str | None
    minutes_photo: Photo | None
    created_at: datetime
    resolution_count: int = 0


@dataclass(frozen=True)
class ResolutionUpdateView:
    at: datetime
    kind: str
    progress: int | None
    status: ResolutionStatus | None
    note: str | None
    actor_name: str | None


@dataclass(frozen=True)
class ResolutionView:
    id: int
    neighbourhood_id: int
    neighbourhood_name: str
    meeting_id: int | None
    meeting_kind: MeetingKind | None
    meeting_held_on: date | None
    text: str
    responsible_kind: ResponsibleKind
    responsible_committee: CommitteeKey | None
    responsible_agency: AgencyView | None
    responsible_member_id: int | None
    responsible_member_name: str | None
    deadline: date
    priority: ResolutionPriority
    status: ResolutionStatus
    progress: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    history: tuple[ResolutionUpdateView, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RESOLUTION_STATUSES

    def days_left(self, today: date) -> int:
        """Days until the deadline (0 on the day, negative once overdue)."""
        return (self.deadline - today).days

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.deadline < today

    def is_due_soon(self, today: date) -> bool:
        return self.is_open and 0 <= self.days_left(today) <= DUE_SOON_DAYS


# ---- validation (also used by the chat forms, step by step) ----


def _clean(text: str | None, field_name: str, minimum: int, maximum: int) -> str:
    cleaned = normalize_prose(text or "")
    if len(cleaned) < minimum:
        raise TextTooShort(field_name, minimum)
    if len(cleaned) > maximum:
        raise TextTooLong(field_name, len(cleaned), maximum)
    return cleaned


def clean_resolution_text(text: str | None) -> str:
    """The resolution's text as stored; raises `TextTooShort` / `TextTooLong`."""
    return _clean(text, "text", MIN_TEXT_LENGTH, MAX_TEXT_LENGTH)


def clean_guests(text: str | None) -> str | None:
    """Guests as typed (None when empty); raises `TextTooLong`."""
    cleaned = normalize_prose(text or "")
    if len(cleaned) > MAX_GUESTS_LENGTH:
        raise TextTooLong("guests", len(cleaned), MAX_GUESTS_LENGTH)
    return cleaned or None


def clean_minutes(text: str | None) -> str | None:
    """Minutes keep their line breaks (only each line is normalised); raises `TextTooLong`."""
    lines = [normalize_prose(line) for line in (text or "").splitlines()]
    cleaned = "\n".join(line for line in lines if line).strip()
    if len(cleaned) > MAX_MINUTES_LENGTH:
        raise TextTooLong("minutes", len(cleaned), MAX_MINUTES_LENGTH)
    return cleaned or None


def clean_note(text: str | None) -> str | None:
    cleaned = normalize_prose(text or "")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise TextTooLong("note", len(cleaned), MAX_NOTE_LENGTH)
    return cleaned or None


def check_deadline(deadline: date, today: date) -> None:
    """Raises `DateOutOfRange` for a deadline more than a year past or five years ahead. A recent
    past deadline is allowed: resolutions of an earlier meeting are often recorded late (the form
    asks to confirm it: `doubt_deadline`)."""
    if deadline < today - DEADLINE_PAST_LIMIT:
        raise DateOutOfRange("deadline", "past", today - DEADLINE_PAST_LIMIT)
    if deadline > today + DEADLINE_FUTURE_LIMIT:
        raise DateOutOfRange("deadline", "future", today + DEADLINE_FUTURE_LIMIT)


class DeadlineDoubtReason(enum.StrEnum):
    # The deadline comes before the meeting that decided the resolution.
    BEFORE_MEETING = "before_meeting"
    # The deadline has passed already (before today, in Tehran).
    PAST = "past"


@dataclass(frozen=True)
class DeadlineDoubt:
    """Why an acceptable deadline still looks like a mistake, so that the manager is asked to
    confirm it: `compared_with` is the meeting's date or today, whichever it comes before."""

    reason: DeadlineDoubtReason
    deadline: date
    compared_with: date


def doubt_deadline(deadline: date, today: date, meeting_held_on: date | None = None) -> DeadlineDoubt | None:
    """A deadline before the meeting's date (when the resolution belongs to a meeting) or before
    today is suspicious: it is allowed (resolutions are often recorded late), but not silently.
    Before the meeting is named first, being the more telling reason. Today, or the meeting's
    own day, is fine. `today` is Tehran's date (`services.jalali.tehran_today`)."""
    if meeting_held_on is not None and deadline < meeting_held_on:
        return DeadlineDoubt(DeadlineDoubtReason.BEFORE_MEETING, deadline, meeting_held_on)
    if deadline < today:
        return DeadlineDoubt(DeadlineDoubtReason.PAST, deadline, today)
    return None


def check_meeting_date(held_on: date, today: date) -> None:
    """A meeting is recorded once held: not after today, nor more than two years ago."""
    if held_on > today:
        raise DateOutOfRange("held_on", "future", today)
    if held_on < today - MEETING_PAST_LIMIT:
        raise DateOutOfRange("held_on", "past", today - MEETING_PAST_LIMIT)


_PROGRESS_RE = re.compile(r"[%٪]?\s*(\d{1,3})\s*[%٪]?")


def parse_progress(text: str) -> int:
    """A typed percentage ("60", "۶۰٪", "60 %") as 0–100; raises `InvalidProgress`."""
    match = _PROGRESS_RE.fullmatch(normalize_digits(normalize_text(text)))
    if match is None or not 0 <= int(match.group(1)) <= 100:
        raise InvalidProgress(text)
    return int(match.group(1))


# ---- loading and describing ----


async def _load_resolution(
    session: AsyncSession, resolution_id: int, *, for_update: bool = False
) -> Resolution:
    query = select(Resolution).where(Resolution.id == resolution_id)
    if for_update:
        query = query.with_for_update()
    resolution = await session.scalar(query)
    if resolution is None:
        raise UnknownResolution(str(resolution_id))
    return resolution


async def _active_member_names(
    session: AsyncSession, neighbourhood_id: int, ids: Iterable[int]
) -> dict[int, str]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(CouncilMember.id, Person.full_name)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(
                CouncilMember.id.in_(wanted),
                CouncilMember.neighbourhood_id == neighbourhood_id,
                CouncilMember.active.is_(True),
            )
        )
    ).tuples()
    return {member_id: name or "—" for member_id, name in rows}


async def _views(
    session: AsyncSession, resolutions: Sequence[Resolution], *, history: bool = False
) -> list[ResolutionView]:
    """Views of many resolutions with a handful of queries (names, agencies, meetings batched)."""
    if not resolutions:
        return []
    neighbourhoods = {
        n_id: name
        for n_id, name in (
            await session.execute(
                select(Neighbourhood.id, Neighbourhood.name).where(
                    Neighbourhood.id.in_({r.neighbourhood_id for r in resolutions})
                )
            )
        ).tuples()
    }
    agencies = {
        a.id: AgencyView(id=a.id, key=a.key, name_fa=a.name_fa, name_en=a.name_en)
        for a in await session.scalars(
            select(Agency).where(Agency.id.in_({r.responsible_agency_id for r in resolutions} - {None}))
        )
    }
    member_ids = {r.responsible_member_id for r in resolutions} - {None}
    members = {
        m_id: name or "—"
        for m_id, name in (
            await session.execute(
                select(CouncilMember.id, Person.full_name)
                .join(Person, Person.id == CouncilMember.person_id)
                .where(CouncilMember.id.in_(member_ids))
            )
        ).tuples()
    }
    meeting_ids = {r.meeting_id for r in resolutions} - {None}
    meetings = {
        m_id: (kind, held_on)
        for m_id, kind, held_on in (
            await session.execute(
                select(Meeting.id, Meeting.kind, Meeting.held_on).where(Meeting.id.in_(meeting_ids))
            )
        ).tuples()
    }
    histories: dict[int, list[ResolutionUpdateView]] = {}
    if history:
        rows = (
            await session.execute(
                select(ResolutionUpdate, Person.full_name)
                .outerjoin(Person, Person.id == ResolutionUpdate.actor_person_id)
                .where(ResolutionUpdate.resolution_id.in_([r.id for r in resolutions]))
                .order_by(ResolutionUpdate.at, ResolutionUpdate.id)
            )
        ).tuples()
        for update, name in rows:
            histories.setdefault(update.resolution_id, []).append(
                ResolutionUpdateView(
                    at=update.at,
                    kind=update.kind,
                    progress=update.progress,
                    status=update.status,
                    note=update.note,
                    actor_name=name,
                )
            )
    views = []
    for r in resolutions:
        meeting = meetings.get(r.meeting_id) if r.meeting_id is not None else None
        views.append(
            ResolutionView(
                id=r.id,
                neighbourhood_id=r.neighbourhood_id,
                neighbourhood_name=neighbourhoods.get(r.neighbourhood_id, ""),
                meeting_id=r.meeting_id,
                meeting_kind=meeting[0] if meeting else None,
                meeting_held_on=meeting[1] if meeting else None,
                text=r.text,
                responsible_kind=r.responsible_kind,
                responsible_committee=r.responsible_committee,
                responsible_agency=agencies.get(r.responsible_agency_id)
                if r.responsible_agency_id is not None
                else None,
                responsible_member_id=r.responsible_member_id,
                responsible_member_name=members.get(r.responsible_member_id)
                if r.responsible_member_id is not None
                else None,
                deadline=r.deadline,
                priority=r.priority,
                status=r.status,
                progress=r.progress,
                created_at=r.created_at,
                updated_at=r.updated_at,
                completed_at=r.completed_at,
                history=tuple(histories.get(r.id, ())),
            )
        )
    return views


async def _view(session: AsyncSession, resolution: Resolution, *, history: bool = False) -> ResolutionView:
    return (await _views(session, [resolution], history=history))[0]


def responsible_label(t: BoundTranslator, view: ResolutionView) -> str:
    """ "Health committee", "Municipality (liaison)", "Ms Ahmadi" in the reader's language."""
    if view.responsible_kind is ResponsibleKind.AGENCY and view.responsible_agency is not None:
        agency = view.responsible_agency
        return t(
            "resolution-responsible-agency", agency=agency.name_fa if t.locale == "fa" else agency.name_en
        )
    if view.responsible_kind is ResponsibleKind.MEMBER:
        return t("resolution-responsible-member", name=view.responsible_member_name or "—")
    committee = t(f"committee-{view.responsible_committee.value}") if view.responsible_committee else "—"
    return t("resolution-responsible-committee", committee=committee)


def _state(view: ResolutionView, today: date) -> str:
    if not view.is_open:
        return view.status.value
    if view.is_overdue(today):
        return "overdue"
    if view.is_due_soon(today):
        return "soon"
    return "open"


def _time_left(t: BoundTranslator, view: ResolutionView, today: date) -> str:
    if not view.is_open:
        return ""
    days = view.days_left(today)
    if days < 0:
        return t("resolution-overdue-by", days=-days)
    if days == 0:
        return t("resolution-due-today")
    return t("resolution-days-left", days=days)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def resolution_line(
    t: BoundTranslator, view: ResolutionView, today: date, *, with_place: bool = False
) -> str:
    """One resolution in a list: state mark, number, text (shortened), who, deadline, progress."""
    line = t(
        "resolution-line",
        state=_state(view, today),
        id=view.id,
        text=_short(view.text),
        who=responsible_label(t, view),
        deadline=format_jalali_date(view.deadline, t.locale),
        left=_time_left(t, view, today),
        progress=view.progress,
        status=t(f"resolution-status-{view.status.value}"),
    )
    if with_place:
        line += "\n   " + t("resolution-line-place", name=view.neighbourhood_name)
    return line


def describe_resolution(t: BoundTranslator, view: ResolutionView, today: date) -> str:
    """The resolution card: everything about it except its history."""
    lines = [
        t("resolution-card-title", id=view.id, state=_state(view, today)),
        view.text,
        "",
        t("resolution-card-place", name=view.neighbourhood_name),
        t("resolution-card-responsible", who=responsible_label(t, view)),
        t(
            "resolution-card-deadline",
            deadline=format_jalali_date(view.deadline, t.locale),
            left=_time_left(t, view, today),
        ),
        t("resolution-card-priority", priority=t(f"resolution-priority-{view.priority.value}")),
        t(
            "resolution-card-status",
            status=t(f"resolution-status-{view.status.value}"),
            progress=view.progress,
        ),
    ]
    if view.meeting_kind is not None and view.meeting_held_on is not None:
        lines.append(
            t(
                "resolution-card-meeting",
                kind=t(f"meeting-kind-{view.meeting_kind.value}"),
                date=format_jalali_date(view.meeting_held_on, t.locale),
            )
        )
    return "\n".join(lines)


def describe_history(t: BoundTranslator, view: ResolutionView) -> list[str]:
    """The history, one entry per item (callers split it into messages)."""
    entries = []
    for update in view.history:
        entry = t(
            "resolution-history-line",
            when=format_datetime(update.at, t.locale),
            what=t(f"resolution-event-{update.kind}")
            if t.translator.has(t.locale, f"resolution-event-{update.kind}")
            else update.kind,
            progress=update.progress if update.progress is not None else 0,
            status=t(f"resolution-status-{update.status.value}") if update.status else "—",
        )
        if update.actor_name:
            entry += " " + t("resolution-history-by", who=update.actor_name)
        if update.note:
            entry += "\n   " + t("resolution-history-note", note=update.note)
        entries.append(entry)
    return entries


def describe_meeting(t: BoundTranslator, view: MeetingView) -> str:
    kind = t(f"meeting-kind-{view.kind.value}")
    if view.committee is not None:
        kind += " — " + t(f"committee-{view.committee.value}")
    lines = [
        t("meeting-card-title", kind=kind, date=format_jalali_date(view.held_on, t.locale)),
        t(
            "meeting-card-attendees",
            names=t.join(view.attendee_names) if view.attendee_names else t("meeting-none"),
        ),
        t("meeting-card-guests", guests=view.guests or t("meeting-none")),
    ]
    if view.minutes_photo is not None:
        lines.append(t("meeting-card-minutes-photo"))
    if view.minutes_text:
        lines += [t("meeting-card-minutes"), view.minutes_text]
    if not view.minutes_text and view.minutes_photo is None:
        lines.append(t("meeting-card-no-minutes"))
    return "\n".join(lines)


def resolution_buttons(resolution_id: int) -> list[list[Button]]:
    """Under a resolution notification: report progress, see the history. The callback data
    matches handlers/resolutions.py (`rs_upd:<id>`, `rs_hist:<id>`)."""
    return [
        [
            Button("resolution-button-update", f"rs_upd:{resolution_id}"),
            Button("resolution-button-history", f"rs_hist:{resolution_id}"),
        ]
    ]


# ---- meetings ----


async def _meeting_view(session: AsyncSession, meeting: Meeting) -> MeetingView:
    names = await _active_member_names(session, meeting.neighbourhood_id, meeting.attendee_member_ids)
    count = await session.scalar(select(func.count(Resolution.id)).where(Resolution.meeting_id == meeting.id))
    photo = meeting.minutes_photo
    return MeetingView(
        id=meeting.id,
        neighbourhood_id=meeting.neighbourhood_id,
        kind=meeting.kind,
        committee=meeting.committee,
        held_on=meeting.held_on,
        attendee_member_ids=tuple(meeting.attendee_member_ids),
        attendee_names=tuple(names[m] for m in meeting.attendee_member_ids if m in names),
        guests=meeting.guests,
        minutes_text=meeting.minutes_text,
        minutes_photo=Photo(photo["platform"], photo["file_id"]) if photo else None,
        created_at=meeting.created_at,
        resolution_count=int(count or 0),
    )


async def create_meeting(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    kind: MeetingKind,
    held_on: date,
    now: datetime,
    committee: CommitteeKey | None = None,
    attendee_member_ids: Sequence[int] = (),
    guests: str | None = None,
    minutes_text: str | None = None,
    minutes_photo: Photo | None = None,
) -> MeetingView:
    """Record a meeting (council, committee, county session or official visit) of the
    neighbourhood, with who attended and its minutes (text and/or a photo of the signed page).

    For the neighbourhood's manager and the officials above it. Commits. Raises
    `PermissionDenied`, `CommitteeRequired`, `DateOutOfRange`, `UnknownMember` (an attendee who
    is not an active member here), `TextTooLong`.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "meeting.create")
        kind = MeetingKind(kind)
        if kind is MeetingKind.COMMITTEE and committee is None:
            raise CommitteeRequired(kind.value)
        check_meeting_date(held_on, tehran_today(now))
        attendees = list(dict.fromkeys(attendee_member_ids))
        known = await _active_member_names(session, neighbourhood_id, attendees)
        for member_id in attendees:
            if member_id not in known:
                raise UnknownMember(member_id)
        meeting = Meeting(
            neighbourhood_id=neighbourhood_id,
            kind=kind,
            committee=CommitteeKey(committee) if kind is MeetingKind.COMMITTEE and committee else None,
            held_on=held_on,
            attendee_member_ids=attendees,
            guests=clean_guests(guests),
            minutes_text=clean_minutes(minutes_text),
            minutes_photo={"platform": minutes_photo.platform, "file_id": minutes_photo.file_id}
            if minutes_photo
            else None,
            created_at=now,
            created_by_person_id=actor.person_id,
        )
        session.add(meeting)
        await session.flush()
        record_audit(
            session,
            actor,
            action="meeting.create",
            target_type="meeting",
            target_id=meeting.id,
            details={"kind": kind.value, "held_on": held_on.isoformat(), "attendees": len(attendees)},
            now=now,
        )
        view = await _meeting_view(session, meeting)
    return view


async def get_meeting(session: AsyncSession, *, actor: Actor, meeting_id: int) -> MeetingView:
    """A meeting with its minutes, for the council, the manager and the officials above."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise UnknownMeeting(str(meeting_id))
    await require_can_read_neighbourhood(session, actor, meeting.neighbourhood_id, "meeting.read")
    return await _meeting_view(session, meeting)


# ---- resolutions ----


async def _check_responsible(session: AsyncSession, neighbourhood_id: int, responsible: Responsible) -> None:
    kind = ResponsibleKind(responsible.kind)
    if kind is ResponsibleKind.COMMITTEE:
        if responsible.committee is None:
            raise InvalidResponsible("committee")
        CommitteeKey(responsible.committee)
    elif kind is ResponsibleKind.AGENCY:
        if responsible.agency_id is None or await session.get(Agency, responsible.agency_id) is None:
            raise UnknownAgency(responsible.agency_id)
    else:
        if responsible.member_id is None:
            raise InvalidResponsible("member")
        if not await _active_member_names(session, neighbourhood_id, [responsible.member_id]):
            raise UnknownMember(responsible.member_id)


async def _person_name(session: AsyncSession, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    name: str | None = await session.scalar(select(Person.full_name).where(Person.id == person_id))
    return name


async def _notify(
    session: AsyncSession,
    translator: Translator,
    view: ResolutionView,
    people: Iterable[int],
    *,
    headline: str,
    now: datetime,
    skip: int | None,
    dedup_prefix: str,
    who: str | None = None,
    note: str | None = None,
) -> Told:
    today = tehran_today(now)

    def render(t: BoundTranslator) -> str:
        text = t(headline, id=view.id, who=who or "—")
        if note:
            text += "\n" + t("resolution-notice-note", note=note)
        return text + "\n\n" + describe_resolution(t, view, today)

    return await notify_people(
        session,
        translator,
        unique(people),
        render=render,
        now=now,
        buttons=resolution_buttons(view.id),
        dedup_prefix=dedup_prefix,
        topic=f"resolution:{view.id}",
        skip=skip,
    )


async def who_was_told_of_new(session: AsyncSession, resolution_id: int) -> Told:
    """Who the new resolution's notice reached now, and who gets it when they join (read back
    from the outbox, so the manager hears the truth)."""
    return await told_by_prefix(session, f"resolution:{resolution_id}:created:")


async def add_resolution(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    neighbourhood_id: int,
    text: str,
    responsible: Responsible,
    deadline: date,
    now: datetime,
    priority: ResolutionPriority = ResolutionPriority.NORMAL,
    meeting_id: int | None = None,
) -> ResolutionView:
    """Add a resolution, to a meeting of the neighbourhood or on its own, and tell the people who
    answer for it (in their language, with the Jalali deadline and buttons to report progress).

    For the neighbourhood's manager and the officials above it. Commits. Raises
    `PermissionDenied`, `TextTooShort`, `TextTooLong`, `DateOutOfRange`, `UnknownAgency`,
    `UnknownMember`, `InvalidResponsible`, `UnknownMeeting`.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "resolution.create")
        cleaned = clean_resolution_text(text)
        check_deadline(deadline, tehran_today(now))
        await _check_responsible(session, neighbourhood_id, responsible)
        if meeting_id is not None:
            meeting = await session.get(Meeting, meeting_id)
            if meeting is None or meeting.neighbourhood_id != neighbourhood_id:
                raise UnknownMeeting(str(meeting_id))
        kind = ResponsibleKind(responsible.kind)
        resolution = Resolution(
            neighbourhood_id=neighbourhood_id,
            meeting_id=meeting_id,
            text=cleaned,
            responsible_kind=kind,
            responsible_committee=responsible.committee if kind is ResponsibleKind.COMMITTEE else None,
            responsible_agency_id=responsible.agency_id if kind is ResponsibleKind.AGENCY else None,
            responsible_member_id=responsible.member_id if kind is ResponsibleKind.MEMBER else None,
            deadline=deadline,
            priority=ResolutionPriority(priority),
            status=ResolutionStatus.OPEN,
            progress=0,
            created_at=now,
            updated_at=now,
            completed_at=None,
            created_by_person_id=actor.person_id,
        )
        session.add(resolution)
        await session.flush()
        session.add(
            ResolutionUpdate(
                resolution_id=resolution.id,
                at=now,
                actor_person_id=actor.person_id,
                kind="created",
                progress=0,
                status=ResolutionStatus.OPEN,
                note=None,
            )
        )
        record_audit(
            session,
            actor,
            action="resolution.create",
            target_type="resolution",
            target_id=resolution.id,
            details={
                "meeting_id": meeting_id,
                "responsible": kind.value,
                "deadline": deadline.isoformat(),
                "priority": resolution.priority.value,
            },
            now=now,
        )
        view = await _view(session, resolution)
        await _notify(
            session,
            translator,
            view,
            await responsible_people(session, resolution),
            headline="resolution-notice-new",
            now=now,
            skip=actor.person_id,
            dedup_prefix=f"resolution:{resolution.id}:created",
        )
    return view


def _filter_conditions(flt: ResolutionFilter, today: date) -> list[ColumnElement[bool]]:
    open_ = Resolution.status.in_(OPEN_RESOLUTION_STATUSES)
    if flt is ResolutionFilter.OPEN:
        return [open_]
    if flt is ResolutionFilter.DUE_SOON:
        return [
            open_,
            Resolution.deadline >= today,
            Resolution.deadline <= today + timedelta(days=DUE_SOON_DAYS),
        ]
    if flt is ResolutionFilter.OVERDUE:
        return [open_, Resolution.deadline < today]
    if flt is ResolutionFilter.DONE:
        return [Resolution.status == ResolutionStatus.DONE]
    return []


def _ordered(flt: ResolutionFilter) -> tuple[Any, ...]:
    if flt is ResolutionFilter.DONE:
        return (Resolution.completed_at.desc(), Resolution.id.desc())
    return (Resolution.deadline, Resolution.id)


async def list_resolutions(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    today: date,
    filter: ResolutionFilter = ResolutionFilter.OPEN,
    committee: CommitteeKey | None = None,
) -> list[ResolutionView]:
    """The neighbourhood's resolutions: open, due soon (within three days), overdue, done or all;
    with `committee`, those the committee answers for or that came from its meetings. Soonest
    deadline first (done ones: most recently completed first).

    For the council, the manager and the officials above; raises `PermissionDenied`.
    """
    await require_can_read_neighbourhood(session, actor, neighbourhood_id, "resolution.list")
    flt = ResolutionFilter(filter)
    conditions = [Resolution.neighbourhood_id == neighbourhood_id, *_filter_conditions(flt, today)]
    if committee is not None:
        conditions.append(
            or_(
                Resolution.responsible_committee == CommitteeKey(committee),
                Resolution.meeting_id.in_(
                    select(Meeting.id).where(Meeting.committee == CommitteeKey(committee))
                ),
            )
        )
    resolutions = list(await session.scalars(select(Resolution).where(*conditions).order_by(*_ordered(flt))))
    return await _views(session, resolutions)


async def resolutions_for_person(
    session: AsyncSession,
    *,
    person_id: int,
    today: date,
    filter: ResolutionFilter = ResolutionFilter.OPEN,
) -> list[ResolutionView]:
    """What the person answers for: resolutions naming them as a council member, those of the
    committees they sit on, and those of the agencies they are liaison for — in every
    neighbourhood of that liaison's county. Soonest deadline first."""
    conditions: list[ColumnElement[bool]] = []
    member_ids = list(
        await session.scalars(
            select(CouncilMember.id).where(
                CouncilMember.person_id == person_id, CouncilMember.active.is_(True)
            )
        )
    )
    if member_ids:
        conditions.append(
            and_(
                Resolution.responsible_kind == ResponsibleKind.MEMBER,
                Resolution.responsible_member_id.in_(member_ids),
            )
        )
    seats = (
        await session.execute(
            select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
            .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
            .where(CouncilMember.person_id == person_id, CouncilMember.active.is_(True))
        )
    ).tuples()
    conditions += [
        and_(
            Resolution.responsible_kind == ResponsibleKind.COMMITTEE,
            Resolution.neighbourhood_id == neighbourhood_id,
            Resolution.responsible_committee == committee,
        )
        for neighbourhood_id, committee in seats
    ]
    liaisons = (
        await session.execute(
            select(Liaison.agency_id, Liaison.county_id).where(Liaison.person_id == person_id)
        )
    ).tuples()
    conditions += [
        and_(
            Resolution.responsible_kind == ResponsibleKind.AGENCY,
            Resolution.responsible_agency_id == agency_id,
            Resolution.neighbourhood_id.in_(
                select(Neighbourhood.id).where(Neighbourhood.county_id == county_id)
            ),
        )
        for agency_id, county_id in liaisons
    ]
    if not conditions:
        return []
    flt = ResolutionFilter(filter)
    resolutions = list(
        await session.scalars(
            select(Resolution)
            .where(or_(*conditions), *_filter_conditions(flt, today))
            .order_by(*_ordered(flt))
        )
    )
    return await _views(session, resolutions)


async def _manages(session: AsyncSession, actor: Actor, neighbourhood_id: int) -> bool:
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)
    return allows(actor, region, MANAGERS)


async def may_update(session: AsyncSession, actor: Actor, resolution_id: int) -> bool:
    """Whether the actor may report progress on the resolution (to show the button or not)."""
    try:
        resolution = await _load_resolution(session, resolution_id)
    except UnknownResolution:
        return False
    if await _manages(session, actor, resolution.neighbourhood_id):
        return True
    return actor.person_id is not None and await is_responsible(session, resolution, actor.person_id)


async def get_resolution(session: AsyncSession, *, actor: Actor, resolution_id: int) -> ResolutionView:
    """A resolution with its history: for the council, the manager, the officials above and
    whoever answers for it (a liaison of the county, say). Raises `UnknownResolution`,
    `PermissionDenied`."""
    resolution = await _load_resolution(session, resolution_id)
    try:
        await require_can_read_neighbourhood(session, actor, resolution.neighbourhood_id, "resolution.read")
    except PermissionDenied:
        if actor.person_id is None or not await is_responsible(session, resolution, actor.person_id):
            raise
    return await _view(session, resolution, history=True)


def _next_state(
    resolution: Resolution, progress: int | None, status: ResolutionStatus | None
) -> tuple[int, ResolutionStatus]:
    """The progress and status after an update; 100 % means done and done means 100 %."""
    new_progress = resolution.progress if progress is None else progress
    if status is None:
        if progress is None:
            return resolution.progress, resolution.status
        if progress == 100:
            return 100, ResolutionStatus.DONE
        return progress, ResolutionStatus.IN_PROGRESS if progress > 0 else ResolutionStatus.OPEN
    if status is ResolutionStatus.DONE:
        if progress is not None and progress != 100:
            raise InvalidProgress(str(progress))
        return 100, status
    if status in OPEN_RESOLUTION_STATUSES and new_progress == 100:
        if progress is not None:
            raise InvalidProgress(str(progress))
        # Reopened without a new figure: the work starts over from what the note says.
        new_progress = 0
    return new_progress, status


async def update_progress(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    resolution_id: int,
    now: datetime,
    progress: int | None = None,
    status: ResolutionStatus | None = None,
    note: str | None = None,
) -> ResolutionView:
    """Report progress (0–100), change the status, and/or add a note; 100 % marks it done. The
    history keeps every update, and everyone else involved (the managers, the responsible people,
    whoever added it) is told.

    Allowed to the people who answer for it while it is open, and to the neighbourhood's manager
    and the officials above, who alone may cancel or reopen it. Commits. Raises
    `UnknownResolution`, `PermissionDenied`, `ResolutionClosed`, `InvalidProgress`,
    `NothingToUpdate`, `TextTooLong`.
    """
    async with committing(session):
        resolution = await _load_resolution(session, resolution_id, for_update=True)
        manages = await _manages(session, actor, resolution.neighbourhood_id)
        if not manages and (
            actor.person_id is None or not await is_responsible(session, resolution, actor.person_id)
        ):
            raise PermissionDenied("resolution.update")
        if progress is not None and not 0 <= progress <= 100:
            raise InvalidProgress(str(progress))
        status = ResolutionStatus(status) if status is not None else None
        if not manages:
            if resolution.status not in OPEN_RESOLUTION_STATUSES:
                raise ResolutionClosed(resolution.status)
            if status is ResolutionStatus.CANCELLED:
                raise PermissionDenied("resolution.cancel")
        cleaned_note = clean_note(note)
        new_progress, new_status = _next_state(resolution, progress, status)
        progress_changed = new_progress != resolution.progress
        status_changed = new_status != resolution.status
        if not (progress_changed or status_changed or cleaned_note):
            raise NothingToUpdate(str(resolution_id))
        previous = resolution.status
        resolution.progress, resolution.status, resolution.updated_at = new_progress, new_status, now
        if new_status is ResolutionStatus.DONE and previous is not ResolutionStatus.DONE:
            resolution.completed_at = now
        elif new_status is not ResolutionStatus.DONE:
            resolution.completed_at = None
        kind = "progress" if progress_changed else "status" if status_changed else "note"
        if new_status is ResolutionStatus.DONE and status_changed:
            kind = "done"
        elif status_changed and new_status is ResolutionStatus.CANCELLED:
            kind = "cancelled"
        elif status_changed and previous not in OPEN_RESOLUTION_STATUSES:
            kind = "reopened"
        update = ResolutionUpdate(
            resolution_id=resolution.id,
            at=now,
            actor_person_id=actor.person_id,
            kind=kind,
            progress=new_progress,
            status=new_status,
            note=cleaned_note,
        )
        session.add(update)
        await session.flush()
        record_audit(
            session,
            actor,
            action="resolution.update",
            target_type="resolution",
            target_id=resolution.id,
            details={"kind": kind, "progress": new_progress, "status": new_status.value},
            now=now,
        )
        view = await _view(session, resolution)
        people = [
            *await managers_of(session, resolution.neighbourhood_id),
            *await responsible_people(session, resolution),
        ]
        if resolution.created_by_person_id is not None:
            people.append(resolution.created_by_person_id)
        who = await _person_name(session, actor.person_id)
        await _notify(
            session,
            translator,
            view,
            people,
            headline="resolution-notice-updated",
            now=now,
            skip=actor.person_id,
            dedup_prefix=f"resolution:{resolution.id}:update:{update.id}",
            who=who,
            note=cleaned_note,
        )
    return view
