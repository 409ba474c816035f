"""The states of the feature's two forms: making a survey (`SurveyForm`) and answering one
(`AnswerForm`: a question is on screen, typed text is its answer)."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class SurveyForm(StatesGroup):
    scope = State()
    title = State()
    closes = State()
    question = State()
    kind = State()
    options = State()
    more = State()
    confirm = State()


class AnswerForm(StatesGroup):
    question = State()
