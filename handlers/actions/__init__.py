"""/action: the council's manager or a member logs an action (اقدام) in a short guided form —
title, description, committee, national programme, date, photos, an optional open resolution it
answers (and whether it completes it), public or internal, then a summary to confirm. Nothing is
saved before the confirm.

* `form`: the form's states, buttons, questions and summary;
* `steps`: /action and each step up to the summary;
* `saving`: the ✅ save / ✖ discard step;
* `unexpected`: other input at a step, and buttons of a form no longer open (included last).
"""

from __future__ import annotations

from aiogram import Router

from handlers.actions import saving, steps, unexpected
from handlers.actions.form import (
    BUTTON_TEXT_LIMIT,
    NO_PROGRAMME,
    WHOLE_COUNCIL,
    ActionCommittee,
    ActionCompletes,
    ActionConfirm,
    ActionForm,
    ActionLink,
    ActionProgramme,
    ActionSkip,
    ActionToday,
    ActionVisibility,
    committee_label,
    programme_label,
    summary,
)

__all__ = [
    "BUTTON_TEXT_LIMIT",
    "NO_PROGRAMME",
    "WHOLE_COUNCIL",
    "ActionCommittee",
    "ActionCompletes",
    "ActionConfirm",
    "ActionForm",
    "ActionLink",
    "ActionProgramme",
    "ActionSkip",
    "ActionToday",
    "ActionVisibility",
    "committee_label",
    "programme_label",
    "setup",
    "summary",
]


def setup() -> Router:
    router = Router(name=__name__)
    # The steps' state filters make them win while the form is open; what backs them up comes last.
    router.include_routers(steps.setup(), saving.setup(), unexpected.setup())
    return router
