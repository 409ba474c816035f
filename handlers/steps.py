"""Answers that several forms read the same way, beside the form toolkit (`handlers.forms`): each
takes the message a person sent at a step and gives back the value, or says what was wrong (the
form's own catalog message) and gives back None, the step staying where it is.

* `typed_phone`: a mobile number, typed or shared with the contact button (the council forms,
  /liaisons, /grant and /revoke).
"""

from __future__ import annotations

from aiogram.types import Message

from services.i18n import BoundTranslator
from services.identity_validation import InvalidPhone, normalize_mobile


async def typed_phone(message: Message, t: BoundTranslator, bad: str = "member-bad-phone") -> str | None:
    """The mobile number in `message` (a shared contact's, or the text), normalised; None after
    saying `bad`."""
    raw = message.contact.phone_number if message.contact else (message.text or "")
    try:
        return normalize_mobile(raw)
    except InvalidPhone:
        await message.answer(t(bad))
        return None
