"""Appointing people by phone: administrators, province and county officials, neighbourhood
managers and agency liaisons.

A person unknown to the bot is created from the phone alone (pre-registration); when they first
share their contact on Telegram or Bale, `services.accounts.link_contact` finds them by that phone
and they land in the menu of their roles. Granting is idempotent: granting twice changes nothing
and writes no second audit entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import Agency, CommitteeKey, CommitteeMembership, CouncilMember, Liaison
from models.identity import (
    NAME_LENGTH,
    County,
    Neighbourhood,
    Person,
    Province,
    Role,
    RoleAssignment,
    ScopeKind,
)
from models.repositories import person_by_phone
from services.accounts import RoleGrant
from services.authz import Actor, Region, record_audit, region_of, require_can_grant
from services.errors import UnknownAgency
from services.identity_validation import normalize_mobile
from services.persian import fold_for_search, normalize_text
from services.uow import committing

__all__ = [
    "GRANTABLE_ROLES",
    "NAME_MAX_LENGTH",
    "SCOPE_OF_ROLE",
    "AgencyRequired",
    "AmbiguousScope",
    "InvalidName",
    "LiaisonChange",
    "RoleChange",
    "RoleError",
    "RoleTitle",
    "ScopeRef",
    "UngrantableRole",
    "UnknownAgency",
    "UnknownPerson",
    "UnknownScopeName",
    "WrongScope",
    "agency_by_key",
    "assign_liaison",
    "clean_name",
    "drop_liaison_role_if_unused",
    "ensure_person",
    "ensure_role",
    "grant_role",
    "remove_role",
    "resolve_scope",
    "revoke_role",
    "role_titles",
]

# The roles appointed by phone; council roles come from registering council members and the
# resident role from joining a neighbourhood.
GRANTABLE_ROLES: tuple[Role, ...] = (
    Role.ADMIN,
    Role.PROVINCE_OFFICIAL,
    Role.COUNTY_OFFICIAL,
    Role.MANAGER,
    Role.LIAISON,
)
SCOPE_OF_ROLE: dict[Role, ScopeKind] = {
    Role.ADMIN: ScopeKind.GLOBAL,
    Role.PROVINCE_OFFICIAL: ScopeKind.PROVINCE,
    Role.COUNTY_OFFICIAL: ScopeKind.COUNTY,
    Role.MANAGER: ScopeKind.NEIGHBOURHOOD,
    Role.LIAISON: ScopeKind.COUNTY,
}
# A person's name (a council member's included): at most what `Person.full_name` holds.
NAME_MAX_LENGTH = NAME_LENGTH


class RoleError(ValueError):
    """A role request that cannot be carried out as asked."""


class UngrantableRole(RoleError):
    """This role is not appointed by phone (council roles and residents come from elsewhere)."""

    def __init__(self, role: Role) -> None:
        super().__init__(f"{role.value} cannot be granted by phone")
        self.role = role


class WrongScope(RoleError):
    """The role needs another kind of scope (e.g. a manager needs a neighbourhood)."""

    def __init__(self, role: Role, expected: ScopeKind, given: ScopeKind) -> None:
        super().__init__(f"{role.value} needs a {expected.value} scope, not {given.value}")
        self.role, self.expected, self.given = role, expected, given


class AgencyRequired(RoleError):
    """A liaison is appointed for an executive agency; none was named."""


class InvalidName(RoleError):
    """An empty or overlong person name."""


class UnknownScopeName(LookupError):
    """No province, county or neighbourhood by that name or code."""

    def __init__(self, kind: ScopeKind, name: str) -> None:
        super().__init__(f"no {kind.value} named {name!r}")
        self.kind, self.name = kind, name


class AmbiguousScope(LookupError):
    """A county name found in several provinces; the province must be named too."""

    def __init__(self, kind: ScopeKind, name: str, candidates: tuple[str, ...]) -> None:
        super().__init__(f"{kind.value} {name!r} is ambiguous: {', '.join(candidates)}")
        self.kind, self.name, self.candidates = kind, name, candidates


class UnknownPerson(LookupError):
    """Nobody is registered with that phone (or id)."""

    def __init__(self, who: str | int) -> None:
        super().__init__(f"nobody is registered as {who}")
        self.who = who


@dataclass(frozen=True)
class ScopeRef:
    """A resolved scope: its kind, id (0 for global) and a readable label."""

    kind: ScopeKind
    id: int
    label: str


@dataclass(frozen=True)
class RoleChange:
    """The outcome of a grant or a revocation."""

    person_id: int
    phone: str
    role: Role
    scope: ScopeRef
    # False when the person already had (or already lacked) the role: nothing was written.
    changed: bool
    person_created: bool = False


def clean_name(text: str | None) -> str | None:
    """A person's name normalised for storage; None for no name; `InvalidName` if too long."""
    if text is None:
        return None
    name = normalize_text(text)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidName(text)
    return name or None


async def ensure_person(
    session: AsyncSession, phone: str, *, full_name: str | None, now: datetime
) -> tuple[Person, bool]:
    """The person with this mobile number, created if unknown (no commit); `(person, created)`.

    Raises `InvalidPhone`. An existing person's name is filled in only if they have none.
    """
    canonical = normalize_mobile(phone)
    name = clean_name(full_name)
    person = await person_by_phone(session, canonical)
    if person is None:
        person = Person(phone=canonical, full_name=name, created_at=now)
        session.add(person)
        await session.flush()
        return person, True
    if not person.full_name and name:
        person.full_name = name
    return person, False


async def ensure_role(
    session: AsyncSession, *, person_id: int, role: Role, scope_kind: ScopeKind, scope_id: int, now: datetime
) -> bool:
    """Give the person this role assignment unless they have it (no commit); whether it was added."""
    existing = await session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role == role,
            RoleAssignment.scope_kind == scope_kind,
            RoleAssignment.scope_id == scope_id,
        )
    )
    if existing is not None:
        return False
    session.add(
        RoleAssignment(
            person_id=person_id, role=role, scope_kind=scope_kind, scope_id=scope_id, created_at=now
        )
    )
    await session.flush()
    return True


async def remove_role(
    session: AsyncSession, *, person_id: int, role: Role, scope_kind: ScopeKind, scope_id: int
) -> bool:
    """Remove this role assignment if present (no commit); whether one was removed."""
    result = await session.execute(
        delete(RoleAssignment).where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role == role,
            RoleAssignment.scope_kind == scope_kind,
            RoleAssignment.scope_id == scope_id,
        )
    )
    return bool(getattr(result, "rowcount", 0))


async def agency_by_key(session: AsyncSession, key: str) -> Agency:
    """The executive agency with this key; raises `UnknownAgency`."""
    agency = await session.scalar(select(Agency).where(Agency.key == normalize_text(key).lower()))
    if agency is None:
        raise UnknownAgency(key, tuple(await session.scalars(select(Agency.key).order_by(Agency.id))))
    return agency


@dataclass(frozen=True)
class LiaisonChange:
    changed: bool
    # The person who was the agency's liaison in the county before, if someone else.
    replaced_person_id: int | None = None


async def assign_liaison(
    session: AsyncSession, *, person_id: int, county_id: int, agency_id: int, now: datetime
) -> LiaisonChange:
    """Make the person the agency's liaison in the county (no commit, no authorization check).

    One agency has one liaison per county: appointing another replaces them, and the replaced
    person keeps the liaison role only while they represent another agency there.
    """
    current = await session.scalar(
        select(Liaison).where(Liaison.agency_id == agency_id, Liaison.county_id == county_id)
    )
    role_added = await ensure_role(
        session,
        person_id=person_id,
        role=Role.LIAISON,
        scope_kind=ScopeKind.COUNTY,
        scope_id=county_id,
        now=now,
    )
    if current is not None and current.person_id == person_id:
        return LiaisonChange(changed=role_added)
    replaced: int | None = None
    if current is None:
        session.add(Liaison(agency_id=agency_id, county_id=county_id, person_id=person_id, created_at=now))
    else:
        replaced, current.person_id, current.created_at = current.person_id, person_id, now
    await session.flush()
    if replaced is not None:
        await drop_liaison_role_if_unused(session, replaced, county_id)
    return LiaisonChange(changed=True, replaced_person_id=replaced)


async def drop_liaison_role_if_unused(session: AsyncSession, person_id: int, county_id: int) -> bool:
    """Remove the person's liaison role in the county if they represent no agency there any more
    (no commit); whether it was removed."""
    still = await session.scalar(
        select(Liaison.id).where(Liaison.person_id == person_id, Liaison.county_id == county_id).limit(1)
    )
    if still is not None:
        return False
    return await remove_role(
        session, person_id=person_id, role=Role.LIAISON, scope_kind=ScopeKind.COUNTY, scope_id=county_id
    )


def _same(a: str, b: str) -> bool:
    return fold_for_search(a) == fold_for_search(b)


async def resolve_scope(
    session: AsyncSession, kind: ScopeKind, name_or_code: str | None, *, province_name: str | None = None
) -> ScopeRef:
    """Find a scope by what an operator types: a neighbourhood's code, a county's or a province's name.

    Names match regardless of ي/ك, ZWNJ or spaces. A county name found in several provinces raises
    `AmbiguousScope` unless `province_name` says which; an unknown one raises `UnknownScopeName`.
    """
    if kind == ScopeKind.GLOBAL:
        return ScopeRef(ScopeKind.GLOBAL, 0, "global")
    text = normalize_text(name_or_code or "")
    if not text:
        raise UnknownScopeName(kind, name_or_code or "")
    if kind == ScopeKind.NEIGHBOURHOOD:
        neighbourhood = await session.scalar(
            select(Neighbourhood).where(Neighbourhood.code == text.replace(" ", ""))
        )
        if neighbourhood is None:
            raise UnknownScopeName(kind, text)
        return ScopeRef(kind, neighbourhood.id, f"{neighbourhood.name} ({neighbourhood.code})")
    provinces = [p for p in await session.scalars(select(Province).order_by(Province.id))]
    if kind == ScopeKind.PROVINCE:
        found = [p for p in provinces if _same(p.name, text)]
        if not found:
            raise UnknownScopeName(kind, text)
        return ScopeRef(kind, found[0].id, found[0].name)
    province_names = {p.id: p.name for p in provinces}
    counties = [
        c
        for c in await session.scalars(select(County).order_by(County.id))
        if _same(c.name, text)
        and (province_name is None or _same(province_names[c.province_id], province_name))
    ]
    if not counties:
        raise UnknownScopeName(kind, text)
    if len(counties) > 1:
        raise AmbiguousScope(
            kind, text, tuple(f"{c.name} ({province_names[c.province_id]})" for c in counties)
        )
    county = counties[0]
    return ScopeRef(kind, county.id, f"{county.name} ({province_names[county.province_id]})")


async def _prepare(
    session: AsyncSession,
    actor: Actor,
    *,
    role: Role,
    scope_kind: ScopeKind,
    scope_name_or_code: str | None,
    province_name: str | None,
    action: str,
) -> tuple[ScopeRef, Region | None]:
    if role not in GRANTABLE_ROLES:
        raise UngrantableRole(role)
    if SCOPE_OF_ROLE[role] != scope_kind:
        raise WrongScope(role, SCOPE_OF_ROLE[role], scope_kind)
    scope = await resolve_scope(session, scope_kind, scope_name_or_code, province_name=province_name)
    region = None if scope.kind == ScopeKind.GLOBAL else await region_of(session, scope.kind, scope.id)
    require_can_grant(actor, role, region, action)
    return scope, region


async def grant_role(
    session: AsyncSession,
    *,
    actor: Actor,
    phone: str,
    role: Role,
    scope_kind: ScopeKind,
    scope_name_or_code: str | None,
    now: datetime,
    province_name: str | None = None,
    agency_key: str | None = None,
    full_name: str | None = None,
) -> RoleChange:
    """Give the person with `phone` a role in a scope, creating the person if unknown; commits.

    Scopes by role: admin global; province official a province (by name); county official and
    liaison a county (by name, `province_name` to tell apart same-named counties); manager a
    neighbourhood (by code). A liaison also needs `agency_key` (one agency has one liaison per
    county: appointing another replaces them). Who may grant: admins anything; province officials
    county officials, managers and liaisons in their province; county officials managers and
    liaisons in their county.

    Raises `PermissionDenied`, `InvalidPhone`, `InvalidName`, `UngrantableRole`, `WrongScope`,
    `UnknownScopeName`, `AmbiguousScope`, `AgencyRequired`, `UnknownAgency`; nothing is saved then.
    """
    async with committing(session):
        scope, _ = await _prepare(
            session,
            actor,
            role=role,
            scope_kind=scope_kind,
            scope_name_or_code=scope_name_or_code,
            province_name=province_name,
            action=f"grant {role.value}",
        )
        agency = None
        if role == Role.LIAISON:
            if not agency_key:
                raise AgencyRequired(role)
            agency = await agency_by_key(session, agency_key)
        person, created = await ensure_person(session, phone, full_name=full_name, now=now)
        details: dict[str, object] = {
            "role": role.value,
            "scope_kind": scope.kind.value,
            "scope_id": scope.id,
        }
        if agency is not None:
            outcome = await assign_liaison(
                session, person_id=person.id, county_id=scope.id, agency_id=agency.id, now=now
            )
            changed = outcome.changed
            details.update(agency=agency.key, replaced_person_id=outcome.replaced_person_id)
        else:
            changed = await ensure_role(
                session, person_id=person.id, role=role, scope_kind=scope.kind, scope_id=scope.id, now=now
            )
        if changed or created:
            details.update(person_created=created)
            record_audit(
                session,
                actor,
                action="role.grant",
                target_type="person",
                target_id=person.id,
                details=details,
                now=now,
            )
    return RoleChange(person.id, person.phone, role, scope, changed, person_created=created)


async def revoke_role(
    session: AsyncSession,
    *,
    actor: Actor,
    phone: str,
    role: Role,
    scope_kind: ScopeKind,
    scope_name_or_code: str | None,
    now: datetime,
    province_name: str | None = None,
    agency_key: str | None = None,
) -> RoleChange:
    """Take a role in a scope from the person with `phone`; commits. Same rules as `grant_role`.

    Revoking a role the person does not have is not an error (`changed` is False). For a liaison,
    `agency_key` limits the revocation to that agency; without it every agency they represent in
    the county is released. Raises `UnknownPerson` for a phone nobody has, and the errors of
    `grant_role`.
    """
    async with committing(session):
        scope, _ = await _prepare(
            session,
            actor,
            role=role,
            scope_kind=scope_kind,
            scope_name_or_code=scope_name_or_code,
            province_name=province_name,
            action=f"revoke {role.value}",
        )
        person = await person_by_phone(session, normalize_mobile(phone))
        if person is None:
            raise UnknownPerson(phone)
        details: dict[str, object] = {
            "role": role.value,
            "scope_kind": scope.kind.value,
            "scope_id": scope.id,
        }
        if role == Role.LIAISON:
            condition = [Liaison.person_id == person.id, Liaison.county_id == scope.id]
            if agency_key:
                agency = await agency_by_key(session, agency_key)
                condition.append(Liaison.agency_id == agency.id)
                details["agency"] = agency.key
            result = await session.execute(delete(Liaison).where(*condition))
            released = bool(getattr(result, "rowcount", 0))
            changed = await drop_liaison_role_if_unused(session, person.id, scope.id) or released
        else:
            changed = await remove_role(
                session, person_id=person.id, role=role, scope_kind=scope.kind, scope_id=scope.id
            )
        if changed:
            record_audit(
                session,
                actor,
                action="role.revoke",
                target_type="person",
                target_id=person.id,
                details=details,
                now=now,
            )
    return RoleChange(person.id, person.phone, role, scope, changed)


# ---- saying who someone is ----


@dataclass(frozen=True)
class RoleTitle:
    """One role as the person is told it: which committee, agency and place it is for
    («رئیس کمیتهٔ بهداشت و درمان — دولت‌آباد»)."""

    role: Role
    # The neighbourhood, county or province of the role; None for administrators.
    place: str | None
    # The committee a committee head heads (one title per committee).
    committee: CommitteeKey | None = None
    # The agency a liaison speaks for, in both languages (one title per agency).
    agency_fa: str | None = None
    agency_en: str | None = None


async def role_titles(session: AsyncSession, person_id: int, grants: Sequence[RoleGrant]) -> list[RoleTitle]:
    """The person's roles with their committee, agency and place, in the order of `grants`."""
    names: dict[tuple[ScopeKind, int], str] = {}
    for kind, model in (
        (ScopeKind.NEIGHBOURHOOD, Neighbourhood),
        (ScopeKind.COUNTY, County),
        (ScopeKind.PROVINCE, Province),
    ):
        ids = {g.scope_id for g in grants if g.scope_kind == kind}
        if ids:
            rows = await session.execute(select(model.id, model.name).where(model.id.in_(ids)))
            names.update(((kind, row_id), name) for row_id, name in rows.tuples())
    headed: list[tuple[int, CommitteeKey]] = []
    if any(g.role == Role.COMMITTEE_HEAD for g in grants):
        headed = list(
            (
                await session.execute(
                    select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
                    .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
                    .where(
                        CouncilMember.person_id == person_id,
                        CouncilMember.active.is_(True),
                        CommitteeMembership.is_head.is_(True),
                    )
                    .order_by(CommitteeMembership.id)
                )
            ).tuples()
        )
    agencies: list[tuple[int, str, str]] = []
    if any(g.role == Role.LIAISON for g in grants):
        agencies = list(
            (
                await session.execute(
                    select(Liaison.county_id, Agency.name_fa, Agency.name_en)
                    .join(Agency, Agency.id == Liaison.agency_id)
                    .where(Liaison.person_id == person_id)
                    .order_by(Liaison.id)
                )
            ).tuples()
        )
    titles: list[RoleTitle] = []
    for grant in grants:
        place = names.get((grant.scope_kind, grant.scope_id))
        if grant.role == Role.COMMITTEE_HEAD:
            committees = [c for n, c in headed if n == grant.scope_id]
            titles.extend(RoleTitle(grant.role, place, committee=c) for c in committees)
            if committees:
                continue
        if grant.role == Role.LIAISON:
            spoken_for = [(fa, en) for county, fa, en in agencies if county == grant.scope_id]
            titles.extend(RoleTitle(grant.role, place, agency_fa=fa, agency_en=en) for fa, en in spoken_for)
            if spoken_for:
                continue
        titles.append(RoleTitle(grant.role, place))
    return titles
