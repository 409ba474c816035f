"""What the feature shows: a question with its progress («۲ از ۵») and hint, the creator's summary,
the lists of /survey and the results, all from the catalogs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from models.surveys import QuestionKind, SurveyStatus
from services.i18n import BoundTranslator
from services.jalali import format_jalali_date
from services.surveys import (
    MAX_TEXT_ANSWER_LENGTH,
    AnswerStep,
    OpenSurvey,
    QuestionResult,
    QuestionView,
    SurveyResults,
    SurveySummary,
)


def kind_name(t: BoundTranslator, kind: QuestionKind | str) -> str:
    return t(f"survey-kind-name-{QuestionKind(kind).value}")


def question_text(t: BoundTranslator, title: str, question: QuestionView) -> str:
    """The question, «question 2 of 5» over it and how to answer under it."""
    text = t("survey-question", title=title, number=question.number, total=question.total, text=question.text)
    return text + "\n\n" + t(f"survey-hint-{question.kind.value}", max=MAX_TEXT_ANSWER_LENGTH)


def step_text(t: BoundTranslator, step: AnswerStep) -> str:
    assert step.question is not None
    text = question_text(t, step.title, step.question)
    return t("survey-resumed") + "\n" + text if step.resumed else text


def _summary_line(t: BoundTranslator, number: int, question: dict[str, Any]) -> str:
    kind = kind_name(t, question["kind"])
    if question["options"]:
        return t(
            "survey-summary-choice",
            number=number,
            text=question["text"],
            kind=kind,
            options=t.join(question["options"]),
        )
    return t("survey-summary-question", number=number, text=question["text"], kind=kind)


def place_text(t: BoundTranslator, kind: str, name: str) -> str:
    return t(f"survey-scope-{kind}", name=name)


def summary(t: BoundTranslator, data: dict[str, Any]) -> str:
    """The form's summary to confirm."""
    questions = "\n".join(_summary_line(t, n, q) for n, q in enumerate(data["questions"], start=1))
    return t(
        "survey-summary",
        title=data["title"],
        place=place_text(t, data["scope_kind"], data["scope_name"]),
        closes=format_jalali_date(date.fromisoformat(data["closes_on"]), t.locale),
        questions=questions,
    )


def _state(t: BoundTranslator, status: SurveyStatus, closes_on: date) -> str:
    if status == SurveyStatus.OPEN:
        return t("survey-state-open", closes=format_jalali_date(closes_on, t.locale))
    return t("survey-state-closed")


def menu_text(t: BoundTranslator, surveys: Sequence[SurveySummary]) -> str:
    if not surveys:
        return t("survey-menu-title") + "\n" + t("survey-menu-empty")
    lines = [
        t(
            "survey-list-line",
            id=s.id,
            title=s.title,
            place=t("survey-place-county", county=s.place) if s.county_wide else s.place,
            state=_state(t, s.status, s.closes_on),
        )
        for s in surveys
    ]
    return "\n".join([t("survey-menu-title"), *lines])


def to_answer_text(t: BoundTranslator, surveys: Sequence[OpenSurvey]) -> str:
    lines = [
        t(
            "survey-to-answer-line",
            title=s.title,
            closes=format_jalali_date(s.closes_on, t.locale),
            answered=s.answered,
            total=s.total,
        )
        for s in surveys
    ]
    return "\n".join([t("survey-to-answer-title"), *lines])


def _number(value: float) -> str:
    """50.0 → "50", 33.3 → "33.3" (the translator gives it Persian digits)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def _question_part(t: BoundTranslator, question: QuestionResult) -> str:
    lines = [t("survey-results-question", number=question.number, text=question.text)]
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        lines += [
            t("survey-results-option", option=o.option, count=o.count, percent=_number(o.percent))
            for o in question.options
        ]
    elif question.kind == QuestionKind.SCALE and question.average is not None:
        lines.append(
            t("survey-results-average", average=_number(question.average), answered=question.answered)
        )
    elif question.kind == QuestionKind.TEXT:
        lines += [t("survey-results-text", text=text) for text in question.texts]
    if not question.answered:
        lines.append(t("survey-results-no-answers"))
    if question.skipped:
        lines.append(t("survey-results-skipped", skipped=question.skipped))
    return "\n".join(lines)


def results_parts(t: BoundTranslator, results: SurveyResults) -> list[str]:
    """The results as parts (a heading, then one per question), to be joined into messages."""
    heading = [
        t("survey-results-title", title=results.title, id=results.survey_id),
        t(
            "survey-results-state",
            state=_state(t, results.status, results.closes_on),
            responses=results.responses,
        ),
    ]
    if results.neighbourhood_id is not None:
        heading.append(t("survey-results-only"))
    return ["\n".join(heading), *(_question_part(t, q) for q in results.questions)]
