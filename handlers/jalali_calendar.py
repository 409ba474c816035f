"""An inline Jalali month calendar: a date picker any form can offer next to "type the date".

`calendar_keyboard(t, year, month, purpose=…, today=…)` builds the keyboard of one Jalali month
(week starting on Saturday, Persian month names and digits in fa, today marked, previous/next
month buttons). A pressed day arrives as `CalendarPress(action="day", …)` with the form's
`purpose`; `picked_date` turns it into a Gregorian date. Month navigation and the inert buttons
(blank cells, weekday names) are handled here, for every form, by `setup()`'s router.
"""

from __future__ import annotations

from datetime import date

import jdatetime
from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from services.clock import Clock
from services.i18n import BoundTranslator
from services.jalali import MAX_YEAR, MIN_YEAR, MONTHS_EN, MONTHS_FA, tehran_today
from services.persian import to_persian_digits

__all__ = [
    "CalendarPress",
    "calendar_for",
    "calendar_keyboard",
    "month_grid",
    "picked_date",
    "setup",
    "shift_month",
]

# Buttons that do nothing when pressed (blank cells, weekday names, the month title).
_IGNORE = "ignore"


class CalendarPress(CallbackData, prefix="jcal"):
    # "day" (a date was picked), "nav" (show another month) or "ignore".
    action: str
    # The form the calendar belongs to, so two open calendars never mix up their answers.
    purpose: str
    year: int
    month: int
    day: int = 0


def month_grid(year: int, month: int) -> list[list[int | None]]:
    """The weeks of a Jalali month, Saturday first; None where a week has no day of the month."""
    first = jdatetime.date(year, month, 1)
    length = jdatetime.j_days_in_month[month - 1]
    if month == 12 and first.isleap():
        length = 30
    # jdatetime counts weekdays from Saturday (0) to Friday (6): the Iranian week.
    cells: list[int | None] = [None] * first.weekday() + list(range(1, length + 1))
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _digits(value: int, t: BoundTranslator) -> str:
    return to_persian_digits(value) if t.locale == "fa" else str(value)


def calendar_keyboard(
    t: BoundTranslator, year: int, month: int, *, purpose: str, today: date | None = None
) -> InlineKeyboardMarkup:
    """One Jalali month as inline buttons: a title row with previous/next, the weekday names
    (Saturday first) and the days; `today` (Gregorian) is marked."""
    months = MONTHS_FA if t.locale == "fa" else MONTHS_EN
    ignore = CalendarPress(action=_IGNORE, purpose=purpose, year=year, month=month).pack()
    previous, following = shift_month(year, month, -1), shift_month(year, month, 1)
    title: list[InlineKeyboardButton] = []
    if previous[0] >= MIN_YEAR:
        title.append(
            InlineKeyboardButton(
                text=t("calendar-previous"),
                callback_data=CalendarPress(
                    action="nav", purpose=purpose, year=previous[0], month=previous[1]
                ).pack(),
            )
        )
    title.append(InlineKeyboardButton(text=f"{months[month - 1]} {_digits(year, t)}", callback_data=ignore))
    if following[0] <= MAX_YEAR:
        title.append(
            InlineKeyboardButton(
                text=t("calendar-next"),
                callback_data=CalendarPress(
                    action="nav", purpose=purpose, year=following[0], month=following[1]
                ).pack(),
            )
        )
    weekdays = [
        InlineKeyboardButton(text=name, callback_data=ignore) for name in t("calendar-weekdays").split()
    ]
    marked = jdatetime.date.fromgregorian(date=today) if today is not None else None
    rows = [title, weekdays]
    for week in month_grid(year, month):
        row = []
        for day in week:
            if day is None:
                row.append(InlineKeyboardButton(text=" ", callback_data=ignore))
                continue
            label = _digits(day, t)
            if marked is not None and (marked.year, marked.month, marked.day) == (year, month, day):
                label = t("calendar-today", day=label)
            row.append(
                InlineKeyboardButton(
                    text=label,
                    callback_data=CalendarPress(
                        action="day", purpose=purpose, year=year, month=month, day=day
                    ).pack(),
                )
            )
        rows.append(row)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def calendar_for(t: BoundTranslator, today: date, *, purpose: str) -> InlineKeyboardMarkup:
    """The calendar opened on the month of `today` (a Gregorian date), today marked."""
    jtoday = jdatetime.date.fromgregorian(date=today)
    return calendar_keyboard(t, jtoday.year, jtoday.month, purpose=purpose, today=today)


def picked_date(press: CalendarPress) -> date:
    """The Gregorian date of a pressed day; ValueError for anything that is not a real day."""
    if press.action != "day":
        raise ValueError(f"not a day: {press.action}")
    return jdatetime.date(press.year, press.month, press.day).togregorian()


async def navigate(
    query: CallbackQuery, callback_data: CalendarPress, t: BoundTranslator, clock: Clock
) -> None:
    await query.answer()
    if not (1 <= callback_data.month <= 12 and MIN_YEAR <= callback_data.year <= MAX_YEAR):
        return
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(
            reply_markup=calendar_keyboard(
                t,
                callback_data.year,
                callback_data.month,
                purpose=callback_data.purpose,
                today=tehran_today(clock()),
            )
        )


async def inert(query: CallbackQuery) -> None:
    await query.answer()


def setup() -> Router:
    """Month navigation and inert buttons, for every form that shows a calendar."""
    router = Router(name=__name__)
    router.callback_query.register(navigate, CalendarPress.filter(F.action == "nav"))
    router.callback_query.register(inert, CalendarPress.filter(F.action == _IGNORE))
    return router
