"""Linking a project to a resolution, from its card: 🔗 lists the resolutions of the plan's region
not linked to it yet (open ones first, ten a page), and a press links one and shows the card again
— with the progress move it suggests at once when the resolution is done already. Both redrawn in
place."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed, show
from handlers.plans.browse import card
from handlers.plans.keyboards import PlanLinkList, PlanLinkPick
from handlers.plans.render import PAGE_SIZE, render_link_choices
from services.accounts import Viewer
from services.authz import Actor
from services.clock import Clock
from services.i18n import BoundTranslator
from services.plans import OutsidePlan, link_resolution, linkable_resolutions


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
    text, markup = await card(session, actor, t, clock, callback_data.node_id)
    key = "plan-linked" if result.linked else "plan-link-already"
    note = t(key, id=callback_data.resolution_id)
    if (message := await pressed(query)) is not None:
        await show(message, f"{note}\n\n{text}", markup)


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(link_choices, PlanLinkList.filter())
    router.callback_query.register(link_picked, PlanLinkPick.filter())
    return router
