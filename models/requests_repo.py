"""Queries for residents' requests (`services.requests`): loading requests, their followers and
history, who sits where to handle them, the inboxes and counts handlers see, the candidates for a
duplicate or a repeated emergency, tracking look-ups, routing corrections and SLA marks.

Nothing here commits; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CommitteeMembership, CouncilMember
from models.identity import County, Neighbourhood, Person, Role, RoleAssignment, ScopeKind
from models.inserts import insert_unless_present
from models.requests import (
    OPEN_STATUSES,
    CitizenRequest,
    CommitteeSla,
    CrisisPeriod,
    RequestEvent,
    RequestFollower,
    RequestStatus,
    RoutingCorrection,
    SlaReminder,
    TrackingAttempt,
)

# ---- requests, followers and history ----


async def request_by_id(
    session: AsyncSession, request_id: int, *, for_update: bool = False
) -> CitizenRequest | None:
    query = select(CitizenRequest).where(CitizenRequest.id == request_id)
    if for_update:
        query = query.with_for_update()
    return await session.scalar(query)


async def request_by_code(session: AsyncSession, code: str) -> CitizenRequest | None:
    return await session.scalar(select(CitizenRequest).where(CitizenRequest.code == code))


async def code_taken(session: AsyncSession, code: str) -> bool:
    return await session.scalar(select(CitizenRequest.id).where(CitizenRequest.code == code)) is not None


async def followers(session: AsyncSession, request_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(RequestFollower.person_id).where(RequestFollower.request_id == request_id)
        )
    )


async def history(session: AsyncSession, request_id: int) -> list[tuple[RequestEvent, str | None]]:
    """The request's events in order, each with the name of who took the step (if anyone)."""
    rows = await session.execute(
        select(RequestEvent, Person.full_name)
        .outerjoin(Person, Person.id == RequestEvent.actor_person_id)
        .where(RequestEvent.request_id == request_id)
        .order_by(RequestEvent.at, RequestEvent.id)
    )
    return list(rows.tuples())


async def count_events(session: AsyncSession, request_id: int, kind: str) -> int:
    return int(
        await session.scalar(
            select(func.count(RequestEvent.id)).where(
                RequestEvent.request_id == request_id, RequestEvent.kind == kind
            )
        )
        or 0
    )


async def events_of_kinds(session: AsyncSession, kinds: Iterable[str]) -> list[tuple[int, str]]:
    """(request id, kind) of every event of these kinds, oldest first."""
    events = await session.execute(
        select(RequestEvent.request_id, RequestEvent.kind)
        .where(RequestEvent.kind.in_(tuple(kinds)))
        .order_by(RequestEvent.at, RequestEvent.id)
    )
    return list(events.tuples())


async def neighbourhood_name(session: AsyncSession, neighbourhood_id: int) -> str | None:
    return await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == neighbourhood_id))


async def full_names(session: AsyncSession, person_ids: Collection[int]) -> list[str | None]:
    """The names of these people, in the order of their ids."""
    return list(
        await session.scalars(select(Person.full_name).where(Person.id.in_(person_ids)).order_by(Person.id))
    )


# ---- who sits where ----


async def has_open_crisis(session: AsyncSession, neighbourhood_id: int) -> bool:
    return (
        await session.scalar(
            select(CrisisPeriod.id).where(
                CrisisPeriod.neighbourhood_id == neighbourhood_id, CrisisPeriod.ended_at.is_(None)
            )
        )
    ) is not None


async def resident_scope(session: AsyncSession, person_id: int) -> int | None:
    """The scope of the person's resident role: the neighbourhood they joined, if any."""
    scope: int | None = await session.scalar(
        select(RoleAssignment.scope_id).where(
            RoleAssignment.person_id == person_id, RoleAssignment.role == Role.RESIDENT
        )
    )
    return scope


async def people_with_role(session: AsyncSession, role: Role, kind: ScopeKind, scope_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(RoleAssignment.person_id)
            .where(
                RoleAssignment.role == role,
                RoleAssignment.scope_kind == kind,
                RoleAssignment.scope_id == scope_id,
            )
            .order_by(RoleAssignment.person_id)
        )
    )


async def county_of(session: AsyncSession, neighbourhood_id: int) -> int | None:
    return await session.scalar(select(Neighbourhood.county_id).where(Neighbourhood.id == neighbourhood_id))


async def province_of(session: AsyncSession, neighbourhood_id: int) -> int | None:
    return await session.scalar(
        select(County.province_id)
        .join(Neighbourhood, Neighbourhood.county_id == County.id)
        .where(Neighbourhood.id == neighbourhood_id)
    )


async def committee_heads(session: AsyncSession, neighbourhood_id: int, committee: CommitteeKey) -> list[int]:
    return list(
        await session.scalars(
            select(CouncilMember.person_id)
            .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
            .where(
                CommitteeMembership.neighbourhood_id == neighbourhood_id,
                CommitteeMembership.committee == committee,
                CommitteeMembership.is_head.is_(True),
                CouncilMember.active.is_(True),
            )
        )
    )


async def is_committee_member(
    session: AsyncSession, person_id: int, neighbourhood_id: int, committee: CommitteeKey
) -> bool:
    """Whether the person is an active member of this committee of this neighbourhood."""
    member = await session.scalar(
        select(CouncilMember.id)
        .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
        .where(
            CouncilMember.person_id == person_id,
            CouncilMember.active.is_(True),
            CommitteeMembership.neighbourhood_id == neighbourhood_id,
            CommitteeMembership.committee == committee,
        )
    )
    return member is not None


async def committee_seats(session: AsyncSession, person_id: int) -> list[tuple[int, CommitteeKey]]:
    """(neighbourhood, committee) of each active committee seat of the person."""
    seats = await session.execute(
        select(CommitteeMembership.neighbourhood_id, CommitteeMembership.committee)
        .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
        .where(CouncilMember.person_id == person_id, CouncilMember.active.is_(True))
    )
    return list(seats.tuples())


# ---- what residents and handlers see ----


async def requests_since(session: AsyncSession, person_id: int, since: datetime) -> int:
    """How many requests (emergencies aside) the person filed since `since`."""
    return int(
        await session.scalar(
            select(func.count(CitizenRequest.id)).where(
                CitizenRequest.person_id == person_id,
                CitizenRequest.created_at >= since,
                CitizenRequest.is_emergency.is_(False),
            )
        )
        or 0
    )


async def open_requests_like(
    session: AsyncSession,
    *,
    neighbourhood_id: int,
    committee: CommitteeKey,
    since: datetime,
    person_id: int | None,
    limit: int = 200,
) -> list[CitizenRequest]:
    """The open requests of a neighbourhood and committee filed since `since`, newest first: the
    candidates for a duplicate (never someone else's anonymous request)."""
    return list(
        await session.scalars(
            select(CitizenRequest)
            .where(
                CitizenRequest.neighbourhood_id == neighbourhood_id,
                CitizenRequest.committee == committee,
                CitizenRequest.status.in_(OPEN_STATUSES),
                CitizenRequest.created_at >= since,
                or_(CitizenRequest.anonymous.is_(False), CitizenRequest.person_id == person_id),
            )
            .order_by(CitizenRequest.created_at.desc())
            .limit(limit)
        )
    )


async def open_emergencies_since(
    session: AsyncSession, neighbourhood_id: int, since: datetime
) -> list[CitizenRequest]:
    """The neighbourhood's open emergencies filed since `since`, oldest first."""
    return list(
        await session.scalars(
            select(CitizenRequest)
            .where(
                CitizenRequest.neighbourhood_id == neighbourhood_id,
                CitizenRequest.is_emergency.is_(True),
                CitizenRequest.status.in_(OPEN_STATUSES),
                CitizenRequest.created_at >= since,
            )
            .order_by(CitizenRequest.created_at, CitizenRequest.id)
        )
    )


async def own_and_followed(session: AsyncSession, person_id: int, limit: int) -> list[CitizenRequest]:
    """The person's own and followed requests, newest first."""
    followed = select(RequestFollower.request_id).where(RequestFollower.person_id == person_id)
    return list(
        await session.scalars(
            select(CitizenRequest)
            .where(or_(CitizenRequest.person_id == person_id, CitizenRequest.id.in_(followed)))
            .order_by(CitizenRequest.created_at.desc(), CitizenRequest.id.desc())
            .limit(limit)
        )
    )


async def open_requests_of(
    session: AsyncSession,
    *,
    seats: Sequence[tuple[int, CommitteeKey]],
    managed: Sequence[int],
    limit: int,
) -> list[CitizenRequest]:
    """Open requests of these (neighbourhood, committee) seats and of every managed neighbourhood,
    urgent first, then oldest first."""
    conditions: list[ColumnElement[bool]] = [
        and_(CitizenRequest.neighbourhood_id == n, CitizenRequest.committee == c) for n, c in seats
    ]
    if managed:
        conditions.append(CitizenRequest.neighbourhood_id.in_(managed))
    if not conditions:
        return []
    return list(
        await session.scalars(
            select(CitizenRequest)
            .where(CitizenRequest.status.in_(OPEN_STATUSES), or_(*conditions))
            .order_by(CitizenRequest.urgent.desc(), CitizenRequest.created_at, CitizenRequest.id)
            .limit(limit)
        )
    )


async def count_in_statuses(
    session: AsyncSession, *, person_id: int, managed: Sequence[int], statuses: Collection[RequestStatus]
) -> int:
    """How many requests in these statuses belong to the person's committee seats or to the
    neighbourhoods they manage. One query, on indexes: the two sets united, a request counted once."""
    of_seats = (
        select(CitizenRequest.id)
        .join(CommitteeMembership, CommitteeMembership.neighbourhood_id == CitizenRequest.neighbourhood_id)
        .join(CouncilMember, CouncilMember.id == CommitteeMembership.council_member_id)
        .where(
            CouncilMember.person_id == person_id,
            CouncilMember.active.is_(True),
            CommitteeMembership.committee == CitizenRequest.committee,
            CitizenRequest.status.in_(statuses),
        )
    )
    ids = (
        union(
            of_seats,
            select(CitizenRequest.id).where(
                CitizenRequest.neighbourhood_id.in_(managed), CitizenRequest.status.in_(statuses)
            ),
        )
        if managed
        else of_seats
    )
    return int(await session.scalar(select(func.count()).select_from(ids.subquery())) or 0)


# ---- tracking look-ups ----


async def forget_tracking_attempts_before(session: AsyncSession, moment: datetime) -> None:
    await session.execute(delete(TrackingAttempt).where(TrackingAttempt.at < moment))


async def tracking_attempts_since(session: AsyncSession, asker: str, since: datetime) -> list[datetime]:
    """When the asker looked up codes since `since`, oldest first."""
    return list(
        await session.scalars(
            select(TrackingAttempt.at)
            .where(TrackingAttempt.asker == asker, TrackingAttempt.at >= since)
            .order_by(TrackingAttempt.at)
        )
    )


# ---- routing corrections ----


async def routing_corrections(session: AsyncSession) -> list[tuple[str, CommitteeKey, int | None]]:
    """(text, right committee, request id) of every stored routing correction."""
    rows = await session.execute(
        select(RoutingCorrection.text, RoutingCorrection.committee, RoutingCorrection.request_id)
    )
    return list(rows.tuples())


async def routing_correction_of(session: AsyncSession, request_id: int) -> RoutingCorrection | None:
    return await session.scalar(select(RoutingCorrection).where(RoutingCorrection.request_id == request_id))


# ---- SLA ----


async def committee_slas(session: AsyncSession) -> list[CommitteeSla]:
    return list(await session.scalars(select(CommitteeSla).order_by(CommitteeSla.committee)))


class RequestClocks(NamedTuple):
    """What decides an open request's SLA reminders (`services.requests.sla`), read without the
    request itself."""

    id: int
    committee: CommitteeKey
    urgent: bool
    sla_started_at: datetime
    sla_round: int
    first_response_at: datetime | None


async def open_request_clocks(session: AsyncSession) -> list[RequestClocks]:
    """`RequestClocks` of every open request, in the order of their ids (plain rows: a national
    run reads tens of thousands)."""
    connection = await session.connection()
    rows = await connection.execute(
        select(
            CitizenRequest.id,
            CitizenRequest.committee,
            CitizenRequest.urgent,
            CitizenRequest.sla_started_at,
            CitizenRequest.sla_round,
            CitizenRequest.first_response_at,
        )
        .where(CitizenRequest.status.in_(OPEN_STATUSES))
        .order_by(CitizenRequest.id)
    )
    return [RequestClocks(*row) for row in rows.all()]


async def sla_reminders_sent(session: AsyncSession) -> set[tuple[int, str, int]]:
    """(request id, clock, level) of every SLA reminder sent in the current round of a request
    still open: one query, however many requests."""
    connection = await session.connection()
    rows = await connection.execute(
        select(SlaReminder.request_id, SlaReminder.clock, SlaReminder.level)
        .join(CitizenRequest, CitizenRequest.id == SlaReminder.request_id)
        .where(CitizenRequest.status.in_(OPEN_STATUSES), SlaReminder.round == CitizenRequest.sla_round)
    )
    return {(request_id, clock, level) for request_id, clock, level in rows.all()}


async def claim_sla_reminder(
    session: AsyncSession, *, request_id: int, clock: str, level: int, sla_round: int, now: datetime
) -> bool:
    """Record that this reminder is sent; False when it was already (by any run or instance)."""
    values = {"request_id": request_id, "clock": clock, "level": level, "round": sla_round, "sent_at": now}
    unique = ["request_id", "clock", "level", "round"]
    return await insert_unless_present(session, SlaReminder, values, unique=unique) is not None
