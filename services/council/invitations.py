"""Invitations to the council: single use, expiring, carried by a `/start i_<token>` deep link;
creating one and accepting it (which seats the person as the invitation says)."""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CouncilPosition, Invitation
from models.identity import Person
from services.authz import Actor, record_audit, require_neighbourhood_manager
from services.council.errors import CouncilError
from services.council.members import (
    CommitteeSeat,
    MemberView,
    _check_free,
    _position,
    _seat_member,
    _seats,
    _view,
)
from services.roles import UnknownPerson
from services.uow import committing

__all__ = [
    "INVITATION_DEFAULT_VALIDITY",
    "INVITATION_MAX_VALIDITY",
    "InvalidInvitation",
    "InvitationError",
    "InvitationExpired",
    "InvitationNotFound",
    "InvitationUsed",
    "accept_invitation",
    "create_invitation",
]


INVITATION_DEFAULT_VALIDITY = timedelta(days=7)
INVITATION_MAX_VALIDITY = timedelta(days=30)


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
