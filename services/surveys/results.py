"""A survey's results: how many residents responded; for each question the counts and
percentages of its options, a scale's average, the texts written. Anonymous by construction:
the answers are read without their respondents, and the texts are sorted, so not even the order
they came in tells who wrote them.

A percentage is of those who answered that question (skips left out); in a multiple choice
they add up to more than 100. A respondent is a resident with at least one answer (a skip
counts: they took part).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import County, Neighbourhood, Role, ScopeKind
from models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyStatus
from services.authz import Actor
from services.surveys.access import load_survey, results_neighbourhood, scope_of
from services.surveys.drafting import SCALE

__all__ = [
    "OptionCount",
    "QuestionResult",
    "SurveyResults",
    "SurveySummary",
    "compute_results",
    "list_surveys",
    "results_json",
    "survey_results",
]

# How many surveys /survey lists.
LIST_LIMIT = 10


@dataclass(frozen=True)
class OptionCount:
    option: str
    count: int
    # Of those who answered the question, 0–100.
    percent: float


@dataclass(frozen=True)
class QuestionResult:
    number: int
    text: str
    kind: QuestionKind
    answered: int
    skipped: int
    # Single and multiple choice: every option, in the question's order.
    options: tuple[OptionCount, ...] = ()
    # Scale: the average (None before any answer) and how many chose 1, 2, … 5.
    average: float | None = None
    scale_counts: tuple[int, ...] = ()
    # Text: what was written, sorted (the manager and officials only ever read results).
    texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurveyResults:
    survey_id: int
    title: str
    status: SurveyStatus
    closes_on: date
    responses: int
    questions: tuple[QuestionResult, ...]
    # Set when only one neighbourhood's answers are counted (a county survey seen by a manager).
    neighbourhood_id: int | None = None


@dataclass(frozen=True)
class SurveySummary:
    """A survey in a list: where it goes (`place`: the neighbourhood's or county's name)."""

    id: int
    title: str
    status: SurveyStatus
    closes_on: date
    county_wide: bool
    place: str


def _percent(count: int, of: int) -> float:
    return round(100 * count / of, 1) if of else 0.0


def _question_result(number: int, question: SurveyQuestion, answers: list[SurveyAnswer]) -> QuestionResult:
    given = [a for a in answers if not a.skipped]
    common: dict[str, Any] = {
        "number": number,
        "text": question.text,
        "kind": question.kind,
        "answered": len(given),
        "skipped": len(answers) - len(given),
    }
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        counts = Counter(index for a in given for index in a.choices or [])
        options = tuple(
            OptionCount(option, counts[i], _percent(counts[i], len(given)))
            for i, option in enumerate(question.options)
        )
        return QuestionResult(**common, options=options)
    if question.kind == QuestionKind.SCALE:
        values = [a.scale for a in given if a.scale is not None]
        average = round(sum(values) / len(values), 2) if values else None
        return QuestionResult(**common, average=average, scale_counts=tuple(values.count(v) for v in SCALE))
    return QuestionResult(**common, texts=tuple(sorted(a.text for a in given if a.text)))


async def compute_results(
    session: AsyncSession, survey: Survey, neighbourhood_id: int | None = None
) -> SurveyResults:
    """The results of the survey (of one neighbourhood's respondents, if given); no check of who
    asks: `survey_results` is the way in."""
    questions = list(
        await session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey.id)
            .order_by(SurveyQuestion.position)
        )
    )
    query = (
        select(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(SurveyResponse.survey_id == survey.id)
        .order_by(SurveyAnswer.id)
    )
    if neighbourhood_id is not None:
        query = query.where(SurveyResponse.neighbourhood_id == neighbourhood_id)
    answers = list(await session.scalars(query))
    by_question: dict[int, list[SurveyAnswer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    return SurveyResults(
        survey_id=survey.id,
        title=survey.title,
        status=survey.status,
        closes_on=survey.closes_on,
        responses=len({a.response_id for a in answers}),
        questions=tuple(
            _question_result(n, q, by_question.get(q.id, [])) for n, q in enumerate(questions, start=1)
        ),
        neighbourhood_id=neighbourhood_id,
    )


async def survey_results(session: AsyncSession, *, actor: Actor, survey_id: int) -> SurveyResults:
    """The results as the actor may read them: all of them for whoever manages the survey, one
    neighbourhood's for its manager when the survey is the county's. Raises `PermissionDenied`,
    `UnknownSurvey`."""
    survey = await load_survey(session, survey_id)
    only = await results_neighbourhood(session, actor, survey)
    return await compute_results(session, survey, only)


def results_json(results: SurveyResults) -> dict[str, Any]:
    """The command line's `survey results ID --json`: `{"survey": ID, "responses": N,
    "questions": [{"text", "kind", "counts": {option: n}} | {…, "average": x}]}` (counts for
    single and multiple choice, the average for a scale, neither for a text)."""
    questions: list[dict[str, Any]] = []
    for question in results.questions:
        entry: dict[str, Any] = {"text": question.text, "kind": question.kind.value}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            entry["counts"] = {o.option: o.count for o in question.options}
        elif question.kind == QuestionKind.SCALE:
            entry["average"] = question.average
        questions.append(entry)
    return {"survey": results.survey_id, "responses": results.responses, "questions": questions}


def _readable_by(actor: Actor) -> Any:
    """The condition on `Survey` of the surveys the actor may read (None: all of them)."""
    if actor.is_admin:
        return None
    conditions: list[Any] = []
    for grant in actor.grants:
        if grant.role == Role.PROVINCE_OFFICIAL and grant.scope_kind == ScopeKind.PROVINCE:
            conditions.append(
                Survey.county_id.in_(select(County.id).where(County.province_id == grant.scope_id))
            )
        elif grant.role == Role.COUNTY_OFFICIAL and grant.scope_kind == ScopeKind.COUNTY:
            conditions.append(Survey.county_id == grant.scope_id)
        elif grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD:
            conditions.append(Survey.neighbourhood_id == grant.scope_id)
            county = select(Neighbourhood.county_id).where(Neighbourhood.id == grant.scope_id)
            conditions.append(Survey.neighbourhood_id.is_(None) & Survey.county_id.in_(county))
    return or_(*conditions) if conditions else False


async def list_surveys(
    session: AsyncSession, *, actor: Actor, limit: int = LIST_LIMIT
) -> list[SurveySummary]:
    """The latest surveys the actor may read the results of, newest first."""
    readable = _readable_by(actor)
    if readable is False:
        return []
    query = select(Survey, Neighbourhood.name, County.name).join(County, County.id == Survey.county_id)
    query = query.outerjoin(Neighbourhood, Neighbourhood.id == Survey.neighbourhood_id)
    if readable is not None:
        query = query.where(readable)
    rows = await session.execute(query.order_by(Survey.id.desc()).limit(limit))
    return [
        SurveySummary(
            id=survey.id,
            title=survey.title,
            status=survey.status,
            closes_on=survey.closes_on,
            county_wide=scope_of(survey).kind == ScopeKind.COUNTY,
            place=neighbourhood or county,
        )
        for survey, neighbourhood, county in rows.tuples()
    ]
