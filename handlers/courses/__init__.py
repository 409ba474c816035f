"""Training courses in the chat.

* `form`: /new_course — an official's form: title, audience, sessions, confirm;
* `lists`: /courses — the person's own courses and the ones they run; a course opened by its
  organiser; inviting its audience; the invitation's ✅/✖;
* `attendance`: a session's attendance sheet, one button a participant;
* `view`: the states, buttons (callback data) and texts;
* `other_input`: anything else sent in the middle of the form, and its buttons once closed.

Issuing letters and cards from a course's view is in `handlers.credentials`.
"""

from __future__ import annotations

from aiogram import Router

from handlers.courses import attendance, form, lists, other_input
from handlers.courses.view import (
    AudienceToggle,
    ConfirmCourse,
    CourseAnswer,
    CourseForm,
    InviteAudience,
    IssueFor,
    MarkAttendance,
    NewCourse,
    OpenCourse,
    TakeAttendance,
)

__all__ = [
    "AudienceToggle",
    "ConfirmCourse",
    "CourseAnswer",
    "CourseForm",
    "InviteAudience",
    "IssueFor",
    "MarkAttendance",
    "NewCourse",
    "OpenCourse",
    "TakeAttendance",
    "setup",
]


def setup() -> Router:
    router = Router(name=__name__)
    # The catch-all and the closed form's buttons after the steps they back up.
    router.include_routers(form.setup(), lists.setup(), attendance.setup(), other_input.setup())
    return router
