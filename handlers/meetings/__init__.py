"""/meeting: the manager records a meeting in a short guided form — its kind (council, committee,
county session, official visit), the committee for a committee meeting, the Jalali date (typed in
any digits or picked from the calendar), who attended (council members toggled with buttons,
then guests as text), the minutes (text, or a photo of the signed page), then a summary to
confirm. Nothing is saved before the confirm; then resolutions can be added to it one by one.

* `form`: the steps, one handler each;
* `view`: its states, buttons (callback data) and summary;
* `other_input`: anything else sent in the middle of it, and its buttons once it is closed.
"""

from __future__ import annotations

from aiogram import Router

from handlers.meetings import form, other_input
from handlers.meetings.view import (
    DAY_PICKED,
    MEETING_CALENDAR,
    MINUTES_PREVIEW,
    AttendeeToggle,
    ConfirmMeeting,
    MeetingCommitteePick,
    MeetingForm,
    MeetingKindPick,
    MeetingSkip,
    attendance_keyboard,
    committee_keyboard,
    confirm_keyboard,
    kind_keyboard,
    skip_keyboard,
    summary,
)

__all__ = [
    "DAY_PICKED",
    "MEETING_CALENDAR",
    "MINUTES_PREVIEW",
    "AttendeeToggle",
    "ConfirmMeeting",
    "MeetingCommitteePick",
    "MeetingForm",
    "MeetingKindPick",
    "MeetingSkip",
    "attendance_keyboard",
    "committee_keyboard",
    "confirm_keyboard",
    "kind_keyboard",
    "setup",
    "skip_keyboard",
    "summary",
]


def setup() -> Router:
    router = Router(name=__name__)
    # The catch-all and the closed form's buttons after the steps they back up.
    router.include_routers(form.setup(), other_input.setup())
    return router
