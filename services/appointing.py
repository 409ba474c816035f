"""What an official may appoint, and where: the choices the chat offers before `services.roles`
decides. Everything here is derived from `services.authz.can_grant`, so the buttons an official
sees follow the same rules that `grant_role` and `revoke_role` enforce (and still enforce: a
choice offered here is never taken as permission)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import County, Province, Role, ScopeKind
from services.authz import Actor, Region, UnknownScope, can_grant, region_of
from services.roles import GRANTABLE_ROLES

__all__ = ["Place", "appointable_roles", "counties_for", "may_appoint_in", "provinces_for"]


@dataclass(frozen=True)
class Place:
    """A province or a county an official may pick, with the names `grant_role` resolves."""

    kind: ScopeKind
    id: int
    name: str
    # The county's province (for a province: its own name), which tells same-named counties apart.
    province_id: int
    province_name: str


async def _regions_of_actor(session: AsyncSession, actor: Actor) -> list[Region]:
    # Only province and county grants can make someone an appointer (see authz._GRANTERS).
    regions = []
    for grant in actor.grants:
        if grant.scope_kind in (ScopeKind.PROVINCE, ScopeKind.COUNTY):
            try:
                regions.append(await region_of(session, grant.scope_kind, grant.scope_id))
            except UnknownScope:
                continue
    return regions


async def appointable_roles(session: AsyncSession, actor: Actor) -> list[Role]:
    """The roles the actor may grant somewhere, in `GRANTABLE_ROLES` order; empty for most people."""
    if actor.is_admin:
        return list(GRANTABLE_ROLES)
    regions = await _regions_of_actor(session, actor)
    return [role for role in GRANTABLE_ROLES if any(can_grant(actor, role, region) for region in regions)]


async def may_appoint_in(
    session: AsyncSession, actor: Actor, role: Role, kind: ScopeKind, scope_id: int
) -> bool:
    """Whether the actor may grant `role` in this scope (False for an unknown scope)."""
    if kind == ScopeKind.GLOBAL:
        return can_grant(actor, role, None)
    try:
        region = await region_of(session, kind, scope_id)
    except UnknownScope:
        return False
    return can_grant(actor, role, region)


async def counties_for(
    session: AsyncSession, actor: Actor, role: Role, province_id: int | None = None
) -> list[Place]:
    """The counties (of one province, if given) where the actor may grant `role`, by name."""
    query = (
        select(County.id, County.name, Province.id, Province.name)
        .join(Province, County.province_id == Province.id)
        .order_by(Province.name, County.name, County.id)
    )
    if province_id is not None:
        query = query.where(Province.id == province_id)
    return [
        Place(ScopeKind.COUNTY, county_id, name, pid, province_name)
        for county_id, name, pid, province_name in (await session.execute(query)).tuples()
        if can_grant(actor, role, Region(province_id=pid, county_id=county_id))
    ]


async def provinces_for(session: AsyncSession, actor: Actor, role: Role) -> list[Place]:
    """The provinces where the actor may grant `role`: the role's own province for a province
    official, else the provinces holding a county where they may grant it."""
    if role == Role.PROVINCE_OFFICIAL:
        provinces = (
            await session.execute(select(Province.id, Province.name).order_by(Province.name))
        ).tuples()
        return [
            Place(ScopeKind.PROVINCE, pid, name, pid, name)
            for pid, name in provinces
            if can_grant(actor, role, Region(province_id=pid))
        ]
    seen: dict[int, Place] = {}
    for county in await counties_for(session, actor, role):
        seen.setdefault(
            county.province_id,
            Place(
                ScopeKind.PROVINCE,
                county.province_id,
                county.province_name,
                county.province_id,
                county.province_name,
            ),
        )
    return list(seen.values())
