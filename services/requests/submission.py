"""Submitting a request: who may (a resident, within the daily limit), the text as stored, the new
request saved with its history, and its handlers told up the ladder until someone can act on it
now (an emergency that must not wait also by SMS)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.council import CommitteeKey
from models.requests import CitizenRequest, RequestStatus
from services.errors import TextTooLong, TextTooShort
from services.i18n import Translator
from services.notify import notify_up_the_ladder
from services.persian import normalize_prose
from services.requests.attachments import stored_photos
from services.requests.cards import handler_buttons
from services.requests.codes import new_tracking_code
from services.requests.emergencies import attach_emergency, repeated_emergency, urgent_outage
from services.requests.errors import DailyLimitReached, NotAResident
from services.requests.notices import handler_notice, new_event, topic_of
from services.requests.people import (
    crisis_active,
    holder_of,
    managers_of,
    request_ladder,
    resident_neighbourhood,
)
from services.requests.values import MAX_TEXT_LENGTH, MIN_TEXT_LENGTH, NewRequest, Submitted
from services.requests.views import view_of
from services.sms import SMS_OFF, SmsPolicy, queue_emergency_sms
from services.uow import committing

__all__ = ["DEFAULT_DAILY_LIMIT", "check_can_submit", "clean_request_text", "submit_request"]

DEFAULT_DAILY_LIMIT = 5
_TEHRAN = ZoneInfo("Asia/Tehran")


def clean_request_text(text: str) -> str:
    """The text as stored; raises `TextTooShort`/`TextTooLong`."""
    cleaned = normalize_prose(text)
    if len(cleaned) < MIN_TEXT_LENGTH:
        raise TextTooShort("text", MIN_TEXT_LENGTH)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise TextTooLong("text", len(cleaned), MAX_TEXT_LENGTH)
    return cleaned


def _tehran_day_start(now: datetime) -> datetime:
    local = now.astimezone(_TEHRAN)
    return datetime.combine(local.date(), time(0), tzinfo=_TEHRAN)


async def check_can_submit(
    session: AsyncSession, *, person_id: int, now: datetime, daily_limit: int = DEFAULT_DAILY_LIMIT
) -> int:
    """The resident's neighbourhood, if they may submit a request now.

    Raises `NotAResident` or `DailyLimitReached` (counted per Tehran calendar day).
    """
    neighbourhood_id = await resident_neighbourhood(session, person_id)
    if neighbourhood_id is None:
        raise NotAResident(str(person_id))
    today = await requests_repo.requests_since(session, person_id, _tehran_day_start(now))
    if today >= daily_limit:
        raise DailyLimitReached(daily_limit)
    return neighbourhood_id


async def submit_request(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    draft: NewRequest,
    now: datetime,
    daily_limit: int = DEFAULT_DAILY_LIMIT,
    sms: SmsPolicy = SMS_OFF,
) -> Submitted:
    """Save a resident's request and notify who must handle it; commits.

    An emergency skips the daily limit and goes to the crisis committee when crisis mode is on,
    otherwise to the managers, marked urgent. An emergency that repeats an open one (the same
    person, or the same place, within `EMERGENCY_REPEAT_WINDOW`) joins it instead (`attached`).
    Raises `NotAResident`, `DailyLimitReached`, `TextTooShort`, `TextTooLong`.
    """
    async with committing(session):
        text = clean_request_text(draft.text)
        if draft.emergency:
            neighbourhood_id = await resident_neighbourhood(session, person_id)
            if neighbourhood_id is None:
                raise NotAResident(str(person_id))
            earlier = await repeated_emergency(
                session, neighbourhood_id=neighbourhood_id, person_id=person_id, draft=draft, now=now
            )
            if earlier is not None:
                return await attach_emergency(
                    session, translator, earlier, person_id=person_id, draft=draft, text=text, now=now
                )
        else:
            neighbourhood_id = await check_can_submit(
                session, person_id=person_id, now=now, daily_limit=daily_limit
            )
        result = await _file(
            session,
            translator,
            person_id=person_id,
            neighbourhood_id=neighbourhood_id,
            draft=draft,
            text=text,
            now=now,
            sms=sms,
        )
    return result


async def _file(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    neighbourhood_id: int,
    draft: NewRequest,
    text: str,
    now: datetime,
    sms: SmsPolicy,
) -> Submitted:
    """Save the new request with its first event, and tell its handlers."""
    committee = CommitteeKey.CRISIS if draft.emergency else draft.committee
    in_crisis = draft.emergency and await crisis_active(session, neighbourhood_id)
    request = _new_request(
        await new_tracking_code(session), neighbourhood_id, person_id, committee, draft, text, now
    )
    session.add(request)
    await session.flush()
    session.add(new_event(request, "submitted", now, person_id))
    # Up the ladder until someone can act on it now; the others get it when they join.
    outcome = await notify_up_the_ladder(
        session,
        translator,
        await request_ladder(session, neighbourhood_id, committee),
        render=handler_notice(
            request,
            await view_of(session, request, show_text=True, private=True),
            "request-notice-emergency" if draft.emergency else "request-notice-new",
        ),
        now=now,
        buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
        topic=topic_of(request),
    )
    if draft.emergency and not in_crisis:
        # It must not wait: a manager who cannot be reached on a messenger now gets an SMS.
        managers = await managers_of(session, neighbourhood_id)
        await queue_emergency_sms(session, translator, sms, request_id=request.id, people=managers, now=now)
    return Submitted(
        id=request.id,
        code=request.code,
        committee=committee,
        urgent=request.urgent,
        crisis_committee=in_crisis,
        notified=len(outcome.told.now) + len(outcome.told.waiting),
        holder=await holder_of(session, outcome),
    )


def _new_request(
    code: str,
    neighbourhood_id: int,
    person_id: int,
    committee: CommitteeKey,
    draft: NewRequest,
    text: str,
    now: datetime,
) -> CitizenRequest:
    """The request row as the draft describes it, new, its SLA clocks starting now."""
    return CitizenRequest(
        code=code,
        neighbourhood_id=neighbourhood_id,
        person_id=person_id,
        committee=committee,
        text=text,
        photos=stored_photos(draft.photos),
        latitude=draft.latitude,
        longitude=draft.longitude,
        anonymous=draft.anonymous,
        urgent=draft.emergency or draft.urgent or urgent_outage(text),
        is_emergency=draft.emergency,
        status=RequestStatus.NEW,
        suggested_committee=CommitteeKey(draft.suggestion.committee) if draft.suggestion else None,
        suggestion_confidence=draft.suggestion.confidence if draft.suggestion else None,
        created_at=now,
        updated_at=now,
        sla_started_at=now,
        sla_round=0,
    )
