"""Needs assessments and plans in the performance report: the world of test_reports with real
surveys answered and closed (their needs assessments) and real plans imported, counted in the
report object, the chat text and the workbook (Mehr 1403, as of 20 Aban 1403 for the plans)."""

from __future__ import annotations

import importlib.util
import io
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import QuestionKind, Role, ScopeKind
from services.authz import OPERATOR, load_actor
from services.i18n import Translator
from services.plans import import_plan, read_plan_file
from services.reports import (
    NeedsAssessmentSummary,
    PerformanceReport,
    PlansProgress,
    PlanStanding,
    ReportLevel,
    report_messages,
)
from services.reports.files import report_workbook_xlsx
from services.roles import ensure_person, ensure_role
from services.surveys import (
    QuestionDraft,
    SurveyDraft,
    SurveyScope,
    answer_question,
    close_survey,
    create_survey,
    start_answering,
)
from tests.unit.test_reports import NOW, World, at, build_world, report

T = Translator()
NEEDS = ("پارک و فضای سبز", "روشنایی معابر", "جمع‌آوری زباله", "ایستگاه اتوبوس")
PARK, LIGHTS, RUBBISH, BUS = NEEDS
HEADER = "goal,strategy,policy,project,responsible,weight,start,end,progress\n"
# الف's plan: پ۱ at 40 % (weight 1, no dates); پ۲ at 80 % (weight 3) ended 31 Shahrivar 1403:
# late. (40 + 3 × 80) / 4 = 70 %, one of two projects late.
PLAN_A = HEADER + "سلامت,,,پ۱,,,,,40\nسلامت,,,پ۲,,3,1403/01/01,1403/06/31,80\n"
# شهر ری's own plan: پ۳ at 20 % from 1 Mehr to 29 Esfand 1403 (on 20 Aban 27.5 % expected,
# within the 20-point margin: not late) and پ۴ done. (20 + 100) / 2 = 60 %.
PLAN_REY = HEADER + "عمران,,,پ۳,,,1403/07/01,1403/12/29,20\nعمران,,,پ۴,,,,,100\n"
# ج's (ورامین): پ۵ at 20 % from 1 Farvardin to 30 Aban 1403 (96 % expected on 20 Aban): late.
PLAN_C = HEADER + "محیط زیست,,,پ۵,,,1403/01/01,1403/08/30,20\n"


async def _survey(
    session: AsyncSession, world: World, nid: int, picks: list[list[int]], opened: str, closed: datetime
) -> None:
    """A survey of the neighbourhood with one multiple-choice question, answered by a new resident
    per entry of `picks`, closed at `closed` (its needs assessment is dated that day)."""
    question = QuestionDraft("مهم‌ترین نیاز محله چیست؟", QuestionKind.MULTI, NEEDS)
    created = await create_survey(
        session,
        T,
        actor=OPERATOR,
        scope=SurveyScope(ScopeKind.NEIGHBOURHOOD, nid),
        draft=SurveyDraft("نیازهای محله", date(2025, 1, 1), (question,)),
        now=at(opened),
    )
    for choices in picks:
        person, _ = await ensure_person(session, world.phone(), full_name="ساکن", now=at(opened))
        await ensure_role(
            session,
            person_id=person.id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=nid,
            now=at(opened),
        )
        await session.commit()
        actor = await load_actor(session, person.id)
        step = await start_answering(session, actor=actor, survey_id=created.id, now=at(opened, 1))
        assert step.question is not None
        step = await answer_question(
            session,
            actor=actor,
            survey_id=created.id,
            question_id=step.question.id,
            choices=choices,
            now=at(opened, 1),
        )
        assert step.question is None
    await close_survey(session, T, actor=OPERATOR, survey_id=created.id, now=closed)


async def _plan(session: AsyncSession, kind: ScopeKind, scope_id: int, title: str, text: str) -> None:
    await import_plan(
        session,
        T,
        actor=OPERATOR,
        scope_kind=kind,
        scope_id=scope_id,
        title=title,
        rows=read_plan_file(text),
        now=NOW,
    )


@pytest.fixture
async def world(session_factory: async_sessionmaker[AsyncSession]) -> World:
    async with session_factory() as session:
        w = await build_world(session)
        # الف: one in Shahrivar (bus stop), one in Mehr: lights twice, rubbish twice, park once.
        await _survey(session, w, w.a, [[3]], "2024-09-01", at("2024-09-10", 6))
        await _survey(session, w, w.a, [[1, 2], [1, 2, 0]], "2024-10-01", at("2024-10-10", 6))
        # ج: rubbish and bus stop once each, in Mehr.
        await _survey(session, w, w.c, [[2, 3]], "2024-10-01", at("2024-10-15", 6))
        # ب: closed in Aban, after Mehr: not in Mehr's report.
        await _survey(session, w, w.b, [[0]], "2024-10-25", at("2024-11-05", 6))
        await _plan(session, ScopeKind.NEIGHBOURHOOD, w.a, "برنامهٔ الف", PLAN_A)
        await _plan(session, ScopeKind.COUNTY, w.county, "برنامهٔ شهر ری", PLAN_REY)
        await _plan(session, ScopeKind.NEIGHBOURHOOD, w.c, "برنامهٔ ج", PLAN_C)
        return w


async def test_a_county_report_has_each_neighbourhoods_needs_and_plans(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await report(session_factory, ReportLevel.COUNTY, world.county)
    a, b = county.units
    assert a.needs_assessments == NeedsAssessmentSummary(1, date(2024, 10, 10), (LIGHTS, RUBBISH, PARK))
    assert b.needs_assessments == NeedsAssessmentSummary(0, None, ())
    assert county.total.needs_assessments == NeedsAssessmentSummary(
        1, date(2024, 10, 10), (LIGHTS, RUBBISH, PARK)
    )
    a_plan = PlanStanding("برنامهٔ الف", 70, 2, 1)
    assert a.plans == PlansProgress(1, 70, 2, 1, (a_plan,))
    assert b.plans == PlansProgress()
    # The county's own plan and الف's: (60 + 70) / 2.
    assert county.total.plans == PlansProgress(2, 65, 4, 1, (PlanStanding("برنامهٔ شهر ری", 60, 2, 0),))


async def test_a_province_report_counts_each_countys_needs_and_plans(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    province = await report(session_factory, ReportLevel.PROVINCE, world.province)
    rey, varamin = province.units
    assert rey.needs_assessments == NeedsAssessmentSummary(1, date(2024, 10, 10), (LIGHTS, RUBBISH, PARK))
    assert varamin.needs_assessments == NeedsAssessmentSummary(1, date(2024, 10, 15), (RUBBISH, BUS))
    # Rubbish in both neighbourhoods' latest; then lights (first in الف's), bus (second in ج's).
    assert province.total.needs_assessments == NeedsAssessmentSummary(
        2, date(2024, 10, 15), (RUBBISH, LIGHTS, BUS)
    )
    assert rey.plans == PlansProgress(2, 65, 4, 1, (PlanStanding("برنامهٔ شهر ری", 60, 2, 0),))
    assert varamin.plans == PlansProgress(1, 20, 1, 1, ())
    assert province.total.plans == PlansProgress(3, 50, 5, 2, ())  # (70 + 60 + 20) / 3; none its own


async def test_a_neighbourhood_report_has_its_latest_needs_and_its_plan(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    alone = await report(session_factory, ReportLevel.NEIGHBOURHOOD, world.a)
    assert alone.total.needs_assessments.top_needs == (LIGHTS, RUBBISH, PARK)
    assert alone.total.plans.own == (PlanStanding("برنامهٔ الف", 70, 2, 1),)
    (text,) = report_messages(T.bind("fa"), alone)
    assert "نیازهای اصلی: روشنایی معابر، جمع‌آوری زباله، پارک و فضای سبز" in text
    assert "• برنامهٔ الف: پیشرفت ۷۰٪ | عقب‌افتاده ۱ از ۲ پروژه" in text


async def test_the_shahrivar_report_has_the_assessment_done_then(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    from services.reports import Period, performance_report

    shahrivar = Period(date(2024, 8, 22), date(2024, 9, 21))
    async with session_factory() as session:
        earlier = await performance_report(
            session,
            actor=OPERATOR,
            level=ReportLevel.NEIGHBOURHOOD,
            scope_id=world.a,
            period=shahrivar,
            now=NOW,
        )
    assert earlier.total.needs_assessments == NeedsAssessmentSummary(1, date(2024, 9, 10), (BUS,))


async def county_report(session_factory: async_sessionmaker[AsyncSession], world: World) -> PerformanceReport:
    return await report(session_factory, ReportLevel.COUNTY, world.county)


async def test_the_county_summary_tells_needs_and_plans(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    county = await county_report(session_factory, world)
    (fa,) = report_messages(T.bind("fa"), county)
    for expected in (
        "📋 نیازسنجی‌های این دوره: ۱ | آخرین نیازسنجی: ۱۹ مهر ۱۴۰۳",
        "پرتکرارترین نیازها: روشنایی معابر، جمع‌آوری زباله، پارک و فضای سبز",
        "🎯 برنامه‌ها: ۲ | پیشرفت میانگین ۶۵٪ | پروژه‌ها ۴، عقب‌افتاده ۱",
        "• برنامهٔ شهر ری: پیشرفت ۶۰٪ | عقب‌افتاده ۰ از ۲ پروژه",
        "| نیازسنجی ۱ | برنامه ۷۰٪، ۱ پروژهٔ عقب‌افتاده",
    ):
        assert expected in fa, expected
    b_line = next(line for line in fa.splitlines() if line.startswith("• ب (۱۰۰۲)"))
    assert "نیازسنجی" not in b_line and "برنامه" not in b_line
    (en,) = report_messages(T.bind("en"), county)
    assert "Needs assessments in the period: 1 | latest: 19 Mehr 1403" in en
    assert "🎯 Plans: 2 | mean progress 65% | projects 4, late 1" in en
    # More plans of its own than the summary names: the rest are counted.
    own = tuple(PlanStanding(f"برنامهٔ {i}", 10, 1, 0) for i in range(7))
    many = replace(county, total=replace(county.total, plans=replace(county.total.plans, own=own)))
    (fa,) = report_messages(T.bind("fa"), many)
    assert "• برنامهٔ 4: پیشرفت ۱۰٪" in fa and "• برنامهٔ 5" not in fa and "و ۲ برنامهٔ دیگر" in fa


async def test_a_report_without_surveys_or_plans_says_so(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        w = await build_world(session)
    (fa,) = report_messages(T.bind("fa"), await report(session_factory, ReportLevel.COUNTY, w.county))
    assert "📋 نیازسنجی: هنوز انجام نشده است." in fa
    assert "🎯 برنامه‌ها: برنامه‌ای ثبت نشده است." in fa


@pytest.mark.skipif(not importlib.util.find_spec("services.workbook"), reason="the workbook renderer")
async def test_the_workbook_has_needs_and_plans_per_unit_and_the_scopes_plans(
    session_factory: async_sessionmaker[AsyncSession], world: World
) -> None:
    import openpyxl

    county = await county_report(session_factory, world)
    book = openpyxl.load_workbook(io.BytesIO(report_workbook_xlsx(T.bind("fa"), county)))
    assert book.sheetnames[-2:] == ["نیازسنجی و برنامه‌ها", "برنامه‌های شهر ری"]
    needs = book["نیازسنجی و برنامه‌ها"]
    assert needs.sheet_view.rightToLeft
    rows = list(needs.iter_rows(values_only=True))
    assert rows[0] == (
        "نام",
        "نیازسنجی‌های این دوره",
        "آخرین نیازسنجی",
        "نیازهای اصلی",
        "برنامه‌ها",
        "پیشرفت میانگین برنامه‌ها (٪)",
        "پروژه‌ها",
        "پروژه‌های عقب‌افتاده",
    )
    assert rows[1] == (
        "الف (۱۰۰۱)",
        1,
        "۱۴۰۳/۰۷/۱۹",
        "روشنایی معابر، جمع‌آوری زباله، پارک و فضای سبز",
        1,
        0.7,
        2,
        1,
    )
    assert rows[2] == ("ب (۱۰۰۲)", 0, None, None, 0, None, 0, 0)
    assert rows[3][0] == "شهر ری" and rows[3][1:] == (1, "۱۴۰۳/۰۷/۱۹", rows[1][3], 2, 0.65, 4, 1)
    assert needs.cell(row=2, column=6).number_format == "0%"
    plans = list(book["برنامه‌های شهر ری"].iter_rows(values_only=True))
    assert plans[0] == ("برنامه", "پیشرفت (٪)", "پروژه‌ها", "پروژه‌های عقب‌افتاده")
    assert plans[1] == ("برنامهٔ شهر ری", 0.6, 2, 0)
    # Without plans of its own (a province here), no sheet of them.
    province = await report(session_factory, ReportLevel.PROVINCE, world.province)
    book = openpyxl.load_workbook(io.BytesIO(report_workbook_xlsx(T.bind("en"), province)))
    assert book.sheetnames[-1] == "Needs and plans"
    last = list(book["Needs and plans"].iter_rows(values_only=True))[3]
    assert last == ("تهران", 2, "1403/07/24", "جمع‌آوری زباله, روشنایی معابر, ایستگاه اتوبوس", 3, 0.5, 5, 2)
