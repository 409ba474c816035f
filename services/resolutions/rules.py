"""Cleaning and checking what the manager types, also used by the chat forms step by step: the
resolution's text, a meeting's guests and minutes, a progress note, a deadline (out of range, or
acceptable but doubtful), a meeting's date and a typed percentage."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from services.errors import TextTooLong, TextTooShort
from services.persian import normalize_digits, normalize_prose, normalize_text
from services.resolutions.errors import DateOutOfRange, InvalidProgress

__all__ = [
    "DEADLINE_FUTURE_LIMIT",
    "DEADLINE_PAST_LIMIT",
    "MAX_GUESTS_LENGTH",
    "MAX_MINUTES_LENGTH",
    "MAX_NOTE_LENGTH",
    "MAX_TEXT_LENGTH",
    "MEETING_PAST_LIMIT",
    "MIN_TEXT_LENGTH",
    "DeadlineDoubt",
    "DeadlineDoubtReason",
    "check_deadline",
    "check_meeting_date",
    "clean_guests",
    "clean_minutes",
    "clean_note",
    "clean_resolution_text",
    "doubt_deadline",
    "parse_progress",
]

MIN_TEXT_LENGTH = 5
MAX_TEXT_LENGTH = 1000
MAX_NOTE_LENGTH = 1000
MAX_GUESTS_LENGTH = 500
# Minutes are shown in one message with a few lines around them (Telegram's limit is 4096).
MAX_MINUTES_LENGTH = 3500
# A deadline more than a year in the past is a typing mistake (e.g. 1304 for 1404), and one more
# than five years ahead is not a deadline anyone will be held to.
DEADLINE_PAST_LIMIT = timedelta(days=365)
DEADLINE_FUTURE_LIMIT = timedelta(days=5 * 365)
# Meetings are recorded after they are held, possibly late.
MEETING_PAST_LIMIT = timedelta(days=2 * 365)


def _clean(text: str | None, field_name: str, minimum: int, maximum: int) -> str:
    cleaned = normalize_prose(text or "")
    if len(cleaned) < minimum:
        raise TextTooShort(field_name, minimum)
    if len(cleaned) > maximum:
        raise TextTooLong(field_name, len(cleaned), maximum)
    return cleaned


def clean_resolution_text(text: str | None) -> str:
    """The resolution's text as stored; raises `TextTooShort` / `TextTooLong`."""
    return _clean(text, "text", MIN_TEXT_LENGTH, MAX_TEXT_LENGTH)


def clean_guests(text: str | None) -> str | None:
    """Guests as typed (None when empty); raises `TextTooLong`."""
    cleaned = normalize_prose(text or "")
    if len(cleaned) > MAX_GUESTS_LENGTH:
        raise TextTooLong("guests", len(cleaned), MAX_GUESTS_LENGTH)
    return cleaned or None


def clean_minutes(text: str | None) -> str | None:
    """Minutes keep their line breaks (only each line is normalised); raises `TextTooLong`."""
    lines = [normalize_prose(line) for line in (text or "").splitlines()]
    cleaned = "\n".join(line for line in lines if line).strip()
    if len(cleaned) > MAX_MINUTES_LENGTH:
        raise TextTooLong("minutes", len(cleaned), MAX_MINUTES_LENGTH)
    return cleaned or None


def clean_note(text: str | None) -> str | None:
    cleaned = normalize_prose(text or "")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise TextTooLong("note", len(cleaned), MAX_NOTE_LENGTH)
    return cleaned or None


def check_deadline(deadline: date, today: date) -> None:
    """Raises `DateOutOfRange` for a deadline more than a year past or five years ahead. A recent
    past deadline is allowed: resolutions of an earlier meeting are often recorded late (the form
    asks to confirm it: `doubt_deadline`)."""
    if deadline < today - DEADLINE_PAST_LIMIT:
        raise DateOutOfRange("deadline", "past", today - DEADLINE_PAST_LIMIT)
    if deadline > today + DEADLINE_FUTURE_LIMIT:
        raise DateOutOfRange("deadline", "future", today + DEADLINE_FUTURE_LIMIT)


class DeadlineDoubtReason(enum.StrEnum):
    # The deadline comes before the meeting that decided the resolution.
    BEFORE_MEETING = "before_meeting"
    # The deadline has passed already (before today, in Tehran).
    PAST = "past"


@dataclass(frozen=True)
class DeadlineDoubt:
    """Why an acceptable deadline still looks like a mistake, so that the manager is asked to
    confirm it: `compared_with` is the meeting's date or today, whichever it comes before."""

    reason: DeadlineDoubtReason
    deadline: date
    compared_with: date


def doubt_deadline(deadline: date, today: date, meeting_held_on: date | None = None) -> DeadlineDoubt | None:
    """A deadline before the meeting's date (when the resolution belongs to a meeting) or before
    today is suspicious: it is allowed (resolutions are often recorded late), but not silently.
    Before the meeting is named first, being the more telling reason. Today, or the meeting's
    own day, is fine. `today` is Tehran's date (`services.jalali.tehran_today`)."""
    if meeting_held_on is not None and deadline < meeting_held_on:
        return DeadlineDoubt(DeadlineDoubtReason.BEFORE_MEETING, deadline, meeting_held_on)
    if deadline < today:
        return DeadlineDoubt(DeadlineDoubtReason.PAST, deadline, today)
    return None


def check_meeting_date(held_on: date, today: date) -> None:
    """A meeting is recorded once held: not after today, nor more than two years ago."""
    if held_on > today:
        raise DateOutOfRange("held_on", "future", today)
    if held_on < today - MEETING_PAST_LIMIT:
        raise DateOutOfRange("held_on", "past", today - MEETING_PAST_LIMIT)


_PROGRESS_RE = re.compile(r"[%٪]?\s*(\d{1,3})\s*[%٪]?")


def parse_progress(text: str) -> int:
    """A typed percentage ("60", "۶۰٪", "60 %") as 0–100; raises `InvalidProgress`."""
    match = _PROGRESS_RE.fullmatch(normalize_digits(normalize_text(text)))
    if match is None or not 0 <= int(match.group(1)) <= 100:
        raise InvalidProgress(text)
    return int(match.group(1))
