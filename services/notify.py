"""Notifications to people, in their own language, through the outbox.

A service that must tell someone something (a committee head of a new request, a resident of a
status change, an official of an escalation) calls `notify_person` inside its transaction: the text
is rendered in the language of the person's last-used messenger account and queued with
`services.outbox.enqueue`, so it is sent once the change commits, and never without it.

A notification is addressed to a *person*. When nobody can reach them now (they were registered
by phone and never started the bot, or they blocked it everywhere) it waits in the outbox
addressed to them, and `release_waiting` sends it the moment they arrive: one short «while you
were away» summary, then, in full, the latest message on each request or resolution that still
needs their answer. `notify_up_the_ladder` makes sure something that must be handled reaches
someone now: committee head → manager → county → province → administrators.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Account
from models.plumbing import OutboxMessage, OutboxStatus
from models.requests import OPEN_STATUSES, CitizenRequest
from models.resolutions import OPEN_RESOLUTION_STATUSES, Resolution
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Translator
from services.jalali import format_jalali_date, tehran_today
from services.outbox import carrying_files, enqueue, requeue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Button:
    """An inline button: its label is a catalog key, rendered in the recipient's language."""

    label_key: str
    callback_data: str
    label_args: tuple[tuple[str, Any], ...] = ()


Render = Callable[[BoundTranslator], str]


def inline_keyboard(t: BoundTranslator, rows: Sequence[Sequence[Button]]) -> dict[str, Any] | None:
    """The Bot API JSON of an inline keyboard, or None for no buttons."""
    if not rows:
        return None
    return {
        "inline_keyboard": [
            [{"text": t(b.label_key, **dict(b.label_args)), "callback_data": b.callback_data} for b in row]
            for row in rows
        ]
    }


async def last_account(session: AsyncSession, person_id: int) -> Account | None:
    """The messenger account the person used last, blocked or not (for their language)."""
    account: Account | None = await session.scalar(
        select(Account)
        .where(Account.person_id == person_id)
        .order_by(Account.last_seen_at.desc(), Account.id.desc())
        .limit(1)
    )
    return account


async def reachable_account(session: AsyncSession, person_id: int) -> Account | None:
    """Where a message to the person can go now: the account they used last that has not blocked
    the bot. None when they never started the bot, or blocked it everywhere."""
    account: Account | None = await session.scalar(
        select(Account)
        .where(Account.person_id == person_id, Account.blocked_at.is_(None))
        .order_by(Account.last_seen_at.desc(), Account.id.desc())
        .limit(1)
    )
    return account


class Reach(enum.StrEnum):
    """What became of one notification."""

    NOW = "now"  # queued to a messenger account that can receive it
    WAITING = "waiting"  # kept for the person until they start the bot (or unblock it)
    ALREADY = "already"  # its dedup key was queued before: nothing new


@dataclass
class Told:
    """Who a notification reached: told now, or to be told when they join. The service that
    caused it returns this so the sender hears the truth."""

    now: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)

    def add(self, person_id: int, reach: Reach) -> None:
        if reach is Reach.NOW and person_id not in self.now:
            self.now.append(person_id)
        elif reach is Reach.WAITING and person_id not in self.waiting:
            self.waiting.append(person_id)

    def merge(self, other: Told) -> None:
        for person_id in other.now:
            self.add(person_id, Reach.NOW)
        for person_id in other.waiting:
            self.add(person_id, Reach.WAITING)


def _locale_of(account: Account | None, translator: Translator) -> str:
    if account is not None and account.locale in SUPPORTED_LOCALES:
        return account.locale
    return translator.default_locale


async def notify_person(
    session: AsyncSession,
    translator: Translator,
    *,
    person_id: int,
    render: Render,
    now: datetime,
    buttons: Sequence[Sequence[Button]] = (),
    dedup_key: str | None = None,
    topic: str | None = None,
) -> Reach:
    """Queue a message to the person in their language: to the account that can receive it now,
    or, when none can, kept waiting for them (`release_waiting`). `topic` ("request:12",
    "resolution:7") lets a person who arrives to many messages get only the latest on each.
    Only adds to the caller's transaction."""
    account = await reachable_account(session, person_id)
    # A blocked account still tells which language the person reads.
    t = translator.bind(_locale_of(account or await last_account(session, person_id), translator))
    message = await enqueue(
        session,
        platform=account.platform if account else None,
        chat_id=account.chat_id if account else None,
        text=render(t),
        reply_markup=inline_keyboard(t, buttons),
        person_id=person_id,
        now=now,
        dedup_key=dedup_key,
        topic=topic,
    )
    if message is None:
        return Reach.ALREADY
    return Reach.NOW if account is not None else Reach.WAITING


async def notify_people(
    session: AsyncSession,
    translator: Translator,
    people: Iterable[int],
    *,
    render: Render,
    now: datetime,
    buttons: Sequence[Sequence[Button]] = (),
    dedup_prefix: str | None = None,
    topic: str | None = None,
    skip: int | None = None,
) -> Told:
    """`notify_person` for each person once (`dedup_prefix:<person id>` as the key, if given)."""
    told = Told()
    for person_id in dict.fromkeys(people):
        if person_id == skip:
            continue
        reach = await notify_person(
            session,
            translator,
            person_id=person_id,
            render=render,
            now=now,
            buttons=buttons,
            dedup_key=f"{dedup_prefix}:{person_id}" if dedup_prefix else None,
            topic=topic,
        )
        told.add(person_id, reach)
    return told


@dataclass(frozen=True)
class Rung:
    """One level of the ladder a message climbs when nobody below can be reached now."""

    level: str  # committee_head, manager, county_official, province_official, admin
    people: Sequence[int]


@dataclass
class LadderOutcome:
    """Who got it: `holders` the rung that has it now (or, if nobody anywhere can be reached
    now, the first rung that had anyone at all), and everyone told or waiting."""

    told: Told
    level: str | None
    holders: list[int]


async def notify_up_the_ladder(
    session: AsyncSession,
    translator: Translator,
    ladder: Sequence[Rung],
    *,
    render: Render,
    now: datetime,
    buttons: Sequence[Sequence[Button]] = (),
    dedup_prefix: str | None = None,
    topic: str | None = None,
) -> LadderOutcome:
    """Tell each rung in turn until one has somebody who can be reached now.

    Everyone on the rungs climbed is told (those not yet joined get it when they arrive), so the
    people responsible still see it, while someone above acts on it now. Nothing reaches no one:
    when no rung can be reached now, the message waits for everyone on the rungs that had people.
    """
    told = Told()
    first: Rung | None = None
    for rung in ladder:
        people = list(dict.fromkeys(rung.people))
        if not people:
            continue
        first = first or rung
        rung_told = await notify_people(
            session,
            translator,
            people,
            render=render,
            now=now,
            buttons=buttons,
            dedup_prefix=dedup_prefix,
            topic=topic,
        )
        told.merge(rung_told)
        if rung_told.now or await _any_reachable(session, people):
            return LadderOutcome(told, rung.level, people)
    if first is None:
        log.warning("nobody on any rung of the ladder for %s", topic or dedup_prefix)
        return LadderOutcome(told, None, [])
    return LadderOutcome(told, first.level, list(first.people))


async def _any_reachable(session: AsyncSession, people: Sequence[int]) -> bool:
    # A rung told nothing new (all duplicates) still counts if someone on it can be reached.
    for person_id in people:
        if await reachable_account(session, person_id) is not None:
            return True
    return False


# ---- people arriving ----

# At most this many earlier messages are listed, one line each, in the «while you were away» note.
SUMMARY_LINES = 10
_SUMMARY_LINE_CHARS = 90


async def _still_needs_answer(session: AsyncSession, topic: str | None) -> bool:
    """Whether the request or resolution a message is about is still open (unknown: yes)."""
    kind, _, raw_id = (topic or "").partition(":")
    if not raw_id.isdigit():
        return True
    if kind == "request":
        status = await session.scalar(select(CitizenRequest.status).where(CitizenRequest.id == int(raw_id)))
        return status in OPEN_STATUSES
    if kind == "resolution":
        state = await session.scalar(select(Resolution.status).where(Resolution.id == int(raw_id)))
        return state in OPEN_RESOLUTION_STATUSES
    return True


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= _SUMMARY_LINE_CHARS else line[: _SUMMARY_LINE_CHARS - 1] + "…"


async def release_waiting(
    session: AsyncSession, translator: Translator, *, person_id: int, now: datetime
) -> int:
    """Send what waited for a person who can now be reached; how many messages it queued.

    One waiting message goes as it is. Several become one short «while you were away» note
    listing them, followed in full by the latest message on each request or resolution that
    still needs the person's answer (those carry buttons) and by every file (a report's chart,
    say); the others are folded into the note (status MERGED). Only adds to the caller's
    transaction.
    """
    account = await reachable_account(session, person_id)
    if account is None:
        return 0
    waiting = list(
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person_id, OutboxMessage.status == OutboxStatus.WAITING)
            .order_by(OutboxMessage.id)
        )
    )
    if not waiting:
        return 0
    if len(waiting) == 1:
        _address(waiting[0], account, now)
        return 1
    in_full = await _to_send_in_full(session, waiting)
    t = translator.bind(_locale_of(account, translator))
    folded = [m for m in waiting if m not in in_full]
    lines = [f"• {_first_line(m.text)}" for m in folded[:SUMMARY_LINES]]
    if len(folded) > SUMMARY_LINES:
        lines.append(t("outbox-away-more", count=len(folded) - SUMMARY_LINES))
    since = format_jalali_date(tehran_today(waiting[0].created_at), t.locale)
    if in_full and folded:
        summary = t("outbox-away-summary", count=len(waiting), since=since, full=len(in_full))
    elif in_full:
        summary = t("outbox-away-all-follow", count=len(waiting), since=since)
    else:
        summary = t("outbox-away-brief", count=len(waiting), since=since)
    if lines:
        summary += "\n" + "\n".join(lines)
    note = await enqueue(
        session,
        platform=account.platform,
        chat_id=account.chat_id,
        text=summary,
        now=now,
        person_id=person_id,
    )
    assert note is not None  # no dedup key: always added
    # The messages sent in full are queued again after the note, so they arrive after it; the
    # waiting rows keep their dedup keys, so nothing already queued is ever queued twice.
    for message in in_full:
        copy = await requeue(session, message, platform=account.platform, chat_id=account.chat_id, now=now)
        message.last_error = f"sent again as outbox message {copy.id}"
    for message in folded:
        message.last_error = f"summarised in outbox message {note.id}"
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([m.id for m in waiting]))
        .values(status=OutboxStatus.MERGED)
        .execution_options(synchronize_session="fetch")
    )
    return 1 + len(in_full)


async def _to_send_in_full(session: AsyncSession, waiting: Sequence[OutboxMessage]) -> list[OutboxMessage]:
    """Every message that carries a file (a line of a note cannot hold it), and the latest
    message on each topic that carries buttons and whose topic is still open."""
    files = await carrying_files(session, [m.id for m in waiting])
    latest: dict[str, OutboxMessage] = {}
    for message in waiting:
        if message.id in files:
            latest[f"#{message.id}"] = message
        elif message.reply_markup and await _still_needs_answer(session, message.topic):
            latest[message.topic or f"#{message.id}"] = message
    return sorted(latest.values(), key=lambda m: m.id)


def _address(message: OutboxMessage, account: Account, now: datetime) -> None:
    message.platform = account.platform
    message.chat_id = account.chat_id
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now


async def told_by_prefix(session: AsyncSession, dedup_prefix: str) -> Told:
    """Who the messages queued under `dedup_prefix` reached: queued to an account (told now)
    or waiting for their person (told when they join)."""
    rows = await session.execute(
        select(OutboxMessage.person_id, OutboxMessage.status).where(
            OutboxMessage.dedup_key.startswith(dedup_prefix, autoescape=True),
            OutboxMessage.person_id.is_not(None),
        )
    )
    told = Told()
    for person_id, status in rows.all():
        told.add(person_id, Reach.WAITING if status == OutboxStatus.WAITING else Reach.NOW)
    return told
