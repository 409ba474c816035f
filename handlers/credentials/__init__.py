"""Appointment letters and ID cards in the chat.

* `issuing`: 📜 under a course's participant — issue both, or give a reason to override;
* `holder`: the holder's buttons and /my_documents bring each file into the chat; /card_photo;
* `verify`: /verify — a token, a link or a photo of the QR code;
* `view`: states, buttons, sending a document, reading a sent photo, the verdict's words.
"""

from __future__ import annotations

from aiogram import Router

from handlers.credentials import holder, issuing, verify
from handlers.credentials.view import CardPhotoForm, DocumentRequest, IssueForm, VerifyForm, verdict_text

__all__ = ["CardPhotoForm", "DocumentRequest", "IssueForm", "VerifyForm", "setup", "verdict_text"]


def setup() -> Router:
    router = Router(name=__name__)
    router.include_routers(issuing.setup(), holder.setup(), verify.setup())
    return router
