"""Linking a project to a resolution or an action, from its card: 🔗 lists the resolutions of the
plan's region not linked to it yet (open ones first, ten a page), 🛠 its actions (the latest done
first), and a press links one and shows the card again — with the progress move it suggests at once
when the resolution is done already (an action always is). All redrawn in place."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed, show
from handlers.plans.browse import card
from handlers.plans.keyboards import PlanActionList, PlanActionPick, PlanLinkList, PlanLinkPick
from handlers.plans.render import PAGE_SIZE, render_action_choices, render_link_choices
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.plans import (
    LinkResult,
    OutsidePlan,
    link_action,
    link_resolution,
    linkable_actions,
    linkable_resolutions,
)


async def _card_with_note(
    query: CallbackQuery,
    session: AsyncSession,
    actor: Actor,
    t: BoundTranslator,
    clock: Clock,
    node_id: int,
    note: str,
) -> None:
    """The project's card again, redrawn in place, under a line saying what the press did."""
    text, markup = await card(session, actor, t, clock, node_id)
    if (message := await pressed(query)) is not None:
        await show(message, f"{note}\n\n{text}", markup)


async def link_choices(
    query: CallbackQuery,
    callback_data: PlanLinkList,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    page = max(callback_data.page, 0)
    choices = await linkable_resolutions(
        session,
        actor=Actor.from_viewer(viewer),
        node_id=callback_data.node_id,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    text, markup = render_link_choices(t, choices, page)
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


async def link_picked(
    query: CallbackQuery,
    callback_data: PlanLinkPick,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    try:
        result = await link_resolution(
            session,
            actor=actor,
            node_id=callback_data.node_id,
            resolution_id=callback_data.resolution_id,
            now=clock(),
        )
    except OutsidePlan:  # a forged button: nothing changes
        await query.answer(t("plan-link-outside"), show_alert=True)
        return
    note = t("plan-linked" if result.linked else "plan-link-already", id=callback_data.resolution_id)
    await _card_with_note(query, session, actor, t, clock, callback_data.node_id, note)


async def action_choices(
    query: CallbackQuery,
    callback_data: PlanActionList,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    page = max(callback_data.page, 0)
    choices = await linkable_actions(
        session,
        actor=Actor.from_viewer(viewer),
        node_id=callback_data.node_id,
        offset=page * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    text, markup = render_action_choices(t, choices, page)
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


async def action_picked(
    query: CallbackQuery,
    callback_data: PlanActionPick,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    try:
        result: LinkResult = await link_action(
            session,
            actor=actor,
            node_id=callback_data.node_id,
            action_id=callback_data.action_id,
            now=clock(),
        )
    except OutsidePlan:  # a forged button: nothing changes
        await query.answer(t("plan-action-link-outside"), show_alert=True)
        return
    except LookupError:  # deleted since the list was drawn
        await query.answer(t("plan-action-link-gone"), show_alert=True)
        return
    note = t("plan-action-linked" if result.linked else "plan-action-link-already")
    await _card_with_note(query, session, actor, t, clock, callback_data.node_id, note)


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(link_choices, PlanLinkList.filter())
    router.callback_query.register(link_picked, PlanLinkPick.filter())
    router.callback_query.register(action_choices, PlanActionList.filter())
    router.callback_query.register(action_picked, PlanActionPick.filter())
    return router
