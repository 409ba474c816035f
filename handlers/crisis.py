"""/crisis: the manager sees whether crisis mode is on; switches it on with a short description
(then confirms), or off with an optional note (then confirms). The reply says how many people are
being told; the broadcast itself goes through the outbox (services.crisis)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import pressed, reask, stale_buttons
from handlers.keyboards import drop_buttons
from handlers.menu import AnyMenuPress, MenuPress, main_menu
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.crisis import (
    MAX_DESCRIPTION_LENGTH,
    MAX_NOTE_LENGTH,
    MIN_DESCRIPTION_LENGTH,
    CrisisAlreadyActive,
    CrisisNotActive,
    DescriptionTooLong,
    DescriptionTooShort,
    NoteTooLong,
    clean_description,
    clean_note,
    crisis_state,
    end_crisis,
    start_crisis,
)
from services.i18n import BoundTranslator, Translator
from services.jalali import format_datetime


class CrisisForm(StatesGroup):
    description = State()
    confirm_start = State()
    note = State()
    confirm_end = State()


class CrisisPress(CallbackData, prefix="crs"):
    # "open" (the reminder's button, like /crisis), "on" (confirm start), "end" (begin ending),
    # "skip" (no note), "off" (confirm end), "cancel".
    action: str


def _keyboard(t: BoundTranslator, *buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=t(label), callback_data=CrisisPress(action=action).pack())]
            for label, action in buttons
        ]
    )


# ---- the crisis screen: /crisis, the menu button, the reminder's button ----


async def crisis_command(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()
    await _show_state(message, state, session, viewer, t)


async def opened_from_reminder(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    if (message := await pressed(query)) is not None:
        await state.clear()
        await _show_state(message, state, session, viewer, t)


async def _show_state(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    """Whether crisis mode is on: off, the form asks for a description to switch it on; on, since
    when and why, with the button that ends it. Someone who no longer manages the neighbourhood
    is answered by handlers.errors (`crisis-not-manager`)."""
    neighbourhood_id = managed_neighbourhood(viewer)
    if neighbourhood_id is None:
        await message.answer(t("crisis-not-manager"))
        return
    view = await crisis_state(session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id)
    if view.active is None:
        await state.set_state(CrisisForm.description)
        await state.update_data(
            neighbourhood_id=neighbourhood_id,
            neighbourhood=view.neighbourhood_name,
            audience=view.audience,
        )
        await message.answer(
            t("crisis-off-status", neighbourhood=view.neighbourhood_name, audience=view.audience)
            + "\n\n"
            + t("crisis-ask-description", min=MIN_DESCRIPTION_LENGTH, max=MAX_DESCRIPTION_LENGTH)
        )
        return
    await message.answer(
        t(
            "crisis-on-status",
            neighbourhood=view.neighbourhood_name,
            since=format_datetime(view.active.started_at, t.locale),
            description=view.active.description,
            audience=view.audience,
        ),
        reply_markup=_keyboard(t, ("crisis-button-end", "end")),
    )


# ---- switching on ----


async def description_typed(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    try:
        description = clean_description(message.text or "")
    except DescriptionTooShort:
        await message.answer(t("crisis-description-too-short", min=MIN_DESCRIPTION_LENGTH))
        return
    except DescriptionTooLong as error:
        await message.answer(
            t("crisis-description-too-long", length=error.length, max=MAX_DESCRIPTION_LENGTH)
        )
        return
    data = await state.update_data(description=description)
    await state.set_state(CrisisForm.confirm_start)
    await message.answer(
        t(
            "crisis-confirm-start",
            neighbourhood=data["neighbourhood"],
            audience=data["audience"],
            description=description,
        ),
        reply_markup=_keyboard(t, ("crisis-button-confirm-start", "on"), ("crisis-button-cancel", "cancel")),
    )


async def description_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("crisis-description-expected"))


async def confirmed_start(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    message = await pressed(query, drop=True)
    data = await state.get_data()
    await state.clear()
    reply: str
    try:
        switched = await start_crisis(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=int(data["neighbourhood_id"]),
            description=str(data["description"]),
            now=clock(),
        )
    except PermissionDenied:  # kept here: the answer comes with the main menu
        reply = t("crisis-not-manager")
    except CrisisAlreadyActive as error:
        reply = t("crisis-already-on", since=format_datetime(error.since, t.locale))
    except (DescriptionTooShort, DescriptionTooLong):
        reply = t("crisis-form-closed")
    else:
        reply = t("crisis-started", told=switched.told)
        if not switched.has_crisis_head:
            reply += "\n\n" + t("crisis-started-no-head")
    if message is not None:
        await message.answer(reply, reply_markup=await main_menu(session, viewer, t))


# ---- switching off ----


async def end_pressed(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    neighbourhood_id = managed_neighbourhood(viewer)
    try:
        if neighbourhood_id is None:
            raise PermissionDenied("crisis")
        view = await crisis_state(session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id)
    except PermissionDenied:  # kept here: a pressed button is answered with an alert
        await query.answer(t("crisis-not-manager"), show_alert=True)
        return
    if view.active is None:
        await query.answer(t("crisis-not-on"), show_alert=True)
        await drop_buttons(query)
        return
    message = await pressed(query, drop=True)
    await state.set_state(CrisisForm.note)
    await state.set_data(
        {
            "neighbourhood_id": neighbourhood_id,
            "neighbourhood": view.neighbourhood_name,
            "audience": view.audience,
        }
    )
    if message is not None:
        await message.answer(
            t("crisis-ask-note", max=MAX_NOTE_LENGTH),
            reply_markup=_keyboard(t, ("crisis-button-no-note", "skip"), ("crisis-button-cancel", "cancel")),
        )


async def _confirm_end(message: Message, state: FSMContext, t: BoundTranslator, note: str | None) -> None:
    """Keep the note (or none) and ask to confirm the end of crisis mode."""
    data = await state.update_data(note=note)
    await state.set_state(CrisisForm.confirm_end)
    text = t("crisis-confirm-end", neighbourhood=data["neighbourhood"], audience=data["audience"])
    if note:
        text += "\n" + t("crisis-confirm-end-note", note=note)
    await message.answer(
        text,
        reply_markup=_keyboard(t, ("crisis-button-confirm-end", "off"), ("crisis-button-cancel", "cancel")),
    )


async def note_typed(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    try:
        note = clean_note(message.text)
    except NoteTooLong as error:
        await message.answer(t("crisis-note-too-long", length=error.length, max=MAX_NOTE_LENGTH))
        return
    await _confirm_end(message, state, t, note)


async def note_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("crisis-note-expected"))


async def no_note(query: CallbackQuery, state: FSMContext, t: BoundTranslator) -> None:
    if (message := await pressed(query, drop=True)) is not None:
        await _confirm_end(message, state, t, None)


async def confirmed_end(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    translator: Translator,
    clock: Clock,
) -> None:
    message = await pressed(query, drop=True)
    data: dict[str, Any] = await state.get_data()
    await state.clear()
    reply: str
    try:
        switched = await end_crisis(
            session,
            translator,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=int(data["neighbourhood_id"]),
            note=data.get("note"),
            now=clock(),
        )
    except PermissionDenied:  # kept here: the answer comes with the main menu
        reply = t("crisis-not-manager")
    except CrisisNotActive:
        reply = t("crisis-not-on")
    except NoteTooLong:
        reply = t("crisis-form-closed")
    else:
        reply = t("crisis-ended", told=switched.told)
    if message is not None:
        await message.answer(reply, reply_markup=await main_menu(session, viewer, t))


# ---- cancelling, buttons expected ----


async def cancelled(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()
    if (message := await pressed(query, drop=True)) is not None:
        await message.answer(t("crisis-cancelled"), reply_markup=await main_menu(session, viewer, t))


async def button_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("crisis-button-expected"))


def setup() -> Router:
    router = Router(name=__name__)
    typed = (F.text, ~F.text.startswith("/"), ~AnyMenuPress())
    not_typed = (~F.text.startswith("/"), ~AnyMenuPress())
    # The command first, so it also works in the middle of a form.
    router.message.register(crisis_command, MenuPress("crisis"))
    router.message.register(crisis_command, Command("crisis"))
    router.callback_query.register(opened_from_reminder, CrisisPress.filter(F.action == "open"))
    # Switching on.
    router.message.register(description_typed, StateFilter(CrisisForm.description), *typed)
    router.message.register(description_expected, StateFilter(CrisisForm.description), *not_typed)
    router.callback_query.register(
        confirmed_start, StateFilter(CrisisForm.confirm_start), CrisisPress.filter(F.action == "on")
    )
    # Switching off.
    router.callback_query.register(end_pressed, CrisisPress.filter(F.action == "end"))
    router.message.register(note_typed, StateFilter(CrisisForm.note), *typed)
    router.message.register(note_expected, StateFilter(CrisisForm.note), *not_typed)
    router.callback_query.register(
        no_note, StateFilter(CrisisForm.note), CrisisPress.filter(F.action == "skip")
    )
    router.callback_query.register(
        confirmed_end, StateFilter(CrisisForm.confirm_end), CrisisPress.filter(F.action == "off")
    )
    # Cancelling, buttons expected, and a button of a form that is no longer open (answered
    # already, cancelled, or another step).
    router.callback_query.register(
        cancelled, StateFilter(CrisisForm), CrisisPress.filter(F.action == "cancel")
    )
    router.message.register(
        button_expected, StateFilter(CrisisForm.confirm_start, CrisisForm.confirm_end), *not_typed
    )
    stale_buttons(router, CrisisPress.filter(), closed="crisis-form-closed")
    return router
