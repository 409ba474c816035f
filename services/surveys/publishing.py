"""Creating a survey and publishing it: the invitation, with a «start» button, queued in the outbox
to every resident of the neighbourhood (or of the county's neighbourhoods) in the same
transaction as the survey, so the delivery worker sends it at the platforms' pace.

Like a crisis broadcast (`services.crisis`), the audience is read in one query, each text is
rendered once per language and the rows are inserted in batches, because a county has thousands
of residents. Each row carries the dedup key `survey:<id>:invite:<person>`. A resident no
messenger can reach now (never started the bot, or blocked it everywhere) gets the invitation
when they arrive, like every notification (`services.notify.release_waiting`; its topic
`survey:<id>` keeps it, with its button, out of the «while you were away» summary).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account, Platform, Role, RoleAssignment, ScopeKind
from models.inserts import insert_many_unless_present
from models.plumbing import OutboxMessage, OutboxStatus
from models.surveys import Survey, SurveyQuestion, SurveyStatus
from services.authz import Actor, record_audit
from services.i18n import SUPPORTED_LOCALES, Translator
from services.jalali import format_jalali_date, tehran_today
from services.notify import Button, inline_keyboard
from services.surveys.access import SurveyScope, require_survey_manager, scope_neighbourhoods
from services.surveys.drafting import SurveyDraft, validate_draft
from services.uow import committing

log = logging.getLogger(__name__)

__all__ = ["START_CALLBACK", "Invitee", "SurveyCreated", "create_survey", "invitation_key", "survey_audience"]

# The «start» button's callback data; handlers.surveys answers it (`StartSurvey`).
START_CALLBACK = "sv_go:{survey_id}"


@dataclass(frozen=True)
class SurveyCreated:
    """The survey saved and published: how many residents were invited now, and how many will be
    when they join (or unblock the bot)."""

    id: int
    title: str
    invited_now: int
    invited_waiting: int


@dataclass(frozen=True)
class Invitee:
    person_id: int
    # Where the invitation can go now; None: it waits for the person.
    platform: Platform | None
    chat_id: int | None
    locale: str | None


def invitation_key(survey_id: int, person_id: int) -> str:
    return f"survey:{survey_id}:invite:{person_id}"


async def survey_audience(session: AsyncSession, neighbourhood_ids: list[int]) -> list[Invitee]:
    """The residents of these neighbourhoods, each once, with the account a message reaches them
    on now (the one used last that has not blocked the bot), in one query."""
    ranked = (
        select(
            Account.person_id,
            Account.platform,
            Account.chat_id,
            Account.locale,
            Account.blocked_at,
            func.row_number()
            .over(
                partition_by=Account.person_id,
                # The reachable ones first; among the blocked, the last used (for the language).
                order_by=(
                    Account.blocked_at.is_(None).desc(),
                    Account.last_seen_at.desc(),
                    Account.id.desc(),
                ),
            )
            .label("rank"),
        )
        .where(Account.person_id.is_not(None))
        .subquery()
    )
    rows = await session.execute(
        select(
            RoleAssignment.person_id,
            ranked.c.platform,
            ranked.c.chat_id,
            ranked.c.locale,
            ranked.c.blocked_at,
        )
        .outerjoin(ranked, (ranked.c.person_id == RoleAssignment.person_id) & (ranked.c.rank == 1))
        .where(
            RoleAssignment.role == Role.RESIDENT,
            RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
            RoleAssignment.scope_id.in_(neighbourhood_ids),
        )
        .order_by(RoleAssignment.person_id)
    )
    invitees: dict[int, Invitee] = {}
    for person_id, platform, chat_id, locale, blocked_at in rows.tuples():
        reachable = platform is not None and blocked_at is None
        invitees.setdefault(
            person_id,
            Invitee(
                person_id=person_id,
                platform=Platform(platform) if reachable else None,
                chat_id=chat_id if reachable else None,
                locale=locale,
            ),
        )
    return list(invitees.values())


async def _queue_invitations(
    session: AsyncSession, translator: Translator, survey: Survey, questions: int, now: datetime
) -> tuple[int, int]:
    """Queue the invitation to every resident the survey reaches; (invited now, waiting)."""
    invitees = await survey_audience(session, await scope_neighbourhoods(session, survey))
    rendered: dict[str, tuple[str, dict[str, Any] | None]] = {}

    def message_for(locale: str | None) -> tuple[str, dict[str, Any] | None]:
        resolved = locale if locale in SUPPORTED_LOCALES else translator.default_locale
        if resolved not in rendered:
            t = translator.bind(resolved)
            text = t(
                "survey-invitation",
                title=survey.title,
                questions=questions,
                closes=format_jalali_date(survey.closes_on, resolved),
            )
            button = Button("survey-button-start", START_CALLBACK.format(survey_id=survey.id))
            rendered[resolved] = (text, inline_keyboard(t, [[button]]))
        return rendered[resolved]

    rows = []
    for invitee in invitees:
        text, markup = message_for(invitee.locale)
        waiting = invitee.platform is None
        rows.append(
            {
                # The values services.outbox.enqueue writes for one message.
                "platform": invitee.platform,
                "chat_id": invitee.chat_id,
                "person_id": invitee.person_id,
                "text": text,
                "reply_markup": markup,
                "dedup_key": invitation_key(survey.id, invitee.person_id),
                "topic": f"survey:{survey.id}",
                "status": OutboxStatus.WAITING if waiting else OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    await insert_many_unless_present(session, OutboxMessage, rows, unique=["dedup_key"])
    waiting_count = sum(1 for invitee in invitees if invitee.platform is None)
    return len(invitees) - waiting_count, waiting_count


async def create_survey(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    scope: SurveyScope,
    draft: SurveyDraft,
    now: datetime,
) -> SurveyCreated:
    """Save the survey and invite the residents it reaches; commits.

    A manager for their neighbourhood, a county official for every neighbourhood of the county
    (and the officials above). Raises `PermissionDenied`, `InvalidSurvey`, `TextTooShort`,
    `TextTooLong`; nothing is saved then.
    """
    async with committing(session):
        region = await require_survey_manager(session, actor, scope, "survey.create")
        cleaned = validate_draft(draft, tehran_today(now))
        assert region.county_id is not None  # a neighbourhood's or a county's region
        survey = Survey(
            county_id=region.county_id,
            neighbourhood_id=scope.id if scope.kind == ScopeKind.NEIGHBOURHOOD else None,
            title=cleaned.title,
            closes_on=cleaned.closes_on,
            status=SurveyStatus.OPEN,
            created_by_person_id=actor.person_id,
            created_at=now,
        )
        session.add(survey)
        await session.flush()
        for position, question in enumerate(cleaned.questions, start=1):
            session.add(
                SurveyQuestion(
                    survey_id=survey.id,
                    position=position,
                    text=question.text,
                    kind=question.kind,
                    options=list(question.options),
                )
            )
        invited_now, waiting = await _queue_invitations(
            session, translator, survey, len(cleaned.questions), now
        )
        record_audit(
            session,
            actor,
            action="survey.create",
            target_type="survey",
            target_id=survey.id,
            details={"scope": scope.kind.value, "scope_id": scope.id, "invited": invited_now + waiting},
            now=now,
        )
        created = SurveyCreated(survey.id, survey.title, invited_now, waiting)
    log.info("survey %s published: %s invited now, %s waiting", created.id, invited_now, waiting)
    return created
