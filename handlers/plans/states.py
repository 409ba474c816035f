"""The states of the feature's three small forms: a project's progress, a new plan's title and a
new project's name."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class PlanProgressForm(StatesGroup):
    # data: node_id
    progress = State()


class PlanCreateForm(StatesGroup):
    # data: kind, scope_id
    title = State()


class PlanAddForm(StatesGroup):
    # data: plan_id, parent_id (0: the top level)
    name = State()
