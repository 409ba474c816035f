"""Anything else sent in the middle of the survey forms (what the step expects, or its question
again), and the making form's buttons pressed once it is closed. Included after the steps,
whose state filters make them win while a form is open."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from handlers.forms import reask, stale_buttons
from handlers.menu import AnyMenuPress
from handlers.surveys.keyboards import DAY_PICKED, ConfirmSurvey, KindPick, MoreQuestions, ScopePick
from handlers.surveys.states import AnswerForm, SurveyForm
from models.surveys import QuestionKind
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import format_jalali_numeric, tehran_today

# What a typing step says to a sticker, a photo or a voice message.
_EXPECTED = {
    SurveyForm.title.state: "survey-title-expected",
    SurveyForm.question.state: "survey-question-expected",
    SurveyForm.options.state: "survey-options-expected",
}


async def form_expects_something_else(
    message: Message, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    current = await state.get_state()
    if current == SurveyForm.closes.state:
        example = format_jalali_numeric(tehran_today(clock()), t.locale)
        await reask(message, state, t("survey-closes-expected", example=example))
    elif current in _EXPECTED:
        await message.answer(t(_EXPECTED[current]))
    else:
        await reask(message, state, t("survey-use-buttons"))


async def answer_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    typed = (await state.get_data()).get("kind") == QuestionKind.TEXT.value
    await reask(message, state, t("survey-answer-text-expected" if typed else "survey-use-buttons"))


def setup() -> Router:
    router = Router(name=__name__)
    anything = (~F.text.startswith("/"), ~AnyMenuPress())
    router.message.register(form_expects_something_else, StateFilter(SurveyForm), *anything)
    router.message.register(answer_expected, StateFilter(AnswerForm), *anything)
    stale_buttons(
        router,
        DAY_PICKED,
        ConfirmSurvey.filter(),
        MoreQuestions.filter(),
        KindPick.filter(),
        ScopePick.filter(),
        closed="survey-form-closed",
    )
    return router
