"""Who has not joined yet: people registered by phone (managers, council members, liaisons,
officials) who have never opened the bot, or have blocked it everywhere.

What is meant for them waits in the outbox (`services.notify`); the people above them need to
know who they are, to call them and pass on the bot's link. Shown to a manager for their
neighbourhood, to a county official for the county, to a province official for the province, and
listed in the weekly county digest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account, County, Neighbourhood, Person, Province, Role, RoleAssignment, ScopeKind
from models.plumbing import OutboxMessage, OutboxStatus
from services.authz import Actor, PermissionDenied

# Residents join through the bot, so they always have an account; administrators are operators.
_ROLES_THAT_WAIT = (
    Role.MANAGER,
    Role.COMMITTEE_HEAD,
    Role.COUNCIL_MEMBER,
    Role.LIAISON,
    Role.COUNTY_OFFICIAL,
    Role.PROVINCE_OFFICIAL,
)
# Higher roles first when a person holds several.
_RANK = {role: rank for rank, role in enumerate(_ROLES_THAT_WAIT)}


@dataclass(frozen=True)
class NotJoined:
    person_id: int
    name: str | None
    phone: str
    role: Role
    place: str
    waiting: int  # messages kept for them


def _reachable(person_id: Any) -> ColumnElement[bool]:
    return exists().where(Account.person_id == person_id, Account.blocked_at.is_(None))


def _scopes_seen_by(actor: Actor) -> ColumnElement[bool] | None:
    """The role assignments an actor may list: None when they may list none."""
    if actor.is_admin:
        return RoleAssignment.id.is_not(None)
    clauses: list[ColumnElement[bool]] = []
    for grant in actor.grants:
        if grant.role == Role.MANAGER:
            clauses.append(
                _scoped(
                    ScopeKind.NEIGHBOURHOOD,
                    select(Neighbourhood.id).where(Neighbourhood.id == grant.scope_id),
                )
            )
        elif grant.role == Role.COUNTY_OFFICIAL:
            clauses.append(_in_counties(select(County.id).where(County.id == grant.scope_id)))
        elif grant.role == Role.PROVINCE_OFFICIAL:
            clauses.append(_in_counties(select(County.id).where(County.province_id == grant.scope_id)))
            clauses.append(
                _scoped(ScopeKind.PROVINCE, select(Province.id).where(Province.id == grant.scope_id))
            )
    return or_(*clauses) if clauses else None


def _scoped(kind: ScopeKind, ids: Select[tuple[int]]) -> ColumnElement[bool]:
    return and_(RoleAssignment.scope_kind == kind, RoleAssignment.scope_id.in_(ids))


def _in_counties(counties: Select[tuple[int]]) -> ColumnElement[bool]:
    """Roles in these counties or in any of their neighbourhoods."""
    return or_(
        _scoped(ScopeKind.COUNTY, counties),
        _scoped(
            ScopeKind.NEIGHBOURHOOD, select(Neighbourhood.id).where(Neighbourhood.county_id.in_(counties))
        ),
    )


async def not_joined(session: AsyncSession, actor: Actor) -> list[NotJoined]:
    """People with a role in the actor's area who cannot be reached on any messenger now, each
    once with their highest role, and how many messages wait for them. Managers, county and
    province officials and administrators only (`PermissionDenied` otherwise)."""
    scope = _scopes_seen_by(actor)
    if scope is None:
        raise PermissionDenied("people.not_joined")
    rows = await session.execute(
        select(
            Person.id,
            Person.full_name,
            Person.phone,
            RoleAssignment.role,
            RoleAssignment.scope_kind,
            RoleAssignment.scope_id,
        )
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(scope, RoleAssignment.role.in_(_ROLES_THAT_WAIT), ~_reachable(Person.id))
        .order_by(Person.full_name, Person.id)
    )
    best: dict[int, tuple[str | None, str, Role, ScopeKind, int]] = {}
    for person_id, name, phone, role, kind, scope_id in rows.all():
        if person_id not in best or _RANK[role] < _RANK[best[person_id][2]]:
            best[person_id] = (name, phone, role, kind, scope_id)
    places = await _place_names(session, [(kind, scope_id) for *_, kind, scope_id in best.values()])
    waiting = await waiting_counts(session, best)
    return [
        NotJoined(person_id, name, phone, role, places.get((kind, scope_id), ""), waiting.get(person_id, 0))
        for person_id, (name, phone, role, kind, scope_id) in best.items()
    ]


async def not_joined_in_county(session: AsyncSession, county_id: int) -> list[NotJoined]:
    """`not_joined` as the county's officials see it (for the weekly county digest)."""
    from services.accounts import RoleGrant

    actor = Actor(
        person_id=None,
        label="county-digest",
        grants=(RoleGrant(Role.COUNTY_OFFICIAL, ScopeKind.COUNTY, county_id),),
    )
    return await not_joined(session, actor)


async def waiting_counts(session: AsyncSession, people: Iterable[int]) -> dict[int, int]:
    ids = list(people)
    if not ids:
        return {}
    rows = await session.execute(
        select(OutboxMessage.person_id, func.count())
        .where(OutboxMessage.person_id.in_(ids), OutboxMessage.status == OutboxStatus.WAITING)
        .group_by(OutboxMessage.person_id)
    )
    return {person_id: count for person_id, count in rows.all()}


async def _place_names(
    session: AsyncSession, scopes: Iterable[tuple[ScopeKind, int]]
) -> dict[tuple[ScopeKind, int], str]:
    wanted = set(scopes)
    names: dict[tuple[ScopeKind, int], str] = {}
    for kind, model in (
        (ScopeKind.NEIGHBOURHOOD, Neighbourhood),
        (ScopeKind.COUNTY, County),
        (ScopeKind.PROVINCE, Province),
    ):
        ids = [scope_id for k, scope_id in wanted if k == kind]
        if ids:
            for row_id, name in await session.execute(select(model.id, model.name).where(model.id.in_(ids))):
                names[(kind, row_id)] = name
    return names


async def names_of(session: AsyncSession, people: Iterable[int]) -> list[str]:
    """The people's names, in the order given ("—" for a person with none)."""
    ids = list(dict.fromkeys(people))
    if not ids:
        return []
    rows = await session.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids)))
    found: dict[int, str | None] = {row.id: row.full_name for row in rows}
    return [found.get(person_id) or "—" for person_id in ids]
