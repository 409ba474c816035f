"""The selected neighbourhoods (محلات منتخب) in the performance report: flagged on their units,
listed first and under their own heading in the text, and marked in the workbook."""

from __future__ import annotations

import importlib.util
import io

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.identity import Neighbourhood
from services.i18n import Translator
from services.reports import ReportLevel, report_messages
from services.reports.files import report_workbook_xlsx
from tests.unit.test_reports import World, report

# The hand-built world of test_reports, as a fixture here too.
from tests.unit.test_reports import world as world

T = Translator()


async def _select(session_factory: async_sessionmaker[AsyncSession], neighbourhood_id: int) -> None:
    async with session_factory() as session:
        await session.execute(
            update(Neighbourhood).where(Neighbourhood.id == neighbourhood_id).values(selected=True)
        )
        await session.commit()


async def test_selected_neighbourhoods_come_first_and_separately(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    await _select(session_factory, world.b)
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    assert [(u.unit.name, u.unit.selected) for u in county.units] == [("ب", True), ("الف", False)]

    text = "\n".join(report_messages(T.bind("fa"), county))
    lines = text.splitlines()
    selected, others = lines.index("⭐ محلات منتخب:"), lines.index("🏘 سایر محله‌ها:")
    assert lines[selected + 1].startswith("• ب (۱۰۰۲):")
    assert others == selected + 3 and lines[others + 1].startswith("• الف (۱۰۰۱):")
    assert "🏘 محله‌ها:" not in lines
    english = "\n".join(report_messages(T.bind("en"), county))
    assert "Selected neighbourhoods:" in english and "Other neighbourhoods:" in english

    neighbourhood = await report(session_factory, ReportLevel.NEIGHBOURHOOD, world.b)
    assert neighbourhood.scope.selected and neighbourhood.units[0].unit.selected


async def test_without_selected_neighbourhoods_the_list_is_as_before(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    assert [u.unit.name for u in county.units] == ["الف", "ب"]
    lines = "\n".join(report_messages(T.bind("fa"), county)).splitlines()
    assert "🏘 محله‌ها:" in lines and "⭐ محلات منتخب:" not in lines


async def test_the_workbook_marks_the_selected_neighbourhoods(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    if not all(importlib.util.find_spec(f"services.{name}") for name in ("charts", "workbook")):
        return
    import openpyxl

    await _select(session_factory, world.a)
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    book = openpyxl.load_workbook(io.BytesIO(report_workbook_xlsx(T.bind("fa"), county)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "محلهٔ منتخب (۱ = بله)"
    assert [(row[0], row[-1]) for row in rows[1:4]] == [("الف (۱۰۰۱)", 1), ("ب (۱۰۰۲)", 0), ("شهر ری", None)]
