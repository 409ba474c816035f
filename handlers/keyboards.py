"""Small pieces every feature's handlers share: inline keyboards from (label, callback data)
pairs, buttons laid out so many to a row, every committee as buttons, the message a button was
pressed on, and taking the buttons off it once answered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from models.council import CommitteeKey
from services.i18n import BoundTranslator

ButtonT = TypeVar("ButtonT")


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard: one list of (label, callback data) per row; empty rows are left out."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data) for text, data in row] for row in rows if row
        ]
    )


def in_rows(buttons: Sequence[ButtonT], per_row: int) -> list[list[ButtonT]]:
    """`buttons` laid out `per_row` to a row (the last row may be shorter)."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def committee_buttons(t: BoundTranslator, pack: Callable[[str], str]) -> list[tuple[str, str]]:
    """Every committee (crisis last) as a (label, callback data) button; `pack` makes the data
    from the committee's key."""
    return [(t(f"committee-{key.value}"), pack(key.value)) for key in CommitteeKey]


def committee_keyboard(t: BoundTranslator, pack: Callable[[str], str]) -> InlineKeyboardMarkup:
    """Every committee as a button, two a row (crisis last)."""
    return keyboard(in_rows(committee_buttons(t, pack), 2))


def message_of(query: CallbackQuery) -> Message | None:
    """The message the pressed button sits on (None when it is too old to be known)."""
    return query.message if isinstance(query.message, Message) else None


async def drop_buttons(query: CallbackQuery) -> Message | None:
    """Take the buttons off the answered message, so it can't be pressed twice; returns it."""
    message = message_of(query)
    if message is not None:
        try:
            await message.edit_reply_markup(reply_markup=None)
        except TelegramBadRequest:  # too old to edit, or already without buttons
            pass
    return message


class NextStep(CallbackData, prefix="nx"):
    """A «what next» button after a finished step (`handlers.talk` answers it): "request" (📝 a
    new request), "mine" (📂 my requests), "join" (choose a neighbourhood)."""

    action: str


def next_steps(t: Any, *actions: str) -> InlineKeyboardMarkup:
    """The one or two things to do next, as buttons (labels `next-<action>` in the catalogs)."""
    return keyboard([[(t(f"next-{action}"), NextStep(action=action).pack())] for action in actions])
