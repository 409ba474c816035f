"""Tests for services.persian."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.persian import excerpt, fold_for_search, normalize_digits, normalize_text, to_persian_digits

ZWNJ = "\u200c"
NON_ASCII_DIGITS = set("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩")


# --- digits -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
        ("کد ۱۲۳ و ٤٥٦ و 789", "کد 123 و 456 و 789"),
        ("", ""),
        ("abc", "abc"),
    ],
)
def test_normalize_digits(raw: str, expected: str) -> None:
    assert normalize_digits(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1403/07/15", "۱۴۰۳/۰۷/۱۵"),
        (0, "۰"),
        (1234567890, "۱۲۳۴۵۶۷۸۹۰"),
        (-12, "-۱۲"),
        ("بدون عدد", "بدون عدد"),
    ],
)
def test_to_persian_digits(raw: str | int, expected: str) -> None:
    assert to_persian_digits(raw) == expected


@given(st.text(alphabet="0123456789", max_size=30))
def test_digit_round_trip(s: str) -> None:
    assert normalize_digits(to_persian_digits(s)) == s


@given(st.integers())
def test_int_round_trip(n: int) -> None:
    assert int(normalize_digits(to_persian_digits(n))) == n


@given(st.text())
def test_normalize_digits_leaves_no_eastern_digits(s: str) -> None:
    assert not NON_ASCII_DIGITS & set(normalize_digits(s))


# --- normalize_text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Arabic yeh / alef maksura / kaf become Persian letters.
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),
        ("كرمان", "کرمان"),
        # Tatweel and harakat are removed.
        ("محـــله", "محله"),
        ("مُحَمَّد", "محمد"),
        ("عَلَیْهِ", "علیه"),
        ("رحمٰن", "رحمن"),  # superscript alef U+0670
        ("کتابًا", "کتابا"),  # tanwin
        # Digits of every script become ASCII.
        ("پلاک ۱۲ واحد ٣", "پلاک 12 واحد 3"),
        # Whitespace is collapsed and stripped.
        ("  خیابان   آزادی\t\n کوچه ۵  ", "خیابان آزادی کوچه 5"),
        ("a\u00a0\u00a0b", "a b"),  # no-break spaces are whitespace too
        # ZWNJ between letters is kept (once).
        ("می\u200cروم", "می\u200cروم"),
        ("می\u200c\u200c\u200cروم", "می\u200cروم"),
        # ZWNJ at the edges or next to spaces is dropped.
        ("\u200cکتاب\u200c", "کتاب"),
        ("کتاب\u200c ها", "کتاب ها"),
        ("کتاب \u200cها", "کتاب ها"),
        ("کتاب \u200c ها", "کتاب ها"),
        ("کد\u200c۱۲", "کد12"),  # not between letters
        # Other zero-width / bidi characters are dropped.
        ("می\u200dروم", "میروم"),
        ("\u200e09121234567\u200f", "09121234567"),
        ("\ufeffسلام\u200b", "سلام"),
        ("\u202bسلام\u202c", "سلام"),
        # Conservative: these legitimate Persian spellings are left untouched.
        ("مسئول", "مسئول"),
        ("آب", "آب"),
        ("خانۀ", "خانۀ"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_zwnj_survives_removed_diacritic() -> None:
    # The harakat is removed first, so the ZWNJ still sits between two letters.
    assert normalize_text("خانه\u064e\u200cها") == "خانه\u200cها"


def test_normalize_text_mixed_zero_width_run_becomes_single_zwnj() -> None:
    assert normalize_text("می\u200c\u200b\u200d\u200cروم") == "می\u200cروم"


# Biased towards the characters normalize_text treats specially.
_persian_ish = st.text(
    alphabet="abcXYZ ابپتکگیهيىكةأإؤئآۀ۰۱۹٠٩09ـ\t\n\u00a0"
    "\u200c\u200b\u200d\u200e\u200f\ufeff\u064e\u0651\u0670\u0654"
)


@given(st.one_of(st.text(), _persian_ish))
def test_normalize_text_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once


@given(st.one_of(st.text(), _persian_ish))
def test_normalize_text_output_invariants(s: str) -> None:
    out = normalize_text(s)
    assert not set(out) & ({"ي", "ى", "ك", "ـ", "\u200b", "\u200d", "\ufeff"} | NON_ASCII_DIGITS)
    assert out == out.strip()
    assert "  " not in out
    assert ZWNJ * 2 not in out
    assert not out.startswith(ZWNJ) and not out.endswith(ZWNJ)
    for i, ch in enumerate(out):
        if ch == ZWNJ:
            assert not out[i - 1].isspace() and not out[i + 1].isspace()


# --- fold_for_search ----------------------------------------------------------------


def test_fold_compound_word_variants_match() -> None:
    keys = {fold_for_search(s) for s in ("کم برخوردار", "کم\u200cبرخوردار", "کمبرخوردار", " کم  برخوردار ")}
    assert keys == {"کمبرخوردار"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("آب", "اب"),
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("مؤسسه", "موسسه"),
        ("مسئول", "مسیول"),
        ("فاطمة", "فاطمه"),
        ("خانۀ", "خانه"),
        ("علي", "علی"),
        ("كرج", "کرج"),
        ("Tehran Pars", "tehranpars"),
        ("پلاک ۱۲", "پلاک12"),
        ("محـله", "محله"),
    ],
)
def test_fold_equivalences(a: str, b: str) -> None:
    assert fold_for_search(a) == fold_for_search(b)


def test_fold_distinguishes_different_words() -> None:
    assert fold_for_search("محله") != fold_for_search("مجله")


@given(st.one_of(st.text(), _persian_ish))
def test_fold_for_search_properties(s: str) -> None:
    key = fold_for_search(s)
    assert fold_for_search(key) == key
    assert not any(ch.isspace() for ch in key)
    assert ZWNJ not in key
    assert not set(key) & set("آأإؤئةيك")


def test_prose_keeps_the_writers_digits_and_line_breaks() -> None:
    from services.persian import normalize_prose

    typed = "كاشت  ۵۰ نهال و ٤٥ درخت\u200c \r\n\r\n\r\n  در خيابان 12"
    assert normalize_prose(typed) == "کاشت ۵۰ نهال و ۴۵ درخت\n\nدر خیابان 12"
    assert normalize_prose("  \u200e۱۲۳\u200f  ") == "۱۲۳"


# --- excerpts -----------------------------------------------------------------------


def test_an_excerpt_is_one_line_cut_at_a_word() -> None:
    text = "درمانگاه محله ما پزشک ندارد و بیماران برای ویزیت باید تا شهر بروند"
    assert excerpt(text) == "درمانگاه محله ما پزشک ندارد و بیماران…"
    assert excerpt("آب  قطع\nشده") == "آب قطع شده"
    # A word too long to keep whole is cut inside; punctuation before «…» goes.
    assert excerpt("x" * 100) == "x" * 39 + "…"
    assert excerpt("یک، دو، سه، چهار، پنج، شش، هفت، هشت، نه، ده", 20) == "یک، دو، سه، چهار…"


@given(st.text(min_size=0, max_size=200))
def test_an_excerpt_is_never_longer_than_asked(text: str) -> None:
    cut = excerpt(text, 40)
    assert len(cut) <= 40 and "\n" not in cut
