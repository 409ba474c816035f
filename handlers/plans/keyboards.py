"""The buttons of /plan: every callback data of the feature (their `pl_…` prefixes are what the
buttons on people's screens carry) and the progress keyboard shared by the question and its
repetition."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from handlers.keyboards import keyboard
from services.i18n import BoundTranslator
from services.plans import DECIDE_PREFIX

PROGRESS_STEPS = (0, 25, 50, 75, 100)


class PlanShelfPage(CallbackData, prefix="pl_s"):
    """A page of the plans a person sees."""

    page: int


class PlanOpen(CallbackData, prefix="pl_o"):
    """A page of a plan's top level (node 0) or of a node's children."""

    plan_id: int
    node_id: int = 0
    page: int = 0


class PlanCard(CallbackData, prefix="pl_c"):
    """A project's card."""

    node_id: int


class PlanList(CallbackData, prefix="pl_l"):
    """A page of a plan's late projects ("late") or of its projects with a proposed move ("proposed")."""

    plan_id: int
    what: str
    page: int = 0


class PlanSetProgress(CallbackData, prefix="pl_sp"):
    node_id: int


class PlanProgressPick(CallbackData, prefix="pl_pp"):
    value: int


class PlanDecide(CallbackData, prefix=DECIDE_PREFIX):
    """Confirm (or dismiss) a proposed progress move: on a project's card, and on the notice its
    keepers get (`services.plans.decide_buttons` builds the same data)."""

    proposal_id: int
    accept: bool


class PlanLinkList(CallbackData, prefix="pl_ll"):
    """A page of the resolutions a project could be linked to."""

    node_id: int
    page: int = 0


class PlanLinkPick(CallbackData, prefix="pl_lp"):
    """Link the project to this resolution."""

    node_id: int
    resolution_id: int


class PlanActionList(CallbackData, prefix="pl_al"):
    """A page of the actions a project could be linked to."""

    node_id: int
    page: int = 0


class PlanActionPick(CallbackData, prefix="pl_ap"):
    """Link the project to this action."""

    node_id: int
    action_id: int


class PlanNew(CallbackData, prefix="pl_n"):
    """Start a new plan of a scope: kind "province", "county" or "neighbourhood"."""

    kind: str
    scope_id: int


class PlanAddProject(CallbackData, prefix="pl_a"):
    """Add a project under a node (0: the plan's top level)."""

    plan_id: int
    parent_id: int = 0


def progress_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    """0 / 25 / 50 / 75 / 100 %, in one row."""
    return keyboard(
        [
            [
                (t("plan-button-percent", value=value), PlanProgressPick(value=value).pack())
                for value in PROGRESS_STEPS
            ]
        ]
    )
