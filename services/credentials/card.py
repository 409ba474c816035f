"""The ID card as a PNG at ID-1 proportions (85.6 × 54 mm at 300 dpi: 1011 × 638 px): a header
band, the holder's photo, name, role, neighbourhood and county, the card number, issue and expiry
dates, and a QR code of the signed verification link.

The words come from the caller, already in the reader's language; this module only lays them
out, right to left for Persian (the photo on the right, the code on the left), shaped by libraqm
when Pillow has it, else by arabic-reshaper and python-bidi (as `services.poster` does).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import qrcode
from PIL import Image, ImageDraw, ImageFont, ImageOps
from qrcode.constants import ERROR_CORRECT_Q

from services.poster import BOLD_FONT, REGULAR_FONT, raqm_available

__all__ = ["CARD_DPI", "CARD_SIZE", "Card", "CardFace", "render_card"]

CARD_SIZE = (1011, 638)
CARD_DPI = 300
QR_QUIET_ZONE = 4
HEADER = 112
FOOTER = 58
MARGIN = 36
PHOTO_BOX = (216, 288)
# The code with its quiet zone: a link of ~60 characters is a version-5 code at level Q (37
# modules), so 6 px (0.5 mm) a module.
QR_SIDE = 330
GREEN = (27, 122, 84)
PALE = (236, 244, 240)
INK = (33, 37, 41)
GREY = (95, 99, 104)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class CardFace:
    """The words on the card, already in the reader's language (`rtl` for Persian)."""

    title: str  # «کارت شناسایی»
    subtitle: str  # the programme or the issuing office
    name: str
    lines: tuple[str, ...]  # role, neighbourhood, county, number, issued, expires
    footer: str  # how to check it
    link: str  # encoded in the QR code
    photo: bytes | None = None
    rtl: bool = True


@dataclass(frozen=True)
class Card:
    png: bytes
    # Where the QR code's modules are (left, top; quiet zone excluded), for tests to read it back.
    qr_left: int
    qr_top: int
    module_size: int
    modules: int


class _Writer:
    """Draws one line of text at a right (or left) edge, shaped whichever way Pillow can."""

    def __init__(self, canvas: ImageDraw.ImageDraw, rtl: bool) -> None:
        self.canvas, self.rtl, self.raqm = canvas, rtl, raqm_available()

    def font(self, bold: bool, size: int) -> ImageFont.FreeTypeFont:
        engine = ImageFont.Layout.RAQM if self.raqm else ImageFont.Layout.BASIC
        return ImageFont.truetype(str(BOLD_FONT if bold else REGULAR_FONT), size, layout_engine=engine)

    def _prepared(self, text: str) -> tuple[str, dict[str, str]]:
        if self.raqm:
            return text, {"direction": "rtl", "language": "fa"} if self.rtl else {"direction": "ltr"}
        if not self.rtl:
            return text, {}
        import arabic_reshaper
        from bidi.algorithm import get_display

        return str(get_display(arabic_reshaper.reshape(text), base_dir="R")), {}

    def width(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        shown, options = self._prepared(text)
        return font.getlength(shown, **options)  # type: ignore[arg-type]

    def fitting(self, text: str, bold: bool, sizes: range, width: int) -> ImageFont.FreeTypeFont:
        """The largest size at which `text` fits `width` (the smallest otherwise)."""
        font = self.font(bold, sizes[-1])
        for size in sizes:
            candidate = self.font(bold, size)
            if self.width(text, candidate) <= width:
                return candidate
        return font

    def line(
        self, x: int, y: int, text: str, font: ImageFont.FreeTypeFont, fill: tuple[int, int, int]
    ) -> None:
        """`text` with its top at `y`, ending at `x` (right to left) or starting there."""
        shown, options = self._prepared(text)
        anchor = "ra" if self.rtl else "la"
        self.canvas.text((x, y), shown, font=font, fill=fill, anchor=anchor, **options)  # type: ignore[arg-type]

    def centred(
        self, x: int, y: int, text: str, font: ImageFont.FreeTypeFont, fill: tuple[int, int, int]
    ) -> None:
        shown, options = self._prepared(text)
        self.canvas.text((x, y), shown, font=font, fill=fill, anchor="ma", **options)  # type: ignore[arg-type]


def _qr_matrix(link: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0)
    code.add_data(link)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def _draw_qr(canvas: ImageDraw.ImageDraw, link: str, x: int, y: int, side: int) -> tuple[int, int, int, int]:
    """The code with its quiet zone in a `side` square at (x, y); (left, top, module, modules)."""
    matrix = _qr_matrix(link)
    modules = len(matrix)
    module = side // (modules + 2 * QR_QUIET_ZONE)
    drawn = module * (modules + 2 * QR_QUIET_ZONE)
    x, y = x + (side - drawn) // 2, y + (side - drawn) // 2
    canvas.rectangle((x, y, x + drawn - 1, y + drawn - 1), fill=WHITE)
    left, top = x + QR_QUIET_ZONE * module, y + QR_QUIET_ZONE * module
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                x0, y0 = left + c * module, top + r * module
                canvas.rectangle((x0, y0, x0 + module - 1, y0 + module - 1), fill=(0, 0, 0))
    return left, top, module, modules


def _draw_photo(
    image: Image.Image, canvas: ImageDraw.ImageDraw, photo: bytes | None, box: tuple[int, int]
) -> None:
    x, y = box
    w, h = PHOTO_BOX
    canvas.rectangle((x - 3, y - 3, x + w + 2, y + h + 2), fill=PALE, outline=GREEN, width=3)
    if photo is not None:
        try:
            with Image.open(io.BytesIO(photo)) as opened:
                picture = ImageOps.fit(opened.convert("RGB"), PHOTO_BOX)
            image.paste(picture, (x, y))
            return
        except (OSError, ValueError):
            pass  # a photo that can't be read: the outline of a person instead
    canvas.ellipse((x + w // 2 - 48, y + 52, x + w // 2 + 48, y + 148), fill=(190, 205, 198))
    canvas.pieslice((x + 28, y + 165, x + w - 28, y + h + 120), 180, 360, fill=(190, 205, 198))


_RENDERING = threading.Lock()


def render_card(face: CardFace) -> Card:
    """Draw the card (PNG, 300 dpi). Thread-safe: the bot renders it off the event loop."""
    with _RENDERING:
        return _render(face)


def _render(face: CardFace) -> Card:
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, WHITE)
    canvas = ImageDraw.Draw(image)
    writer = _Writer(canvas, face.rtl)
    canvas.rectangle((0, 0, width, HEADER), fill=GREEN)
    canvas.rectangle((0, height - FOOTER, width, height), fill=GREEN)
    writer.centred(width // 2, 14, face.title, writer.font(True, 44), WHITE)
    writer.centred(
        width // 2,
        68,
        face.subtitle,
        writer.fitting(face.subtitle, False, range(26, 17, -1), width - 80),
        WHITE,
    )

    body_top = HEADER + 26
    photo_x = width - MARGIN - PHOTO_BOX[0] if face.rtl else MARGIN
    _draw_photo(image, canvas, face.photo, (photo_x, body_top))
    qr_x = MARGIN - 12 if face.rtl else width - MARGIN - QR_SIDE + 12
    qr_y = HEADER + (height - HEADER - FOOTER - QR_SIDE) // 2
    left, top, module, modules = _draw_qr(canvas, face.link, qr_x, qr_y, QR_SIDE)

    # The words between the code and the photo.
    text_right = photo_x - 24 if face.rtl else photo_x + PHOTO_BOX[0] + 24
    column = text_right - (qr_x + QR_SIDE + 8) if face.rtl else qr_x - 8 - text_right
    edge = text_right
    name_font = writer.fitting(face.name, True, range(40, 23, -2), column)
    writer.line(edge, body_top, face.name, name_font, INK)
    y = body_top + 62
    for index, text in enumerate(face.lines):
        font = writer.fitting(text, index == 0, range(27, 17, -1), column)
        writer.line(edge, y, text, font, GREEN if index == 0 else INK if index < 3 else GREY)
        y += 46 if index == 0 else 40
    writer.centred(
        width // 2,
        height - FOOTER + 12,
        face.footer,
        writer.fitting(face.footer, False, range(24, 15, -1), width - 60),
        WHITE,
    )

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(CARD_DPI, CARD_DPI))
    return Card(buffer.getvalue(), left, top, module, modules)
