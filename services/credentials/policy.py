"""What the deployment decides about letters and cards: the secret that signs card tokens, the
public address their QR codes point to, and how long a card is valid."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_CARD_VALID_DAYS", "CredentialPolicy"]

DEFAULT_CARD_VALID_DAYS = 730


@dataclass(frozen=True)
class CredentialPolicy:
    secret: bytes
    # Where `/verify/<token>` is served (the bot's web app), without a trailing slash.
    base_url: str
    card_valid_days: int = DEFAULT_CARD_VALID_DAYS

    def verify_link(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/verify/{token}"
