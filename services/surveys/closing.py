"""Closing a survey — by its creator (or whoever may manage it), or by the `close_surveys` job the
day after its closing date — and what a closed survey leaves: for each neighbourhood whose
residents answered, a `NeedsAssessment` record («needs assessment done», the date, how many
answered, the top needs), and a notice to its managers with each top need as a button that
drafts a resolution (`resolution_draft`, which the resolution form takes as its prefill).

The top needs (the rule): the options of the survey's first single or multiple choice question,
most chosen first (ties in the question's order), those chosen at least once, at most
`TOP_NEEDS`. A survey without such a question records no needs, only that it was done.

Closing is idempotent: a survey is closed under its row lock and only while still open; the
records and notices carry unique keys, so a rerun, a restart or a second instance adds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey
from models.identity import Neighbourhood, Role, RoleAssignment, ScopeKind
from models.inserts import insert_unless_present
from models.surveys import NeedsAssessment, QuestionKind, Survey, SurveyResponse, SurveyStatus
from services.authz import Actor, record_audit, require_neighbourhood_manager
from services.i18n import BoundTranslator, Translator
from services.jalali import tehran_today
from services.notify import Button, notify_people
from services.surveys.access import load_survey, require_survey_manager, scope_of
from services.surveys.errors import SurveyClosed
from services.surveys.results import SurveyResults, compute_results
from services.uow import committing

log = logging.getLogger(__name__)

__all__ = [
    "DRAFT_DEADLINE",
    "NEED_CALLBACK",
    "RESULTS_CALLBACK",
    "TOP_NEEDS",
    "CloseRun",
    "NeedsRecord",
    "ResolutionDraft",
    "close_due_surveys",
    "close_survey",
    "latest_needs_assessment",
    "needs_assessments",
    "resolution_draft",
    "top_needs",
]

TOP_NEEDS = 3
# A resolution drafted from a need is due in a month unless the manager says otherwise.
DRAFT_DEADLINE = timedelta(days=30)
# The buttons under the closing notice; handlers.surveys answers them.
NEED_CALLBACK = "sv_need:{survey_id}:{neighbourhood_id}:{index}"
RESULTS_CALLBACK = "sv_res:{survey_id}"


@dataclass(frozen=True)
class NeedsRecord:
    """A neighbourhood's needs assessment, as reports and the profile read it."""

    neighbourhood_id: int
    survey_id: int
    title: str
    done_on: date
    respondents: int
    top_needs: tuple[str, ...]


@dataclass(frozen=True)
class CloseRun:
    """What the job did: surveys past their date found and closed."""

    checked: int
    closed: int
    records: int

    def line(self) -> str:
        return f"checked {self.checked} surveys past their closing date: {self.closed} closed, {self.records} needs assessments recorded"


@dataclass(frozen=True)
class ResolutionDraft:
    """A top need as a resolution ready to confirm: the text, the committee suggested (None when
    no guess was good enough: the manager picks), and a deadline."""

    neighbourhood_id: int
    need: str
    text: str
    committee: CommitteeKey | None
    deadline: date


def top_needs(results: SurveyResults, limit: int = TOP_NEEDS) -> tuple[str, ...]:
    """The top needs the results show (the rule in the module's docstring)."""
    for question in results.questions:
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            ranked = sorted(enumerate(question.options), key=lambda pair: (-pair[1].count, pair[0]))
            return tuple(option.option for _, option in ranked if option.count > 0)[:limit]
    return ()


async def _managers(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(RoleAssignment.person_id)
            .where(
                RoleAssignment.role == Role.MANAGER,
                RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
                RoleAssignment.scope_id == neighbourhood_id,
            )
            .order_by(RoleAssignment.person_id)
        )
    )


async def _tell_managers(
    session: AsyncSession, translator: Translator, survey: Survey, record: NeedsRecord, now: datetime
) -> list[int]:
    """The closing notice with the neighbourhood's top needs, each a button that drafts a
    resolution; returns who was addressed."""
    managers = await _managers(session, record.neighbourhood_id)
    name = await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == record.neighbourhood_id))
    needs = record.top_needs

    def render(t: BoundTranslator) -> str:
        lines = "\n".join(t("survey-need-line", rank=i, need=need) for i, need in enumerate(needs, start=1))
        return t(
            "survey-closed-notice",
            title=survey.title,
            neighbourhood=name or "",
            respondents=record.respondents,
            needs=lines or t("survey-no-needs"),
        )

    buttons = [
        [
            Button(
                "survey-button-need",
                NEED_CALLBACK.format(survey_id=survey.id, neighbourhood_id=record.neighbourhood_id, index=i),
                (("need", need),),
            )
        ]
        for i, need in enumerate(needs)
    ]
    buttons.append([Button("survey-button-results", RESULTS_CALLBACK.format(survey_id=survey.id))])
    await notify_people(
        session,
        translator,
        managers,
        render=render,
        now=now,
        buttons=buttons,
        dedup_prefix=f"survey:{survey.id}:closed:{record.neighbourhood_id}",
    )
    return managers


async def _record(
    session: AsyncSession, survey: Survey, neighbourhood_id: int, today: date, now: datetime
) -> NeedsRecord | None:
    """The neighbourhood's needs assessment from this survey (None when nobody there answered)."""
    results = await compute_results(session, survey, neighbourhood_id)
    if results.responses == 0:
        return None
    record = NeedsRecord(
        neighbourhood_id, survey.id, survey.title, today, results.responses, top_needs(results)
    )
    await insert_unless_present(
        session,
        NeedsAssessment,
        {
            "neighbourhood_id": neighbourhood_id,
            "survey_id": survey.id,
            "done_on": today,
            "respondents": record.respondents,
            "top_needs": list(record.top_needs),
            "created_at": now,
        },
        unique=["neighbourhood_id", "survey_id"],
    )
    return record


async def _close(
    session: AsyncSession, translator: Translator, survey: Survey, now: datetime
) -> list[NeedsRecord]:
    """Close the open survey, record the needs of each neighbourhood that answered and tell its
    managers, and the creator how it went. Only adds to the caller's transaction."""
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = now
    today = tehran_today(now)
    answered_in = list(
        await session.scalars(
            select(SurveyResponse.neighbourhood_id)
            .where(SurveyResponse.survey_id == survey.id)
            .distinct()
            .order_by(SurveyResponse.neighbourhood_id)
        )
    )
    records: list[NeedsRecord] = []
    told: set[int] = set()
    for neighbourhood_id in answered_in:
        record = await _record(session, survey, neighbourhood_id, today, now)
        if record is not None:
            records.append(record)
            told.update(await _tell_managers(session, translator, survey, record, now))
    creator = survey.created_by_person_id
    if creator is not None and creator not in told:
        respondents = sum(r.respondents for r in records)
        await notify_people(
            session,
            translator,
            [creator],
            render=lambda t: t(
                "survey-closed-creator",
                title=survey.title,
                respondents=respondents,
                neighbourhoods=len(records),
            ),
            now=now,
            buttons=[[Button("survey-button-results", RESULTS_CALLBACK.format(survey_id=survey.id))]],
            dedup_prefix=f"survey:{survey.id}:closed",
        )
    return records


async def close_survey(
    session: AsyncSession, translator: Translator, *, actor: Actor, survey_id: int, now: datetime
) -> list[NeedsRecord]:
    """Close the survey before its date; returns the needs assessments recorded; commits.

    Whoever may create a survey there (its creator did). Raises `PermissionDenied`,
    `SurveyClosed` (closed already), `UnknownSurvey`.
    """
    async with committing(session):
        survey = await load_survey(session, survey_id, for_update=True)
        await require_survey_manager(session, actor, scope_of(survey), "survey.close")
        if survey.status != SurveyStatus.OPEN:
            raise SurveyClosed(str(survey_id))
        records = await _close(session, translator, survey, now)
        record_audit(
            session,
            actor,
            action="survey.close",
            target_type="survey",
            target_id=survey.id,
            details={"records": len(records)},
            now=now,
        )
    return records


async def close_due_surveys(session: AsyncSession, translator: Translator, *, now: datetime) -> CloseRun:
    """The job: close every open survey whose closing date has passed (Tehran); one transaction
    per survey. Idempotent."""
    due = list(
        await session.scalars(
            select(Survey.id)
            .where(Survey.status == SurveyStatus.OPEN, Survey.closes_on < tehran_today(now))
            .order_by(Survey.id)
        )
    )
    await session.commit()
    closed = records = 0
    for survey_id in due:
        async with committing(session):
            survey = await load_survey(session, survey_id, for_update=True)
            if survey.status != SurveyStatus.OPEN:  # closed meanwhile, by hand or by another run
                continue
            records += len(await _close(session, translator, survey, now))
            closed += 1
    if closed:
        log.info("closed %s surveys past their date", closed)
    return CloseRun(checked=len(due), closed=closed, records=records)


def _view(row: NeedsAssessment, title: str) -> NeedsRecord:
    return NeedsRecord(
        row.neighbourhood_id, row.survey_id, title, row.done_on, row.respondents, tuple(row.top_needs)
    )


async def latest_needs_assessment(session: AsyncSession, neighbourhood_id: int) -> NeedsRecord | None:
    """The neighbourhood's latest needs assessment, if it has had one."""
    row = (
        await session.execute(
            select(NeedsAssessment, Survey.title)
            .join(Survey, Survey.id == NeedsAssessment.survey_id)
            .where(NeedsAssessment.neighbourhood_id == neighbourhood_id)
            .order_by(NeedsAssessment.done_on.desc(), NeedsAssessment.id.desc())
            .limit(1)
        )
    ).first()
    return _view(row[0], row[1]) if row is not None else None


async def needs_assessments(
    session: AsyncSession, neighbourhood_ids: list[int], start: date, end: date
) -> list[NeedsRecord]:
    """The needs assessments done in these neighbourhoods from `start` to `end` (inclusive), for
    reports."""
    rows = await session.execute(
        select(NeedsAssessment, Survey.title)
        .join(Survey, Survey.id == NeedsAssessment.survey_id)
        .where(
            NeedsAssessment.neighbourhood_id.in_(neighbourhood_ids),
            NeedsAssessment.done_on >= start,
            NeedsAssessment.done_on <= end,
        )
        .order_by(NeedsAssessment.neighbourhood_id, NeedsAssessment.done_on, NeedsAssessment.id)
    )
    return [_view(row, title) for row, title in rows.tuples()]


async def resolution_draft(
    session: AsyncSession,
    t: BoundTranslator,
    *,
    actor: Actor,
    survey_id: int,
    neighbourhood_id: int,
    need_index: int,
    today: date,
    suggest: Callable[[str], CommitteeKey | None] | None = None,
) -> ResolutionDraft:
    """One of the neighbourhood's top needs from the survey as a resolution to confirm (the
    handler fills the resolution form with it; `services.resolutions.add_resolution` saves it and
    checks again). `suggest` guesses the committee from the need's text (the routing model).
    The neighbourhood's manager and the officials above. Raises `PermissionDenied`,
    `LookupError` (no such record or need)."""
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "survey.draft")
    row = (
        await session.execute(
            select(NeedsAssessment, Survey.title)
            .join(Survey, Survey.id == NeedsAssessment.survey_id)
            .where(
                NeedsAssessment.neighbourhood_id == neighbourhood_id, NeedsAssessment.survey_id == survey_id
            )
        )
    ).first()
    if row is None or not 0 <= need_index < len(row[0].top_needs):
        raise LookupError(f"no need {need_index} of survey {survey_id} in neighbourhood {neighbourhood_id}")
    need = row[0].top_needs[need_index]
    return ResolutionDraft(
        neighbourhood_id=neighbourhood_id,
        need=need,
        text=t("survey-need-resolution", need=need, title=row[1]),
        committee=suggest(need) if suggest is not None else None,
        deadline=today + DRAFT_DEADLINE,
    )
