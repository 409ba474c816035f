"""Tests for services.identity_validation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.identity_validation import (
    InvalidNationalCode,
    InvalidPhone,
    is_valid_national_code,
    normalize_any_phone,
    normalize_mobile,
    normalize_national_code,
)
from services.persian import to_persian_digits

TO_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EXPECTED = "+989121234567"


# --- mobile numbers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "09121234567",
        "9121234567",
        "+989121234567",
        "00989121234567",
        "989121234567",
        "۰۹۱۲۱۲۳۴۵۶۷",
        "٠٩١٢١٢٣٤٥٦٧",
        "+۹۸۹۱۲۱۲۳۴۵۶۷",
        "0912 123 4567",
        "0912-123-4567",
        "(0912) 123-4567",
        "+98 (912) 123 45 67",
        "+98 0912 123 4567",  # common slip: trunk 0 kept after the country code
        "0098-912-123-4567",
        "  09121234567  ",
        "\u200e+98 912 123 4567\u200f",  # bidi marks pasted from a phone book
        "۰۹۱۲ ١٢٣ 4567",  # mixed scripts
    ],
)
def test_normalize_mobile_accepts(text: str) -> None:
    assert normalize_mobile(text) == EXPECTED


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "+",
        "02112345678",  # Tehran landline
        "+982112345678",
        "982112345678",
        "2112345678",
        "0912123456",  # too short
        "091212345678",  # too long
        "912123456",
        "91212345678",
        "+9891212345678",
        "+449121234567",  # not Iran
        "0912123456a",
        "0912۱۲۳abcd",
        "09121234567 ext 2",
        "+98+9121234567",
        "0+9121234567",
        "0009121234567",
        "00912 1234567",
        "++989121234567",
        "abc",
    ],
)
def test_normalize_mobile_rejects(text: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_mobile(text)


def test_invalid_phone_is_value_error() -> None:
    with pytest.raises(ValueError):
        normalize_mobile("123")


_nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(_nine_digits)
def test_mobile_variants_agree(n: str) -> None:
    expected = "+989" + n
    variants = ["09" + n, "9" + n, "+989" + n, "00989" + n, "989" + n, "+98 09" + n]
    variants += [to_persian_digits(v) for v in variants] + [v.translate(TO_ARABIC_DIGITS) for v in variants]
    for v in variants:
        assert normalize_mobile(v) == expected, v


@given(_nine_digits, st.sampled_from("012345678"))
def test_non_mobile_prefix_rejected(n: str, first: str) -> None:
    # Iranian mobiles are exactly 0 + 9 + nine digits; any other leading digit is not a mobile.
    with pytest.raises(InvalidPhone):
        normalize_mobile("0" + first + n)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("989121234567", EXPECTED),  # Telegram sends phone_number without '+'
        ("+989121234567", EXPECTED),
        ("09121234567", EXPECTED),
        ("9121234567", EXPECTED),
        ("۰۹۱۲۱۲۳۴۵۶۷", EXPECTED),
        ("00989121234567", EXPECTED),
        ("+44 7911 123456", "+447911123456"),
        ("447911123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+1 (202) 555-0143", "+12025550143"),
        ("12025550143", "+12025550143"),
        ("+۴۹۳۰۱۲۳۴۵۶۷۸", "+493012345678"),
        ("+12345678", "+12345678"),  # 8 digits: shortest accepted
        ("+123456789012345", "+123456789012345"),  # 15 digits: E.164 maximum
    ],
)
def test_normalize_any_phone_accepts(text: str, expected: str) -> None:
    assert normalize_any_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "+1234567",  # 7 digits
        "+1234567890123456",  # 16 digits
        "+0123456789",
        "+982112345678",  # Iranian landline goes through mobile rules
        "982112345678",
        "02112345678",
        "1234",
        "+44 7911 12345a",
        "phone",
    ],
)
def test_normalize_any_phone_rejects(text: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_any_phone(text)


@given(_nine_digits)
def test_any_phone_agrees_with_mobile_for_iranian_numbers(n: str) -> None:
    for v in ("09" + n, "9" + n, "+989" + n, "989" + n, "00989" + n):
        assert normalize_any_phone(v) == normalize_mobile(v) == "+989" + n


@given(st.text(alphabet="0123456789", min_size=7, max_size=14), st.sampled_from("1234567"))
def test_any_phone_international_form(rest: str, first: str) -> None:
    # Country codes starting 1–7 never collide with Iran's 98.
    digits = first + rest
    assert normalize_any_phone("+" + digits) == "+" + digits


# --- national codes -----------------------------------------------------------------


def _check_digit(first_nine: str) -> int:
    s = sum(int(ch) * (10 - i) for i, ch in enumerate(first_nine)) % 11
    return s if s < 2 else 11 - s


def _weighted_mod(first_nine: str) -> int:
    return sum(int(ch) * (10 - i) for i, ch in enumerate(first_nine)) % 11


@pytest.mark.parametrize(
    "text",
    [
        "0012345679",
        "1234567891",
        "0499370899",
        "۰۴۹۹۳۷۰۸۹۹",
        "٠٤٩٩٣٧٠٨٩٩",
        "049-937089-9",
        " 0499370899 ",
        "499370899",  # 9 digits: leading zero omitted
        "12345679",  # 8 digits: two leading zeros omitted
        "1234567881",  # check digit 1 collision, see test_single_digit_change below
    ],
)
def test_valid_national_codes(text: str) -> None:
    assert is_valid_national_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0012345678",  # wrong check digit
        "1234567890",
        "0499370898",
        "1234567",  # too short even with padding
        "12345678901",  # too long
        "049937089a",
        "049937089٩x",
        "0499 3708 99 1",
        "0.499370899",
    ],
)
def test_invalid_national_codes(text: str) -> None:
    assert not is_valid_national_code(text)


@pytest.mark.parametrize("digit", "0123456789")
def test_all_same_digit_codes_rejected_despite_checksum(digit: str) -> None:
    code = digit * 10
    # Every all-same code satisfies the checksum; that is why they need an explicit rule.
    assert _check_digit(code[:9]) == int(digit)
    assert not is_valid_national_code(code)
    with pytest.raises(InvalidNationalCode):
        normalize_national_code(code)


def test_padding_cannot_produce_all_zero_code() -> None:
    assert not is_valid_national_code("00000000")


def test_normalize_national_code() -> None:
    assert normalize_national_code("۰۴۹۹۳۷۰۸۹۹") == "0499370899"
    assert normalize_national_code("499370899") == "0499370899"
    assert normalize_national_code("12345679") == "0012345679"
    with pytest.raises(InvalidNationalCode):
        normalize_national_code("0499370898")
    with pytest.raises(ValueError):
        normalize_national_code("abc")


@given(_nine_digits)
def test_generated_codes_validate(first_nine: str) -> None:
    code = first_nine + str(_check_digit(first_nine))
    expected_valid = len(set(code)) > 1
    assert is_valid_national_code(code) is expected_valid
    assert is_valid_national_code(to_persian_digits(code)) is expected_valid
    if expected_valid:
        assert normalize_national_code(code) == code
        # Dropping up to two leading zeros is tolerated.
        stripped = code.lstrip("0")
        if len(stripped) >= 8:
            assert normalize_national_code(stripped) == code


@given(_nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_single_digit_change(first_nine: str, pos: int, delta: int) -> None:
    code = first_nine + str(_check_digit(first_nine))
    changed_digit = (int(code[pos]) + delta) % 10
    mutated = code[:pos] + str(changed_digit) + code[pos + 1 :]
    assert mutated != code
    if not is_valid_national_code(mutated):
        return
    # The checksum does not catch every single-digit error.  Weights 2..10 are non-zero
    # mod 11 (a prime), so a change to digits 0..8 always changes s; but the check digit
    # maps both s == 1 and s == 10 to 1.  So a mutation survives only when it swaps s
    # between 1 and 10 (check digit 1).  Changing the check digit itself is always caught.
    assert pos < 9
    assert code[9] == "1"
    assert {_weighted_mod(first_nine), _weighted_mod(mutated[:9])} == {1, 10}


def test_single_digit_change_undetected_example() -> None:
    # s("123456789") == 1 and s("123456788") == 10: both give check digit 1.
    assert _weighted_mod("123456789") == 1
    assert _weighted_mod("123456788") == 10
    assert is_valid_national_code("1234567891")
    assert is_valid_national_code("1234567881")


@given(_nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_single_digit_change_caught_when_check_digit_not_one(first_nine: str, pos: int, delta: int) -> None:
    code = first_nine + str(_check_digit(first_nine))
    if code[9] == "1":
        return
    mutated = code[:pos] + str((int(code[pos]) + delta) % 10) + code[pos + 1 :]
    assert not is_valid_national_code(mutated)
