"""Answers that several forms read the same way, beside the form toolkit (`handlers.forms`): each
takes the message a person sent at a step and gives back the value, or says what was wrong (the
form's own catalog message) and gives back None, the step staying where it is.

* `typed_phone`: a mobile number, typed or shared with the contact button (the council forms,
  /liaisons, /grant and /revoke).

And a neighbourhood named by typing its name or code (/join, /profile, /grant): what a search may
be (`QUERY_LIMIT`, `searchable`), the matches it offers (`neighbourhood_matches`, `match_button`)
and the one it names outright (`the_one_named`).
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, Message
from sqlalchemy.ext.asyncio import AsyncSession

from services.i18n import BoundTranslator
from services.identity_validation import InvalidPhone, normalize_mobile
from services.regions import NeighbourhoodMatch, find_neighbourhoods, normalize_code

# As long as the longest neighbourhood name the region import accepts.
QUERY_LIMIT = 150
# How many neighbourhoods a search offers, as buttons.
MATCHES_SHOWN = 5


async def typed_phone(message: Message, t: BoundTranslator, bad: str = "member-bad-phone") -> str | None:
    """The mobile number in `message` (a shared contact's, or the text), normalised; None after
    saying `bad`."""
    raw = message.contact.phone_number if message.contact else (message.text or "")
    try:
        return normalize_mobile(raw)
    except InvalidPhone:
        await message.answer(t(bad))
        return None


def searchable(query: str) -> bool:
    """Whether a search (normalised) may name a neighbourhood: not too long, a letter or digit in it."""
    return len(query) <= QUERY_LIMIT and any(c.isalnum() for c in query)


async def neighbourhood_matches(session: AsyncSession, query: str) -> list[NeighbourhoodMatch]:
    """The neighbourhoods a search matches (spelling-tolerant), best first, as many as are offered."""
    return await find_neighbourhoods(session, query, limit=MATCHES_SHOWN)


def the_one_named(matches: list[NeighbourhoodMatch], query: str) -> NeighbourhoodMatch | None:
    """The match a search names outright, so there is nothing to ask: its code, or a name only one
    of them has exactly."""
    exact = [m for m in matches if m.code == normalize_code(query) or m.score >= 1.0]
    return exact[0] if len(exact) == 1 else None


def match_button(match: NeighbourhoodMatch, t: BoundTranslator, data: CallbackData) -> InlineKeyboardButton:
    """A matching neighbourhood as a button: its name and county."""
    return InlineKeyboardButton(
        text=t("join-match-button", name=match.name, county=match.county_name), callback_data=data.pack()
    )
