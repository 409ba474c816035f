"""The /action form's last step: the summary confirmed with ✅ logs the action (and completes the
resolution it answers, when asked), ✖ discards it; either way the form ends and the main menu
comes back."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.actions.form import ActionConfirm, ActionForm
from handlers.forms import pressed
from handlers.menu import main_menu
from models.council import CommitteeKey
from services.accounts import Viewer
from services.actions import ActionView, CannotComplete, DateInFuture, DateTooOld, UnknownLink, log_action
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator
from services.requests import Photo


async def _log(
    session: AsyncSession, viewer: Viewer, data: dict[str, Any], t: BoundTranslator, clock: Clock
) -> ActionView:
    """Log the action the form's data describes."""
    return await log_action(
        session,
        actor=Actor.from_viewer(viewer),
        neighbourhood_id=int(data["neighbourhood_id"]),
        title=data["title"],
        description=data.get("description"),
        committee=CommitteeKey(data["committee"]) if data.get("committee") else None,
        programme=data.get("programme"),
        done_on=date.fromisoformat(data["done_on"]),
        photos=[Photo(platform, file_id) for platform, file_id in data.get("photos", [])],
        resolution_id=data.get("resolution_id"),
        public=bool(data.get("public", True)),
        completes_resolution=bool(data.get("completes")),
        now=clock(),
        translator=t.translator,
    )


async def confirmed(
    query: CallbackQuery,
    callback_data: ActionConfirm,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    message = await pressed(query, drop=True)
    if message is None:
        return
    data = await state.get_data()
    await state.clear()
    if not callback_data.ok:
        await message.answer(t("action-discarded"), reply_markup=await main_menu(session, viewer, t))
        return
    try:
        view = await _log(session, viewer, data, t, clock)
    except PermissionDenied:  # kept here: the answer comes with the main menu
        reply = t("action-not-allowed")
    except (UnknownLink, CannotComplete):
        reply = t("action-link-gone")
    except DateInFuture:
        reply = t("action-date-in-future")
    except DateTooOld:
        reply = t("action-date-too-old")
    else:
        lines = [t("action-logged-public" if view.public else "action-logged-internal", title=view.title)]
        if view.completed_resolution:
            lines.append(t("action-logged-completed"))
        reply = "\n".join(lines)
    await message.answer(reply, reply_markup=await main_menu(session, viewer, t))


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(confirmed, StateFilter(ActionForm.confirm), ActionConfirm.filter())
    return router
