"""Reading resolutions: the neighbourhood's by state (open, due soon, overdue, done, all), what a
person answers for across neighbourhoods, and one resolution with its history — each for the
people allowed to see it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models import resolutions_repo as repo
from models.council import CommitteeKey
from services.authz import Actor, PermissionDenied, require_can_read_neighbourhood
from services.resolutions.views import (
    DUE_SOON_DAYS,
    ResolutionFilter,
    ResolutionView,
    load_resolution,
    resolution_view,
    resolution_views,
)
from services.responsibility import is_responsible

__all__ = ["get_resolution", "list_resolutions", "resolutions_for_person"]


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
    resolutions = await repo.neighbourhood_resolutions(
        session,
        neighbourhood_id,
        flt=ResolutionFilter(filter),
        today=today,
        due_soon_days=DUE_SOON_DAYS,
        committee=CommitteeKey(committee) if committee is not None else None,
    )
    return await resolution_views(session, resolutions)


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
    resolutions = await repo.resolutions_answered_by(
        session, person_id, flt=filter, today=today, due_soon_days=DUE_SOON_DAYS
    )
    return await resolution_views(session, resolutions)


async def get_resolution(session: AsyncSession, *, actor: Actor, resolution_id: int) -> ResolutionView:
    """A resolution with its history: for the council, the manager, the officials above and
    whoever answers for it (a liaison of the county, say). Raises `UnknownResolution`,
    `PermissionDenied`."""
    resolution = await load_resolution(session, resolution_id)
    try:
        await require_can_read_neighbourhood(session, actor, resolution.neighbourhood_id, "resolution.read")
    except PermissionDenied:
        if actor.person_id is None or not await is_responsible(session, resolution, actor.person_id):
            raise
    return await resolution_view(session, resolution, history=True)
