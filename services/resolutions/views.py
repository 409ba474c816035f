"""What callers are given: a responsible body (`Responsible`), a meeting, a resolution and its
history as frozen views, detached from the session; and how they are loaded — many resolutions
become views with a handful of queries (names, agencies, meetings batched in
`models.resolutions_repo`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import resolutions_repo as repo
from models.council import CommitteeKey
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
from models.resolutions_repo import ResolutionFilter
from services.council.liaisons import AgencyView
from services.requests import Photo
from services.resolutions.errors import UnknownResolution

__all__ = [
    "DUE_SOON_DAYS",
    "MeetingView",
    "ResolutionFilter",
    "ResolutionUpdateView",
    "ResolutionView",
    "Responsible",
    "active_member_names",
    "load_resolution",
    "meeting_view",
    "resolution_view",
    "resolution_views",
]

DUE_SOON_DAYS = 3


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


# ---- loading ----


async def load_resolution(
    session: AsyncSession, resolution_id: int, *, for_update: bool = False
) -> Resolution:
    """The resolution (locked for the transaction with `for_update`); raises `UnknownResolution`."""
    resolution = await repo.resolution_by_id(session, resolution_id, for_update=for_update)
    if resolution is None:
        raise UnknownResolution(str(resolution_id))
    return resolution


async def active_member_names(
    session: AsyncSession, neighbourhood_id: int, ids: Iterable[int]
) -> dict[int, str]:
    """The active council members of the neighbourhood among `ids`, with their names ("—" when
    a member has none); a missing id is not an active member here."""
    names = await repo.active_member_names(session, neighbourhood_id, ids)
    return {member_id: name or "—" for member_id, name in names.items()}


@dataclass(frozen=True)
class _Lookups:
    """Everything the resolutions refer to, looked up once for all of them."""

    neighbourhoods: dict[int, str]
    agencies: dict[int, AgencyView]
    members: dict[int, str]
    meetings: dict[int, tuple[MeetingKind, date]]
    histories: dict[int, list[ResolutionUpdateView]]


def _update_view(update: ResolutionUpdate, actor_name: str | None) -> ResolutionUpdateView:
    return ResolutionUpdateView(
        at=update.at,
        kind=update.kind,
        progress=update.progress,
        status=update.status,
        note=update.note,
        actor_name=actor_name,
    )


async def _look_up(session: AsyncSession, resolutions: Sequence[Resolution], *, history: bool) -> _Lookups:
    neighbourhoods = await repo.neighbourhood_names(session, {r.neighbourhood_id for r in resolutions})
    agency_ids = {r.responsible_agency_id for r in resolutions if r.responsible_agency_id is not None}
    agencies = await repo.agencies_by_id(session, agency_ids)
    member_ids = {r.responsible_member_id for r in resolutions if r.responsible_member_id is not None}
    members = await repo.member_names(session, member_ids)
    meetings = await repo.meeting_kinds_and_dates(
        session, {r.meeting_id for r in resolutions if r.meeting_id is not None}
    )
    histories: dict[int, list[ResolutionUpdateView]] = {}
    if history:
        for update, name in await repo.history_with_actor_names(session, [r.id for r in resolutions]):
            histories.setdefault(update.resolution_id, []).append(_update_view(update, name))
    return _Lookups(
        neighbourhoods=neighbourhoods,
        agencies={
            a.id: AgencyView(id=a.id, key=a.key, name_fa=a.name_fa, name_en=a.name_en) for a in agencies
        },
        members={member_id: name or "—" for member_id, name in members.items()},
        meetings=meetings,
        histories=histories,
    )


def _view_of(r: Resolution, found: _Lookups) -> ResolutionView:
    meeting = found.meetings.get(r.meeting_id) if r.meeting_id is not None else None
    return ResolutionView(
        id=r.id,
        neighbourhood_id=r.neighbourhood_id,
        neighbourhood_name=found.neighbourhoods.get(r.neighbourhood_id, ""),
        meeting_id=r.meeting_id,
        meeting_kind=meeting[0] if meeting else None,
        meeting_held_on=meeting[1] if meeting else None,
        text=r.text,
        responsible_kind=r.responsible_kind,
        responsible_committee=r.responsible_committee,
        responsible_agency=found.agencies.get(r.responsible_agency_id)
        if r.responsible_agency_id is not None
        else None,
        responsible_member_id=r.responsible_member_id,
        responsible_member_name=found.members.get(r.responsible_member_id)
        if r.responsible_member_id is not None
        else None,
        deadline=r.deadline,
        priority=r.priority,
        status=r.status,
        progress=r.progress,
        created_at=r.created_at,
        updated_at=r.updated_at,
        completed_at=r.completed_at,
        history=tuple(found.histories.get(r.id, ())),
    )


async def resolution_views(
    session: AsyncSession, resolutions: Sequence[Resolution], *, history: bool = False
) -> list[ResolutionView]:
    """Views of many resolutions with a handful of queries (names, agencies, meetings batched)."""
    if not resolutions:
        return []
    found = await _look_up(session, resolutions, history=history)
    return [_view_of(r, found) for r in resolutions]


async def resolution_view(
    session: AsyncSession, resolution: Resolution, *, history: bool = False
) -> ResolutionView:
    return (await resolution_views(session, [resolution], history=history))[0]


async def meeting_view(session: AsyncSession, meeting: Meeting) -> MeetingView:
    names = await active_member_names(session, meeting.neighbourhood_id, meeting.attendee_member_ids)
    count = await repo.meeting_resolution_count(session, meeting.id)
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
        resolution_count=count,
    )
