"""What the appointing form (/grant, /revoke) shows: its states, its buttons and their callback
data, the summary to confirm and the answer once the role was given or taken away."""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.keyboards import in_rows
from handlers.liaisons import agency_name
from handlers.steps import match_button
from models.identity import Role, ScopeKind
from services.accounts import display_phone
from services.appointing import Place
from services.council import AgencyView
from services.i18n import BoundTranslator
from services.regions import NeighbourhoodMatch
from services.roles import RoleChange

ALL_AGENCIES = "*"


class Appoint(StatesGroup):
    phone = State()
    role = State()
    province = State()
    county = State()
    neighbourhood = State()
    agency = State()
    confirm = State()


class RolePick(CallbackData, prefix="ad_role"):
    role: str


class PlacePick(CallbackData, prefix="ad_place"):
    kind: str  # "province" or "county"
    id: int


class NeighbourhoodPick(CallbackData, prefix="ad_nb"):
    id: int


class AgencyPick(CallbackData, prefix="ad_ag"):
    key: str  # an agency key, or ALL_AGENCIES (revoking only)


class AppointConfirm(CallbackData, prefix="ad_ok"):
    save: bool


def _rows(buttons: list[InlineKeyboardButton], per_row: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=in_rows(buttons, per_row))


def roles_keyboard(roles: list[Role], t: BoundTranslator) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(text=t(f"role-{r.value}"), callback_data=RolePick(role=r.value).pack())
            for r in roles
        ],
        1,
    )


def places_keyboard(places: list[Place]) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(text=p.name, callback_data=PlacePick(kind=p.kind.value, id=p.id).pack())
            for p in places
        ],
        2,
    )


def neighbourhoods_keyboard(matches: list[NeighbourhoodMatch], t: BoundTranslator) -> InlineKeyboardMarkup:
    return _rows(
        [match_button(m, t, NeighbourhoodPick(id=m.id)) for m in matches],
        1,
    )


def agencies_keyboard(agencies: list[AgencyView], mode: str, t: BoundTranslator) -> InlineKeyboardMarkup:
    """One button per agency; revoking may also take the role away for all of them."""
    buttons = [
        InlineKeyboardButton(text=agency_name(a, t), callback_data=AgencyPick(key=a.key).pack())
        for a in agencies
    ]
    if mode == "revoke":
        buttons.append(
            InlineKeyboardButton(
                text=t("admin-agency-all"), callback_data=AgencyPick(key=ALL_AGENCIES).pack()
            )
        )
    return _rows(buttons, 1)


def confirm_keyboard(mode: str, t: BoundTranslator) -> InlineKeyboardMarkup:
    return _rows(
        [
            InlineKeyboardButton(
                text=t(f"admin-button-{mode}"), callback_data=AppointConfirm(save=True).pack()
            ),
            InlineKeyboardButton(text=t("button-cancel"), callback_data=AppointConfirm(save=False).pack()),
        ],
        2,
    )


def place_label(place: dict[str, str] | None, t: BoundTranslator) -> str:
    if place is None:
        return t("admin-scope-global")
    if place["kind"] == ScopeKind.COUNTY.value:
        return t("admin-place-county", county=place["name"], province=place["province"])
    if place["kind"] == ScopeKind.NEIGHBOURHOOD.value:
        return t("admin-place-neighbourhood", name=place["name"], code=place["code"], county=place["county"])
    return place["name"]


def summary(data: dict[str, Any], t: BoundTranslator) -> str:
    lines = [
        t(f"admin-summary-{data['mode']}"),
        t("admin-summary-phone", phone=display_phone(data["phone"])),
        t("admin-summary-role", role=t(f"role-{data['role']}")),
        t("admin-summary-place", place=place_label(data.get("place"), t)),
    ]
    if data["role"] == Role.LIAISON.value:
        lines.append(t("admin-summary-agency", agency=data.get("agency_name") or t("admin-agency-all")))
    return "\n".join(lines)


def change_text(mode: str, change: RoleChange, data: dict[str, Any], t: BoundTranslator) -> str:
    args = {
        "phone": display_phone(change.phone),
        "role": t(f"role-{change.role.value}"),
        "place": place_label(data.get("place"), t),
    }
    if mode == "grant":
        text = t("admin-granted" if change.changed else "admin-grant-unchanged", **args)
        return text + ("\n" + t("admin-granted-new-person") if change.person_created else "")
    return t("admin-revoked" if change.changed else "admin-revoke-unchanged", **args)
