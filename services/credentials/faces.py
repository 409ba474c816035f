"""The words on a letter or card, from the catalogs in the reader's language, and the finished
file: what the chat sends as a document and the command line writes.

The renderers (:mod:`services.credentials.letter`: fpdf2 and HarfBuzz; :mod:`.card`: Pillow and
qrcode) are imported by the functions that use them, not with this module: the bot imports it at
start, and those libraries would add a second to every start for a document rarely asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.training import DocumentKind
from services.credentials.documents import DocumentView
from services.i18n import BoundTranslator
from services.jalali import format_jalali_date, tehran_today

if TYPE_CHECKING:
    from services.credentials.card import CardFace
    from services.credentials.letter import LetterText

__all__ = ["RenderedDocument", "card_face", "letter_text", "render_document"]


@dataclass(frozen=True)
class RenderedDocument:
    filename: str
    data: bytes


def card_face(t: BoundTranslator, view: DocumentView) -> CardFace:
    from services.credentials.card import CardFace

    assert view.link is not None and view.expires_on is not None, "a card has a link and an expiry"
    issued = tehran_today(view.issued_at)
    return CardFace(
        title=t("card-title"),
        subtitle=t("card-subtitle", county=view.county, province=view.province),
        name=view.name,
        lines=(
            t(f"role-{view.role.value}"),
            t("card-neighbourhood", name=view.neighbourhood),
            t("card-county", name=view.county),
            t("card-number", number=view.number),
            t("card-issued", date=format_jalali_date(issued, t.locale)),
            t("card-expires", date=format_jalali_date(view.expires_on, t.locale)),
        ),
        footer=t("card-footer"),
        link=view.link,
        photo=view.photo,
        rtl=t.locale == "fa",
    )


def letter_text(t: BoundTranslator, view: DocumentView) -> LetterText:
    from services.credentials.letter import LetterText

    role = t(f"role-{view.role.value}")
    places = {"role": role, "neighbourhood": view.neighbourhood, "county": view.county}
    body = (
        t("letter-body-course", course=view.course_title, **places)
        if view.course_title
        else t("letter-body", **places)
    )
    return LetterText(
        heading=t("letter-heading"),
        office=t("letter-office", county=view.county),
        number=t("letter-number", number=view.number),
        date=t("letter-date", date=format_jalali_date(tehran_today(view.issued_at), t.locale)),
        title=t("letter-title"),
        salutation=t("letter-salutation", name=view.name),
        body=(body, t("letter-duties")),
        signature=(t("letter-signature-office", county=view.county), t("letter-signature-hint")),
        footer=t("letter-footer", number=view.number),
        rtl=t.locale == "fa",
    )


def render_document(t: BoundTranslator, view: DocumentView) -> RenderedDocument:
    """The letter as PDF or the card as PNG. Slow (tens to hundreds of milliseconds): callers on
    the event loop run it in a thread."""
    from services.credentials.card import render_card
    from services.credentials.letter import render_letter

    if view.kind == DocumentKind.LETTER:
        return RenderedDocument(f"letter-{view.number}.pdf", render_letter(letter_text(t, view)))
    return RenderedDocument(f"card-{view.number}.png", render_card(card_face(t, view)).png)
