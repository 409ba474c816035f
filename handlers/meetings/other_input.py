"""Anything else sent in the middle of the meeting form (what the step expects, or its question
again), and the form's buttons pressed once it is closed. Included after the steps, whose state
filters make them win while the form is open."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.forms import reask, stale_buttons
from handlers.meetings.view import (
    DAY_PICKED,
    AttendeeToggle,
    ConfirmMeeting,
    MeetingCommitteePick,
    MeetingForm,
    MeetingKindPick,
    MeetingSkip,
    skip_keyboard,
)
from handlers.menu import AnyMenuPress
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import format_jalali_numeric, tehran_today


async def form_expects_something_else(
    message: Message, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    current = await state.get_state()
    if current == MeetingForm.date.state:
        await reask(
            message,
            state,
            t("meeting-date-expected", example=format_jalali_numeric(tehran_today(clock()), t.locale)),
        )
    elif current == MeetingForm.guests.state:
        await message.answer(t("meeting-guests-expected"), reply_markup=skip_keyboard(t, "guests"))
    elif current == MeetingForm.minutes.state:
        await message.answer(t("meeting-minutes-expected"), reply_markup=skip_keyboard(t, "minutes"))
    else:
        await reask(message, state, t("resolution-use-buttons"))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        form_expects_something_else, StateFilter(MeetingForm), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    stale_buttons(
        router,
        DAY_PICKED,
        ConfirmMeeting.filter(),
        MeetingSkip.filter(),
        AttendeeToggle.filter(),
        MeetingCommitteePick.filter(),
        MeetingKindPick.filter(),
        closed="resolution-form-closed",
    )
    return router
