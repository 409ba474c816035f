"""Making a survey in the chat, for a manager or a county official: where it goes (asked only of
someone with several places), its title, its last day (typed in any digits or picked from the
Jalali calendar), then the questions one by one — the text, the kind by buttons, the options one
per line for a choice — and a summary to confirm. Nothing is saved before ✅; saved, it is
published to the residents and the creator hears how many were invited now and how many will
be when they join."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import confirmation, pressed, reask
from handlers.jalali_calendar import CalendarPress, calendar_for, picked_date
from handlers.keyboards import drop_buttons
from handlers.menu import AnyMenuPress
from handlers.surveys.keyboards import (
    DAY_PICKED,
    SURVEY_CALENDAR,
    ConfirmSurvey,
    KindPick,
    MoreQuestions,
    NewSurvey,
    ScopePick,
    confirm_keyboard,
    kind_keyboard,
    more_keyboard,
    scope_keyboard,
    show_results_keyboard,
)
from handlers.surveys.rendering import kind_name, summary
from handlers.surveys.states import SurveyForm
from models.identity import ScopeKind
from models.surveys import QuestionKind
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.jalali import (
    DateParseError,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali_date,
    tehran_today,
)
from services.surveys import (
    CHOICE_KINDS,
    MAX_OPTION_LENGTH,
    MAX_OPTIONS,
    MAX_QUESTION_LENGTH,
    MAX_QUESTIONS,
    MAX_TITLE_LENGTH,
    MIN_OPTIONS,
    MIN_QUESTION_LENGTH,
    MIN_TITLE_LENGTH,
    InvalidSurvey,
    QuestionDraft,
    SurveyDraft,
    SurveyScope,
    check_closes_on,
    clean_options,
    clean_question_text,
    clean_title,
    create_survey,
    options_from_lines,
    survey_scopes,
)


def invalid_text(t: BoundTranslator, error: InvalidSurvey) -> str:
    """What was wrong, dates shown the Jalali way."""
    details = {
        k: format_jalali_date(v, t.locale) if isinstance(v, date) else v for k, v in error.details.items()
    }
    return t(f"survey-invalid-{error.reason}", **details)


# ---- opening the form ----


async def start_form(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    """Open the form: where the survey goes, when the person has several places; else its title."""
    scopes = await survey_scopes(session, Actor.from_viewer(viewer))
    await state.clear()
    if not scopes:
        await message.answer(t("survey-not-allowed"))
        return
    await state.update_data(questions=[])
    if len(scopes) > 1:
        await state.set_state(SurveyForm.scope)
        await message.answer(t("survey-ask-scope"), reply_markup=scope_keyboard(t, scopes))
        return
    await _ask_title(message, state, t, scopes[0])


async def new_pressed(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    # The list stays as it was, to open results from later.
    if (message := await pressed(query)) is not None:
        await start_form(message, state, session, viewer, t)


async def _ask_title(message: Message, state: FSMContext, t: BoundTranslator, scope: SurveyScope) -> None:
    await state.update_data(scope_kind=scope.kind.value, scope_id=scope.id, scope_name=scope.name)
    await state.set_state(SurveyForm.title)
    await message.answer(t("survey-ask-title", min=MIN_TITLE_LENGTH, max=MAX_TITLE_LENGTH))


async def scope_picked(
    query: CallbackQuery,
    callback_data: ScopePick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    scopes = await survey_scopes(session, Actor.from_viewer(viewer))
    scope = next(
        (s for s in scopes if (s.kind.value, s.id) == (callback_data.kind, callback_data.scope_id)), None
    )
    if scope is None:  # a forged button, or a role lost meanwhile
        await query.answer()
        return
    if (message := await pressed(query, drop=True)) is not None:
        await _ask_title(message, state, t, scope)


# ---- the title and the last day ----


async def _ask_closes(message: Message, state: FSMContext, t: BoundTranslator, today: date) -> None:
    await state.set_state(SurveyForm.closes)
    await message.answer(
        t("survey-ask-closes", example=format_jalali_numeric(today, t.locale)),
        reply_markup=calendar_for(t, today, purpose=SURVEY_CALENDAR),
    )


async def got_title(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    # Too short or too long: answered in handlers.errors, the question asked again.
    await state.update_data(title=clean_title(message.text))
    await _ask_closes(message, state, t, tehran_today(clock()))


async def _closes_chosen(
    message: Message, state: FSMContext, t: BoundTranslator, closes_on: date, today: date
) -> bool:
    """Whether the last day is taken (else the question again, under what was wrong)."""
    try:
        check_closes_on(closes_on, today)
    except InvalidSurvey as error:
        await reask(message, state, invalid_text(t, error))
        return False
    await state.update_data(closes_on=closes_on.isoformat())
    return True


async def closes_typed(message: Message, state: FSMContext, t: BoundTranslator, clock: Clock) -> None:
    today = tehran_today(clock())
    try:
        closes_on = parse_jalali_date(message.text or "")
    except DateParseError as error:
        # The calendar again, at the bottom, under what was wrong.
        example = format_jalali_numeric(today, t.locale)
        await reask(message, state, t(f"resolution-bad-date-{error.reason}", example=example))
        return
    if await _closes_chosen(message, state, t, closes_on, today):
        await _ask_question(message, state, t)


async def closes_picked(
    query: CallbackQuery, callback_data: CalendarPress, state: FSMContext, t: BoundTranslator, clock: Clock
) -> None:
    try:
        closes_on = picked_date(callback_data)
    except ValueError:
        await query.answer()  # a forged day: nothing to do
        return
    message = await pressed(query)
    if message is not None and await _closes_chosen(message, state, t, closes_on, tehran_today(clock())):
        await drop_buttons(query)
        await _ask_question(message, state, t)


# ---- the questions ----


async def _ask_question(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    number = len((await state.get_data())["questions"]) + 1
    await state.set_state(SurveyForm.question)
    await message.answer(
        t("survey-ask-question", number=number, min=MIN_QUESTION_LENGTH, max=MAX_QUESTION_LENGTH)
    )


async def got_question(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.update_data(pending=clean_question_text(message.text))
    await state.set_state(SurveyForm.kind)
    await message.answer(t("survey-ask-kind"), reply_markup=kind_keyboard(t))


async def _add_question(
    message: Message, state: FSMContext, t: BoundTranslator, question: QuestionDraft
) -> None:
    data = await state.get_data()
    questions = [
        *data["questions"],
        {"text": question.text, "kind": question.kind.value, "options": list(question.options)},
    ]
    await state.update_data(questions=questions, pending=None)
    await state.set_state(SurveyForm.more)
    text = t("survey-question-added", number=len(questions), kind=kind_name(t, question.kind))
    await message.answer(text, reply_markup=more_keyboard(t, can_add=len(questions) < MAX_QUESTIONS))


async def kind_picked(
    query: CallbackQuery, callback_data: KindPick, state: FSMContext, t: BoundTranslator
) -> None:
    try:
        kind = QuestionKind(callback_data.kind)
    except ValueError:
        await query.answer()  # a forged button: nothing to do
        return
    # The question answered keeps its text and loses its buttons; the next comes below.
    message = await pressed(query, drop=True)
    if message is None:
        return
    data = await state.get_data()
    if kind in CHOICE_KINDS:
        await state.update_data(pending_kind=kind.value)
        await state.set_state(SurveyForm.options)
        await message.answer(
            t("survey-ask-options", min=MIN_OPTIONS, max=MAX_OPTIONS, length=MAX_OPTION_LENGTH)
        )
        return
    await _add_question(message, state, t, QuestionDraft(data["pending"], kind))


async def got_options(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    data = await state.get_data()
    kind = QuestionKind(data["pending_kind"])
    try:
        options = clean_options(kind, options_from_lines(message.text))
    except InvalidSurvey as error:
        await reask(message, state, invalid_text(t, error))
        return
    await _add_question(message, state, t, QuestionDraft(data["pending"], kind, options))


async def more_pressed(
    query: CallbackQuery, callback_data: MoreQuestions, state: FSMContext, t: BoundTranslator
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    if callback_data.more and len((await state.get_data())["questions"]) < MAX_QUESTIONS:
        await _ask_question(message, state, t)
        return
    await state.set_state(SurveyForm.confirm)
    await message.answer(summary(t, await state.get_data()), reply_markup=confirm_keyboard(t))


# ---- saving ----


def _draft(data: dict[str, Any]) -> SurveyDraft:
    return SurveyDraft(
        title=data["title"],
        closes_on=date.fromisoformat(data["closes_on"]),
        questions=tuple(
            QuestionDraft(q["text"], QuestionKind(q["kind"]), tuple(q["options"])) for q in data["questions"]
        ),
    )


async def confirmed(
    query: CallbackQuery,
    callback_data: ConfirmSurvey,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    done = await confirmation(query, callback_data.save, state, t, cancelled="survey-not-saved")
    if done is None:
        return
    message, data, now = done.message, done.data, clock()
    scope = SurveyScope(ScopeKind(data["scope_kind"]), data["scope_id"])
    try:
        # Refused (`PermissionDenied`, a role lost meanwhile): answered in handlers.errors.
        created = await create_survey(
            session, translator, actor=Actor.from_viewer(viewer), scope=scope, draft=_draft(data), now=now
        )
    except InvalidSurvey as error:
        # The last day became today while the form was open: choose it again, nothing was saved.
        await message.answer(invalid_text(t, error))
        await _ask_closes(message, state, t, tehran_today(now))
        return
    await state.clear()
    text = t("survey-saved", title=created.title, id=created.id, now=created.invited_now)
    if created.invited_waiting:
        text += "\n" + t("survey-saved-waiting", waiting=created.invited_waiting)
    await message.answer(text, reply_markup=show_results_keyboard(t, created.id))


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(new_pressed, NewSurvey.filter())
    router.callback_query.register(scope_picked, StateFilter(SurveyForm.scope), ScopePick.filter())
    router.message.register(got_title, StateFilter(SurveyForm.title), *typed)
    router.message.register(closes_typed, StateFilter(SurveyForm.closes), *typed)
    router.callback_query.register(closes_picked, StateFilter(SurveyForm.closes), DAY_PICKED)
    router.message.register(got_question, StateFilter(SurveyForm.question), *typed)
    router.callback_query.register(kind_picked, StateFilter(SurveyForm.kind), KindPick.filter())
    router.message.register(got_options, StateFilter(SurveyForm.options), *typed)
    router.callback_query.register(more_pressed, StateFilter(SurveyForm.more), MoreQuestions.filter())
    router.callback_query.register(confirmed, StateFilter(SurveyForm.confirm), ConfirmSurvey.filter())
    return router
