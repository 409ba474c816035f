"""`python -m bot report (--neighbourhood CODE | --county NAME | --province NAME) [--from D --to D]
[--xlsx FILE] [--png FILE]`: a performance report for operators and scripts. Prints the same text
summary as the chat (in DEFAULT_LOCALE), for the Jalali period given (this month by default),
run as the operator; writes the chart and the workbook when asked."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from services.reports import PerformanceReport, Period

__all__ = ["add_report_parser", "run_report"]


def add_report_parser(commands: Any) -> None:
    """Add the `report` subcommand to the CLI's subparsers."""
    report = commands.add_parser(
        "report",
        help="print a performance report of a neighbourhood, county or province",
        description=(
            "Print the performance report of a neighbourhood (by code), a county or a province (by "
            "name) for a Jalali period: councils, committees, profiles, liaisons, meetings, "
            "resolutions, requests, actions, the change against the period before and a ranking. "
            "Without --from/--to, this Jalali month so far. --xlsx and --png also write the workbook "
            "and the chart."
        ),
    )
    scope = report.add_mutually_exclusive_group(required=True)
    scope.add_argument("--neighbourhood", metavar="CODE", help="neighbourhood code")
    scope.add_argument("--county", metavar="NAME", help="county name")
    scope.add_argument("--province", metavar="NAME", help="province name")
    report.add_argument("--from", dest="first_day", metavar="YYYY/MM/DD", help="first day (Jalali)")
    report.add_argument("--to", dest="last_day", metavar="YYYY/MM/DD", help="last day (Jalali), included")
    report.add_argument("--xlsx", type=Path, metavar="FILE", help="also write the Excel workbook here")
    report.add_argument("--png", type=Path, metavar="FILE", help="also write the bar chart here")


def _period(args: argparse.Namespace, today: date) -> Period:
    """The period asked for; raises ValueError with what is wrong."""
    from services.jalali import DateParseError, parse_jalali_date
    from services.reports import Period

    if args.first_day is None and args.last_day is None:
        return Period.this_month(today)
    if args.first_day is None or args.last_day is None:
        raise ValueError("give both --from and --to, or neither (this month)")
    try:
        return Period.between(parse_jalali_date(args.first_day), parse_jalali_date(args.last_day))
    except DateParseError as error:
        raise ValueError(f"not a Jalali date (YYYY/MM/DD): {error.text!r}") from error


async def _report(session: AsyncSession, args: argparse.Namespace, period: Period) -> PerformanceReport:
    from models.identity import ScopeKind
    from services.authz import OPERATOR
    from services.clock import utc_now
    from services.reports import ReportLevel, performance_report
    from services.roles import resolve_scope

    level = ReportLevel(next(name for name in ("neighbourhood", "county", "province") if getattr(args, name)))
    scope = await resolve_scope(session, ScopeKind(level.value), getattr(args, level.value))
    return await performance_report(
        session, actor=OPERATOR, level=level, scope_id=scope.id, period=period, now=utc_now()
    )


def _write_files(settings: Settings, args: argparse.Namespace, report: PerformanceReport) -> int:
    """Write the chart and the workbook asked for; 1 if one could not be written."""
    from services.i18n import Translator
    from services.reports.files import RenderersMissing, report_chart_png, report_workbook_xlsx

    t = Translator().bind(settings.default_locale)
    status = 0
    for path, render, what in (
        (args.png, report_chart_png, "chart"),
        (args.xlsx, report_workbook_xlsx, "workbook"),
    ):
        if path is None:
            continue
        try:
            path.write_bytes(render(t, report))
        except RenderersMissing as error:
            print(f"the {what} is not available yet ({error}); {path} not written", file=sys.stderr)
            status = 1
        except OSError as error:
            print(f"cannot write {path}: {error}", file=sys.stderr)
            status = 1
        else:
            print(f"{what} written to {path}", file=sys.stderr)
    return status


def run_report(settings: Settings, args: argparse.Namespace, with_session: Any) -> int:
    """Run `report`; `with_session` is the CLI's `_with_session` (a migrated database's session)."""
    from services.clock import utc_now
    from services.i18n import Translator
    from services.jalali import tehran_today
    from services.reports import report_messages
    from services.roles import AmbiguousScope, UnknownScopeName

    try:
        period = _period(args, tehran_today(utc_now()))
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    try:
        report = asyncio.run(with_session(settings, lambda session: _report(session, args, period)))
    except AmbiguousScope as error:
        print(f"{error.name!r} names several counties: {', '.join(error.candidates)}", file=sys.stderr)
        return 1
    except UnknownScopeName as error:
        print(str(error), file=sys.stderr)
        return 1
    t = Translator().bind(settings.default_locale)
    print("\n\n".join(report_messages(t, report)))
    return _write_files(settings, args, report)
