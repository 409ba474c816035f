"""What the council flows share besides their buttons: whose neighbourhood a manager runs, a
member's name as typed (and its length limit, the service's), the member summary both forms end
with, and going back to the head-seat or position choice when someone else holds it. Other
features (meetings, resolutions, crisis, profile, liaisons) use these too, through
`handlers.council`."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message

from handlers.council.buttons import head_keyboard, position_keyboard
from models.identity import Role, ScopeKind
from services.accounts import Viewer, display_phone
from services.council import HeadSeatTaken, PositionTaken
from services.i18n import BoundTranslator
from services.persian import normalize_text
from services.roles import NAME_MAX_LENGTH

# The longest name a form takes: the one the service stores (`services.roles.clean_name`), so that
# a name the form accepts is never refused when saved, and the message's limit is the real one.
NAME_LIMIT = NAME_MAX_LENGTH
# The service stores any name that is not empty; a form asks again for a single letter, a slip.
NAME_MINIMUM = 2


def managed_neighbourhood(viewer: Viewer) -> int | None:
    """The neighbourhood this person manages (the first, if several)."""
    for grant in viewer.roles:
        if grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD:
            return grant.scope_id
    return None


def member_name(text: str) -> str | None:
    """A person's name as typed, normalised (Arabic letters, spaces); None if it cannot be one."""
    name = normalize_text(text)
    if (
        len(name) < NAME_MINIMUM
        or len(name) > NAME_LIMIT
        or name.startswith("/")
        or not any(c.isalpha() for c in name)
    ):
        return None
    return name


def _committee_names(keys: list[str], t: BoundTranslator) -> str:
    return t.join(t(f"committee-{key}") for key in keys) if keys else t("member-none")


def summary(data: dict[str, Any], t: BoundTranslator) -> str:
    """The member as a form has them (its FSM data), before it is saved."""
    head = data.get("head_of")
    return t(
        "member-summary",
        name=data["name"],
        phone=display_phone(data["phone"]),
        position=t(f"position-{data['position']}"),
        committees=_committee_names(data.get("committees", []), t),
        head=t(f"committee-{head}") if head else t("member-none"),
        code=data.get("national_code") or t("member-none"),
    )


async def reopen_seat_choice(
    taken: HeadSeatTaken | PositionTaken,
    message: Message | None,
    state: FSMContext,
    committees: list[str],
    t: BoundTranslator,
    *,
    head: State,
    position: State,
) -> None:
    """Someone else holds the head seat or position asked for: back to that choice (the form's
    `head` or `position` state), with the rest of the form (adding or editing) kept as it was."""
    if isinstance(taken, HeadSeatTaken):
        await state.set_state(head)
        text = t(
            "member-head-taken",
            committee=t(f"committee-{taken.committee.value}"),
            holder=taken.holder_name or "—",
        )
        keyboard = head_keyboard(committees, t)
    else:
        await state.set_state(position)
        text = t(
            "member-position-taken",
            position=t(f"position-{taken.position.value}"),
            holder=taken.holder_name or "—",
        )
        keyboard = position_keyboard(t)
    if message is not None:
        await message.answer(text, reply_markup=keyboard)
