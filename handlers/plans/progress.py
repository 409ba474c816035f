"""A project's progress, set by whoever keeps the plan: 📈 on its card asks for the new figure
below (0 / 25 / 50 / 75 / 100 % with buttons, or any whole number typed in any digits), saves it
and shows the card again, updated; and a proposed move (after a linked resolution was done or an
action logged) confirmed or dismissed with the card's ✅ / ✖, redrawn in place."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import ask_next, pressed, reask, show
from handlers.menu import AnyMenuPress
from handlers.plans.browse import card
from handlers.plans.keyboards import PlanDecide, PlanProgressPick, PlanSetProgress, progress_keyboard
from handlers.plans.render import percent
from handlers.plans.states import PlanProgressForm
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import tehran_today
from services.plans import (
    InvalidProgress,
    ProposalDecided,
    confirm_progress,
    may_edit_plan,
    parse_progress,
    project_view,
    set_project_progress,
)


async def start_progress(
    query: CallbackQuery,
    callback_data: PlanSetProgress,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    view = await project_view(
        session, actor=actor, node_id=callback_data.node_id, today=tehran_today(clock())
    )
    if not view.node.is_project or not await may_edit_plan(session, actor, view.plan_id):
        await query.answer(t("plan-not-allowed"), show_alert=True)
        return
    message = await pressed(query)
    await state.clear()
    await state.set_state(PlanProgressForm.progress)
    await state.update_data(node_id=view.node.id)
    if message is not None:
        question = t("plan-ask-progress", name=view.node.name, progress=percent(view.node.progress))
        await ask_next(message, question, progress_keyboard(t))


async def save_progress(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    progress: int,
) -> None:
    """Save the figure chosen, close the form and show the project's card, updated, below."""
    actor = Actor.from_viewer(viewer)
    node_id = (await state.get_data())["node_id"]
    change = await set_project_progress(session, actor=actor, node_id=node_id, progress=progress, now=clock())
    await state.clear()
    text, markup = await card(session, actor, t, clock, node_id)
    saved = t("plan-progress-saved", name=change.name, before=change.before, after=change.after)
    await message.answer(f"{saved}\n\n{text}", reply_markup=markup)


async def progress_picked(
    query: CallbackQuery,
    callback_data: PlanProgressPick,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if not 0 <= callback_data.value <= 100:  # a forged button: the question stays
        await query.answer()
        return
    if (message := await pressed(query, drop=True)) is not None:
        await save_progress(message, state, session, viewer, t, clock, callback_data.value)


async def progress_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    try:
        progress = parse_progress(message.text or "")
    except InvalidProgress:
        await reask(message, state, t("plan-bad-progress"))
        return
    await save_progress(message, state, session, viewer, t, clock, progress)


async def decide(
    query: CallbackQuery,
    callback_data: PlanDecide,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    try:
        outcome = await confirm_progress(
            session,
            actor=actor,
            proposal_id=callback_data.proposal_id,
            accept=callback_data.accept,
            now=clock(),
        )
    except ProposalDecided:
        await query.answer(t("plan-proposal-decided"), show_alert=True)
        return
    if outcome.accepted:
        note = t("plan-progress-saved", name=outcome.name, before=outcome.before, after=outcome.after)
    else:
        note = t("plan-proposal-dismissed", name=outcome.name, progress=outcome.before)
    text, markup = await card(session, actor, t, clock, outcome.node_id)
    if (message := await pressed(query)) is not None:
        await show(message, f"{note}\n\n{text}", markup)


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(start_progress, PlanSetProgress.filter())
    router.callback_query.register(
        progress_picked, StateFilter(PlanProgressForm.progress), PlanProgressPick.filter()
    )
    router.message.register(
        progress_typed,
        StateFilter(PlanProgressForm.progress),
        F.text,
        ~F.text.startswith("/"),
        ~AnyMenuPress(),
    )
    router.callback_query.register(decide, PlanDecide.filter())
    return router
