"""/profile: the neighbourhood profile (شناسنامه محله). The manager sees their neighbourhood's and
edits it one field at a time; county and province officials read any neighbourhood's in their
region, named by code or by name (`/profile CODE`, or asked for).

* `read`: /profile and finding the neighbourhood to show;
* `edit`: the manager's edit menu, one field (or the programmes) at a time;
* `card`: the profile as shown, its states and buttons, shared by both.
"""

from __future__ import annotations

from aiogram import Router

from handlers.profile import edit, read
from handlers.profile.card import (
    COUNT_FIELDS,
    EDITABLE_FIELDS,
    PROBLEMS_SHOWN,
    ProfileEdit,
    ProfileForm,
    ProfileOpen,
    ProgrammeToggle,
    edit_keyboard,
    manages,
    render_profile,
)
from handlers.profile.edit import (
    CLEAR_MARKS,
    NUMBER_TEXT_LIMIT,
    PROBLEMS_LIMIT,
    ask_value,
    programmes_keyboard,
)
from handlers.profile.read import EDIT_ARGS, neighbourhoods_keyboard
from handlers.steps import MATCHES_SHOWN, QUERY_LIMIT

__all__ = [
    "CLEAR_MARKS",
    "COUNT_FIELDS",
    "EDITABLE_FIELDS",
    "EDIT_ARGS",
    "MATCHES_SHOWN",
    "NUMBER_TEXT_LIMIT",
    "PROBLEMS_LIMIT",
    "PROBLEMS_SHOWN",
    "QUERY_LIMIT",
    "ProfileEdit",
    "ProfileForm",
    "ProfileOpen",
    "ProgrammeToggle",
    "ask_value",
    "edit_keyboard",
    "manages",
    "neighbourhoods_keyboard",
    "programmes_keyboard",
    "render_profile",
    "setup",
]


def setup() -> Router:
    router = Router(name=__name__)
    router.include_routers(read.setup(), edit.setup())
    return router
