"""Tests for services.jalali."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.jalali import (
    MONTHS_EN,
    MONTHS_FA,
    DateParseError,
    age,
    format_datetime,
    format_jalali_date,
    format_jalali_numeric,
    parse_jalali_date,
    tehran_today,
)
from services.persian import normalize_digits

MEHR_15_1403 = date(2024, 10, 6)
PERSIAN_TO_ARABIC_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")


# --- parse_jalali_date --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1403/7/15",
        "1403/07/15",
        "۱۴۰۳/۰۷/۱۵",
        "١٤٠٣-٠٧-١٥",
        "1403-07-15",
        "1403 / 07 / 15",
        "  1403 -7- 15 ",
        "۱۴۰۳/7/١٥",  # mixed digit scripts
        "\u200f۱۴۰۳/۰۷/۱۵\u200e",  # pasted with bidi marks
    ],
)
def test_parse_valid_variants(text: str) -> None:
    assert parse_jalali_date(text) == MEHR_15_1403


def test_parse_returns_gregorian_date() -> None:
    result = parse_jalali_date("1403/01/01")
    assert type(result) is date
    assert result == date(2024, 3, 20)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "today",
        "03/7/15",  # 2-digit year is ambiguous
        "15/7/1403",  # day-first is not accepted
        "15/07/1403",
        "1403/7",
        "1403/7/15/1",
        "1403/07-15",  # mixed separators
        "1403/007/15",
        "1403/07/015",
        "14030/07/15",
        "1403 07 15",
        "۱۴۰۳/مهر/۱۵",
        "-1403/07/15",
    ],
)
def test_parse_rejects_bad_format(text: str) -> None:
    with pytest.raises(DateParseError) as exc:
        parse_jalali_date(text)
    assert exc.value.reason == "format"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1403/13/01", "month"),
        ("1403/00/10", "month"),
        ("1403/07/31", "day"),  # Mehr has 30 days
        ("1403/07/00", "day"),
        ("1403/01/32", "day"),
        ("1404/12/30", "day"),  # 1404 is not a leap year
        ("1403/12/31", "day"),
        ("1299/01/01", "year"),
        ("1501/01/01", "year"),
        ("0403/01/01", "year"),
    ],
)
def test_parse_rejects_impossible_dates(text: str, reason: str) -> None:
    with pytest.raises(DateParseError) as exc:
        parse_jalali_date(text)
    assert exc.value.reason == reason


def test_date_parse_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        parse_jalali_date("nope")


def test_esfand_30_follows_jdatetime_leap_rule() -> None:
    assert jdatetime.date(1403, 1, 1).isleap()
    assert parse_jalali_date("1403/12/30") == date(2025, 3, 20)
    for year in range(1300, 1501):
        if jdatetime.date(year, 1, 1).isleap():
            assert parse_jalali_date(f"{year}/12/30").year in (year + 621, year + 622)
        else:
            with pytest.raises(DateParseError) as exc:
                parse_jalali_date(f"{year}/12/30")
            assert exc.value.reason == "day"


def test_boundary_years_accepted() -> None:
    assert parse_jalali_date("1300/01/01") == jdatetime.date(1300, 1, 1).togregorian()
    assert parse_jalali_date("1500/12/29") == jdatetime.date(1500, 12, 29).togregorian()


# --- formatting ---------------------------------------------------------------------


def test_format_jalali_date() -> None:
    assert format_jalali_date(MEHR_15_1403) == "۱۵ مهر ۱۴۰۳"
    assert format_jalali_date(MEHR_15_1403, "fa") == "۱۵ مهر ۱۴۰۳"
    assert format_jalali_date(MEHR_15_1403, "en") == "15 Mehr 1403"


@pytest.mark.parametrize(
    ("month", "fa", "en"),
    [
        (1, "فروردین", "Farvardin"),
        (2, "اردیبهشت", "Ordibehesht"),
        (3, "خرداد", "Khordad"),
        (4, "تیر", "Tir"),
        (5, "مرداد", "Mordad"),
        (6, "شهریور", "Shahrivar"),
        (7, "مهر", "Mehr"),
        (8, "آبان", "Aban"),
        (9, "آذر", "Azar"),
        (10, "دی", "Dey"),
        (11, "بهمن", "Bahman"),
        (12, "اسفند", "Esfand"),
    ],
)
def test_month_names(month: int, fa: str, en: str) -> None:
    d = jdatetime.date(1402, month, 1).togregorian()
    assert format_jalali_date(d, "fa") == f"۱ {fa} ۱۴۰۲"
    assert format_jalali_date(d, "en") == f"1 {en} 1402"


def test_format_jalali_numeric() -> None:
    assert format_jalali_numeric(MEHR_15_1403) == "۱۴۰۳/۰۷/۱۵"
    assert format_jalali_numeric(MEHR_15_1403, "fa") == "۱۴۰۳/۰۷/۱۵"
    assert format_jalali_numeric(MEHR_15_1403, "en") == "1403/07/15"
    assert format_jalali_numeric(date(2024, 3, 20), "en") == "1403/01/01"


def test_locale_variants_and_unknown_locale() -> None:
    assert format_jalali_date(MEHR_15_1403, "fa_IR") == "۱۵ مهر ۱۴۰۳"
    assert format_jalali_date(MEHR_15_1403, "en-US") == "15 Mehr 1403"
    with pytest.raises(ValueError):
        format_jalali_date(MEHR_15_1403, "de")


def test_date_formatters_refuse_datetime() -> None:
    # Guard against formatting a UTC datetime's date instead of the Tehran date.
    with pytest.raises(TypeError):
        format_jalali_date(datetime(2024, 10, 6, tzinfo=UTC))
    with pytest.raises(TypeError):
        format_jalali_numeric(datetime(2024, 10, 6, tzinfo=UTC))


def test_format_datetime_converts_to_tehran() -> None:
    dt = datetime(2024, 10, 6, 10, 35, tzinfo=UTC)  # Tehran is UTC+03:30
    assert format_datetime(dt) == "۱۵ مهر ۱۴۰۳، ۱۴:۰۵"
    assert format_datetime(dt, "fa") == "۱۵ مهر ۱۴۰۳، ۱۴:۰۵"
    assert format_datetime(dt, "en") == "15 Mehr 1403, 14:05"


def test_format_datetime_from_other_offset_and_day_rollover() -> None:
    dt = datetime(2024, 10, 6, 22, 0, tzinfo=timezone(timedelta(hours=1)))  # 21:00 UTC
    assert format_datetime(dt, "en") == "16 Mehr 1403, 00:30"


def test_format_datetime_custom_tz() -> None:
    dt = datetime(2024, 10, 6, 10, 35, tzinfo=UTC)
    assert format_datetime(dt, "en", tz="UTC") == "15 Mehr 1403, 10:35"


def test_format_datetime_rejects_naive() -> None:
    with pytest.raises(ValueError):
        format_datetime(datetime(2024, 10, 6, 10, 35))


def test_tehran_today() -> None:
    assert tehran_today(datetime(2024, 10, 6, 20, 29, tzinfo=UTC)) == date(2024, 10, 6)
    assert tehran_today(datetime(2024, 10, 6, 20, 30, tzinfo=UTC)) == date(2024, 10, 7)
    with pytest.raises(ValueError):
        tehran_today(datetime(2024, 10, 6, 12, 0))


# --- round trips --------------------------------------------------------------------

_dates = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))


@given(_dates)
def test_round_trip_persian_digits(d: date) -> None:
    assert parse_jalali_date(format_jalali_numeric(d, "fa")) == d


@given(_dates)
def test_round_trip_ascii_digits(d: date) -> None:
    assert parse_jalali_date(format_jalali_numeric(d, "en")) == d


@given(_dates)
def test_round_trip_arabic_indic_digits_and_dashes(d: date) -> None:
    text = format_jalali_numeric(d, "fa").translate(PERSIAN_TO_ARABIC_DIGITS).replace("/", "-")
    assert parse_jalali_date(text) == d


@given(_dates)
def test_round_trip_unpadded(d: date) -> None:
    j = jdatetime.date.fromgregorian(date=d)
    assert parse_jalali_date(f"{j.year}/{j.month}/{j.day}") == d


@given(_dates)
def test_long_formats_agree(d: date) -> None:
    j = jdatetime.date.fromgregorian(date=d)
    day, month_en, year = format_jalali_date(d, "en").split(" ")
    assert (int(day), MONTHS_EN.index(month_en) + 1, int(year)) == (j.day, j.month, j.year)
    fa_day, month_fa, fa_year = format_jalali_date(d, "fa").split(" ")
    assert (normalize_digits(fa_day), MONTHS_FA.index(month_fa), normalize_digits(fa_year)) == (
        day,
        MONTHS_EN.index(month_en),
        year,
    )


@pytest.mark.parametrize(
    ("elapsed", "unit", "count"),
    [
        (timedelta(seconds=30), "now", 0),
        (timedelta(seconds=-90), "now", 0),
        (timedelta(minutes=5), "minutes", 5),
        (timedelta(hours=3, minutes=59), "hours", 3),
        (timedelta(days=2, hours=23), "days", 2),
        (timedelta(days=59), "days", 59),
        (timedelta(days=95), "months", 3),
    ],
)
def test_age_in_its_largest_whole_unit(elapsed: timedelta, unit: str, count: int) -> None:
    now = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    assert (age(now - elapsed, now).unit, age(now - elapsed, now).count) == (unit, count)
