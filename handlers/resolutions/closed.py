"""What backs the two forms up, included after every step so that the steps win while they
match: a message that is not the answer a form's step expects (asked again, at the bottom, or told
what is expected), and a button of a form that is no longer open (answered already, or /cancel)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.forms import reask, stale_buttons
from handlers.jalali_calendar import CalendarPress
from handlers.menu import AnyMenuPress
from handlers.resolutions.deadline import warn_again
from handlers.resolutions.keyboards import (
    DEADLINE_CALENDAR,
    ConfirmResolution,
    DeadlineDoubtAnswer,
    PriorityPick,
    ProgressPick,
    ResponsibleKindPick,
    ResponsiblePick,
    SkipNote,
    StatusMenu,
    StatusPick,
    progress_keyboard,
    skip_note_keyboard,
)
from handlers.resolutions.states import ResolutionForm, UpdateForm
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import format_jalali_numeric, tehran_today


async def form_expects_something_else(
    message: Message, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    current = await state.get_state()
    if current == ResolutionForm.deadline_doubt.state and await warn_again(message, state, t):
        return  # the question again, below, with its buttons
    if current == ResolutionForm.text.state:
        await message.answer(t("resolution-text-expected"))
    elif current == ResolutionForm.deadline.state:
        await reask(
            message,
            state,
            t("resolution-deadline-expected", example=format_jalali_numeric(tehran_today(clock()), t.locale)),
        )
    else:
        await reask(message, state, t("resolution-use-buttons"))


async def update_expects_something_else(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    if await state.get_state() == UpdateForm.progress.state:
        await message.answer(t("resolution-bad-progress"), reply_markup=progress_keyboard(t))
    else:
        await message.answer(t("resolution-note-expected"), reply_markup=skip_note_keyboard(t))


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        form_expects_something_else, StateFilter(ResolutionForm), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    router.message.register(
        update_expects_something_else, StateFilter(UpdateForm), ~F.text.startswith("/"), ~AnyMenuPress()
    )
    # In the order the stacked decorators registered them (bottom-up); the prefixes never overlap.
    stale_buttons(
        router,
        CalendarPress.filter((F.action == "day") & (F.purpose == DEADLINE_CALENDAR)),
        SkipNote.filter(),
        StatusPick.filter(),
        StatusMenu.filter(),
        ProgressPick.filter(),
        ConfirmResolution.filter(),
        PriorityPick.filter(),
        DeadlineDoubtAnswer.filter(),
        ResponsiblePick.filter(),
        ResponsibleKindPick.filter(),
        closed="resolution-form-closed",
    )
    return router
