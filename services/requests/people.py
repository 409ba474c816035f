"""Who handles what: the residents of a neighbourhood, its managers and the officials above it, the
committee heads, who may act on a request, who is told of a new one, and the ladder a request
climbs when nobody on a rung can be reached.

Who handles a request: the active members of its committee in its neighbourhood, the
neighbourhood's managers, and the officials above it. Who is *notified* of a new request: the
committee's head, or the managers when the committee has no head (or is the crisis committee
while crisis mode is off).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.council import CommitteeKey
from models.identity import Role, ScopeKind
from models.requests import CitizenRequest
from services.authz import MANAGERS, Actor, PermissionDenied, allows, region_of
from services.notify import LadderOutcome, Rung
from services.requests.values import Holder

__all__ = [
    "administrators",
    "committee_heads",
    "county_officials_of",
    "crisis_active",
    "first_responders",
    "holder_of",
    "managers_of",
    "may_handle",
    "province_officials_of",
    "request_ladder",
    "require_handler",
    "resident_neighbourhood",
]


async def crisis_active(session: AsyncSession, neighbourhood_id: int) -> bool:
    return await requests_repo.has_open_crisis(session, neighbourhood_id)


async def resident_neighbourhood(session: AsyncSession, person_id: int) -> int | None:
    """The neighbourhood the person joined as a resident, if any."""
    return await requests_repo.resident_scope(session, person_id)


async def managers_of(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    return await requests_repo.people_with_role(
        session, Role.MANAGER, ScopeKind.NEIGHBOURHOOD, neighbourhood_id
    )


async def county_officials_of(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    county_id = await requests_repo.county_of(session, neighbourhood_id)
    if county_id is None:
        return []
    return await requests_repo.people_with_role(session, Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, county_id)


async def province_officials_of(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    province_id = await requests_repo.province_of(session, neighbourhood_id)
    if province_id is None:
        return []
    return await requests_repo.people_with_role(
        session, Role.PROVINCE_OFFICIAL, ScopeKind.PROVINCE, province_id
    )


async def administrators(session: AsyncSession) -> list[int]:
    return await requests_repo.people_with_role(session, Role.ADMIN, ScopeKind.GLOBAL, 0)


async def committee_heads(session: AsyncSession, neighbourhood_id: int, committee: CommitteeKey) -> list[int]:
    return await requests_repo.committee_heads(session, neighbourhood_id, committee)


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
    return await requests_repo.is_committee_member(
        session, actor.person_id, request.neighbourhood_id, request.committee
    )


async def require_handler(session: AsyncSession, actor: Actor, request: CitizenRequest, action: str) -> None:
    """Raises `PermissionDenied` (for `action`) unless the actor may handle the request."""
    if not await may_handle(session, actor, request):
        raise PermissionDenied(action)


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


async def holder_of(session: AsyncSession, outcome: LadderOutcome) -> Holder:
    """Who has the request after it climbed the ladder, as the resident is told (administrators
    are not named)."""
    names = (
        tuple(name or "—" for name in await requests_repo.full_names(session, outcome.holders))
        if outcome.level not in (None, "admin")
        else ()
    )
    return Holder(outcome.level, names, bool(set(outcome.holders) & set(outcome.told.now)))
