"""Training courses (دوره‌های آموزشی) for neighbourhood managers, council members and liaisons.

A county or province official creates a course (title, audience, sessions with Jalali dates,
times and places), invites its audience in their region through the outbox (someone who has not
joined is told when they do; the official hears who got it now), participants confirm or
decline, the organiser marks attendance per session, and whoever attends at least the course's
share of sessions (80 % unless set) has completed it — which qualifies a manager or council
member for an appointment letter and an ID card (`services.credentials`). Participants are
reminded the day before each session (job `course_reminders`).

Who may: the officials of the course's county (and those above it) organise a county's course,
province officials a province's; participants answer their own invitation and see their own
courses.

- `rules`: cleaning what is typed (title, audience, session lines) and who may organise where;
- `courses`: creating a course and the organiser's views;
- `participants`: inviting, answering, attendance and completion, the participant's list;
- `notices`: what participants are told;
- `reminders`: the day-before reminder job.

The queries live in `models.training_repo`.
"""

from services.training.courses import (
    CourseDetail,
    CourseSummary,
    SessionView,
    UnknownCourse,
    create_course,
    get_course,
    list_all_courses,
    organised_courses,
)
from services.training.notices import RSVP_PREFIX, session_line, session_lines
from services.training.participants import (
    AttendanceChange,
    AttendanceSheet,
    Invited,
    MyCourse,
    NotAParticipant,
    SheetLine,
    UnknownSession,
    get_attendance_sheet,
    has_completed,
    invite_audience,
    my_courses,
    record_attendance,
    respond_to_invitation,
)
from services.training.reminders import CourseReminderSummary, run_course_reminders
from services.training.rules import (
    AUDIENCE_ROLES,
    DEFAULT_MIN_ATTENDANCE,
    MAX_SESSIONS,
    BadSessionLine,
    SessionPlan,
    clean_audience,
    clean_title,
    organiser_scopes,
    parse_sessions,
)

__all__ = [
    "AUDIENCE_ROLES",
    "DEFAULT_MIN_ATTENDANCE",
    "MAX_SESSIONS",
    "RSVP_PREFIX",
    "AttendanceChange",
    "AttendanceSheet",
    "BadSessionLine",
    "CourseDetail",
    "CourseReminderSummary",
    "CourseSummary",
    "Invited",
    "MyCourse",
    "NotAParticipant",
    "SessionPlan",
    "SessionView",
    "SheetLine",
    "UnknownCourse",
    "UnknownSession",
    "clean_audience",
    "clean_title",
    "create_course",
    "get_attendance_sheet",
    "get_course",
    "has_completed",
    "invite_audience",
    "list_all_courses",
    "my_courses",
    "organised_courses",
    "organiser_scopes",
    "parse_sessions",
    "record_attendance",
    "respond_to_invitation",
    "run_course_reminders",
    "session_line",
    "session_lines",
]
