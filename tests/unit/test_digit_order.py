"""Numbers read in their own order inside Persian text.

Every catalog message is rendered through the project's Translator with realistic values (a
tracking code, phones, Jalali dates and times, counts, Persian names) and laid out by the Unicode
bidi algorithm, right to left for Persian (and by each line's first strong letter, as Telegram and
Bale do); every code, phone, date and range must then appear in the visual string with its groups
in their logical left-to-right order. Also: emergency numbers stay tappable, no «·» beside Persian
digits, and what a reader copies from a message still works in /track.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from bidi import get_display  # python-bidi ≥ 0.5: the full algorithm, isolates included

from services.accounts import display_phone
from services.emergency import emergency_numbers, emergency_numbers_text
from services.i18n import Dialable, Translator
from services.jalali import format_datetime, format_jalali_date, format_jalali_numeric
from services.persian import LRI, PDI, isolate_ltr
from services.requests import format_tracking_code, parse_tracking_code, reversed_tracking_code
from tests.unit.test_locales import catalog

CODE = "778434565"
DIGIT = "0-9\u06f0-\u06f9\u0660-\u0669"
# A number of several groups (a code, a numeric date or time, a phone with a «+», a range) as it
# stands in the logical text: its groups must stay in this order on screen.
GROUPED_NUMBER = re.compile(rf"\+?[{DIGIT}]+(?:[-/:.,\u2013]?[{DIGIT}]+)*")
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)

_DATE = date(2024, 10, 6)  # ۱۵ مهر ۱۴۰۳
_MOMENT = datetime(2024, 10, 6, 10, 35, tzinfo=UTC)  # ۱۴:۰۵ in Tehran
_DATES = {"date", "deadline", "formed", "limit"}
_MOMENTS = {"when", "since", "created", "updated", "at", "expires"}
_COUNTS = {
    "count", "max", "min", "length", "days", "hours", "minutes", "total", "overdue", "page",
    "pages", "id", "line", "progress", "rating", "stars", "photos", "comments", "part", "day",
    "done", "open", "current", "profiles", "headed", "committees", "formed_count", "guests",
    "attendees", "requests", "requests_overdue", "members", "heads", "provinces", "counties",
    "rows", "reports", "full", "told", "soon", "unchanged", "area",
}  # fmt: skip


def example_values(locale: str, variables: set[str], phone: str) -> dict[str, object]:
    """Realistic arguments: what the handlers pass for each name, Persian names for the rest."""
    values: dict[str, object] = {}
    for name in variables:
        if name == "code":
            values[name] = format_tracking_code(CODE, locale)
        elif name == "phone":
            values[name] = phone
        elif name == "number":
            values[name] = Dialable("125")
        elif name == "example":
            values[name] = format_jalali_numeric(_DATE, locale)
        elif name in _DATES:
            values[name] = format_jalali_date(_DATE, locale)
        elif name in _MOMENTS:
            values[name] = format_datetime(_MOMENT, locale)
        elif name in _COUNTS:
            values[name] = 12
        else:
            values[name] = "دولت‌آباد"
    return values


PHONES = (
    display_phone("+989121234567"),  # 09121234567
    "+14155550123",  # a foreign contact keeps its «+»
)


def rendered(locale: str) -> Iterator[tuple[str, str]]:
    translator = Translator()
    for key, variables in sorted(catalog(locale).items()):
        for phone in PHONES if "phone" in variables else PHONES[:1]:
            yield key, translator.get(locale, key, **example_values(locale, variables, phone))


def misplaced(pattern: re.Pattern[str], text: str, base_dir: str | None) -> list[str]:
    """What `pattern` finds in `text` that the bidi algorithm does not show in its own order."""
    wrong = []
    for line in text.split("\n"):
        visual = str(get_display(line, base_dir=base_dir)).translate(BIDI_CONTROLS)
        for found in pattern.findall(line.translate(BIDI_CONTROLS)):
            if found not in visual:
                wrong.append(f"{found} shown as …{visual}…")
    return wrong


def misplaced_numbers(text: str, base_dir: str | None) -> list[str]:
    """The grouped numbers of `text` whose groups the bidi algorithm shows out of order."""
    return misplaced(GROUPED_NUMBER, text, base_dir)


@pytest.mark.parametrize(("locale", "base_dir"), [("fa", "R"), ("fa", None), ("en", "L"), ("en", None)])
def test_codes_phones_dates_and_ranges_keep_their_order_on_screen(locale: str, base_dir: str | None) -> None:
    problems = {key: wrong for key, text in rendered(locale) if (wrong := misplaced_numbers(text, base_dir))}
    assert problems == {}


COMMAND = re.compile(r"(?<![\w/.:])/[a-z_]+")


def misplaced_commands(text: str, base_dir: str | None) -> list[str]:
    """The /commands of `text` that the bidi algorithm shows with the slash at the wrong end
    («report/» at the end of a Persian sentence): the reader would type them backwards."""
    return misplaced(COMMAND, text, base_dir)


@pytest.mark.parametrize("base_dir", ["R", None])
def test_commands_in_persian_text_read_the_right_way_round(base_dir: str | None) -> None:
    problems = {key: wrong for key, text in rendered("fa") if (wrong := misplaced_commands(text, base_dir))}
    assert problems == {}


def test_the_check_sees_a_command_turned_around() -> None:
    assert misplaced_commands("فهرست کامل: /report", "R") != []
    assert misplaced_commands("فهرست کامل: \u200e/report", "R") == []


def test_the_check_sees_a_code_turned_around() -> None:
    # Without isolation the right-to-left line shows ۵۶۵-۴۳۴-۷۷۸: the test above would notice.
    bare = "پیگیری درخواست " + format_tracking_code(CODE, "fa").translate(BIDI_CONTROLS)
    assert "۵۶۵-۴۳۴-۷۷۸" in get_display(bare, base_dir="R")
    assert len(misplaced_numbers(bare, "R")) == 1


def test_a_tracking_code_is_isolated_once_in_messages_and_buttons() -> None:
    translator = Translator()
    code = format_tracking_code(CODE, "fa")
    for key in ("request-my-line", "request-button-details"):
        text = translator.get("fa", key, code=code, committee="بهداشت", status="باز")
        assert f"{LRI}۷۷۸-۴۳۴-۵۶۵{PDI}" in text
        assert text.count(LRI) == text.count(PDI) == 1
    # An isolated value passed again is not wrapped twice.
    assert translator.get("fa", "request-button-details", code=isolate_ltr(code)).count(LRI) == 1


def test_plain_numbers_are_left_bare_and_ranges_are_isolated() -> None:
    translator = Translator()
    assert translator.get("fa", "onboarding-linked", phone="09123456789").count(LRI) == 0
    # A single «/», «:», «,» or «.» between groups holds them in order by itself.
    for example in ("1403/07/15", "۱۴:۰۵", "12,500"):
        assert LRI not in translator.get("fa", "action-ask-date", example=example)
    ranged = translator.get("fa", "profile-line", field="جمعیت", value="10–20")
    assert f"{LRI}۱۰–۲۰{PDI}" in ranged
    assert misplaced_numbers(ranged, "R") == []


def test_a_decimal_fraction_has_the_persian_decimal_point_and_keeps_its_order() -> None:
    translator = Translator()
    for value in ("3.8", 3.8):
        text = translator.get("fa", "perf-rating", rating=value)
        assert text.startswith("۳٫۸ ") and LRI not in text
        assert "۳٫۸" in str(get_display(text, base_dir="R"))
        assert translator.get("en", "perf-rating", rating=value).startswith("3.8 ")
    # Only a lone decimal: a date or a grouped count keeps its separators.
    assert translator.get("fa", "perf-rating", rating="12,500").startswith("۱۲,۵۰۰ ")
    assert translator.get("fa", "perf-rating", rating="1403/07/15").startswith("۱۴۰۳/۰۷/۱۵ ")


def test_emergency_numbers_are_latin_digits_without_marks_so_a_tap_dials_them() -> None:
    for locale in ("fa", "en"):
        text = emergency_numbers_text(Translator().bind(locale))
        for _service, number in emergency_numbers():
            assert re.search(rf": {number}$", text, re.MULTILINE), (locale, number)
        assert not set(text) & set("۰۱۲۳۴۵۶۷۸۹\u2066\u2067\u2068\u2069\u200e\u200f")


def test_no_middle_dot_beside_persian_digits() -> None:
    # «۰ عکس · ۰ نظر»: the dot reads as a Persian zero.
    crowded = [key for key, text in rendered("fa") if "·" in text and re.search("[۰-۹]", text)]
    assert crowded == []


@pytest.mark.parametrize(
    "typed",
    [
        "778-434-565",
        "۷۷۸-۴۳۴-۵۶۵",
        "٧٧٨ ٤٣٤ ٥٦٥",
        "۷۷۸ ۴۳۴ ۵۶۵ ",
        "778434565",
        "کد \u2066۷۷۸-۴۳۴-۵۶۵\u2069",  # copied from a message with its marks
        "\u200f۷۷۸_۴۳۴.۵۶۵",
    ],
)
def test_a_code_is_read_in_any_digits_separators_and_marks(typed: str) -> None:
    assert parse_tracking_code(typed) == CODE


def test_a_copied_code_from_any_message_parses_back() -> None:
    assert (
        parse_tracking_code(Translator().get("fa", "request-button-details", code=format_tracking_code(CODE)))
        == CODE
    )


def test_codes_that_are_not_nine_latin_digits_once_read_are_refused() -> None:
    assert parse_tracking_code("۷۷۸-۴۳۴") is None
    assert parse_tracking_code("７７８４３４５６５") is None  # full-width digits are not a code
    assert reversed_tracking_code(CODE) == "565434778"
