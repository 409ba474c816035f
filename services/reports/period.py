"""Report periods in the Jalali calendar: this month, last month, this year, or any from–to, and
the period before one of the same length to compare it with.

A period is a run of whole Tehran days, kept as Gregorian dates (first and last day inclusive) like
every date the code stores; the Jalali calendar (jdatetime: months of 31, 30 and 29 or 30 days,
Esfand 30 in leap years) decides where months and years begin and end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import jdatetime

from models.reports_repo import Span
from services.jalali import TEHRAN_TZ, tehran_today

__all__ = ["InvalidPeriod", "Period"]


class InvalidPeriod(ValueError):
    """A period that ends before it starts."""

    def __init__(self, first_day: date, last_day: date) -> None:
        super().__init__(f"a period cannot end ({last_day}) before it starts ({first_day})")
        self.first_day, self.last_day = first_day, last_day


def _jalali(day: date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


def _month_start(year: int, month: int) -> date:
    """The first day of a Jalali month, the month counted past December-like ends (13 → next year)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return jdatetime.date(year, month, 1).togregorian()


def _months_since_epoch(day: jdatetime.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(frozen=True)
class Period:
    """Whole Tehran days from `first_day` to `last_day`, both included (Gregorian dates)."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise InvalidPeriod(self.first_day, self.last_day)

    @classmethod
    def between(cls, first_day: date, last_day: date) -> Period:
        """From one day to another, both included; raises `InvalidPeriod` if they are reversed."""
        return cls(first_day, last_day)

    @classmethod
    def months(cls, year: int, month: int, count: int = 1) -> Period:
        """`count` whole Jalali months from `month` of `year`."""
        return cls(_month_start(year, month), _month_start(year, month + count) - timedelta(days=1))

    @classmethod
    def this_month(cls, today: date) -> Period:
        """The Jalali month of `today` (a Tehran date), to its last day."""
        j = _jalali(today)
        return cls.months(j.year, j.month)

    @classmethod
    def last_month(cls, today: date) -> Period:
        j = _jalali(today)
        return cls.months(j.year, j.month - 1)

    @classmethod
    def this_year(cls, today: date) -> Period:
        """The Jalali year of `today`, Farvardin 1 to the end of Esfand."""
        return cls.months(_jalali(today).year, 1, 12)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def whole_months(self) -> int | None:
        """How many whole Jalali months the period is, if it is some (starts on a 1st, ends on a
        month's last day); else None."""
        first, after = _jalali(self.first_day), _jalali(self.last_day + timedelta(days=1))
        if first.day != 1 or after.day != 1:
            return None
        return _months_since_epoch(after) - _months_since_epoch(first)

    def previous(self) -> Period:
        """The period just before, of the same length: as many whole months for a period of whole
        Jalali months (Esfand before Farvardin, last year before this one), else as many days."""
        months = self.whole_months()
        if months is not None:
            first = _jalali(self.first_day)
            return Period.months(first.year, first.month - months, months)
        return Period(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    @property
    def start(self) -> datetime:
        """The aware instant the period starts: midnight in Tehran of its first day."""
        return datetime.combine(self.first_day, time(), TEHRAN_TZ)

    @property
    def end(self) -> datetime:
        """The aware instant just after it: midnight in Tehran after its last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), TEHRAN_TZ)

    def as_of(self, now: datetime) -> datetime:
        """The moment the period's figures are taken at: its end, or `now` while it runs."""
        return min(self.end, now)

    def span(self, now: datetime) -> Span:
        """The period as the report queries take it."""
        # A deadline on the last day is not overdue yet when the period ends (overdue from the day after).
        as_of_day = min(tehran_today(now), self.last_day)
        return Span(self.first_day, self.last_day, self.start, self.end, self.as_of(now), as_of_day)
