"""A performance report as files: the bar chart (PNG) and the workbook (xlsx), in the reader's
language, laid out by the generic renderers `services.charts` and `services.workbook`.

Those renderers are written on another branch; until they are in, `RenderersMissing` says so (they
are imported when a file is asked for, so nothing else depends on them). Both take a moment: call
these off the event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import importlib
import struct
from collections.abc import Callable
from types import ModuleType
from typing import Any

from services.i18n import BoundTranslator
from services.jalali import format_jalali_date, format_jalali_numeric
from services.reports.figures import PerformanceReport, ReportLevel, UnitReport
from services.reports.text import responsible_name

__all__ = [
    "PHOTO_MAX_HEIGHT",
    "RenderersMissing",
    "chart_goes_as_photo",
    "png_height",
    "report_chart_png",
    "report_workbook_xlsx",
]

# The tallest chart sent as a photo; Telegram shrinks taller ones past reading, so they go as files.
PHOTO_MAX_HEIGHT = 1280


class RenderersMissing(RuntimeError):
    """`services.charts` or `services.workbook` is not available (not merged yet)."""


def _renderer(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"services.{name}")
    except ImportError as error:
        raise RenderersMissing(f"services.{name} cannot be imported: {error}") from error


def png_height(png: bytes) -> int:
    """The height of a PNG, from its IHDR chunk."""
    return int(struct.unpack(">I", png[20:24])[0])


def chart_goes_as_photo(png: bytes, max_height: int = PHOTO_MAX_HEIGHT) -> bool:
    """Whether the chart is short enough to be sent as a photo (else as a document)."""
    return png_height(png) <= max_height


def _share(value: int | None) -> float | None:
    return None if value is None else value / 100


def _label(t: BoundTranslator, unit: UnitReport) -> str:
    ref = unit.unit
    return t("perf-name-code", name=ref.name, code=ref.code) if ref.code else ref.name


def _period_line(t: BoundTranslator, report: PerformanceReport) -> str:
    return t(
        "perf-file-period",
        **{
            "from": format_jalali_date(report.period.first_day, t.locale),
            "to": format_jalali_date(report.period.last_day, t.locale),
        },
    )


def report_chart_png(t: BoundTranslator, report: PerformanceReport) -> bytes:
    """Bars per unit: resolutions done on time, requests answered and resolved within target (%)."""
    charts = _renderer("charts")
    units = report.units
    series = [
        charts.Series(
            t("perf-col-on-time-pct"), [_share(u.current.resolutions.counts.on_time_pct) for u in units]
        ),
        charts.Series(
            t("perf-col-answered-pct"),
            [_share(u.current.requests.total.answered_in_target_pct) for u in units],
        ),
        charts.Series(
            t("perf-col-resolved-pct"),
            [_share(u.current.requests.total.resolved_in_target_pct) for u in units],
        ),
    ]
    return bytes(
        charts.bar_chart_png(
            t("perf-chart-title", level=report.level.value, name=report.scope.name),
            [_label(t, u) for u in units],
            series,
            locale=t.locale,
            subtitle=_period_line(t, report),
            value_format=charts.percent,
            more=lambda n: t("perf-chart-more", count=n),
        )
    )


# A column of the units sheet: its header key, its value for a unit, its number format name.
_Column = tuple[str, Callable[[UnitReport], Any], str]


_UNIT_COLUMNS: tuple[_Column, ...] = (
    ("perf-col-neighbourhoods", lambda u: u.setup.neighbourhoods, "COUNT"),
    ("perf-col-councils", lambda u: u.setup.councils_formed, "COUNT"),
    ("perf-col-members", lambda u: u.setup.members, "COUNT"),
    ("perf-col-headed", lambda u: u.setup.committees_headed, "COUNT"),
    ("perf-col-profiles", lambda u: u.setup.profiles_written, "COUNT"),
    ("perf-col-liaisons", lambda u: u.liaisons.named, "COUNT"),
    ("perf-col-meetings", lambda u: u.current.meetings_held, "COUNT"),
    ("perf-col-made", lambda u: u.current.resolutions.counts.made, "COUNT"),
    ("perf-col-done", lambda u: u.current.resolutions.counts.done, "COUNT"),
    ("perf-col-on-time", lambda u: u.current.resolutions.counts.done_on_time, "COUNT"),
    ("perf-col-on-time-pct", lambda u: _share(u.current.resolutions.counts.on_time_pct), "PERCENT"),
    ("perf-col-overdue", lambda u: u.current.resolutions.counts.overdue, "COUNT"),
    ("perf-col-overdue-now", lambda u: u.current.resolutions.overdue_now, "COUNT"),
    ("perf-col-received", lambda u: u.current.requests.total.received, "COUNT"),
    ("perf-col-answered-pct", lambda u: _share(u.current.requests.total.answered_in_target_pct), "PERCENT"),
    ("perf-col-resolved-pct", lambda u: _share(u.current.requests.total.resolved_in_target_pct), "PERCENT"),
    ("perf-col-median-hours", lambda u: u.current.requests.total.median_hours_to_resolve, "DECIMAL"),
    ("perf-col-reopened", lambda u: u.current.requests.total.reopened, "COUNT"),
    ("perf-col-rating", lambda u: u.current.requests.total.rating_average, "DECIMAL"),
    ("perf-col-emergencies", lambda u: u.current.requests.total.emergencies, "COUNT"),
    ("perf-col-actions", lambda u: u.current.actions.actions, "COUNT"),
    ("perf-col-photos", lambda u: u.current.actions.photos, "COUNT"),
    ("perf-col-score", lambda u: u.current.score, "DECIMAL"),
    ("perf-col-previous-score", lambda u: u.previous.score, "DECIMAL"),
    # Last, so the figures keep their places; the whole's row leaves it empty.
    ("perf-col-selected", lambda u: 1 if u.unit.selected else (0 if u.unit.code else None), "COUNT"),
)


def _units_sheet(t: BoundTranslator, report: PerformanceReport, workbook: ModuleType) -> Any:
    """One row per unit, then the whole; a column per figure."""
    units = list(report.units) if report.level is ReportLevel.NEIGHBOURHOOD else [*report.units, report.total]
    title = "perf-sheet-counties" if report.level is ReportLevel.PROVINCE else "perf-sheet-neighbourhoods"
    return workbook.Sheet(
        title=t(title),
        headers=[t("perf-col-name"), *(t(key) for key, _, _ in _UNIT_COLUMNS)],
        rows=[[_label(t, u), *(value(u) for _, value, _ in _UNIT_COLUMNS)] for u in units],
        formats=[None, *(getattr(workbook, fmt) for _, _, fmt in _UNIT_COLUMNS)],
        notes=[_period_line(t, report)],
    )


def _bodies_sheet(t: BoundTranslator, report: PerformanceReport, workbook: ModuleType) -> Any:
    """Resolutions of the whole per responsible body, slowest first."""
    bodies = report.total.current.resolutions.by_body
    return workbook.Sheet(
        title=t("perf-sheet-bodies"),
        headers=[
            t(key)
            for key in (
                "perf-col-body",
                "perf-col-made",
                "perf-col-done",
                "perf-col-on-time",
                "perf-col-overdue",
            )
        ],
        rows=[
            [
                responsible_name(t, b.body),
                b.counts.made,
                b.counts.done,
                b.counts.done_on_time,
                b.counts.overdue,
            ]
            for b in bodies
        ],
        formats=[None, workbook.COUNT, workbook.COUNT, workbook.COUNT, workbook.COUNT],
        notes=[_period_line(t, report)],
    )


def _committees_sheet(t: BoundTranslator, report: PerformanceReport, workbook: ModuleType) -> Any:
    """Requests of the whole per committee."""
    keys = (
        "perf-col-committee",
        "perf-col-received",
        "perf-col-answered-pct",
        "perf-col-resolved-pct",
        "perf-col-median-hours",
        "perf-col-reopened",
        "perf-col-rating",
        "perf-col-emergencies",
    )
    rows = [
        [
            t(f"committee-{c.committee.value}"),
            c.stats.received,
            _share(c.stats.answered_in_target_pct),
            _share(c.stats.resolved_in_target_pct),
            c.stats.median_hours_to_resolve,
            c.stats.reopened,
            c.stats.rating_average,
            c.stats.emergencies,
        ]
        for c in report.total.current.requests.by_committee
    ]
    formats = [
        None,
        workbook.COUNT,
        workbook.PERCENT,
        workbook.PERCENT,
        workbook.DECIMAL,
        workbook.COUNT,
        workbook.DECIMAL,
        workbook.COUNT,
    ]
    return workbook.Sheet(
        t("perf-sheet-committees"), [t(k) for k in keys], rows, formats, [_period_line(t, report)]
    )


def _programmes_sheet(t: BoundTranslator, report: PerformanceReport, workbook: ModuleType) -> Any:
    """Actions of the whole per national programme."""
    rows = [
        [t(f"programme-{p.programme}") if p.programme else t("perf-untagged"), p.actions, p.photos]
        for p in report.total.current.actions.by_programme
    ]
    headers = [t("perf-col-programme"), t("perf-col-actions"), t("perf-col-photos")]
    formats = [None, workbook.COUNT, workbook.COUNT]
    return workbook.Sheet(t("perf-sheet-programmes"), headers, rows, formats, [_period_line(t, report)])


def _needs_plans_sheet(t: BoundTranslator, report: PerformanceReport, workbook: ModuleType) -> Any:
    """Per unit (then the whole): needs assessments in the period, the latest one's date and the
    top needs; plans, their mean progress, projects and late projects."""
    units = list(report.units) if report.level is ReportLevel.NEIGHBOURHOOD else [*report.units, report.total]
    keys = (
        "perf-col-name",
        "perf-col-needs-done",
        "perf-col-needs-latest",
        "perf-col-top-needs",
        "perf-col-plans",
        "perf-col-plans-progress",
        "perf-col-projects",
        "perf-col-late-projects",
    )
    rows = []
    for u in units:
        needs, plans = u.needs_assessments, u.plans
        latest = format_jalali_numeric(needs.latest_on, t.locale) if needs.latest_on else None
        rows.append(
            [
                _label(t, u),
                needs.done,
                latest,
                t.join(list(needs.top_needs)) or None,
                plans.plans,
                _share(plans.progress),
                plans.projects,
                plans.late_projects,
            ]
        )
    count = workbook.COUNT
    formats = [None, count, None, None, count, workbook.PERCENT, count, count]
    notes = [_period_line(t, report), t("perf-note-plans")]
    return workbook.Sheet(t("perf-sheet-needs-plans"), [t(k) for k in keys], rows, formats, notes)


def _plans_sheet(t: BoundTranslator, report: PerformanceReport, workbook: ModuleType) -> Any:
    """The plans of the report's own scope, newest first."""
    keys = ("perf-col-plan", "perf-col-plan-progress", "perf-col-projects", "perf-col-late-projects")
    rows = [
        [plan.title, _share(plan.progress), plan.projects, plan.late_projects]
        for plan in report.total.plans.own
    ]
    formats = [None, workbook.PERCENT, workbook.COUNT, workbook.COUNT]
    title = t("perf-sheet-plans", name=report.scope.name)
    return workbook.Sheet(title, [t(k) for k in keys], rows, formats, [t("perf-note-plans")])


def report_workbook_xlsx(t: BoundTranslator, report: PerformanceReport) -> bytes:
    """The units (one row each, then the whole), responsible bodies, committees, programmes,
    needs assessments and plans per unit, and the plans of the scope itself when it has any."""
    workbook = _renderer("workbook")
    sheets = [
        _units_sheet(t, report, workbook),
        _bodies_sheet(t, report, workbook),
        _committees_sheet(t, report, workbook),
        _programmes_sheet(t, report, workbook),
        _needs_plans_sheet(t, report, workbook),
    ]
    if report.total.plans.own:
        sheets.append(_plans_sheet(t, report, workbook))
    return bytes(workbook.workbook_xlsx(sheets, locale=t.locale))
