"""/profile: the neighbourhood profile (شناسنامه محله). The manager sees their neighbourhood's and
edits it one field at a time; county and province officials read any neighbourhood's in their
region, named by code or by name (`/profile CODE`, or asked for)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.council import managed_neighbourhood
from handlers.forms import reask
from handlers.keyboards import message_of
from handlers.menu import MenuPress
from models.identity import Role, ScopeKind
from services.accounts import Viewer
from services.authz import OFFICIALS, Actor, PermissionDenied
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
from services.jalali import DateParseError, format_datetime, format_jalali_date, parse_jalali_date
from services.persian import normalize_text, to_persian_digits
from services.regions import NeighbourhoodMatch, find_neighbourhoods, neighbourhood_code, normalize_code

PROBLEMS_LIMIT = MAX_PROBLEMS_LENGTH
# Shown in the profile message, so that it stays under the messengers' 4096-character limit.
PROBLEMS_SHOWN = 3000
# A number typed longer than this is not a count anyone means (and int() refuses huge strings).
NUMBER_TEXT_LIMIT = 32
QUERY_LIMIT = 150
MATCHES_SHOWN = 5
# What a manager sends to empty a field.
CLEAR_MARKS = frozenset({"-", "—", "–"})

COUNT_FIELDS = ("population", "households")
# The order of the edit menu (facilities are edited one by one, by their own key).
EDITABLE_FIELDS: tuple[str, ...] = (
    *COUNT_FIELDS,
    "area_hectares",
    *FACILITY_KEYS,
    "main_problems",
    "programmes",
    "council_formed_on",
)
EDIT_ARGS = frozenset({"edit", "ویرایش"})

# InvalidProfile.reason → the message that explains it.
_REASON_KEYS = {
    "not_a_number": "profile-bad-number",
    "negative": "profile-bad-negative",
    "too_large": "profile-bad-too-large",
    "exceeds_population": "profile-bad-households",
    "in_future": "profile-bad-date-future",
}


class ProfileForm(StatesGroup):
    neighbourhood = State()  # an official is asked which neighbourhood
    value = State()  # the manager types the new value of data["field"]
    programmes = State()  # the manager toggles the national programmes


class ProfileOpen(CallbackData, prefix="pf_open"):
    neighbourhood_id: int


class ProfileEdit(CallbackData, prefix="pf_edit"):
    neighbourhood_id: int
    field: str


class ProgrammeToggle(CallbackData, prefix="pf_prog"):
    key: str  # a programme key, or "done"


def manages(viewer: Viewer, neighbourhood_id: int) -> bool:
    """Whether the person is this neighbourhood's manager (the one who edits its profile)."""
    return any(
        grant.role == Role.MANAGER
        and grant.scope_kind == ScopeKind.NEIGHBOURHOOD
        and grant.scope_id == neighbourhood_id
        for grant in viewer.roles
    )


def _number(value: float, locale: str) -> str:
    """12500 → «۱۲٬۵۰۰» / "12,500"; 120.5 → «۱۲۰٫۵» / "120.5"."""
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if locale == "fa":
        return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))
    return text


def _field_value(profile: ProfileView, field: str, t: BoundTranslator) -> str:
    """One field of the profile, as shown to people."""
    not_set = t("profile-not-set")
    if field == "population":
        return (
            t("profile-people", count=_number(profile.population, t.locale))
            if profile.population is not None
            else not_set
        )
    if field == "households":
        return _number(profile.households, t.locale) if profile.households is not None else not_set
    if field == "area_hectares":
        area = profile.area_hectares
        return t("profile-hectares", area=_number(area, t.locale)) if area is not None else not_set
    if field in FACILITY_KEYS:
        count = profile.facilities.get(field)
        return _number(count, t.locale) if count is not None else not_set
    if field == "programmes":
        names = [t(f"programme-{key}") for key in profile.programmes]
        return t.join(names) if names else t("profile-no-programmes")
    if field == "council_formed_on":
        formed = profile.council_formed_on
        return format_jalali_date(formed, t.locale) if formed is not None else not_set
    if field == "main_problems":
        return profile.main_problems or not_set
    raise ValueError(field)


def render_profile(profile: ProfileView, code: str, t: BoundTranslator) -> str:
    def line(field: str) -> str:
        return t("profile-line", field=t(f"profile-field-{field}"), value=_field_value(profile, field, t))

    lines = [
        t("profile-title", name=profile.neighbourhood_name, code=code),
        t("profile-line", field=t("profile-field-kind"), value=t(f"profile-kind-{profile.kind.value}")),
        *(line(field) for field in (*COUNT_FIELDS, "area_hectares")),
        t("profile-facilities-title"),
        *(line(key) for key in FACILITY_KEYS),
        line("programmes"),
        line("council_formed_on"),
    ]
    problems = profile.main_problems
    if problems is None:
        lines.append(line("main_problems"))
    else:
        # Several lines of the manager's own text: under a title of their own, not after a bullet.
        shown = problems if len(problems) <= PROBLEMS_SHOWN else problems[:PROBLEMS_SHOWN] + "…"
        lines += [t("profile-problems-title"), shown]
    if profile.updated_at is not None:
        lines += ["", t("profile-updated", at=format_datetime(profile.updated_at, t.locale))]
    return "\n".join(lines)


def edit_keyboard(neighbourhood_id: int, t: BoundTranslator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=t("profile-edit-button", field=t(f"profile-field-{field}")),
            callback_data=ProfileEdit(neighbourhood_id=neighbourhood_id, field=field).pack(),
        )
        for field in EDITABLE_FIELDS
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


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


def neighbourhoods_keyboard(matches: list[NeighbourhoodMatch], t: BoundTranslator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("join-match-button", name=match.name, county=match.county_name),
                    callback_data=ProfileOpen(neighbourhood_id=match.id).pack(),
                )
            ]
            for match in matches
        ]
    )


def ask_value(field: str, profile: ProfileView, t: BoundTranslator) -> str:
    """The question for a typed field, with its current value."""
    label, current = t(f"profile-field-{field}"), _field_value(profile, field, t)
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


def setup() -> Router:
    router = Router(name=__name__)

    async def show(
        message: Message,
        session: AsyncSession,
        viewer: Viewer,
        neighbourhood_id: int,
        t: BoundTranslator,
        note: str | None = None,
    ) -> None:
        """Send the profile (after `note`, if any); the manager gets the edit menu under it."""
        try:
            profile = await get_profile(
                session, actor=Actor.from_viewer(viewer), neighbourhood_id=neighbourhood_id
            )
        except (PermissionDenied, LookupError):
            await message.answer(t("profile-not-allowed"))
            return
        text = render_profile(profile, await neighbourhood_code(session, neighbourhood_id), t)
        editable = manages(viewer, neighbourhood_id)
        if editable and profile.updated_at is None:
            text += "\n\n" + t("profile-empty-hint")
        if note:
            text = note + "\n\n" + text
        await message.answer(text, reply_markup=edit_keyboard(neighbourhood_id, t) if editable else None)

    async def find_and_show(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        text: str,
        t: BoundTranslator,
    ) -> None:
        """An official named a neighbourhood by code or name: show it, offer the matches, or ask again."""
        query = normalize_text(text)
        await state.set_state(ProfileForm.neighbourhood)
        if len(query) > QUERY_LIMIT or not any(c.isalnum() for c in query):
            await message.answer(t("profile-ask-neighbourhood"))
            return
        matches = await find_neighbourhoods(session, query, limit=MATCHES_SHOWN)
        if not matches:
            await message.answer(t("profile-no-match", query=query))
            return
        # A code, or a name that only one neighbourhood has exactly: no need to ask.
        exact = [m for m in matches if m.code == normalize_code(query) or m.score >= 1.0]
        if len(exact) == 1:
            await state.clear()
            await show(message, session, viewer, exact[0].id, t)
            return
        await message.answer(t("profile-pick"), reply_markup=neighbourhoods_keyboard(matches, t))

    @router.message(Command("profile"))
    @router.message(MenuPress("profile"))
    async def profile(
        message: Message,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
        command: CommandObject | None = None,
    ) -> None:
        await state.clear()
        args = normalize_text(command.args or "") if command is not None else ""
        managed = managed_neighbourhood(viewer)
        official = any(grant.role in OFFICIALS for grant in viewer.roles)
        if args.lower() in EDIT_ARGS:
            if managed is None:
                await message.answer(t("profile-not-manager"))
            else:
                await show(message, session, viewer, managed, t)
        elif managed is None and not official:
            # Which neighbourhoods they may read is still the service's call; this only spares
            # everyone else a question that can lead nowhere.
            await message.answer(t("profile-not-allowed"))
        elif args:
            await find_and_show(message, state, session, viewer, args, t)
        elif managed is not None:
            await show(message, session, viewer, managed, t)
        else:
            await state.set_state(ProfileForm.neighbourhood)
            await message.answer(t("profile-ask-neighbourhood"))

    # Commands fall through to their own routers: /help or /join in the middle still work.
    @router.message(StateFilter(ProfileForm.neighbourhood), F.text, ~F.text.startswith("/"))
    async def got_neighbourhood(
        message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
    ) -> None:
        await find_and_show(message, state, session, viewer, message.text or "", t)

    @router.message(StateFilter(ProfileForm.neighbourhood), ~F.text)
    async def neighbourhood_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("profile-ask-neighbourhood"))

    @router.callback_query(ProfileOpen.filter())
    async def opened(
        query: CallbackQuery,
        callback_data: ProfileOpen,
        state: FSMContext,
        session: AsyncSession,
        viewer: Viewer,
        t: BoundTranslator,
    ) -> None:
        await query.answer()
        await state.clear()
        if (message := message_of(query)) is not None:
            await message.edit_reply_markup(reply_markup=None)
            await show(message, session, viewer, callback_data.neighbourhood_id, t)

    @router.callback_query(ProfileEdit.filter())
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
        await query.answer()
        await state.clear()
        message = message_of(query)
        if field == "programmes":
            selected = list(current.programmes)
            await state.set_state(ProfileForm.programmes)
            await state.update_data(neighbourhood_id=neighbourhood_id, programmes=selected)
            if message is not None:
                await message.answer(
                    t("profile-ask-programmes"), reply_markup=programmes_keyboard(selected, t)
                )
            return
        await state.set_state(ProfileForm.value)
        await state.update_data(neighbourhood_id=neighbourhood_id, field=field)
        if message is not None:
            await message.answer(ask_value(field, current, t))

    async def save(
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
        await show(message, session, viewer, neighbourhood_id, t, note=note)
        return True

    @router.message(StateFilter(ProfileForm.value), F.text, ~F.text.startswith("/"))
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
        text = normalize_text(raw)
        if field == "main_problems":
            problems = _problems_text(raw)
            changes: dict[str, Any] = {"main_problems": None if problems in CLEAR_MARKS else problems}
            await save(message, state, session, viewer, t, clock, field, changes, length=len(problems))
            return
        if field == "council_formed_on":
            if text in CLEAR_MARKS:
                changes = {field: None}
            else:
                try:
                    changes = {field: parse_jalali_date(text)}
                except DateParseError as error:
                    await message.answer(t(f"profile-bad-date-{error.reason}"))
                    return
            await save(message, state, session, viewer, t, clock, field, changes)
            return
        if len(text) > NUMBER_TEXT_LIMIT:
            await message.answer(t("profile-bad-number"))
            return
        await save(message, state, session, viewer, t, clock, field, _changes(field, text))

    @router.message(StateFilter(ProfileForm.value), ~F.text)
    async def value_expected(message: Message, t: BoundTranslator) -> None:
        await message.answer(t("profile-value-expected"))

    @router.callback_query(StateFilter(ProfileForm.programmes), ProgrammeToggle.filter())
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
        message = message_of(query)
        await query.answer()
        if callback_data.key == "done":
            if message is not None:
                await message.edit_reply_markup(reply_markup=None)
                changes: dict[str, Any] = {"programmes": selected}
                if not await save(message, state, session, viewer, t, clock, "programmes", changes):
                    if await state.get_state() == ProfileForm.programmes.state:
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
            await message.edit_reply_markup(reply_markup=programmes_keyboard(selected, t))

    @router.message(StateFilter(ProfileForm.programmes), ~F.text.startswith("/"))
    async def programmes_expected(message: Message, state: FSMContext, t: BoundTranslator) -> None:
        await reask(message, state, t("council-use-buttons"))

    return router
