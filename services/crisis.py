"""Crisis mode (حالت بحران) of a neighbourhood: switching it on and off, telling everyone, and
reminding the managers to close it.

While a `CrisisPeriod` of a neighbourhood is open the crisis committee is active: emergency
requests go to its head (`services.requests.first_responders` reads the open period). Switching it
on tells every resident and council member what happened and what to do, with the emergency
numbers; switching it off tells them it is over. Both broadcasts are queued in the outbox in the
same transaction as the switch, one row per person with a dedup key
(`crisis:<period>:<start|end>:<person>`), so a retry or a second call never tells anyone twice.

A neighbourhood can have thousands of residents: the broadcast looks up everyone's last-used
account in one query, renders the text once per language and inserts the outbox rows in batches,
instead of one query and one render per person. The delivery worker then paces them.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import CommitteeKey, CommitteeMembership, CouncilMember
from models.identity import Account, Neighbourhood, Platform, Role, RoleAssignment, ScopeKind
from models.inserts import insert_many_unless_present
from models.plumbing import OutboxMessage, OutboxStatus
from models.requests import CrisisPeriod
from services.authz import Actor, record_audit, require_neighbourhood_manager
from services.emergency import emergency_numbers_text
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator
from services.jalali import format_datetime
from services.notify import Button, notify_people
from services.persian import normalize_prose
from services.requests import committee_heads, county_officials_of, managers_of
from services.responsibility import claim_mark
from services.uow import committing

log = logging.getLogger(__name__)

MIN_DESCRIPTION_LENGTH = 10
# The description travels inside the residents' message with the emergency numbers: well under
# the 4 096-character message limit.
MAX_DESCRIPTION_LENGTH = 1000
MAX_NOTE_LENGTH = 1000
# The managers are reminded once to close a crisis that is still on after this long.
REMINDER_AFTER = timedelta(hours=72)
# The button under the 72-hour reminder; handlers.crisis answers it like /crisis.
OPEN_CRISIS_CALLBACK = "crs:open"


# ---- errors (handlers answer each with a clear message) ----


class CrisisError(Exception):
    """Base of the errors below."""


class CrisisAlreadyActive(CrisisError):
    """Crisis mode is already on in the neighbourhood."""

    def __init__(self, since: datetime) -> None:
        super().__init__(f"crisis mode on since {since.isoformat()}")
        self.since = since


class CrisisNotActive(CrisisError):
    """Crisis mode is not on in the neighbourhood."""


class DescriptionTooShort(CrisisError):
    pass


class DescriptionTooLong(CrisisError):
    def __init__(self, length: int) -> None:
        super().__init__(f"{length} characters")
        self.length = length


class NoteTooLong(CrisisError):
    def __init__(self, length: int) -> None:
        super().__init__(f"{length} characters")
        self.length = length


# ---- values ----


class Phase(enum.StrEnum):
    START = "start"
    END = "end"


@dataclass(frozen=True)
class CrisisView:
    id: int
    neighbourhood_id: int
    description: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class CrisisState:
    """What /crisis shows: the neighbourhood, its open crisis if any, and how many people a
    broadcast would reach (those with a messenger account)."""

    neighbourhood_id: int
    neighbourhood_name: str
    active: CrisisView | None
    audience: int


@dataclass(frozen=True)
class CrisisSwitched:
    """The outcome of switching crisis mode on or off."""

    period_id: int
    neighbourhood_id: int
    # Messages newly queued to residents and council members (0 on a repeated broadcast).
    told: int
    # The crisis committee's head and members told they are now active (on start only).
    team_told: int = 0
    # Without a head, emergencies go to the managers even in crisis mode.
    has_crisis_head: bool = True


@dataclass(frozen=True)
class Recipient:
    person_id: int
    platform: Platform
    chat_id: int
    locale: str | None


@dataclass(frozen=True)
class ReminderSummary:
    checked: int
    reminded: int
    messages: int


# ---- input ----


def clean_description(text: str) -> str:
    """The description as stored; raises `DescriptionTooShort`/`DescriptionTooLong`."""
    cleaned = normalize_prose(text)
    if len(cleaned) < MIN_DESCRIPTION_LENGTH:
        raise DescriptionTooShort(cleaned)
    if len(cleaned) > MAX_DESCRIPTION_LENGTH:
        raise DescriptionTooLong(len(cleaned))
    return cleaned


def clean_note(text: str | None) -> str | None:
    """The closing note as stored (None when empty); raises `NoteTooLong`."""
    cleaned = normalize_prose(text or "")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise NoteTooLong(len(cleaned))
    return cleaned or None


# ---- queries ----


async def active_crisis(
    session: AsyncSession, neighbourhood_id: int, *, for_update: bool = False
) -> CrisisPeriod | None:
    """The neighbourhood's open crisis period, if any."""
    query = select(CrisisPeriod).where(
        CrisisPeriod.neighbourhood_id == neighbourhood_id, CrisisPeriod.ended_at.is_(None)
    )
    if for_update:
        query = query.with_for_update()
    period: CrisisPeriod | None = await session.scalar(query.order_by(CrisisPeriod.id).limit(1))
    return period


def _audience_ids(neighbourhood_id: int) -> CompoundSelect:
    # Residents of the neighbourhood and its active council members (a UNION drops overlaps).
    return union(
        select(RoleAssignment.person_id).where(
            RoleAssignment.role == Role.RESIDENT,
            RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
            RoleAssignment.scope_id == neighbourhood_id,
        ),
        select(CouncilMember.person_id).where(
            CouncilMember.neighbourhood_id == neighbourhood_id, CouncilMember.active.is_(True)
        ),
    )


async def crisis_audience(session: AsyncSession, neighbourhood_id: int) -> list[Recipient]:
    """Everyone a crisis broadcast reaches, each on the account they used last, in one query."""
    ranked = (
        select(
            Account.person_id,
            Account.platform,
            Account.chat_id,
            Account.locale,
            func.row_number()
            .over(partition_by=Account.person_id, order_by=(Account.last_seen_at.desc(), Account.id.desc()))
            .label("rank"),
        )
        .where(Account.person_id.in_(_audience_ids(neighbourhood_id)))
        .subquery()
    )
    rows = await session.execute(
        select(ranked.c.person_id, ranked.c.platform, ranked.c.chat_id, ranked.c.locale)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.person_id)
    )
    return [
        Recipient(person_id=person_id, platform=Platform(platform), chat_id=chat_id, locale=locale)
        for person_id, platform, chat_id, locale in rows.tuples()
    ]


async def crisis_team(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    """The active members (head first) of the neighbourhood's crisis committee."""
    return list(
        await session.scalars(
            select(CouncilMember.person_id)
            .join(CommitteeMembership, CommitteeMembership.council_member_id == CouncilMember.id)
            .where(
                CommitteeMembership.neighbourhood_id == neighbourhood_id,
                CommitteeMembership.committee == CommitteeKey.CRISIS,
                CouncilMember.active.is_(True),
            )
            .order_by(CommitteeMembership.is_head.desc(), CouncilMember.person_id)
        )
    )


async def _neighbourhood_name(session: AsyncSession, neighbourhood_id: int) -> str:
    return (
        await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == neighbourhood_id))
    ) or ""


def _view(period: CrisisPeriod) -> CrisisView:
    return CrisisView(
        id=period.id,
        neighbourhood_id=period.neighbourhood_id,
        description=period.description,
        started_at=period.started_at,
        ended_at=period.ended_at,
    )


async def crisis_state(session: AsyncSession, *, actor: Actor, neighbourhood_id: int) -> CrisisState:
    """The neighbourhood's crisis mode as its manager (or an official above) sees it."""
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "crisis")
    period = await active_crisis(session, neighbourhood_id)
    audience = len(await crisis_audience(session, neighbourhood_id))
    name = await _neighbourhood_name(session, neighbourhood_id)
    return CrisisState(
        neighbourhood_id=neighbourhood_id,
        neighbourhood_name=name,
        active=_view(period) if period is not None else None,
        audience=audience,
    )


# ---- the broadcast ----


def _render_start(t: BoundTranslator, neighbourhood: str, period: CrisisPeriod) -> str:
    return t(
        "crisis-notice-start",
        neighbourhood=neighbourhood,
        description=period.description,
        numbers=emergency_numbers_text(t),
    )


def _render_end(t: BoundTranslator, neighbourhood: str, note: str | None) -> str:
    text = t("crisis-notice-end", neighbourhood=neighbourhood)
    return text + ("\n\n" + t("crisis-notice-end-note", note=note) if note else "")


def broadcast_key(period_id: int, phase: Phase, person_id: int) -> str:
    return f"crisis:{period_id}:{phase.value}:{person_id}"


async def queue_crisis_broadcast(
    session: AsyncSession,
    translator: Translator,
    *,
    period: CrisisPeriod,
    phase: Phase,
    now: datetime,
    note: str | None = None,
) -> int:
    """Queue the start (or end) notice of `period` to every resident and council member, each in
    their language; returns how many were newly queued. Only adds to the caller's transaction.

    Each person's row carries the dedup key `crisis:<period>:<phase>:<person>`: calling this again
    (a retry, a second instance) queues nobody twice.
    """
    neighbourhood = await _neighbourhood_name(session, period.neighbourhood_id)
    recipients = await crisis_audience(session, period.neighbourhood_id)
    texts: dict[str, str] = {}

    def text_for(locale: str | None) -> str:
        resolved = locale if locale in SUPPORTED_LOCALES else translator.default_locale
        if resolved not in texts:
            t = translator.bind(resolved)
            texts[resolved] = (
                _render_start(t, neighbourhood, period)
                if phase is Phase.START
                else _render_end(t, neighbourhood, note)
            )
        return texts[resolved]

    rows = [
        _outbox_row(r, text_for(r.locale), broadcast_key(period.id, phase, r.person_id), now)
        for r in recipients
    ]
    return await _insert_outbox_rows(session, rows)


def _outbox_row(recipient: Recipient, text: str, dedup_key: str, now: datetime) -> dict[str, Any]:
    # The same values services.outbox.enqueue writes for one message.
    return {
        "platform": recipient.platform,
        "chat_id": recipient.chat_id,
        "person_id": recipient.person_id,
        "text": text,
        "reply_markup": None,
        "dedup_key": dedup_key,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


async def _insert_outbox_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> int:
    """Insert outbox rows in batches, skipping dedup keys already queued; returns how many were
    inserted. One multi-row INSERT … ON CONFLICT (dedup_key) DO NOTHING per batch."""
    return await insert_many_unless_present(session, OutboxMessage, rows, unique=["dedup_key"])


async def _tell_people(
    session: AsyncSession,
    translator: Translator,
    people: Iterable[int],
    render: Callable[[BoundTranslator], str],
    *,
    now: datetime,
    dedup_prefix: str,
    buttons: Sequence[Sequence[Button]] = (),
) -> int:
    """How many were told (now, or when they first open the bot)."""
    told = await notify_people(
        session, translator, people, render=render, now=now, buttons=buttons, dedup_prefix=dedup_prefix
    )
    return len(told.now) + len(told.waiting)


# ---- switching ----


async def start_crisis(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    neighbourhood_id: int,
    description: str,
    now: datetime,
) -> CrisisSwitched:
    """Switch crisis mode on in the neighbourhood and tell everyone; commits.

    The neighbourhood's manager or an official above it. Residents and council members get the
    description with the emergency numbers; the crisis committee's members are told they are now
    active. Raises `PermissionDenied`, `CrisisAlreadyActive`, `DescriptionTooShort`,
    `DescriptionTooLong`.
    """
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "crisis.start")
        cleaned = clean_description(description)
        # Lock the neighbourhood (PostgreSQL): two managers pressing at once open one period.
        await session.scalar(
            select(Neighbourhood.id).where(Neighbourhood.id == neighbourhood_id).with_for_update()
        )
        if (current := await active_crisis(session, neighbourhood_id)) is not None:
            raise CrisisAlreadyActive(current.started_at)
        period = CrisisPeriod(
            neighbourhood_id=neighbourhood_id,
            description=cleaned,
            started_at=now,
            started_by_person_id=actor.person_id,
        )
        session.add(period)
        await session.flush()
        told = await queue_crisis_broadcast(session, translator, period=period, phase=Phase.START, now=now)
        neighbourhood = await _neighbourhood_name(session, neighbourhood_id)
        team = await crisis_team(session, neighbourhood_id)
        team_told = await _tell_people(
            session,
            translator,
            team,
            lambda t: t("crisis-notice-team", neighbourhood=neighbourhood, description=cleaned),
            now=now,
            dedup_prefix=f"crisis:{period.id}:team",
        )
        has_head = bool(await committee_heads(session, neighbourhood_id, CommitteeKey.CRISIS))
        record_audit(
            session,
            actor,
            action="crisis.start",
            target_type="crisis_period",
            target_id=period.id,
            details={"neighbourhood_id": neighbourhood_id, "told": told, "team_told": team_told},
            now=now,
        )
        result = CrisisSwitched(
            period_id=period.id,
            neighbourhood_id=neighbourhood_id,
            told=told,
            team_told=team_told,
            has_crisis_head=has_head,
        )
    log.info("crisis %s on in neighbourhood %s: %s people told", result.period_id, neighbourhood_id, told)
    return result


async def end_crisis(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    neighbourhood_id: int,
    note: str | None,
    now: datetime,
) -> CrisisSwitched:
    """Switch crisis mode off and tell residents and council members it is over (with the
    manager's note, if any); commits. Raises `PermissionDenied`, `CrisisNotActive`,
    `NoteTooLong`."""
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, "crisis.end")
        cleaned = clean_note(note)
        period = await active_crisis(session, neighbourhood_id, for_update=True)
        if period is None:
            raise CrisisNotActive(str(neighbourhood_id))
        period.ended_at = now
        period.ended_by_person_id = actor.person_id
        told = await queue_crisis_broadcast(
            session, translator, period=period, phase=Phase.END, now=now, note=cleaned
        )
        record_audit(
            session,
            actor,
            action="crisis.end",
            target_type="crisis_period",
            target_id=period.id,
            details={"neighbourhood_id": neighbourhood_id, "told": told, "note": cleaned},
            now=now,
        )
        result = CrisisSwitched(period_id=period.id, neighbourhood_id=neighbourhood_id, told=told)
    log.info("crisis %s off in neighbourhood %s: %s people told", result.period_id, neighbourhood_id, told)
    return result


# ---- the 72-hour reminder ----


def reminder_key(period_id: int) -> str:
    return f"crisis-reminder:{period_id}"


async def run_crisis_reminders(
    session: AsyncSession, translator: Translator, *, now: datetime
) -> ReminderSummary:
    """Remind the managers (the county's officials when there are none), once per crisis, to close
    a crisis that is still on `REMINDER_AFTER` after it started. Commits once per crisis."""
    # The read is a transaction of its own, ended before the per-crisis ones (no snapshot held
    # while others write).
    async with committing(session):
        due = list(
            (
                await session.execute(
                    select(CrisisPeriod.id, CrisisPeriod.neighbourhood_id, CrisisPeriod.started_at)
                    .where(CrisisPeriod.ended_at.is_(None), CrisisPeriod.started_at <= now - REMINDER_AFTER)
                    .order_by(CrisisPeriod.id)
                )
            ).tuples()
        )
    reminded = messages = 0
    for period_id, neighbourhood_id, started_at in due:
        async with committing(session):
            if not await claim_mark(session, reminder_key(period_id), now):
                continue
            people = await managers_of(session, neighbourhood_id) or await county_officials_of(
                session, neighbourhood_id
            )
            messages += await _tell_people(
                session,
                translator,
                people,
                _reminder_render(await _neighbourhood_name(session, neighbourhood_id), started_at, now),
                now=now,
                dedup_prefix=reminder_key(period_id),
                buttons=[[Button("crisis-button-open", OPEN_CRISIS_CALLBACK)]],
            )
            reminded += 1
    return ReminderSummary(checked=len(due), reminded=reminded, messages=messages)


def _reminder_render(
    neighbourhood: str, started_at: datetime, now: datetime
) -> Callable[[BoundTranslator], str]:
    hours = int((now - started_at).total_seconds() // 3600)
    return lambda t: t(
        "crisis-reminder",
        neighbourhood=neighbourhood,
        since=format_datetime(started_at, t.locale),
        hours=hours,
    )
