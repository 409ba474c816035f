"""The main menu: a reply keyboard built from the person's roles. Each button stands for a
command, and the command keeps working when typed (and on clients that hide keyboards)."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup

from models.identity import Role
from services.accounts import Viewer
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator

# (command, label key) per role, in the order the buttons appear; everyone gets EVERYONE.
MANAGER_MENU = (
    ("inbox", "menu-inbox"),
    ("members", "menu-members"),
    ("add_member", "menu-add-member"),
    ("invite", "menu-invite"),
    ("profile", "menu-profile"),
    ("crisis", "menu-crisis"),
    ("action", "menu-action"),
    ("meeting", "menu-meeting"),
    ("resolutions", "menu-resolutions"),
    ("not_joined", "menu-not-joined"),
)
OFFICIAL_MENU = (
    ("report", "menu-report"),
    ("liaisons", "menu-liaisons"),
    ("profile", "menu-profile"),
    ("grant", "menu-grant"),
    ("resolutions", "menu-resolutions"),
    ("not_joined", "menu-not-joined"),
)
ADMIN_MENU = (("grant", "menu-grant"), ("import_regions", "menu-import-regions"))
EVERYONE_MENU = (("join", "menu-join"), ("help", "menu-help"), ("lang", "menu-lang"))
RESIDENT_MENU = (("request", "menu-request"), ("my_requests", "menu-my-requests"), ("feed", "menu-feed"))
COMMITTEE_MENU = (("inbox", "menu-inbox"), ("action", "menu-action"), ("resolutions", "menu-resolutions"))
LIAISON_MENU = (("resolutions", "menu-resolutions"),)
ROLE_MENUS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.RESIDENT: RESIDENT_MENU,
    Role.COMMITTEE_HEAD: COMMITTEE_MENU,
    Role.COUNCIL_MEMBER: COMMITTEE_MENU,
    Role.LIAISON: LIAISON_MENU,
    Role.MANAGER: MANAGER_MENU,
    Role.COUNTY_OFFICIAL: OFFICIAL_MENU,
    Role.PROVINCE_OFFICIAL: OFFICIAL_MENU,
    Role.ADMIN: ADMIN_MENU,
}


def menu_items(viewer: Viewer) -> list[tuple[str, str]]:
    items: dict[str, str] = {}
    for grant in viewer.roles:
        for command, label in ROLE_MENUS.get(grant.role, ()):
            items.setdefault(command, label)
    for command, label in EVERYONE_MENU:
        items.setdefault(command, label)
    return list(items.items())


def main_menu(viewer: Viewer, t: BoundTranslator) -> ReplyKeyboardMarkup:
    """Two buttons a row, short labels: readable on a small phone."""
    buttons = [KeyboardButton(text=t(label)) for _command, label in menu_items(viewer)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)


class MenuPress(Filter):
    """Matches the menu button of `command` in any language (the keyboard may predate /lang)."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.label_key = next(
            label for menu in (*ROLE_MENUS.values(), EVERYONE_MENU) for cmd, label in menu if cmd == command
        )

    async def __call__(self, message: Message, translator: Translator, **_: Any) -> bool:
        text = message.text
        return text is not None and any(
            text == translator.get(loc, self.label_key) for loc in SUPPORTED_LOCALES
        )


class AnyMenuPress(Filter):
    """Matches every menu button in any language: a form that asks for text lets these through,
    so a button pressed in the middle of a form opens its command instead of becoming an answer."""

    async def __call__(self, message: Message, translator: Translator, **_: Any) -> bool:
        text = message.text
        return text is not None and any(
            text == translator.get(loc, label)
            for menu in (*ROLE_MENUS.values(), EVERYONE_MENU)
            for _command, label in menu
            for loc in SUPPORTED_LOCALES
        )
