"""A resident answering a survey: «start» (on the invitation, or under /survey) asks the first
question still unanswered; each question comes with its buttons (one tap for a single choice,
ticks then «confirm» for a multiple choice, 1–5 for a scale; a text is typed), «skip» and «go on
later». The next question comes below the answered one; after the last, thanks. Pressing «start»
again resumes where they stopped; once everything is answered it says so, politely.

The answer buttons carry the survey, the question and the choice, so they work without the form
(after a restart, on the other messenger); the form (`AnswerForm`) only says that typed text is
the answer to the question on screen."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.platforms import best_effort
from handlers.forms import PROMPT, pressed, reask
from handlers.menu import AnyMenuPress
from handlers.surveys.keyboards import (
    MultiDone,
    OptionPick,
    OptionToggle,
    ScalePick,
    SkipQuestion,
    StartSurvey,
    StopAnswering,
    chosen,
    question_keyboard,
    resume_keyboard,
)
from handlers.surveys.rendering import step_text
from handlers.surveys.states import AnswerForm
from models.surveys import QuestionKind
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator
from services.surveys import (
    AlreadyAnswered,
    AnswerStep,
    InvalidAnswer,
    SurveyClosed,
    answer_question,
    start_answering,
)

# What a resident is told when a survey can't be answered, by the service's refusal.
_REFUSED = {
    AlreadyAnswered: "survey-already-answered",
    SurveyClosed: "survey-closed",
    PermissionDenied: "survey-not-for-you",
}


async def _show(message: Message, state: FSMContext, t: BoundTranslator, step: AnswerStep) -> None:
    """The next question (the form notes which), or thanks after the last. `below`: after a
    pressed button, which the answered question loses."""
    if step.question is None:
        await state.clear()
        text, markup = t("survey-thanks", title=step.title), None
    else:
        await state.set_state(AnswerForm.question)
        await state.update_data(
            survey_id=step.survey_id, question_id=step.question.id, kind=step.question.kind.value
        )
        text, markup = step_text(t, step), question_keyboard(t, step.survey_id, step.question)
    await message.answer(text, reply_markup=markup)


async def start_pressed(
    query: CallbackQuery,
    callback_data: StartSurvey,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    # The invitation keeps its button: it is also how to go on after a stop.
    message = await pressed(query)
    if message is None:
        return
    try:
        step = await start_answering(
            session, actor=Actor.from_viewer(viewer), survey_id=callback_data.survey_id, now=clock()
        )
    except (AlreadyAnswered, SurveyClosed, PermissionDenied) as refusal:
        await message.answer(t(_REFUSED[type(refusal)]))
        return
    await _show(message, state, t, step)


async def _answer(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    survey_id: int,
    question_id: int,
    **answer: object,
) -> None:
    """Record a pressed answer and go on to the next question below."""
    try:
        step = await answer_question(
            session,
            actor=Actor.from_viewer(viewer),
            survey_id=survey_id,
            question_id=question_id,
            now=clock(),
            **answer,  # type: ignore[arg-type]
        )
    except (SurveyClosed, PermissionDenied) as refusal:
        await query.answer(t(_REFUSED[type(refusal)]), show_alert=True)
        await pressed(query, drop=True)
        await state.clear()
        return
    except InvalidAnswer:  # a forged button: nothing to do
        await query.answer()
        return
    if step.repeated:  # a second tap on an answered question
        await query.answer()
        return
    # The question answered keeps its text and loses its buttons; the next comes below.
    if (message := await pressed(query, drop=True)) is not None:
        await _show(message, state, t, step)


async def option_picked(
    query: CallbackQuery,
    callback_data: OptionPick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    ids = (callback_data.survey_id, callback_data.question_id)
    await _answer(query, state, session, viewer, t, clock, *ids, choices=[callback_data.index])


async def scale_picked(
    query: CallbackQuery,
    callback_data: ScalePick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    ids = (callback_data.survey_id, callback_data.question_id)
    await _answer(query, state, session, viewer, t, clock, *ids, scale=callback_data.value)


async def multi_done(
    query: CallbackQuery,
    callback_data: MultiDone,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if callback_data.mask <= 0:
        await query.answer(t("survey-pick-one-first"), show_alert=True)
        return
    ids = (callback_data.survey_id, callback_data.question_id)
    await _answer(query, state, session, viewer, t, clock, *ids, choices=chosen(callback_data.mask))


async def skipped(
    query: CallbackQuery,
    callback_data: SkipQuestion,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    ids = (callback_data.survey_id, callback_data.question_id)
    await _answer(query, state, session, viewer, t, clock, *ids, skip=True)


async def option_toggled(
    query: CallbackQuery,
    callback_data: OptionToggle,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    """A tick added or taken away: the same question, its buttons redrawn in place."""
    message = await pressed(query)
    try:
        step = await start_answering(
            session, actor=Actor.from_viewer(viewer), survey_id=callback_data.survey_id, now=clock()
        )
    except (AlreadyAnswered, SurveyClosed, PermissionDenied):
        return
    question = step.question
    if message is None or question is None or question.id != callback_data.question_id:
        return  # answered meanwhile: the buttons are stale
    if not 0 <= callback_data.mask < 1 << len(question.options):
        return  # a forged tick
    await message.edit_reply_markup(
        reply_markup=question_keyboard(t, step.survey_id, question, callback_data.mask)
    )


async def stopped(
    query: CallbackQuery, callback_data: StopAnswering, state: FSMContext, t: BoundTranslator
) -> None:
    message = await pressed(query, drop=True)
    if await state.get_state() == AnswerForm.question.state:
        await state.clear()
    if message is not None:
        await message.answer(t("survey-stopped"), reply_markup=resume_keyboard(t, callback_data.survey_id))


async def _drop_question_buttons(message: Message, state: FSMContext) -> None:
    """The question answered by typing loses its buttons (skip, go on later)."""
    prompt = (await state.get_data()).get(PROMPT)
    if prompt and message.bot is not None:
        bot = message.bot
        await best_effort(
            "dropping the answered question's buttons",
            lambda: bot.edit_message_reply_markup(
                chat_id=prompt["chat_id"], message_id=prompt["message_id"], reply_markup=None
            ),
        )


async def text_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    data = await state.get_data()
    if data.get("kind") != QuestionKind.TEXT.value:
        await reask(message, state, t("survey-use-buttons"))
        return
    try:
        # Too short or too long: answered in handlers.errors, the question asked again.
        step = await answer_question(
            session,
            actor=Actor.from_viewer(viewer),
            survey_id=data["survey_id"],
            question_id=data["question_id"],
            text=message.text,
            now=clock(),
        )
    except (SurveyClosed, PermissionDenied) as refusal:
        await state.clear()
        await message.answer(t(_REFUSED[type(refusal)]))
        return
    await _drop_question_buttons(message, state)
    await _show(message, state, t, step)


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(start_pressed, StartSurvey.filter())
    router.callback_query.register(option_picked, OptionPick.filter())
    router.callback_query.register(option_toggled, OptionToggle.filter())
    router.callback_query.register(multi_done, MultiDone.filter())
    router.callback_query.register(scale_picked, ScalePick.filter())
    router.callback_query.register(skipped, SkipQuestion.filter())
    router.callback_query.register(stopped, StopAnswering.filter())
    router.message.register(
        text_typed,
        StateFilter(AnswerForm.question),
        F.text,
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    return router
