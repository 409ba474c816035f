"""The neighbourhood progress council: members and their committee seats, invitations, executive
agencies and their liaisons, and the neighbourhood profile (شناسنامه محله).

Every operation checks the actor's role and scope (`services.authz`), validates all input before
writing, audits what it changed and commits; on any error nothing is saved.
"""

from __future__ import annotations

import enum
import math
import re
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final, TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import (
    STANDING_COMMITTEES,
    Agency,
    CommitteeKey,
    CommitteeMembership,
    CouncilMember,
    CouncilPosition,
    Invitation,
    Liaison,
    NeighbourhoodProfile,
)
from models.identity import County, Neighbourhood, NeighbourhoodKind, Person, Province, Role, ScopeKind
from services.authz import (
    OFFICIALS,
    Actor,
    PermissionDenied,
    can_manage_neighbourhood,
    committing,
    record_audit,
    require,
    require_can_see_council,
    require_county_official,
    require_neighbourhood_manager,
    require_province_official,
)
from services.identity_validation import normalize_mobile, normalize_national_code
from services.persian import normalize_digits
from services.roles import (
    InvalidName,
    UnknownPerson,
    agency_by_key,
    assign_liaison,
    clean_name,
    ensure_person,
    ensure_role,
    remove_role,
)

__all__ = [
    "FACILITY_KEYS",
    "INVITATION_MAX_VALIDITY",
    "KEEP",
    "PROGRAMME_KEYS",
    "AgencyLiaison",
    "AgencyView",
    "AlreadyMember",
    "CommitteeSeat",
    "CommitteeStaffing",
    "CouncilError",
    "CountyLiaisons",
    "CountyRef",
    "CountyStaffing",
    "HeadSeatTaken",
    "InvalidInvitation",
    "InvalidProfile",
    "InvitationError",
    "InvitationExpired",
    "InvitationNotFound",
    "InvitationUsed",
    "LiaisonView",
    "MemberInactive",
    "MemberView",
    "NeighbourhoodStaffing",
    "OverseenRegions",
    "PositionTaken",
    "ProfileChanges",
    "ProfileView",
    "ProvinceRef",
    "ProvinceStaffing",
    "UnknownCommittee",
    "UnknownMember",
    "accept_invitation",
    "committee_staffing",
    "county_liaisons",
    "county_staffing_report",
    "create_invitation",
    "deactivate_member",
    "edit_member",
    "get_member",
    "get_profile",
    "list_agencies",
    "list_liaisons",
    "list_members",
    "overseen_regions",
    "province_staffing_report",
    "register_member",
    "set_liaison",
    "update_profile",
]

# National programmes a neighbourhood may run (DESIGN.md §1); their names live in the locales:
# tarh_2020 طرح ۲۰۲۰ محله کم‌برخوردار، karamat محله کرامت، eslami محله اسلامی،
# salam_behzisti سلام بهزیستی، tan_mehrab تن محراب.
PROGRAMME_KEYS: tuple[str, ...] = ("tarh_2020", "karamat", "eslami", "salam_behzisti", "tan_mehrab")
FACILITY_KEYS: tuple[str, ...] = ("schools", "health_centres", "mosques", "parks")
# Only one person holds each of these positions in a council at a time.
_SINGLE_POSITIONS = frozenset({CouncilPosition.CHAIR, CouncilPosition.SECRETARY})
INVITATION_DEFAULT_VALIDITY = timedelta(days=7)
INVITATION_MAX_VALIDITY = timedelta(days=30)
_MAX_COUNT = 10_000_000
_MAX_AREA_HECTARES = 1_000_000.0
MAX_PROBLEMS_LENGTH = 4000
_TEHRAN = ZoneInfo("Asia/Tehran")


class _Keep(enum.Enum):
    KEEP = "keep"


#: "Leave this field as it is" for `edit_member` (None means "clear it" where that is allowed).
KEEP: Final = _Keep.KEEP


# ---- errors ----


class CouncilError(ValueError):
    """A council request that cannot be carried out as asked."""


class HeadSeatTaken(CouncilError):
    """The committee already has a head in this neighbourhood."""

    def __init__(self, committee: CommitteeKey, holder_name: str | None) -> None:
        super().__init__(f"the {committee.value} committee already has a head ({holder_name})")
        self.committee, self.holder_name = committee, holder_name


class PositionTaken(CouncilError):
    """The council already has a chair (or secretary)."""

    def __init__(self, position: CouncilPosition, holder_name: str | None) -> None:
        super().__init__(f"the council already has a {position.value} ({holder_name})")
        self.position, self.holder_name = position, holder_name


class AlreadyMember(CouncilError):
    """The person is already an active member of this council."""

    def __init__(self, member_id: int) -> None:
        super().__init__(f"already a member (member {member_id})")
        self.member_id = member_id


class MemberInactive(CouncilError):
    """The member was deactivated; register them again instead of editing."""


class UnknownCommittee(CouncilError):
    """Not one of the committee keys."""


class UnknownMember(LookupError):
    """No council member with that id."""


class InvalidInvitation(CouncilError):
    """An invitation's validity period must be positive and at most `INVITATION_MAX_VALIDITY`."""


class InvitationError(ValueError):
    """An invitation token that cannot be accepted."""


class InvitationNotFound(InvitationError):
    """No invitation has that token."""


class InvitationExpired(InvitationError):
    """The invitation's time ran out."""


class InvitationUsed(InvitationError):
    """The invitation was already accepted (invitations are single use)."""


class InvalidProfile(CouncilError):
    """A neighbourhood profile field with a bad value; `reason` says what is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


# ---- views ----


@dataclass(frozen=True)
class CommitteeSeat:
    committee: CommitteeKey
    is_head: bool


@dataclass(frozen=True)
class MemberView:
    """A council member as the actor may see them: `phone` and `national_code` are None unless
    the actor is the neighbourhood's manager or an official above it (or the member themself)."""

    id: int
    neighbourhood_id: int
    person_id: int
    full_name: str | None
    phone: str | None
    national_code: str | None
    position: CouncilPosition
    committees: tuple[CommitteeSeat, ...]
    active: bool

    @property
    def heads(self) -> tuple[CommitteeKey, ...]:
        return tuple(seat.committee for seat in self.committees if seat.is_head)


@dataclass(frozen=True)
class CommitteeStaffing:
    committee: CommitteeKey
    head_member_id: int | None
    head_name: str | None
    members: int

    @property
    def has_head(self) -> bool:
        return self.head_member_id is not None


@dataclass(frozen=True)
class AgencyView:
    id: int
    key: str
    name_fa: str
    name_en: str


@dataclass(frozen=True)
class LiaisonView:
    agency: AgencyView
    county_id: int
    person_id: int
    full_name: str | None
    phone: str


@dataclass(frozen=True)
class ProvinceRef:
    id: int
    name: str


@dataclass(frozen=True)
class CountyRef:
    id: int
    name: str
    province_id: int
    province_name: str


@dataclass(frozen=True)
class OverseenRegions:
    """What an official oversees: `provinces` covered whole (province officials, admins) and every
    county covered, those of `provinces` included; both sorted by name."""

    provinces: tuple[ProvinceRef, ...]
    counties: tuple[CountyRef, ...]


@dataclass(frozen=True)
class AgencyLiaison:
    agency: AgencyView
    liaison: LiaisonView | None


@dataclass(frozen=True)
class CountyLiaisons:
    """Every executive agency with its liaison in the county (None where none is named yet)."""

    county: CountyRef
    agencies: tuple[AgencyLiaison, ...]


@dataclass(frozen=True)
class NeighbourhoodStaffing:
    """How far a neighbourhood's council is set up: active members, the six standing committees
    (head and members each) and whether its profile has been written."""

    neighbourhood_id: int
    name: str
    code: str
    members: int
    committees: tuple[CommitteeStaffing, ...]
    profile_written: bool

    @property
    def council_formed(self) -> bool:
        return self.members > 0

    @property
    def committees_headed(self) -> int:
        return sum(1 for c in self.committees if c.has_head)


@dataclass(frozen=True)
class CountyStaffing:
    county: CountyRef
    neighbourhoods: tuple[NeighbourhoodStaffing, ...]

    @property
    def councils_formed(self) -> int:
        return sum(1 for n in self.neighbourhoods if n.council_formed)

    @property
    def committees_headed(self) -> int:
        return sum(n.committees_headed for n in self.neighbourhoods)

    @property
    def committee_seats(self) -> int:
        """Standing committees in the county (six per neighbourhood): the most that can have a head."""
        return len(STANDING_COMMITTEES) * len(self.neighbourhoods)

    @property
    def profiles_written(self) -> int:
        return sum(1 for n in self.neighbourhoods if n.profile_written)


@dataclass(frozen=True)
class ProvinceStaffing:
    province: ProvinceRef
    counties: tuple[CountyStaffing, ...]


@dataclass(frozen=True)
class ProfileView:
    neighbourhood_id: int
    neighbourhood_name: str
    kind: NeighbourhoodKind
    population: int | None
    households: int | None
    area_hectares: float | None
    facilities: dict[str, int]
    main_problems: str | None
    programmes: tuple[str, ...]
    council_formed_on: date | None
    updated_at: datetime | None


class ProfileChanges(TypedDict, total=False):
    """Fields of `update_profile`; a field left out is unchanged, None clears it. Numbers may be
    given as text with Persian or Latin digits."""

    population: int | str | None
    households: int | str | None
    area_hectares: float | int | str | None
    facilities: Mapping[str, int | str | None]
    main_problems: str | None
    programmes: Collection[str]
    council_formed_on: date | None


# ---- members ----


def _committee(value: CommitteeKey | str) -> CommitteeKey:
    try:
        return CommitteeKey(value)
    except ValueError:
        raise UnknownCommittee(value) from None


def _seats(
    committees: Iterable[CommitteeKey | str], head_of: CommitteeKey | str | None
) -> list[CommitteeSeat]:
    """Committee seats, in the order given, without repeats; heading a committee implies a seat on it."""
    keys = list(dict.fromkeys(_committee(c) for c in committees))
    head = _committee(head_of) if head_of is not None else None
    if head is not None and head not in keys:
        keys.append(head)
    return [CommitteeSeat(key, key == head) for key in keys]


def _position(value: CouncilPosition | str) -> CouncilPosition:
    try:
        return CouncilPosition(value)
    except ValueError:
        raise CouncilError(f"unknown position {value!r}") from None


async def _memberships(
    session: AsyncSession, member_ids: Collection[int]
) -> dict[int, list[CommitteeMembership]]:
    by_member: dict[int, list[CommitteeMembership]] = {member_id: [] for member_id in member_ids}
    if member_ids:
        for seat in await session.scalars(
            select(CommitteeMembership)
            .where(CommitteeMembership.council_member_id.in_(member_ids))
            .order_by(CommitteeMembership.id)
        ):
            by_member[seat.council_member_id].append(seat)
    return by_member


async def _view(session: AsyncSession, member: CouncilMember, *, private: bool) -> MemberView:
    person = await session.get(Person, member.person_id)
    assert person is not None
    seats = (await _memberships(session, [member.id]))[member.id]
    return _make_view(member, person, seats, private=private)


def _make_view(
    member: CouncilMember, person: Person, seats: list[CommitteeMembership], *, private: bool
) -> MemberView:
    return MemberView(
        id=member.id,
        neighbourhood_id=member.neighbourhood_id,
        person_id=person.id,
        full_name=person.full_name,
        phone=person.phone if private else None,
        national_code=member.national_code if private else None,
        position=member.position,
        committees=tuple(CommitteeSeat(s.committee, s.is_head) for s in seats),
        active=member.active,
    )


async def _check_free(
    session: AsyncSession,
    neighbourhood_id: int,
    *,
    position: CouncilPosition,
    seats: list[CommitteeSeat],
    member_id: int | None,
) -> None:
    """Raise `PositionTaken` / `HeadSeatTaken` if another active member holds what is asked for."""
    if position in _SINGLE_POSITIONS:
        holder = (
            await session.execute(
                select(CouncilMember.id, Person.full_name)
                .join(Person, Person.id == CouncilMember.person_id)
                .where(
                    CouncilMember.neighbourhood_id == neighbourhood_id,
                    CouncilMember.position == position,
                    CouncilMember.active.is_(True),
                )
            )
        ).first()
        if holder is not None and holder[0] != member_id:
            raise PositionTaken(position, holder[1])
    for seat in seats:
        if not seat.is_head:
            continue
        head = (
            await session.execute(
                select(CouncilMember.id, Person.full_name)
                .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
                .join(Person, Person.id == CouncilMember.person_id)
                .where(
                    CommitteeMembership.neighbourhood_id == neighbourhood_id,
                    CommitteeMembership.committee == seat.committee,
                    CommitteeMembership.is_head.is_(True),
                )
            )
        ).first()
        if head is not None and head[0] != member_id:
            raise HeadSeatTaken(seat.committee, head[1])


async def _replace_seats(session: AsyncSession, member: CouncilMember, seats: list[CommitteeSeat]) -> None:
    existing = (await _memberships(session, [member.id]))[member.id]
    wanted = {seat.committee: seat.is_head for seat in seats}
    # Give up head seats first, so a swap within one flush never trips the one-head index.
    for row in existing:
        if row.committee not in wanted:
            await session.delete(row)
        elif row.is_head and not wanted[row.committee]:
            row.is_head = False
    await session.flush()
    present = {row.committee: row for row in existing if row.committee in wanted}
    for committee, is_head in wanted.items():
        if committee in present:
            present[committee].is_head = is_head
        else:
            session.add(
                CommitteeMembership(
                    council_member_id=member.id,
                    neighbourhood_id=member.neighbourhood_id,
                    committee=committee,
                    is_head=is_head,
                )
            )
    await session.flush()


async def _sync_roles(session: AsyncSession, member: CouncilMember, *, heads: bool, now: datetime) -> None:
    """Keep the person's council_member / committee_head role assignments in step with the seat."""
    for role, wanted in (
        (Role.COUNCIL_MEMBER, member.active),
        (Role.COMMITTEE_HEAD, member.active and heads),
    ):
        await _set_role(session, member.person_id, member.neighbourhood_id, role, wanted, now)


async def _set_role(
    session: AsyncSession, person_id: int, neighbourhood_id: int, role: Role, wanted: bool, now: datetime
) -> None:
    if wanted:
        await ensure_role(
            session,
            person_id=person_id,
            role=role,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=neighbourhood_id,
            now=now,
        )
    else:
        await remove_role(
            session,
            person_id=person_id,
            role=role,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=neighbourhood_id,
        )


async def _member_of(session: AsyncSession, neighbourhood_id: int, person_id: int) -> CouncilMember | None:
    return await session.scalar(
        select(CouncilMember).where(
            CouncilMember.neighbourhood_id == neighbourhood_id, CouncilMember.person_id == person_id
        )
    )


async def _seat_member(
    session: AsyncSession,
    *,
    neighbourhood_id: int,
    person: Person,
    position: CouncilPosition,
    seats: list[CommitteeSeat],
    national_code: str | None,
    now: datetime,
) -> CouncilMember:
    """Create (or reactivate) the person's membership with these seats (no commit)."""
    member = await _member_of(session, neighbourhood_id, person.id)
    if member is not None and member.active:
        raise AlreadyMember(member.id)
    await _check_free(
        session, neighbourhood_id, position=position, seats=seats, member_id=member.id if member else None
    )
    if member is None:
        member = CouncilMember(
            neighbourhood_id=neighbourhood_id,
            person_id=person.id,
            position=position,
            national_code=national_code,
            active=True,
            created_at=now,
        )
        session.add(member)
        await session.flush()
    else:
        member.position, member.active, member.deactivated_at = position, True, None
        member.national_code = national_code or member.national_code
    await _replace_seats(session, member, seats)
    await _sync_roles(session, member, heads=any(s.is_head for s in seats), now=now)
    return member


async def register_member(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    full_name: str,
    phone: str,
    now: datetime,
    position: CouncilPosition | str = CouncilPosition.MEMBER,
    committees: Collection[CommitteeKey | str] = (),
    head_of: CommitteeKey | str | None = None,
    national_code: str | None = None,
) -> MemberView:
    """Register a council member (the neighbourhood's manager or an official above it); commits.

    The person is found by phone or created (and linked when they first share their contact).
    `head_of` names the committee they head (a seat on it is implied). Raises `PermissionDenied`,
    `InvalidName`, `InvalidPhone`, `InvalidNationalCode`, `UnknownCommittee`, `CouncilError`
    (bad position), `AlreadyMember`, `PositionTaken`, `HeadSeatTaken`; nothing is saved then.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "register council member")
        name = clean_name(full_name)
        if name is None:
            raise InvalidName(full_name)
        normalize_mobile(phone)
        code = normalize_national_code(national_code) if national_code and national_code.strip() else None
        seats = _seats(committees, head_of)
        chosen = _position(position)
        person, created = await ensure_person(session, phone, full_name=name, now=now)
        member = await _seat_member(
            session,
            neighbourhood_id=neighbourhood_id,
            person=person,
            position=chosen,
            seats=seats,
            national_code=code,
            now=now,
        )
        record_audit(
            session,
            actor,
            action="council.register_member",
            target_type="council_member",
            target_id=member.id,
            details={
                "neighbourhood_id": neighbourhood_id,
                "person_id": person.id,
                "person_created": created,
                "position": chosen.value,
                "committees": [s.committee.value for s in seats],
                "heads": [s.committee.value for s in seats if s.is_head],
            },
            now=now,
        )
        view = await _view(session, member, private=True)
    return view


async def _load_member(session: AsyncSession, member_id: int) -> CouncilMember:
    member = await session.get(CouncilMember, member_id)
    if member is None:
        raise UnknownMember(member_id)
    return member


async def get_member(session: AsyncSession, *, actor: Actor, member_id: int) -> MemberView:
    """One council member with phone and national code, for the neighbourhood's manager and the
    officials above it (what an edit form starts from). Raises `UnknownMember`, `PermissionDenied`."""
    member = await _load_member(session, member_id)
    await require_neighbourhood_manager(session, actor, member.neighbourhood_id, "read council member")
    return await _view(session, member, private=True)


async def edit_member(
    session: AsyncSession,
    *,
    actor: Actor,
    member_id: int,
    now: datetime,
    full_name: str | _Keep = KEEP,
    phone: str | _Keep = KEEP,
    position: CouncilPosition | str | _Keep = KEEP,
    committees: Collection[CommitteeKey | str] | _Keep = KEEP,
    head_of: CommitteeKey | str | _Keep | None = KEEP,
    national_code: str | _Keep | None = KEEP,
) -> MemberView:
    """Change an active member's details (manager or an official above); commits.

    Fields left as `KEEP` are unchanged. A new `phone` moves the seat to the person with that phone
    (a typo fixed). With new `committees` and `head_of` kept, the member keeps heading their
    committee only if still on it. Raises `UnknownMember`, `MemberInactive` and the errors of
    `register_member`; nothing is saved then.
    """
    async with committing(session):
        member = await _load_member(session, member_id)
        await require_neighbourhood_manager(session, actor, member.neighbourhood_id, "edit council member")
        if not member.active:
            raise MemberInactive(member_id)
        current = (await _memberships(session, [member.id]))[member.id]
        changes: dict[str, Any] = {}

        new_name = None
        if not isinstance(full_name, _Keep):
            new_name = clean_name(full_name)
            if new_name is None:
                raise InvalidName(full_name)
        new_code = member.national_code
        if not isinstance(national_code, _Keep):
            new_code = (
                normalize_national_code(national_code) if national_code and national_code.strip() else None
            )
        new_position = member.position if isinstance(position, _Keep) else _position(position)
        current_head = next((row.committee for row in current if row.is_head), None)
        keys = [row.committee for row in current] if isinstance(committees, _Keep) else list(committees)
        head: CommitteeKey | str | None
        if isinstance(head_of, _Keep):
            head = current_head if current_head in {_committee(k) for k in keys} else None
        else:
            head = head_of
        seats = _seats(keys, head)

        old_person_id = member.person_id
        old_person = await session.get(Person, old_person_id)
        assert old_person is not None
        if not isinstance(phone, _Keep) and normalize_mobile(phone) != old_person.phone:
            # A corrected number is the same human: a person created for it keeps their name.
            person, _ = await ensure_person(
                session, phone, full_name=new_name or old_person.full_name, now=now
            )
            other = await _member_of(session, member.neighbourhood_id, person.id)
            if other is not None:
                raise AlreadyMember(other.id)
            member.person_id = person.id
            changes["person_id"] = [old_person_id, person.id]

        await _check_free(
            session, member.neighbourhood_id, position=new_position, seats=seats, member_id=member.id
        )
        if new_name is not None:
            person_row = await session.get(Person, member.person_id)
            assert person_row is not None
            if person_row.full_name != new_name:
                changes["full_name"] = True
                person_row.full_name = new_name
        if new_position != member.position:
            changes["position"] = [member.position.value, new_position.value]
            member.position = new_position
        if new_code != member.national_code:
            changes["national_code"] = True
            member.national_code = new_code
        before = [(row.committee.value, row.is_head) for row in current]
        after = [(seat.committee.value, seat.is_head) for seat in seats]
        if sorted(before) != sorted(after):
            changes["committees"] = [[c for c, _ in after], [c for c, h in after if h]]
        await _replace_seats(session, member, seats)
        await session.flush()
        if old_person_id != member.person_id:
            for role in (Role.COUNCIL_MEMBER, Role.COMMITTEE_HEAD):
                await _set_role(session, old_person_id, member.neighbourhood_id, role, False, now)
        await _sync_roles(session, member, heads=any(s.is_head for s in seats), now=now)
        if changes:
            record_audit(
                session,
                actor,
                action="council.edit_member",
                target_type="council_member",
                target_id=member.id,
                details=changes,
                now=now,
            )
        view = await _view(session, member, private=True)
    return view


async def deactivate_member(
    session: AsyncSession, *, actor: Actor, member_id: int, now: datetime
) -> MemberView:
    """Take a member off the council (manager or an official above); commits.

    Their head seats are freed at once (another member can be made head); their committee seats
    are kept for the record but no longer count. Deactivating twice changes nothing.
    """
    async with committing(session):
        member = await _load_member(session, member_id)
        await require_neighbourhood_manager(
            session, actor, member.neighbourhood_id, "deactivate council member"
        )
        if member.active:
            member.active, member.deactivated_at = False, now
            for seat in (await _memberships(session, [member.id]))[member.id]:
                seat.is_head = False
            await session.flush()
            await _sync_roles(session, member, heads=False, now=now)
            record_audit(
                session,
                actor,
                action="council.deactivate_member",
                target_type="council_member",
                target_id=member.id,
                details={"neighbourhood_id": member.neighbourhood_id, "person_id": member.person_id},
                now=now,
            )
        view = await _view(session, member, private=True)
    return view


async def list_members(
    session: AsyncSession, *, actor: Actor, neighbourhood_id: int, include_inactive: bool = False
) -> list[MemberView]:
    """The council of a neighbourhood, chair and secretary first.

    Anyone of the neighbourhood (residents, members, the manager) and the officials above it may
    look; phones and national codes are included only for the manager and officials. Raises
    `PermissionDenied`.
    """
    await require_can_see_council(session, actor, neighbourhood_id, "list council members")
    private = await can_manage_neighbourhood(session, actor, neighbourhood_id)
    query = (
        select(CouncilMember, Person)
        .join(Person, Person.id == CouncilMember.person_id)
        .where(CouncilMember.neighbourhood_id == neighbourhood_id)
        .order_by(CouncilMember.id)
    )
    if not include_inactive:
        query = query.where(CouncilMember.active.is_(True))
    rows = list((await session.execute(query)).tuples())
    seats = await _memberships(session, [member.id for member, _ in rows])
    order = {CouncilPosition.CHAIR: 0, CouncilPosition.SECRETARY: 1, CouncilPosition.MEMBER: 2}
    views = [
        _make_view(member, person, seats[member.id], private=private or person.id == actor.person_id)
        for member, person in rows
    ]
    return sorted(views, key=lambda v: (not v.active, order[v.position], v.id))


async def committee_staffing(
    session: AsyncSession, actor: Actor, neighbourhood_id: int
) -> list[CommitteeStaffing]:
    """For each of the six standing committees: its head (or None) and its number of active members.

    For the neighbourhood's manager and the officials above it; raises `PermissionDenied`.
    """
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "committee staffing")
    rows = (
        await session.execute(
            select(
                CommitteeMembership.committee, CommitteeMembership.is_head, CouncilMember.id, Person.full_name
            )
            .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
            .join(Person, Person.id == CouncilMember.person_id)
            .where(CommitteeMembership.neighbourhood_id == neighbourhood_id, CouncilMember.active.is_(True))
        )
    ).tuples()
    counts: dict[CommitteeKey, int] = dict.fromkeys(STANDING_COMMITTEES, 0)
    heads: dict[CommitteeKey, tuple[int, str | None]] = {}
    for committee, is_head, member_id, name in rows:
        if committee in counts:
            counts[committee] += 1
            if is_head:
                heads[committee] = (member_id, name)
    return [
        CommitteeStaffing(
            committee=committee,
            head_member_id=heads[committee][0] if committee in heads else None,
            head_name=heads[committee][1] if committee in heads else None,
            members=counts[committee],
        )
        for committee in STANDING_COMMITTEES
    ]


# ---- what officials oversee: regions and staffing reports ----


async def _county_refs(session: AsyncSession, *conditions: Any) -> list[CountyRef]:
    rows = await session.execute(
        select(County.id, County.name, Province.id, Province.name)
        .join(Province, Province.id == County.province_id)
        .where(*conditions)
    )
    refs = [CountyRef(cid, name, pid, pname) for cid, name, pid, pname in rows.tuples()]
    # Sorted here rather than by the database, whose collation differs between backends.
    return sorted(refs, key=lambda c: (c.province_name, c.name, c.id))


async def overseen_regions(session: AsyncSession, *, actor: Actor) -> OverseenRegions:
    """The provinces and counties whose staffing reports and liaisons the actor may see.

    An admin oversees everything, a province official their province with all its counties, a
    county official their county. Raises `PermissionDenied` for anyone who oversees nothing.
    """
    official = [grant for grant in actor.grants if grant.role in OFFICIALS]
    everything = actor.is_admin or any(grant.scope_kind == ScopeKind.GLOBAL for grant in official)
    province_ids = {g.scope_id for g in official if g.scope_kind == ScopeKind.PROVINCE}
    county_ids = {g.scope_id for g in official if g.scope_kind == ScopeKind.COUNTY}
    if not (everything or province_ids or county_ids):
        raise PermissionDenied("see overseen regions")
    province_query = select(Province.id, Province.name)
    county_conditions: list[Any] = []
    if not everything:
        province_query = province_query.where(Province.id.in_(province_ids))
        county_conditions.append(County.province_id.in_(province_ids) | County.id.in_(county_ids))
    provinces = sorted(
        (ProvinceRef(pid, name) for pid, name in (await session.execute(province_query)).tuples()),
        key=lambda p: (p.name, p.id),
    )
    return OverseenRegions(tuple(provinces), tuple(await _county_refs(session, *county_conditions)))


def _profile_written(profile: NeighbourhoodProfile) -> bool:
    """A profile counts as written once any of its fields holds something."""
    return any(
        value not in (None, "", [], {})
        for value in (
            profile.population,
            profile.households,
            profile.area_hectares,
            profile.facilities,
            profile.main_problems,
            profile.programmes,
            profile.council_formed_on,
        )
    )


async def _staffing(session: AsyncSession, counties: list[CountyRef]) -> list[CountyStaffing]:
    """The staffing of every neighbourhood of `counties`, in five queries whatever their number."""
    county_ids = [county.id for county in counties]
    in_scope = select(Neighbourhood.id).where(Neighbourhood.county_id.in_(county_ids))
    neighbourhoods = (
        await session.execute(
            select(Neighbourhood.id, Neighbourhood.name, Neighbourhood.code, Neighbourhood.county_id).where(
                Neighbourhood.county_id.in_(county_ids)
            )
        )
    ).tuples()
    members: dict[int, int] = {
        nid: count
        for nid, count in (
            await session.execute(
                select(CouncilMember.neighbourhood_id, func.count())
                .where(CouncilMember.active.is_(True), CouncilMember.neighbourhood_id.in_(in_scope))
                .group_by(CouncilMember.neighbourhood_id)
            )
        ).tuples()
    }
    seats: dict[tuple[int, CommitteeKey], int] = {
        (nid, committee): count
        for nid, committee, count in (
            await session.execute(
                select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee, func.count())
                .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
                .where(CouncilMember.active.is_(True), CommitteeMembership.neighbourhood_id.in_(in_scope))
                .group_by(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
            )
        ).tuples()
    }
    heads: dict[tuple[int, CommitteeKey], tuple[int, str | None]] = {
        (nid, committee): (member_id, name)
        for nid, committee, member_id, name in (
            await session.execute(
                select(
                    CommitteeMembership.neighbourhood_id,
                    CommitteeMembership.committee,
                    CouncilMember.id,
                    Person.full_name,
                )
                .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
                .join(Person, Person.id == CouncilMember.person_id)
                .where(
                    CommitteeMembership.is_head.is_(True),
                    CouncilMember.active.is_(True),
                    CommitteeMembership.neighbourhood_id.in_(in_scope),
                )
            )
        ).tuples()
    }
    written = {
        profile.neighbourhood_id
        for profile in await session.scalars(
            select(NeighbourhoodProfile).where(NeighbourhoodProfile.neighbourhood_id.in_(in_scope))
        )
        if _profile_written(profile)
    }
    by_county: dict[int, list[NeighbourhoodStaffing]] = {county_id: [] for county_id in county_ids}
    for nid, name, code, county_id in neighbourhoods:
        committees = tuple(
            CommitteeStaffing(
                committee=committee,
                head_member_id=heads[nid, committee][0] if (nid, committee) in heads else None,
                head_name=heads[nid, committee][1] if (nid, committee) in heads else None,
                members=seats.get((nid, committee), 0),
            )
            for committee in STANDING_COMMITTEES
        )
        by_county[county_id].append(
            NeighbourhoodStaffing(nid, name, code, members.get(nid, 0), committees, nid in written)
        )
    return [
        CountyStaffing(
            county, tuple(sorted(by_county[county.id], key=lambda n: (n.code, n.neighbourhood_id)))
        )
        for county in counties
    ]


async def county_staffing_report(session: AsyncSession, *, actor: Actor, county_id: int) -> CountyStaffing:
    """For each neighbourhood of the county: is its council formed (has active members), which of
    the six standing committees have a head and how many members, is its profile written.

    For the county's officials and those above it; raises `PermissionDenied` (or `UnknownScope`).
    """
    await require_county_official(session, actor, county_id, "county staffing report")
    return (await _staffing(session, await _county_refs(session, County.id == county_id)))[0]


async def province_staffing_report(
    session: AsyncSession, *, actor: Actor, province_id: int
) -> ProvinceStaffing:
    """`county_staffing_report` for every county of the province, in one go (the same few queries).

    For the province's officials and admins; raises `PermissionDenied` (or `UnknownScope`).
    """
    await require_province_official(session, actor, province_id, "province staffing report")
    province = await session.get(Province, province_id)
    assert province is not None
    counties = await _county_refs(session, County.province_id == province_id)
    return ProvinceStaffing(
        ProvinceRef(province.id, province.name), tuple(await _staffing(session, counties))
    )


# ---- invitations ----


async def create_invitation(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    now: datetime,
    position: CouncilPosition | str = CouncilPosition.MEMBER,
    committees: Collection[CommitteeKey | str] = (),
    head_of: CommitteeKey | str | None = None,
    valid_for: timedelta = INVITATION_DEFAULT_VALIDITY,
) -> str:
    """Create a single-use, expiring invitation to the council; commits; returns its token.

    The token (for `/start i_<token>`) comes from `secrets` and fits a deep link. For the
    neighbourhood's manager and the officials above it. Raises `PermissionDenied`,
    `InvalidInvitation`, `UnknownCommittee`, `PositionTaken`, `HeadSeatTaken`.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "create invitation")
        if not timedelta(0) < valid_for <= INVITATION_MAX_VALIDITY:
            raise InvalidInvitation(valid_for)
        chosen = _position(position)
        seats = _seats(committees, head_of)
        await _check_free(session, neighbourhood_id, position=chosen, seats=seats, member_id=None)
        invitation = Invitation(
            token=secrets.token_urlsafe(18),
            neighbourhood_id=neighbourhood_id,
            position=chosen,
            committees=[{"committee": s.committee.value, "is_head": s.is_head} for s in seats],
            created_by_person_id=actor.person_id,
            created_at=now,
            expires_at=now + valid_for,
        )
        session.add(invitation)
        await session.flush()
        record_audit(
            session,
            actor,
            action="council.create_invitation",
            target_type="invitation",
            target_id=invitation.id,
            # Never the token: the audit log is readable by more people than the invitee.
            details={
                "neighbourhood_id": neighbourhood_id,
                "position": chosen.value,
                "committees": invitation.committees,
            },
            now=now,
        )
        token = invitation.token
    return token


async def accept_invitation(session: AsyncSession, token: str, person_id: int, now: datetime) -> MemberView:
    """The person accepts an invitation and joins the council as it says; commits.

    Raises `InvitationNotFound`, `InvitationUsed`, `InvitationExpired`, `UnknownPerson`,
    `AlreadyMember`, `PositionTaken`, `HeadSeatTaken`; nothing is saved then (the invitation stays
    usable unless it was used or expired).
    """
    async with committing(session):
        invitation = await session.scalar(select(Invitation).where(Invitation.token == token.strip()))
        if invitation is None:
            raise InvitationNotFound(token)
        if invitation.used_at is not None:
            raise InvitationUsed(token)
        if now >= invitation.expires_at:
            raise InvitationExpired(token)
        person = await session.get(Person, person_id)
        if person is None:
            raise UnknownPerson(person_id)
        seats = [
            CommitteeSeat(CommitteeKey(s["committee"]), bool(s.get("is_head"))) for s in invitation.committees
        ]
        member = await _seat_member(
            session,
            neighbourhood_id=invitation.neighbourhood_id,
            person=person,
            position=invitation.position,
            seats=seats,
            national_code=None,
            now=now,
        )
        invitation.used_at, invitation.used_by_person_id = now, person.id
        record_audit(
            session,
            Actor(person_id=person.id, label=f"person:{person.id}"),
            action="council.accept_invitation",
            target_type="invitation",
            target_id=invitation.id,
            details={"council_member_id": member.id, "neighbourhood_id": invitation.neighbourhood_id},
            now=now,
        )
        view = await _view(session, member, private=True)
    return view


# ---- agencies and liaisons ----


def _agency_view(agency: Agency) -> AgencyView:
    return AgencyView(id=agency.id, key=agency.key, name_fa=agency.name_fa, name_en=agency.name_en)


async def list_agencies(session: AsyncSession) -> list[AgencyView]:
    """The executive agencies that name liaisons, in their seeded order."""
    return [_agency_view(a) for a in await session.scalars(select(Agency).order_by(Agency.id))]


async def set_liaison(
    session: AsyncSession,
    *,
    actor: Actor,
    county_id: int,
    agency_key: str,
    phone: str,
    now: datetime,
    full_name: str | None = None,
) -> LiaisonView:
    """Make the person with `phone` the agency's liaison in the county (created if unknown); commits.

    For the county's officials and those above; one liaison per agency and county, so this
    replaces the previous one. Raises `PermissionDenied`, `UnknownAgency`, `InvalidPhone`,
    `InvalidName`.
    """
    async with committing(session):
        await require_county_official(session, actor, county_id, "set liaison")
        agency = await agency_by_key(session, agency_key)
        person, created = await ensure_person(session, phone, full_name=full_name, now=now)
        outcome = await assign_liaison(
            session, person_id=person.id, county_id=county_id, agency_id=agency.id, now=now
        )
        if outcome.changed or created:
            record_audit(
                session,
                actor,
                action="liaison.set",
                target_type="county",
                target_id=county_id,
                details={
                    "agency": agency.key,
                    "person_id": person.id,
                    "person_created": created,
                    "replaced_person_id": outcome.replaced_person_id,
                },
                now=now,
            )
        view = LiaisonView(_agency_view(agency), county_id, person.id, person.full_name, person.phone)
    return view


async def list_liaisons(session: AsyncSession, *, actor: Actor, county_id: int) -> list[LiaisonView]:
    """The county's liaisons, by agency; for the county's officials and those above."""
    await require_county_official(session, actor, county_id, "list liaisons")
    return await _liaisons_of(session, county_id)


async def _liaisons_of(session: AsyncSession, county_id: int) -> list[LiaisonView]:
    rows = await session.execute(
        select(Liaison, Agency, Person)
        .join(Agency, Agency.id == Liaison.agency_id)
        .join(Person, Person.id == Liaison.person_id)
        .where(Liaison.county_id == county_id)
        .order_by(Agency.id)
    )
    return [
        LiaisonView(_agency_view(agency), county_id, person.id, person.full_name, person.phone)
        for _, agency, person in rows.tuples()
    ]


async def county_liaisons(session: AsyncSession, *, actor: Actor, county_id: int) -> CountyLiaisons:
    """Every executive agency, in its seeded order, with its liaison in the county (None where
    none is named yet); for the county's officials and those above. Raises `PermissionDenied`."""
    await require_county_official(session, actor, county_id, "list liaisons")
    county = (await _county_refs(session, County.id == county_id))[0]
    named = {view.agency.id: view for view in await _liaisons_of(session, county_id)}
    return CountyLiaisons(
        county, tuple(AgencyLiaison(agency, named.get(agency.id)) for agency in await list_agencies(session))
    )


# ---- the neighbourhood profile ----


def _count(field: str, value: object, limit: int = _MAX_COUNT) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidProfile(field, "not_a_number")
    if isinstance(value, str):
        text = normalize_digits(value).strip().replace(",", "").replace("٬", "")
        # isdigit() would accept "²"; and a huge string must not reach int().
        if len(text) > 32 or not re.fullmatch(r"-?[0-9]+", text):
            raise InvalidProfile(field, "not_a_number")
        value = int(text)
    if not isinstance(value, int):
        raise InvalidProfile(field, "not_a_number")
    if value < 0:
        raise InvalidProfile(field, "negative")
    if value > limit:
        raise InvalidProfile(field, "too_large")
    return value


def _area(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise InvalidProfile("area_hectares", "not_a_number")
    if isinstance(value, str):
        try:
            value = float(normalize_digits(value).strip().replace("٫", ".").replace("/", "."))
        except ValueError:
            raise InvalidProfile("area_hectares", "not_a_number") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidProfile("area_hectares", "not_a_number")
    if value < 0:
        raise InvalidProfile("area_hectares", "negative")
    if value > _MAX_AREA_HECTARES:
        raise InvalidProfile("area_hectares", "too_large")
    return float(value)


def _profile_view(neighbourhood: Neighbourhood, profile: NeighbourhoodProfile | None) -> ProfileView:
    return ProfileView(
        neighbourhood_id=neighbourhood.id,
        neighbourhood_name=neighbourhood.name,
        kind=neighbourhood.kind,
        population=profile.population if profile else None,
        households=profile.households if profile else None,
        area_hectares=profile.area_hectares if profile else None,
        facilities=dict(profile.facilities) if profile else {},
        main_problems=profile.main_problems if profile else None,
        programmes=tuple(profile.programmes) if profile else (),
        council_formed_on=profile.council_formed_on if profile else None,
        updated_at=profile.updated_at if profile else None,
    )


async def get_profile(session: AsyncSession, *, actor: Actor, neighbourhood_id: int) -> ProfileView:
    """The neighbourhood's profile (empty fields if never written); for its manager and officials."""
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "read profile")
    neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
    assert neighbourhood is not None
    return _profile_view(neighbourhood, await session.get(NeighbourhoodProfile, neighbourhood_id))


async def update_profile(
    session: AsyncSession,
    *,
    actor: Actor,
    neighbourhood_id: int,
    changes: Mapping[str, object],
    now: datetime,
) -> ProfileView:
    """Change fields of the neighbourhood's profile (see `ProfileChanges`); commits.

    For the neighbourhood's manager (and administrators): officials read the profile, the
    manager keeps it. Counts are non-negative integers,
    facilities are among `FACILITY_KEYS`, programmes among `PROGRAMME_KEYS`, households never
    exceed the population, the council's formation date is not in the future. Raises
    `PermissionDenied` or `InvalidProfile` (with the field and the reason); nothing is saved then.
    """
    async with committing(session):
        await require(
            session, actor, ScopeKind.NEIGHBOURHOOD, neighbourhood_id, (Role.MANAGER,), "update profile"
        )
        neighbourhood = await session.get(Neighbourhood, neighbourhood_id)
        assert neighbourhood is not None
        unknown = set(changes) - set(ProfileChanges.__annotations__)
        if unknown:
            raise InvalidProfile(sorted(unknown)[0], "unknown_field")
        profile = await session.get(NeighbourhoodProfile, neighbourhood_id)
        values: dict[str, Any] = {}
        if "population" in changes:
            values["population"] = _count("population", changes["population"])
        if "households" in changes:
            values["households"] = _count("households", changes["households"])
        if "area_hectares" in changes:
            values["area_hectares"] = _area(changes["area_hectares"])
        if "facilities" in changes:
            given = changes["facilities"]
            if not isinstance(given, Mapping):
                raise InvalidProfile("facilities", "not_a_mapping")
            facilities = dict(profile.facilities) if profile else {}
            for key, count in given.items():
                if key not in FACILITY_KEYS:
                    raise InvalidProfile("facilities", "unknown_key")
                number = _count("facilities", count, limit=100_000)
                if number is None:
                    facilities.pop(key, None)
                else:
                    facilities[key] = number
            values["facilities"] = facilities
        if "main_problems" in changes:
            text = changes["main_problems"]
            if text is not None and not isinstance(text, str):
                raise InvalidProfile("main_problems", "not_text")
            text = text.strip() if text else None
            if text and len(text) > MAX_PROBLEMS_LENGTH:
                raise InvalidProfile("main_problems", "too_long")
            values["main_problems"] = text or None
        if "programmes" in changes:
            given_programmes = changes["programmes"]
            if isinstance(given_programmes, str) or not isinstance(given_programmes, Collection):
                raise InvalidProfile("programmes", "not_a_list")
            if any(key not in PROGRAMME_KEYS for key in given_programmes):
                raise InvalidProfile("programmes", "unknown_key")
            values["programmes"] = [key for key in PROGRAMME_KEYS if key in given_programmes]
        if "council_formed_on" in changes:
            formed = changes["council_formed_on"]
            if formed is not None and (not isinstance(formed, date) or isinstance(formed, datetime)):
                raise InvalidProfile("council_formed_on", "not_a_date")
            if formed is not None and formed > now.astimezone(_TEHRAN).date():
                raise InvalidProfile("council_formed_on", "in_future")
            values["council_formed_on"] = formed
        population = values.get("population", profile.population if profile else None)
        households = values.get("households", profile.households if profile else None)
        if population is not None and households is not None and households > population:
            raise InvalidProfile("households", "exceeds_population")

        blank = _profile_view(neighbourhood, None)
        changed = [
            field
            for field, value in values.items()
            if (getattr(profile or blank, field) or None) != (value or None)
        ]
        if changed:
            if profile is None:
                profile = NeighbourhoodProfile(
                    neighbourhood_id=neighbourhood_id, facilities={}, programmes=[]
                )
                session.add(profile)
            for field in changed:
                setattr(profile, field, values[field])
            profile.updated_at, profile.updated_by_person_id = now, actor.person_id
            record_audit(
                session,
                actor,
                action="profile.update",
                target_type="neighbourhood",
                target_id=neighbourhood_id,
                details={"fields": changed},
                now=now,
            )
        view = _profile_view(neighbourhood, profile)
    return view
