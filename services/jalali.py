"""Jalali (Solar Hijri) date parsing and formatting.

Everything stored internally is Gregorian (``datetime.date`` / aware ``datetime``); the
Jalali calendar is only used at the user-facing edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import jdatetime

from services.persian import normalize_text, to_persian_digits

__all__ = [
    "MONTHS_EN",
    "MONTHS_FA",
    "TEHRAN_TZ",
    "Age",
    "DateParseError",
    "age",
    "format_datetime",
    "format_jalali_date",
    "format_jalali_numeric",
    "parse_jalali_date",
    "tehran_today",
]

TEHRAN_TZ = ZoneInfo("Asia/Tehran")

MIN_YEAR = 1300
MAX_YEAR = 1500

MONTHS_FA: tuple[str, ...] = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
MONTHS_EN: tuple[str, ...] = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)

DateParseReason = Literal["format", "month", "day", "year"]

# Year first only: day-first input (15/7/1403) and 2-digit years are ambiguous, so they
# fail the 4-digit-year requirement.  The backreference forces one separator style.
_DATE_RE = re.compile(r"(\d+)\s*([/\-.])\s*(\d+)\s*\2\s*(\d+)", re.ASCII)


class DateParseError(ValueError):
    """Raised by :func:`parse_jalali_date`; ``reason`` selects the localized message."""

    def __init__(self, reason: DateParseReason, text: str = "") -> None:
        super().__init__(f"invalid Jalali date ({reason}): {text!r}")
        self.reason: DateParseReason = reason
        self.text = text


def _lang(locale: str) -> Literal["fa", "en"]:
    # Accept "fa", "fa_IR", "en-US", ...; anything else is a programming error.
    prefix = locale.replace("-", "_").split("_", 1)[0].lower()
    if prefix == "fa":
        return "fa"
    if prefix == "en":
        return "en"
    raise ValueError(f"unsupported locale: {locale!r}")


def parse_jalali_date(text: str) -> date:
    """Parse a year-first Jalali date (``1403/7/15``, ``۱۴۰۳-۰۷-۱۵``…) into a Gregorian date."""
    # normalize_text converts Persian/Arabic digits and drops bidi marks that are often
    # pasted around dates.
    cleaned = normalize_text(text)
    m = _DATE_RE.fullmatch(cleaned)
    if m is None:
        raise DateParseError("format", text)
    year_s, _sep, month_s, day_s = m.groups()
    if len(year_s) != 4 or not 1 <= len(month_s) <= 2 or not 1 <= len(day_s) <= 2:
        raise DateParseError("format", text)
    year, month, day = int(year_s), int(month_s), int(day_s)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateParseError("year", text)
    if not 1 <= month <= 12:
        raise DateParseError("month", text)
    try:
        # jdatetime knows the real month lengths, including Esfand 30 in leap years.
        jdate = jdatetime.date(year, month, day)
    except ValueError:
        raise DateParseError("day", text) from None
    return jdate.togregorian()


def _to_jalali(d: date) -> jdatetime.date:
    if isinstance(d, datetime):
        # A datetime's .date() depends on its timezone; refuse it so callers pick the
        # Tehran date explicitly (tehran_today / format_datetime) instead of UTC by accident.
        raise TypeError("expected datetime.date, got datetime; use format_datetime or tehran_today")
    return jdatetime.date.fromgregorian(date=d)


def format_jalali_date(d: date, locale: str = "fa") -> str:
    """Format a Gregorian date as a Jalali date: ``۱۵ مهر ۱۴۰۳`` / ``15 Mehr 1403``."""
    j = _to_jalali(d)
    if _lang(locale) == "fa":
        return f"{to_persian_digits(j.day)} {MONTHS_FA[j.month - 1]} {to_persian_digits(j.year)}"
    return f"{j.day} {MONTHS_EN[j.month - 1]} {j.year}"


def format_jalali_numeric(d: date, locale: str = "fa") -> str:
    """Format a Gregorian date as ``۱۴۰۳/۰۷/۱۵`` (fa) or ``1403/07/15`` (en)."""
    j = _to_jalali(d)
    s = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(s) if _lang(locale) == "fa" else s


def format_datetime(dt: datetime, locale: str = "fa", tz: str = "Asia/Tehran") -> str:
    """Format an aware datetime in ``tz``: ``۱۵ مهر ۱۴۰۳، ۱۴:۰۵`` / ``15 Mehr 1403, 14:05``."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("format_datetime requires a timezone-aware datetime")
    local = dt.astimezone(ZoneInfo(tz))
    lang = _lang(locale)
    day_part = format_jalali_date(local.date(), lang)
    time_part = f"{local.hour:02d}:{local.minute:02d}"
    if lang == "fa":
        return f"{day_part}، {to_persian_digits(time_part)}"  # Persian comma U+060C
    return f"{day_part}, {time_part}"


@dataclass(frozen=True)
class Age:
    """How long ago something happened, in its largest whole unit: `unit` is one of "now",
    "minutes", "hours", "days", "months" (catalogs select on it: «۳ ساعت پیش»)."""

    unit: str
    count: int


def age(then: datetime, now: datetime) -> Age:
    """How long before `now` the aware instant `then` was (a future `then` is "now")."""
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return Age("now", 0)
    if minutes < 60:
        return Age("minutes", minutes)
    if minutes < 24 * 60:
        return Age("hours", minutes // 60)
    days = minutes // (24 * 60)
    if days < 60:
        return Age("days", days)
    return Age("months", days // 30)


def tehran_today(now_utc: datetime) -> date:
    """Return the Gregorian calendar date in Tehran at the aware instant ``now_utc``."""
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("tehran_today requires a timezone-aware datetime")
    return now_utc.astimezone(TEHRAN_TZ).date()
