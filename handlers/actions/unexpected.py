"""What the /action form did not ask for, registered after its steps so that they win while the
form is open: something other than a button (or a photo, a date, a description) at a step says
what is expected and asks the question again with its buttons; a button of a form that is no
longer open (answered already, or /cancel) says so."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.actions.form import (
    ActionCommittee,
    ActionCompletes,
    ActionConfirm,
    ActionForm,
    ActionLink,
    ActionProgramme,
    ActionSkip,
    ActionToday,
    ActionVisibility,
    step_prompt,
)
from handlers.forms import stale_buttons
from handlers.menu import AnyMenuPress
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import tehran_today

# What each step that also takes typed input (or photos) expects; the others expect a button.
_EXPECTED = {
    ActionForm.description.state: "action-description-expected",
    ActionForm.done_on.state: "action-date-expected",
    ActionForm.photos.state: "action-photos-expected",
}


async def button_expected(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    current = await state.get_state()
    hint = _EXPECTED.get(current or "", "action-button-expected")
    text, markup = step_prompt(t, current or "", await state.get_data(), tehran_today(clock()))
    await message.answer(t(hint) + "\n\n" + text, reply_markup=markup)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        button_expected,
        StateFilter(
            ActionForm.description,
            ActionForm.committee,
            ActionForm.programme,
            ActionForm.done_on,
            ActionForm.photos,
            ActionForm.link,
            ActionForm.completes,
            ActionForm.visibility,
            ActionForm.confirm,
        ),
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    stale_buttons(
        router,
        ActionConfirm.filter(),
        ActionVisibility.filter(),
        ActionCompletes.filter(),
        ActionLink.filter(),
        ActionToday.filter(),
        ActionProgramme.filter(),
        ActionCommittee.filter(),
        ActionSkip.filter(),
        closed="action-form-closed",
    )
    return router
