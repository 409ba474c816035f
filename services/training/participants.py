"""A course's people: inviting its audience through the outbox (someone who has not joined gets
it when they do), their answers, attendance per session and the completion it earns, and the
participant's own list of courses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import training_repo
from models.identity import Role
from models.inserts import insert_unless_present
from models.training import (
    Course,
    CourseParticipant,
    CourseSession,
    ParticipantStatus,
    SessionAttendance,
)
from services.authz import Actor, record_audit
from services.i18n import Translator
from services.notify import Told, notify_people, notify_person
from services.training.courses import CourseSummary, SessionView, load_course, summarise
from services.training.notices import completed_notice, invitation_buttons, invitation_notice
from services.training.rules import require_organiser
from services.uow import committing

__all__ = [
    "AttendanceChange",
    "AttendanceSheet",
    "Invited",
    "MyCourse",
    "NotAParticipant",
    "SheetLine",
    "UnknownSession",
    "get_attendance_sheet",
    "has_completed",
    "invite_audience",
    "my_courses",
    "record_attendance",
    "respond_to_invitation",
]


class NotAParticipant(LookupError):
    """The person was not invited to that course."""

    def __init__(self, course_id: int, person_id: int) -> None:
        super().__init__(f"person {person_id} is not in course {course_id}")


class UnknownSession(LookupError):
    def __init__(self, session_id: int) -> None:
        super().__init__(f"no course session {session_id}")


@dataclass
class Invited:
    """What inviting did: how many were newly invited, and who was told now or will be."""

    new: int = 0
    already: int = 0
    told: Told = field(default_factory=Told)


def has_completed(attended: int, sessions: int, share: int) -> bool:
    """The completion rule: present at least `share` percent of the sessions."""
    return sessions > 0 and attended * 100 >= share * sessions


async def invite_audience(
    session: AsyncSession, translator: Translator, *, actor: Actor, course_id: int, now: datetime
) -> Invited:
    """Invite everyone with one of the course's audience roles in its county or province who is
    not invited yet (a person with several such roles once, for the first); each is told through
    the outbox with ✅/✖ buttons. Commits. Organisers only (`PermissionDenied`)."""
    async with committing(session):
        course = await load_course(session, course_id)
        await require_organiser(session, actor, course.scope_kind, course.scope_id, "course.invite")
        audience = [Role(role) for role in course.audience]
        members = await training_repo.audience_in_region(
            session, audience, course.scope_kind, course.scope_id
        )
        members.sort(key=lambda m: audience.index(m.role))
        first_role: dict[int, training_repo.AudienceMember] = {}
        for member in members:
            first_role.setdefault(member.person_id, member)
        outcome, invited = Invited(), []
        for member in first_role.values():
            row = await insert_unless_present(
                session,
                CourseParticipant,
                {
                    "course_id": course.id,
                    "person_id": member.person_id,
                    "role": member.role,
                    "scope_kind": member.scope_kind,
                    "scope_id": member.scope_id,
                    "status": ParticipantStatus.INVITED,
                    "invited_at": now,
                },
                unique=["course_id", "person_id"],
            )
            if row is None:
                outcome.already += 1
            else:
                invited.append(member.person_id)
        outcome.new = len(invited)
        summary = await summarise(session, course)
        outcome.told = await notify_people(
            session,
            translator,
            invited,
            render=invitation_notice(summary),
            buttons=invitation_buttons(course.id),
            now=now,
            dedup_prefix=f"course-invite:{course.id}",
            topic=f"course:{course.id}",
        )
        if invited:
            record_audit(
                session,
                actor,
                action="course.invite",
                target_type="course",
                target_id=course.id,
                details={"invited": len(invited)},
                now=now,
            )
    return outcome


async def _participant(session: AsyncSession, course_id: int, person_id: int) -> CourseParticipant:
    row = await session.scalar(
        select(CourseParticipant).where(
            CourseParticipant.course_id == course_id, CourseParticipant.person_id == person_id
        )
    )
    if row is None:
        raise NotAParticipant(course_id, person_id)
    return row


async def respond_to_invitation(
    session: AsyncSession, *, person_id: int, course_id: int, accept: bool, now: datetime
) -> CourseSummary:
    """The participant's own answer (they may change it); commits. `NotAParticipant` for anyone
    not invited, `UnknownCourse` for no such course."""
    async with committing(session):
        course = await load_course(session, course_id)
        participant = await _participant(session, course_id, person_id)
        participant.status = ParticipantStatus.CONFIRMED if accept else ParticipantStatus.DECLINED
        participant.responded_at = now
        summary = await summarise(session, course)
    return summary


@dataclass(frozen=True)
class AttendanceChange:
    """A participant's attendance after a mark: sessions attended of all, and their completion."""

    person_id: int
    attended: int
    sessions: int
    completed: bool
    # True when this mark made them complete the course (they are told).
    newly_completed: bool


async def _update_completion(
    session: AsyncSession,
    translator: Translator,
    course: Course,
    participant: CourseParticipant,
    now: datetime,
) -> AttendanceChange:
    attended = await training_repo.attended_count(session, course.id, participant.person_id)
    sessions = len(await training_repo.course_sessions(session, course.id))
    completed = has_completed(attended, sessions, course.min_attendance_percent)
    newly = completed and participant.completed_at is None
    if newly:
        participant.completed_at = now
        await notify_person(
            session,
            translator,
            person_id=participant.person_id,
            render=completed_notice(course.title),
            now=now,
            dedup_key=f"course-done:{course.id}:{participant.person_id}",
            topic=f"course:{course.id}",
        )
    elif not completed:
        participant.completed_at = None  # a correction took it back
    return AttendanceChange(participant.person_id, attended, sessions, completed, newly)


async def record_attendance(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    session_id: int,
    person_id: int,
    present: bool,
    now: datetime,
) -> AttendanceChange:
    """Mark a participant present or absent at a session (marking again corrects it), and
    update their completion; commits. Organisers only. `UnknownSession`, `NotAParticipant`."""
    async with committing(session):
        course_session = await session.get(CourseSession, session_id)
        if course_session is None:
            raise UnknownSession(session_id)
        course = await load_course(session, course_session.course_id)
        await require_organiser(session, actor, course.scope_kind, course.scope_id, "course.attendance")
        participant = await _participant(session, course.id, person_id)
        mark = await session.get(SessionAttendance, (session_id, person_id))
        if mark is None:
            mark = SessionAttendance(
                session_id=session_id, person_id=person_id, present=present, recorded_at=now
            )
            session.add(mark)
        mark.present, mark.recorded_at, mark.recorded_by_person_id = present, now, actor.person_id
        await session.flush()
        change = await _update_completion(session, translator, course, participant, now)
    return change


@dataclass(frozen=True)
class SheetLine:
    person_id: int
    name: str | None
    present: bool


@dataclass(frozen=True)
class AttendanceSheet:
    """A session's attendance as the organiser marks it: every participant who has not declined
    (and anyone marked already), present or not."""

    course_id: int
    title: str
    session: SessionView
    lines: tuple[SheetLine, ...]


async def get_attendance_sheet(session: AsyncSession, *, actor: Actor, session_id: int) -> AttendanceSheet:
    """The attendance of one session, for the course's organisers; `UnknownSession`,
    `PermissionDenied`."""
    course_session = await session.get(CourseSession, session_id)
    if course_session is None:
        raise UnknownSession(session_id)
    course = await load_course(session, course_session.course_id)
    await require_organiser(session, actor, course.scope_kind, course.scope_id, "course.attendance")
    rows = await session.execute(
        select(SessionAttendance.person_id, SessionAttendance.present).where(
            SessionAttendance.session_id == session_id
        )
    )
    marks = {person_id: present for person_id, present in rows.tuples()}
    lines = tuple(
        SheetLine(row.person_id, row.name, marks.get(row.person_id, False))
        for row in await training_repo.participant_rows(session, course.id)
        if row.status != ParticipantStatus.DECLINED or row.person_id in marks
    )
    view = SessionView(
        course_session.id, course_session.number, course_session.starts_at, course_session.place
    )
    return AttendanceSheet(course.id, course.title, view, lines)


@dataclass(frozen=True)
class MyCourse:
    """A course as a participant sees it."""

    course: CourseSummary
    status: ParticipantStatus
    attended: int
    completed: bool


async def my_courses(session: AsyncSession, *, person_id: int) -> list[MyCourse]:
    """The courses the person was invited to, newest first, with their answer and attendance."""
    rows = await session.scalars(
        select(CourseParticipant)
        .where(CourseParticipant.person_id == person_id)
        .order_by(CourseParticipant.course_id.desc())
    )
    mine: list[MyCourse] = []
    for row in rows.all():
        course = await load_course(session, row.course_id)
        attended = await training_repo.attended_count(session, course.id, person_id)
        summary = await summarise(session, course)
        mine.append(MyCourse(summary, row.status, attended, row.completed_at is not None))
    return mine
