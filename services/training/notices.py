"""What participants are told, in their own language: the invitation with its answer buttons, the
reminder the day before a session, and the news that they completed a course."""

from __future__ import annotations

from collections.abc import Sequence

from services.i18n import BoundTranslator
from services.jalali import format_datetime
from services.notify import Button, Render
from services.training.courses import CourseSummary, SessionView

__all__ = [
    "RSVP_PREFIX",
    "completed_notice",
    "invitation_buttons",
    "invitation_notice",
    "reminder_notice",
    "session_line",
    "session_lines",
]

# The callback data of the invitation's buttons: `crs_rsvp:<course id>:<1 yes | 0 no>`
# (handlers.courses.view.CourseAnswer packs the same).
RSVP_PREFIX = "crs_rsvp"


def session_line(t: BoundTranslator, session: SessionView) -> str:
    return t(
        "course-session-line",
        number=session.number,
        when=format_datetime(session.starts_at, t.locale),
        place=session.place,
    )


def session_lines(t: BoundTranslator, sessions: Sequence[SessionView]) -> str:
    return "\n".join(session_line(t, s) for s in sessions)


def invitation_buttons(course_id: int) -> list[list[Button]]:
    return [
        [
            Button("course-button-confirm", f"{RSVP_PREFIX}:{course_id}:1"),
            Button("course-button-decline", f"{RSVP_PREFIX}:{course_id}:0"),
        ]
    ]


def invitation_notice(course: CourseSummary) -> Render:
    def render(t: BoundTranslator) -> str:
        return t(
            "course-invitation",
            title=course.title,
            place=course.scope_name,
            sessions=session_lines(t, course.sessions),
            share=course.min_attendance_percent,
        )

    return render


def reminder_notice(title: str, session: SessionView) -> Render:
    def render(t: BoundTranslator) -> str:
        return t("course-reminder", title=title, session=session_line(t, session))

    return render


def completed_notice(title: str) -> Render:
    def render(t: BoundTranslator) -> str:
        return t("course-completed-notice", title=title)

    return render
