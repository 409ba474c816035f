"""What backs the plan forms up, included after their steps so that the steps win while they
match: a message that is not the answer a step expects (the progress question asked again at the
bottom; text asked for), and a progress button of a form no longer open."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.forms import reask, stale_buttons
from handlers.menu import AnyMenuPress
from handlers.plans.keyboards import PlanProgressPick
from handlers.plans.states import PlanAddForm, PlanCreateForm, PlanProgressForm
from services.i18n import BoundTranslator


async def progress_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("plan-use-buttons"))


async def text_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("plan-text-expected"))


def setup() -> Router:
    router = Router(name=__name__)
    not_a_command = (~F.text.startswith("/"), ~AnyMenuPress())
    router.message.register(progress_expected, StateFilter(PlanProgressForm), *not_a_command)
    router.message.register(text_expected, StateFilter(PlanCreateForm, PlanAddForm), *not_a_command)
    stale_buttons(router, PlanProgressPick.filter(), closed="plan-form-closed")
    return router
