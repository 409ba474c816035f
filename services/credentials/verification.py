"""Checking an ID card from its QR code's token: valid, expired, revoked or invalid, with the
holder's name, role and place when the card is genuine — never their phone. The web page
`/verify/<token>`, the chat's `/verify` and `python -m bot verify` all answer with this."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import training_repo
from models.identity import County, Neighbourhood, Person, Role
from models.training import DocumentKind, IssuedDocument
from services.credentials.tokens import read_card_token, token_in

__all__ = ["Verdict", "Verification", "verify_card"]


class Verdict(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    # Forged, altered, unreadable, or naming no card we issued.
    INVALID = "invalid"


@dataclass(frozen=True)
class Verification:
    verdict: Verdict
    # Known only for a genuine card (whatever its verdict).
    number: str | None = None
    name: str | None = None
    role: Role | None = None
    neighbourhood: str | None = None
    county: str | None = None
    expires_on: date | None = None


INVALID = Verification(Verdict.INVALID)


async def verify_card(session: AsyncSession, text: str, *, secret: bytes, today: date) -> Verification:
    """What the card behind a token (or a link holding one) is worth on `today` (Tehran's date).

    A revoked role wins over an expiry: a card whose holder lost the role says so even after it
    expired. Reads only."""
    claim = read_card_token(token_in(text), secret)
    if claim is None:
        return INVALID
    document = await session.get(IssuedDocument, claim.card_id)
    if document is None or document.kind != DocumentKind.CARD or document.expires_on != claim.expires_on:
        return INVALID  # signed by us, but not a card as issued (a database restored, say)
    row = (
        await session.execute(
            select(Person.full_name, Neighbourhood.name, County.name)
            .select_from(Person)
            .join(Neighbourhood, Neighbourhood.id == document.scope_id)
            .join(County, County.id == Neighbourhood.county_id)
            .where(Person.id == document.person_id)
        )
    ).one_or_none()
    if row is None:
        return INVALID
    if document.revoked_at is not None or not await training_repo.role_still_held(session, document):
        verdict = Verdict.REVOKED
    elif claim.expires_on < today:
        verdict = Verdict.EXPIRED
    else:
        verdict = Verdict.VALID
    return Verification(
        verdict=verdict,
        number=document.number,
        name=row[0] or "—",
        role=document.role,
        neighbourhood=row[1],
        county=row[2],
        expires_on=document.expires_on,
    )
