"""A survey's results as files, in the reader's language: a chart (PNG) and a workbook (xlsx), laid
out by the generic renderers `services.charts` and `services.workbook`.

The chart has a panel per single or multiple choice question (a bar per option: the share of those
who answered the question, as in the text summary) and one panel of the 1–5 scale questions'
averages; text questions are left out of it. The workbook has three sheets: the choices' counts
and shares, the scales' averages and counts, the texts written. Both hold exactly what
`SurveyResults` holds, so they show what the text summary shows to whoever may read it (the texts
included) and nothing of who answered. Both take a moment: call these off the event loop
(`asyncio.to_thread`); the renderers are imported then, so that nothing else pays for matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.surveys import QuestionKind
from services.i18n import BoundTranslator
from services.persian import PDI
from services.surveys.drafting import CHOICE_KINDS, SCALE
from services.surveys.results import QuestionResult, SurveyResults

if TYPE_CHECKING:
    from services.charts import Panel
    from services.workbook import Cell, Sheet

__all__ = ["has_chart", "results_chart_png", "results_workbook_xlsx"]

# Where the panels' bars are coloured from in `services.charts.PALETTE`: the bot's green for the
# choices, blue for the scales.
CHOICE_COLOUR = 0
SCALE_COLOUR = 2
# An average is shown with two decimals at most (3.25), as the text summary shows it.
AVERAGE_FORMAT = "0.00"
# First strong isolate: a question's text keeps its own direction inside a line of the reader's
# («1. ⁨…؟⁩ (40 answers)» would otherwise read «(answers 40)» around a Persian question).
FSI = "\u2068"


def _isolated(text: str) -> str:
    return f"{FSI}{text}{PDI}"


def _share(count: int, question: QuestionResult) -> float | None:
    """Of those who answered the question, 0–1; None before anyone did."""
    return count / question.answered if question.answered else None


def _kind(t: BoundTranslator, kind: QuestionKind) -> str:
    return t(f"survey-kind-name-{kind.value}")


def has_chart(results: SurveyResults) -> bool:
    """Whether the survey has a question the chart shows (a choice or a scale)."""
    return any(q.kind in (*CHOICE_KINDS, QuestionKind.SCALE) for q in results.questions)


def _choice_panel(t: BoundTranslator, question: QuestionResult) -> Panel:
    from services import charts

    return charts.Panel(
        heading=t(
            "survey-chart-question",
            number=question.number,
            text=_isolated(question.text),
            answered=question.answered,
        ),
        labels=[o.option for o in question.options],
        values=[_share(o.count, question) for o in question.options],
        value_format=charts.percent,
        cover=(0.0, 1.0),
        colour=CHOICE_COLOUR,
    )


def _scale_panel(t: BoundTranslator, scales: list[QuestionResult]) -> Panel:
    from services import charts

    return charts.Panel(
        heading=t("survey-chart-scales", low=SCALE[0], high=SCALE[-1]),
        labels=[t("survey-chart-scale-row", number=q.number, text=q.text) for q in scales],
        values=[q.average for q in scales],
        value_format=lambda value: f"{value:.2f}".rstrip("0").rstrip("."),
        tick_format=charts.count,
        cover=(0.0, float(SCALE[-1])),
        colour=SCALE_COLOUR,
    )


def _panels(t: BoundTranslator, results: SurveyResults, max_rows: int) -> tuple[list[Panel], int]:
    """The choice panels in the questions' order, then the scales' panel; choice panels beyond
    `max_rows` rows in all are left out (the scales' panel never): their number is returned."""
    scales = [q for q in results.questions if q.kind == QuestionKind.SCALE]
    choices = [q for q in results.questions if q.kind in CHOICE_KINDS]
    budget = max_rows - len(scales)
    panels = []
    for question in choices:
        if len(question.options) > budget:
            break
        budget -= len(question.options)
        panels.append(_choice_panel(t, question))
    left_out = len(choices) - len(panels)
    if scales:
        panels.append(_scale_panel(t, scales))
    return panels, left_out


def results_chart_png(t: BoundTranslator, results: SurveyResults) -> bytes:
    """The chart: the survey's title, how many responded, a panel per choice question and one of
    the scales' averages. Raises ValueError when there is nothing to chart (see `has_chart`)."""
    from services import charts

    panels, left_out = _panels(t, results, charts.MAX_ROWS)
    subtitle = t("survey-chart-subtitle", responses=results.responses)
    if results.neighbourhood_id is not None:
        subtitle += " " + t("survey-results-only")
    return bytes(
        charts.panel_chart_png(
            results.title,
            panels,
            locale=t.locale,
            subtitle=subtitle,
            note=t("survey-chart-more", count=left_out) if left_out else None,
        )
    )


def _notes(t: BoundTranslator, results: SurveyResults, *extra: str) -> list[str]:
    notes = [
        t("survey-results-title", title=results.title, id=results.survey_id),
        t("survey-xlsx-responses", responses=results.responses),
    ]
    if results.neighbourhood_id is not None:
        notes.append(t("survey-results-only"))
    return [*notes, *extra]


def _choices_sheet(t: BoundTranslator, results: SurveyResults) -> Sheet:
    from services import workbook

    rows = [
        [q.number, q.text, _kind(t, q.kind), o.option, o.count, _share(o.count, q), q.answered, q.skipped]
        for q in results.questions
        if q.kind in CHOICE_KINDS
        for o in q.options
    ]
    return workbook.Sheet(
        title=t("survey-xlsx-sheet-choices"),
        headers=[
            t("survey-xlsx-col-number"),
            t("survey-xlsx-col-question"),
            t("survey-xlsx-col-kind"),
            t("survey-xlsx-col-option"),
            t("survey-xlsx-col-count"),
            t("survey-xlsx-col-percent"),
            t("survey-xlsx-col-answered"),
            t("survey-xlsx-col-skipped"),
        ],
        rows=rows,
        formats=[
            workbook.COUNT,
            None,
            None,
            None,
            workbook.COUNT,
            workbook.PERCENT_1,
            workbook.COUNT,
            workbook.COUNT,
        ],
        notes=_notes(t, results, t("survey-xlsx-percent-note")),
    )


def _scales_sheet(t: BoundTranslator, results: SurveyResults) -> Sheet:
    from services import workbook

    rows = [
        [q.number, q.text, q.average, q.answered, q.skipped, *q.scale_counts]
        for q in results.questions
        if q.kind == QuestionKind.SCALE
    ]
    return workbook.Sheet(
        title=t("survey-xlsx-sheet-scales"),
        headers=[
            t("survey-xlsx-col-number"),
            t("survey-xlsx-col-question"),
            t("survey-xlsx-col-average"),
            t("survey-xlsx-col-answered"),
            t("survey-xlsx-col-skipped"),
            *(t("survey-xlsx-col-scale-value", value=value) for value in SCALE),
        ],
        rows=rows,
        formats=[workbook.COUNT, None, AVERAGE_FORMAT, *[workbook.COUNT] * (2 + len(SCALE))],
        notes=_notes(t, results, t("survey-xlsx-scale-note", low=SCALE[0], high=SCALE[-1])),
    )


def _texts_sheet(t: BoundTranslator, results: SurveyResults) -> Sheet:
    from services import workbook

    rows: list[list[Cell]] = [
        [q.number, q.text, text] for q in results.questions if q.kind == QuestionKind.TEXT for text in q.texts
    ]
    return workbook.Sheet(
        title=t("survey-xlsx-sheet-texts"),
        headers=[t("survey-xlsx-col-number"), t("survey-xlsx-col-question"), t("survey-xlsx-col-text")],
        rows=rows,
        formats=[workbook.COUNT],
        notes=_notes(t, results),
    )


def results_workbook_xlsx(t: BoundTranslator, results: SurveyResults) -> bytes:
    """The workbook: the choices (a row per option: its count and share), the scales (a row per
    question: its average and how many chose each value), the texts (a row per text, sorted as
    the results keep them); always these three sheets, a kind the survey has not with the header
    only."""
    from services import workbook

    sheets = [
        _choices_sheet(t, results),
        _scales_sheet(t, results),
        _texts_sheet(t, results),
    ]
    return bytes(workbook.workbook_xlsx(sheets, locale=t.locale))
