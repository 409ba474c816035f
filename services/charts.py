"""Bar charts as PNG for the reports upward: one row per neighbourhood or county, a bar per series
(say, requests answered on time, resolutions done, meetings held), the value printed at each bar's
end, a legend and a title.

The words and numbers come from the caller (the labels already in the reader's language); this
module only lays them out, the same for any report. In fa the chart reads right to left: the row
names stand at the right, right-aligned, and the bars grow leftwards from them; the digits are
Persian («۱۲٬۵۰۰», «۴۵٪»). In en it reads left to right; Persian names of places are still set
right to left within their row.

Persian letters must be joined and ordered right to left. matplotlib ≥ 3.11 does that itself
(it lays text out with the libraqm it bundles), so the text is handed over as it is written; an
older matplotlib draws code points left to right as they come, so the text is first shaped with
arabic-reshaper and put in display order with python-bidi, as `services.poster` does for Pillow.
Doing both would set the words backwards. The Vazirmatn font ships in `services/assets/fonts` and
is given to matplotlib by its path, so nothing is fetched at run time.

Drawing uses a `matplotlib.figure.Figure` with the Agg canvas, never pyplot's global state, so
charts can be drawn in several threads at once. A chart of 40 rows takes about half a second of
CPU (60 rows, the most drawn, about a second): call `bar_chart_png` off the event loop,
`await asyncio.to_thread(bar_chart_png, ...)`, as `handlers/poster.py` does for the poster. Tall
charts are best sent as a document: messengers shrink a photo to about 1280 pixels on its longer
side.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import matplotlib.ft2font
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import blended_transform_factory
from PIL import Image

from services.persian import to_persian_digits

__all__ = [
    "CHART_WIDTH",
    "MAX_ROWS",
    "Panel",
    "Series",
    "bar_chart_png",
    "count",
    "decimal",
    "panel_chart_png",
    "percent",
]

FONTS_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
REGULAR_FONT = FONTS_DIR / "Vazirmatn-Regular.ttf"
BOLD_FONT = FONTS_DIR / "Vazirmatn-Bold.ttf"

# matplotlib 3.11 lays text out with libraqm (shaping and the bidi algorithm); before that it
# placed glyphs one after another in the order of the string.
LAYS_OUT_COMPLEX_TEXT = hasattr(matplotlib.ft2font, "__libraqm_version__")

DPI = 100
# Always this wide; the height follows the number of rows.
CHART_WIDTH = 1200
# Rows drawn at most; the rest are counted in a note under the chart. Beyond ~60 rows a chart
# stops being read, and the workbook has every row.
MAX_ROWS = 60
ROWS_LIMIT = 120  # what a caller may ask for at most: the picture must stay sendable

# Heights in inches (1 inch = DPI pixels).
MARGIN = 0.3
TITLE = 0.45
SUBTITLE = 0.32
LEGEND = 0.2  # and a line per LEGEND_COLUMNS series
LEGEND_LINE = 0.3
LEGEND_COLUMNS = 4
AXIS = 0.45
NOTE = 0.4
ROW_GAP = 0.16
BAR_MAX = 0.17
BAR_MIN = 0.08
MIN_PLOT = 1.6
# A panel (`panel_chart_png`): its heading, its rows (one bar each), its axis, the air below it.
PANEL_HEADING = 0.42
PANEL_ROW = ROW_GAP + BAR_MAX
PANEL_AXIS = 0.4
PANEL_GAP = 0.18
# Bars get thinner (down to BAR_MIN) rather than the plot growing past this.
MAX_PLOT = 36.0
# Row names take at most this share of the width; longer names are cut with an ellipsis.
LABEL_SHARE = 0.3
LABEL_PAD = 12  # pixels between the names and the bars
VALUE_PAD = 3  # points between a bar's end and its value

INK = "#212529"
GREY = "#5f6368"
LIGHT = "#dadfe3"
STRIPE = "#f2f4f5"
# Told apart also by the colour-blind (Okabe & Ito), starting with the bot's green.
PALETTE = ("#1b7a54", "#e69f00", "#0072b2", "#cc79a7", "#56b4e9", "#d55e00", "#009e73", "#f0e442")

# Latin to Persian number signs (with the digits): thousands and decimal separators, percent, minus.
_PERSIAN_NUMBER = str.maketrans({",": "٬", ".": "٫", "%": "٪", "-": "−"})
# The bidi isolates LRI, RLI, FSI and PDI, to be removed.
_NO_ISOLATES = dict.fromkeys(range(0x2066, 0x206A))


@dataclass(frozen=True)
class Series:
    """One bar per row: `values[i]` belongs to `labels[i]`; None (no data) draws no bar but a dash,
    which is not the same as a zero."""

    name: str
    values: Sequence[float | None]


def count(value: float) -> str:
    """A whole number with thousands separators: 12,500."""
    return f"{value:,.0f}"


def percent(value: float) -> str:
    """A share (0.45) as a whole percentage: 45%."""
    return f"{value:.0%}"


def decimal(value: float) -> str:
    """A number with one decimal: 3.5."""
    return f"{value:,.1f}"


def bar_chart_png(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    locale: str,
    subtitle: str | None = None,
    value_format: Callable[[float], str] = count,
    more: Callable[[int], str] | None = None,
    max_rows: int = MAX_ROWS,
) -> bytes:
    """A grouped horizontal bar chart as PNG, `CHART_WIDTH` pixels wide.

    `labels` name the rows, top to bottom, in the caller's order; each of `series` has a value per
    row. `value_format` turns a value into Latin text (`count`, `percent` for shares 0–1,
    `decimal`, or the caller's own); in fa its digits and signs become Persian. Rows beyond
    `max_rows` are left out and counted under the chart with `more(n)` (the caller's words, e.g.
    «and 12 more»; by default just «+12»). Deterministic: the same arguments give the same size.
    Raises ValueError for no series, a series whose length differs from the labels', or
    `max_rows` outside 1…ROWS_LIMIT."""
    canvas = _draw_chart(title, labels, series, locale, subtitle, value_format, more, max_rows)
    return _png(canvas)


@dataclass(frozen=True)
class Panel:
    """A small bar chart of its own in `panel_chart_png`, under its `heading`: a bar per row,
    `values[i]` belonging to `labels[i]` (None: no data, a dash). `value_format` prints the value
    at a bar's end, `tick_format` the numbers under the panel (by default `value_format`); the
    value axis covers `cover` at least (say (0, 1) for shares, so that panels compare)."""

    heading: str
    labels: Sequence[str]
    values: Sequence[float | None]
    value_format: Callable[[float], str] = count
    tick_format: Callable[[float], str] | None = None
    cover: tuple[float, float] | None = None
    # The bars' colour: its place in `PALETTE`.
    colour: int = 0


def panel_chart_png(
    title: str,
    panels: Sequence[Panel],
    *,
    locale: str,
    subtitle: str | None = None,
    note: str | None = None,
) -> bytes:
    """Small horizontal bar charts one under another, each under its heading (a question and its
    options, say), as PNG `CHART_WIDTH` pixels wide; the row names of every panel share one column
    so that the bars line up. `note` is a line under the last panel (the caller's words: what was
    left out). Laid out as `bar_chart_png` (fa right to left, Persian digits); the height follows
    the rows. Raises ValueError for no panels, a panel whose values and labels differ in number,
    or more than `ROWS_LIMIT` rows in all (a caller keeps to about `MAX_ROWS`)."""
    return _png(_draw_panels(title, panels, locale, subtitle, note))


def _png(canvas: FigureCanvasAgg) -> bytes:
    canvas.draw()
    # Opaque RGB (the chart is on white) is a tenth smaller than matplotlib's RGBA, and carries no
    # "Software" stamp: the same chart gives the same bytes whatever matplotlib drew it.
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def _draw_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    locale: str,
    subtitle: str | None,
    value_format: Callable[[float], str],
    more: Callable[[int], str] | None,
    max_rows: int,
) -> FigureCanvasAgg:
    """The chart laid out on its canvas, not yet drawn."""
    _check(labels, series, max_rows)
    shown = list(labels[:max_rows])
    hidden = len(labels) - len(shown)
    plan = _plan(len(shown), len(series), subtitle is not None, hidden > 0)
    figure = Figure(figsize=(CHART_WIDTH / DPI, plan.height_px / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    text = _Typesetter(locale, canvas.get_renderer())
    values = [list(item.values[: len(shown)]) for item in series]
    _draw_titles(figure, text, plan, title, subtitle)
    _draw_legend(figure, text, plan, series)
    axes = _place_axes(figure, text, plan, shown)
    _draw_rows(axes, text, shown)
    _draw_bars(axes, text, plan.bar / (ROW_GAP + plan.series * plan.bar), values, value_format)
    _style_value_axis(axes, text, value_format)
    if hidden:
        note = more(hidden) if more is not None else f"+{text.number(str(hidden))}"
        _draw_note(figure, text, plan, note)
    return canvas


def _check(labels: Sequence[str], series: Sequence[Series], max_rows: int) -> None:
    if not series:
        raise ValueError("a chart needs at least one series")
    for item in series:
        if len(item.values) != len(labels):
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {len(labels)} rows")
    if not 1 <= max_rows <= ROWS_LIMIT:
        raise ValueError(f"max_rows must be within 1…{ROWS_LIMIT}")


@dataclass(frozen=True)
class _Plan:
    """Where things go, in inches from the top of the figure, and how thick a bar is."""

    rows: int
    series: int
    bar: float
    height_px: int
    title_top: float
    subtitle_top: float | None
    legend_top: float
    plot_top: float
    plot_height: float
    note_top: float | None

    @property
    def height(self) -> float:
        return self.height_px / DPI

    def y(self, inches_from_top: float) -> float:
        """A figure fraction (0 at the bottom) for a height measured from the top."""
        return 1 - inches_from_top / self.height


def _plan(rows: int, series: int, has_subtitle: bool, has_note: bool) -> _Plan:
    per_row = ROW_GAP + series * BAR_MAX
    bar = BAR_MAX
    if rows and rows * per_row > MAX_PLOT:
        bar = max(BAR_MIN, (MAX_PLOT / rows - ROW_GAP) / series)
    plot_height = max(MIN_PLOT, rows * (ROW_GAP + series * bar))
    top = MARGIN
    title_top = top
    top += TITLE
    subtitle_top = None
    if has_subtitle:
        subtitle_top = top
        top += SUBTITLE
    legend_top = top
    top += LEGEND + LEGEND_LINE * math.ceil(series / LEGEND_COLUMNS)
    plot_top = top
    top += plot_height + AXIS
    note_top = None
    if has_note:
        note_top = top
        top += NOTE
    height_px = math.ceil((top + MARGIN) * DPI)
    return _Plan(
        rows, series, bar, height_px, title_top, subtitle_top, legend_top, plot_top, plot_height, note_top
    )


class _Typesetter:
    """The fonts, the direction and the digits of one locale, and the text as matplotlib needs it."""

    def __init__(self, locale: str, renderer: RendererAgg) -> None:
        self.rtl = locale == "fa"
        self.persian_digits = locale == "fa"
        self._renderer = renderer
        self._language = "fa" if self.rtl else "en"
        self._widths: dict[tuple[str, FontProperties], float] = {}

    def font(self, size: float, *, bold: bool = False) -> FontProperties:
        return FontProperties(fname=BOLD_FONT if bold else REGULAR_FONT, size=size)

    def display(self, text: str) -> str:
        """`text` as matplotlib must be given it to show it right."""
        if LAYS_OUT_COMPLEX_TEXT:
            return text
        # Join the letters (presentation forms) and put them in display order. python-bidi's
        # pure-Python algorithm, unlike its default one, also mirrors «» and () in right-to-left runs.
        # That algorithm knows no isolates (LRI…PDI, FSI…PDI): they are dropped, the text kept.
        import arabic_reshaper
        from bidi.algorithm import get_display

        text = text.translate(_NO_ISOLATES)
        return str(get_display(arabic_reshaper.reshape(text), base_dir="R" if self.rtl else None))

    def number(self, latin: str) -> str:
        """A formatted number in the reader's digits and signs."""
        if not self.persian_digits:
            return latin
        return to_persian_digits(latin.translate(_PERSIAN_NUMBER))

    def options(self, size: float, *, bold: bool = False, color: str = INK) -> dict[str, Any]:
        """Keyword arguments for a text artist: font, colour, and no mathtext (a «$» is a «$»)."""
        options: dict[str, Any] = {
            "fontproperties": self.font(size, bold=bold),
            "color": color,
            "parse_math": False,
        }
        if LAYS_OUT_COMPLEX_TEXT:
            options["language"] = self._language
        return options

    def width(self, text: str, font: FontProperties) -> float:
        """Pixels `text` (as displayed) takes in `font`."""
        key = (text, font)
        if key not in self._widths:  # a row's name is measured to fit it, then to place the plot
            width, _, _ = self._renderer.get_text_width_height_descent(self.display(text), font, ismath=False)
            self._widths[key] = float(width)
        return self._widths[key]

    def fit(self, text: str, font: FontProperties, limit: float) -> str:
        """`text`, or its longest beginning that fits in `limit` pixels with an ellipsis."""
        if self.width(text, font) <= limit:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            if self.width(text[:middle].rstrip() + "…", font) <= limit:
                low = middle
            else:
                high = middle - 1
        return text[:low].rstrip() + "…"


def _start_x(text: _Typesetter) -> tuple[float, str]:
    """Where a line starts in the reader's direction: figure fraction and alignment."""
    margin = MARGIN * DPI / CHART_WIDTH
    return (1 - margin, "right") if text.rtl else (margin, "left")


class _Frame(Protocol):
    """What the titles and the note need of a layout (`_Plan`, `_PanelPlan`)."""

    @property
    def title_top(self) -> float: ...

    @property
    def subtitle_top(self) -> float | None: ...

    @property
    def note_top(self) -> float | None: ...

    def y(self, inches_from_top: float) -> float: ...


def _draw_titles(figure: Figure, text: _Typesetter, plan: _Frame, title: str, subtitle: str | None) -> None:
    x, align = _start_x(text)
    limit = CHART_WIDTH - 2 * MARGIN * DPI
    title_font = text.font(15, bold=True)
    figure.text(
        x,
        plan.y(plan.title_top),
        text.display(text.fit(title, title_font, limit)),
        ha=align,
        va="top",
        **text.options(15, bold=True),
    )
    if subtitle is not None and plan.subtitle_top is not None:
        figure.text(
            x,
            plan.y(plan.subtitle_top),
            text.display(text.fit(subtitle, text.font(10.5), limit)),
            ha=align,
            va="top",
            **text.options(10.5, color=GREY),
        )


def _draw_legend(figure: Figure, text: _Typesetter, plan: _Plan, series: Sequence[Series]) -> None:
    handles = [
        Patch(facecolor=PALETTE[index % len(PALETTE)], label=text.display(item.name))
        for index, item in enumerate(series)
    ]
    columns = min(len(handles), LEGEND_COLUMNS)
    x, _ = _start_x(text)
    figure.legend(
        handles=_in_reading_order(handles, columns, rtl=text.rtl),
        loc="upper right" if text.rtl else "upper left",
        bbox_to_anchor=(x, plan.y(plan.legend_top + 0.05)),
        ncols=columns,
        frameon=False,
        markerfirst=not text.rtl,
        prop=text.font(10),
        handlelength=1.4,
        columnspacing=1.6,
        borderaxespad=0,
        borderpad=0,
    )


def _in_reading_order(handles: list[Patch], columns: int, *, rtl: bool) -> list[Patch]:
    """The legend's entries ordered so that they read in rows, from the right in fa. matplotlib
    fills a legend column by column, its longer columns first: the rows are made full with blank
    entries (at the end of the last row) and handed over column by column."""
    blank = Patch(visible=False, label="")
    rows = [handles[start : start + columns] for start in range(0, len(handles), columns)]
    rows[-1] = rows[-1] + [blank] * (columns - len(rows[-1]))
    if rtl:
        rows = [row[::-1] for row in rows]
    return [row[column] for column in range(columns) for row in rows]


def _place_axes(figure: Figure, text: _Typesetter, plan: _Plan, labels: Sequence[str]) -> Axes:
    """The plot area, beside a column for the row names as wide as the widest (within limits)."""
    bottom = plan.y(plan.plot_top + plan.plot_height)
    return _add_plot(
        figure, text, _names_width(text, labels), bottom, plan.plot_height / plan.height, plan.rows
    )


def _names_width(text: _Typesetter, labels: Sequence[str]) -> float:
    """Pixels the column of row names takes: the widest name (within limits) and its gap."""
    font = text.font(10)
    limit = CHART_WIDTH * LABEL_SHARE
    widest = max((text.width(text.fit(label, font, limit), font) for label in labels), default=0.0)
    return widest + LABEL_PAD


def _add_plot(
    figure: Figure, text: _Typesetter, names: float, bottom: float, height: float, rows: int
) -> Axes:
    """A plot area from `bottom`, `height` high (figure fractions), beside `names` pixels of row
    names, with one unit per row, the first at the top."""
    margin = MARGIN * DPI
    value_room = 10  # the last tick's number may stand a little past the plot's edge
    if text.rtl:
        left, right = margin + value_room, CHART_WIDTH - margin - names
    else:
        left, right = margin + names, CHART_WIDTH - margin - value_room
    axes = figure.add_axes((left / CHART_WIDTH, bottom, (right - left) / CHART_WIDTH, height))
    # One unit per row, the first row at the top.
    axes.set_ylim(max(rows, 1) - 0.5, -0.5)
    axes.set_yticks([])
    return axes


def _draw_rows(axes: Axes, text: _Typesetter, labels: Sequence[str]) -> None:
    """The row names, and a light stripe behind every other row (names and bars) to follow it."""
    across = blended_transform_factory(axes.figure.transFigure, axes.transData)
    font = text.font(10)
    limit = CHART_WIDTH * LABEL_SHARE
    margin = MARGIN * DPI / CHART_WIDTH
    if text.rtl:
        x = 1 - margin
    else:
        x = axes.get_position().x0 - LABEL_PAD / CHART_WIDTH
    for row, label in enumerate(labels):
        if row % 2:
            stripe = Rectangle(
                (margin, row - 0.5), 1 - 2 * margin, 1, transform=across, color=STRIPE, zorder=0, lw=0
            )
            axes.add_artist(stripe)
            stripe.set_clip_on(False)
        axes.text(
            x,
            row,
            text.display(text.fit(label, font, limit)),
            transform=across,
            ha="right",
            va="center",
            **text.options(10),
        )


def _draw_bars(
    axes: Axes,
    text: _Typesetter,
    bar: float,
    values: Sequence[Sequence[float | None]],
    value_format: Callable[[float], str],
    cover: tuple[float, float] | None = None,
    first_colour: int = 0,
) -> None:
    """A bar per series in each row, `bar` thick (in rows), its value at its end; a dash where
    there is no value. The value axis covers `cover` at least, when given; the series take the
    colours of `PALETTE` from `first_colour` on."""
    first = -bar * (len(values) - 1) / 2
    for index, column in enumerate(values):
        rows = [(row + first + index * bar, value) for row, value in enumerate(column)]
        half = bar * 0.45
        # One collection per series: `barh` adds a patch per bar and costs half the drawing time.
        boxes = [
            [(0.0, y - half), (value, y - half), (value, y + half), (0.0, y + half)]
            for y, value in rows
            if value is not None
        ]
        colour = PALETTE[(first_colour + index) % len(PALETTE)]
        axes.add_collection(
            PolyCollection(boxes, facecolors=colour, edgecolors="none", zorder=2), autolim=False
        )
        for y, value in rows:
            _draw_value(axes, text, y, value, value_format)
    _set_value_limits(axes, text, values, value_format, cover)


def _draw_value(
    axes: Axes, text: _Typesetter, y: float, value: float | None, value_format: Callable[[float], str]
) -> None:
    """The value just past the bar's end: rightwards in en, leftwards in fa (the axis is mirrored)
    and the other way for a negative value; a dash at the start where there is no value."""
    outward = -1 if text.rtl else 1
    if value is None:
        label, x, direction, colour = "—", 0.0, outward, GREY
    else:
        label, x, colour = text.number(value_format(value)), value, INK
        direction = outward if value >= 0 else -outward
    axes.annotate(
        label,
        (x, y),
        xytext=(VALUE_PAD * direction, 0),
        textcoords="offset points",
        ha="left" if direction > 0 else "right",
        va="center",
        zorder=3,
        **text.options(8, color=colour),
    )


def _set_value_limits(
    axes: Axes,
    text: _Typesetter,
    values: Sequence[Sequence[float | None]],
    value_format: Callable[[float], str],
    cover: tuple[float, float] | None = None,
) -> None:
    """From zero (or the lowest value) to the highest, or over `cover` when it is wider, with room
    for the longest printed value."""
    present = [value for column in values for value in column if value is not None]
    low = min([0.0, *present, *(cover or ())])
    high = max([0.0, *present, *(cover or ())])
    if high == low:
        high = low + 1
    font = text.font(8)
    widest = max((text.width(text.number(value_format(value)), font) for value in present), default=0.0)
    plot_px = axes.get_position().width * CHART_WIDTH
    # The longest value, its gap and a little air must fit beyond the longest bar.
    room = min(0.45, (widest + VALUE_PAD * DPI / 72 + 8) / plot_px)
    span = (high - low) / (1 - room)
    low_room = span * room if low < 0 else 0.0
    if text.rtl:
        axes.set_xlim(high + span * room if high > 0 else high, low - low_room)  # mirrored
    else:
        axes.set_xlim(low - low_room, high + span * room if high > 0 else high)


def _style_value_axis(axes: Axes, text: _Typesetter, value_format: Callable[[float], str]) -> None:
    """Light vertical grid lines, the numbers under the plot, a line where the bars start."""
    axes.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=value_format is count))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: text.number(value_format(value))))
    axes.tick_params(axis="x", length=0, pad=6, labelcolor=GREY)
    # The Persian digits need the Vazirmatn font; ticks matplotlib adds later copy these.
    for tick in axes.xaxis.get_major_ticks():
        tick.label1.set_fontproperties(text.font(9))
        tick.label1.set_parse_math(False)
    axes.grid(axis="x", color=LIGHT, linewidth=0.8, zorder=1)
    axes.set_axisbelow(True)
    axes.set_facecolor("none")
    for side in ("top", "bottom", "left", "right"):
        axes.spines[side].set_visible(False)
    axes.axvline(0, color=GREY, linewidth=1, zorder=3)


def _draw_note(figure: Figure, text: _Typesetter, plan: _Frame, note: str) -> None:
    if plan.note_top is None:
        return
    x, align = _start_x(text)
    figure.text(
        x, plan.y(plan.note_top + 0.1), text.display(note), ha=align, va="top", **text.options(10, color=GREY)
    )


@dataclass(frozen=True)
class _PanelPlan:
    """Where the titles, each panel (its heading's top, its plot's top and height) and the note go,
    in inches from the top of the figure."""

    height_px: int
    title_top: float
    subtitle_top: float | None
    panels: tuple[tuple[float, float, float], ...]
    note_top: float | None

    @property
    def height(self) -> float:
        return self.height_px / DPI

    def y(self, inches_from_top: float) -> float:
        return 1 - inches_from_top / self.height


def _panel_plan(panels: Sequence[Panel], has_subtitle: bool, has_note: bool) -> _PanelPlan:
    top = MARGIN
    title_top = top
    top += TITLE
    subtitle_top = None
    if has_subtitle:
        subtitle_top = top
        top += SUBTITLE
    top += PANEL_GAP
    places = []
    for panel in panels:
        plot_height = max(len(panel.labels), 1) * PANEL_ROW
        places.append((top, top + PANEL_HEADING, plot_height))
        top += PANEL_HEADING + plot_height + PANEL_AXIS + PANEL_GAP
    note_top = None
    if has_note:
        note_top = top
        top += NOTE
    return _PanelPlan(math.ceil((top + MARGIN) * DPI), title_top, subtitle_top, tuple(places), note_top)


def _draw_panels(
    title: str, panels: Sequence[Panel], locale: str, subtitle: str | None, note: str | None
) -> FigureCanvasAgg:
    """The panels laid out on their canvas, not yet drawn."""
    if not panels:
        raise ValueError("a chart needs at least one panel")
    for panel in panels:
        if len(panel.values) != len(panel.labels):
            raise ValueError(
                f"panel {panel.heading!r} has {len(panel.values)} values for {len(panel.labels)} rows"
            )
    if sum(len(panel.labels) for panel in panels) > ROWS_LIMIT:
        raise ValueError(f"a chart has at most {ROWS_LIMIT} rows")
    plan = _panel_plan(panels, subtitle is not None, note is not None)
    figure = Figure(figsize=(CHART_WIDTH / DPI, plan.height_px / DPI), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    text = _Typesetter(locale, canvas.get_renderer())
    _draw_titles(figure, text, plan, title, subtitle)
    names = _names_width(text, [label for panel in panels for label in panel.labels])
    x, align = _start_x(text)
    heading_font = text.font(11.5, bold=True)
    for panel, (heading_top, plot_top, plot_height) in zip(panels, plan.panels, strict=True):
        figure.text(
            x,
            plan.y(heading_top + 0.08),
            text.display(text.fit(panel.heading, heading_font, CHART_WIDTH - 2 * MARGIN * DPI)),
            ha=align,
            va="top",
            **text.options(11.5, bold=True),
        )
        bottom = plan.y(plot_top + plot_height)
        axes = _add_plot(figure, text, names, bottom, plot_height / plan.height, len(panel.labels))
        _draw_rows(axes, text, panel.labels)
        _draw_bars(
            axes, text, BAR_MAX / PANEL_ROW, [panel.values], panel.value_format, panel.cover, panel.colour
        )
        _style_value_axis(axes, text, panel.tick_format or panel.value_format)
    if note is not None:
        _draw_note(figure, text, plan, note)
    return canvas
