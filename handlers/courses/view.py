"""What the course screens show: the form's states, every button's callback data, the keyboards,
and the texts of a course (summary, lists, the organiser's view)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from handlers.keyboards import keyboard
from models.identity import Role, ScopeKind
from models.training import ParticipantStatus
from models.training_repo import ParticipantRow
from services.credentials import APPOINTED_ROLES
from services.i18n import BoundTranslator
from services.training import (
    AUDIENCE_ROLES,
    RSVP_PREFIX,
    AttendanceSheet,
    CourseDetail,
    CourseSummary,
    MyCourse,
    session_lines,
)

# At most this many «letter and card» buttons under a course (a keyboard holds 100 buttons).
ISSUE_BUTTONS = 40
DONE = "done"


class CourseForm(StatesGroup):
    title = State()
    audience = State()
    sessions = State()
    confirm = State()


class AudienceToggle(CallbackData, prefix="crs_aud"):
    # A role value, or "done".
    role: str


class ConfirmCourse(CallbackData, prefix="crs_ok"):
    save: bool


class NewCourse(CallbackData, prefix="crs_new"):
    go: bool = True


class OpenCourse(CallbackData, prefix="crs_open"):
    course_id: int


class InviteAudience(CallbackData, prefix="crs_inv"):
    course_id: int


class TakeAttendance(CallbackData, prefix="crs_ses"):
    session_id: int


class MarkAttendance(CallbackData, prefix="crs_att"):
    session_id: int
    # A participant; 0 when the sheet is done.
    person_id: int


class CourseAnswer(CallbackData, prefix=RSVP_PREFIX):
    """The invitation's ✅/✖ (queued by `services.training.notices.invitation_buttons`)."""

    course_id: int
    accept: bool


class IssueFor(CallbackData, prefix="crs_issue"):
    course_id: int
    person_id: int


def audience_label(t: BoundTranslator, roles: tuple[Role, ...] | list[Role]) -> str:
    return t.join(t(f"role-{role.value}") for role in roles)


def audience_keyboard(t: BoundTranslator, chosen: list[str]) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                t("course-audience-chosen", role=t(f"role-{role.value}"))
                if role.value in chosen
                else t(f"role-{role.value}"),
                AudienceToggle(role=role.value).pack(),
            )
        ]
        for role in AUDIENCE_ROLES
    ]
    rows.append([(t("button-continue"), AudienceToggle(role=DONE).pack())])
    return keyboard(rows)


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("button-save"), ConfirmCourse(save=True).pack()),
                (t("button-cancel"), ConfirmCourse(save=False).pack()),
            ]
        ]
    )


def status_label(t: BoundTranslator, status: ParticipantStatus, completed: bool) -> str:
    return t("course-status-completed") if completed else t(f"course-status-{status.value}")


def my_courses_text(t: BoundTranslator, mine: list[MyCourse]) -> list[str]:
    blocks = [t("course-mine-title")]
    for item in mine:
        blocks.append(
            t(
                "course-mine-line",
                title=item.course.title,
                place=item.course.scope_name,
                status=status_label(t, item.status, item.completed),
                attended=item.attended,
                sessions=len(item.course.sessions),
            )
        )
    return blocks


def organised_text(t: BoundTranslator, courses: list[CourseSummary]) -> list[str]:
    blocks = [t("course-organised-title")]
    blocks += [
        t("course-organised-line", title=c.title, place=c.scope_name, sessions=len(c.sessions))
        for c in courses
    ]
    return blocks


def organised_keyboard(t: BoundTranslator, courses: list[CourseSummary]) -> InlineKeyboardMarkup:
    rows = [
        [(t("course-button-open", title=c.title), OpenCourse(course_id=c.id).pack())] for c in courses[:20]
    ]
    rows.append([(t("course-button-new"), NewCourse().pack())])
    return keyboard(rows)


def participant_line(t: BoundTranslator, detail: CourseDetail, row: ParticipantRow) -> str:
    return t(
        "course-participant-line",
        name=row.name or "—",
        role=t(f"role-{row.role.value}"),
        place=detail.places.get((row.scope_kind, row.scope_id), "—"),
        status=status_label(t, row.status, row.completed_at is not None),
        attended=row.attended,
        sessions=len(detail.course.sessions),
    )


def detail_text(t: BoundTranslator, detail: CourseDetail) -> list[str]:
    course = detail.course
    blocks = [
        t(
            "course-detail",
            title=course.title,
            place=course.scope_name,
            audience=audience_label(t, course.audience),
            share=course.min_attendance_percent,
            sessions=session_lines(t, course.sessions),
        ),
        t("course-participants-title", count=len(detail.participants))
        if detail.participants
        else t("course-participants-none"),
    ]
    blocks += [participant_line(t, detail, row) for row in detail.participants]
    return blocks


def detail_keyboard(t: BoundTranslator, detail: CourseDetail) -> InlineKeyboardMarkup:
    course = detail.course
    rows = [[(t("course-button-invite"), InviteAudience(course_id=course.id).pack())]]
    rows += [
        [(t("course-button-session", number=s.number), TakeAttendance(session_id=s.id).pack())]
        for s in course.sessions
    ]
    # Those who completed it first: they are the ones a letter and card are usually for.
    appointable = sorted(
        (
            p
            for p in detail.participants
            if p.role in APPOINTED_ROLES and p.scope_kind == ScopeKind.NEIGHBOURHOOD
        ),
        key=lambda p: p.completed_at is None,
    )
    rows += [
        [
            (
                t("course-button-issue", name=p.name or "—"),
                IssueFor(course_id=course.id, person_id=p.person_id).pack(),
            )
        ]
        for p in appointable[:ISSUE_BUTTONS]
    ]
    return keyboard(rows)


def attendance_keyboard(t: BoundTranslator, sheet: AttendanceSheet) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                t(
                    "course-attendee-present" if line.present else "course-attendee-absent",
                    name=line.name or "—",
                ),
                MarkAttendance(session_id=sheet.session.id, person_id=line.person_id).pack(),
            )
        ]
        for line in sheet.lines
    ]
    rows.append([(t("course-button-done"), MarkAttendance(session_id=sheet.session.id, person_id=0).pack())])
    return keyboard(rows)
