"""A survey's results as files: the workbook (three right-to-left sheets in fa, the header frozen,
counts, shares and averages stored as numbers, the texts as the text summary shows them, nobody
named) and the chart (a PNG of the charts' width, a panel per choice question and one of the
scales' averages, text questions left out, many questions capped)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Person, QuestionKind, SurveyStatus
from services import charts
from services.authz import load_actor
from services.charts import CHART_WIDTH, MAX_ROWS
from services.surveys import OptionCount, QuestionResult, SurveyResults, survey_results
from services.surveys.files import _panels, has_chart, results_chart_png, results_workbook_xlsx
from tests.unit.test_surveys import NEEDS, QUESTIONS, TRANSLATOR, answer_all, make
from tests.unit.test_surveys import world as world

FA = TRANSLATOR.bind("fa")
EN = TRANSLATOR.bind("en")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def answered(session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]) -> SurveyResults:
    """The survey of 1001 (a multiple choice, a scale, a text) answered by two residents, as its
    manager reads the results."""
    async with session_factory() as session:
        survey_id = await make(session, world)
        await answer_all(session, world, "r1", survey_id, [0, 1], 4, "کتابخانه")
        await answer_all(session, world, "r2", survey_id, [0], 1, "=HYPERLINK(1)")
        manager = await load_actor(session, world["manager"])
        return await survey_results(session, actor=manager, survey_id=survey_id)


def sheets(xlsx: bytes) -> list[Worksheet]:
    assert xlsx.startswith(b"PK")  # a zip, as every xlsx
    return list(openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets)


def header(sheet: Worksheet) -> list[object]:
    return [cell.value for cell in sheet[1]]


async def test_the_workbook_has_the_choices_the_scales_and_the_texts(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    results = await answered(session_factory, world)
    choices, scales, texts = sheets(results_workbook_xlsx(FA, results))

    assert [choices.title, scales.title, texts.title] == [
        FA("survey-xlsx-sheet-choices"),
        FA("survey-xlsx-sheet-scales"),
        FA("survey-xlsx-sheet-texts"),
    ]
    for sheet in (choices, scales, texts):
        assert sheet.sheet_view.rightToLeft is True
        assert sheet.freeze_panes == "A2"
        assert sheet["A1"].font.bold
    assert header(choices) == [
        FA(f"survey-xlsx-col-{key}")
        for key in ("number", "question", "kind", "option", "count", "percent", "answered", "skipped")
    ]
    # A row per option, the count and the share (of the two who answered) as numbers.
    rows = [[cell.value for cell in row] for row in choices.iter_rows(min_row=2, max_row=5)]
    kind = FA("survey-kind-name-multi")
    assert rows == [
        [1, QUESTIONS[0].text, kind, NEEDS[0], 2, 1.0, 2, 0],
        [1, QUESTIONS[0].text, kind, NEEDS[1], 1, 0.5, 2, 0],
        [1, QUESTIONS[0].text, kind, NEEDS[2], 0, 0.0, 2, 0],
        [1, QUESTIONS[0].text, kind, NEEDS[3], 0, 0.0, 2, 0],
    ]
    assert choices["F3"].data_type == "n" and choices["F3"].number_format == "0.0%"
    assert choices["E2"].data_type == "n"

    assert header(scales)[:5] == [
        FA(f"survey-xlsx-col-{key}") for key in ("number", "question", "average", "answered", "skipped")
    ]
    assert header(scales)[5:] == [FA("survey-xlsx-col-scale-value", value=v) for v in range(1, 6)]
    assert header(scales)[5] == "امتیاز ۱"
    assert [cell.value for cell in scales[2]] == [2, QUESTIONS[1].text, 2.5, 2, 0, 1, 0, 0, 1, 0]
    assert scales["C2"].data_type == "n" and scales["C2"].number_format == "0.00"

    # The texts as the manager reads them in the chat: sorted, a formula kept as text.
    assert header(texts) == [FA(f"survey-xlsx-col-{key}") for key in ("number", "question", "text")]
    assert [[cell.value for cell in row] for row in texts.iter_rows(min_row=2, max_row=3)] == [
        [3, QUESTIONS[2].text, "=HYPERLINK(1)"],
        [3, QUESTIONS[2].text, "کتابخانه"],
    ]
    assert texts["C2"].data_type == "s"

    # Nobody is named: no phone, name or person's id in any cell.
    async with session_factory() as session:
        people = list(await session.execute(select(Person.phone, Person.full_name)))
    cells = {
        str(cell.value) for sheet in (choices, scales, texts) for row in sheet.iter_rows() for cell in row
    }
    for phone, name in people:
        assert not any(phone in value or phone[3:] in value for value in cells)
        assert not name or name not in cells


async def test_in_english_the_sheets_read_left_to_right(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    results = await answered(session_factory, world)
    choices, scales, _texts = sheets(results_workbook_xlsx(EN, results))
    assert choices.sheet_view.rightToLeft is False and choices.title == "Options"
    assert header(choices)[4:6] == ["Count", "Share"]
    assert header(scales)[5] == "Score 1"


async def test_the_chart_is_a_png_of_the_charts_width_without_the_text_question(
    session_factory: async_sessionmaker[AsyncSession], world: dict[str, int]
) -> None:
    results = await answered(session_factory, world)
    png = results_chart_png(FA, results)
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.width == CHART_WIDTH
    assert 300 < image.height <= 1280  # a photo a messenger shows whole
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    assert (0x1B, 0x7A, 0x54) in colours and (0x00, 0x72, 0xB2) in colours  # choices green, scales blue

    panels, left_out = _panels(FA, results, MAX_ROWS)
    assert left_out == 0
    choice, scale = panels
    assert QUESTIONS[0].text in choice.heading and "(۲ پاسخ)" in choice.heading
    assert list(choice.labels) == list(NEEDS) and list(choice.values) == [1.0, 0.5, 0.0, 0.0]
    assert scale.heading == FA("survey-chart-scales", low=1, high=5)
    assert list(scale.labels) == [f"۲. {QUESTIONS[1].text}"] and list(scale.values) == [2.5]
    # The text question is in no panel.
    assert not any(QUESTIONS[2].text in p.heading or QUESTIONS[2].text in "".join(p.labels) for p in panels)


def question(number: int, kind: QuestionKind, answered: int = 10, **fields: object) -> QuestionResult:
    return QuestionResult(number, f"پرسش شمارهٔ {number}", kind, answered, 0, **fields)  # type: ignore[arg-type]


def results_of(*questions: QuestionResult, responses: int = 10) -> SurveyResults:
    return SurveyResults(7, "نیازسنجی آزمایشی", SurveyStatus.OPEN, date(2026, 12, 1), responses, questions)


def test_many_questions_are_capped_and_the_scales_kept() -> None:
    options = tuple(OptionCount(f"گزینهٔ {i}", i, 10.0 * i) for i in range(10))
    many = results_of(
        *(question(n, QuestionKind.SINGLE, options=options) for n in range(1, 9)),
        question(9, QuestionKind.SCALE, average=3.5),
        question(10, QuestionKind.SCALE, answered=0),
    )
    panels, left_out = _panels(FA, many, MAX_ROWS)
    assert sum(len(p.labels) for p in panels) <= MAX_ROWS
    assert left_out == 3 and len(panels) == 6  # five choices, then the scales
    assert list(panels[-1].values) == [3.5, None]  # a scale nobody answered: a dash, not a zero
    image = Image.open(io.BytesIO(results_chart_png(FA, many)))
    assert image.width == CHART_WIDTH and image.height < 3000


def test_a_question_nobody_answered_has_dashes_and_only_texts_make_no_chart() -> None:
    options = (OptionCount("بله", 0, 0.0), OptionCount("نه", 0, 0.0))
    panels, _ = _panels(
        EN, results_of(question(1, QuestionKind.SINGLE, answered=0, options=options)), MAX_ROWS
    )
    assert list(panels[0].values) == [None, None]

    texts_only = results_of(question(1, QuestionKind.TEXT, texts=("یک",)))
    assert not has_chart(texts_only)
    with pytest.raises(ValueError):
        results_chart_png(FA, texts_only)
    # The workbook is still made, with the text.
    _choices, _scales, texts = sheets(results_workbook_xlsx(FA, texts_only))
    assert texts["C2"].value == "یک"


def test_without_libraqm_the_isolated_question_is_still_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    # The headings isolate the question (FSI…PDI); the by-hand layout knows no isolates.
    monkeypatch.setattr(charts, "LAYS_OUT_COMPLEX_TEXT", False)
    options = (OptionCount("بله", 3, 75.0), OptionCount("نه", 1, 25.0))
    png = results_chart_png(EN, results_of(question(1, QuestionKind.SINGLE, answered=4, options=options)))
    assert Image.open(io.BytesIO(png)).width == CHART_WIDTH


def test_a_chart_to_look_at() -> None:
    """Writes test-artifacts/survey_chart_fa.png and survey_chart_en.png: open them to check how
    they read."""
    from bot.settings import PROJECT_ROOT

    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    options = tuple(OptionCount(name, n, 25.0 * n) for n, name in enumerate(NEEDS))
    sample = results_of(
        question(1, QuestionKind.MULTI, options=options),
        question(2, QuestionKind.SCALE, average=3.25),
        question(3, QuestionKind.TEXT, texts=("نیمکت",)),
    )
    for locale, t in (("fa", FA), ("en", EN)):
        (artifacts / f"survey_chart_{locale}.png").write_bytes(results_chart_png(t, sample))
