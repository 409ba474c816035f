"""The queries behind the performance reports (`services.reports`): set-based, one query per
measure across all the neighbourhoods of a report, grouped by the report's units.

A report covers some neighbourhoods (`Units.where`, a condition on `Neighbourhood`) gathered into
units: each neighbourhood, each county, or all of them as one unit (id `WHOLE`). Every query joins
its facts to that neighbourhood → unit map and groups by the unit, so a province of a thousand
neighbourhoods costs the same dozen queries as one neighbourhood. Figures of a period are taken
as they stood at `Span.as_of` (the period's end, or now while it runs) wherever a timestamp says
so: a resolution completed after that moment was still open then. Repositories never commit.

SQLite and PostgreSQL differ in date arithmetic only; `_seconds_between` and `_tehran_day` hold
the two spellings. On SQLite the Tehran date uses the fixed +03:30 offset Iran has kept since it
dropped daylight saving in 2022.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, Self

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    String,
    Subquery,
    and_,
    case,
    cast,
    extract,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import (
    Agency,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    Liaison,
    NeighbourhoodProfile,
)
from models.identity import County, Neighbourhood, Person, Role, RoleAssignment, ScopeKind
from models.requests import CitizenRequest, CommitteeSla, RequestEvent
from models.resolutions import Action, Meeting, MeetingKind, Resolution, ResolutionStatus, ResponsibleKind
from models.surveys import NeedsAssessment

__all__ = [
    "WHOLE",
    "ActionRow",
    "AgencyRow",
    "BodyKey",
    "CommitteeRow",
    "FormationRow",
    "Grouping",
    "LiaisonRow",
    "NeedsRow",
    "OverdueRow",
    "RequestRow",
    "RequestTargets",
    "ResolutionRow",
    "Span",
    "UnitName",
    "Units",
    "action_counts",
    "agencies",
    "committee_seats",
    "committee_targets",
    "councils_formed_in",
    "counties_of",
    "formation",
    "latest_top_needs",
    "liaison_coverage",
    "median_hours_to_resolve",
    "meeting_counts",
    "needs_assessment_counts",
    "neighbourhood_units",
    "overdue_backlog",
    "profiles_written",
    "report_recipients",
    "request_counts",
    "resolution_counts",
    "unit_names",
]

# The id of the one unit when a report's neighbourhoods are taken all together.
WHOLE = 0
# What a resident answering "no, not fixed" writes in the request's history (services.requests).
_REOPENED_EVENT = "not_fixed"


class Grouping(enum.StrEnum):
    NEIGHBOURHOOD = "neighbourhood"
    COUNTY = "county"
    WHOLE = "whole"


@dataclass(frozen=True)
class Units:
    """The neighbourhoods a report covers and how they are gathered into units."""

    where: ColumnElement[bool]
    grouping: Grouping

    def regrouped(self, grouping: Grouping) -> Units:
        return Units(self.where, grouping)


@dataclass(frozen=True)
class Span:
    """A report period as the queries need it: its first and last calendar days (Tehran), the UTC
    instants around it (`start` inclusive, `end` exclusive), and the moment its figures are taken
    at (`as_of`: the end, or now while it runs) with that moment's Tehran date."""

    first_day: date
    last_day: date
    start: datetime
    end: datetime
    as_of: datetime
    as_of_day: date


class _Additive:
    """Counts that add up from units to their sum (a county from its neighbourhoods)."""

    def __add__(self, other: Self) -> Self:
        values = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}  # type: ignore[arg-type]
        return type(self)(**values)


@dataclass(frozen=True)
class UnitName:
    id: int
    name: str
    code: str | None
    selected: bool = False


@dataclass(frozen=True)
class AgencyRow:
    id: int
    key: str
    name_fa: str
    name_en: str


def _earliest(a: Any, b: Any) -> Any:
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True)
class FormationRow:
    """A unit's neighbourhoods, how many have a council (active members) and how many members;
    the earliest formation date written in a profile and the earliest active member's joining."""

    neighbourhoods: int
    councils_formed: int
    members: int
    formed_on: date | None
    first_member_at: datetime | None

    def __add__(self, other: FormationRow) -> FormationRow:
        return FormationRow(
            self.neighbourhoods + other.neighbourhoods,
            self.councils_formed + other.councils_formed,
            self.members + other.members,
            _earliest(self.formed_on, other.formed_on),
            _earliest(self.first_member_at, other.first_member_at),
        )


@dataclass(frozen=True)
class CommitteeRow:
    """A committee across a unit: neighbourhoods where it has a head, active members, and the
    head's name (meaningful when the unit is one neighbourhood)."""

    headed: int
    members: int
    head_name: str | None

    def __add__(self, other: CommitteeRow) -> CommitteeRow:
        return CommitteeRow(self.headed + other.headed, self.members + other.members, None)


@dataclass(frozen=True)
class LiaisonRow:
    """A unit's counties and, per agency id, in how many of them the agency has a liaison."""

    counties: int
    named: Mapping[int, int]


# Who answers for resolutions: (kind, committee, agency id); a member's are (MEMBER, None, None).
BodyKey = tuple[ResponsibleKind, CommitteeKey | None, int | None]


@dataclass(frozen=True)
class ResolutionRow(_Additive):
    """Resolutions made in the period (not cancelled) and of those: done, done by their deadline,
    overdue at `as_of`; and how many made in the period were cancelled."""

    made: int = 0
    done: int = 0
    done_on_time: int = 0
    overdue: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class OverdueRow:
    """A unit's overdue resolutions at `as_of`, whenever made: how many, and the oldest (by deadline)."""

    count: int
    id: int
    text: str
    deadline: date
    body: BodyKey
    neighbourhood_id: int
    neighbourhood_name: str
    neighbourhood_code: str


@dataclass(frozen=True)
class RequestRow(_Additive):
    """Requests received in the period and of those: first answered within the response target,
    resolved, resolved within the resolution target, ever reopened, rated (and the ratings'
    sum), emergencies."""

    received: int = 0
    answered_in_target: int = 0
    resolved: int = 0
    resolved_in_target: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    emergencies: int = 0


@dataclass(frozen=True)
class ActionRow(_Additive):
    actions: int = 0
    photos: int = 0


@dataclass(frozen=True)
class NeedsRow:
    """A unit's needs assessments done in the period, and the latest one's date up to `as_of`."""

    done: int
    latest_on: date | None


@dataclass(frozen=True)
class RequestTargets:
    """The committees' targets in seconds (first response, resolution), the default for a committee
    without its own, and the share an urgent request gets."""

    response: Mapping[CommitteeKey, float]
    resolution: Mapping[CommitteeKey, float]
    default_response: float
    default_resolution: float
    urgent_share: float


# ---- the neighbourhood → unit map and the two dialects ----


def _unit_map(units: Units) -> Subquery:
    unit: Any = {
        Grouping.NEIGHBOURHOOD: Neighbourhood.id,
        Grouping.COUNTY: Neighbourhood.county_id,
        Grouping.WHOLE: literal_column(str(WHOLE), Integer),
    }[units.grouping]
    return (
        select(Neighbourhood.id.label("nid"), Neighbourhood.county_id.label("county_id"), unit.label("unit"))
        .where(units.where)
        .subquery("units")
    )


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _seconds_between(dialect: str, earlier: Any, later: Any) -> ColumnElement[float]:
    if dialect == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return cast(extract("epoch", later - earlier), Float)


def _tehran_day(dialect: str, moment: Any) -> ColumnElement[date]:
    if dialect == "sqlite":
        return func.date(moment, "+210 minutes")
    return func.date(func.timezone("Asia/Tehran", moment))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# ---- what does not depend on the period ----


async def agencies(session: AsyncSession) -> list[AgencyRow]:
    rows = await session.execute(
        select(Agency.id, Agency.key, Agency.name_fa, Agency.name_en).order_by(Agency.id)
    )
    return [AgencyRow(*row) for row in rows.tuples()]


async def unit_names(session: AsyncSession, units: Units) -> dict[int, UnitName]:
    """The name and code of every neighbourhood the report covers, and whether it is one of the
    selected neighbourhoods (محلات منتخب)."""
    query = select(Neighbourhood.id, Neighbourhood.name, Neighbourhood.code, Neighbourhood.selected).where(
        units.where
    )
    rows = (await session.execute(query)).tuples()
    return {nid: UnitName(nid, name, code, bool(selected)) for nid, name, code, selected in rows}


async def counties_of(session: AsyncSession, province_id: int) -> dict[int, UnitName]:
    """The name of every county of the province (those without neighbourhoods too)."""
    query = select(County.id, County.name).where(County.province_id == province_id)
    return {cid: UnitName(cid, name, None) for cid, name in (await session.execute(query)).tuples()}


async def neighbourhood_units(session: AsyncSession, units: Units) -> dict[int, int]:
    """The unit of every neighbourhood the report covers (to place what is kept per
    neighbourhood, such as plans, in the report's units)."""
    m = _unit_map(units)
    return {nid: unit for nid, unit in (await session.execute(select(m.c.nid, m.c.unit))).tuples()}


async def committee_targets(session: AsyncSession) -> dict[CommitteeKey, tuple[int, int]]:
    """The committees' own targets: (hours to a first response, days to resolve)."""
    rows = await session.execute(
        select(CommitteeSla.committee, CommitteeSla.first_response_hours, CommitteeSla.resolution_days)
    )
    return {committee: (hours, days) for committee, hours, days in rows.tuples()}


def _members_by_neighbourhood() -> Subquery:
    return (
        select(
            CouncilMember.neighbourhood_id.label("nid"),
            func.count().label("members"),
            func.min(CouncilMember.created_at).label("first_at"),
        )
        .where(CouncilMember.active.is_(True))
        .group_by(CouncilMember.neighbourhood_id)
        .subquery("members")
    )


async def formation(session: AsyncSession, units: Units) -> dict[int, FormationRow]:
    """Per unit: neighbourhoods, councils formed (a council is formed once it has an active
    member), active members, and the earliest formation date and member."""
    m, members = _unit_map(units), _members_by_neighbourhood()
    profile = NeighbourhoodProfile
    rows = await session.execute(
        select(
            m.c.unit,
            func.count(m.c.nid),
            func.count(members.c.nid),
            func.coalesce(func.sum(members.c.members), 0),
            func.min(case((members.c.nid.is_not(None), profile.council_formed_on))),
            func.min(members.c.first_at),
        )
        .select_from(m)
        .outerjoin(members, members.c.nid == m.c.nid)
        .outerjoin(profile, profile.neighbourhood_id == m.c.nid)
        .group_by(m.c.unit)
    )
    return {
        unit: FormationRow(int(count), int(formed), int(seated), formed_on, first_at)
        for unit, count, formed, seated, formed_on, first_at in rows.tuples()
    }


async def councils_formed_in(session: AsyncSession, units: Units, span: Span) -> dict[int, int]:
    """Per unit: councils formed within the period (the profile's date of formation when written,
    else the first active member's joining)."""
    m, members = _unit_map(units), _members_by_neighbourhood()
    formed_on = NeighbourhoodProfile.council_formed_on
    in_period = or_(
        and_(formed_on.is_not(None), formed_on >= span.first_day, formed_on <= span.last_day),
        and_(formed_on.is_(None), members.c.first_at >= span.start, members.c.first_at < span.end),
    )
    rows = await session.execute(
        select(m.c.unit, _count_if(in_period))
        .select_from(m)
        .join(members, members.c.nid == m.c.nid)
        .outerjoin(NeighbourhoodProfile, NeighbourhoodProfile.neighbourhood_id == m.c.nid)
        .group_by(m.c.unit)
    )
    return {unit: int(count) for unit, count in rows.tuples()}


async def committee_seats(
    session: AsyncSession, units: Units
) -> dict[tuple[int, CommitteeKey], CommitteeRow]:
    """Per unit and committee: neighbourhoods where it has a head, active members, the head's name."""
    m = _unit_map(units)
    seat = CommitteeMembership
    rows = await session.execute(
        select(
            m.c.unit,
            seat.committee,
            _count_if(seat.is_head.is_(True)),
            func.count(),
            func.max(case((seat.is_head.is_(True), Person.full_name))),
        )
        .join(m, m.c.nid == seat.neighbourhood_id)
        .join(CouncilMember, CouncilMember.id == seat.council_member_id)
        .join(Person, Person.id == CouncilMember.person_id)
        .where(CouncilMember.active.is_(True))
        .group_by(m.c.unit, seat.committee)
    )
    return {
        (unit, committee): CommitteeRow(int(headed), int(count), name)
        for unit, committee, headed, count, name in rows.tuples()
    }


def _json_filled(column: Any) -> ColumnElement[bool]:
    return and_(column.is_not(None), cast(column, String).not_in(["{}", "[]", "null", ""]))


async def profiles_written(session: AsyncSession, units: Units) -> dict[int, int]:
    """Per unit: neighbourhood profiles written (any field holds something, as in the staffing report)."""
    m, p = _unit_map(units), NeighbourhoodProfile
    written = or_(
        p.population.is_not(None),
        p.households.is_not(None),
        p.area_hectares.is_not(None),
        and_(p.main_problems.is_not(None), p.main_problems != ""),
        p.council_formed_on.is_not(None),
        _json_filled(p.facilities),
        _json_filled(p.programmes),
    )
    rows = await session.execute(
        select(m.c.unit, _count_if(written)).join(m, m.c.nid == p.neighbourhood_id).group_by(m.c.unit)
    )
    return {unit: int(count) for unit, count in rows.tuples()}


async def liaison_coverage(session: AsyncSession, units: Units) -> dict[int, LiaisonRow]:
    """Per unit: its counties, and per agency in how many of them it has named a liaison."""
    m = _unit_map(units)
    places = select(m.c.unit, m.c.county_id).distinct().subquery("places")
    counties = await session.execute(select(places.c.unit, func.count()).group_by(places.c.unit))
    named = await session.execute(
        select(places.c.unit, Liaison.agency_id, func.count(func.distinct(Liaison.county_id)))
        .join(Liaison, Liaison.county_id == places.c.county_id)
        .group_by(places.c.unit, Liaison.agency_id)
    )
    by_unit: dict[int, dict[int, int]] = {}
    for unit, agency_id, count in named.tuples():
        by_unit.setdefault(unit, {})[agency_id] = int(count)
    return {unit: LiaisonRow(int(count), by_unit.get(unit, {})) for unit, count in counties.tuples()}


# ---- what happened in a period ----


async def meeting_counts(
    session: AsyncSession, units: Units, span: Span
) -> dict[tuple[int, MeetingKind], int]:
    """Per unit and kind: meetings held in the period."""
    m = _unit_map(units)
    rows = await session.execute(
        select(m.c.unit, Meeting.kind, func.count())
        .join(m, m.c.nid == Meeting.neighbourhood_id)
        .where(Meeting.held_on >= span.first_day, Meeting.held_on <= span.last_day)
        .group_by(m.c.unit, Meeting.kind)
    )
    return {(unit, kind): int(count) for unit, kind, count in rows.tuples()}


def _done_by(span: Span) -> ColumnElement[bool]:
    return and_(Resolution.status == ResolutionStatus.DONE, Resolution.completed_at <= span.as_of)


def _overdue_at(span: Span) -> ColumnElement[bool]:
    """Open at `as_of` (not cancelled, not done by then) and past its deadline on that day."""
    return and_(
        Resolution.status != ResolutionStatus.CANCELLED,
        ~_done_by(span),
        Resolution.deadline < span.as_of_day,
    )


async def resolution_counts(
    session: AsyncSession, units: Units, span: Span
) -> dict[tuple[int, BodyKey], ResolutionRow]:
    """Per unit and responsible body: resolutions made in the period, done, done on time (by the
    Tehran date of the deadline), overdue at `as_of`, cancelled."""
    m, r = _unit_map(units), Resolution
    done = _done_by(span)
    cancelled = r.status == ResolutionStatus.CANCELLED
    rows = await session.execute(
        select(
            m.c.unit,
            r.responsible_kind,
            r.responsible_committee,
            r.responsible_agency_id,
            _count_if(~cancelled),
            _count_if(done),
            _count_if(and_(done, _tehran_day(_dialect(session), r.completed_at) <= r.deadline)),
            _count_if(_overdue_at(span)),
            _count_if(cancelled),
        )
        .join(m, m.c.nid == r.neighbourhood_id)
        .where(r.created_at >= span.start, r.created_at < span.end)
        .group_by(m.c.unit, r.responsible_kind, r.responsible_committee, r.responsible_agency_id)
    )
    return {
        (unit, (kind, committee, agency)): ResolutionRow(*(int(n) for n in counts))
        for unit, kind, committee, agency, *counts in rows.tuples()
    }


async def overdue_backlog(session: AsyncSession, units: Units, span: Span) -> dict[int, OverdueRow]:
    """Per unit: every resolution overdue at `as_of`, whenever it was made, counted; and the
    oldest of them (earliest deadline) named."""
    m, r = _unit_map(units), Resolution
    ranked = (
        select(
            m.c.unit.label("unit"),
            func.count().over(partition_by=m.c.unit).label("overdue"),
            func.row_number().over(partition_by=m.c.unit, order_by=(r.deadline, r.id)).label("place"),
            r.id,
            r.text,
            r.deadline,
            r.responsible_kind,
            r.responsible_committee,
            r.responsible_agency_id,
            Neighbourhood.id.label("nid"),
            Neighbourhood.name,
            Neighbourhood.code,
        )
        .join(m, m.c.nid == r.neighbourhood_id)
        .join(Neighbourhood, Neighbourhood.id == r.neighbourhood_id)
        .where(_overdue_at(span), r.created_at < span.as_of)
        .subquery("ranked")
    )
    rows = await session.execute(select(ranked).where(ranked.c.place == 1))
    found: dict[int, OverdueRow] = {}
    for row in rows.mappings():
        body = (
            ResponsibleKind(row["responsible_kind"]),
            CommitteeKey(row["responsible_committee"]) if row["responsible_committee"] else None,
            row["responsible_agency_id"],
        )
        found[row["unit"]] = OverdueRow(
            int(row["overdue"]),
            row["id"],
            row["text"],
            row["deadline"],
            body,
            row["nid"],
            row["name"],
            row["code"],
        )
    return found


def _target(targets: Mapping[CommitteeKey, float], default: float, share: float) -> ColumnElement[float]:
    r = CitizenRequest
    whens = [(r.committee == committee, seconds) for committee, seconds in targets.items()]
    own = case(*whens, else_=default) if whens else literal_column(repr(float(default)), Float)
    return own * case((r.urgent.is_(True), share), else_=1.0)


def _requests_received(units: Units, span: Span) -> tuple[Subquery, ColumnElement[bool]]:
    r = CitizenRequest
    return _unit_map(units), and_(r.created_at >= span.start, r.created_at < span.end)


async def request_counts(
    session: AsyncSession, units: Units, span: Span, targets: RequestTargets
) -> dict[tuple[int, CommitteeKey], RequestRow]:
    """Per unit and committee: requests received in the period and what became of them by `as_of`.

    The first answer is timed from submission; the resolution from the start of the request's
    last SLA round (a reroute or a reopening starts a new one), as the reminders time it.
    """
    r, dialect = CitizenRequest, _dialect(session)
    m, received = _requests_received(units, span)
    answered = and_(r.first_response_at.is_not(None), r.first_response_at <= span.as_of)
    resolved = and_(r.resolved_at.is_not(None), r.resolved_at <= span.as_of)
    response = _target(targets.response, targets.default_response, targets.urgent_share)
    resolution = _target(targets.resolution, targets.default_resolution, targets.urgent_share)
    reopened = (
        select(RequestEvent.request_id)
        # A request received in the period is reopened after it starts.
        .where(
            RequestEvent.kind == _REOPENED_EVENT,
            RequestEvent.at >= span.start,
            RequestEvent.at <= span.as_of,
        )
        .distinct()
        .subquery("reopened")
    )
    rows = await session.execute(
        select(
            m.c.unit,
            r.committee,
            func.count(),
            _count_if(
                and_(answered, _seconds_between(dialect, r.created_at, r.first_response_at) <= response)
            ),
            _count_if(resolved),
            _count_if(
                and_(resolved, _seconds_between(dialect, r.sla_started_at, r.resolved_at) <= resolution)
            ),
            _count_if(reopened.c.request_id.is_not(None)),
            func.count(r.rating),
            func.coalesce(func.sum(r.rating), 0),
            _count_if(r.is_emergency.is_(True)),
        )
        .join(m, m.c.nid == r.neighbourhood_id)
        .outerjoin(reopened, reopened.c.request_id == r.id)
        .where(received)
        .group_by(m.c.unit, r.committee)
    )
    return {
        (unit, committee): RequestRow(*(int(n) for n in counts)) for unit, committee, *counts in rows.tuples()
    }


def _is_middle(place: Any, count: Any) -> ColumnElement[int]:
    """1 for the middle row of a group ranked 1…count, or either of the two middle ones (integer
    division on both backends), else 0."""
    return case((place.in_([(count + 1) // 2, (count + 2) // 2]), 1), else_=0)


async def median_hours_to_resolve(
    session: AsyncSession, units: Units, span: Span
) -> dict[tuple[int, CommitteeKey | None], float]:
    """The median hours from submission to resolution of the requests received in the period and
    resolved by `as_of`: per unit and committee, per unit (committee None), and for all the units
    together (unit `WHOLE`), per committee and in all.

    One scan ranks every resolved request four ways at once; only the middle rows come back.
    """
    r = CitizenRequest
    m, received = _requests_received(units, span)
    hours = _seconds_between(_dialect(session), r.created_at, r.resolved_at) / 3600.0
    groupings = {
        "unit_committee": [m.c.unit, r.committee],
        "unit": [m.c.unit],
        "committee": [r.committee],
        "all": [],
    }
    ranks = []
    for name, partition in groupings.items():
        within: Any = partition or None
        ranks.append(func.row_number().over(partition_by=within, order_by=hours).label(f"place_{name}"))
        ranks.append(func.count().over(partition_by=within).label(f"n_{name}"))
    ranked = (
        select(m.c.unit.label("unit"), r.committee.label("committee"), hours.label("hours"), *ranks)
        .join(m, m.c.nid == r.neighbourhood_id)
        .where(received, r.resolved_at.is_not(None), r.resolved_at <= span.as_of)
        .subquery("ranked")
    )
    middles = [_is_middle(ranked.c[f"place_{name}"], ranked.c[f"n_{name}"]).label(name) for name in groupings]
    rows = await session.execute(
        select(ranked.c.unit, ranked.c.committee, ranked.c.hours, *middles).where(
            or_(*(middle == 1 for middle in middles))
        )
    )
    middle_hours: dict[tuple[int, CommitteeKey | None], list[float]] = {}
    for unit, committee, value, *flags in rows.tuples():
        keys = [(unit, committee), (unit, None), (WHOLE, committee), (WHOLE, None)]
        for key, flag in zip(keys, flags, strict=True):
            if flag:
                middle_hours.setdefault(key, []).append(float(value))
    return {key: sum(values) / len(values) for key, values in middle_hours.items()}


async def action_counts(
    session: AsyncSession, units: Units, span: Span
) -> dict[tuple[int, str | None], ActionRow]:
    """Per unit and national programme (None: untagged): actions done in the period and their photos."""
    m = _unit_map(units)
    photos = func.coalesce(func.sum(func.coalesce(func.json_array_length(Action.photos), 0)), 0)
    rows = await session.execute(
        select(m.c.unit, Action.programme, func.count(), photos)
        .join(m, m.c.nid == Action.neighbourhood_id)
        .where(Action.done_on >= span.first_day, Action.done_on <= span.last_day)
        .group_by(m.c.unit, Action.programme)
    )
    return {
        (unit, programme): ActionRow(int(count), int(photo_count))
        for unit, programme, count, photo_count in rows.tuples()
    }


async def needs_assessment_counts(session: AsyncSession, units: Units, span: Span) -> dict[int, NeedsRow]:
    """Per unit: needs assessments done in the period (by their Tehran date, up to `as_of`) and
    the date of the latest done by then, whenever."""
    m, n = _unit_map(units), NeedsAssessment
    rows = await session.execute(
        select(m.c.unit, _count_if(n.done_on >= span.first_day), func.max(n.done_on))
        .join(m, m.c.nid == n.neighbourhood_id)
        .where(n.done_on <= span.as_of_day)
        .group_by(m.c.unit)
    )
    return {unit: NeedsRow(int(done), latest) for unit, done, latest in rows.tuples()}


async def latest_top_needs(session: AsyncSession, units: Units, span: Span) -> list[tuple[int, list[str]]]:
    """(unit, top needs) of each neighbourhood's latest needs assessment up to `as_of`, in the
    order of the neighbourhoods' ids; one scan ranks them all."""
    m, n = _unit_map(units), NeedsAssessment
    ranked = (
        select(
            m.c.unit.label("unit"),
            n.neighbourhood_id.label("nid"),
            n.top_needs.label("needs"),
            func.row_number()
            .over(partition_by=n.neighbourhood_id, order_by=(n.done_on.desc(), n.id.desc()))
            .label("place"),
        )
        .join(m, m.c.nid == n.neighbourhood_id)
        .where(n.done_on <= span.as_of_day)
        .subquery("ranked")
    )
    rows = await session.execute(
        select(ranked.c.unit, ranked.c.needs).where(ranked.c.place == 1).order_by(ranked.c.nid)
    )
    return [(unit, list(needs or [])) for unit, needs in rows.tuples()]


async def report_recipients(session: AsyncSession) -> list[tuple[int, ScopeKind, int]]:
    """(person id, county or province, scope id) of every county and province official's seat:
    who gets the monthly report of what."""
    rows = await session.execute(
        select(RoleAssignment.person_id, RoleAssignment.scope_kind, RoleAssignment.scope_id)
        .where(
            or_(
                and_(
                    RoleAssignment.role == Role.COUNTY_OFFICIAL, RoleAssignment.scope_kind == ScopeKind.COUNTY
                ),
                and_(
                    RoleAssignment.role == Role.PROVINCE_OFFICIAL,
                    RoleAssignment.scope_kind == ScopeKind.PROVINCE,
                ),
            )
        )
        .order_by(RoleAssignment.person_id, RoleAssignment.scope_kind, RoleAssignment.scope_id)
    )
    return [(person_id, kind, scope_id) for person_id, kind, scope_id in rows.tuples()]
