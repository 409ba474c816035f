"""Queries for the reminders about resolutions (`services.reminders`): the open resolutions due by a
date, the names a reminder line shows, which once-only marks are claimed already, who the county
officials are, and the figures of the weekly county digest.

Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, CommitteeKey
from models.identity import County, Neighbourhood, Role, RoleAssignment, ScopeKind
from models.requests import OPEN_STATUSES, CitizenRequest, CommitteeSla
from models.resolutions import OPEN_RESOLUTION_STATUSES, ReminderMark, Resolution, ResolutionStatus

# Keys looked up per query when asking which marks exist (a bound list stays well under the
# databases' parameter limits).
_MARK_CHUNK = 500


async def open_resolutions_due_by(
    session: AsyncSession, *, due_by: date, county_id: int | None = None
) -> list[tuple[Resolution, str]]:
    """Open resolutions with a deadline on or before `due_by` (in the county, if given), each with
    its neighbourhood's name; soonest deadline first."""
    stmt = (
        select(Resolution, Neighbourhood.name)
        .join(Neighbourhood, Neighbourhood.id == Resolution.neighbourhood_id)
        .where(Resolution.status.in_(OPEN_RESOLUTION_STATUSES), Resolution.deadline <= due_by)
        .order_by(Resolution.deadline, Resolution.id)
    )
    if county_id is not None:
        stmt = stmt.where(Neighbourhood.county_id == county_id)
    return [(resolution, name) for resolution, name in (await session.execute(stmt)).all()]


async def agency_names(session: AsyncSession) -> dict[int, tuple[str, str]]:
    """Every agency's Persian and English name, by id."""
    rows = await session.execute(select(Agency.id, Agency.name_fa, Agency.name_en))
    return {row.id: (row.name_fa, row.name_en) for row in rows}


async def claimed_marks(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of `keys` have a reminder mark already: a rerun skips those without looking anything
    up (`services.responsibility.claim_mark` still decides, in the transaction, for runs racing
    each other)."""
    pending = list(keys)
    found: set[str] = set()
    for i in range(0, len(pending), _MARK_CHUNK):
        chunk = pending[i : i + _MARK_CHUNK]
        found.update(await session.scalars(select(ReminderMark.key).where(ReminderMark.key.in_(chunk))))
    return found


async def county_official_seats(session: AsyncSession) -> list[tuple[int, int]]:
    """(person id, county id) of every county official's role."""
    rows = await session.execute(
        select(RoleAssignment.person_id, RoleAssignment.scope_id).where(
            RoleAssignment.role == Role.COUNTY_OFFICIAL, RoleAssignment.scope_kind == ScopeKind.COUNTY
        )
    )
    return [(person_id, county_id) for person_id, county_id in rows.all()]


# ---- the county digest's figures ----


async def county_name(session: AsyncSession, county_id: int) -> str | None:
    name: str | None = await session.scalar(select(County.name).where(County.id == county_id))
    return name


async def county_neighbourhoods(session: AsyncSession, county_id: int) -> dict[int, str]:
    """The county's neighbourhoods' names by id, in the order of their names."""
    rows = await session.execute(
        select(Neighbourhood.id, Neighbourhood.name)
        .where(Neighbourhood.county_id == county_id)
        .order_by(Neighbourhood.name)
    )
    return {row.id: row.name for row in rows}


async def resolution_counts(
    session: AsyncSession, county_id: int, *, today: date, done_since: datetime
) -> list[tuple[int, int, int, int]]:
    """Per neighbourhood of the county that has resolutions: (neighbourhood id, open, overdue
    before `today`, done since `done_since`)."""
    is_open = Resolution.status.in_(OPEN_RESOLUTION_STATUSES)
    done = (Resolution.status == ResolutionStatus.DONE) & (Resolution.completed_at >= done_since)
    rows = await session.execute(
        select(
            Resolution.neighbourhood_id,
            func.sum(case((is_open, 1), else_=0)),
            func.sum(case((is_open & (Resolution.deadline < today), 1), else_=0)),
            func.sum(case((done, 1), else_=0)),
        )
        .join(Neighbourhood, Neighbourhood.id == Resolution.neighbourhood_id)
        .where(Neighbourhood.county_id == county_id)
        .group_by(Resolution.neighbourhood_id)
    )
    return [
        (nid, int(open_count or 0), int(overdue or 0), int(done_count or 0))
        for nid, open_count, overdue, done_count in rows.all()
    ]


async def request_resolution_days(session: AsyncSession) -> dict[CommitteeKey, int]:
    """Each committee's target for resolving a request, in days, where one is set."""
    return {row.committee: row.resolution_days for row in await session.scalars(select(CommitteeSla))}


async def open_requests_in_county(
    session: AsyncSession, county_id: int
) -> list[tuple[int, CommitteeKey, datetime | None]]:
    """(neighbourhood id, committee, when its SLA clock started) of every open request there."""
    rows = await session.execute(
        select(CitizenRequest.neighbourhood_id, CitizenRequest.committee, CitizenRequest.sla_started_at)
        .join(Neighbourhood, Neighbourhood.id == CitizenRequest.neighbourhood_id)
        .where(Neighbourhood.county_id == county_id, CitizenRequest.status.in_(OPEN_STATUSES))
    )
    return [(nid, committee, started) for nid, committee, started in rows.all()]
