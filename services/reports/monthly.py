"""The monthly performance report: on the first day of each Jalali month, each county official
gets their county's report for the month past and each province official their province's, once
(a mark `performance-report:<person>:<scope kind>:<scope id>:<month>`, so a second run, a restart
or another instance sends nothing more), through the outbox like the digests.

What /performance shows in the chat, in the same order: the text summary, then the bar chart (a
photo, or a document when too tall for one) and the Excel workbook as files (outbox attachments,
`services.outbox.Attachment`). The files are rendered once per scope and language, in a worker
thread (the job runs on the bot's event loop), and only for an official not yet marked, outside
the transaction that claims the mark and queues the messages, so no write lock is held meanwhile.
An official appointed by phone who has not opened the bot yet finds the report waiting for them
(`services.notify.release_waiting`: a note naming it, then the chart and the workbook).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import jdatetime
from sqlalchemy.ext.asyncio import AsyncSession

from models import reminders_repo
from models import reports_repo as repo
from models.identity import ScopeKind
from models.plumbing import OutboxFileKind
from services.authz import OPERATOR
from services.i18n import BoundTranslator, Translator
from services.jalali import tehran_today
from services.outbox import Attachment, enqueue
from services.reminders import _recipient
from services.reports.figures import PerformanceReport, ReportLevel
from services.reports.files import (
    RenderersMissing,
    chart_goes_as_photo,
    report_chart_png,
    report_workbook_xlsx,
)
from services.reports.performance import performance_report
from services.reports.period import Period
from services.reports.text import report_messages, split_blocks
from services.responsibility import claim_mark
from services.uow import committing

__all__ = ["MonthlyReportSummary", "report_attachments", "run_monthly_reports"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MonthlyReportSummary:
    officials: int
    reports: int
    messages: int

    def line(self) -> str:
        return f"monthly report: {self.reports} reports to {self.officials} officials, {self.messages} messages queued"


def _first_of_month(now: datetime) -> bool:
    today = tehran_today(now)
    return Period.this_month(today).first_day == today


def _mark(person_id: int, kind: ScopeKind, scope_id: int, period: Period) -> str:
    return f"performance-report:{person_id}:{kind.value}:{scope_id}:{period.first_day.isoformat()}"


def _file_stem(report: PerformanceReport) -> str:
    month = jdatetime.date.fromgregorian(date=report.period.first_day)
    return f"performance-{report.level.value}-{report.scope.id}-{month.year}-{month.month:02d}"


def report_attachments(t: BoundTranslator, report: PerformanceReport) -> list[Attachment]:
    """The chart and the workbook of the report, in `t`'s language, as outbox attachments (the
    chart a photo unless too tall for one). Slow: call it off the event loop. Raises
    `RenderersMissing` when the renderers cannot be imported."""
    png = report_chart_png(t, report)
    xlsx = report_workbook_xlsx(t, report)
    stem = _file_stem(report)
    chart_kind = OutboxFileKind.PHOTO if chart_goes_as_photo(png) else OutboxFileKind.DOCUMENT
    return [
        Attachment(chart_kind, f"{stem}.png", png),
        Attachment(OutboxFileKind.DOCUMENT, f"{stem}.xlsx", xlsx),
    ]


@dataclass
class _Renders:
    """The files of each report, rendered once per scope and language."""

    files: dict[tuple[ScopeKind, int, str], list[Attachment]] = field(default_factory=dict)

    async def of(self, t: BoundTranslator, report: PerformanceReport) -> list[Attachment]:
        key = (report.scope.kind, report.scope.id, t.locale)
        if key not in self.files:
            try:
                self.files[key] = await asyncio.to_thread(report_attachments, t, report)
            except RenderersMissing:
                log.warning("monthly report: no chart or workbook (renderers missing); text only")
                self.files[key] = []
        return self.files[key]


async def run_monthly_reports(
    session: AsyncSession, translator: Translator, *, now: datetime
) -> MonthlyReportSummary:
    """On the first day of a Jalali month (Tehran time), send each county and province official
    their scope's report for last month, once each; any other day nothing. Commits per official.
    A scope whose officials were all sent theirs (an earlier run) is not even computed again."""
    if not _first_of_month(now):
        return MonthlyReportSummary(0, 0, 0)
    period = Period.last_month(tehran_today(now))
    async with committing(session):
        seats = await repo.report_recipients(session)
        done = await reminders_repo.claimed_marks(session, [_mark(p, k, s, period) for p, k, s in seats])
    scopes_of: dict[int, list[tuple[ScopeKind, int]]] = defaultdict(list)
    for person_id, kind, scope_id in seats:
        scopes_of[person_id].append((kind, scope_id))
    # One report per scope, however many officials share it; the seat is the authorization.
    reports: dict[tuple[ScopeKind, int], PerformanceReport] = {}
    renders = _Renders()
    sent = messages = 0
    for person_id, scopes in sorted(scopes_of.items()):
        for kind, scope_id in scopes:
            if _mark(person_id, kind, scope_id, period) in done:
                continue
            if (kind, scope_id) not in reports:
                async with committing(session):
                    reports[kind, scope_id] = await performance_report(
                        session,
                        actor=OPERATOR,
                        level=ReportLevel(kind.value),
                        scope_id=scope_id,
                        period=period,
                        now=now,
                    )
            report = reports[kind, scope_id]
            queued = await _send(session, translator, person_id, report, renders, now=now)
            sent += queued > 0
            messages += queued
    return MonthlyReportSummary(officials=len(scopes_of), reports=sent, messages=messages)


async def _send(
    session: AsyncSession,
    translator: Translator,
    person_id: int,
    report: PerformanceReport,
    renders: _Renders,
    *,
    now: datetime,
) -> int:
    """Queue one official's copy (the text, then the files), unless already claimed; how many
    messages. An official who cannot be reached yet (appointed by phone, never opened the bot, or
    blocked it) gets it waiting for them, like any notification: unlike a digest, last month's
    report is still worth reading the day they arrive."""
    key = _mark(person_id, report.scope.kind, report.scope.id, report.period)
    async with committing(session):
        found = await _recipient(session, translator, person_id)
    t = found.t if found is not None else translator.bind(translator.default_locale)
    files = await renders.of(t, report)  # outside the transaction: it takes a while
    async with committing(session):
        if not await claim_mark(session, key, now):
            return 0
        # Reachable still (and where now)? The language stays the one the files were rendered in.
        recipient = await _recipient(session, translator, person_id)
        account = recipient.account if recipient is not None else None
        texts = split_blocks(report_messages(t, report))
        queued = 0
        for name, text, attachment in [
            *((str(n), text, None) for n, text in enumerate(texts, start=1)),
            *((name, "", file) for name, file in zip(("chart", "workbook"), files, strict=False)),
        ]:
            message = await enqueue(
                session,
                platform=account.platform if account is not None else None,
                chat_id=account.chat_id if account is not None else None,
                text=text,
                person_id=person_id,
                now=now,
                dedup_key=f"{key}:{name}",
                attachment=attachment,
            )
            queued += message is not None
        return queued
