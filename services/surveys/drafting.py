"""What a survey may be: its limits, the cleaning of each part as the creator types it (the chat
form checks each step with these), the whole draft checked again when it is saved, and the JSON
file the command line reads (`python -m bot survey create FILE.json`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from models.surveys import QuestionKind
from services.errors import TextTooLong, TextTooShort
from services.jalali import DateParseError, parse_jalali_date
from services.persian import fold_for_search, normalize_prose
from services.surveys.errors import InvalidSurvey

__all__ = [
    "CHOICE_KINDS",
    "MAX_OPEN_DAYS",
    "MAX_OPTIONS",
    "MAX_OPTION_LENGTH",
    "MAX_QUESTIONS",
    "MAX_QUESTION_LENGTH",
    "MAX_TEXT_ANSWER_LENGTH",
    "MAX_TITLE_LENGTH",
    "MIN_OPTIONS",
    "MIN_QUESTION_LENGTH",
    "MIN_TITLE_LENGTH",
    "SCALE",
    "QuestionDraft",
    "SurveyDraft",
    "check_closes_on",
    "clean_options",
    "clean_question_text",
    "clean_text_answer",
    "clean_title",
    "options_from_lines",
    "parse_survey",
    "validate_draft",
]

MIN_TITLE_LENGTH = 3
MAX_TITLE_LENGTH = 150  # the column's size
MIN_QUESTION_LENGTH = 3
MAX_QUESTION_LENGTH = 300
# An option is a button label: short enough to read on a phone in one line.
MAX_OPTION_LENGTH = 60
MIN_OPTIONS, MAX_OPTIONS = 2, 10
# A resident answers one question at a time: ten is already a long sitting.
MAX_QUESTIONS = 10
# A survey longer than half a year is no longer an assessment of today's needs.
MAX_OPEN_DAYS = 183
MAX_TEXT_ANSWER_LENGTH = 500
# The values of a scale question.
SCALE = range(1, 6)
CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTI})


@dataclass(frozen=True)
class QuestionDraft:
    text: str
    kind: QuestionKind
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyDraft:
    """A survey as its creator wrote it (cleaned by `validate_draft` before it is saved)."""

    title: str
    closes_on: date
    questions: tuple[QuestionDraft, ...]


def _one_line(text: str) -> str:
    # Prose rules (digits stay as typed: «۱۴۰۵» is not turned into 1405), on one line.
    return " ".join(normalize_prose(text).split())


def _clean_line(text: str | None, field_name: str, minimum: int, maximum: int) -> str:
    cleaned = _one_line(text or "")
    if len(cleaned) < minimum:
        raise TextTooShort(field_name, minimum)
    if len(cleaned) > maximum:
        raise TextTooLong(field_name, len(cleaned), maximum)
    return cleaned


def clean_title(text: str | None) -> str:
    """The title as stored (one line); raises `TextTooShort` / `TextTooLong`."""
    return _clean_line(text, "title", MIN_TITLE_LENGTH, MAX_TITLE_LENGTH)


def clean_question_text(text: str | None) -> str:
    """A question as stored (one line); raises `TextTooShort` / `TextTooLong`."""
    return _clean_line(text, "question", MIN_QUESTION_LENGTH, MAX_QUESTION_LENGTH)


def clean_text_answer(text: str | None) -> str:
    """A resident's short text answer as stored; raises `TextTooShort` / `TextTooLong`."""
    cleaned = normalize_prose(text or "")
    if not cleaned:
        raise TextTooShort("answer", 1)
    if len(cleaned) > MAX_TEXT_ANSWER_LENGTH:
        raise TextTooLong("answer", len(cleaned), MAX_TEXT_ANSWER_LENGTH)
    return cleaned


def options_from_lines(text: str | None) -> list[str]:
    """The options typed in the chat, one per line (blank lines left out)."""
    return [line for line in (text or "").splitlines() if line.strip()]


def clean_options(kind: QuestionKind, options: Sequence[str]) -> tuple[str, ...]:
    """The options of a question of `kind` as stored: 2–10 distinct short lines for a single or
    multiple choice, none for the others. Raises `InvalidSurvey` ("options-count",
    "options-duplicate", "options-not-allowed") or `TextTooLong` for an option too long."""
    cleaned = [_one_line(option) for option in options]
    cleaned = [option for option in cleaned if option]
    if kind not in CHOICE_KINDS:
        if cleaned:
            raise InvalidSurvey("options-not-allowed", f"a {kind.value} question takes no options")
        return ()
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise InvalidSurvey(
            "options-count",
            f"a {kind.value} question needs {MIN_OPTIONS} to {MAX_OPTIONS} options, not {len(cleaned)}",
            minimum=MIN_OPTIONS,
            maximum=MAX_OPTIONS,
            count=len(cleaned),
        )
    seen: set[str] = set()
    for option in cleaned:
        if len(option) > MAX_OPTION_LENGTH:
            raise TextTooLong("option", len(option), MAX_OPTION_LENGTH)
        key = fold_for_search(option)
        if key in seen:
            # The results count each option by its text: two alike could not be told apart.
            raise InvalidSurvey("options-duplicate", f"the option {option!r} is given twice", option=option)
        seen.add(key)
    return tuple(cleaned)


def check_closes_on(closes_on: date, today: date) -> None:
    """A closing date must be after today (Tehran) and at most `MAX_OPEN_DAYS` away; raises
    `InvalidSurvey` ("closes-past", "closes-far")."""
    if closes_on <= today:
        raise InvalidSurvey("closes-past", f"the closing date {closes_on} is not after today", today=today)
    limit = today + timedelta(days=MAX_OPEN_DAYS)
    if closes_on > limit:
        raise InvalidSurvey("closes-far", f"the closing date {closes_on} is after {limit}", limit=limit)


def _clean_question(question: QuestionDraft) -> QuestionDraft:
    return QuestionDraft(
        text=clean_question_text(question.text),
        kind=question.kind,
        options=clean_options(question.kind, question.options),
    )


def validate_draft(draft: SurveyDraft, today: date) -> SurveyDraft:
    """The draft cleaned and checked as a whole: a title, a closing date after today, 1 to
    `MAX_QUESTIONS` questions, each with its options. Raises `InvalidSurvey`, `TextTooShort`,
    `TextTooLong`."""
    if not draft.questions:
        raise InvalidSurvey("no-questions", "a survey needs at least one question")
    if len(draft.questions) > MAX_QUESTIONS:
        raise InvalidSurvey(
            "too-many-questions",
            f"a survey has at most {MAX_QUESTIONS} questions, not {len(draft.questions)}",
            maximum=MAX_QUESTIONS,
        )
    check_closes_on(draft.closes_on, today)
    return SurveyDraft(
        title=clean_title(draft.title),
        closes_on=draft.closes_on,
        questions=tuple(_clean_question(q) for q in draft.questions),
    )


def _parse_question(raw: Any, number: int) -> QuestionDraft:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise InvalidSurvey("not-a-survey", f'question {number} needs a "text"', what=f"question {number}")
    try:
        kind = QuestionKind(str(raw.get("kind")))
    except ValueError:
        raise InvalidSurvey(
            "kind", f"question {number}: kind must be single, multi, scale or text", kind=raw.get("kind")
        ) from None
    options = raw.get("options", [])
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise InvalidSurvey(
            "not-a-survey", f"question {number}: options must be a list of texts", what="options"
        )
    return QuestionDraft(text=raw["text"], kind=kind, options=tuple(options))


def parse_survey(data: Any, today: date) -> SurveyDraft:
    """A survey from the command line's JSON: `{"title": "…", "closes": "1405/10/30",
    "questions": [{"text": "…", "kind": "single|multi|scale|text", "options": ["…"]}]}`
    (options only for single and multi; the date Jalali, in any digits), checked like one
    made in the chat. Raises `InvalidSurvey`, `TextTooShort`, `TextTooLong`."""
    if not isinstance(data, dict):
        raise InvalidSurvey("not-a-survey", "the file must hold one JSON object", what="file")
    if not isinstance(data.get("title"), str) or not isinstance(data.get("closes"), str):
        raise InvalidSurvey("not-a-survey", 'a survey needs a "title" and a "closes" date', what="title")
    questions = data.get("questions")
    if not isinstance(questions, list):
        raise InvalidSurvey("not-a-survey", 'a survey needs a list of "questions"', what="questions")
    try:
        closes_on = parse_jalali_date(data["closes"])
    except DateParseError:
        raise InvalidSurvey(
            "closes-format", f"closes must be a Jalali date like 1405/10/30, not {data['closes']!r}"
        ) from None
    draft = SurveyDraft(
        title=data["title"],
        closes_on=closes_on,
        questions=tuple(_parse_question(q, i) for i, q in enumerate(questions, start=1)),
    )
    return validate_draft(draft, today)
