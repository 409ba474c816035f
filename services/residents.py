"""Residents joining their neighbourhood (deep link `/start n_<code>` or search)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Neighbourhood, Role, RoleAssignment, ScopeKind
from services.persian import normalize_digits
from services.uow import committing

NEIGHBOURHOOD_LINK_PREFIX = "n_"
INVITATION_LINK_PREFIX = "i_"


class UnknownNeighbourhood(LookupError):
    """No neighbourhood has that code."""


@dataclass(frozen=True)
class JoinResult:
    neighbourhood_id: int
    neighbourhood_name: str
    already_member: bool


def neighbourhood_code_from_payload(payload: str | None) -> str | None:
    """The code in a `/start n_<code>` payload, or None for any other payload."""
    if payload and payload.startswith(NEIGHBOURHOOD_LINK_PREFIX):
        return normalize_digits(payload[len(NEIGHBOURHOOD_LINK_PREFIX) :]).strip() or None
    return None


def invitation_token_from_payload(payload: str | None) -> str | None:
    """The token in a `/start i_<token>` payload, or None for any other payload."""
    if payload and payload.startswith(INVITATION_LINK_PREFIX):
        return payload[len(INVITATION_LINK_PREFIX) :].strip() or None
    return None


async def join_neighbourhood(
    session: AsyncSession, *, person_id: int, code: str, now: datetime
) -> JoinResult:
    """Make the person a resident of the neighbourhood with `code`; commits.

    A person is a resident of one neighbourhood: joining another moves them (their other roles,
    such as manager or council member, are untouched). Raises `UnknownNeighbourhood`.
    """
    neighbourhood = await session.scalar(select(Neighbourhood).where(Neighbourhood.code == code))
    if neighbourhood is None:
        raise UnknownNeighbourhood(code)
    current = await session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.person_id == person_id, RoleAssignment.role == Role.RESIDENT
        )
    )
    if current is not None and current.scope_id == neighbourhood.id:
        return JoinResult(neighbourhood.id, neighbourhood.name, already_member=True)
    # Only a move writes: an unknown code or joining again leaves the transaction as it was.
    async with committing(session):
        await session.execute(
            delete(RoleAssignment).where(
                RoleAssignment.person_id == person_id, RoleAssignment.role == Role.RESIDENT
            )
        )
        session.add(
            RoleAssignment(
                person_id=person_id,
                role=Role.RESIDENT,
                scope_kind=ScopeKind.NEIGHBOURHOOD,
                scope_id=neighbourhood.id,
                created_at=now,
            )
        )
    return JoinResult(neighbourhood.id, neighbourhood.name, already_member=False)
