"""The monthly performance report: on the first day of each Jalali month, each county official
gets their county's report for the month past and each province official their province's, once
(a mark `performance-report:<person>:<scope kind>:<scope id>:<month>`, so a second run, a restart
or another instance sends nothing more), through the outbox like the digests.

The outbox carries text only (models.plumbing.OutboxMessage has no file), so the summary goes as
text with a line pointing to /performance for the chart and the workbook."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import reports_repo as repo
from models.identity import ScopeKind
from services.authz import OPERATOR
from services.i18n import Translator
from services.jalali import tehran_today
from services.reminders import _queue_series, _recipient
from services.reports.figures import PerformanceReport, ReportLevel
from services.reports.performance import performance_report
from services.reports.period import Period
from services.reports.text import report_messages, split_blocks
from services.responsibility import claim_mark
from services.uow import committing

__all__ = ["MonthlyReportSummary", "run_monthly_reports"]


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


async def run_monthly_reports(
    session: AsyncSession, translator: Translator, *, now: datetime
) -> MonthlyReportSummary:
    """On the first day of a Jalali month (Tehran time), send each county and province official
    their scope's report for last month, once each; any other day nothing. Commits per official."""
    if not _first_of_month(now):
        return MonthlyReportSummary(0, 0, 0)
    period = Period.last_month(tehran_today(now))
    async with committing(session):
        seats = await repo.report_recipients(session)
    scopes_of: dict[int, list[tuple[ScopeKind, int]]] = defaultdict(list)
    for person_id, kind, scope_id in seats:
        scopes_of[person_id].append((kind, scope_id))
    # One report per scope, however many officials share it; the seat is the authorization.
    reports: dict[tuple[ScopeKind, int], PerformanceReport] = {}
    sent = messages = 0
    for person_id, scopes in sorted(scopes_of.items()):
        for kind, scope_id in scopes:
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
            queued = await _send(session, translator, person_id, reports[kind, scope_id], now=now)
            sent += queued > 0
            messages += queued
    return MonthlyReportSummary(officials=len(scopes_of), reports=sent, messages=messages)


async def _send(
    session: AsyncSession, translator: Translator, person_id: int, report: PerformanceReport, *, now: datetime
) -> int:
    """Queue one official's copy, unless already claimed; how many messages."""
    month = report.period.first_day.isoformat()
    key = f"performance-report:{person_id}:{report.scope.kind.value}:{report.scope.id}:{month}"
    async with committing(session):
        recipient = await _recipient(session, translator, person_id)
        if recipient is None or not await claim_mark(session, key, now):
            return 0
        t = recipient.t
        parts = split_blocks([*report_messages(t, report), t("perf-monthly-files")])
        return await _queue_series(session, recipient, parts, dedup_prefix=key, now=now)
