"""Tracking codes: nine digits a resident is given for a request, shown in three groups, read back
from whatever they type or paste, drawn at random for a new request."""

from __future__ import annotations

import secrets
import string

from sqlalchemy.ext.asyncio import AsyncSession

from models import requests_repo
from services.persian import normalize_digits, to_persian_digits

__all__ = [
    "TRACKING_CODE_DIGITS",
    "format_tracking_code",
    "new_tracking_code",
    "parse_tracking_code",
    "reversed_tracking_code",
]

TRACKING_CODE_DIGITS = 9


def format_tracking_code(code: str, locale: str = "fa") -> str:
    """123456789 → ۱۲۳-۴۵۶-۷۸۹: three groups read aloud easily."""
    grouped = "-".join(code[i : i + 3] for i in range(0, len(code), 3))
    return to_persian_digits(grouped) if locale == "fa" else grouped


def parse_tracking_code(text: str) -> str | None:
    """The code in whatever the resident typed or pasted (Persian, Arabic-Indic or Latin digits,
    dashes, spaces, the invisible bidi marks copied with it), or None."""
    digits = "".join(ch for ch in normalize_digits(text) if ch in string.digits)
    return digits if len(digits) == TRACKING_CODE_DIGITS else None


def reversed_tracking_code(code: str) -> str:
    """778434565 → 565434778: the groups in the order a right-to-left line may have shown them."""
    groups = [code[i : i + 3] for i in range(0, len(code), 3)]
    return "".join(reversed(groups))


async def new_tracking_code(session: AsyncSession) -> str:
    """A random code no request has yet."""
    while True:
        code = f"{secrets.randbelow(10**TRACKING_CODE_DIGITS):0{TRACKING_CODE_DIGITS}d}"
        if not await requests_repo.code_taken(session, code):
            return code
