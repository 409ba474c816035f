"""The states of the feature's two forms: adding a resolution (`ResolutionForm`) and reporting
progress on one (`UpdateForm`); each form's steps and its catch-all filter on them."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class ResolutionForm(StatesGroup):
    text = State()
    responsible_kind = State()
    responsible = State()
    deadline = State()
    # The deadline chosen is before today or before the meeting: keep it, or choose another.
    deadline_doubt = State()
    priority = State()
    confirm = State()


class UpdateForm(StatesGroup):
    progress = State()
    note = State()
