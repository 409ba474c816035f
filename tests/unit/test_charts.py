"""Bar charts for the reports: a PNG of a fixed width whose height follows the rows (up to a cap),
Persian read right to left with Persian digits, English left to right, the same bytes for the same
chart, and safe to draw in several threads at once."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import arabic_reshaper
import numpy as np
import pytest
from bidi.algorithm import get_display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from PIL import Image

from bot.settings import PROJECT_ROOT
from services import charts
from services.charts import (
    CHART_WIDTH,
    MAX_ROWS,
    PALETTE,
    Series,
    _draw_chart,
    _in_reading_order,
    _Typesetter,
    bar_chart_png,
    count,
    decimal,
    percent,
)

NAMES = [
    "دولت‌آباد",
    "شهرک غرب (فاز ۲)",
    "نازی‌آباد",
    "امین‌آباد",
    "جوانمرد قصاب",
    "باقرآباد",
    "قلعه‌نو",
    "کهریزک",
    "حسن‌آباد",
    "علی‌آباد",
]
FORTY = [f"{name} {to}" for to in ("شمالی", "جنوبی", "شرقی", "غربی") for name in NAMES]
ASCII_DIGITS = set("0123456789")
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


def three_series(rows: int) -> list[Series]:
    """Shares with a gap (None) now and then: deterministic, different per series."""
    return [
        Series(
            name,
            [
                None if (row + shift) % 11 == 0 else ((row * 37 + shift * 53) % 100) / 100
                for row in range(rows)
            ],
        )
        for shift, name in enumerate(("پاسخ به‌موقع", "مصوبه‌های انجام‌شده", "جلسه‌های برگزارشده"))
    ]


def png(labels: list[str], locale: str = "fa", **options: object) -> Image.Image:
    data = bar_chart_png("عملکرد محله‌ها", labels, three_series(len(labels)), locale=locale, **options)  # type: ignore[arg-type]
    assert len(data) < 1_000_000
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image


def laid_out(labels: list[str], locale: str, **options: object) -> FigureCanvasAgg:
    """The chart laid out on its canvas, for its artists (tick labels only once drawn)."""
    defaults: dict[str, object] = {
        "subtitle": None,
        "value_format": percent,
        "more": None,
        "max_rows": MAX_ROWS,
    }
    defaults.update(options)
    return _draw_chart("عملکرد", labels, three_series(len(labels)), locale, **defaults)  # type: ignore[arg-type]


def drawn(labels: list[str], locale: str, **options: object) -> FigureCanvasAgg:
    canvas = laid_out(labels, locale, **options)
    canvas.draw()
    return canvas


def texts(canvas: FigureCanvasAgg) -> list[Text]:
    return [text for text in canvas.figure.findobj(Text) if text.get_text() and text.get_visible()]


def row_labels(canvas: FigureCanvasAgg) -> list[Text]:
    """The row names: drawn at the rows' heights, from the figure's side (not in data units)."""
    axes = canvas.figure.axes[0]
    return [text for text in axes.texts if not hasattr(text, "xyann")]


def value_labels(canvas: FigureCanvasAgg) -> list[str]:
    axes = canvas.figure.axes[0]
    return [text.get_text() for text in axes.texts if hasattr(text, "xyann")]


@pytest.mark.parametrize("locale", ["fa", "en"])
def test_a_chart_is_a_colourful_png_of_the_fixed_width(locale: str) -> None:
    image = png(FORTY, locale, subtitle="۴۰ محله")
    width, height = image.size
    assert width == CHART_WIDTH and 1500 < height < 5000
    rgb = image.convert("RGB")
    colours = rgb.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50
    # Each series' bars, in its own colour, a good many pixels each: the chart is not blank.
    pixels = {colour: n for n, colour in colours}
    for hex_colour in PALETTE[:3]:
        rgb_colour = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert pixels.get(rgb_colour, 0) > 2000


def test_the_height_follows_the_rows_up_to_the_cap_and_the_same_chart_is_the_same_png() -> None:
    heights = [laid_out(FORTY[:rows], "fa").get_width_height()[1] for rows in (1, 10, 40)]
    assert heights[0] < heights[1] < heights[2]
    many = [f"{county} / {name}" for county in range(30) for name in FORTY]  # 1,200 rows
    capped = png(many)
    at_cap = laid_out(many[:MAX_ROWS], "fa").get_width_height()
    # 1,140 rows are left out and counted in a line under the chart; the size stays sendable.
    assert capped.size[0] == CHART_WIDTH and 0 < capped.size[1] - at_cap[1] <= 50
    assert sum(capped.size) < 10_000  # Telegram's limit for a photo's width + height
    first = bar_chart_png("t", FORTY[:10], three_series(10), locale="fa", value_format=percent)
    assert bar_chart_png("t", FORTY[:10], three_series(10), locale="fa", value_format=percent) == first


def test_rows_beyond_the_cap_are_counted_in_the_readers_words_or_digits() -> None:
    many = FORTY * 2
    capped = laid_out(many, "fa", max_rows=50)
    assert "+۳۰" in [text.get_text() for text in texts(capped)]
    assert len(row_labels(capped)) == 50
    worded = laid_out(many, "en", max_rows=50, more=lambda n: f"and {n} more")
    assert "and 30 more" in [text.get_text() for text in texts(worded)]
    assert not any(text.get_text().startswith("+") for text in texts(laid_out(FORTY, "fa")))


def test_persian_reads_right_to_left_and_english_left_to_right() -> None:
    fa, en = drawn(FORTY[:5], "fa"), drawn(FORTY[:5], "en")
    fa_axes, en_axes = fa.figure.axes[0], en.figure.axes[0]
    # In fa the bars grow leftwards from the names at the right; in en the other way round.
    assert fa_axes.xaxis_inverted() and not en_axes.xaxis_inverted()
    fa_box, en_box = fa_axes.get_position(), en_axes.get_position()
    renderer = fa.get_renderer()
    for label in row_labels(fa):
        box = label.get_window_extent(renderer)
        assert box.x0 > fa_box.x1 * CHART_WIDTH and label.get_horizontalalignment() == "right"
    renderer = en.get_renderer()
    for label in row_labels(en):
        box = label.get_window_extent(renderer)
        assert box.x1 < en_box.x0 * CHART_WIDTH and label.get_horizontalalignment() == "right"
    # The title starts where the reader starts: at the right in fa, at the left in en.
    fa_title = next(text for text in fa.figure.texts if text.get_text() == "عملکرد")
    en_title = next(text for text in en.figure.texts if text.get_text() == "عملکرد")
    assert fa_title.get_horizontalalignment() == "right" and en_title.get_horizontalalignment() == "left"


def test_numbers_are_in_the_readers_digits() -> None:
    fa, en = drawn(FORTY[:8], "fa"), drawn(FORTY[:8], "en")
    fa_numbers = value_labels(fa) + [tick.get_text() for tick in fa.figure.axes[0].get_xticklabels()]
    en_numbers = value_labels(en) + [tick.get_text() for tick in en.figure.axes[0].get_xticklabels()]
    assert "۳۷٪" in fa_numbers and "37%" in en_numbers
    assert not ASCII_DIGITS & set("".join(fa_numbers))
    assert not PERSIAN_DIGITS & set("".join(en_numbers))
    assert "—" in value_labels(fa)  # no value: a dash, not a zero
    canvas = _draw_chart("t", ["a"], [Series("s", [12500.0])], "fa", None, count, None, MAX_ROWS)
    assert value_labels(canvas) == ["۱۲٬۵۰۰"]
    canvas = _draw_chart("t", ["a"], [Series("s", [3.5])], "fa", None, decimal, None, MAX_ROWS)
    assert value_labels(canvas) == ["۳٫۵"]


def test_the_legend_reads_in_rows_from_the_readers_side() -> None:
    """matplotlib fills a legend column by column; the entries are handed over so that, on a
    legend of four columns, series 1–4 make the first row and 5–6 start the second under 1."""
    handles = [Patch(label=str(n)) for n in range(1, 7)]

    def grid(rtl: bool) -> list[list[str]]:
        ordered = [str(handle.get_label()) for handle in _in_reading_order(handles, 4, rtl=rtl)]
        columns = [ordered[start : start + 2] for start in range(0, 8, 2)]  # 2 rows, full columns
        return [[column[row] for column in columns] for row in range(2)]

    assert grid(rtl=False) == [["1", "2", "3", "4"], ["5", "6", "", ""]]
    assert grid(rtl=True) == [["4", "3", "2", "1"], ["", "", "6", "5"]]


def test_a_row_without_a_value_has_no_bar() -> None:
    series = [Series("a", [1.0, None, 3.0]), Series("b", [None, None, 2.0])]
    canvas = _draw_chart("t", ["x", "y", "z"], series, "en", None, count, None, MAX_ROWS)
    bars = [
        collection
        for collection in canvas.figure.axes[0].collections
        if isinstance(collection, PolyCollection)
    ]
    assert [len(collection.get_paths()) for collection in bars] == [2, 1]
    assert value_labels(canvas) == ["1", "—", "3", "—", "—", "2"]


def test_every_text_is_set_in_vazirmatn_and_taken_literally() -> None:
    canvas = drawn(["$x_1$ و {y}", *FORTY[:3]], "fa", subtitle="۱۰۰$", more=None, max_rows=2)
    for text in texts(canvas):
        assert "Vazirmatn" in str(text.get_fontproperties().get_file()), text.get_text()
    # A «$» is not mathtext: the label stays as it was written.
    assert "$x_1$ و {y}" in [label.get_text() for label in row_labels(canvas)]


def test_a_long_name_is_cut_with_an_ellipsis() -> None:
    long_name = "محله‌ای با نامی بسیار بسیار بسیار طولانی که در ستون نام‌ها جا نمی‌شود و بریده می‌شود"
    labels = [label.get_text() for label in row_labels(laid_out([long_name, "کوتاه"], "fa"))]
    assert labels[0].endswith("…") and long_name.startswith(labels[0][:-1]) and labels[1] == "کوتاه"


def test_matplotlib_is_given_the_text_it_can_lay_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """matplotlib ≥ 3.11 shapes and orders Persian itself: it gets the text as written. An older one
    gets it joined by arabic-reshaper and in display order by python-bidi."""
    labels = FORTY[:3]
    if charts.LAYS_OUT_COMPLEX_TEXT:
        canvas = drawn(labels, "fa")
        assert [label.get_text() for label in row_labels(canvas)] == labels
        assert {label.get_language() for label in row_labels(canvas)} == {"fa"}
    monkeypatch.setattr(charts, "LAYS_OUT_COMPLEX_TEXT", False)
    for locale, base in (("fa", "R"), ("en", None)):
        canvas = _draw_chart("t", labels, three_series(3), locale, None, percent, None, MAX_ROWS)
        shaped = [str(get_display(arabic_reshaper.reshape(label), base_dir=base)) for label in labels]
        assert [label.get_text() for label in row_labels(canvas)] == shaped
        legend = canvas.figure.legends[0]
        names = [str(get_display(arabic_reshaper.reshape(s.name), base_dir=base)) for s in three_series(3)]
        assert sorted(text.get_text() for text in legend.get_texts()) == sorted(names)


def alef_side(text: str, typesetter: _Typesetter) -> str:
    """Where the alef (the tallest letter) of `text` lands when drawn: "right" or "left"."""
    figure = Figure(figsize=(4, 1), dpi=100)
    canvas = FigureCanvasAgg(figure)
    figure.text(0.5, 0.5, typesetter.display(text), ha="center", va="center", **typesetter.options(30))
    canvas.draw()
    ink = np.asarray(canvas.buffer_rgba())[:, :, 0] < 128
    rows, columns = np.nonzero(ink)
    tallest = columns[rows == rows.min()]  # the columns of the highest ink: the alef's top
    middle = (columns.min() + columns.max()) / 2
    return "right" if tallest.mean() > middle else "left"


def test_persian_is_drawn_right_to_left_on_this_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """An alef followed by low letters: read right to left, the alef stands at the right."""
    text = "ا ببببببب"
    typesetter = _Typesetter("fa", FigureCanvasAgg(Figure()).get_renderer())
    assert alef_side(text, typesetter) == "right"
    assert alef_side(text, _Typesetter("en", FigureCanvasAgg(Figure()).get_renderer())) == "right"
    if charts.LAYS_OUT_COMPLEX_TEXT:
        # Shaping it ourselves as well would turn it round: what the check on matplotlib prevents.
        monkeypatch.setattr(charts, "LAYS_OUT_COMPLEX_TEXT", False)
        assert alef_side(text, typesetter) == "left"


def test_charts_can_be_drawn_in_several_threads_at_once() -> None:
    jobs = [(FORTY[: 3 + i], "fa" if i % 2 else "en") for i in range(4)]

    def draw(job: tuple[list[str], str]) -> bytes:
        labels, locale = job
        return bar_chart_png("t", labels, three_series(len(labels)), locale=locale, value_format=percent)

    alone = [draw(job) for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(draw, jobs))
    assert together == alone


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        bar_chart_png("t", ["a", "b"], [Series("s", [1.0])], locale="fa")
    with pytest.raises(ValueError):
        bar_chart_png("t", ["a"], [], locale="fa")
    with pytest.raises(ValueError):
        bar_chart_png("t", ["a"], [Series("s", [1.0])], locale="fa", max_rows=0)
    # No rows (or no values) is an empty chart, not an error.
    assert (
        Image.open(io.BytesIO(bar_chart_png("t", [], [Series("s", [])], locale="en"))).size[0] == CHART_WIDTH
    )
    assert bar_chart_png("t", ["a"], [Series("s", [None])], locale="fa")


def test_charts_to_look_at() -> None:
    """Writes test-artifacts/chart_fa.png and chart_en.png: open them to check how they read."""
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for locale in ("fa", "en"):
        data = bar_chart_png("عملکرد محله‌ها", FORTY, three_series(40), locale=locale, value_format=percent)
        (artifacts / f"chart_{locale}.png").write_bytes(data)
