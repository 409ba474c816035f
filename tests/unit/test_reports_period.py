"""Report periods in the Jalali calendar: months of 31, 30 and 29 or 30 days, Esfand 30 in leap
years, years of 365 or 366 days, and the period before one of the same length."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.jalali import parse_jalali_date
from services.reports import InvalidPeriod, Period


def jalali(text: str) -> date:
    return parse_jalali_date(text)


def test_this_month_runs_to_the_months_last_day() -> None:
    mehr = Period.this_month(jalali("1403/07/15"))
    assert (mehr.first_day, mehr.last_day, mehr.days) == (jalali("1403/07/01"), jalali("1403/07/30"), 30)
    assert Period.this_month(jalali("1403/01/31")).days == 31


def test_esfand_has_thirty_days_in_a_leap_year_and_twenty_nine_otherwise() -> None:
    leap = Period.this_month(jalali("1403/12/30"))  # 1403 is a leap year
    assert (leap.first_day, leap.last_day, leap.days) == (date(2025, 2, 19), date(2025, 3, 20), 30)
    common = Period.this_month(jalali("1402/12/10"))
    assert (common.last_day, common.days) == (jalali("1402/12/29"), 29)
    with pytest.raises(ValueError):
        jalali("1402/12/30")


def test_last_month_crosses_the_new_year() -> None:
    assert Period.last_month(jalali("1404/01/01")) == Period(jalali("1403/12/01"), jalali("1403/12/30"))
    assert Period.last_month(jalali("1403/01/15")) == Period(jalali("1402/12/01"), jalali("1402/12/29"))


def test_this_year_and_the_year_before() -> None:
    year = Period.this_year(jalali("1403/08/10"))
    assert (year.first_day, year.last_day, year.days) == (date(2024, 3, 20), date(2025, 3, 20), 366)
    assert year.whole_months() == 12
    before = year.previous()
    assert (before.first_day, before.last_day, before.days) == (date(2023, 3, 21), date(2024, 3, 19), 365)


def test_the_month_before_is_a_whole_month_whatever_its_length() -> None:
    farvardin = Period.this_month(jalali("1404/01/20"))
    assert farvardin.days == 31
    esfand = farvardin.previous()
    assert esfand == Period(jalali("1403/12/01"), jalali("1403/12/30")) and esfand.days == 30
    # Mehr (30 days) before Aban: Shahrivar has 31.
    assert Period.this_month(jalali("1403/07/01")).previous().days == 31
    # Two months, Esfand and Farvardin: Dey and Bahman before them.
    two = Period.months(1403, 12, 2)
    assert two == Period(jalali("1403/12/01"), jalali("1404/01/31")) and two.whole_months() == 2
    assert two.previous() == Period(jalali("1403/10/01"), jalali("1403/11/30"))


def test_any_other_span_is_followed_back_day_for_day() -> None:
    # Across the Jalali new year: 25 Esfand 1403 to 5 Farvardin 1404, eleven days.
    span = Period.between(jalali("1403/12/25"), jalali("1404/01/05"))
    assert span.days == 11 and span.whole_months() is None
    assert span.previous() == Period(jalali("1403/12/14"), jalali("1403/12/24"))
    one_day = Period.between(jalali("1403/07/15"), jalali("1403/07/15"))
    assert one_day.previous() == Period(jalali("1403/07/14"), jalali("1403/07/14"))


def test_a_reversed_period_is_refused() -> None:
    with pytest.raises(InvalidPeriod):
        Period.between(jalali("1403/07/15"), jalali("1403/07/14"))


def test_a_period_starts_and_ends_at_midnight_in_tehran() -> None:
    mehr = Period.this_month(jalali("1403/07/10"))
    assert mehr.start == datetime(2024, 9, 21, 20, 30, tzinfo=UTC)
    assert mehr.end == datetime(2024, 10, 21, 20, 30, tzinfo=UTC)
    running = datetime(2024, 10, 1, 12, tzinfo=UTC)
    assert mehr.as_of(running) == running and mehr.as_of(datetime(2025, 1, 1, tzinfo=UTC)) == mehr.end
    span = mehr.span(datetime(2025, 1, 1, tzinfo=UTC))
    # Once over, a deadline on its last day is not overdue yet (overdue from the day after).
    assert span.as_of_day == mehr.last_day
    assert mehr.span(running).as_of_day == date(2024, 10, 1)
