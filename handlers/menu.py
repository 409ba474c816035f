"""The main menu: a reply keyboard built from the person's roles. Each button stands for a
command, and the command keeps working when typed (and on clients that hide keyboards).

At most six buttons in three rows, the most used first; when a person's roles offer more, the
sixth is «بیشتر…», which opens the rest on a page of its own with «بازگشت» back. The inbox
button carries the number of requests waiting for an answer («📥 صندوق درخواست‌ها (۳)»): a
button is recognised by its label with or without a number, in either language."""

from __future__ import annotations

import re
from functools import cache
from itertools import zip_longest
from typing import Any

from aiogram.filters import Filter
from aiogram.types import KeyboardButton, Message, ReplyKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.keyboards import in_rows
from models.identity import Role
from services.accounts import Viewer
from services.authz import Actor
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator
from services.requests import awaiting_answer_count

MAIN_BUTTONS = 6
PER_ROW = 2

# (command, label key) per role, the most used first; everyone gets EVERYONE_MENU after them.
MANAGER_MENU = (
    ("inbox", "menu-inbox"),
    ("resolutions", "menu-resolutions"),
    ("meeting", "menu-meeting"),
    ("action", "menu-action"),
    ("members", "menu-members"),
    ("crisis", "menu-crisis"),
    ("plan", "menu-plan"),
    ("add_member", "menu-add-member"),
    ("invite", "menu-invite"),
    ("profile", "menu-profile"),
    ("not_joined", "menu-not-joined"),
    ("announce", "menu-announce"),
    ("courses", "menu-courses"),
)
OFFICIAL_MENU = (
    ("report", "menu-report"),
    ("resolutions", "menu-resolutions"),
    ("plan", "menu-plan"),
    ("liaisons", "menu-liaisons"),
    ("grant", "menu-grant"),
    ("courses", "menu-courses"),
    ("not_joined", "menu-not-joined"),
    ("profile", "menu-profile"),
)
ADMIN_MENU = (("grant", "menu-grant"), ("import_regions", "menu-import-regions"))
EVERYONE_MENU = (
    ("join", "menu-join"),
    ("help", "menu-help"),
    ("lang", "menu-lang"),
    ("verify", "menu-verify"),
)
RESIDENT_MENU = (("request", "menu-request"), ("my_requests", "menu-my-requests"), ("feed", "menu-feed"))
COMMITTEE_MENU = (("inbox", "menu-inbox"), ("resolutions", "menu-resolutions"), ("action", "menu-action"))
LIAISON_MENU = (("resolutions", "menu-resolutions"),)
ROLE_MENUS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.MANAGER: MANAGER_MENU,
    Role.COMMITTEE_HEAD: COMMITTEE_MENU,
    Role.COUNCIL_MEMBER: COMMITTEE_MENU,
    Role.LIAISON: LIAISON_MENU,
    Role.COUNTY_OFFICIAL: OFFICIAL_MENU,
    Role.PROVINCE_OFFICIAL: OFFICIAL_MENU,
    Role.ADMIN: ADMIN_MENU,
    Role.RESIDENT: RESIDENT_MENU,
}
# The keyboard's own buttons: the page with the rest, and back from it.
MORE = ("more", "menu-more")
BACK = ("back", "menu-back")
NAVIGATION = (MORE, BACK)

# Invisible direction marks a client (or a catalog) may put around a label or its number.
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_LABEL, _COUNT = "\x00", "\x01"


def menu_items(viewer: Viewer) -> list[tuple[str, str]]:
    """Every command of the person's menu, once each, the most used first: the roles take turns
    (ordered as in ROLE_MENUS), so a manager who is also a resident sees both at the top."""
    held = [menu for role, menu in ROLE_MENUS.items() if viewer.has_role(role)]
    items: dict[str, str] = {}
    for turn in zip_longest(*held):
        for item in turn:
            if item is not None:
                items.setdefault(*item)
    for command, label in EVERYONE_MENU:
        items.setdefault(command, label)
    return list(items.items())


def menu_pages(viewer: Viewer) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The main keyboard's buttons and the rest (shown by «بیشتر…»; empty when all fit)."""
    items = menu_items(viewer)
    if len(items) <= MAIN_BUTTONS:
        return items, []
    first = MAIN_BUTTONS - 1
    return [*items[:first], MORE], items[first:]


async def _labels(
    session: AsyncSession, viewer: Viewer, t: BoundTranslator, items: list[tuple[str, str]]
) -> list[str]:
    waiting = 0
    if any(command == "inbox" for command, _label in items):
        waiting = await awaiting_answer_count(session, actor=Actor.from_viewer(viewer))
    return [
        t("menu-counted", label=t(label), count=waiting) if command == "inbox" and waiting else t(label)
        for command, label in items
    ]


def _keyboard(labels: list[str]) -> ReplyKeyboardMarkup:
    buttons = [KeyboardButton(text=label) for label in labels]
    return ReplyKeyboardMarkup(keyboard=in_rows(buttons, PER_ROW), resize_keyboard=True, is_persistent=True)


async def main_menu(session: AsyncSession, viewer: Viewer, t: BoundTranslator) -> ReplyKeyboardMarkup:
    """At most six buttons, two a row: readable on a small phone, half the screen left free."""
    main, _rest = menu_pages(viewer)
    return _keyboard(await _labels(session, viewer, t, main))


async def more_menu(session: AsyncSession, viewer: Viewer, t: BoundTranslator) -> ReplyKeyboardMarkup:
    """The rest of the person's commands, then «بازگشت» to the main keyboard."""
    _main, rest = menu_pages(viewer)
    return _keyboard(await _labels(session, viewer, t, [*rest, BACK]))


@cache
def _commands_by_label(translator: Translator) -> dict[str, str]:
    """Every menu label in every language → its command."""
    return {
        translator.get(locale, label): command
        for menu in (*ROLE_MENUS.values(), EVERYONE_MENU, NAVIGATION)
        for command, label in menu
        for locale in SUPPORTED_LOCALES
    }


@cache
def _counted_patterns(translator: Translator) -> tuple[re.Pattern[str], ...]:
    """A label with a number, as the catalogs write it (`menu-counted`), in every language."""
    patterns = []
    for locale in SUPPORTED_LOCALES:
        sample = re.escape(translator.get(locale, "menu-counted", label=_LABEL, count=_COUNT))
        pattern = sample.replace(re.escape(_LABEL), "(?P<label>.+?)").replace(
            re.escape(_COUNT), r"[0-9۰-۹٠-٩]+"
        )
        patterns.append(re.compile(pattern))
    return tuple(patterns)


def pressed_command(text: str | None, translator: Translator) -> str | None:
    """The menu command a message's text is the button of, in any language, with or without
    its number; None for any other text."""
    if not text:
        return None
    text = text.translate(_BIDI_MARKS).strip()
    labels = _commands_by_label(translator)
    if text in labels:
        return labels[text]
    for pattern in _counted_patterns(translator):
        if (match := pattern.fullmatch(text)) is not None:
            return labels.get(match["label"].strip())
    return None


class MenuPress(Filter):
    """Matches the menu button of `command` in any language (the keyboard may predate /lang)."""

    def __init__(self, command: str) -> None:
        known = {cmd for menu in (*ROLE_MENUS.values(), EVERYONE_MENU, NAVIGATION) for cmd, _label in menu}
        if command not in known:
            raise ValueError(f"no menu button for {command!r}")
        self.command = command

    async def __call__(self, message: Message, translator: Translator, **_: Any) -> bool:
        return pressed_command(message.text, translator) == self.command


class AnyMenuPress(Filter):
    """Matches every menu button in any language: a form that asks for text lets these through,
    so a button pressed in the middle of a form opens its command instead of becoming an answer."""

    async def __call__(self, message: Message, translator: Translator, **_: Any) -> bool:
        return pressed_command(message.text, translator) is not None
