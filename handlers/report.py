"""/report: how far the neighbourhood councils are set up, for officials. A county official gets
every neighbourhood of the county (council formed, the six committees' heads and members, profile
written); a province official a line per county of the province, then a county's detail by button."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.forms import pressed
from handlers.keyboards import in_rows
from handlers.menu import MenuPress
from handlers.report_performance import PerfPeriod, PerfPlace, performance, picked_period, picked_place
from services.accounts import Viewer
from services.authz import Actor, PermissionDenied
from services.council import (
    CountyRef,
    CountyStaffing,
    NeighbourhoodStaffing,
    ProvinceStaffing,
    county_staffing_report,
    overseen_regions,
    province_staffing_report,
)
from services.i18n import BoundTranslator

# Under the messengers' 4096 characters, with room to spare.
MESSAGE_LIMIT = 4000


class ReportProvince(CallbackData, prefix="rp_prv"):
    province_id: int


class ReportCounty(CallbackData, prefix="rp_cty"):
    county_id: int


def split_message(blocks: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks (one or more lines each) gathered into as few messages as fit in `limit` characters;
    a block is never split between two messages unless it is longer than a message itself."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        while len(block) > limit:  # not expected (names are short), but never send too much
            if current:
                messages.append(current)
                current = ""
            messages.append(block[:limit])
            block = block[limit:]
        if current and len(current) + 1 + len(block) > limit:
            messages.append(current)
            current = ""
        current = f"{current}\n{block}" if current else block
    if current:
        messages.append(current)
    return messages


def neighbourhood_block(staffing: NeighbourhoodStaffing, t: BoundTranslator) -> str:
    council = (
        t(
            "report-council-formed",
            members=staffing.members,
            heads=staffing.committees_headed,
            total=len(staffing.committees),
        )
        if staffing.council_formed
        else t("report-council-none")
    )
    profile = t("report-profile-written") if staffing.profile_written else t("report-profile-missing")
    line = t("report-neighbourhood", name=staffing.name, code=staffing.code, council=council, profile=profile)
    if not staffing.council_formed:
        return line
    committees = t.join(
        t(
            "report-committee",
            committee=t(f"report-short-{c.committee.value}"),
            mark=t("report-head-yes") if c.has_head else t("report-head-no"),
            count=c.members,
        )
        for c in staffing.committees
    )
    return line + "\n" + committees


def render_county(report: CountyStaffing, t: BoundTranslator) -> list[str]:
    blocks = [t("report-county-title", county=report.county.name, province=report.county.province_name)]
    if not report.neighbourhoods:
        return [*blocks, t("report-county-empty")]
    total = len(report.neighbourhoods)
    blocks.append(
        t(
            "report-county-totals",
            formed=report.councils_formed,
            total=total,
            headed=report.committees_headed,
            committees=report.committee_seats,
            profiles=report.profiles_written,
        )
    )
    blocks.append(t("report-legend"))
    blocks += [neighbourhood_block(n, t) for n in report.neighbourhoods]
    return split_message(blocks)


def render_province(report: ProvinceStaffing, t: BoundTranslator) -> list[str]:
    blocks = [t("report-province-title", province=report.province.name)]
    if not report.counties:
        return [*blocks, t("report-province-empty")]
    blocks += [
        t(
            "report-province-county",
            county=county.county.name,
            formed=county.councils_formed,
            total=len(county.neighbourhoods),
            headed=county.committees_headed,
            committees=county.committee_seats,
            profiles=county.profiles_written,
        )
        for county in report.counties
    ]
    blocks.append("\n" + t("report-province-pick"))
    return split_message(blocks)


def counties_keyboard(
    counties: list[CountyRef], t: BoundTranslator, *, with_province: bool = False
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=(
                t("report-county-button", county=county.name, province=county.province_name)
                if with_province
                else county.name
            ),
            callback_data=ReportCounty(county_id=county.id).pack(),
        )
        for county in counties
    ]
    return InlineKeyboardMarkup(inline_keyboard=in_rows(buttons, 2))


async def send(message: Message, texts: list[str], keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Several messages if need be; the buttons go under the last."""
    for i, text in enumerate(texts):
        await message.answer(text, reply_markup=keyboard if i == len(texts) - 1 else None)


async def show_county(
    message: Message, session: AsyncSession, viewer: Viewer, county_id: int, t: BoundTranslator
) -> None:
    try:
        report = await county_staffing_report(session, actor=Actor.from_viewer(viewer), county_id=county_id)
    except (PermissionDenied, LookupError):
        await message.answer(t("report-not-allowed"))
        return
    await send(message, render_county(report, t))


async def show_province(
    message: Message, session: AsyncSession, viewer: Viewer, province_id: int, t: BoundTranslator
) -> None:
    try:
        report = await province_staffing_report(
            session, actor=Actor.from_viewer(viewer), province_id=province_id
        )
    except (PermissionDenied, LookupError):
        await message.answer(t("report-not-allowed"))
        return
    counties = [county.county for county in report.counties]
    await send(message, render_province(report, t), counties_keyboard(counties, t) if counties else None)


async def report(
    message: Message, state: FSMContext, session: AsyncSession, viewer: Viewer, t: BoundTranslator
) -> None:
    await state.clear()  # a command ends whatever form was open
    try:
        overseen = await overseen_regions(session, actor=Actor.from_viewer(viewer))
    except PermissionDenied:
        await message.answer(t("report-not-official"))
        return
    # Whole provinces get the province report; counties overseen on their own, the county's.
    whole = {province.id for province in overseen.provinces}
    counties = [county for county in overseen.counties if county.province_id not in whole]
    if len(overseen.provinces) + len(counties) == 1:
        if overseen.provinces:
            await show_province(message, session, viewer, overseen.provinces[0].id, t)
        else:
            await show_county(message, session, viewer, counties[0].id, t)
        return
    if not overseen.provinces and not counties:
        await message.answer(t("report-not-official"))
        return
    rows = [
        [
            InlineKeyboardButton(
                text=province.name, callback_data=ReportProvince(province_id=province.id).pack()
            )
        ]
        for province in overseen.provinces
    ]
    rows += counties_keyboard(counties, t, with_province=True).inline_keyboard
    await message.answer(t("report-pick"), reply_markup=InlineKeyboardMarkup(inline_keyboard=rows))


async def picked_province(
    query: CallbackQuery,
    callback_data: ReportProvince,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    if (message := await pressed(query)) is not None:
        await show_province(message, session, viewer, callback_data.province_id, t)


async def picked_county(
    query: CallbackQuery,
    callback_data: ReportCounty,
    session: AsyncSession,
    viewer: Viewer,
    t: BoundTranslator,
) -> None:
    if (message := await pressed(query)) is not None:
        await show_county(message, session, viewer, callback_data.county_id, t)


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(report, MenuPress("report"))
    router.message.register(report, Command("report"))
    router.callback_query.register(picked_province, ReportProvince.filter())
    router.callback_query.register(picked_county, ReportCounty.filter())
    # The performance report (handlers/report_performance.py): text, chart and workbook.
    router.message.register(performance, Command("performance"))
    router.callback_query.register(picked_place, PerfPlace.filter())
    router.callback_query.register(picked_period, PerfPeriod.filter())
    return router
