"""Reporting on a resolution, by whoever answers for it (and the manager): 📈 on its card or in
its notification opens a short form — the progress (25/50/75/100 % or a number typed in any
digits) or a status (done, stalled…; cancelled only for those who manage the neighbourhood), then
a note or none — and the service saves it, tells the others and closes the form."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import ask_next, pressed
from handlers.menu import AnyMenuPress
from handlers.resolutions.keyboards import (
    ProgressPick,
    SkipNote,
    StartUpdate,
    StatusMenu,
    StatusPick,
    progress_keyboard,
    skip_note_keyboard,
    status_keyboard,
)
from handlers.resolutions.states import UpdateForm
from models.resolutions import ResolutionStatus
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied, can_manage_neighbourhood
from services.clock import Clock
from services.i18n import BoundTranslator, Translator
from services.resolutions import (
    MAX_NOTE_LENGTH,
    InvalidProgress,
    NothingToUpdate,
    ResolutionClosed,
    TextTooLong,
    UnknownResolution,
    clean_note,
    get_resolution,
    may_update,
    parse_progress,
    update_progress,
)


async def start_update(
    query: CallbackQuery,
    callback_data: StartUpdate,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    actor = Actor.from_viewer(viewer)
    if not await may_update(session, actor, callback_data.resolution_id):
        await query.answer(t("resolutions-not-allowed"), show_alert=True)
        return
    view = await get_resolution(session, actor=actor, resolution_id=callback_data.resolution_id)
    message = await pressed(query)
    await state.clear()
    await state.set_state(UpdateForm.progress)
    await state.update_data(resolution_id=view.id)
    if message is not None:
        await message.answer(
            t(
                "resolution-ask-progress",
                id=view.id,
                text=view.text[:200],
                progress=view.progress,
                status=t(f"resolution-status-{view.status.value}"),
            ),
            reply_markup=progress_keyboard(t),
        )


async def ask_note(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await state.set_state(UpdateForm.note)
    await message.answer(t("resolution-ask-note", max=MAX_NOTE_LENGTH), reply_markup=skip_note_keyboard(t))


async def progress_picked(
    query: CallbackQuery, callback_data: ProgressPick, state: FSMContext, t: BoundTranslator
) -> None:
    message = await pressed(query, drop=True)
    await state.update_data(progress=callback_data.value, status=None)
    if message is not None:
        await ask_note(message, state, t)


async def progress_typed(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    try:
        progress = parse_progress(message.text or "")
    except InvalidProgress:
        await message.answer(t("resolution-bad-progress"), reply_markup=progress_keyboard(t))
        return
    await state.update_data(progress=progress, status=None)
    await ask_note(message, state, t)


async def status_menu(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    message = await pressed(query)
    data = await state.get_data()
    # Cancelling is for those who manage the neighbourhood; when in doubt, it is not offered.
    try:
        view = await get_resolution(
            session, actor=Actor.from_viewer(viewer), resolution_id=data["resolution_id"]
        )
        manages = await can_manage_neighbourhood(session, Actor.from_viewer(viewer), view.neighbourhood_id)
    except (PermissionDenied, UnknownResolution):
        manages = False
    if message is not None:
        await ask_next(message, t("resolution-ask-status"), status_keyboard(t, manages=manages))


async def status_picked(
    query: CallbackQuery, callback_data: StatusPick, state: FSMContext, t: BoundTranslator
) -> None:
    try:
        status = ResolutionStatus(callback_data.status)
    except ValueError:  # a forged button: nothing to do, and the question stays
        await query.answer()
        return
    await state.update_data(progress=None, status=status.value)
    if (message := await pressed(query, drop=True)) is not None:
        await ask_note(message, state, t)


async def save_update(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
    note: str | None,
) -> None:
    """Save the progress or status chosen with `note`; whatever the service refuses is said, and
    the form goes back to the progress only when the choice contradicts the resolution's state."""
    data = await state.get_data()
    try:
        view = await update_progress(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            resolution_id=data["resolution_id"],
            progress=data.get("progress"),
            status=ResolutionStatus(data["status"]) if data.get("status") else None,
            note=note,
            now=clock(),
        )
    except TextTooLong as error:
        await message.answer(t("resolution-note-too-long", length=error.length, max=MAX_NOTE_LENGTH))
        return
    except InvalidProgress:
        await state.set_state(UpdateForm.progress)
        await message.answer(t("resolution-progress-contradicts"), reply_markup=progress_keyboard(t))
        return
    except NothingToUpdate:
        await state.clear()
        await message.answer(t("resolution-nothing-changed"))
        return
    except ResolutionClosed as error:
        await state.clear()
        await message.answer(t("resolution-closed", status=t(f"resolution-status-{error.status.value}")))
        return
    except (PermissionDenied, UnknownResolution):
        await state.clear()
        await message.answer(t("resolutions-not-allowed"))
        return
    await state.clear()
    status = t(f"resolution-status-{view.status.value}")
    await message.answer(t("resolution-updated", id=view.id, progress=view.progress, status=status))


async def note_typed(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    try:
        note = clean_note(message.text)
    except TextTooLong as error:
        await message.answer(t("resolution-note-too-long", length=error.length, max=MAX_NOTE_LENGTH))
        return
    await save_update(message, state, session, viewer, t, translator, clock, note)


async def note_skipped(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        await save_update(message, state, session, viewer, t, translator, clock, None)


def setup() -> Router:
    router = Router(name=__name__)
    text_typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    router.callback_query.register(start_update, StartUpdate.filter())
    router.callback_query.register(progress_picked, StateFilter(UpdateForm.progress), ProgressPick.filter())
    router.message.register(progress_typed, StateFilter(UpdateForm.progress), *text_typed)
    router.callback_query.register(status_menu, StateFilter(UpdateForm.progress), StatusMenu.filter())
    router.callback_query.register(status_picked, StateFilter(UpdateForm.progress), StatusPick.filter())
    router.message.register(note_typed, StateFilter(UpdateForm.note), *text_typed)
    router.callback_query.register(note_skipped, StateFilter(UpdateForm.note), SkipNote.filter())
    return router
