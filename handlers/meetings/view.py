"""What the meeting form shows: its states, its buttons and their callback data (kind, committee,
attendees, skip, confirm, the calendar's days) and the summary to confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardMarkup

from handlers.jalali_calendar import CalendarPress
from handlers.keyboards import committee_keyboard as every_committee
from handlers.keyboards import keyboard
from models.resolutions import MeetingKind
from services.i18n import BoundTranslator
from services.jalali import format_jalali_date

MEETING_CALENDAR = "md"
# The minutes are shown shortened in the summary; all of them are saved.
MINUTES_PREVIEW = 300


# The day buttons of this form's calendar (its month arrows are handled in handlers.jalali_calendar).
DAY_PICKED = CalendarPress.filter((F.action == "day") & (F.purpose == MEETING_CALENDAR))


class MeetingForm(StatesGroup):
    kind = State()
    committee = State()
    date = State()
    attendance = State()
    guests = State()
    minutes = State()
    confirm = State()


class MeetingKindPick(CallbackData, prefix="mt_kind"):
    kind: str


class MeetingCommitteePick(CallbackData, prefix="mt_com"):
    committee: str


class AttendeeToggle(CallbackData, prefix="mt_att"):
    # A council member id; 0 when the list is done.
    member_id: int


class MeetingSkip(CallbackData, prefix="mt_skip"):
    # "guests" or "minutes"
    step: str


class ConfirmMeeting(CallbackData, prefix="mt_ok"):
    save: bool


def kind_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [[(t(f"meeting-kind-{kind.value}"), MeetingKindPick(kind=kind.value).pack())] for kind in MeetingKind]
    )


def committee_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return every_committee(t, lambda key: MeetingCommitteePick(committee=key).pack())


def attendance_keyboard(
    t: BoundTranslator, members: dict[str, str], selected: list[int]
) -> InlineKeyboardMarkup:
    rows = [
        [
            (
                t("meeting-attendee-present", name=name) if int(member_id) in selected else name,
                AttendeeToggle(member_id=int(member_id)).pack(),
            )
        ]
        for member_id, name in members.items()
    ]
    rows.append([(t("button-continue"), AttendeeToggle(member_id=0).pack())])
    return keyboard(rows)


def skip_keyboard(t: BoundTranslator, step: str) -> InlineKeyboardMarkup:
    return keyboard([[(t("button-skip"), MeetingSkip(step=step).pack())]])


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("button-save"), ConfirmMeeting(save=True).pack()),
                (t("button-cancel"), ConfirmMeeting(save=False).pack()),
            ]
        ]
    )


def kind_label(t: BoundTranslator, data: dict[str, Any]) -> str:
    label = t(f"meeting-kind-{data['kind']}")
    if data.get("committee"):
        label += " — " + t(f"committee-{data['committee']}")
    return label


def summary(t: BoundTranslator, data: dict[str, Any]) -> str:
    members: dict[str, str] = data.get("members", {})
    names = [members[str(m)] for m in data.get("attendees", []) if str(m) in members]
    minutes = data.get("minutes_text") or ""
    if len(minutes) > MINUTES_PREVIEW:
        minutes = minutes[: MINUTES_PREVIEW - 1] + "…"
    if data.get("minutes_photo"):
        minutes = t("meeting-minutes-photo-attached") + ("\n" + minutes if minutes else "")
    return t(
        "meeting-summary",
        kind=kind_label(t, data),
        date=format_jalali_date(date.fromisoformat(data["held_on"]), t.locale),
        attendees=t.join(names) if names else t("meeting-none"),
        guests=data.get("guests") or t("meeting-none"),
        minutes=minutes or t("meeting-none"),
    )
