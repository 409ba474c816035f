"""Reminders about resolutions that no one can ignore: the morning digest, the escalations and the
weekly county digest. Scheduled jobs (services/jobs.py) call these; all dates are Tehran dates.

- Every morning each responsible person (`services.responsibility.responsible_people`) gets ONE
  message listing their overdue resolutions (most overdue first) and those due within a few days.
- A resolution overdue by more than `escalate_manager_days` is escalated to the neighbourhood's
  managers, by more than `escalate_county_days` to the county's officials; each recipient gets one
  message per run naming the most overdue of the resolutions newly escalated to them and counting
  the rest.
- Once a week each county official gets a digest of their county.

Each reminder is claimed with `claim_mark` in the transaction that queues its message(s), so a
rerun, a restart or a second instance sends nothing new. A message longer than the platform's
limit becomes a short numbered series, split at line boundaries. The queries are in
`models.reminders_repo`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from models import reminders_repo as repo
from models.identity import Account, Role, ScopeKind
from models.resolutions import Resolution, ResponsibleKind
from services.bulk import collector_paused
from services.i18n import SUPPORTED_LOCALES, BoundTranslator, Template, Translator, prepare_value
from services.jalali import format_jalali_date, tehran_today
from services.notify import reachable_account
from services.outbox import Outgoing, enqueue, enqueue_many
from services.plans import PlansTally, scope_plans_progress, tally, whole_percent
from services.reach import not_joined_in_county
from services.responsibility import ResponsibleIndex, claim_mark, claim_marks
from services.sms import SMS_OFF, SmsPolicy, queue_digest_sms, queue_escalation_sms
from services.uow import committing

log = logging.getLogger(__name__)

# Telegram's limit is 4096 characters; stay clear of it (Bale's is similar).
MESSAGE_LIMIT = 4000
# A resolution's text is shortened to about this many characters in a list line.
TEXT_PREVIEW = 80
# The worst overdue resolutions named in a county digest.
COUNTY_WORST = 5
# Neighbourhoods named one by one in a county digest (most overdue first); the rest are counted
# and /report lists them all. An official wants one message a week, not a page per neighbourhood:
# a county of 2,000 neighbourhoods made a digest of 44 messages.
COUNTY_NEIGHBOURHOODS_SHOWN = 10
# Resolutions named in one escalation message, per level (most overdue first); the rest are
# counted. A county official escalated a whole county's backlog at once got hundreds of messages.
ESCALATIONS_SHOWN = 15
# A request is overdue once open longer than its committee's resolution target (this by default).
DEFAULT_REQUEST_DAYS = 14
# APScheduler's day names, Monday first like Python's `date.weekday()`.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class ReminderPolicy:
    """How the reminders behave (from the settings; these are the programme's defaults)."""

    # "Due soon": the deadline is within this many days from today.
    due_soon_days: int = 3
    # Escalate when overdue by MORE than this many days.
    escalate_manager_days: int = 7
    escalate_county_days: int = 14
    # The county digest's day (Python weekday: Saturday is 5); its week starts on that day.
    county_digest_weekday: int = 5


DEFAULT_POLICY = ReminderPolicy()


# ---- what a line is made of ----


@dataclass(frozen=True)
class ResponsibleLabel:
    """Who answers for a resolution, as shown to officials."""

    kind: ResponsibleKind
    committee: str | None = None
    agency_fa: str | None = None
    agency_en: str | None = None
    member_name: str | None = None


@dataclass(frozen=True)
class ResolutionLine:
    """One resolution as listed in a reminder."""

    resolution_id: int
    neighbourhood: str
    text: str
    deadline: date
    progress: int
    # Positive: days past the deadline; zero or negative: due today or in that many days.
    days_overdue: int
    responsible: ResponsibleLabel | None = None

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


def shorten(text: str, limit: int = TEXT_PREVIEW) -> str:
    """The text on one line, cut at a word boundary near `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ،,.;:-–—") + "…"


def split_message(
    header: Callable[[int, int], str], lines: Sequence[str], footer: str = "", limit: int = MESSAGE_LIMIT
) -> list[str]:
    """The header, the lines and the footer as one message, or as a numbered series of messages
    each at most `limit` characters, split only between lines. `header(part, total)` renders the
    heading of each part (with "(1/3)" when total > 1); the footer ends the last part."""
    whole = "\n".join([header(1, 1), *lines] + ([footer] if footer else []))
    if len(whole) <= limit:
        return [whole]
    # Room for the widest heading a series of up to 99 parts can have; a longer series (a county
    # official's escalations at national scale) is split again with room for its own widest.
    widest = 99
    while True:
        chunks = _chunks(lines, footer, limit - len(header(widest, widest)) - 1)
        if len(chunks) <= widest:
            break
        widest = len(chunks)
    total = len(chunks)
    return ["\n".join([header(i, total), *chunk]) for i, chunk in enumerate(chunks, start=1)]


def _chunks(lines: Sequence[str], footer: str, budget: int) -> list[list[str]]:
    """The lines (and the footer) in groups of at most `budget` characters joined, in order."""
    chunks: list[list[str]] = [[]]
    used = 0
    for line in lines:
        if len(line) >= budget:
            line = line[: budget - 2] + "…"
        if chunks[-1] and used + len(line) + 1 > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += len(line) + 1
    if footer:
        if used + len(footer) + 1 > budget:
            chunks.append([])
        chunks[-1].append(footer)
    return chunks


@functools.lru_cache(maxsize=4096)
def _part_marker(t: BoundTranslator, part: int, total: int) -> str:
    return "" if total == 1 else " " + t("reminder-part", part=part, total=total)


# A national run renders a hundred thousand lines out of a few hundred distinct notes, dates and
# names: each is rendered once per language (a BoundTranslator is hashable: catalog and locale).


@functools.lru_cache(maxsize=4096)
def _responsible_name(t: BoundTranslator, who: ResponsibleLabel | None) -> str | None:
    if who is None:
        return None
    if who.kind is ResponsibleKind.COMMITTEE and who.committee:
        return t("reminder-responsible-committee", committee=t(f"committee-{who.committee}"))
    if who.kind is ResponsibleKind.AGENCY and who.agency_fa:
        return (who.agency_fa if t.locale == "fa" else who.agency_en) or who.agency_fa
    if who.kind is ResponsibleKind.MEMBER and who.member_name:
        return who.member_name
    return None


@functools.lru_cache(maxsize=4096)
def _days_note(t: BoundTranslator, days_overdue: int) -> str:
    if days_overdue > 0:
        return t("reminder-days-overdue", days=days_overdue)
    if days_overdue == 0:
        return t("reminder-due-today")
    return t("reminder-days-left", days=-days_overdue)


def _deadline_note(t: BoundTranslator, line: ResolutionLine) -> str:
    return _days_note(t, line.days_overdue)


@functools.lru_cache(maxsize=4096)
def _jalali(d: date, locale: str) -> str:
    return format_jalali_date(d, locale)


_LINE_ARGS = ("neighbourhood", "text", "deadline", "note", "progress")


@functools.lru_cache(maxsize=64)
def _line_renderer(t: BoundTranslator, key: str) -> Callable[..., str]:
    """The line's message as a template when it can be one (the same text, rendered without
    Fluent: a national run renders a hundred thousand lines), else through Fluent."""
    names = (*_LINE_ARGS, "responsible") if key == "reminder-line-with-responsible" else _LINE_ARGS
    template = t.translator.template(t.locale, key, names)
    if template is None:
        return functools.partial(t, key)
    sample = {name: f"{name} ۱۲ x" for name in names} | {"progress": 40, "deadline": "1403/07/15"}
    return template if template(**sample) == t(key, **sample) else functools.partial(t, key)


@functools.lru_cache(maxsize=8192, typed=True)
def _prepared(locale: str, value: str | int) -> str:
    """An argument that recurs across a run's lines (a neighbourhood, a date, a note, a name, a
    percentage), prepared for the catalog once."""
    return str(prepare_value(locale, value))


def render_line(t: BoundTranslator, line: ResolutionLine, *, with_responsible: bool = False) -> str:
    """`• Neighbourhood: text… — due 15 Mehr 1403 (3 day(s) overdue) — 30% done`, in t's language;
    officials also see who is responsible."""
    args: dict[str, Any] = {
        "neighbourhood": line.neighbourhood,
        "text": shorten(line.text),
        "deadline": _jalali(line.deadline, t.locale),
        "note": _deadline_note(t, line),
        "progress": line.progress,
    }
    responsible = _responsible_name(t, line.responsible) if with_responsible else None
    key = "reminder-line"
    if responsible:
        args["responsible"] = responsible
        key = "reminder-line-with-responsible"
    render = _line_renderer(t, key)
    if not isinstance(render, Template):
        return render(**args)
    text = args.pop("text")
    prepared = {name: _prepared(t.locale, value) for name, value in args.items()}
    return render.fill(text=prepare_value(t.locale, text), **prepared)


# ---- loading resolutions (the queries are in models.reminders_repo) ----


_Body = Resolution | repo.DueResolution


class _Responsibles:
    """Responsible labels, with the names they show read in bulk (`prepare`) or once each."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._agencies: dict[int, tuple[str, str]] | None = None
        self._members: dict[int, str | None] = {}

    async def prepare(self, resolutions: Iterable[_Body]) -> None:
        """Read the names of every member these resolutions name, in a few queries."""
        wanted = {
            x.responsible_member_id
            for x in resolutions
            if x.responsible_kind is ResponsibleKind.MEMBER and x.responsible_member_id is not None
        }
        self._members.update(await repo.member_names(self._session, wanted - self._members.keys()))
        for member_id in wanted:
            self._members.setdefault(member_id, None)

    async def label(self, resolution: _Body) -> ResponsibleLabel:
        kind = resolution.responsible_kind
        if kind is ResponsibleKind.AGENCY and resolution.responsible_agency_id is not None:
            if self._agencies is None:
                self._agencies = await repo.agency_names(self._session)
            fa, en = self._agencies.get(resolution.responsible_agency_id, ("", ""))
            return ResponsibleLabel(kind, agency_fa=fa, agency_en=en)
        if kind is ResponsibleKind.MEMBER and resolution.responsible_member_id is not None:
            member_id = resolution.responsible_member_id
            if member_id not in self._members:
                await self.prepare([resolution])
            return ResponsibleLabel(kind, member_name=self._members[member_id])
        committee = resolution.responsible_committee
        return ResponsibleLabel(ResponsibleKind.COMMITTEE, committee=committee.value if committee else None)


def _line(
    resolution: _Body, neighbourhood: str, today: date, responsible: ResponsibleLabel | None = None
) -> ResolutionLine:
    return ResolutionLine(
        resolution_id=resolution.id,
        neighbourhood=neighbourhood,
        text=resolution.text,
        deadline=resolution.deadline,
        progress=resolution.progress,
        days_overdue=(today - resolution.deadline).days,
        responsible=responsible,
    )


@dataclass(frozen=True)
class _Recipient:
    """Where a person's messages go (the account they used last) and in which language."""

    person_id: int
    account: Account
    t: BoundTranslator


async def _recipient(session: AsyncSession, translator: Translator, person_id: int) -> _Recipient | None:
    """None when nothing can reach the person now (no messenger account yet, or the bot blocked
    everywhere): a digest is about today, so the caller claims nothing and the next run tries
    again, instead of keeping a stale list waiting for them."""
    account = await reachable_account(session, person_id)
    if account is None:
        return None
    return _recipient_of(translator, person_id, account)


def _recipient_of(translator: Translator, person_id: int, account: Account) -> _Recipient:
    # The same choice as services.notify.notify_person.
    locale = account.locale if account.locale in SUPPORTED_LOCALES else translator.default_locale
    return _Recipient(person_id, account, translator.bind(locale))


async def _recipients(
    session: AsyncSession, translator: Translator, person_ids: Iterable[int]
) -> dict[int, _Recipient]:
    """`_recipient` of many people at once; those nothing can reach now are left out."""
    accounts = await repo.reachable_accounts(session, person_ids)
    return {pid: _recipient_of(translator, pid, account) for pid, account in accounts.items()}


def _series(recipient: _Recipient, parts: Sequence[str], dedup_prefix: str) -> list[Outgoing]:
    """The parts as outbox messages to the recipient, keyed `<dedup_prefix>:<part number>`."""
    account = recipient.account
    return [
        Outgoing(
            platform=account.platform,
            chat_id=account.chat_id,
            text=text,
            person_id=recipient.person_id,
            dedup_key=f"{dedup_prefix}:{number}",
        )
        for number, text in enumerate(parts, start=1)
    ]


async def _queue_series(
    session: AsyncSession, recipient: _Recipient, parts: Sequence[str], *, dedup_prefix: str, now: datetime
) -> int:
    """Queue the parts in order through the outbox (in the caller's transaction); how many."""
    queued = 0
    for number, text in enumerate(parts, start=1):
        message = await enqueue(
            session,
            platform=recipient.account.platform,
            chat_id=recipient.account.chat_id,
            text=text,
            person_id=recipient.person_id,
            now=now,
            dedup_key=f"{dedup_prefix}:{number}",
        )
        queued += message is not None
    return queued


# ---- the morning digest ----


@dataclass(frozen=True)
class DigestSummary:
    # People with something overdue or due soon; of them, those sent their digest in this run.
    people: int
    digests: int
    messages: int

    def line(self) -> str:
        return f"digest: {self.digests} of {self.people} people, {self.messages} messages queued"


def render_digest(
    t: BoundTranslator, lines: Sequence[ResolutionLine], today: date, policy: ReminderPolicy = DEFAULT_POLICY
) -> list[str]:
    """One person's digest: a heading with counts, overdue first (most overdue first), then due
    soon; a numbered series when it passes the message limit."""
    overdue = sorted((x for x in lines if x.overdue), key=lambda x: (-x.days_overdue, x.resolution_id))
    soon = sorted((x for x in lines if not x.overdue), key=lambda x: (x.deadline, x.resolution_id))
    body: list[str] = []
    if overdue:
        body += ["", t("reminder-digest-overdue-title", count=len(overdue))]
        body += [render_line(t, x) for x in overdue]
    if soon:
        body += ["", t("reminder-digest-soon-title", count=len(soon), days=policy.due_soon_days)]
        body += [render_line(t, x) for x in soon]
    body.append("")

    title = t("reminder-digest-title", date=format_jalali_date(today, t.locale))
    counts = t("reminder-digest-counts", overdue=len(overdue), soon=len(soon), days=policy.due_soon_days)

    def header(part: int, total: int) -> str:
        return title + _part_marker(t, part, total) + "\n" + counts

    return split_message(header, body, t("reminder-digest-hint"))


# People whose digests are claimed, rendered and queued in one transaction.
DIGEST_BATCH = 300


@dataclass
class _DigestPlan:
    """Who has something due (with how many resolutions), and of them who is still owed today's
    digest: `pending` can be reached now, `unreachable` cannot (an SMS may be due)."""

    counts: dict[int, int]
    keys: dict[int, str]
    pending: dict[int, _Recipient]
    unreachable: list[int]


async def _digest_plan(
    session: AsyncSession,
    translator: Translator,
    today: date,
    policy: ReminderPolicy,
    index: ResponsibleIndex,
) -> _DigestPlan:
    """Who is concerned, from one row per responsible body (not per resolution), and which of
    them have today's mark already: a rerun stops here having read no resolution."""
    counts: dict[int, int] = defaultdict(int)
    for body, count in await repo.due_responsibles(
        session, due_by=today + timedelta(days=policy.due_soon_days)
    ):
        for person_id in index.people(body):
            counts[person_id] += count
    keys = {person_id: f"digest:{person_id}:{today.isoformat()}" for person_id in counts}
    done = await repo.claimed_marks(session, keys.values())
    owed = sorted(person_id for person_id, key in keys.items() if key not in done)
    pending = await _recipients(session, translator, owed)
    unreachable = [person_id for person_id in owed if person_id not in pending]
    return _DigestPlan(dict(counts), keys, pending, unreachable)


async def _digest_lines(
    session: AsyncSession, today: date, policy: ReminderPolicy, index: ResponsibleIndex, people: set[int]
) -> dict[int, list[ResolutionLine]]:
    """The overdue and due-soon resolutions of each of `people`, as lines."""
    rows = await repo.due_resolutions(session, due_by=today + timedelta(days=policy.due_soon_days))
    by_person: dict[int, list[ResolutionLine]] = defaultdict(list)
    people_of: dict[repo.Responsible, list[int]] = {}
    for row in rows:
        body = row.responsible
        if body not in people_of:
            people_of[body] = [p for p in index.people(body) if p in people]
        if people_of[body]:
            line = _line(row, row.neighbourhood, today)
            for person_id in people_of[body]:
                by_person[person_id].append(line)
    return by_person


async def _send_digests(
    session: AsyncSession,
    plan: _DigestPlan,
    lines: dict[int, list[ResolutionLine]],
    *,
    today: date,
    now: datetime,
    policy: ReminderPolicy,
) -> tuple[int, int]:
    """Claim, render and queue the pending digests, a batch of people per transaction (each
    person's mark and messages commit together); (digests, messages) queued."""
    digests = messages = 0
    people = sorted(p for p in plan.pending if lines.get(p))
    for start in range(0, len(people), DIGEST_BATCH):
        batch = people[start : start + DIGEST_BATCH]
        async with committing(session):
            claimed = await claim_marks(session, [plan.keys[p] for p in batch], now)
            outgoing: list[Outgoing] = []
            for person_id in batch:
                if plan.keys[person_id] not in claimed:
                    continue  # another instance sent it meanwhile
                recipient = plan.pending[person_id]
                parts = render_digest(recipient.t, lines[person_id], today, policy)
                outgoing += _series(recipient, parts, plan.keys[person_id])
                digests += 1
            messages += await enqueue_many(session, outgoing, now=now)
    return digests, messages


async def run_resolution_digest(
    session: AsyncSession,
    translator: Translator,
    *,
    now: datetime,
    policy: ReminderPolicy = DEFAULT_POLICY,
    sms: SmsPolicy = SMS_OFF,
) -> DigestSummary:
    """Send each responsible person one digest of their overdue and due-soon resolutions, once per
    Tehran day (`digest:<person>:<date>`). Who answers for what is read in bulk; the digests are
    claimed and queued a batch of people per transaction."""
    with collector_paused():
        return await _run_digest(session, translator, now=now, policy=policy, sms=sms)


async def _run_digest(
    session: AsyncSession, translator: Translator, *, now: datetime, policy: ReminderPolicy, sms: SmsPolicy
) -> DigestSummary:
    today = tehran_today(now)
    # End the read before the batches' transactions (no snapshot held while others write).
    async with committing(session):
        index = await ResponsibleIndex.load(session)
        plan = await _digest_plan(session, translator, today, policy, index)
        lines = await _digest_lines(session, today, policy, index, set(plan.pending)) if plan.pending else {}
    digests, messages = await _send_digests(session, plan, lines, today=today, now=now, policy=policy)
    if sms.enabled:
        for person_id in plan.unreachable:
            # Someone appointed days ago who never opened the bot: a short SMS, once a day.
            async with committing(session):
                await queue_digest_sms(
                    session, translator, sms, person_id=person_id, count=plan.counts[person_id], now=now
                )
    log.info("resolution digest for %s: %s of %s people", today, digests, len(plan.counts))
    return DigestSummary(people=len(plan.counts), digests=digests, messages=messages)


# ---- escalations ----


@dataclass(frozen=True)
class EscalationSummary:
    # (resolution, level) pairs escalated in this run, and the messages queued for them.
    escalated: int
    recipients: int
    messages: int

    def line(self) -> str:
        return (
            f"escalations: {self.escalated} new, {self.recipients} recipients, "
            f"{self.messages} messages queued"
        )


ESCALATION_LEVELS = (1, 2)


def render_escalation(
    t: BoundTranslator,
    by_level: dict[int, list[ResolutionLine]],
    policy: ReminderPolicy = DEFAULT_POLICY,
    *,
    rendered: dict[tuple[BoundTranslator, int], str] | None = None,
) -> list[str]:
    """One recipient's escalation message: the resolutions newly escalated to them, by level
    (1: as the neighbourhood's manager, 2: as a county official), the `ESCALATIONS_SHOWN` most
    overdue of each by name and the others counted. A run
    passes `rendered` to render each resolution's line once per language (a resolution is often
    escalated at both levels at once)."""
    total = sum(len(lines) for lines in by_level.values())
    body: list[str] = []
    cache = {} if rendered is None else rendered
    for level in sorted(by_level):
        days = policy.escalate_manager_days if level == 1 else policy.escalate_county_days
        lines = sorted(by_level[level], key=lambda x: (-x.days_overdue, x.resolution_id))
        body += ["", t(f"reminder-escalation-level-{level}", count=len(lines), days=days)]
        for x in lines[:ESCALATIONS_SHOWN]:
            text = cache.get((t, x.resolution_id))
            if text is None:
                text = cache[(t, x.resolution_id)] = render_line(t, x, with_responsible=True)
            body.append(text)
        if len(lines) > ESCALATIONS_SHOWN:
            body.append(t("reminder-escalation-more", count=len(lines) - ESCALATIONS_SHOWN))
    body.append("")

    title = t("reminder-escalation-title", count=total)

    def header(part: int, parts: int) -> str:
        return title + _part_marker(t, part, parts)

    return split_message(header, body, t("reminder-escalation-hint"))


async def _due_escalations(
    session: AsyncSession, today: date, policy: ReminderPolicy
) -> list[tuple[repo.DueResolution, list[int]]]:
    """Every resolution with escalations the overdue days call for and no mark says were made,
    with their levels, in the order of the resolutions' ids (claimed in one order: two instances
    never deadlock). The marks are checked in the query, so a rerun reads nothing it did."""
    thresholds = {1: policy.escalate_manager_days, 2: policy.escalate_county_days}
    return await repo.due_resolutions_unmarked(
        session,
        due_by={level: today - timedelta(days=thresholds[level] + 1) for level in ESCALATION_LEVELS},
        key_prefix=ESCALATION_PREFIX,
    )


def _escalation_key(resolution_id: int, level: int) -> str:
    return f"{ESCALATION_PREFIX}{resolution_id}:{level}"


ESCALATION_PREFIX = "resolution-escalation:"


class _EscalationRun:
    """One run's escalations, gathered per recipient so that each gets one message; who is at
    each level, who can be reached and the names the lines show are read in bulk."""

    def __init__(
        self,
        session: AsyncSession,
        translator: Translator,
        today: date,
        now: datetime,
        index: ResponsibleIndex,
    ) -> None:
        self._session, self._translator, self._today, self._now = session, translator, today, now
        self._index = index
        self._responsibles = _Responsibles(session)
        self._reachable: dict[int, _Recipient] = {}
        self.escalated = 0
        self.recipients: dict[int, dict[int, list[ResolutionLine]]] = defaultdict(lambda: defaultdict(list))
        # Who an escalation is for but cannot be reached now: an SMS each (services.sms).
        self._sms_due: dict[int, list[str]] = defaultdict(list)

    async def escalate(self, due: Sequence[tuple[repo.DueResolution, list[int]]]) -> None:
        """Claim each escalation (in bulk) and list it for everyone reachable at its level; those
        who are not are due an SMS about it. A level with nobody reachable is not claimed: it goes
        out once someone there has opened the bot."""
        wanted = await self._wanted(due)
        claimed = await claim_marks(self._session, [key for _, _, key, _ in wanted], self._now)
        await self._responsibles.prepare(row for row, _, key, _ in wanted if key in claimed)
        lines: dict[int, ResolutionLine] = {}
        for row, level, key, reachable in wanted:
            if key not in claimed:
                continue  # another instance escalated it meanwhile
            self.escalated += 1
            line = lines.get(row.id)
            if line is None:
                line = lines[row.id] = _line(
                    row, row.neighbourhood, self._today, await self._responsibles.label(row)
                )
            for person_id in reachable:
                self.recipients[person_id][level].append(line)

    async def _wanted(
        self, due: Sequence[tuple[repo.DueResolution, list[int]]]
    ) -> list[tuple[repo.DueResolution, int, str, list[int]]]:
        """(resolution, level, mark key, reachable people) of each escalation someone can get
        now; who is at each level is found once per (neighbourhood, level)."""
        at_level: dict[tuple[int, int], list[int]] = {}
        for row, levels in due:
            for level in levels:
                place = (row.neighbourhood_id, level)
                if place not in at_level:
                    at_level[place] = self._index.escalation_people(*place)
        people = {p for found in at_level.values() for p in found}
        self._reachable = await _recipients(self._session, self._translator, people)
        reachable_at = {
            place: [p for p in found if p in self._reachable] for place, found in at_level.items()
        }
        wanted: list[tuple[repo.DueResolution, int, str, list[int]]] = []
        for row, levels in due:
            for level in levels:
                place = (row.neighbourhood_id, level)
                if len(reachable_at[place]) < len(at_level[place]):
                    for person_id in at_level[place]:
                        if person_id not in self._reachable:
                            self._sms_due[person_id].append(f"resolution:{row.id}:{level}")
                if reachable_at[place]:
                    wanted.append((row, level, _escalation_key(row.id, level), reachable_at[place]))
                else:
                    log.warning("resolution %s: nobody reachable to escalate to at level %s", row.id, level)
        return wanted

    async def queue_messages(self, policy: ReminderPolicy) -> int:
        """Each recipient's message (or short series); how many were queued."""
        outgoing: list[Outgoing] = []
        rendered: dict[tuple[BoundTranslator, int], str] = {}
        for person_id, by_level in sorted(self.recipients.items()):
            recipient = self._reachable[person_id]
            ids = sorted((level, x.resolution_id) for level, lines in by_level.items() for x in lines)
            # Unique per set: the marks guarantee no (resolution, level) is in two runs' sets.
            digest = hashlib.sha1(repr(ids).encode(), usedforsecurity=False).hexdigest()[:16]
            parts = render_escalation(recipient.t, by_level, policy, rendered=rendered)
            outgoing += _series(recipient, parts, f"{ESCALATION_PREFIX}{person_id}:{digest}")
        return await enqueue_many(self._session, outgoing, now=self._now)

    async def queue_sms(self, sms: SmsPolicy) -> None:
        if not sms.enabled:
            return
        for person_id, escalations in sorted(self._sms_due.items()):
            await queue_escalation_sms(
                self._session,
                self._translator,
                sms,
                person_id=person_id,
                escalations=escalations,
                now=self._now,
            )


async def run_resolution_escalations(
    session: AsyncSession,
    translator: Translator,
    *,
    now: datetime,
    policy: ReminderPolicy = DEFAULT_POLICY,
    sms: SmsPolicy = SMS_OFF,
) -> EscalationSummary:
    """Escalate resolutions overdue by more than the policy's days: level 1 to the neighbourhood's
    managers, level 2 to the county's officials; each (resolution, level) once ever
    (`resolution-escalation:<id>:<level>`). Each recipient gets one message (or a short series)
    listing all resolutions newly escalated to them. One transaction: the marks and the messages
    commit together. A level with nobody who has opened the bot yet is not claimed, so it is
    escalated once someone there can be reached."""
    with collector_paused():
        return await _run_escalations(session, translator, now=now, policy=policy, sms=sms)


async def _run_escalations(
    session: AsyncSession, translator: Translator, *, now: datetime, policy: ReminderPolicy, sms: SmsPolicy
) -> EscalationSummary:
    today = tehran_today(now)
    async with committing(session):
        due = await _due_escalations(session, today, policy)
        index = await ResponsibleIndex.load(session) if due else None
    if index is None:
        return EscalationSummary(escalated=0, recipients=0, messages=0)
    run = _EscalationRun(session, translator, today, now, index)
    async with committing(session):
        await run.escalate(due)
        messages = await run.queue_messages(policy)
        await run.queue_sms(sms)
    return EscalationSummary(escalated=run.escalated, recipients=len(run.recipients), messages=messages)


# ---- the weekly county digest ----


@dataclass(frozen=True)
class NeighbourhoodStats:
    name: str
    open: int = 0
    overdue: int = 0
    done_this_week: int = 0
    requests_open: int = 0
    requests_overdue: int = 0

    @property
    def empty(self) -> bool:
        return not (self.open or self.done_this_week or self.requests_open)


@dataclass(frozen=True)
class CountyStats:
    county: str
    neighbourhoods: list[NeighbourhoodStats]
    worst: list[ResolutionLine]
    # People with a role in the county who have not opened the bot yet: (name, role).
    not_joined: tuple[tuple[str, Role], ...] = ()
    # The plans of the county and of its neighbourhoods summed up; None when there are none.
    plans: PlansTally | None = None

    @property
    def empty(self) -> bool:
        """Nothing to tell: no neighbourhood with anything open or done, nobody missing, and no
        late project (plans going to schedule alone are no reason for a digest)."""
        late = self.plans is not None and self.plans.late_projects > 0
        return all(n.empty for n in self.neighbourhoods) and not self.not_joined and not late

    def total(self, field: str) -> int:
        return sum(int(getattr(n, field)) for n in self.neighbourhoods)


def week_start(today: date, weekday: int) -> date:
    """The latest day on or before `today` that falls on `weekday` (the digest's week start)."""
    return today - timedelta(days=(today.weekday() - weekday) % 7)


async def _request_counts(
    session: AsyncSession, county_id: int, counts: dict[int, dict[str, int]], now: datetime
) -> None:
    """Add each neighbourhood's open requests, and those open longer than their committee's
    resolution target, to `counts`."""
    targets = {
        committee: timedelta(days=days)
        for committee, days in (await repo.request_resolution_days(session)).items()
    }
    for nid, committee, started in await repo.open_requests_in_county(session, county_id):
        counts[nid]["requests_open"] += 1
        target = targets.get(committee, timedelta(days=DEFAULT_REQUEST_DAYS))
        if started is not None and now - started > target:
            counts[nid]["requests_overdue"] += 1


async def _worst(session: AsyncSession, county_id: int, today: date) -> list[ResolutionLine]:
    """The county's most overdue resolutions, with who answers for each."""
    overdue_rows = await repo.open_resolutions_due_by(
        session, due_by=today - timedelta(days=1), county_id=county_id, limit=COUNTY_WORST
    )
    responsibles = _Responsibles(session)
    return [
        _line(resolution, neighbourhood, today, await responsibles.label(resolution))
        for resolution, neighbourhood in overdue_rows
    ]


async def county_stats(session: AsyncSession, county_id: int, *, now: datetime) -> CountyStats:
    """Per neighbourhood: open, overdue and done-in-the-last-7-days resolutions, open and overdue
    requests; the county's most overdue resolutions; and its plans' (and its neighbourhoods')
    progress and late projects."""
    today = tehran_today(now)
    county = await repo.county_name(session, county_id) or ""
    names = await repo.county_neighbourhoods(session, county_id)
    counts: dict[int, dict[str, int]] = {nid: defaultdict(int) for nid in names}
    rows = await repo.resolution_counts(session, county_id, today=today, done_since=now - timedelta(days=7))
    for nid, open_count, overdue, done in rows:
        counts[nid]["open"] = open_count
        counts[nid]["overdue"] = overdue
        counts[nid]["done_this_week"] = done
    await _request_counts(session, county_id, counts, now)
    worst = await _worst(session, county_id, today)
    neighbourhoods = [NeighbourhoodStats(name=names[nid], **counts[nid]) for nid in names]
    missing = tuple((p.name or "—", p.role) for p in await not_joined_in_county(session, county_id))
    plans = await scope_plans_progress(session, ScopeKind.COUNTY, county_id, today, within=True)
    return CountyStats(
        county=county,
        neighbourhoods=neighbourhoods,
        worst=worst,
        not_joined=missing,
        plans=tally(plans) if plans else None,
    )


# People not yet in the bot named in a county digest; /not_joined lists them all.
NOT_JOINED_SHOWN = 15


def render_county_digest(t: BoundTranslator, counties: Iterable[CountyStats], week_of: date) -> list[str]:
    """One official's weekly digest: per county its totals, its plans' progress (when it or its
    neighbourhoods have plans), the neighbourhoods with something open or done (the
    `COUNTY_NEIGHBOURHOODS_SHOWN` most overdue by name, the others counted), and the worst
    overdue resolutions."""
    body: list[str] = []
    for stats in counties:
        body += [
            "",
            t("reminder-county-title", county=stats.county),
            t(
                "reminder-county-totals",
                open=stats.total("open"),
                overdue=stats.total("overdue"),
                done=stats.total("done_this_week"),
            ),
            t(
                "reminder-county-requests",
                open=stats.total("requests_open"),
                overdue=stats.total("requests_overdue"),
            ),
        ]
        if stats.plans is not None and stats.plans.progress is not None:
            body.append(
                t(
                    "reminder-county-plans",
                    plans=stats.plans.plans,
                    progress=whole_percent(stats.plans.progress),
                    late=stats.plans.late_projects,
                    projects=stats.plans.projects,
                )
            )
        active = sorted(
            (n for n in stats.neighbourhoods if not n.empty), key=lambda n: (-n.overdue, -n.open, n.name)
        )
        if active:
            body.append(t("reminder-county-neighbourhoods-title"))
            body += [
                t(
                    "reminder-county-neighbourhood",
                    name=n.name,
                    open=n.open,
                    overdue=n.overdue,
                    done=n.done_this_week,
                    requests=n.requests_open,
                    requests_overdue=n.requests_overdue,
                )
                for n in active[:COUNTY_NEIGHBOURHOODS_SHOWN]
            ]
            if len(active) > COUNTY_NEIGHBOURHOODS_SHOWN:
                body.append(t("reminder-county-more", count=len(active) - COUNTY_NEIGHBOURHOODS_SHOWN))
        quiet = len(stats.neighbourhoods) - len(active)
        if quiet:
            body.append(t("reminder-county-quiet", count=quiet))
        if stats.worst:
            body.append(t("reminder-county-worst-title", count=len(stats.worst)))
            body += [render_line(t, x, with_responsible=True) for x in stats.worst]
        if stats.not_joined:
            shown = [
                f"{name} ({t(f'role-{role.value}')})" for name, role in stats.not_joined[:NOT_JOINED_SHOWN]
            ]
            if len(stats.not_joined) > NOT_JOINED_SHOWN:
                shown.append("…")
            body.append(t("county-digest-not-joined", count=len(stats.not_joined), names=t.join(shown)))
    body.append("")

    def header(part: int, total: int) -> str:
        return t("reminder-county-digest-title", date=format_jalali_date(week_of, t.locale)) + _part_marker(
            t, part, total
        )

    return split_message(header, body, t("reminder-county-hint"))


@dataclass(frozen=True)
class CountyDigestSummary:
    officials: int
    digests: int
    messages: int

    def line(self) -> str:
        return f"county digest: {self.digests} of {self.officials} officials, {self.messages} messages queued"


async def run_county_digest(
    session: AsyncSession, translator: Translator, *, now: datetime, policy: ReminderPolicy = DEFAULT_POLICY
) -> CountyDigestSummary:
    """Send each county official one digest of their county (or counties) once per week
    (`county-digest:<person>:<week start>`); counties with nothing open or done (and no late
    project in their plans) are left out, and an official with nothing to report gets nothing. Commits once per official."""
    today = tehran_today(now)
    week_of = week_start(today, policy.county_digest_weekday)
    # The figures are read in one transaction, ended before the per-official ones; only for the
    # counties of officials whose digest of the week is not sent yet (a rerun reads none).
    async with committing(session):
        counties_of: dict[int, list[int]] = defaultdict(list)
        for person_id, county_id in await repo.county_official_seats(session):
            counties_of[person_id].append(county_id)
        keys = {person_id: f"county-digest:{person_id}:{week_of.isoformat()}" for person_id in counties_of}
        done = await repo.claimed_marks(session, keys.values())
        owed = {person_id: ids for person_id, ids in counties_of.items() if keys[person_id] not in done}
        stats: dict[int, CountyStats] = {}
        for county_id in sorted({c for ids in owed.values() for c in ids}):
            stats[county_id] = await county_stats(session, county_id, now=now)
    digests = messages = 0
    for person_id, county_ids in sorted(owed.items()):
        mine = [stats[c] for c in sorted(set(county_ids)) if not stats[c].empty]
        if not mine:
            continue
        async with committing(session):
            recipient = await _recipient(session, translator, person_id)
            key = keys[person_id]
            if recipient is None or not await claim_mark(session, key, now):
                continue
            parts = render_county_digest(recipient.t, mine, week_of)
            messages += await _queue_series(session, recipient, parts, dedup_prefix=key, now=now)
            digests += 1
    return CountyDigestSummary(officials=len(counties_of), digests=digests, messages=messages)
