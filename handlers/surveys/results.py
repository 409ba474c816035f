"""The results of a survey (🔘 under /survey, a notice or a saved survey; `/survey results N`):
the text, then the chart and the Excel workbook (rendered off the event loop); closing it by hand
(🔒, then yes or no), and a top need turned into a resolution: its button (on the closing notice)
drafts the resolution — the text, the committee the routing model suggests, a deadline a month
away — and opens the resolution form at its summary, so ✅ saves it (or, with no committee to
suggest, at «who answers for it»)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from handlers.resolutions import ResolutionForm, confirm_keyboard, responsible_kind_keyboard, split_messages
from handlers.surveys.keyboards import (
    CloseSurvey,
    NeedToResolution,
    ShowResults,
    close_keyboard,
    results_keyboard,
)
from handlers.surveys.rendering import results_parts
from models.council import CommitteeKey
from models.resolutions import ResolutionPriority, ResponsibleKind
from models.surveys import SurveyStatus
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.jalali import format_jalali_date, tehran_today
from services.reports.files import PHOTO_MAX_HEIGHT, png_height
from services.requests import RoutingModel
from services.routing_data import CONFIDENCE_THRESHOLD
from services.surveys import (
    ResolutionDraft,
    SurveyClosed,
    SurveyResults,
    close_survey,
    resolution_draft,
    survey_results,
)
from services.surveys.files import has_chart, results_chart_png, results_workbook_xlsx


async def show_results(
    message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator, survey_id: int
) -> None:
    """The results as the person may read them, in as few messages as fit; whoever may close an
    open survey gets 🔒 under them."""
    try:
        results = await survey_results(session, actor=Actor.from_viewer(viewer), survey_id=survey_id)
    except PermissionDenied:
        await message.answer(t("survey-not-allowed"))
        return
    # Who reads all the answers manages the survey (a manager's slice of a county survey is not).
    closable = results.status == SurveyStatus.OPEN and results.neighbourhood_id is None
    texts = split_messages(results_parts(t, results))
    for text in texts[:-1]:
        await message.answer(text)
    await message.answer(texts[-1], reply_markup=results_keyboard(t, survey_id, closable=closable))
    await send_result_files(message, t, results)


async def send_result_files(message: Message, t: BoundTranslator, results: SurveyResults) -> None:
    """The chart (a photo, or a document when too tall for one; none when no question is a choice
    or a scale) and the workbook, rendered in a worker thread; nothing before anyone answered."""
    if not results.responses:
        return
    name = f"survey-{results.survey_id}"
    if has_chart(results):
        png = await asyncio.to_thread(results_chart_png, t, results)
        chart = BufferedInputFile(png, filename=f"{name}.png")
        if png_height(png) <= PHOTO_MAX_HEIGHT:
            await message.answer_photo(chart)
        else:
            await message.answer_document(chart)
    xlsx = await asyncio.to_thread(results_workbook_xlsx, t, results)
    await message.answer_document(BufferedInputFile(xlsx, filename=f"{name}.xlsx"))


async def results_pressed(
    query: CallbackQuery,
    callback_data: ShowResults,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    if (message := await pressed(query)) is not None:
        await show_results(message, session, viewer, t, callback_data.survey_id)


async def close_pressed(
    query: CallbackQuery,
    callback_data: CloseSurvey,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    actor = Actor.from_viewer(viewer)
    if callback_data.answer == "ask":
        results = await survey_results(session, actor=actor, survey_id=callback_data.survey_id)
        await message.answer(
            t("survey-close-confirm", title=results.title), reply_markup=close_keyboard(t, results.survey_id)
        )
    elif callback_data.answer == "yes":
        try:
            # Refused (`PermissionDenied`): answered in handlers.errors.
            records = await close_survey(
                session, translator, actor=actor, survey_id=callback_data.survey_id, now=clock()
            )
        except SurveyClosed:
            await message.answer(t("survey-already-closed"))
            return
        await message.answer(t("survey-closed-done", records=len(records)))
    elif callback_data.answer == "no":
        await message.answer(t("survey-close-kept"))


def _suggester(routing: RoutingModel) -> Callable[[str], CommitteeKey | None]:
    """The committee the routing model proposes for a need, when it is confident enough."""

    def suggest(need: str) -> CommitteeKey | None:
        guess = routing.guess(need)
        return CommitteeKey(guess.committee) if guess.confidence >= CONFIDENCE_THRESHOLD else None

    return suggest


async def _open_resolution_form(
    message: Message, state: FSMContext, t: BoundTranslator, draft: ResolutionDraft
) -> None:
    """The resolution form, filled in from the draft: at its summary (✅ saves) when a committee
    is suggested, else at the choice of who answers for it."""
    await state.clear()
    await state.update_data(neighbourhood_id=draft.neighbourhood_id, meeting_id=None, text=draft.text)
    if draft.committee is None:
        await state.set_state(ResolutionForm.responsible_kind)
        await message.answer(
            t("survey-need-pick-responsible", need=draft.need, text=draft.text),
            reply_markup=responsible_kind_keyboard(t),
        )
        return
    label = t("resolution-responsible-committee", committee=t(f"committee-{draft.committee.value}"))
    priority = ResolutionPriority.NORMAL
    await state.update_data(
        responsible_kind=ResponsibleKind.COMMITTEE.value,
        responsible_value=draft.committee.value,
        responsible_label=label,
        deadline=draft.deadline.isoformat(),
        priority=priority.value,
    )
    await state.set_state(ResolutionForm.confirm)
    text = t(
        "resolution-summary",
        text=draft.text,
        who=label,
        deadline=format_jalali_date(draft.deadline, t.locale),
        priority=t(f"resolution-priority-{priority.value}"),
    )
    await message.answer(
        t("survey-need-draft", need=draft.need) + "\n\n" + text, reply_markup=confirm_keyboard(t)
    )


async def need_pressed(
    query: CallbackQuery,
    callback_data: NeedToResolution,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    routing: RoutingModel,
) -> None:
    # The notice keeps its buttons: each of its needs may become a resolution.
    message = await pressed(query)
    if message is None:
        return
    await routing.ready()  # the suggestion below routes without waiting
    # Not the neighbourhood's manager (`PermissionDenied`): answered in handlers.errors.
    draft = await resolution_draft(
        session,
        t,
        actor=Actor.from_viewer(viewer),
        survey_id=callback_data.survey_id,
        neighbourhood_id=callback_data.neighbourhood_id,
        need_index=callback_data.index,
        today=tehran_today(clock()),
        suggest=_suggester(routing),
    )
    await _open_resolution_form(message, state, t, draft)


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(results_pressed, ShowResults.filter())
    router.callback_query.register(close_pressed, CloseSurvey.filter())
    router.callback_query.register(need_pressed, NeedToResolution.filter())
    return router
