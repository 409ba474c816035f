"""The buttons of needs assessments: every callback data of the feature (`sv_…`; three of them,
«start», «results» and a top need's «resolution», are written into notifications by
`services.surveys`, which the tests keep in step) and the keyboards built from them."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import F
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from handlers.jalali_calendar import CalendarPress
from handlers.keyboards import keyboard
from models.surveys import QuestionKind
from services.i18n import BoundTranslator
from services.persian import to_persian_digits
from services.surveys import SCALE, OpenSurvey, QuestionView, SurveyScope, SurveySummary

# The calendar purpose of the closing-date step (`handlers.jalali_calendar` pages it).
SURVEY_CALENDAR = "sv"
DAY_PICKED = CalendarPress.filter((F.action == "day") & (F.purpose == SURVEY_CALENDAR))


class NewSurvey(CallbackData, prefix="sv_new"):
    pass


class ScopePick(CallbackData, prefix="sv_scope"):
    kind: str
    scope_id: int


class KindPick(CallbackData, prefix="sv_kind"):
    kind: str


class MoreQuestions(CallbackData, prefix="sv_more"):
    more: bool


class ConfirmSurvey(CallbackData, prefix="sv_ok"):
    save: bool


class StartSurvey(CallbackData, prefix="sv_go"):
    survey_id: int


class OptionPick(CallbackData, prefix="sv_pick"):
    survey_id: int
    question_id: int
    index: int


class OptionToggle(CallbackData, prefix="sv_tog"):
    # The options ticked once this button is pressed, one bit each: the buttons carry the
    # choice, so it survives restarts and needs no form state.
    survey_id: int
    question_id: int
    mask: int


class MultiDone(CallbackData, prefix="sv_mdone"):
    survey_id: int
    question_id: int
    mask: int


class ScalePick(CallbackData, prefix="sv_scale"):
    survey_id: int
    question_id: int
    value: int


class SkipQuestion(CallbackData, prefix="sv_skip"):
    survey_id: int
    question_id: int


class StopAnswering(CallbackData, prefix="sv_stop"):
    survey_id: int


class ShowResults(CallbackData, prefix="sv_res"):
    survey_id: int


class CloseSurvey(CallbackData, prefix="sv_close"):
    # "ask" (the 🔒 button), then "yes" or "no".
    survey_id: int
    answer: str


class NeedToResolution(CallbackData, prefix="sv_need"):
    survey_id: int
    neighbourhood_id: int
    index: int


def chosen(mask: int) -> list[int]:
    """The option indexes ticked in `mask`."""
    return [index for index in range(mask.bit_length()) if mask >> index & 1]


def scope_keyboard(t: BoundTranslator, scopes: Sequence[SurveyScope]) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (
                    t(f"survey-scope-{scope.kind.value}", name=scope.name),
                    ScopePick(kind=scope.kind.value, scope_id=scope.id).pack(),
                )
            ]
            for scope in scopes
        ]
    )


def kind_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    buttons = [(t(f"survey-kind-{kind.value}"), KindPick(kind=kind.value).pack()) for kind in QuestionKind]
    return keyboard([buttons[:2], buttons[2:]])


def more_keyboard(t: BoundTranslator, *, can_add: bool) -> InlineKeyboardMarkup:
    add = [(t("survey-button-add-question"), MoreQuestions(more=True).pack())] if can_add else []
    return keyboard([add, [(t("survey-button-finish"), MoreQuestions(more=False).pack())]])


def confirm_keyboard(t: BoundTranslator) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("button-save"), ConfirmSurvey(save=True).pack()),
                (t("button-cancel"), ConfirmSurvey(save=False).pack()),
            ]
        ]
    )


def _digit(t: BoundTranslator, value: int) -> str:
    return to_persian_digits(value) if t.locale == "fa" else str(value)


def question_keyboard(
    t: BoundTranslator, survey_id: int, question: QuestionView, mask: int = 0
) -> InlineKeyboardMarkup:
    """The answer buttons of the question's kind, then skip and stop."""
    ids = {"survey_id": survey_id, "question_id": question.id}
    rows: list[list[tuple[str, str]]] = []
    if question.kind == QuestionKind.SINGLE:
        rows = [[(option, OptionPick(**ids, index=i).pack())] for i, option in enumerate(question.options)]
    elif question.kind == QuestionKind.MULTI:
        rows = [
            [
                (
                    t("survey-option-on" if mask >> i & 1 else "survey-option-off", option=option),
                    OptionToggle(**ids, mask=mask ^ (1 << i)).pack(),
                )
            ]
            for i, option in enumerate(question.options)
        ]
        rows.append([(t("survey-button-multi-done"), MultiDone(**ids, mask=mask).pack())])
    elif question.kind == QuestionKind.SCALE:
        rows = [[(_digit(t, value), ScalePick(**ids, value=value).pack()) for value in SCALE]]
    rows.append(
        [
            (t("survey-button-skip"), SkipQuestion(**ids).pack()),
            (t("survey-button-stop"), StopAnswering(survey_id=survey_id).pack()),
        ]
    )
    return keyboard(rows)


def resume_keyboard(t: BoundTranslator, survey_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(t("survey-button-resume"), StartSurvey(survey_id=survey_id).pack())]])


def to_answer_keyboard(t: BoundTranslator, surveys: Sequence[OpenSurvey]) -> InlineKeyboardMarkup:
    return keyboard(
        [[(t("survey-button-answer", title=s.title), StartSurvey(survey_id=s.id).pack())] for s in surveys]
    )


def menu_keyboard(
    t: BoundTranslator, surveys: Sequence[SurveySummary], *, can_create: bool
) -> InlineKeyboardMarkup:
    rows = [
        [(t("survey-button-show", id=s.id, title=s.title), ShowResults(survey_id=s.id).pack())]
        for s in surveys
    ]
    if can_create:
        rows.append([(t("survey-button-new"), NewSurvey().pack())])
    return keyboard(rows)


def show_results_keyboard(t: BoundTranslator, survey_id: int) -> InlineKeyboardMarkup:
    return keyboard([[(t("survey-button-results"), ShowResults(survey_id=survey_id).pack())]])


def results_keyboard(t: BoundTranslator, survey_id: int, *, closable: bool) -> InlineKeyboardMarkup | None:
    if not closable:
        return None
    return keyboard([[(t("survey-button-close"), CloseSurvey(survey_id=survey_id, answer="ask").pack())]])


def close_keyboard(t: BoundTranslator, survey_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (t("survey-button-close-yes"), CloseSurvey(survey_id=survey_id, answer="yes").pack()),
                (t("survey-button-close-no"), CloseSurvey(survey_id=survey_id, answer="no").pack()),
            ]
        ]
    )
