"""Resolutions (مصوبات) in the chat: the manager adds one (on its own from /resolutions, or to a
meeting just recorded with /meeting) in a short form — text, responsible body, deadline (typed in
any digits or picked from the Jalali calendar; one before today or before the meeting is not taken
silently: the form names the reason and asks to keep it or choose another), priority, confirm;
/resolutions lists them by state (open, due soon, overdue, done, all) and committee, page by page;
whoever answers for one reports its progress and status with a note, and anyone who may read it
sees its history.

The package, by flow: `lists` (/resolutions, the lists, a card, its history, drawn by
`rendering`), `form` (adding a resolution) with its `deadline` step, `progress` (reporting on one),
and `closed` (what backs both forms up); `keyboards` holds every button and `states` both forms'
states. The names other modules use (`meeting_offer_keyboard` for /meeting) are re-exported here.
"""

from __future__ import annotations

from aiogram import Router

from handlers.resolutions import closed, deadline, form, lists, progress
from handlers.resolutions.deadline import deadline_doubt_text
from handlers.resolutions.form import start_resolution_form
from handlers.resolutions.keyboards import (
    DEADLINE_CALENDAR,
    PROGRESS_STEPS,
    AddResolution,
    CommitteeFilter,
    ConfirmResolution,
    DeadlineDoubtAnswer,
    MeetingFinished,
    OpenResolution,
    PriorityPick,
    ProgressPick,
    ResolutionList,
    ResponsibleKindPick,
    ResponsiblePick,
    ShowHistory,
    SkipNote,
    StartUpdate,
    StatusMenu,
    StatusPick,
    confirm_keyboard,
    deadline_doubt_keyboard,
    meeting_offer_keyboard,
    priority_keyboard,
    progress_keyboard,
    responsible_kind_keyboard,
    skip_note_keyboard,
    status_keyboard,
)
from handlers.resolutions.rendering import (
    MESSAGE_LIMIT,
    PAGE_SIZE,
    council_neighbourhood,
    render_list,
    split_messages,
)
from handlers.resolutions.states import ResolutionForm, UpdateForm

__all__ = [
    "DEADLINE_CALENDAR",
    "MESSAGE_LIMIT",
    "PAGE_SIZE",
    "PROGRESS_STEPS",
    "AddResolution",
    "CommitteeFilter",
    "ConfirmResolution",
    "DeadlineDoubtAnswer",
    "MeetingFinished",
    "OpenResolution",
    "PriorityPick",
    "ProgressPick",
    "ResolutionForm",
    "ResolutionList",
    "ResponsibleKindPick",
    "ResponsiblePick",
    "ShowHistory",
    "SkipNote",
    "StartUpdate",
    "StatusMenu",
    "StatusPick",
    "UpdateForm",
    "confirm_keyboard",
    "council_neighbourhood",
    "deadline_doubt_keyboard",
    "deadline_doubt_text",
    "meeting_offer_keyboard",
    "priority_keyboard",
    "progress_keyboard",
    "render_list",
    "responsible_kind_keyboard",
    "setup",
    "skip_note_keyboard",
    "split_messages",
    "start_resolution_form",
    "status_keyboard",
]


def setup() -> Router:
    """The feature's router. Its order is precedence: the command and the lists first, so
    /resolutions works in the middle of a form; then each form's steps; last what backs them up
    (a wrong answer, a stale button), which must not win while a step matches."""
    router = Router(name=__name__)
    router.include_routers(lists.setup(), form.setup(), deadline.setup(), progress.setup(), closed.setup())
    return router
