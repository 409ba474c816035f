"""The buttons of the resolution screens: every callback data of the feature (their `rs_…`
prefixes are what buttons already on people's screens carry, and
`services.resolutions.resolution_buttons` writes two of them into notifications) and the keyboards
of both forms, shared by the steps that ask a question and the ones that ask it again."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from handlers.keyboards import in_rows, keyboard
from models.resolutions import ResolutionPriority, ResolutionStatus, ResponsibleKind
from services.i18n import BoundTranslator

# The calendar purpose of the deadline step (`handlers.jalali_calendar` pages it, we take the day).
DEADLINE_CALENDAR = "rd"
PROGRESS_STEPS = (25, 50, 75, 100)


class AddResolution(CallbackData, prefix="rs_add"):
    # 0: a resolution of no meeting.
    meeting_id: int = 0


class MeetingFinished(CallbackData, prefix="rs_end"):
    meeting_id: int


class ResponsibleKindPick(CallbackData, prefix="rs_kind"):
    kind: str


class ResponsiblePick(CallbackData, prefix="rs_who"):
    # A committee key, an agency id or a council member id (by the kind chosen); "back".
    value: str


class DeadlineDoubtAnswer(CallbackData, prefix="rs_ddl"):
    # True: keep the doubtful deadline; False: choose another date.
    keep: bool


class PriorityPick(CallbackData, prefix="rs_prio"):
    priority: str


class ConfirmResolution(CallbackData, prefix="rs_ok"):
    save: bool


class ResolutionList(CallbackData, prefix="rs_list"):
    # "n": a neighbourhood's resolutions; "m": the viewer's own.
    scope: str
    nid: int
    flt: str
    com: str = ""
    page: int = 0


class CommitteeFilter(CallbackData, prefix="rs_com"):
    nid: int
    flt: str


class OpenResolution(CallbackData, prefix="rs_open"):
    resolution_id: int


class ShowHistory(CallbackData, prefix="rs_hist"):
    # Matches services.resolutions.resolution_buttons: "rs_hist:<id>"
    resolution_id: int


class StartUpdate(CallbackData, prefix="rs_upd"):
    # Matches services.resolutions.resolution_buttons: "rs_upd:<id>"
    resolution_id: int


class ProgressPick(CallbackData, prefix="rs_pct"):
    value: int


class StatusMenu(CallbackData, prefix="rs_stm"):
    pass


class StatusPick(CallbackData, prefix="rs_st"):
    status: str


class SkipNote(CallbackData, prefix="rs_nonote"):
    pass


def responsible_kind_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(t(f"resolution-kind-{kind.value}"), ResponsibleKindPick(kind=kind.value).pack())]
            for kind in ResponsibleKind
        ]
    )


def priority_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    buttons = [
        (t(f"resolution-priority-{p.value}"), PriorityPick(priority=p.value).pack())
        for p in ResolutionPriority
    ]
    return keyboard(in_rows(buttons, 2))


def deadline_doubt_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(t("resolution-button-keep-deadline"), DeadlineDoubtAnswer(keep=True).pack())],
            [(t("resolution-button-other-deadline"), DeadlineDoubtAnswer(keep=False).pack())],
        ]
    )


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("button-save"), ConfirmResolution(save=True).pack()),
                (t("button-cancel"), ConfirmResolution(save=False).pack()),
            ]
        ]
    )


def meeting_offer_keyboard(t: BoundTranslator, meeting_id: int) -> InlineKeyboardMarkup:
    """After a meeting or one of its resolutions is saved: add (another) resolution, or finish."""
    return keyboard(
        [
            [(t("resolution-button-add-to-meeting"), AddResolution(meeting_id=meeting_id).pack())],
            [(t("resolution-button-meeting-done"), MeetingFinished(meeting_id=meeting_id).pack())],
        ]
    )


def progress_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("resolution-progress-button", progress=p), ProgressPick(value=p).pack())
                for p in PROGRESS_STEPS
            ],
            [(t("resolution-button-status"), StatusMenu().pack())],
        ]
    )


def status_keyboard(t: BoundTranslator, *, manages: bool) -> InlineKeyboardMarkup:
    statuses = [s for s in ResolutionStatus if manages or s is not ResolutionStatus.CANCELLED]
    buttons = [(t(f"resolution-status-{s.value}"), StatusPick(status=s.value).pack()) for s in statuses]
    return keyboard(in_rows(buttons, 2))


def skip_note_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard([[(t("resolution-button-no-note"), SkipNote().pack())]])
