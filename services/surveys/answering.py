"""A resident answering a survey: one question at a time, any of them skipped, stopped and resumed
later at the first question still unanswered; once only.

The response row is made when the resident first presses «start» (or answers); it names them
only so that a second attempt is recognised and a stopped one resumed. A survey takes answers
until the end of its closing date (Tehran), even if the closing job has not run yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Neighbourhood, ScopeKind
from models.inserts import insert_unless_present
from models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyStatus
from services.authz import Actor, PermissionDenied, region_of
from services.jalali import tehran_today
from services.surveys.access import load_survey, resident_neighbourhoods, scope_of
from services.surveys.drafting import SCALE, clean_text_answer
from services.surveys.errors import AlreadyAnswered, InvalidAnswer, SurveyClosed, UnknownQuestion
from services.uow import committing

__all__ = [
    "AnswerStep",
    "OpenSurvey",
    "QuestionView",
    "answer_question",
    "is_open",
    "start_answering",
    "surveys_to_answer",
]


@dataclass(frozen=True)
class QuestionView:
    """A question as a resident is asked it: «number of total»."""

    id: int
    number: int
    total: int
    text: str
    kind: QuestionKind
    options: tuple[str, ...]


@dataclass(frozen=True)
class AnswerStep:
    """Where a resident is in a survey: the next question still unanswered, or None when every
    question has its answer. `resumed`: questions were answered before this sitting;
    `repeated`: the question just answered had its answer already (a second tap), nothing
    changed."""

    survey_id: int
    title: str
    question: QuestionView | None
    resumed: bool = False
    repeated: bool = False


@dataclass(frozen=True)
class OpenSurvey:
    """An open survey a resident may answer: `answered` of `total` questions so far."""

    id: int
    title: str
    closes_on: date
    answered: int
    total: int


def is_open(survey: Survey, now: datetime) -> bool:
    """Whether the survey still takes answers: open, and its closing date not past (Tehran)."""
    return survey.status == SurveyStatus.OPEN and tehran_today(now) <= survey.closes_on


async def _respondent_neighbourhood(session: AsyncSession, actor: Actor, survey: Survey) -> int:
    """The actor's neighbourhood the survey reaches (they are a resident there); else
    `PermissionDenied`: only the residents it reaches answer a survey."""
    if actor.person_id is not None:
        for neighbourhood_id in await resident_neighbourhoods(session, actor.person_id):
            if survey.neighbourhood_id == neighbourhood_id:
                return neighbourhood_id
            if survey.neighbourhood_id is None:
                region = await region_of(session, ScopeKind.NEIGHBOURHOOD, neighbourhood_id)
                if region.county_id == survey.county_id:
                    return neighbourhood_id
    scope = scope_of(survey)
    raise PermissionDenied("survey.answer", await region_of(session, scope.kind, scope.id))


async def _response(session: AsyncSession, actor: Actor, survey: Survey, now: datetime) -> SurveyResponse:
    """The actor's response to the survey, begun now if need be (checked: a resident it
    reaches, the survey open)."""
    neighbourhood_id = await _respondent_neighbourhood(session, actor, survey)
    if not is_open(survey, now):
        raise SurveyClosed(str(survey.id))
    values = {
        "survey_id": survey.id,
        "person_id": actor.person_id,
        "neighbourhood_id": neighbourhood_id,
        "started_at": now,
    }
    # Two presses of «start» at once make one response.
    await insert_unless_present(session, SurveyResponse, values, unique=["survey_id", "person_id"])
    response: SurveyResponse | None = await session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.person_id == actor.person_id
        )
    )
    assert response is not None
    return response


async def _next_question(
    session: AsyncSession, survey_id: int, response_id: int
) -> tuple[QuestionView | None, int]:
    """The first question (by position) the response has no answer to, and how many it has."""
    questions = list(
        await session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey_id)
            .order_by(SurveyQuestion.position)
        )
    )
    answered = set(
        await session.scalars(select(SurveyAnswer.question_id).where(SurveyAnswer.response_id == response_id))
    )
    for number, question in enumerate(questions, start=1):
        if question.id not in answered:
            view = QuestionView(
                id=question.id,
                number=number,
                total=len(questions),
                text=question.text,
                kind=question.kind,
                options=tuple(question.options),
            )
            return view, len(answered)
    return None, len(answered)


async def start_answering(
    session: AsyncSession, *, actor: Actor, survey_id: int, now: datetime
) -> AnswerStep:
    """Begin (or resume) answering: the first question still unanswered; commits.

    Raises `PermissionDenied` (not a resident the survey reaches), `SurveyClosed`,
    `AlreadyAnswered` (every question has its answer: once only), `UnknownSurvey`.
    """
    async with committing(session):
        survey = await load_survey(session, survey_id)
        response = await _response(session, actor, survey, now)
        question, answered = await _next_question(session, survey.id, response.id)
        if question is None:
            raise AlreadyAnswered(str(survey.id))
        return AnswerStep(survey.id, survey.title, question, resumed=answered > 0)


def _answer_values(
    question: SurveyQuestion, choices: Sequence[int], scale: int | None, text: str | None
) -> dict[str, Any]:
    """The answer's columns, checked against the question's kind; raises `InvalidAnswer`, or
    `TextTooShort` / `TextTooLong` for a text."""
    if question.kind == QuestionKind.TEXT:
        return {"text": clean_text_answer(text)}
    if question.kind == QuestionKind.SCALE:
        if scale not in SCALE:
            raise InvalidAnswer(f"scale {scale!r}")
        return {"scale": scale}
    picked = sorted(set(choices))
    if not picked or any(not 0 <= index < len(question.options) for index in picked):
        raise InvalidAnswer(f"options {list(choices)!r} of {len(question.options)}")
    if question.kind == QuestionKind.SINGLE and len(picked) != 1:
        raise InvalidAnswer("a single choice takes one option")
    return {"choices": picked}


async def answer_question(
    session: AsyncSession,
    *,
    actor: Actor,
    survey_id: int,
    question_id: int,
    now: datetime,
    choices: Sequence[int] = (),
    scale: int | None = None,
    text: str | None = None,
    skip: bool = False,
) -> AnswerStep:
    """Record the answer to one question (option indexes for a single or multiple choice, 1–5
    for a scale, a text; or `skip`) and return the next question still unanswered; commits. A
    question answered already keeps its first answer (`repeated`).

    Raises `PermissionDenied`, `SurveyClosed`, `UnknownSurvey`, `UnknownQuestion`,
    `InvalidAnswer`, `TextTooShort`, `TextTooLong`.
    """
    async with committing(session):
        survey = await load_survey(session, survey_id)
        response = await _response(session, actor, survey, now)
        question = await session.scalar(
            select(SurveyQuestion).where(
                SurveyQuestion.id == question_id, SurveyQuestion.survey_id == survey.id
            )
        )
        if question is None:
            raise UnknownQuestion(question_id)
        values = {} if skip else _answer_values(question, choices, scale, text)
        added = await insert_unless_present(
            session,
            SurveyAnswer,
            {
                "response_id": response.id,
                "question_id": question.id,
                "skipped": skip,
                "answered_at": now,
                **values,
            },
            unique=["response_id", "question_id"],
        )
        following, _ = await _next_question(session, survey.id, response.id)
        if following is None and response.completed_at is None:
            response.completed_at = now
        return AnswerStep(survey.id, survey.title, following, repeated=added is None)


async def surveys_to_answer(session: AsyncSession, *, actor: Actor, now: datetime) -> list[OpenSurvey]:
    """The open surveys that reach the actor's neighbourhoods and that they have not finished,
    the soonest to close first."""
    if actor.person_id is None:
        return []
    neighbourhoods = await resident_neighbourhoods(session, actor.person_id)
    if not neighbourhoods:
        return []
    counties = select(Neighbourhood.county_id).where(Neighbourhood.id.in_(neighbourhoods))
    surveys = list(
        await session.scalars(
            select(Survey)
            .where(
                Survey.status == SurveyStatus.OPEN,
                Survey.closes_on >= tehran_today(now),
                or_(
                    Survey.neighbourhood_id.in_(neighbourhoods),
                    Survey.neighbourhood_id.is_(None) & Survey.county_id.in_(counties),
                ),
            )
            .order_by(Survey.closes_on, Survey.id)
        )
    )
    found = []
    for survey in surveys:
        total = await session.scalar(select(func.count()).where(SurveyQuestion.survey_id == survey.id)) or 0
        response = await session.scalar(
            select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.person_id == actor.person_id
            )
        )
        if response is not None and response.completed_at is not None:
            continue
        answered = 0
        if response is not None:
            answered = (
                await session.scalar(select(func.count()).where(SurveyAnswer.response_id == response.id)) or 0
            )
        found.append(OpenSurvey(survey.id, survey.title, survey.closes_on, answered, total))
    return found
