"""Queries for meetings and resolutions (`services.resolutions`): loading one, the batched look-ups
that turn many resolutions into views with a handful of queries, the neighbourhood's resolutions
by state, and what a person answers for.

`ResolutionFilter` is defined here because it is a choice of rows (open, due soon, overdue, done,
all); `services.resolutions` re-exports it. Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, CommitteeKey, CommitteeMembership, CouncilMember, Liaison
from models.identity import Neighbourhood, Person
from models.resolutions import (
    OPEN_RESOLUTION_STATUSES,
    Meeting,
    MeetingKind,
    Resolution,
    ResolutionStatus,
    ResolutionUpdate,
    ResponsibleKind,
)


class ResolutionFilter(enum.StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    ALL = "all"


# ---- one row ----


async def resolution_by_id(
    session: AsyncSession, resolution_id: int, *, for_update: bool = False
) -> Resolution | None:
    query = select(Resolution).where(Resolution.id == resolution_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def meeting_by_id(session: AsyncSession, meeting_id: int) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def agency_by_id(session: AsyncSession, agency_id: int) -> Agency | None:
    return await session.get(Agency, agency_id)


async def person_name(session: AsyncSession, person_id: int) -> str | None:
    name: str | None = await session.scalar(select(Person.full_name).where(Person.id == person_id))
    return name


async def meeting_resolution_count(session: AsyncSession, meeting_id: int) -> int:
    count = await session.scalar(select(func.count(Resolution.id)).where(Resolution.meeting_id == meeting_id))
    return int(count or 0)


# ---- batched look-ups (each answers for many ids at once) ----


async def active_member_names(
    session: AsyncSession, neighbourhood_id: int, member_ids: Iterable[int]
) -> dict[int, str | None]:
    """The names of those of `member_ids` who are active council members of the neighbourhood."""
    wanted = list(dict.fromkeys(member_ids))
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
    return dict(rows.all())


async def member_names(session: AsyncSession, member_ids: Iterable[int]) -> dict[int, str | None]:
    """The names of council members, active or not (a resolution keeps the member it named)."""
    rows = (
        await session.execute(
            select(CouncilMember.id, Person.full_name)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CouncilMember.id.in_(set(member_ids)))
        )
    ).tuples()
    return dict(rows.all())


async def neighbourhood_names(session: AsyncSession, neighbourhood_ids: Iterable[int]) -> dict[int, str]:
    rows = (
        await session.execute(
            select(Neighbourhood.id, Neighbourhood.name).where(Neighbourhood.id.in_(set(neighbourhood_ids)))
        )
    ).tuples()
    return dict(rows.all())


async def agencies_by_id(session: AsyncSession, agency_ids: Iterable[int]) -> list[Agency]:
    return list(await session.scalars(select(Agency).where(Agency.id.in_(set(agency_ids)))))


async def meeting_kinds_and_dates(
    session: AsyncSession, meeting_ids: Iterable[int]
) -> dict[int, tuple[MeetingKind, date]]:
    rows = (
        await session.execute(
            select(Meeting.id, Meeting.kind, Meeting.held_on).where(Meeting.id.in_(set(meeting_ids)))
        )
    ).tuples()
    return {meeting_id: (kind, held_on) for meeting_id, kind, held_on in rows}


async def history_with_actor_names(
    session: AsyncSession, resolution_ids: Iterable[int]
) -> list[tuple[ResolutionUpdate, str | None]]:
    """Every history entry of the resolutions, oldest first, with the name of whoever made it."""
    rows = (
        await session.execute(
            select(ResolutionUpdate, Person.full_name)
            .outerjoin(Person, Person.id == ResolutionUpdate.actor_person_id)
            .where(ResolutionUpdate.resolution_id.in_(list(resolution_ids)))
            .order_by(ResolutionUpdate.at, ResolutionUpdate.id)
        )
    ).tuples()
    return list(rows)


# ---- lists by state ----


def _filter_conditions(flt: ResolutionFilter, today: date, due_soon_days: int) -> list[ColumnElement[bool]]:
    open_ = Resolution.status.in_(OPEN_RESOLUTION_STATUSES)
    if flt is ResolutionFilter.OPEN:
        return [open_]
    if flt is ResolutionFilter.DUE_SOON:
        return [
            open_,
            Resolution.deadline >= today,
            Resolution.deadline <= today + timedelta(days=due_soon_days),
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


async def neighbourhood_resolutions(
    session: AsyncSession,
    neighbourhood_id: int,
    *,
    flt: ResolutionFilter,
    today: date,
    due_soon_days: int,
    committee: CommitteeKey | None = None,
) -> list[Resolution]:
    """The neighbourhood's resolutions in the filter's state (due soon: within `due_soon_days`);
    with `committee`, those it answers for or that came from its meetings. Soonest deadline
    first; done ones most recently completed first."""
    conditions = [
        Resolution.neighbourhood_id == neighbourhood_id,
        *_filter_conditions(flt, today, due_soon_days),
    ]
    if committee is not None:
        conditions.append(
            or_(
                Resolution.responsible_committee == committee,
                Resolution.meeting_id.in_(select(Meeting.id).where(Meeting.committee == committee)),
            )
        )
    return list(await session.scalars(select(Resolution).where(*conditions).order_by(*_ordered(flt))))


# ---- what a person answers for ----


async def _as_member(session: AsyncSession, person_id: int) -> list[ColumnElement[bool]]:
    """Resolutions naming one of the person's active council seats."""
    member_ids = list(
        await session.scalars(
            select(CouncilMember.id).where(
                CouncilMember.person_id == person_id, CouncilMember.active.is_(True)
            )
        )
    )
    if not member_ids:
        return []
    return [
        and_(
            Resolution.responsible_kind == ResponsibleKind.MEMBER,
            Resolution.responsible_member_id.in_(member_ids),
        )
    ]


async def _as_committee_member(session: AsyncSession, person_id: int) -> list[ColumnElement[bool]]:
    """Resolutions of the committees the person sits on, in each seat's neighbourhood."""
    seats = (
        await session.execute(
            select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
            .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
            .where(CouncilMember.person_id == person_id, CouncilMember.active.is_(True))
        )
    ).tuples()
    return [
        and_(
            Resolution.responsible_kind == ResponsibleKind.COMMITTEE,
            Resolution.neighbourhood_id == neighbourhood_id,
            Resolution.responsible_committee == committee,
        )
        for neighbourhood_id, committee in seats
    ]


async def _as_liaison(session: AsyncSession, person_id: int) -> list[ColumnElement[bool]]:
    """Resolutions of the agencies the person is liaison for, in every neighbourhood of that
    liaison's county."""
    liaisons = (
        await session.execute(
            select(Liaison.agency_id, Liaison.county_id).where(Liaison.person_id == person_id)
        )
    ).tuples()
    return [
        and_(
            Resolution.responsible_kind == ResponsibleKind.AGENCY,
            Resolution.responsible_agency_id == agency_id,
            Resolution.neighbourhood_id.in_(
                select(Neighbourhood.id).where(Neighbourhood.county_id == county_id)
            ),
        )
        for agency_id, county_id in liaisons
    ]


async def resolutions_answered_by(
    session: AsyncSession, person_id: int, *, flt: ResolutionFilter, today: date, due_soon_days: int
) -> list[Resolution]:
    """The resolutions the person answers for (as a named member, a committee member or an
    agency's liaison) in the filter's state, in the same order as `neighbourhood_resolutions`."""
    conditions = [
        *await _as_member(session, person_id),
        *await _as_committee_member(session, person_id),
        *await _as_liaison(session, person_id),
    ]
    if not conditions:
        return []
    flt = ResolutionFilter(flt)
    return list(
        await session.scalars(
            select(Resolution)
            .where(or_(*conditions), *_filter_conditions(flt, today, due_soon_days))
            .order_by(*_ordered(flt))
        )
    )
