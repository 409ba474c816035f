"""The manager's council tools: /add_member (a short guided form), /members (the list, committee
staffing, editing a member in a form like /add_member's, and deactivation) and /invite (a council
invitation and the residents' joining link).

One module per flow: `members` (the list and deactivation), `invite`, `register` (/add_member),
`edit` (the edit form); `buttons` (every callback data and the keyboards both forms ask with) and
`shared` (the manager's neighbourhood, a member's name, the summary) are what they share, and what
other features import from here."""

from __future__ import annotations

from aiogram import Router

from handlers.council import edit, invite, members, register
from handlers.council.buttons import (
    EDITABLE_MEMBER_FIELDS,
    CommitteeToggle,
    ConfirmMember,
    DeactivateMember,
    EditField,
    EditMember,
    HeadPick,
    PositionPick,
    SkipNationalCode,
    committees_keyboard,
    confirm_keyboard,
    head_keyboard,
    position_keyboard,
    skip_keyboard,
)
from handlers.council.edit import (
    EditMemberForm,
    edit_confirm_keyboard,
    edit_fields_keyboard,
    member_form_data,
)
from handlers.council.invite import DeepLink
from handlers.council.members import member_line
from handlers.council.register import AddMember
from handlers.council.shared import (
    NAME_LIMIT,
    managed_neighbourhood,
    member_name,
    reopen_seat_choice,
    summary,
    typed_name,
)

__all__ = [
    "EDITABLE_MEMBER_FIELDS",
    "NAME_LIMIT",
    "AddMember",
    "CommitteeToggle",
    "ConfirmMember",
    "DeactivateMember",
    "DeepLink",
    "EditField",
    "EditMember",
    "EditMemberForm",
    "HeadPick",
    "PositionPick",
    "SkipNationalCode",
    "committees_keyboard",
    "confirm_keyboard",
    "edit_confirm_keyboard",
    "edit_fields_keyboard",
    "head_keyboard",
    "managed_neighbourhood",
    "member_form_data",
    "member_line",
    "member_name",
    "position_keyboard",
    "reopen_seat_choice",
    "setup",
    "skip_keyboard",
    "summary",
    "typed_name",
]


def setup() -> Router:
    """The flows in the order their handlers had in one module: the commands first, so they work in
    the middle of a form; each form's catch-all after its own steps."""
    router = Router(name=__name__)
    router.include_routers(members.setup(), invite.setup(), register.setup(), edit.setup())
    return router
