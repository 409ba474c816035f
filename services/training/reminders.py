"""The reminder the day before each course session, to every participant who has not declined:
a scheduled job's service function, claimed once per session and person with a reminder mark,
so reruns, restarts and several instances never send it twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import training_repo
from models.inserts import insert_unless_present
from models.resolutions import ReminderMark
from models.training import Course, CourseParticipant, ParticipantStatus
from services.i18n import Translator
from services.jalali import TEHRAN_TZ, tehran_today
from services.notify import notify_person
from services.training.courses import SessionView
from services.training.notices import reminder_notice
from services.uow import committing

__all__ = ["CourseReminderSummary", "run_course_reminders"]


@dataclass(frozen=True)
class CourseReminderSummary:
    sessions: int
    reminded: int

    def line(self) -> str:
        return f"{self.sessions} course sessions tomorrow: {self.reminded} reminders queued"


async def run_course_reminders(
    session: AsyncSession, translator: Translator, *, now: datetime
) -> CourseReminderSummary:
    """Remind the participants of each session held tomorrow (Tehran's calendar day); commits."""
    tomorrow = tehran_today(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0, 0), tzinfo=TEHRAN_TZ)
    reminded = 0
    async with committing(session):
        sessions = await training_repo.sessions_between(session, start, start + timedelta(days=1))
        for held in sessions:
            course = await session.get(Course, held.course_id)
            if course is None:
                continue
            people = await session.scalars(
                select(CourseParticipant.person_id).where(
                    CourseParticipant.course_id == held.course_id,
                    CourseParticipant.status != ParticipantStatus.DECLINED,
                )
            )
            view = SessionView(held.id, held.number, held.starts_at, held.place)
            for person_id in people.all():
                key = f"course-session:{held.id}:{person_id}"
                mark = await insert_unless_present(
                    session, ReminderMark, {"key": key, "sent_at": now}, unique=["key"]
                )
                if mark is None:
                    continue
                await notify_person(
                    session,
                    translator,
                    person_id=person_id,
                    render=reminder_notice(course.title, view),
                    now=now,
                    dedup_key=key,
                    topic=f"course:{course.id}",
                )
                reminded += 1
    return CourseReminderSummary(len(sessions), reminded)
