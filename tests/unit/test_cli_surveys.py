"""`python -m bot survey create FILE.json …` and `survey results ID --json`, run as a real process:
the survey is created and published, its id printed; bad files and places are refused with the
reason and nothing saved; the results JSON is exactly the stable shape, with or without the
workbook and the chart written by `--xlsx` and `--png`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jdatetime
import openpyxl
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import OutboxMessage, Role, ScopeKind, Survey, SurveyQuestion
from services.authz import OPERATOR, load_actor
from services.charts import CHART_WIDTH
from services.regions import import_regions
from services.roles import ensure_person, ensure_role
from services.surveys import answer_question, start_answering
from tests.unit.test_cli import run_cli

REGIONS = """province,county,neighbourhood,code,kind
تهران,شهر ری,دولت‌آباد,1001,urban
تهران,شهر ری,باقرآباد,1002,rural
"""


def in_a_month() -> str:
    """A Jalali closing date a month from the real today (the command line uses the real clock)."""
    day = jdatetime.date.fromgregorian(date=(datetime.now(UTC) + timedelta(days=30)).date())
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


SURVEY = {
    "title": "نیازهای محله",
    "questions": [
        {"text": "مهم‌ترین نیاز محله؟", "kind": "single", "options": ["پارک", "روشنایی", "زباله"]},
        {"text": "چند گزینه؟", "kind": "multi", "options": ["الف", "ب"]},
        {"text": "رضایت از پاکیزگی؟", "kind": "scale"},
        {"text": "پیشنهاد؟", "kind": "text"},
    ],
}


async def seed(session: AsyncSession) -> list[int]:
    """The regions and a resident in each neighbourhood."""
    now = datetime.now(UTC)
    await import_regions(session, REGIONS, actor=OPERATOR, now=now)
    people = []
    for phone, neighbourhood in (("+989120000201", 1), ("+989120000202", 2)):
        person, _ = await ensure_person(session, phone, full_name="ساکن", now=now)
        await ensure_role(
            session,
            person_id=person.id,
            role=Role.RESIDENT,
            scope_kind=ScopeKind.NEIGHBOURHOOD,
            scope_id=neighbourhood,
            now=now,
        )
        people.append(person.id)
    await session.commit()
    return people


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "survey.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


async def test_create_then_results_as_json(
    tmp_path: Path, database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session:
        people = await seed(session)
    path = write(tmp_path, {**SURVEY, "closes": in_a_month()})

    created = run_cli("survey", "create", path, "--county", "شهر ری", database_url=database_url)
    assert created.returncode == 0, created.stderr
    survey_id = int(created.stdout.strip())
    assert "0 residents invited now, 2 when they join" in created.stderr
    async with session_factory() as session:
        survey = await session.get(Survey, survey_id)
        assert survey is not None and survey.neighbourhood_id is None and survey.title == "نیازهای محله"
        invited = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert invited == 2
        questions = list(
            await session.scalars(
                select(SurveyQuestion.id)
                .where(SurveyQuestion.survey_id == survey_id)
                .order_by(SurveyQuestion.position)
            )
        )
        now = datetime.now(UTC)
        for person_id, single, multi, scale in ((people[0], 1, [0, 1], 4), (people[1], 1, [1], 5)):
            actor = await load_actor(session, person_id)
            await start_answering(session, actor=actor, survey_id=survey_id, now=now)
            await answer_question(
                session, actor=actor, survey_id=survey_id, question_id=questions[0], choices=[single], now=now
            )
            await answer_question(
                session, actor=actor, survey_id=survey_id, question_id=questions[1], choices=multi, now=now
            )
            await answer_question(
                session, actor=actor, survey_id=survey_id, question_id=questions[2], scale=scale, now=now
            )

    results = run_cli("survey", "results", str(survey_id), "--json", database_url=database_url)
    assert results.returncode == 0, results.stderr
    assert json.loads(results.stdout) == {
        "survey": survey_id,
        "responses": 2,
        "questions": [
            {"text": "مهم‌ترین نیاز محله؟", "kind": "single", "counts": {"پارک": 0, "روشنایی": 2, "زباله": 0}},
            {"text": "چند گزینه؟", "kind": "multi", "counts": {"الف": 1, "ب": 2}},
            {"text": "رضایت از پاکیزگی؟", "kind": "scale", "average": 4.5},
            {"text": "پیشنهاد؟", "kind": "text"},
        ],
    }
    text = run_cli("survey", "results", str(survey_id), database_url=database_url)
    assert text.returncode == 0 and "روشنایی: ۲ (۱۰۰٪)" in text.stdout

    # --xlsx and --png write the files the chat sends; what is printed stays the same.
    xlsx, png = tmp_path / "results.xlsx", tmp_path / "results.png"
    files = run_cli(
        "survey",
        "results",
        str(survey_id),
        "--json",
        "--xlsx",
        str(xlsx),
        "--png",
        str(png),
        database_url=database_url,
    )
    assert files.returncode == 0, files.stderr
    assert files.stdout == results.stdout
    choices = openpyxl.load_workbook(xlsx).worksheets[0]
    assert choices.sheet_view.rightToLeft and choices.freeze_panes == "A2"
    assert [choices["D3"].value, choices["E3"].value, choices["F3"].value] == ["روشنایی", 2, 1.0]
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width == CHART_WIDTH
    unwritable = run_cli(
        "survey",
        "results",
        str(survey_id),
        "--xlsx",
        str(tmp_path / "no" / "such.xlsx"),
        database_url=database_url,
    )
    assert unwritable.returncode == 1 and "cannot write" in unwritable.stderr

    missing = run_cli("survey", "results", "999", "--json", database_url=database_url)
    assert missing.returncode == 1 and "no survey 999" in missing.stderr


async def test_bad_files_and_places_are_refused_and_nothing_is_saved(
    tmp_path: Path, database_url: str, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    async with session_factory() as session:
        await seed(session)
    closes = in_a_month()
    cases = [
        ({**SURVEY, "closes": "1400/01/01"}, ["--neighbourhood", "1001"], "not after today"),
        ({**SURVEY, "closes": "30/10/1405"}, ["--neighbourhood", "1001"], "Jalali date"),
        ({**SURVEY, "closes": closes, "questions": []}, ["--neighbourhood", "1001"], "at least one question"),
        (
            {
                **SURVEY,
                "closes": closes,
                "questions": [{"text": "چقدر؟", "kind": "scale", "options": ["کم", "زیاد"]}],
            },
            ["--neighbourhood", "1001"],
            "takes no options",
        ),
        ({**SURVEY, "closes": closes}, ["--neighbourhood", "9999"], "no neighbourhood named"),
        ({**SURVEY, "closes": closes}, ["--county", "ناکجا"], "no county named"),
    ]
    for data, where, reason in cases:
        result = run_cli("survey", "create", write(tmp_path, data), *where, database_url=database_url)
        assert result.returncode == 1 and reason in result.stderr, (reason, result.stderr)
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    broken = run_cli(
        "survey",
        "create",
        str(tmp_path / "broken.json"),
        "--neighbourhood",
        "1001",
        database_url=database_url,
    )
    assert broken.returncode == 1 and "cannot read" in broken.stderr
    both = run_cli(
        "survey", "create", write(tmp_path, SURVEY), "--neighbourhood", "1001", "--county", "شهر ری"
    )
    assert both.returncode == 2 and "not allowed with" in both.stderr
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Survey)) == 0
