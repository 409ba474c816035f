"""The signed token in an ID card's QR code: short enough for a small, robust code, and useless
to forge.

A token is base64url (no padding) of 22 bytes: the card's id (4 bytes), its last valid day as
days since 2000-01-01 (2 bytes) and the first 16 bytes of an HMAC-SHA256 of those six bytes
under the deployment's secret (`CARD_SECRET`). Thirty characters; the link
`PUBLIC_BASE_URL/verify/<token>` fits a version-4 QR code. Only the canonical encoding is
accepted, so every changed character — even one that would decode to the same bytes — is
refused, and signatures are compared in constant time (`hmac.compare_digest`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["SIGNATURE_BYTES", "TOKEN_LENGTH", "CardClaim", "read_card_token", "sign_card_token", "token_in"]

_EPOCH = date(2000, 1, 1)
_PAYLOAD = struct.Struct(">IH")
SIGNATURE_BYTES = 16
TOKEN_LENGTH = 30  # base64url characters of 6 + 16 bytes
# What a token may be made of, and where one stands in a pasted link or text.
_TOKEN_RE = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")
_IN_LINK_RE = re.compile(r"/verify/([A-Za-z0-9_-]+)")
# Domain separation: a MAC made for something else with the same secret is never a card's.
_CONTEXT = b"mahalleyar/card/v1\x00"


@dataclass(frozen=True)
class CardClaim:
    """What a genuine token says: which card, valid until when."""

    card_id: int
    expires_on: date


def _mac(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, _CONTEXT + payload, hashlib.sha256).digest()[:SIGNATURE_BYTES]


def sign_card_token(card_id: int, expires_on: date, secret: bytes) -> str:
    """The token of card `card_id`, valid until `expires_on` (inclusive)."""
    days = (expires_on - _EPOCH).days
    if not 0 <= card_id < 2**32 or not 0 <= days < 2**16:
        raise ValueError("card id or expiry out of the token's range")
    payload = _PAYLOAD.pack(card_id, days)
    return base64.urlsafe_b64encode(payload + _mac(secret, payload)).decode("ascii").rstrip("=")


def read_card_token(token: str, secret: bytes) -> CardClaim | None:
    """What the token claims, if it is genuine (signed with `secret`, canonically encoded);
    None for anything else."""
    if not _TOKEN_RE.fullmatch(token):
        return None
    raw = base64.urlsafe_b64decode(token + "==")
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != token:
        return None  # unused low bits set: not a token we made
    payload, signature = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if not hmac.compare_digest(signature, _mac(secret, payload)):
        return None
    card_id, days = _PAYLOAD.unpack(payload)
    return CardClaim(card_id, _EPOCH + timedelta(days=days))


def token_in(text: str) -> str:
    """The token in what someone sent: a verification link, or the token itself (surrounding
    spaces and a trailing slash ignored). Not checked here: `read_card_token` does."""
    text = text.strip()
    found = _IN_LINK_RE.search(text)
    return found.group(1) if found else text.rstrip("/")
