"""Validation and normalisation of Iranian mobile numbers and national codes (کد ملی)."""

from __future__ import annotations

import re

from services.persian import normalize_text

__all__ = [
    "InvalidNationalCode",
    "InvalidPhone",
    "is_valid_national_code",
    "normalize_any_phone",
    "normalize_mobile",
    "normalize_national_code",
]

# Separators people type or paste inside numbers: spaces, (Unicode) dashes, parentheses, dots.
_PHONE_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015\u2212().]")
_PHONE_SHAPE_RE = re.compile(r"\+?[0-9]+")
_CODE_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015\u2212]")
_IR_MOBILE_NATIONAL_RE = re.compile(r"9[0-9]{9}")  # 10 significant digits, starts with 9


class InvalidPhone(ValueError):
    """The text is not an acceptable phone number."""


class InvalidNationalCode(ValueError):
    """The text is not a valid Iranian national code."""


def _clean_phone(text: str) -> str:
    # normalize_text converts Persian/Arabic digits and removes LRM/RLM marks that
    # messengers and phone books wrap around numbers.
    cleaned = _PHONE_SEPARATORS_RE.sub("", normalize_text(text))
    if not _PHONE_SHAPE_RE.fullmatch(cleaned):
        raise InvalidPhone(text)
    return cleaned


def normalize_mobile(text: str) -> str:
    """Return an Iranian mobile number as ``+989XXXXXXXXX`` or raise :class:`InvalidPhone`.

    Accepts 09…, 9…, +989…, 00989…, 989… (and the common ``+98 0912…`` slip), with any
    digit script and spaces, dashes or parentheses.
    """
    cleaned = _clean_phone(text)
    if cleaned.startswith("+"):
        digits = cleaned[1:]
        if not digits.startswith("98"):
            raise InvalidPhone(text)
        national = digits[2:]
    elif cleaned.startswith("0098"):
        national = cleaned[4:]
    elif cleaned.startswith("98") and len(cleaned) in (12, 13):
        # Length decides between country code 98 and a bare national number starting 98….
        national = cleaned[2:]
    else:
        national = cleaned
    # A single trunk 0 is allowed both in national form and after +98 (users write both).
    if len(national) == 11 and national.startswith("0"):
        national = national[1:]
    if not _IR_MOBILE_NATIONAL_RE.fullmatch(national):
        raise InvalidPhone(text)
    return "+98" + national


def normalize_any_phone(text: str) -> str:
    """Return ``+`` followed by 8–15 digits; Iranian numbers must be valid mobiles.

    Meant for contacts shared via the messenger, whose ``phone_number`` is international
    but may lack the ``+``.  A bare 10-digit number starting with 9 is read as an Iranian
    mobile without its leading 0 (this bot's users are in Iran).
    """
    cleaned = _clean_phone(text)
    if cleaned.startswith("+"):
        digits = cleaned[1:]
    elif cleaned.startswith("00"):
        digits = cleaned[2:]
    elif cleaned.startswith("0") or _IR_MOBILE_NATIONAL_RE.fullmatch(cleaned):
        # National (trunk-prefixed or bare) form can only be Iranian here.
        return normalize_mobile(cleaned)
    else:
        digits = cleaned
    if digits.startswith("98"):
        return normalize_mobile("+" + digits)
    if not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise InvalidPhone(text)
    return "+" + digits


def _checksum_digit(first_nine: str) -> int:
    s = sum(int(ch) * (10 - i) for i, ch in enumerate(first_nine)) % 11
    return s if s < 2 else 11 - s


def _clean_national_code(text: str) -> str | None:
    cleaned = _CODE_SEPARATORS_RE.sub("", normalize_text(text))
    if not (cleaned.isascii() and cleaned.isdigit()) or not 8 <= len(cleaned) <= 10:
        return None
    # Codes starting with 0 are often stored/typed without their leading zeros.
    code = cleaned.zfill(10)
    if len(set(code)) == 1:
        # Every all-same-digit code satisfies the checksum, but none is ever issued.
        return None
    if _checksum_digit(code[:9]) != int(code[9]):
        return None
    return code


def is_valid_national_code(text: str) -> bool:
    """Return whether ``text`` is a valid Iranian national code (کد ملی)."""
    return _clean_national_code(text) is not None


def normalize_national_code(text: str) -> str:
    """Return the national code as 10 ASCII digits or raise :class:`InvalidNationalCode`."""
    code = _clean_national_code(text)
    if code is None:
        raise InvalidNationalCode(text)
    return code
