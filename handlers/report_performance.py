"""/performance: the performance report in the chat. An official (or a manager, for their own
neighbourhood) picks the place when there is more than one (a province official: the province or
one of its counties), then the period with buttons (this month, last month, this year); the bot
answers with the text summary, the chart (a photo, or a document when too tall for one) and the
Excel workbook. The files are rendered off the event loop: matplotlib and openpyxl take a while on
a province, and the bot must keep answering others meanwhile."""

from __future__ import annotations

import asyncio

from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed, show
from models.identity import Role, ScopeKind
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.clock import Clock
from services.council import overseen_regions
from services.i18n import BoundTranslator
from services.jalali import tehran_today
from services.reports import PerformanceReport, Period, ReportLevel, performance_report, report_messages
from services.reports.files import (
    PHOTO_MAX_HEIGHT,
    RenderersMissing,
    chart_goes_as_photo,
    report_chart_png,
    report_workbook_xlsx,
)

PERIODS = ("this_month", "last_month", "this_year")

# (level, scope id, button text) of the places a viewer may report on.
_Place = tuple[ReportLevel, int, str]


class PerfPlace(CallbackData, prefix="pf_plc"):
    level: ReportLevel
    scope_id: int


class PerfPeriod(CallbackData, prefix="pf_per"):
    level: ReportLevel
    scope_id: int
    period: str


def period_of(name: str, clock: Clock) -> Period:
    today = tehran_today(clock())
    return getattr(Period, name)(today) if name in PERIODS else Period.this_month(today)


async def places(session: AsyncSession, viewer: Viewer, t: BoundTranslator) -> list[_Place]:
    """The provinces and counties the viewer oversees, then the neighbourhoods they manage."""
    found: list[_Place] = []
    try:
        overseen = await overseen_regions(session, actor=Actor.from_viewer(viewer))
    except PermissionDenied:
        overseen = None
    if overseen is not None:
        found += [
            (ReportLevel.PROVINCE, p.id, t("perf-place-province", name=p.name)) for p in overseen.provinces
        ]
        found += [(ReportLevel.COUNTY, c.id, t("perf-place-county", name=c.name)) for c in overseen.counties]
    found += [
        (ReportLevel.NEIGHBOURHOOD, g.scope_id, t("perf-place-neighbourhood"))
        for g in viewer.roles
        if g.role is Role.MANAGER and g.scope_kind is ScopeKind.NEIGHBOURHOOD
    ]
    return found


def periods_keyboard(level: ReportLevel, scope_id: int, t: BoundTranslator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=t(f"perf-period-{name.replace('_', '-')}"),
            callback_data=PerfPeriod(level=level, scope_id=scope_id, period=name).pack(),
        )
        for name in PERIODS
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def performance(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()  # a command ends whatever form was open
    found = await places(session, viewer, t)
    if not found:
        await message.answer(t("perf-chat-not-allowed"))
        return
    if len(found) == 1:
        level, scope_id, _ = found[0]
        await message.answer(t("perf-pick-period"), reply_markup=periods_keyboard(level, scope_id, t))
        return
    rows = [
        [InlineKeyboardButton(text=text, callback_data=PerfPlace(level=level, scope_id=sid).pack())]
        for level, sid, text in found
    ]
    await message.answer(t("perf-pick-place"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def picked_place(query: CallbackQuery, callback_data: PerfPlace, t: BoundTranslator) -> None:
    if (message := await pressed(query)) is not None:
        level = ReportLevel(callback_data.level)
        await show(message, t("perf-pick-period"), periods_keyboard(level, callback_data.scope_id, t))


async def send_report(message: Message, t: BoundTranslator, report: PerformanceReport) -> None:
    """The text summary, then the chart and the workbook (rendered in a worker thread)."""
    for text in report_messages(t, report):
        await message.answer(text)
    try:
        png = await asyncio.to_thread(report_chart_png, t, report)
        xlsx = await asyncio.to_thread(report_workbook_xlsx, t, report)
    except RenderersMissing:
        return
    chart = BufferedInputFile(png, filename="report.png")
    if chart_goes_as_photo(png, PHOTO_MAX_HEIGHT):
        await message.answer_photo(chart)
    else:
        await message.answer_document(chart)
    await message.answer_document(BufferedInputFile(xlsx, filename="report.xlsx"))


async def picked_period(
    query: CallbackQuery,
    callback_data: PerfPeriod,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
    clock: Clock,
) -> None:
    if (message := await pressed(query, drop=True)) is None:
        return
    try:
        report = await performance_report(
            session,
            actor=Actor.from_viewer(viewer),
            level=ReportLevel(callback_data.level),
            scope_id=callback_data.scope_id,
            period=period_of(callback_data.period, clock),
            now=clock(),
        )
    except (PermissionDenied, LookupError):
        await message.answer(t("report-not-allowed"))
        return
    await send_report(message, t, report)
