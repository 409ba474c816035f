"""What the council flows share besides their buttons: whose neighbourhood a manager runs, a
member's name as typed (and its length limit, the service's), the member summary both forms end
with, and going back to the head-seat or position choice when someone else holds it. Other
features (meetings, resolutions, crisis, profile, liaisons) use these too, through
`handlers.council`. The two member forms (adding, editing) read their typed steps and end the
same way, each with its own states and words: `MemberFormSteps`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message

from handlers.council.buttons import head_keyboard, position_keyboard, skip_keyboard
from handlers.forms import Confirmed, reask
from models.identity import Role, ScopeKind
from services.accounts import Viewer, display_phone
from services.authz import PermissionDenied
from services.council import HeadSeatTaken, MemberView, PositionTaken
from services.i18n import BoundTranslator
from services.identity_validation import InvalidNationalCode, normalize_national_code
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


async def typed_name(message: Message, t: BoundTranslator) -> str | None:
    """The name typed in `message` (`member_name`); None after saying it can't be one."""
    name = member_name(message.text or "")
    if name is None:
        await message.answer(t("member-bad-name", limit=NAME_LIMIT))
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


class MemberStates(Protocol):
    """The states both member forms have (`AddMember`, `EditMemberForm`: the class itself)."""

    name: State
    phone: State
    position: State
    head: State
    national_code: State


@dataclass(frozen=True)
class MemberFormSteps:
    """A member form's steps that the adding and the editing form share: its states, and what a
    bad national code is told (with the button that skips it when adding, clears it when editing)."""

    states: MemberStates
    bad_national_code: str
    national_code_button: str

    async def refuse_national_code(self, message: Message, t: BoundTranslator) -> None:
        await message.answer(
            t(self.bad_national_code), reply_markup=skip_keyboard(t, self.national_code_button)
        )

    async def typed_national_code(self, message: Message, t: BoundTranslator) -> str | None:
        """The national code typed in `message`, normalised; None after saying it is not one."""
        try:
            return normalize_national_code(message.text or "")
        except InvalidNationalCode:
            await self.refuse_national_code(message, t)
            return None

    async def expects_something_else(self, message: Message, state: FSMContext, t: BoundTranslator) -> None:
        """What none of the form's steps takes: what the typed step wants, or the question again."""
        current = await state.get_state()
        if current == self.states.name.state:
            await message.answer(t("member-bad-name", limit=NAME_LIMIT))
        elif current == self.states.phone.state:
            await message.answer(t("member-bad-phone"))
        elif current == self.states.national_code.state:
            await self.refuse_national_code(message, t)
        else:
            await reask(message, state, t("council-use-buttons"))

    async def save(
        self,
        done: Confirmed,
        state: FSMContext,
        t: BoundTranslator,
        saving: Callable[[], Awaitable[MemberView]],
        *,
        saved: str,
        refusals: Mapping[type[Exception], str],
    ) -> None:
        """The ✅ of the summary: `saving()` calls the service. A head seat or position someone else
        holds goes back to that choice, the form kept; otherwise the form ends with `saved` (the
        member's name), a refusal's message (`refusals`, by error) or «not the manager». Other
        errors are the caller's."""
        message, data = done.message, done.data
        try:
            member = await saving()
        except (HeadSeatTaken, PositionTaken) as taken:
            committees = data.get("committees", [])
            await reopen_seat_choice(
                taken, message, state, committees, t, head=self.states.head, position=self.states.position
            )
            return
        except PermissionDenied:
            # Kept here: the button was answered already, and the form ends with this one message.
            reply = t("council-not-manager")
        except tuple(refusals) as refused:
            reply = t(next(key for error, key in refusals.items() if isinstance(refused, error)))
        else:
            reply = t(saved, name=member.full_name or data["name"])
        await state.clear()
        await message.answer(reply)
