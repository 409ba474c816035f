"""Announcements (اطلاعیه): a neighbourhood's manager, an official above it, or the operator at
the command line tells every resident of the neighbourhood something.

Each resident gets it through the outbox (`services.notify.notify_people`): on the account they
used last, or waiting for them until they open the bot, so the sender learns who has it now and
who will when they join. A neighbourhood gets at most `weekly_limit` announcements in seven days
from people (the operator is not limited); each one is an audit entry (`announce`), which is also
what the limit counts, so no table of its own is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.council import AuditEntry
from models.identity import Neighbourhood, Role, RoleAssignment, ScopeKind
from services.authz import OPERATOR, Actor, record_audit, require_neighbourhood_manager
from services.errors import TextTooLong, TextTooShort
from services.i18n import BoundTranslator, Translator
from services.notify import Told, notify_people
from services.regions import neighbourhood_by_code
from services.uow import committing

__all__ = [
    "MAX_TEXT_LENGTH",
    "MIN_TEXT_LENGTH",
    "WEEK",
    "Allowance",
    "Announced",
    "UnknownNeighbourhood",
    "WeeklyLimitReached",
    "announcement_allowance",
    "broadcast_to_neighbourhood",
    "clean_announcement",
    "send_announcement",
]

# Long enough to say something; short enough for one message with its header (Telegram: 4096).
MIN_TEXT_LENGTH = 10
MAX_TEXT_LENGTH = 3500
WEEK = timedelta(days=7)
AUDIT_ACTION = "announce"
_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})


class WeeklyLimitReached(Exception):
    """The neighbourhood had `limit` announcements in the last seven days; the next may go at
    `next_at`."""

    def __init__(self, limit: int, next_at: datetime) -> None:
        super().__init__(f"{limit} announcements in seven days; the next after {next_at.isoformat()}")
        self.limit = limit
        self.next_at = next_at


class UnknownNeighbourhood(LookupError):
    """No neighbourhood with that code (the command line's `--neighbourhood`)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no neighbourhood with code {code!r}")
        self.code = code


@dataclass(frozen=True)
class Allowance:
    """What the sender sees before writing: where it goes, to how many, and how many are left."""

    neighbourhood_id: int
    neighbourhood_name: str
    residents: int
    sent_this_week: int
    limit: int

    @property
    def left(self) -> int:
        return max(0, self.limit - self.sent_this_week)


@dataclass(frozen=True)
class Announced:
    """An announcement queued: who has it now, who will when they join; the week's count with it."""

    told: Told
    sent_this_week: int

    @property
    def queued(self) -> int:
        return len(self.told.now) + len(self.told.waiting)


def clean_announcement(text: str | None) -> str:
    """The announcement as it will be sent: Arabic ي/ك as Persian letters, runs of spaces as one,
    the lines and the digits as written (a date or a phone number stays as the manager typed it);
    raises `TextTooShort` / `TextTooLong`."""
    lines = [" ".join(line.split()) for line in (text or "").translate(_ARABIC_LETTERS).splitlines()]
    cleaned = "\n".join(lines).strip()
    if len(cleaned) < MIN_TEXT_LENGTH:
        raise TextTooShort("announcement", MIN_TEXT_LENGTH)
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise TextTooLong("announcement", len(cleaned), MAX_TEXT_LENGTH)
    return cleaned


async def _residents(session: AsyncSession, neighbourhood_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(RoleAssignment.person_id)
            .where(
                RoleAssignment.role == Role.RESIDENT,
                RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
                RoleAssignment.scope_id == neighbourhood_id,
            )
            .distinct()
            .order_by(RoleAssignment.person_id)
        )
    )


async def _name(session: AsyncSession, neighbourhood_id: int) -> str:
    return (
        await session.scalar(select(Neighbourhood.name).where(Neighbourhood.id == neighbourhood_id))
    ) or ""


async def _sent_since(session: AsyncSession, neighbourhood_id: int, since: datetime) -> list[datetime]:
    return list(
        await session.scalars(
            select(AuditEntry.at)
            .where(
                AuditEntry.action == AUDIT_ACTION,
                AuditEntry.target_type == "neighbourhood",
                AuditEntry.target_id == neighbourhood_id,
                AuditEntry.at > since,
            )
            .order_by(AuditEntry.at)
        )
    )


async def announcement_allowance(
    session: AsyncSession, *, actor: Actor, neighbourhood_id: int, now: datetime, weekly_limit: int
) -> Allowance:
    """Where an announcement of `actor` would go and how many are left this week (reads only)."""
    await require_neighbourhood_manager(session, actor, neighbourhood_id, AUDIT_ACTION)
    sent = await _sent_since(session, neighbourhood_id, now - WEEK)
    residents = await session.scalar(
        select(func.count(func.distinct(RoleAssignment.person_id))).where(
            RoleAssignment.role == Role.RESIDENT,
            RoleAssignment.scope_kind == ScopeKind.NEIGHBOURHOOD,
            RoleAssignment.scope_id == neighbourhood_id,
        )
    )
    name = await _name(session, neighbourhood_id)
    return Allowance(neighbourhood_id, name, int(residents or 0), len(sent), weekly_limit)


async def send_announcement(
    session: AsyncSession,
    translator: Translator,
    *,
    actor: Actor,
    neighbourhood_id: int,
    text: str,
    now: datetime,
    weekly_limit: int,
) -> Announced:
    """Queue `text` to every resident of the neighbourhood (not to the sender), in one transaction
    with its audit entry. Raises `PermissionDenied` unless the actor manages the neighbourhood,
    `WeeklyLimitReached` when a person already sent `weekly_limit` this week, and the text errors
    of `clean_announcement`."""
    cleaned = clean_announcement(text)
    async with committing(session):
        await require_neighbourhood_manager(session, actor, neighbourhood_id, AUDIT_ACTION)
        sent = await _sent_since(session, neighbourhood_id, now - WEEK)
        if not actor.is_operator and len(sent) >= weekly_limit:
            # The oldest of the week's announcements leaves the window first.
            raise WeeklyLimitReached(weekly_limit, sent[-weekly_limit] + WEEK if sent else now)
        record_audit(
            session,
            actor,
            action=AUDIT_ACTION,
            target_type="neighbourhood",
            target_id=neighbourhood_id,
            details={"text": cleaned},
            now=now,
        )
        name = await _name(session, neighbourhood_id)
        topic = f"announcement:{neighbourhood_id}:{now:%Y%m%d%H%M%S}"

        def render(t: BoundTranslator) -> str:
            return t("announce-message", neighbourhood=name, text=cleaned)

        told = await notify_people(
            session,
            translator,
            await _residents(session, neighbourhood_id),
            render=render,
            now=now,
            dedup_prefix=topic,
            topic=topic,
            skip=actor.person_id,
        )
    return Announced(told=told, sent_this_week=len(sent) + 1)


async def broadcast_to_neighbourhood(
    session: AsyncSession, translator: Translator, *, code: str, text: str, now: datetime
) -> Announced:
    """The operator's announcement from the command line (`python -m bot broadcast`), not limited."""
    neighbourhood = await neighbourhood_by_code(session, code)
    if neighbourhood is None:
        raise UnknownNeighbourhood(code)
    return await send_announcement(
        session,
        translator,
        actor=OPERATOR,
        neighbourhood_id=neighbourhood.id,
        text=text,
        now=now,
        weekly_limit=0,
    )
