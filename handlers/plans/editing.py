"""A small plan made in the chat (a neighbourhood's yearly plan): ➕ on an empty shelf starts a
plan of a scope the person keeps (its title typed), and ➕ on a page of a plan adds a project
there (its name typed); each then shows what was made, to go on from. A title or name too short
or too long is answered centrally (`handlers.errors`) with the question again."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import ask_next, pressed
from handlers.menu import AnyMenuPress
from handlers.plans.browse import card, tree_page
from handlers.plans.keyboards import PlanAddProject, PlanNew
from handlers.plans.render import scope_label
from handlers.plans.states import PlanAddForm, PlanCreateForm
from models.identity import ScopeKind
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import tehran_today
from services.plans import add_plan_node, create_plan, may_edit_plan, plan_tree, plans_for


async def start_new_plan(
    query: CallbackQuery,
    callback_data: PlanNew,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    shelf = await plans_for(session, Actor.from_viewer(viewer))
    scope = next(
        (
            s
            for s in shelf.new_plan_scopes
            if (s.kind.value, s.id) == (callback_data.kind, callback_data.scope_id)
        ),
        None,
    )
    if scope is None:  # no longer theirs (or a forged button)
        await query.answer(t("plan-not-allowed"), show_alert=True)
        return
    message = await pressed(query)
    await state.clear()
    await state.set_state(PlanCreateForm.title)
    await state.update_data(kind=scope.kind.value, scope_id=scope.id)
    if message is not None:
        await ask_next(message, t("plan-ask-title", scope=scope_label(t, scope)))


async def title_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    data = await state.get_data()
    actor = Actor.from_viewer(viewer)
    plan_id = await create_plan(
        session,
        actor=actor,
        scope_kind=ScopeKind(data["kind"]),
        scope_id=data["scope_id"],
        title=message.text or "",
        now=clock(),
    )
    await state.clear()
    text, markup = await tree_page(session, actor, t, clock, plan_id)
    tree = await plan_tree(session, actor=actor, plan_id=plan_id, today=tehran_today(clock()))
    await message.answer(f"{t('plan-created', title=tree.title)}\n\n{text}", reply_markup=markup)


async def start_add_project(
    query: CallbackQuery,
    callback_data: PlanAddProject,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    if not await may_edit_plan(session, actor, callback_data.plan_id):
        await query.answer(t("plan-not-allowed"), show_alert=True)
        return
    tree = await plan_tree(session, actor=actor, plan_id=callback_data.plan_id, today=tehran_today(clock()))
    parent = tree.node(callback_data.parent_id).name if callback_data.parent_id else tree.title
    message = await pressed(query)
    await state.clear()
    await state.set_state(PlanAddForm.name)
    await state.update_data(plan_id=tree.plan_id, parent_id=callback_data.parent_id)
    if message is not None:
        await ask_next(message, t("plan-ask-project", parent=parent))


async def project_named(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    data = await state.get_data()
    actor = Actor.from_viewer(viewer)
    node = await add_plan_node(
        session,
        actor=actor,
        plan_id=data["plan_id"],
        parent_id=data["parent_id"] or None,
        name=message.text or "",
        now=clock(),
    )
    await state.clear()
    text, markup = await card(session, actor, t, clock, node.id)
    await message.answer(f"{t('plan-project-added', name=node.name)}\n\n{text}", reply_markup=markup)


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(start_new_plan, PlanNew.filter())
    router.message.register(title_typed, StateFilter(PlanCreateForm.title), *typed)
    router.callback_query.register(start_add_project, PlanAddProject.filter())
    router.message.register(project_named, StateFilter(PlanAddForm.name), *typed)
    return router
