"""The profile as shown: its states and buttons (callback data), each field rendered in the
person's language and digits, and `send_profile`, which every way to it ends with (the manager
gets the edit menu under it)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.keyboards import in_rows
from models.identity import Role, ScopeKind
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.council import FACILITY_KEYS, ProfileView, get_profile
from services.i18n import BoundTranslator
from services.jalali import format_datetime, format_jalali_date
from services.persian import to_persian_digits
from services.regions import neighbourhood_code

# Shown in the profile message, so that it stays under the messengers' 4096-character limit.
PROBLEMS_SHOWN = 3000

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


def field_value(profile: ProfileView, field: str, t: BoundTranslator) -> str:
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
        return t("profile-line", field=t(f"profile-field-{field}"), value=field_value(profile, field, t))

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
    return InlineKeyboardMarkup(inline_keyboard=in_rows(buttons, 2))


async def send_profile(
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
