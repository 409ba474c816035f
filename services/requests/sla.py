"""SLA reminders and escalations (a scheduled job), and the committees' targets they measure.

Two clocks run from a request's `sla_started_at`: the first response and the resolution. Past 1×
its committee's target the first responder is reminded, past 2× the managers and past 3× the
county officials are told (an urgent request gets `URGENT_SLA_SHARE` of the targets). Each
(request, clock, level, round) is sent at most once, by any run or instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from models.council import CommitteeKey
from models.requests import OPEN_STATUSES, CitizenRequest, CommitteeSla
from services.i18n import Translator
from services.notify import notify_up_the_ladder
from services.requests.cards import handler_buttons
from services.requests.notices import handler_notice, new_event, topic_of
from services.requests.people import county_officials_of, managers_of, request_ladder
from services.requests.views import load_request, view_of
from services.sms import SMS_OFF, SmsPolicy, queue_escalation_sms
from services.uow import committing

__all__ = ["URGENT_SLA_SHARE", "SlaRunSummary", "committee_slas", "run_sla_reminders", "set_committee_sla"]

# An urgent request (an emergency, or an outage in extreme cold or heat or with vulnerable people)
# gets this share of its committee's targets: 48 hours to respond become 12, 14 days to resolve 3½.
URGENT_SLA_SHARE = 0.25
# The targets of a committee that has none set: 48 hours to respond, 14 days to resolve.
_DEFAULT_TARGETS = (timedelta(hours=48), timedelta(days=14))

_LEVEL_HEADLINES = {
    1: "request-sla-reminder",
    2: "request-sla-escalation-manager",
    3: "request-sla-escalation-county",
}


# Where each reminder level starts on the ladder; it climbs from there while nobody can be reached.
_LEVEL_RUNGS = {1: "committee_head", 2: "manager", 3: "county_official"}

_Targets = dict[CommitteeKey, tuple[timedelta, timedelta]]


@dataclass(frozen=True)
class SlaRunSummary:
    checked: int
    reminders: int
    messages: int

    def line(self) -> str:
        return (
            f"checked {self.checked} open requests: {self.reminders} reminders/escalations, "
            f"{self.messages} messages queued"
        )


async def run_sla_reminders(
    session: AsyncSession, translator: Translator, *, now: datetime, sms: SmsPolicy = SMS_OFF
) -> SlaRunSummary:
    """Remind and escalate overdue requests; each (request, clock, level, round) at most once.

    Two clocks run from `sla_started_at`: the first response (until acknowledged, started, resolved
    or rejected) and the resolution (until resolved or rejected). At 1× the committee's target the
    first responder is reminded, at 2× the managers and at 3× the county officials are told.
    Commits once per request, so a crash part-way loses nothing already sent.
    """
    # The reads end their own transaction, so that each request below is locked and committed in
    # one of its own. Which requests owe a reminder is decided from two queries over all open
    # requests; only those are loaded (a rerun loads none).
    async with committing(session):
        targets = {
            row.committee: (timedelta(hours=row.first_response_hours), timedelta(days=row.resolution_days))
            for row in await requests_repo.committee_slas(session)
        }
        clocks = await requests_repo.open_request_clocks(session)
        done = await requests_repo.sla_reminders_sent(session) if clocks else set()
    owing = [row.id for row in clocks if _owed(row, targets, done, now)]
    reminders = messages = 0
    for request_id in owing:
        async with committing(session):
            request = await load_request(session, request_id, for_update=True)
            if request.status not in OPEN_STATUSES:
                continue
            sent, told = await _remind_of(session, translator, request, targets, now=now, sms=sms)
            reminders, messages = reminders + sent, messages + told
    return SlaRunSummary(checked=len(clocks), reminders=reminders, messages=messages)


def _owed(
    row: requests_repo.RequestClocks, targets: _Targets, sent: set[tuple[int, str, int]], now: datetime
) -> bool:
    """Whether a reminder the request's clocks call for is not in `sent` (its current round's)."""
    elapsed = now - row.sla_started_at
    return any(
        elapsed >= target * level and (row.id, clock, level) not in sent
        for clock, target in _running_clocks(row, targets)
        for level in (1, 2, 3)
    )


def _running_clocks(
    request: CitizenRequest | requests_repo.RequestClocks, targets: _Targets
) -> list[tuple[str, timedelta]]:
    """The request's clocks still running, each with its target: the first response until a
    handler answered, the resolution until it is resolved or rejected."""
    response_target, resolution_target = targets.get(request.committee, _DEFAULT_TARGETS)
    if request.urgent:
        response_target *= URGENT_SLA_SHARE
        resolution_target *= URGENT_SLA_SHARE
    clocks: list[tuple[str, timedelta]] = [("resolution", resolution_target)]
    if request.first_response_at is None:
        clocks.insert(0, ("response", response_target))
    return clocks


async def _remind_of(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    targets: _Targets,
    *,
    now: datetime,
    sms: SmsPolicy,
) -> tuple[int, int]:
    """Send the request's reminders and escalations that are due and not sent yet; how many were
    sent and to how many people."""
    reminders = messages = 0
    elapsed = now - request.sla_started_at
    for clock, target in _running_clocks(request, targets):
        for level in (1, 2, 3):
            if elapsed < target * level:
                continue
            told = await _remind(
                session, translator, request, clock=clock, level=level, elapsed=elapsed, now=now, sms=sms
            )
            if told is not None:
                reminders, messages = reminders + 1, messages + told
    return reminders, messages


async def _remind(
    session: AsyncSession,
    translator: Translator,
    request: CitizenRequest,
    *,
    clock: str,
    level: int,
    elapsed: timedelta,
    now: datetime,
    sms: SmsPolicy,
) -> int | None:
    """One reminder (level 1) or escalation up the ladder; how many were told, or None when it
    was sent before or there is nobody to send it to."""
    ladder = await request_ladder(
        session, request.neighbourhood_id, request.committee, from_level=_LEVEL_RUNGS[level]
    )
    # Claimed only when it is queued to somebody (now, or for when they join):
    # with nobody appointed anywhere yet, a later run tries again.
    if not any(rung.people for rung in ladder) or not await requests_repo.claim_sla_reminder(
        session, request_id=request.id, clock=clock, level=level, sla_round=request.sla_round, now=now
    ):
        return None
    hours = int(elapsed.total_seconds() // 3600)
    outcome = await notify_up_the_ladder(
        session,
        translator,
        ladder,
        render=handler_notice(
            request,
            await view_of(session, request, show_text=True, private=True),
            _LEVEL_HEADLINES[level],
            {"clock": clock, "hours": hours, "days": hours // 24},
        ),
        now=now,
        buttons=handler_buttons(request.id, emergency=request.is_emergency, status=request.status),
        dedup_prefix=f"sla:{request.id}:{clock}:{level}:{request.sla_round}",
        topic=topic_of(request),
    )
    if level > 1:
        await _escalate_by_sms(session, translator, sms, request, clock=clock, level=level, now=now)
    session.add(
        new_event(request, "escalated" if level > 1 else "reminded", now, None, clock=clock, level=level)
    )
    return len(outcome.told.now) + len(outcome.told.waiting)


async def _escalate_by_sms(
    session: AsyncSession,
    translator: Translator,
    sms: SmsPolicy,
    request: CitizenRequest,
    *,
    clock: str,
    level: int,
    now: datetime,
) -> None:
    # An escalation must not wait: whoever it is for but cannot be reached on a messenger now gets
    # an SMS (once per escalation and person).
    rung = managers_of if level == 2 else county_officials_of
    for person_id in await rung(session, request.neighbourhood_id):
        await queue_escalation_sms(
            session,
            translator,
            sms,
            person_id=person_id,
            escalations=[f"request:{request.id}:{clock}:{level}:{request.sla_round}"],
            now=now,
        )


async def set_committee_sla(
    session: AsyncSession, *, committee: CommitteeKey, first_response_hours: int, resolution_days: int
) -> None:
    """Change a committee's targets (operator CLI); commits."""
    if first_response_hours < 1 or resolution_days < 1:
        raise ValueError("targets must be at least 1")
    async with committing(session):
        row = await session.get(CommitteeSla, committee)
        if row is None:
            session.add(
                CommitteeSla(
                    committee=committee,
                    first_response_hours=first_response_hours,
                    resolution_days=resolution_days,
                )
            )
        else:
            row.first_response_hours, row.resolution_days = first_response_hours, resolution_days


async def committee_slas(session: AsyncSession) -> list[CommitteeSla]:
    return await requests_repo.committee_slas(session)
