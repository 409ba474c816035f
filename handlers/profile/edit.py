"""Editing a profile, one field at a time, from the edit menu under the manager's profile: a
typed value (a count in any digits, the area, a Jalali date, the main problems; «-» empties it)
or the national programmes toggled with buttons. The service checks each value and who may save
it; a refused value is explained and the question stays open."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed, reask
from handlers.profile.card import (
    EDITABLE_FIELDS,
    ProfileEdit,
    ProfileForm,
    ProgrammeToggle,
    field_value,
    send_profile,
)
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import (
    FACILITY_KEYS,
    MAX_PROBLEMS_LENGTH,
    PROGRAMME_KEYS,
    InvalidProfile,
    ProfileView,
    get_profile,
    update_profile,
)
from services.i18n import BoundTranslator
from services.jalali import DateParseError, parse_jalali_date
from services.persian import normalize_text

PROBLEMS_LIMIT = MAX_PROBLEMS_LENGTH
# A number typed longer than this is not a count anyone means (and int() refuses huge strings).
NUMBER_TEXT_LIMIT = 32
# What a manager sends to empty a field.
CLEAR_MARKS = frozenset({"-", "—", "–"})

# InvalidProfile.reason → the message that explains it.
_REASON_KEYS = {
    "not_a_number": "profile-bad-number",
    "negative": "profile-bad-negative",
    "too_large": "profile-bad-too-large",
    "exceeds_population": "profile-bad-households",
    "in_future": "profile-bad-date-future",
}


def programmes_keyboard(selected: list[str], t: BoundTranslator) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=("✅ " if key in selected else "") + t(f"programme-{key}"),
                callback_data=ProgrammeToggle(key=key).pack(),
            )
        ]
        for key in PROGRAMME_KEYS
    ]
    rows.append(
        [InlineKeyboardButton(text=t("button-save"), callback_data=ProgrammeToggle(key="done").pack())]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def ask_value(field: str, profile: ProfileView, t: BoundTranslator) -> str:
    """The question for a typed field, with its current value."""
    label, current = t(f"profile-field-{field}"), field_value(profile, field, t)
    if field == "main_problems":
        return t("profile-ask-problems", limit=PROBLEMS_LIMIT)
    if field == "council_formed_on":
        return t("profile-ask-date", current=current)
    if field == "area_hectares":
        return t("profile-ask-area", current=current)
    return t("profile-ask-number", field=label, current=current)


def _changes(field: str, text: str) -> dict[str, Any]:
    """The `update_profile` changes for a typed number (already normalised; the service reads its
    digits and says what is wrong with it). `CLEAR_MARKS` empties the field."""
    value: str | None = None if text in CLEAR_MARKS else text
    if field in FACILITY_KEYS:
        return {"facilities": {field: value}}
    return {field: value}


def _problems_text(raw: str) -> str:
    # Lines are kept (a list of problems reads better that way); each is normalised on its own.
    return "\n".join(line for line in (normalize_text(part) for part in raw.splitlines()) if line)


async def edit_field(
    query: CallbackQuery,
    callback_data: ProfileEdit,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    field, neighbourhood_id = callback_data.field, callback_data.neighbourhood_id
    if field not in EDITABLE_FIELDS:
        await query.answer(t("error-unsupported-input"))
        return
    try:
        # Asked of the service up front, so a forged or stale button is refused before any typing.
        current = await get_profile(
            session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id
        )
    except (PermissionDenied, LookupError):
        await state.clear()
        await query.answer(t("profile-not-manager"), show_alert=True)
        return
    message = await pressed(query)
    await state.clear()
    if field == "programmes":
        selected = list(current.programmes)
        await state.set_state(ProfileForm.programmes)
        await state.update_data(neighbourhood_id=neighbourhood_id, programmes=selected)
        if message is not None:
            await message.answer(t("profile-ask-programmes"), reply_markup=programmes_keyboard(selected, t))
        return
    await state.set_state(ProfileForm.value)
    await state.update_data(neighbourhood_id=neighbourhood_id, field=field)
    if message is not None:
        await message.answer(ask_value(field, current, t))


async def _save(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
    field: str,
    changes: dict[str, Any],
    length: int = 0,
) -> bool:
    """Save one field and show the profile again; a refused value is explained and the
    question stays open (False)."""
    neighbourhood_id: int = (await state.get_data())["neighbourhood_id"]
    try:
        await update_profile(
            session,
            actor=Actor.from_viewer(viewer),
            neighbourhood_id=neighbourhood_id,
            changes=changes,
            now=clock(),
        )
    except InvalidProfile as invalid:
        if invalid.reason == "too_long":
            await message.answer(t("error-text-too-long", length=length, limit=PROBLEMS_LIMIT))
        else:
            await message.answer(t(_REASON_KEYS.get(invalid.reason, "profile-bad-value")))
        return False
    except (PermissionDenied, LookupError):
        await state.clear()
        await message.answer(t("profile-not-manager"))
        return False
    await state.clear()
    note = t("profile-saved", field=t(f"profile-field-{field}"))
    await send_profile(message, session, viewer, neighbourhood_id, t, note=note)
    return True


def _typed_changes(field: str, raw: str) -> dict[str, Any] | str:
    """What a typed value changes, or the catalog key of why it can't be read."""
    text = normalize_text(raw)
    if field == "council_formed_on":
        if text in CLEAR_MARKS:
            return {field: None}
        try:
            return {field: parse_jalali_date(text)}
        except DateParseError as error:
            return f"profile-bad-date-{error.reason}"
    if len(text) > NUMBER_TEXT_LIMIT:
        return "profile-bad-number"
    return _changes(field, text)


async def got_value(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    field: str = (await state.get_data())["field"]
    raw = message.text or ""
    if field == "main_problems":
        problems = _problems_text(raw)
        changes: dict[str, Any] = {"main_problems": None if problems in CLEAR_MARKS else problems}
        await _save(message, state, session, viewer, t, clock, field, changes, length=len(problems))
        return
    read = _typed_changes(field, raw)
    if isinstance(read, str):
        await message.answer(t(read))
        return
    await _save(message, state, session, viewer, t, clock, field, read)


async def value_expected(message: Message, t: BoundTranslator) -> None:
    await message.answer(t("profile-value-expected"))


async def toggle_programme(
    query: CallbackQuery,
    callback_data: ProgrammeToggle,
    state: FSMContext,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    selected: list[str] = list((await state.get_data()).get("programmes", []))
    done = callback_data.key == "done"
    message = await pressed(query, drop=done)
    if done:
        if message is not None:
            changes: dict[str, Any] = {"programmes": selected}
            saved = await _save(message, state, session, viewer, t, clock, "programmes", changes)
            if not saved and await state.get_state() == ProfileForm.programmes.state:
                await message.answer(
                    t("profile-ask-programmes"), reply_markup=programmes_keyboard(selected, t)
                )
        return
    if callback_data.key not in PROGRAMME_KEYS:
        return
    key = callback_data.key
    selected = [k for k in selected if k != key] if key in selected else [*selected, key]
    await state.update_data(programmes=selected)
    if message is not None:
        # Ticked in place: the same question, its buttons redrawn.
        await message.edit_reply_markup(reply_markup=programmes_keyboard(selected, t))


async def programmes_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
    await reask(message, state, t("council-use-buttons"))


def setup() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(edit_field, ProfileEdit.filter())
    router.message.register(got_value, StateFilter(ProfileForm.value), F.text, ~F.text.startswith("/"))
    router.message.register(value_expected, StateFilter(ProfileForm.value), ~F.text)
    router.callback_query.register(
        toggle_programme, StateFilter(ProfileForm.programmes), ProgrammeToggle.filter()
    )
    router.message.register(programmes_expected, StateFilter(ProfileForm.programmes), ~F.text.startswith("/"))
    return router
