"""/plan: plans with progress in the chat. A person sees their province's, county's or
neighbourhood's plans (one opens straight away), moves through the tree ten nodes a page —
goals, their strategies, their policies, their projects — each with a progress bar and what is
late, opens a project's card, and lists the late projects; whoever keeps a plan also starts a
small one (a neighbourhood's yearly plan), adds projects, sets a project's progress with buttons
or a typed number, and confirms or dismisses the progress moves that linked resolutions and
actions suggest.

The package, by flow: `browse` (/plan, the pages and the cards, drawn by `render`), `progress`
(setting a project's progress, deciding a proposed move), `links` (linking a project to a
resolution of the plan's region), `editing` (a new plan, a new project)
and `closed` (what backs the forms up); `keyboards` holds every button and `states` the forms'
states.
"""

from __future__ import annotations

from aiogram import Router

from handlers.plans import browse, closed, editing, links, progress
from handlers.plans.keyboards import (
    PROGRESS_STEPS,
    PlanActionList,
    PlanActionPick,
    PlanAddProject,
    PlanCard,
    PlanDecide,
    PlanLinkList,
    PlanLinkPick,
    PlanList,
    PlanNew,
    PlanOpen,
    PlanProgressPick,
    PlanSetProgress,
    PlanShelfPage,
    progress_keyboard,
)
from handlers.plans.render import PAGE_SIZE, plan_bar, render_card, render_shelf, render_tree_page
from handlers.plans.states import PlanAddForm, PlanCreateForm, PlanProgressForm

__all__ = [
    "PAGE_SIZE",
    "PROGRESS_STEPS",
    "PlanActionList",
    "PlanActionPick",
    "PlanAddForm",
    "PlanAddProject",
    "PlanCard",
    "PlanCreateForm",
    "PlanDecide",
    "PlanLinkList",
    "PlanLinkPick",
    "PlanList",
    "PlanNew",
    "PlanOpen",
    "PlanProgressForm",
    "PlanProgressPick",
    "PlanSetProgress",
    "PlanShelfPage",
    "plan_bar",
    "progress_keyboard",
    "render_card",
    "render_shelf",
    "render_tree_page",
    "setup",
]


def setup() -> Router:
    """The feature's router: /plan and its pages first; then the forms' steps; last what backs
    them up, which must not win while a step matches."""
    router = Router(name=__name__)
    router.include_routers(browse.setup(), progress.setup(), links.setup(), editing.setup(), closed.setup())
    return router
