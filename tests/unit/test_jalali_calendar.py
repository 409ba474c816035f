"""The inline Jalali calendar: month layout (Saturday first, leap Esfand), labels in each
language, today marked, navigation across years, and pressed days read back as Gregorian dates."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.types import InlineKeyboardMarkup

from handlers.jalali_calendar import (
    CalendarPress,
    calendar_for,
    calendar_keyboard,
    month_grid,
    picked_date,
    shift_month,
)
from services.i18n import Translator

TRANSLATOR = Translator()
FA, EN = TRANSLATOR.bind("fa"), TRANSLATOR.bind("en")


def days_of(grid: list[list[int | None]]) -> list[int]:
    return [day for week in grid for day in week if day is not None]


def labels(markup: InlineKeyboardMarkup) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.inline_keyboard]


def presses(markup: InlineKeyboardMarkup) -> list[list[CalendarPress]]:
    return [
        [CalendarPress.unpack(str(button.callback_data)) for button in row] for row in markup.inline_keyboard
    ]


def test_esfand_has_thirty_days_in_a_leap_year_and_twenty_nine_otherwise() -> None:
    leap = month_grid(1403, 12)  # 1403 is a leap year: Esfand 30 = 2025-03-20
    assert days_of(leap) == list(range(1, 31))
    assert days_of(month_grid(1404, 12)) == list(range(1, 30))
    # Esfand 1403 starts on Wednesday 2025-02-19: Saturday to Tuesday are blank.
    assert leap[0] == [None, None, None, None, 1, 2, 3]
    assert leap[-1] == [25, 26, 27, 28, 29, 30, None]


def test_a_month_starting_on_friday_puts_day_one_in_the_last_column() -> None:
    grid = month_grid(1404, 1)  # 1 Farvardin 1404 = Friday 2025-03-21
    assert grid[0] == [None] * 6 + [1]
    assert grid[1] == list(range(2, 9))
    # 31 days after six blanks: six weeks, the last one with 30 and 31 only.
    assert len(grid) == 6 and grid[-1] == [30, 31, None, None, None, None, None]
    assert all(len(week) == 7 for week in grid)
    # Esfand 1404 starts on a Friday too, and is 29 days long: five weeks.
    esfand = month_grid(1404, 12)
    assert esfand[0][6] == 1 and len(esfand) == 5


def test_a_month_starting_on_saturday_has_no_leading_blank() -> None:
    # 1 Dey 1403 = Saturday 2024-12-21.
    grid = month_grid(1403, 10)
    assert grid[0] == [1, 2, 3, 4, 5, 6, 7]
    assert days_of(grid) == list(range(1, 31))


def test_the_persian_keyboard_has_persian_names_digits_and_today_marked() -> None:
    today = date(2025, 3, 20)  # 30 Esfand 1403
    markup = calendar_for(FA, today, purpose="rd")
    rows = labels(markup)
    assert rows[0] == [FA("calendar-previous"), "اسفند ۱۴۰۳", FA("calendar-next")]
    assert rows[1] == ["ش", "ی", "د", "س", "چ", "پ", "ج"]
    assert rows[2] == [" ", " ", " ", " ", "۱", "۲", "۳"]
    assert rows[-1] == ["۲۵", "۲۶", "۲۷", "۲۸", "۲۹", FA("calendar-today", day="۳۰"), " "]
    assert FA("calendar-today", day="۳۰") == "•۳۰•"


def test_the_english_keyboard_uses_latin_digits() -> None:
    markup = calendar_keyboard(EN, 1404, 1, purpose="md", today=date(2025, 3, 21))
    rows = labels(markup)
    assert rows[0][1] == "Farvardin 1404"
    assert rows[1] == ["Sa", "Su", "Mo", "Tu", "We", "Th", "Fr"]
    assert rows[2][6] == "•1•"
    assert rows[3] == ["2", "3", "4", "5", "6", "7", "8"]


def test_pressed_days_become_gregorian_dates_and_blanks_do_nothing() -> None:
    markup = calendar_keyboard(FA, 1403, 12, purpose="rd")
    grid = presses(markup)
    blank, first = grid[2][0], grid[2][4]
    assert blank.action == "ignore"
    assert (first.action, first.purpose, first.year, first.month, first.day) == ("day", "rd", 1403, 12, 1)
    assert picked_date(first) == date(2025, 2, 19)
    assert picked_date(grid[-1][5]) == date(2025, 3, 20)  # 30 Esfand of a leap year
    with pytest.raises(ValueError):
        picked_date(blank)
    # A forged press for 30 Esfand of a common year is not a date.
    with pytest.raises(ValueError):
        picked_date(CalendarPress(action="day", purpose="rd", year=1404, month=12, day=30))
    # Every button fits Telegram's 64-byte callback data.
    assert all(len(str(b.callback_data).encode()) <= 64 for row in markup.inline_keyboard for b in row)


def test_navigation_crosses_years() -> None:
    assert shift_month(1403, 12, 1) == (1404, 1)
    assert shift_month(1404, 1, -1) == (1403, 12)
    assert shift_month(1404, 6, -18) == (1402, 12)
    title = presses(calendar_keyboard(FA, 1404, 1, purpose="md"))[0]
    previous, following = title[0], title[2]
    assert (previous.action, previous.year, previous.month) == ("nav", 1403, 12)
    assert (following.action, following.year, following.month) == ("nav", 1404, 2)
    assert title[1].action == "ignore"
