"""Who may do what, where — and the record of who did it.

Every privileged service operation takes an `Actor`, asks one of the `require_*` helpers below
before touching anything, writes an `AuditEntry` with `record_audit`, and commits through
`committing` so that an error leaves nothing half-saved.

A role assignment covers a region by its scope: a global grant covers everything, a province
grant the province with its counties and neighbourhoods, a county grant the county and its
neighbourhoods, a neighbourhood grant only that neighbourhood. Scope resolution (neighbourhood →
county → province) happens in `region_of` and nowhere else.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import AuditEntry
from models.identity import County, Neighbourhood, Province, Role, ScopeKind
from models.repositories import roles_of
from services.accounts import RoleGrant, Viewer

__all__ = [
    "COUNCIL_READERS",
    "MANAGERS",
    "NEIGHBOURS",
    "OFFICIALS",
    "OPERATOR",
    "Actor",
    "PermissionDenied",
    "Region",
    "UnknownScope",
    "allows",
    "can_grant",
    "can_manage_neighbourhood",
    "load_actor",
    "record_audit",
    "region_of",
    "require",
    "require_admin",
    "require_can_grant",
    "require_can_read_neighbourhood",
    "require_can_see_council",
    "require_county_official",
    "require_neighbourhood_manager",
    "require_province_official",
]


class PermissionDenied(Exception):
    """The actor's roles do not allow this operation in this scope."""

    def __init__(self, action: str, scope: Region | None = None) -> None:
        super().__init__(f"not allowed: {action}" + (f" in {scope}" if scope else ""))
        self.action = action
        self.scope = scope


class UnknownScope(LookupError):
    """No province, county or neighbourhood has that id."""

    def __init__(self, kind: ScopeKind, scope_id: int) -> None:
        super().__init__(f"no {kind.value} with id {scope_id}")
        self.kind = kind
        self.scope_id = scope_id


@dataclass(frozen=True)
class Actor:
    """Who is asking: a person with their role grants, or the operator at the command line."""

    person_id: int | None
    label: str
    grants: tuple[RoleGrant, ...] = ()
    # The CLI (`python -m bot grant …`) is run by whoever operates the server: it may do anything.
    is_operator: bool = False

    @classmethod
    def from_viewer(cls, viewer: Viewer) -> Actor:
        """The actor behind a messenger update (roles as loaded for this update)."""
        return cls(person_id=viewer.person_id, label=f"person:{viewer.person_id}", grants=viewer.roles)

    @property
    def is_admin(self) -> bool:
        return self.is_operator or any(grant.role == Role.ADMIN for grant in self.grants)


OPERATOR = Actor(person_id=None, label="cli", is_operator=True)


async def load_actor(session: AsyncSession, person_id: int) -> Actor:
    """The person with `person_id` as an actor, with their current role grants."""
    grants = tuple(RoleGrant(g.role, g.scope_kind, g.scope_id) for g in await roles_of(session, person_id))
    return Actor(person_id=person_id, label=f"person:{person_id}", grants=grants)


@dataclass(frozen=True)
class Region:
    """A place in the hierarchy with its ancestors: a province, a county or a neighbourhood."""

    province_id: int
    county_id: int | None = None
    neighbourhood_id: int | None = None


async def region_of(session: AsyncSession, kind: ScopeKind, scope_id: int) -> Region:
    """Resolve a scope to its region (with the county and province above it); raises `UnknownScope`."""
    if kind == ScopeKind.NEIGHBOURHOOD:
        row = (
            await session.execute(
                select(County.province_id, Neighbourhood.county_id)
                .join(Neighbourhood, Neighbourhood.county_id == County.id)
                .where(Neighbourhood.id == scope_id)
            )
        ).first()
        if row is None:
            raise UnknownScope(kind, scope_id)
        return Region(province_id=row[0], county_id=row[1], neighbourhood_id=scope_id)
    if kind == ScopeKind.COUNTY:
        province_id = await session.scalar(select(County.province_id).where(County.id == scope_id))
        if province_id is None:
            raise UnknownScope(kind, scope_id)
        return Region(province_id=province_id, county_id=scope_id)
    if kind == ScopeKind.PROVINCE:
        if await session.get(Province, scope_id) is None:
            raise UnknownScope(kind, scope_id)
        return Region(province_id=scope_id)
    raise ValueError(f"a global scope is not a region: {kind}")


def _covers(grant: RoleGrant, region: Region) -> bool:
    if grant.scope_kind == ScopeKind.GLOBAL:
        return True
    if grant.scope_kind == ScopeKind.PROVINCE:
        return grant.scope_id == region.province_id
    if grant.scope_kind == ScopeKind.COUNTY:
        return grant.scope_id == region.county_id
    return grant.scope_id == region.neighbourhood_id


# Who may act where (an admin and the operator may always act).
OFFICIALS: frozenset[Role] = frozenset({Role.ADMIN, Role.PROVINCE_OFFICIAL, Role.COUNTY_OFFICIAL})
MANAGERS: frozenset[Role] = OFFICIALS | {Role.MANAGER}
COUNCIL_READERS: frozenset[Role] = MANAGERS | {Role.COUNCIL_MEMBER, Role.COMMITTEE_HEAD}
NEIGHBOURS: frozenset[Role] = COUNCIL_READERS | {Role.RESIDENT}

# Which roles may grant (and revoke) which: admins anything; province officials county officials,
# managers and liaisons in their province; county officials managers and liaisons in their county.
_GRANTERS: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset({Role.ADMIN}),
    Role.PROVINCE_OFFICIAL: frozenset({Role.ADMIN}),
    Role.COUNTY_OFFICIAL: frozenset({Role.ADMIN, Role.PROVINCE_OFFICIAL}),
    Role.MANAGER: OFFICIALS,
    Role.LIAISON: OFFICIALS,
}


def allows(actor: Actor, region: Region, roles: Collection[Role]) -> bool:
    """Whether one of the actor's grants of `roles` covers `region` (admins cover everything)."""
    if actor.is_admin:
        return True
    return any(grant.role in roles and _covers(grant, region) for grant in actor.grants)


def require_admin(actor: Actor, action: str) -> None:
    """Raise `PermissionDenied` unless the actor is an administrator or the operator."""
    if not actor.is_admin:
        raise PermissionDenied(action)


async def require(
    session: AsyncSession, actor: Actor, kind: ScopeKind, scope_id: int, roles: Collection[Role], action: str
) -> Region:
    """The region of the scope, if one of the actor's `roles` covers it; else `PermissionDenied`."""
    region = await region_of(session, kind, scope_id)
    if not allows(actor, region, roles):
        raise PermissionDenied(action, region)
    return region


async def require_province_official(
    session: AsyncSession, actor: Actor, province_id: int, action: str = "province"
) -> Region:
    """Admins and the province's officials."""
    return await require(session, actor, ScopeKind.PROVINCE, province_id, {Role.PROVINCE_OFFICIAL}, action)


async def require_county_official(
    session: AsyncSession, actor: Actor, county_id: int, action: str = "county"
) -> Region:
    """Admins, officials of the county's province and officials of the county."""
    return await require(session, actor, ScopeKind.COUNTY, county_id, OFFICIALS, action)


async def require_neighbourhood_manager(
    session: AsyncSession, actor: Actor, neighbourhood_id: int, action: str = "manage neighbourhood"
) -> Region:
    """Officials above the neighbourhood and its manager."""
    return await require(session, actor, ScopeKind.NEIGHBOURHOOD, neighbourhood_id, MANAGERS, action)


async def require_can_read_neighbourhood(
    session: AsyncSession, actor: Actor, neighbourhood_id: int, action: str = "read neighbourhood"
) -> Region:
    """Officials above the neighbourhood, its manager and its council members and committee heads."""
    return await require(session, actor, ScopeKind.NEIGHBOURHOOD, neighbourhood_id, COUNCIL_READERS, action)


async def require_can_see_council(
    session: AsyncSession, actor: Actor, neighbourhood_id: int, action: str = "see council"
) -> Region:
    """Everyone of the neighbourhood (residents included) and the officials above it."""
    return await require(session, actor, ScopeKind.NEIGHBOURHOOD, neighbourhood_id, NEIGHBOURS, action)


async def can_manage_neighbourhood(session: AsyncSession, actor: Actor, neighbourhood_id: int) -> bool:
    """Whether the actor is the neighbourhood's manager or an official above it."""
    region = await region_of(session, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)
    return allows(actor, region, MANAGERS)


def can_grant(actor: Actor, role: Role, region: Region | None) -> bool:
    """Whether the actor may grant or revoke `role` in `region` (None: the global scope)."""
    if actor.is_admin:
        return True
    granters = _GRANTERS.get(role, frozenset())
    return region is not None and allows(actor, region, granters - {Role.ADMIN})


def require_can_grant(actor: Actor, role: Role, region: Region | None, action: str) -> None:
    """Raise `PermissionDenied` unless the actor may grant or revoke `role` in `region`."""
    if not can_grant(actor, role, region):
        raise PermissionDenied(action, region)


def record_audit(
    session: AsyncSession,
    actor: Actor,
    *,
    action: str,
    target_type: str,
    target_id: int | None,
    details: dict[str, Any] | None = None,
    now: datetime,
) -> None:
    """Add an audit entry to the session (the caller's transaction commits it)."""
    session.add(
        AuditEntry(
            at=now,
            actor_person_id=actor.person_id,
            actor_label=None if actor.person_id is not None else actor.label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details or {},
        )
    )
