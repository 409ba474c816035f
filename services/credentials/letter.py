"""The appointment letter (حکم) as a one-page A4 PDF: the issuing office, the letter's number and
Jalali date, the title, the appointee's name, the body naming their role, neighbourhood and the
course they completed, and the signature block.

Drawn with fpdf2, whose text shaping (HarfBuzz, through uharfbuzz) joins Persian letters and
lays each line out right to left with the Unicode bidi algorithm, so numbers and Latin letters
inside a Persian line keep their order; the Vazirmatn font is embedded (subset). Reportlab would
need the text reshaped and reordered by hand (arabic-reshaper + python-bidi) line by line, which
breaks once a paragraph wraps. The words come from the caller, already in the reader's language.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from services.poster import BOLD_FONT, REGULAR_FONT

__all__ = ["LetterText", "render_letter"]

FAMILY = "Vazirmatn"
GREEN = (27, 122, 84)
INK = (33, 37, 41)
GREY = (95, 99, 104)
MARGIN = 22  # mm


@dataclass(frozen=True)
class LetterText:
    """The words of the letter, in the reader's language (`rtl` for Persian)."""

    heading: str  # «بسمه تعالی», or nothing
    office: str  # the issuing office
    number: str  # «شماره: L-1405-00012»
    date: str  # «تاریخ: ۱ آذر ۱۴۰۵»
    title: str  # «حکم انتصاب»
    salutation: str  # «جناب آقای/سرکار خانم …»
    body: tuple[str, ...]  # paragraphs
    signature: tuple[str, ...]  # the office, who signs
    footer: str  # the number again, and where the record is kept
    rtl: bool = True


def _pdf(rtl: bool) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font(FAMILY, "", str(REGULAR_FONT))
    pdf.add_font(FAMILY, "B", str(BOLD_FONT))
    if rtl:
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab", language="fas")
    else:
        # Left to right, each run shaped in its own script (a Persian name in an English letter).
        pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_creator("Mahalleyar")
    return pdf


def _ltr_safe(text: LetterText) -> LetterText:
    """fpdf2's bidi splits a right-to-left run at a ZWNJ when the paragraph is left to right
    («دولت‌آباد» came out as «آباددولت»): in an English letter a thin space stands in for it."""

    def safe(value: str) -> str:
        return value.replace("\u200c", "\u2009")

    return replace(
        text,
        heading=safe(text.heading),
        office=safe(text.office),
        number=safe(text.number),
        date=safe(text.date),
        title=safe(text.title),
        salutation=safe(text.salutation),
        body=tuple(safe(paragraph) for paragraph in text.body),
        signature=tuple(safe(line) for line in text.signature),
        footer=safe(text.footer),
    )


def _cell(
    pdf: FPDF,
    text: str,
    *,
    size: float,
    bold: bool = False,
    align: Align,
    colour: tuple[int, int, int] = INK,
    height: float = 8,
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*colour)
    pdf.cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


_RENDERING = threading.Lock()


def render_letter(text: LetterText) -> bytes:
    """The letter as PDF bytes (one A4 page). Thread-safe: the bot renders it off the event loop."""
    with _RENDERING:
        return _render(text)


def _render(text: LetterText) -> bytes:
    if not text.rtl:
        text = _ltr_safe(text)
    pdf = _pdf(text.rtl)
    pdf.add_page()
    start, end = (Align.R, Align.L) if text.rtl else (Align.L, Align.R)
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 190, 277)
    if text.heading:
        _cell(pdf, text.heading, size=12, align=Align.C, colour=GREY)
    # The office at the start of the line, the number and date at its end (where letters keep them).
    top = pdf.get_y() + 2
    pdf.set_y(top)
    _cell(pdf, text.office, size=13, bold=True, align=start, colour=GREEN)
    pdf.set_y(top)
    _cell(pdf, text.number, size=11, align=end)
    _cell(pdf, text.date, size=11, align=end)
    pdf.ln(6)
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(0.6)
    pdf.line(MARGIN, pdf.get_y(), 210 - MARGIN, pdf.get_y())
    pdf.ln(14)
    _cell(pdf, text.title, size=22, bold=True, align=Align.C, colour=GREEN, height=12)
    pdf.ln(10)
    _cell(pdf, text.salutation, size=14, bold=True, align=start)
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 13)
    pdf.set_text_color(*INK)
    for paragraph in text.body:
        pdf.multi_cell(0, 9, paragraph, align=start, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    pdf.set_y(215)
    for index, line in enumerate(text.signature):
        _cell(
            pdf,
            line,
            size=13 if index == 0 else 11,
            bold=index == 0,
            align=end,
            colour=INK if index == 0 else GREY,
        )
    pdf.set_y(270)
    _cell(pdf, text.footer, size=9, align=Align.C, colour=GREY, height=6)
    return bytes(pdf.output())
