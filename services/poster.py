"""A printable poster of a neighbourhood's joining link: the neighbourhood's name, a call to join,
a large QR code of the `/start n_<code>` deep link and the link itself, as an A5 portrait PNG.

The words come from the caller (the handler renders them from the locales); this module only
lays them out. Persian is shaped and set right to left: by libraqm when Pillow has it, otherwise
with arabic-reshaper and python-bidi before drawing with Pillow's basic layout. The Vazirmatn
font ships in `services/assets/fonts` (SIL Open Font License), so nothing is fetched at run time.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont, features
from qrcode.constants import ERROR_CORRECT_Q
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.identity import Neighbourhood, Role, ScopeKind
from services.authz import Actor, PermissionDenied, require_neighbourhood_manager

__all__ = [
    "POSTER_SIZE",
    "QR_QUIET_ZONE",
    "Poster",
    "PosterSubject",
    "PosterText",
    "poster_subject",
    "qr_modules",
    "raqm_available",
    "render_poster",
]

FONTS_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
REGULAR_FONT = FONTS_DIR / "Vazirmatn-Regular.ttf"
BOLD_FONT = FONTS_DIR / "Vazirmatn-Bold.ttf"

# A5 portrait at 150 dpi: prints sharp on A5 and still well on A4.
POSTER_SIZE = (1240, 1748)
# The QR standard asks for four light modules around the code; scanners fail without them.
QR_QUIET_ZONE = 4
# Q recovers a quarter of the code: a poster on a wall gets dirty, torn and creased.
QR_ERROR_CORRECTION = ERROR_CORRECT_Q
# The code's side with its quiet zone, at most; the module size is the whole pixels that fit.
QR_MAX_SIDE = 780

MARGIN = 90
# Never less white than this between the bands and the words, nor smaller modules than this.
MIN_PADDING = 24
MIN_MODULE_SIZE = 8
HEADER_HEIGHT = 220
FOOTER_HEIGHT = 36
GREEN = (27, 122, 84)
INK = (33, 37, 41)
GREY = (95, 99, 104)
FRAME = (205, 211, 215)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class PosterText:
    """The words on the poster, already in the reader's language."""

    brand: str  # the bot's name, in the header band
    title: str  # the neighbourhood's name
    call: str  # a short call to join
    hint: str  # how to use the code ("scan with your phone's camera")
    link: str  # the deep link: encoded in the QR code and printed under it


@dataclass(frozen=True)
class Poster:
    png: bytes
    # Where the QR code's modules are drawn (left, top; quiet zone excluded), the pixels per
    # module and the module count per side: what a test needs to read the code back.
    qr_left: int
    qr_top: int
    module_size: int
    modules: int


@dataclass(frozen=True)
class PosterSubject:
    neighbourhood_id: int
    name: str
    code: str


async def poster_subject(
    session: AsyncSession, *, actor: Actor, neighbourhood_id: int | None = None
) -> PosterSubject:
    """The neighbourhood whose joining poster the actor asks for: `neighbourhood_id`, or else the
    one they manage. Raises `PermissionDenied` unless they manage it or are an official above it,
    and `UnknownScope` for an unknown id."""
    if neighbourhood_id is None:
        neighbourhood_id = next(
            (
                grant.scope_id
                for grant in actor.grants
                if grant.role == Role.MANAGER and grant.scope_kind == ScopeKind.NEIGHBOURHOOD
            ),
            None,
        )
        if neighbourhood_id is None:
            raise PermissionDenied("poster")
    await require_neighbourhood_manager(session, actor, neighbourhood_id, "poster")
    row = (
        await session.execute(
            select(Neighbourhood.name, Neighbourhood.code).where(Neighbourhood.id == neighbourhood_id)
        )
    ).one()
    return PosterSubject(neighbourhood_id, row.name, row.code)


def raqm_available() -> bool:
    """Whether Pillow can shape text itself (libraqm with FriBiDi found at run time)."""
    return bool(features.check_feature("raqm") and features.check_feature("fribidi"))


def qr_modules(link: str) -> list[list[bool]]:
    """The QR code of `link` as rows of dark (True) and light modules, quiet zone excluded."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=0)
    code.add_data(link)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


class _Typesetter:
    """Measures and draws lines of text, right to left or left to right, with either layout engine."""

    def __init__(self, use_raqm: bool) -> None:
        self.use_raqm = use_raqm

    def font(self, bold: bool, size: int) -> ImageFont.FreeTypeFont:
        return _font(BOLD_FONT if bold else REGULAR_FONT, size, self.use_raqm)

    def _visual(self, text: str, rtl: bool) -> str:
        # Without raqm Pillow draws code points left to right as they come: join the letters
        # (presentation forms) and put them in display order first. python-bidi's pure-Python
        # algorithm, unlike its default one, also mirrors «» and () in right-to-left runs.
        if self.use_raqm or not rtl:
            return text
        import arabic_reshaper
        from bidi.algorithm import get_display

        return str(get_display(arabic_reshaper.reshape(text), base_dir="R"))

    def _options(self, rtl: bool) -> dict[str, str]:
        if not self.use_raqm:
            return {}
        return {"direction": "rtl", "language": "fa"} if rtl else {"direction": "ltr"}

    def width(self, text: str, font: ImageFont.FreeTypeFont, rtl: bool) -> float:
        return font.getlength(self._visual(text, rtl), **self._options(rtl))  # type: ignore[arg-type]

    def draw(
        self,
        canvas: ImageDraw.ImageDraw,
        centre_x: int,
        top: int,
        text: str,
        font: ImageFont.FreeTypeFont,
        fill: tuple[int, int, int],
        rtl: bool,
    ) -> None:
        canvas.text(
            (centre_x, top),
            self._visual(text, rtl),
            font=font,
            fill=fill,
            anchor="ma",
            **self._options(rtl),  # type: ignore[arg-type]
        )

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int, rtl: bool) -> list[str]:
        """Words in logical order, broken into lines no wider than `width` (a longer word stays whole)."""
        lines: list[str] = []
        for word in text.split():
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and self.width(candidate, font, rtl) <= width:
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    def fit(
        self, text: str, *, bold: bool, sizes: Sequence[int], width: int, max_lines: int, rtl: bool
    ) -> tuple[ImageFont.FreeTypeFont, list[str]]:
        """The largest size at which `text` fits in `max_lines` lines of `width`; else the smallest,
        cut after `max_lines` lines with an ellipsis."""
        for size in sizes:
            font = self.font(bold, size)
            lines = self.wrap(text, font, width, rtl)
            if len(lines) <= max_lines and all(self.width(line, font, rtl) <= width for line in lines):
                return font, lines
        font = self.font(bold, sizes[-1])
        lines = self.wrap(text, font, width, rtl)
        if len(lines) > max_lines:
            # Cut, and say so: a word makes room for the ellipsis.
            last = lines[max_lines - 1].rsplit(" ", 1)[0]
            lines = [*lines[: max_lines - 1], f"{last} …"]
        return font, lines


@lru_cache(maxsize=32)
def _font(path: Path, size: int, use_raqm: bool) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if use_raqm else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return ascent + descent


def _split_link(link: str, typesetter: _Typesetter, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """A link has no spaces to break at: cut it where the line is full (before `?` if possible)."""
    if typesetter.width(link, font, rtl=False) <= width:
        return [link]
    head, mark, tail = link.partition("?")
    if mark and typesetter.width(head, font, rtl=False) <= width:
        return [head, mark + tail]
    lines, current = [], ""
    for char in link:
        if current and typesetter.width(current + char, font, rtl=False) > width:
            lines.append(current)
            current = ""
        current += char
    return [*lines, current]


# The cached fonts (FreeType faces) must not be used by two threads at once; posters are rare.
_RENDERING = threading.Lock()


def render_poster(text: PosterText, *, use_raqm: bool | None = None) -> Poster:
    """Draw the poster (PNG). `use_raqm` None picks libraqm when Pillow has it. Thread-safe: the
    bot renders in a worker thread, off the event loop."""
    with _RENDERING:
        return _render(text, use_raqm)


@dataclass(frozen=True)
class _Block:
    """Lines of text set in one font and colour, drawn centred one under another."""

    font: ImageFont.FreeTypeFont
    lines: list[str]
    fill: tuple[int, int, int]
    rtl: bool = True

    @property
    def height(self) -> int:
        return len(self.lines) * _line_height(self.font)

    def draw(self, canvas: ImageDraw.ImageDraw, typesetter: _Typesetter, centre: int, top: int) -> int:
        """Draw the lines from `top` down; the y under the last one."""
        for line in self.lines:
            typesetter.draw(canvas, centre, top, line, self.font, self.fill, rtl=self.rtl)
            top += _line_height(self.font)
        return top


def _set_words(
    text: PosterText, typesetter: _Typesetter, width: int
) -> tuple[_Block, _Block, _Block, _Block]:
    """The title, the call, the hint and the link, each at the largest size that fits `width`."""
    title_font, title_lines = typesetter.fit(
        text.title, bold=True, sizes=range(120, 55, -8), width=width, max_lines=2, rtl=True
    )
    call_font, call_lines = typesetter.fit(
        text.call, bold=False, sizes=range(56, 35, -4), width=width, max_lines=3, rtl=True
    )
    hint_font, hint_lines = typesetter.fit(
        text.hint, bold=False, sizes=range(42, 27, -2), width=width, max_lines=2, rtl=True
    )
    link_font = typesetter.font(False, 40)
    for size in range(40, 31, -2):
        link_font = typesetter.font(False, size)
        if typesetter.width(text.link, link_font, rtl=False) <= width:
            break
    return (
        _Block(title_font, title_lines, GREEN),
        _Block(call_font, call_lines, INK),
        _Block(hint_font, hint_lines, GREY),
        _Block(link_font, _split_link(text.link, typesetter, link_font, width), INK, rtl=False),
    )


def _draw_qr(
    canvas: ImageDraw.ImageDraw, matrix: list[list[bool]], qr_x: int, y: int, module_size: int
) -> tuple[int, int]:
    """The code on white with its quiet zone at (`qr_x`, `y`), inside a light frame that shows
    where to aim; where its modules start (left, top)."""
    qr_side = module_size * (len(matrix) + 2 * QR_QUIET_ZONE)
    # Far enough out that the rounded corners stay off the quiet zone.
    canvas.rounded_rectangle(
        (qr_x - 16, y - 16, qr_x + qr_side + 16, y + qr_side + 16), radius=24, outline=FRAME, width=4
    )
    left = qr_x + QR_QUIET_ZONE * module_size
    top = y + QR_QUIET_ZONE * module_size
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                x0 = left + column_index * module_size
                y0 = top + row_index * module_size
                canvas.rectangle((x0, y0, x0 + module_size - 1, y0 + module_size - 1), fill=(0, 0, 0))
    return left, top


def _render(text: PosterText, use_raqm: bool | None) -> Poster:
    typesetter = _Typesetter(raqm_available() if use_raqm is None else use_raqm)
    width, height = POSTER_SIZE
    image = Image.new("RGB", POSTER_SIZE, WHITE)
    canvas = ImageDraw.Draw(image)
    centre = width // 2

    # Header band with the bot's name; a thin band at the foot frames the page.
    canvas.rectangle((0, 0, width, HEADER_HEIGHT), fill=GREEN)
    canvas.rectangle((0, height - FOOTER_HEIGHT, width, height), fill=GREEN)
    brand_font = typesetter.font(True, 96)
    brand_height = _line_height(brand_font)
    typesetter.draw(
        canvas, centre, (HEADER_HEIGHT - brand_height) // 2, text.brand, brand_font, WHITE, rtl=True
    )

    title, call, hint, link = _set_words(text, typesetter, width - 2 * MARGIN)
    gap = 40
    text_height = title.height + call.height + hint.height + link.height
    # The code gets what the words leave, up to QR_MAX_SIDE; whole pixels per module.
    room = height - HEADER_HEIGHT - FOOTER_HEIGHT - text_height - 4 * gap - 2 * MIN_PADDING
    matrix = qr_modules(text.link)
    modules = len(matrix)
    module_size = max(min(QR_MAX_SIDE, room) // (modules + 2 * QR_QUIET_ZONE), MIN_MODULE_SIZE)
    qr_side = module_size * (modules + 2 * QR_QUIET_ZONE)
    free = height - HEADER_HEIGHT - FOOTER_HEIGHT - text_height - qr_side - 4 * gap
    y = HEADER_HEIGHT + max(free // 2, MIN_PADDING)

    y = title.draw(canvas, typesetter, centre, y) + gap
    y = call.draw(canvas, typesetter, centre, y) + gap
    left, top = _draw_qr(canvas, matrix, centre - qr_side // 2, y, module_size)
    y += qr_side + gap
    y = hint.draw(canvas, typesetter, centre, y) + gap
    link.draw(canvas, typesetter, centre, y)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, dpi=(150, 150))
    return Poster(buffer.getvalue(), left, top, module_size, modules)
