"""/resolutions and the lists it opens: a neighbourhood's resolutions (the council's, or any by its
code for an official) or the viewer's own, by state and committee, page by page; a resolution's
card with its update and history buttons, and its history. The command comes first in the
feature's router, so it works in the middle of a form."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed, show
from handlers.keyboards import keyboard
from handlers.menu import MenuPress
from handlers.resolutions.keyboards import (
    CommitteeFilter,
    OpenResolution,
    ResolutionList,
    ShowHistory,
    StartUpdate,
)
from handlers.resolutions.rendering import (
    committee_keyboard,
    council_neighbourhood,
    render_list,
    split_messages,
)
from services.accounts import Viewer
from services.authz import OFFICIALS, Actor, PermissionDenied
from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import tehran_today
from services.persian import normalize_text
from services.regions import neighbourhood_by_code
from services.resolutions import (
    ResolutionFilter,
    UnknownResolution,
    describe_history,
    describe_resolution,
    get_resolution,
    may_update,
)


async def _first_list(
    message: Message, session: AsyncSession, viewer: Viewer, t: BoundTranslator, args: str
) -> ResolutionList | None:
    """The list /resolutions opens: a neighbourhood's by its code (officials), the viewer's
    council's, else their own; None when answered instead (an unknown code, an official without
    a council and no code)."""
    official = any(grant.role in OFFICIALS for grant in viewer.roles)
    if args and official:
        neighbourhood = await neighbourhood_by_code(session, args)
        if neighbourhood is None:
            await message.answer(t("resolutions-unknown-code", code=args))
            return None
        nid: int | None = neighbourhood.id
    else:
        nid = council_neighbourhood(viewer)
        if nid is None and official:
            await message.answer(t("resolutions-official-hint"))
            return None
    if nid is None:
        return ResolutionList(scope="m", nid=0, flt=ResolutionFilter.OPEN.value)
    return ResolutionList(scope="n", nid=nid, flt=ResolutionFilter.OPEN.value)


async def show_resolutions(
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
        await message.answer(t("join-register-first"))
        return
    args = normalize_text(command.args or "") if command is not None else ""
    current = await _first_list(message, session, viewer, t, args)
    if current is None:
        return
    # A list the viewer may not read is refused by handlers.errors (`resolutions-not-allowed`).
    text, markup = await render_list(session, viewer, t, tehran_today(clock()), current)
    await message.answer(text, reply_markup=markup)


async def list_page(
    query: CallbackQuery,
    callback_data: ResolutionList,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    try:
        text, markup = await render_list(session, viewer, t, tehran_today(clock()), callback_data)
    except (PermissionDenied, ValueError):
        await query.answer(t("resolutions-not-allowed"), show_alert=True)
        return
    if (message := await pressed(query)) is not None:
        await show(message, text, markup)


async def committee_filter(query: CallbackQuery, callback_data: CommitteeFilter, t: BoundTranslator) -> None:
    if (message := await pressed(query)) is not None:
        await message.edit_reply_markup(
            reply_markup=committee_keyboard(t, callback_data.nid, callback_data.flt)
        )


async def open_resolution(
    query: CallbackQuery,
    callback_data: OpenResolution,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    actor = Actor.from_viewer(viewer)
    try:
        view = await get_resolution(session, actor=actor, resolution_id=callback_data.resolution_id)
    except (PermissionDenied, UnknownResolution):
        await query.answer(t("resolutions-not-allowed"), show_alert=True)
        return
    message = await pressed(query)
    buttons = [(t("resolution-button-history"), ShowHistory(resolution_id=view.id).pack())]
    if await may_update(session, actor, view.id):
        buttons.insert(0, (t("resolution-button-update"), StartUpdate(resolution_id=view.id).pack()))
    if message is not None:
        await message.answer(
            describe_resolution(t, view, tehran_today(clock())), reply_markup=keyboard([buttons])
        )


async def show_history(
    query: CallbackQuery,
    callback_data: ShowHistory,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    try:
        view = await get_resolution(
            session, actor=Actor.from_viewer(viewer), resolution_id=callback_data.resolution_id
        )
    except (PermissionDenied, UnknownResolution):
        await query.answer(t("resolutions-not-allowed"), show_alert=True)
        return
    if (message := await pressed(query)) is None:
        return
    parts = [t("resolution-history-title", id=view.id, text=view.text[:200]), *describe_history(t, view)]
    for text in split_messages(parts):
        await message.answer(text)


def setup() -> Router:
    router = Router(name=__name__)
    # In the order the stacked decorators registered them (bottom-up).
    router.message.register(show_resolutions, MenuPress("resolutions"))
    router.message.register(show_resolutions, Command("resolutions"))
    router.callback_query.register(list_page, ResolutionList.filter())
    router.callback_query.register(committee_filter, CommitteeFilter.filter())
    router.callback_query.register(open_resolution, OpenResolution.filter())
    router.callback_query.register(show_history, ShowHistory.filter())
    return router
