"""Queries of courses, their participants and attendance, and of issued documents. They take the
session and never commit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import County, Neighbourhood, Person, Role, RoleAssignment, ScopeKind
from models.training import (
    Course,
    CourseParticipant,
    CourseSession,
    DocumentKind,
    IssuedDocument,
    ParticipantStatus,
    SessionAttendance,
)

__all__ = [
    "AudienceMember",
    "ParticipantRow",
    "attended_count",
    "audience_in_region",
    "course_sessions",
    "courses_in_scopes",
    "current_document",
    "participant_rows",
    "role_still_held",
    "sessions_between",
]


@dataclass(frozen=True)
class AudienceMember:
    """A person with one of a course's audience roles in its region."""

    person_id: int
    role: Role
    scope_kind: ScopeKind
    scope_id: int


@dataclass(frozen=True)
class ParticipantRow:
    person_id: int
    name: str | None
    role: Role
    scope_kind: ScopeKind
    scope_id: int
    status: ParticipantStatus
    attended: int
    completed_at: datetime | None


async def audience_in_region(
    session: AsyncSession, roles: Collection[Role], kind: ScopeKind, scope_id: int
) -> list[AudienceMember]:
    """Everyone holding one of `roles` in the county or province (`kind`, `scope_id`): managers and
    council members of its neighbourhoods, liaisons of its counties; by role assignment id."""
    counties = select(County.id).where(
        County.id == scope_id if kind == ScopeKind.COUNTY else County.province_id == scope_id
    )
    neighbourhoods = select(Neighbourhood.id).where(Neighbourhood.county_id.in_(counties))
    rows = await session.execute(
        select(
            RoleAssignment.person_id, RoleAssignment.role, RoleAssignment.scope_kind, RoleAssignment.scope_id
        )
        .where(
            RoleAssignment.role.in_(list(roles)),
            or_(
                and_(
                    RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
                    RoleAssignment.scope_id.in_(neighbourhoods),
                ),
                and_(RoleAssignment.scope_kind == ScopeKind.COUNTY, RoleAssignment.scope_id.in_(counties)),
            ),
        )
        .order_by(RoleAssignment.id)
    )
    return [AudienceMember(*row) for row in rows.tuples()]


async def course_sessions(session: AsyncSession, course_id: int) -> list[CourseSession]:
    return list(
        await session.scalars(
            select(CourseSession).where(CourseSession.course_id == course_id).order_by(CourseSession.number)
        )
    )


async def attended_count(session: AsyncSession, course_id: int, person_id: int) -> int:
    """How many of the course's sessions the person was recorded present at."""
    count = await session.scalar(
        select(func.count())
        .select_from(SessionAttendance)
        .join(CourseSession, CourseSession.id == SessionAttendance.session_id)
        .where(
            CourseSession.course_id == course_id,
            SessionAttendance.person_id == person_id,
            SessionAttendance.present.is_(True),
        )
    )
    return int(count or 0)


async def participant_rows(session: AsyncSession, course_id: int) -> list[ParticipantRow]:
    """The course's participants with their names and sessions attended, in invitation order."""
    attended = (
        select(SessionAttendance.person_id, func.count().label("attended"))
        .join(CourseSession, CourseSession.id == SessionAttendance.session_id)
        .where(CourseSession.course_id == course_id, SessionAttendance.present.is_(True))
        .group_by(SessionAttendance.person_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            CourseParticipant.person_id,
            Person.full_name,
            CourseParticipant.role,
            CourseParticipant.scope_kind,
            CourseParticipant.scope_id,
            CourseParticipant.status,
            func.coalesce(attended.c.attended, 0),
            CourseParticipant.completed_at,
        )
        .join(Person, Person.id == CourseParticipant.person_id)
        .outerjoin(attended, attended.c.person_id == CourseParticipant.person_id)
        .where(CourseParticipant.course_id == course_id)
        .order_by(CourseParticipant.id)
    )
    return [ParticipantRow(*row) for row in rows.tuples()]


async def courses_in_scopes(session: AsyncSession, scopes: Collection[tuple[ScopeKind, int]]) -> list[Course]:
    """Courses run by any of these counties or provinces, newest first."""
    if not scopes:
        return []
    condition = or_(*(and_(Course.scope_kind == kind, Course.scope_id == sid) for kind, sid in scopes))
    return list(await session.scalars(select(Course).where(condition).order_by(Course.id.desc())))


async def sessions_between(session: AsyncSession, start: datetime, end: datetime) -> list[CourseSession]:
    """Sessions starting in [start, end), in time order."""
    return list(
        await session.scalars(
            select(CourseSession)
            .where(CourseSession.starts_at >= start, CourseSession.starts_at < end)
            .order_by(CourseSession.starts_at, CourseSession.id)
        )
    )


async def current_document(
    session: AsyncSession,
    person_id: int,
    kind: DocumentKind,
    role: Role,
    scope_kind: ScopeKind,
    scope_id: int,
) -> IssuedDocument | None:
    """The latest document of this kind for this role assignment that was not revoked."""
    document: IssuedDocument | None = await session.scalar(
        select(IssuedDocument)
        .where(
            IssuedDocument.person_id == person_id,
            IssuedDocument.kind == kind,
            IssuedDocument.role == role,
            IssuedDocument.scope_kind == scope_kind,
            IssuedDocument.scope_id == scope_id,
            IssuedDocument.revoked_at.is_(None),
        )
        .order_by(IssuedDocument.id.desc())
        .limit(1)
    )
    return document


async def role_still_held(session: AsyncSession, document: IssuedDocument) -> bool:
    """Whether the role assignment a document was issued for still exists."""
    found = await session.scalar(
        select(RoleAssignment.id).where(
            RoleAssignment.person_id == document.person_id,
            RoleAssignment.role == document.role,
            RoleAssignment.scope_kind == document.scope_kind,
            RoleAssignment.scope_id == document.scope_id,
        )
    )
    return found is not None
