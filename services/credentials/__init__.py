"""Appointment letters (حکم) and ID cards (کارت شناسایی), and checking a card.

After a course, a county official issues a neighbourhood's manager or council member an A4 PDF
letter and a card PNG whose QR code holds `PUBLIC_BASE_URL/verify/<token>`, the token signed with
the deployment's secret (HMAC-SHA256). Whoever is shown the card checks it on the web page, with
`/verify` in the chat or with `python -m bot verify`: valid, expired, revoked (the holder lost the
role) or invalid (forged or altered).

- `policy`: the secret, the public address and the card's validity;
- `tokens`: signing and reading the compact token;
- `issuing`: who may issue to whom (a completed course, or a reason), numbering, telling the holder;
- `documents`: a document as it is drawn, the holder's own documents and their photo;
- `verification`: what a token is worth today;
- `qr`: reading the QR codes in a photo;
- `card`, `letter`: drawing the PNG and the PDF; `faces`: their words from the catalogs.
"""

from services.credentials.documents import (
    DocumentView,
    HeldDocument,
    NotAPhoto,
    UnknownDocument,
    document_view,
    documents_of,
    holder_document,
    set_card_photo,
)
from services.credentials.faces import RenderedDocument, card_face, letter_text, render_document
from services.credentials.issuing import (
    APPOINTED_ROLES,
    MAX_REASON_LENGTH,
    MIN_REASON_LENGTH,
    Appointment,
    CourseNotCompleted,
    Issued,
    NotAppointed,
    UnknownPhone,
    appointments_of,
    clean_reason,
    document_buttons,
    issue_documents,
    neighbourhood_id_by_code,
    person_id_by_phone,
    qualifying_course,
)
from services.credentials.policy import DEFAULT_CARD_VALID_DAYS, CredentialPolicy
from services.credentials.qr import qr_texts
from services.credentials.tokens import CardClaim, read_card_token, sign_card_token, token_in
from services.credentials.verification import Verdict, Verification, verify_card

__all__ = [
    "APPOINTED_ROLES",
    "DEFAULT_CARD_VALID_DAYS",
    "MAX_REASON_LENGTH",
    "MIN_REASON_LENGTH",
    "Appointment",
    "CardClaim",
    "CourseNotCompleted",
    "CredentialPolicy",
    "DocumentView",
    "HeldDocument",
    "Issued",
    "NotAPhoto",
    "NotAppointed",
    "RenderedDocument",
    "UnknownDocument",
    "UnknownPhone",
    "Verdict",
    "Verification",
    "appointments_of",
    "card_face",
    "clean_reason",
    "document_buttons",
    "document_view",
    "documents_of",
    "holder_document",
    "issue_documents",
    "letter_text",
    "neighbourhood_id_by_code",
    "person_id_by_phone",
    "qr_texts",
    "qualifying_course",
    "read_card_token",
    "render_document",
    "set_card_photo",
    "sign_card_token",
    "token_in",
    "verify_card",
]
