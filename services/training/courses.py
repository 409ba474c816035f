"""Creating a course and reading it: the organiser's view (sessions, participants, attendance,
completion) and the list of courses an official runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import training_repo
from models.identity import County, Neighbourhood, Province, Role, ScopeKind
from models.training import Course, CourseSession
from models.training_repo import ParticipantRow
from services.authz import Actor, record_audit
from services.training.rules import (
    DEFAULT_MIN_ATTENDANCE,
    SessionPlan,
    clean_audience,
    clean_title,
    organiser_scopes,
    require_organiser,
)
from services.uow import committing

__all__ = [
    "CourseDetail",
    "CourseSummary",
    "SessionView",
    "UnknownCourse",
    "create_course",
    "get_course",
    "list_all_courses",
    "load_course",
    "organised_courses",
    "place_names",
    "summarise",
]


class UnknownCourse(LookupError):
    def __init__(self, course_id: int) -> None:
        super().__init__(f"no course {course_id}")
        self.course_id = course_id


@dataclass(frozen=True)
class SessionView:
    id: int
    number: int
    starts_at: datetime
    place: str


@dataclass(frozen=True)
class CourseSummary:
    id: int
    title: str
    scope_kind: ScopeKind
    scope_id: int
    # The county's or province's name.
    scope_name: str
    audience: tuple[Role, ...]
    min_attendance_percent: int
    sessions: tuple[SessionView, ...]


@dataclass(frozen=True)
class CourseDetail:
    """A course as its organiser sees it: with every participant, their place and attendance."""

    course: CourseSummary
    participants: tuple[ParticipantRow, ...]
    # The name of each participant's place, by (scope kind, id).
    places: dict[tuple[ScopeKind, int], str]

    def completed(self) -> list[ParticipantRow]:
        return [p for p in self.participants if p.completed_at is not None]


async def place_names(
    session: AsyncSession, scopes: set[tuple[ScopeKind, int]]
) -> dict[tuple[ScopeKind, int], str]:
    """The names of neighbourhoods, counties and provinces, by (kind, id)."""
    names: dict[tuple[ScopeKind, int], str] = {}
    for kind, model in (
        (ScopeKind.NEIGHBOURHOOD, Neighbourhood),
        (ScopeKind.COUNTY, County),
        (ScopeKind.PROVINCE, Province),
    ):
        ids = {scope_id for scope_kind, scope_id in scopes if scope_kind == kind}
        if ids:
            rows = await session.execute(select(model.id, model.name).where(model.id.in_(ids)))
            names.update(((kind, row_id), name) for row_id, name in rows.tuples())
    return names


async def summarise(session: AsyncSession, course: Course) -> CourseSummary:
    """The course with its sessions and the name of its county or province."""
    sessions = await training_repo.course_sessions(session, course.id)
    names = await place_names(session, {(course.scope_kind, course.scope_id)})
    return CourseSummary(
        id=course.id,
        title=course.title,
        scope_kind=course.scope_kind,
        scope_id=course.scope_id,
        scope_name=names.get((course.scope_kind, course.scope_id), "—"),
        audience=tuple(Role(role) for role in course.audience),
        min_attendance_percent=course.min_attendance_percent,
        sessions=tuple(SessionView(s.id, s.number, s.starts_at, s.place) for s in sessions),
    )


async def load_course(session: AsyncSession, course_id: int) -> Course:
    """The course with this id; `UnknownCourse` otherwise."""
    course = await session.get(Course, course_id)
    if course is None:
        raise UnknownCourse(course_id)
    return course


async def create_course(
    session: AsyncSession,
    *,
    actor: Actor,
    scope_kind: ScopeKind,
    scope_id: int,
    title: str,
    audience: list[Role],
    sessions: list[SessionPlan],
    now: datetime,
    min_attendance_percent: int = DEFAULT_MIN_ATTENDANCE,
) -> CourseSummary:
    """Create a course run by a county or province, with its sessions; commits. Its officials
    (and those above) may; `PermissionDenied` otherwise. Raises `TextTooShort`/`TextTooLong`
    for the title and ValueError for no sessions, a wrong audience or share."""
    async with committing(session):
        await require_organiser(session, actor, scope_kind, scope_id, "course.create")
        cleaned = clean_title(title)
        roles = clean_audience(audience)
        if not sessions:
            raise ValueError("a course has at least one session")
        if not 1 <= min_attendance_percent <= 100:
            raise ValueError("the attendance share is a percentage from 1 to 100")
        course = Course(
            title=cleaned,
            scope_kind=scope_kind,
            scope_id=scope_id,
            audience=[role.value for role in roles],
            min_attendance_percent=min_attendance_percent,
            created_by_person_id=actor.person_id,
            created_at=now,
        )
        session.add(course)
        await session.flush()
        ordered = sorted(sessions, key=lambda plan: plan.starts_at)
        for number, plan in enumerate(ordered, start=1):
            session.add(
                CourseSession(course_id=course.id, number=number, starts_at=plan.starts_at, place=plan.place)
            )
        await session.flush()
        record_audit(
            session,
            actor,
            action="course.create",
            target_type="course",
            target_id=course.id,
            details={"title": cleaned, "sessions": len(ordered), "audience": course.audience},
            now=now,
        )
        summary = await summarise(session, course)
    return summary


async def get_course(session: AsyncSession, *, actor: Actor, course_id: int) -> CourseDetail:
    """The course with its participants, for its organisers; `UnknownCourse`, `PermissionDenied`."""
    course = await load_course(session, course_id)
    await require_organiser(session, actor, course.scope_kind, course.scope_id, "course.read")
    participants = await training_repo.participant_rows(session, course_id)
    places = await place_names(session, {(p.scope_kind, p.scope_id) for p in participants})
    return CourseDetail(await summarise(session, course), tuple(participants), places)


async def organised_courses(session: AsyncSession, *, actor: Actor) -> list[CourseSummary]:
    """The courses run by the actor's own counties and provinces (and by the counties of their
    provinces), newest first; nothing for anyone else."""
    scopes = organiser_scopes(actor)
    provinces = [scope_id for kind, scope_id in scopes if kind == ScopeKind.PROVINCE]
    if provinces:
        counties = await session.scalars(select(County.id).where(County.province_id.in_(provinces)))
        scopes += [(ScopeKind.COUNTY, county_id) for county_id in counties]
    courses = await training_repo.courses_in_scopes(session, set(scopes))
    return [await summarise(session, course) for course in courses]


async def list_all_courses(session: AsyncSession) -> list[CourseSummary]:
    """Every course, oldest first (for the operator at the command line)."""
    courses = await session.scalars(select(Course).order_by(Course.id))
    return [await summarise(session, course) for course in courses.all()]
