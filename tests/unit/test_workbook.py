"""Excel workbooks for the reports: a sheet per table, right to left in fa, the header bold,
frozen and filterable, numbers stored as numbers with their formats, columns fitted, and sheet
names that Excel accepts."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from services.workbook import (
    COUNT,
    DECIMAL,
    MAX_WIDTH,
    PERCENT,
    PERCENT_1,
    Sheet,
    sheet_titles,
    workbook_xlsx,
)

HEADERS = ["محله", "درخواست‌ها", "پاسخ به‌موقع", "میانگین روز پاسخ", "آخرین جلسه"]
ROWS: list[list[str | int | float | None]] = [
    ["دولت‌آباد", 1250, 0.45, 3.5, "۱۴۰۴/۰۸/۱۲"],
    ["شهرک غرب (فاز ۲)", 30, 0.0, None, None],
    ["نازی‌آباد", 0, 1.0, 12.25, "۱۴۰۴/۰۷/۳۰"],
]
FORMATS = [None, COUNT, PERCENT, DECIMAL]
NOTES = ["دوره: آبان ۱۴۰۴", "تاریخ‌ها خورشیدی‌اند."]


def opened(sheets: list[Sheet], locale: str = "fa") -> list[Worksheet]:
    data = workbook_xlsx(sheets, locale=locale)
    assert data[:2] == b"PK"  # a zip, as every .xlsx
    workbook = load_workbook(io.BytesIO(data))
    return list(workbook.worksheets)


def performance(title: str = "شهرستان ری") -> Sheet:
    return Sheet(title, HEADERS, ROWS, FORMATS, NOTES)


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_the_header_is_bold_filled_frozen_and_filterable(locale: str) -> None:
    (sheet,) = opened([performance()], locale)
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert all(cell.font.b and cell.fill.fill_type == "solid" for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    # Right to left in fa (column A at the right), left to right in en.
    assert bool(sheet.sheet_view.rightToLeft) is (locale == "fa")


def test_numbers_are_stored_as_numbers_with_their_formats() -> None:
    (sheet,) = opened([performance()])
    requests, on_time, days = sheet["B2"], sheet["C2"], sheet["D2"]
    assert (requests.value, requests.data_type, requests.number_format) == (1250, "n", COUNT)
    assert (on_time.value, on_time.data_type, on_time.number_format) == (0.45, "n", PERCENT)
    assert (days.value, days.data_type, days.number_format) == (3.5, "n", DECIMAL)
    assert isinstance(sheet["B4"].value, int) and sheet["B4"].value == 0
    assert sheet["C4"].value == 1 and sheet["C4"].number_format == PERCENT
    # No value: an empty cell, not a zero or the text "None".
    assert sheet["D3"].value is None and sheet["E3"].value is None
    # Dates are the caller's Jalali text; a column without a format keeps Excel's general one.
    assert (sheet["E2"].value, sheet["E2"].data_type, sheet["E2"].number_format) == (
        "۱۴۰۴/۰۸/۱۲",
        "s",
        "General",
    )
    (other,) = opened([Sheet("t", ["share"], [[0.456]], [PERCENT_1])], "en")
    assert other["A2"].number_format == "0.0%" and other["A2"].value == 0.456


def test_notes_stand_under_the_table_outside_the_filter() -> None:
    (sheet,) = opened([performance()])
    assert all(cell.value is None for cell in sheet[5])
    assert [sheet["A6"].value, sheet["A7"].value] == NOTES
    # Grey and upright (LibreOffice's oblique fallback has no Persian letters), right to left.
    assert not sheet["A6"].font.i and sheet["A6"].font.color.rgb.endswith("5F6368")
    assert sheet["A6"].alignment.readingOrder == 2
    assert sheet.auto_filter.ref == "A1:E4"


def test_columns_are_as_wide_as_what_they_hold() -> None:
    long_text = "توضیحی بسیار طولانی " * 10
    (sheet,) = opened([Sheet("t", ["a", "b", "c"], [["کوتاه", long_text, 1234567]], [None, None, COUNT])])
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["A"] < widths["C"] < widths["B"] == MAX_WIDTH
    # «1,234,567» is nine characters wide on the screen.
    assert widths["C"] >= len("1,234,567")


def test_sheet_titles_are_made_valid_and_unique() -> None:
    titles = [
        "ری/تهران",
        "ری-تهران",
        "استان [تهران]: شهرستان‌ها*?",
        "x" * 40,
        "x" * 40,
        "",
        "History",
        "Ray",
        "ray",
        "'quoted'",
    ]
    expected = [
        "ری-تهران",
        "ری-تهران (۲)",
        "استان -تهران-- شهرستان‌ها--",
        "x" * 31,
        "x" * 27 + " (۲)",
        "۶",
        "History (۲)",
        "Ray",
        "ray (۲)",
        "quoted",
    ]
    assert sheet_titles(titles, locale="fa") == expected
    assert all(len(title) <= 31 for title in expected)
    sheets = opened([Sheet(title, ["a"], [[1]]) for title in titles])
    assert [sheet.title for sheet in sheets] == expected
    assert sheet_titles(["", "a", "A"], locale="en") == ["1", "a", "A (2)"]


def test_text_that_looks_like_a_formula_stays_text() -> None:
    (sheet,) = opened([Sheet("t", ["=HEADER()"], [['=HYPERLINK("http://x","y")'], ["-1+2"]], notes=["=1+1"])])
    for cell in (sheet["A1"], sheet["A2"], sheet["A3"], sheet["A5"]):
        assert cell.data_type == "s", cell.value
    assert sheet["A2"].value == '=HYPERLINK("http://x","y")'


def test_what_excel_cannot_store_is_left_out() -> None:
    (sheet,) = opened([Sheet("t\x07", ["a\x00b", "n"], [["c\x1bd", float("nan")], ["e", float("inf")]])])
    assert sheet.title == "t"
    assert [sheet["A1"].value, sheet["A2"].value, sheet["B2"].value, sheet["B3"].value] == [
        "ab",
        "cd",
        None,
        None,
    ]


def test_several_sheets_in_order_and_the_first_one_open() -> None:
    data = workbook_xlsx([performance("ری"), performance("اسلامشهر"), Sheet("خالی", ["a"], [])], locale="fa")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["ری", "اسلامشهر", "خالی"]
    assert workbook.active is not None and workbook.active.title == "ری"
    empty = workbook["خالی"]
    assert empty.auto_filter.ref == "A1:A1" and empty.freeze_panes == "A2"
    with pytest.raises(ValueError):
        workbook_xlsx([], locale="fa")


def test_a_province_of_thirty_counties_fits() -> None:
    """1,200 rows (30 counties × 40 neighbourhoods) in one sheet."""
    rows: list[list[str | int | float | None]] = [
        [f"شهرستان {county}", f"محله {n}", n * 7, (n % 10) / 10] for county in range(30) for n in range(40)
    ]
    (sheet,) = opened(
        [Sheet("همه", ["شهرستان", "محله", "درخواست", "سهم"], rows, [None, None, COUNT, PERCENT])]
    )
    assert sheet.max_row == 1201 and sheet.auto_filter.ref == "A1:D1201"
    assert sheet["D1201"].number_format == PERCENT and sheet["C1201"].data_type == "n"


def test_in_fa_a_text_without_letters_reads_right_to_left_too() -> None:
    """A Jalali date has no letters to say its direction: it is set right to left like the names,
    so that it stands at the cell's right; a Latin name keeps its own direction."""
    rows: list[list[str | int | float | None]] = [["دولت‌آباد", "۱۴۰۴/۰۸/۱۲", "Ray-1", 3]]
    (fa,) = opened([Sheet("t", ["a", "b", "c", "d"], rows)], "fa")
    assert [fa[f"{column}2"].alignment.readingOrder for column in "BCD"] == [2, 0, 0]
    (en,) = opened([Sheet("t", ["a", "b", "c", "d"], rows)], "en")
    assert en["B2"].alignment.readingOrder == 0


def test_printed_the_table_is_a_landscape_page_wide_with_the_header_on_every_page() -> None:
    (sheet,) = opened([performance()])
    assert sheet.page_setup.orientation == "landscape"
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr is not None and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
