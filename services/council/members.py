"""Council members and their committee seats: registering, reading, editing, deactivating and
listing them, keeping each person's council_member / committee_head roles in step.

Every operation checks the actor's role and scope (`services.authz`), validates all input before
writing, audits what it changed and commits; on any error nothing is saved.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CommitteeMembership, CouncilMember, CouncilPosition
from models.identity import Person, Role, ScopeKind
from services.authz import (
    Actor,
    can_manage_neighbourhood,
    record_audit,
    require_can_see_council,
    require_neighbourhood_manager,
)
from services.council.errors import (
    AlreadyMember,
    CouncilError,
    HeadSeatTaken,
    PositionTaken,
    UnknownCommittee,
)
from services.errors import UnknownMember
from services.identity_validation import normalize_mobile, normalize_national_code
from services.roles import InvalidName, clean_name, ensure_person, ensure_role, remove_role
from services.uow import committing

__all__ = [
    "KEEP",
    "CommitteeSeat",
    "MemberInactive",
    "MemberView",
    "deactivate_member",
    "edit_member",
    "get_member",
    "list_members",
    "register_member",
]


# Only one person holds each of these positions in a council at a time.
_SINGLE_POSITIONS = frozenset({CouncilPosition.CHAIR, CouncilPosition.SECRETARY})


class _Keep(enum.Enum):
    KEEP = "keep"


#: "Leave this field as it is" for `edit_member` (None means "clear it" where that is allowed).
KEEP: Final = _Keep.KEEP


class MemberInactive(CouncilError):
    """The member was deactivated; register them again instead of editing."""


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


def _required_name(text: str) -> str:
    """A member's name as stored (`services.roles.clean_name`); a member must have one."""
    name = clean_name(text)
    if name is None:
        raise InvalidName(text)
    return name


def _national_code(text: str | None) -> str | None:
    """The national code as stored; None when none is given (it is optional)."""
    return normalize_national_code(text) if text and text.strip() else None


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
        name = _required_name(full_name)
        normalize_mobile(phone)
        code = _national_code(national_code)
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
        new_name = None if isinstance(full_name, _Keep) else _required_name(full_name)
        new_code = member.national_code if isinstance(national_code, _Keep) else _national_code(national_code)
        new_position = member.position if isinstance(position, _Keep) else _position(position)
        seats = _edited_seats(current, committees, head_of)
        changes: dict[str, Any] = {}
        old_person_id = member.person_id
        if not isinstance(phone, _Keep) and await _move_to_phone(session, member, phone, new_name, now):
            changes["person_id"] = [old_person_id, member.person_id]
        await _check_free(
            session, member.neighbourhood_id, position=new_position, seats=seats, member_id=member.id
        )
        changes.update(await _edit_details(session, member, new_name, new_position, new_code))
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


def _edited_seats(
    current: list[CommitteeMembership],
    committees: Collection[CommitteeKey | str] | _Keep,
    head_of: CommitteeKey | str | _Keep | None,
) -> list[CommitteeSeat]:
    """The seats an edit asks for; with `head_of` kept, the member keeps heading their committee
    only if still on it."""
    keys = [row.committee for row in current] if isinstance(committees, _Keep) else list(committees)
    head: CommitteeKey | str | None
    if isinstance(head_of, _Keep):
        current_head = next((row.committee for row in current if row.is_head), None)
        head = current_head if current_head in {_committee(k) for k in keys} else None
    else:
        head = head_of
    return _seats(keys, head)


async def _move_to_phone(
    session: AsyncSession, member: CouncilMember, phone: str, new_name: str | None, now: datetime
) -> bool:
    """Move the seat to the person with `phone` (created if unknown) unless it is the member's
    own; whether it moved. Raises `InvalidPhone`, `AlreadyMember`."""
    old_person = await session.get(Person, member.person_id)
    assert old_person is not None
    if normalize_mobile(phone) == old_person.phone:
        return False
    # A corrected number is the same human: a person created for it keeps their name.
    person, _ = await ensure_person(session, phone, full_name=new_name or old_person.full_name, now=now)
    other = await _member_of(session, member.neighbourhood_id, person.id)
    if other is not None:
        raise AlreadyMember(other.id)
    member.person_id = person.id
    return True


async def _edit_details(
    session: AsyncSession,
    member: CouncilMember,
    new_name: str | None,
    new_position: CouncilPosition,
    new_code: str | None,
) -> dict[str, Any]:
    """Store the member's new name, position and national code; what changed, for the audit."""
    changes: dict[str, Any] = {}
    if new_name is not None:
        person = await session.get(Person, member.person_id)
        assert person is not None
        if person.full_name != new_name:
            changes["full_name"] = True
            person.full_name = new_name
    if new_position != member.position:
        changes["position"] = [member.position.value, new_position.value]
        member.position = new_position
    if new_code != member.national_code:
        changes["national_code"] = True
        member.national_code = new_code
    return changes


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
