"""What can go wrong with a survey, as errors the handlers and the command line answer each with a
clear message. Texts too short or too long are the shared `services.errors.TextTooShort` and
`TextTooLong` (`handlers.errors` answers those for every form); a survey, a question or a
neighbourhood that is not there is a `LookupError` («no longer there»)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AlreadyAnswered",
    "InvalidAnswer",
    "InvalidSurvey",
    "SurveyClosed",
    "SurveyError",
    "UnknownQuestion",
    "UnknownSurvey",
]


class SurveyError(Exception):
    """Base of the survey errors that are not lookups or text lengths."""


class InvalidSurvey(SurveyError, ValueError):
    """A survey that can't be created as given. `reason` names the rule broken (the catalogs
    say it as `survey-invalid-<reason>`), `details` its numbers: "no-questions",
    "too-many-questions" (maximum), "options-count" (minimum, maximum, count),
    "options-duplicate" (option), "options-not-allowed", "kind" (kind), "closes-past" (today),
    "closes-far" (limit), "closes-format", "not-a-survey" (what)."""

    def __init__(self, reason: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class SurveyClosed(SurveyError):
    """The survey no longer takes answers (closed, or past its closing date)."""


class AlreadyAnswered(SurveyError):
    """The resident has answered every question of the survey already: once is the rule."""


class InvalidAnswer(SurveyError, ValueError):
    """An answer the question can't take (an option it has not, a scale value out of 1–5, no
    option of a multiple choice): a forged or stale button."""


class UnknownSurvey(LookupError):
    def __init__(self, survey_id: int) -> None:
        super().__init__(f"no survey {survey_id}")
        self.survey_id = survey_id


class UnknownQuestion(LookupError):
    def __init__(self, question_id: int) -> None:
        super().__init__(f"no question {question_id} in this survey")
        self.question_id = question_id
