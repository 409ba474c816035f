"""Excel workbooks (.xlsx) for the reports upward: one sheet per table, the header bold on a
light fill, frozen and filterable, numbers stored as numbers so officials can sort, sum and chart
them, and every column as wide as what it holds.

The words come from the caller (headers and titles already in the reader's language); this module
only lays them out, the same for any report. In fa every sheet reads right to left (column A at
the right). Dates are the caller's Jalali text («۱۴۰۴/۰۸/۱۲»), not Excel dates: Excel's calendar
is Gregorian, so a date cell would show the reader a Gregorian date. Percentages are shares
(0.45 shows as 45% with `PERCENT`). Writing takes a moment for thousands of rows: call
`workbook_xlsx` off the event loop, `await asyncio.to_thread(workbook_xlsx, ...)`.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from services.persian import to_persian_digits

__all__ = [
    "COUNT",
    "DECIMAL",
    "PERCENT",
    "PERCENT_1",
    "Cell",
    "Sheet",
    "sheet_titles",
    "workbook_xlsx",
]

# Excel number formats for `Sheet.formats`: how a stored number is shown, not what is stored.
COUNT = "#,##0"  # 12,500
DECIMAL = "#,##0.0"  # 3.5
PERCENT = "0%"  # 0.45 → 45%
PERCENT_1 = "0.0%"  # 0.456 → 45.6%

Cell = str | int | float | None

# Excel's rules for a sheet's name: at most 31 characters, none of these, not starting or ending
# with an apostrophe, unique regardless of case, and not "History" (Excel keeps it for itself).
TITLE_LIMIT = 31
FORBIDDEN_IN_TITLES = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))
RESERVED_TITLES = frozenset({"history"})

# The body's font (openpyxl's default, Calibri), bold: a font without a name is shown in
# the reader's default font, a serif in LibreOffice.
HEADER_FONT = Font(name=DEFAULT_FONT.name, sz=DEFAULT_FONT.sz, bold=True)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="DDEBE4")  # the bot's green, very light
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
# Grey, not italic: Persian has no italic, and LibreOffice's oblique fallback font has no Persian
# letters at all (the note came out as boxes when rendered).
NOTE_FONT = Font(name=DEFAULT_FONT.name, sz=DEFAULT_FONT.sz, color="5F6368")
# In a right-to-left sheet a text without letters of its own direction (a Jalali date
# «۱۴۰۴/۰۸/۱۲», a count «۱۲ از ۳۰»…) would be set left to right and stand at the cell's left:
# read right to left, it stands at the right like the names beside it.
RIGHT_TO_LEFT = Alignment(readingOrder=2)
_LATIN_LETTER = re.compile("[A-Za-z]")
# Columns are fitted to their longest cell within these widths (in characters); a longer header
# wraps, a longer text shows in full when the cell is selected.
MIN_WIDTH = 6
MAX_WIDTH = 50


@dataclass(frozen=True)
class Sheet:
    """One table: `headers` name the columns, each of `rows` has a cell per column (None leaves it
    empty; a shorter row leaves the rest empty). `formats` gives the Excel number format of each
    column in order (`COUNT`, `DECIMAL`, `PERCENT`, `PERCENT_1` or any Excel format; None or a
    missing entry keeps Excel's general format). `notes` are lines under the table: the period,
    the source, what a column means."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    formats: Sequence[str | None] = ()
    notes: Sequence[str] = ()


def workbook_xlsx(sheets: Sequence[Sheet], *, locale: str) -> bytes:
    """The workbook (.xlsx bytes) with a sheet per `Sheet`, in order. Titles are made valid and
    unique as `sheet_titles` does. Raises ValueError for no sheets (Excel needs one)."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    workbook = Workbook()
    # A new workbook comes with an empty sheet; ours are added after it and it is then removed.
    default = workbook.active
    for sheet, title in zip(
        sheets, sheet_titles([sheet.title for sheet in sheets], locale=locale), strict=True
    ):
        worksheet = workbook.create_sheet(title)
        worksheet.sheet_view.rightToLeft = locale == "fa"
        _write_table(worksheet, sheet)
        _set_up_printing(worksheet)
    if default is not None:
        workbook.remove(default)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_titles(titles: Iterable[str], *, locale: str) -> list[str]:
    """`titles` as Excel accepts them: forbidden characters `[]:*?/\\` become «-», cut to 31
    characters, unique regardless of case («Ray (2)»); an empty title becomes its number."""
    taken = set(RESERVED_TITLES)
    result = []
    for number, title in enumerate(titles, start=1):
        base = _clean_title(title) or _number(number, locale)
        candidate, copy = base, 1
        while candidate.casefold() in taken:
            copy += 1
            suffix = f" ({_number(copy, locale)})"
            candidate = base[: TITLE_LIMIT - len(suffix)].rstrip() + suffix
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _clean_title(title: str) -> str:
    title = ILLEGAL_CHARACTERS_RE.sub("", title).translate(FORBIDDEN_IN_TITLES)
    return " ".join(title.split())[:TITLE_LIMIT].strip().strip("'").strip()


def _number(number: int, locale: str) -> str:
    return to_persian_digits(number) if locale == "fa" else str(number)


def _write_table(worksheet: Worksheet, sheet: Sheet) -> None:
    columns = max([len(sheet.headers), *(len(row) for row in sheet.rows)], default=0)
    formats = [sheet.formats[i] if i < len(sheet.formats) else None for i in range(columns)]
    worksheet.append([_safe_text(header) for header in sheet.headers])
    for cell in worksheet[1]:
        cell.data_type = "s"  # a header is never a formula
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
    rtl = bool(worksheet.sheet_view.rightToLeft)
    for number, row in enumerate(sheet.rows, start=2):
        _write_row(worksheet, number, row, formats, rtl)
    if columns:
        last = get_column_letter(columns)
        worksheet.freeze_panes = "A2"
        worksheet.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    _fit_widths(worksheet, sheet, formats, columns)
    # After the table and an empty row, outside the filter's range.
    _write_notes(worksheet, sheet.notes, first=len(sheet.rows) + 3)


def _write_row(
    worksheet: Worksheet, number: int, row: Sequence[Cell], formats: Sequence[str | None], rtl: bool
) -> None:
    for column, value in enumerate(row, start=1):
        stored = _stored(value)
        if stored is None:
            continue
        cell = worksheet.cell(number, column, stored)
        if isinstance(stored, str):
            # A text that begins with «=» would be taken for a formula: it stays text.
            cell.data_type = "s"
            if rtl and not _LATIN_LETTER.search(stored):
                cell.alignment = RIGHT_TO_LEFT
        elif formats[column - 1] is not None:
            cell.number_format = formats[column - 1]


def _set_up_printing(worksheet: Worksheet) -> None:
    """Printed, the table is as wide as a landscape page and each page repeats the header."""
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    worksheet.print_title_rows = "1:1"


def _stored(value: Cell) -> Cell:
    """What goes in the cell: text without the control characters Excel refuses, no NaN or
    infinity (an empty cell instead: Excel cannot store them)."""
    if isinstance(value, str):
        return _safe_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _safe_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _fit_widths(worksheet: Worksheet, sheet: Sheet, formats: Sequence[str | None], columns: int) -> None:
    """Each column as wide as its longest cell as shown (a header counts a little wider for the
    filter button), within MIN_WIDTH…MAX_WIDTH."""
    for index in range(columns):
        header = sheet.headers[index] if index < len(sheet.headers) else ""
        longest = len(header) + 3
        for row in sheet.rows:
            if index < len(row):
                longest = max(longest, _shown_length(row[index], formats[index]))
        width = min(MAX_WIDTH, max(MIN_WIDTH, longest + 2))
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width


def _shown_length(value: Cell, number_format: str | None) -> int:
    """About how many characters Excel shows for `value` in `number_format`."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max((len(line) for line in value.splitlines()), default=0)
    if isinstance(value, float) and not math.isfinite(value):
        return 0
    if number_format in (PERCENT, PERCENT_1):
        return len(f"{value:.{1 if number_format == PERCENT_1 else 0}%}")
    if number_format in (COUNT, DECIMAL):
        return len(f"{value:,.{1 if number_format == DECIMAL else 0}f}")
    return len(str(value))


def _write_notes(worksheet: Worksheet, notes: Sequence[str], *, first: int) -> None:
    for number, note in enumerate(notes, start=first):
        cell = worksheet.cell(number, 1, _safe_text(note))
        cell.font = NOTE_FONT
        if not _LATIN_LETTER.search(note):
            cell.alignment = RIGHT_TO_LEFT
        cell.data_type = "s"
