"""/plan and moving through a plan: the plans a person sees (or the one plan, straight away), a
plan by its id (`/plan 12`), a page of the tree — a level's nodes with their progress bars and
what is late, ten a page — a project's card, and the lists of late projects and of proposed
progress moves. Every press redraws the same message in place (`handlers.forms.show`)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed, show
from handlers.menu import MenuPress
from handlers.plans.keyboards import PlanCard, PlanList, PlanOpen, PlanShelfPage
from handlers.plans.render import render_card, render_late, render_proposed, render_shelf, render_tree_page
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import tehran_today
from services.persian import normalize_text
from services.plans import (
    UnknownPlan,
    may_edit_plan,
    open_proposals,
    plan_tree,
    plans_for,
    project_view,
)


async def tree_page(
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    clock: Clock,
    plan_id: int,
    node_id: int = 0,
    page: int = 0,
) -> tuple[str, InlineKeyboardMarkup]:
    """A page of the plan's tree as the actor sees it (with the keeper's buttons for a keeper)."""
    tree = await plan_tree(session, actor=actor, plan_id=plan_id, today=tehran_today(clock()))
    editable = await may_edit_plan(session, actor, plan_id)
    proposals = len(await open_proposals(session, actor=actor, plan_id=plan_id)) if editable else 0
    return render_tree_page(t, tree, node_id, page, editable=editable, proposals=proposals)


async def card(
    session: AsyncSession, actor: Actor, t: BoundTranslator, clock: Clock, node_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """A project's card as the actor sees it."""
    today = tehran_today(clock())
    view = await project_view(session, actor=actor, node_id=node_id, today=today)
    return render_card(t, view, today, editable=await may_edit_plan(session, actor, view.plan_id))


async def show_plans(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    command: CommandObject | None = None,
) -> None:
    await state.clear()
    if viewer.person_id is None:
        await message.answer(t("plan-register-first"))
        return
    actor = Actor.from_viewer(viewer)
    args = normalize_text(command.args or "") if command is not None else ""
    if args:
        # Ids are small numbers; anything else names no plan.
        plan_id = int(args) if args.isascii() and args.isdigit() and len(args) <= 9 else 0
        try:
            text, markup = await tree_page(session, actor, t, clock, plan_id)
        except (UnknownPlan, PermissionDenied):
            # Whether a plan the person may not read exists is not theirs to learn.
            await message.answer(t("plan-not-found"))
            return
        await message.answer(text, reply_markup=markup)
        return
    shelf = await plans_for(session, actor)
    if len(shelf.plans) == 1:
        text, markup = await tree_page(session, actor, t, clock, shelf.plans[0].id)
    else:
        text, markup = render_shelf(t, shelf, 0)
    await message.answer(text, reply_markup=markup)


async def shelf_page(
    query: CallbackQuery,
    callback_data: PlanShelfPage,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    text, markup = render_shelf(t, await plans_for(session, Actor.from_viewer(viewer)), callback_data.page)
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


async def open_page(
    query: CallbackQuery,
    callback_data: PlanOpen,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    text, markup = await tree_page(
        session, actor, t, clock, callback_data.plan_id, callback_data.node_id, callback_data.page
    )
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


async def open_card(
    query: CallbackQuery,
    callback_data: PlanCard,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    text, markup = await card(session, Actor.from_viewer(viewer), t, clock, callback_data.node_id)
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


async def open_list(
    query: CallbackQuery,
    callback_data: PlanList,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    tree = await plan_tree(session, actor=actor, plan_id=callback_data.plan_id, today=tehran_today(clock()))
    if callback_data.what == "proposed":
        proposals = await open_proposals(session, actor=actor, plan_id=callback_data.plan_id)
        text, markup = render_proposed(t, tree, proposals, callback_data.page)
    else:
        text, markup = render_late(t, tree, callback_data.page)
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(show_plans, Command("plan"))
    router.message.register(show_plans, MenuPress("plan"))
    router.callback_query.register(shelf_page, PlanShelfPage.filter())
    router.callback_query.register(open_page, PlanOpen.filter())
    router.callback_query.register(open_card, PlanCard.filter())
    router.callback_query.register(open_list, PlanList.filter())
    return router
