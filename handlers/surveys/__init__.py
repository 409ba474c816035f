"""Needs assessments (نیازسنجی) in the chat: /survey.

A manager (for their neighbourhood) or a county official (for the county) makes a survey in a
short form and it is published to the residents; a resident answers it from the invitation's
«start» button, one question at a time with buttons (or a typed text), skipping, stopping and
resuming; managers and officials read the results, close a survey, and turn a top need into a
resolution from the closing notice.

The package, by flow: `menu` (/survey), `create` (making one), `answer` (answering), `results`
(results, closing, a need as a resolution) and `other_input` (what backs the forms up);
`keyboards` holds every button, `states` both forms' states, `rendering` the texts.
"""

from __future__ import annotations

from aiogram import Router

from handlers.surveys import answer, create, menu, other_input, results
from handlers.surveys.keyboards import (
    DAY_PICKED,
    SURVEY_CALENDAR,
    CloseSurvey,
    ConfirmSurvey,
    KindPick,
    MoreQuestions,
    MultiDone,
    NeedToResolution,
    NewSurvey,
    OptionPick,
    OptionToggle,
    ScalePick,
    ScopePick,
    ShowResults,
    SkipQuestion,
    StartSurvey,
    StopAnswering,
)
from handlers.surveys.states import AnswerForm, SurveyForm

__all__ = [
    "DAY_PICKED",
    "SURVEY_CALENDAR",
    "AnswerForm",
    "CloseSurvey",
    "ConfirmSurvey",
    "KindPick",
    "MoreQuestions",
    "MultiDone",
    "NeedToResolution",
    "NewSurvey",
    "OptionPick",
    "OptionToggle",
    "ScalePick",
    "ScopePick",
    "ShowResults",
    "SkipQuestion",
    "StartSurvey",
    "StopAnswering",
    "SurveyForm",
    "setup",
]


def setup() -> Router:
    """The feature's router. Its order is precedence: /survey first, so it works in the middle
    of a form; then each flow's steps; last what backs the forms up (a wrong answer, a stale
    button), which must not win while a step matches."""
    router = Router(name=__name__)
    router.include_routers(menu.setup(), create.setup(), answer.setup(), results.setup(), other_input.setup())
    return router
