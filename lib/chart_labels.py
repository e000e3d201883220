"""Where a chart's point labels go: beside their point, inside the figure, not over
one another.

Plotly writes every label of a trace at one position ("top center"), so a label
near the plot's left or right edge was cut off ("lled (US Armed Forces)") and two
points close together printed their labels over each other ("16 killed (Iraq)" on
"16 killed (Iraqi Armed Forces)"). ``place_labels`` picks each label's position from
the figure's points, all traces at once: above its point, leaning inwards at an
edge, below when the place above is taken. It estimates a label's size from its
length and the plot's size from the figure's layout (the browser's width is not
known here); the browser tests measure the drawn labels.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

FONT_PX = 14.0  # the charts' text size (lib/style.py's template); a trace may set its own
CHAR_EM = 0.5  # a character's width, in font sizes (7 px at 14 px)
LINE_EM = 1.15  # a label's height, in font sizes
GAP_PX = 9.0  # from a point to its label: half a marker (text with no marker sits about 1 px from its point)
PLOT_WIDTH_PX = 820.0  # a chart's plot area in the app's wide layout (836 px in a 1,400 px window)
PLOT_HEIGHT_PX = 263.0  # an Attacks chart's plot area (420 px high, less title, axis and legend)
AXES_PX = 47.0  # of a figure's height outside its margins, what the axis labels and legend take
PAD = 0.05  # Plotly's autorange leaves about this much on each side of the outermost points

Box = tuple[float, float, float, float]  # left, right, bottom, top


def _horizontal(x: float, width: float, anchor: str) -> tuple[float, float]:
    if anchor == "right":  # the text starts at the point and runs right
        return x, x + width
    if anchor == "left":
        return x - width, x
    return x - width / 2, x + width / 2


def _vertical(y: float, side: str, gap: float, height: float) -> tuple[float, float]:
    if side == "top":
        return y + gap, y + gap + height
    return y - gap - height, y - gap


def _label_size(text: str, font: float, plot_px: tuple[float, float]) -> tuple[float, float]:
    """A label's width and height, as shares of the plot's."""
    return len(text) * font * CHAR_EM / plot_px[0], font * LINE_EM / plot_px[1]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _inside(left: float, right: float) -> bool:
    return left >= 0 and right <= 1


def text_positions(points: Sequence[tuple[float, float, str]], *, obstacles: Sequence[Box] = (), hide_crowded: bool = False,
                   plot_px: tuple[float, float] = (PLOT_WIDTH_PX, PLOT_HEIGHT_PX), gaps_px: Sequence[float] | None = None,
                   fonts_px: Sequence[float] | None = None) -> list[str | None]:
    """Plotly text positions ("top center", "bottom right"...) for labels at ``points``:
    (x, y, text), x and y as shares of the plot (0 = left or bottom, 1 = right or top),
    a plot of ``plot_px`` (width, height) pixels; ``gaps_px``: each label's distance from
    its point (half its marker; GAP_PX when not given); ``fonts_px``: each label's text
    size (FONT_PX when not given).

    Each label goes above its point unless that overlaps a label already placed, then
    below, then leaning left or right; a label that would cross the plot's edge leans
    inwards. ``obstacles``: boxes (left, right, bottom, top) to keep clear of if there
    is room, such as a map's country names. A label that fits nowhere goes where it
    only covers obstacles, else above, as before; or, with ``hide_crowded``, it is not
    drawn (None). Points are placed from the top of the plot down, so the highest keep
    the place above."""
    out: list[str | None] = [""] * len(points)
    placed: list[Box] = []
    for i in sorted(range(len(points)), key=lambda k: (-points[k][1], points[k][0], k)):
        x, y, text = points[i]
        if not text:
            out[i] = "top center"
            continue
        font = fonts_px[i] if fonts_px is not None else FONT_PX
        width, line = _label_size(text, font, plot_px)
        gap = (gaps_px[i] if gaps_px is not None else GAP_PX) / plot_px[1]
        anchors = [a for a in ("center", "right", "left") if _inside(*_horizontal(x, width, a))]
        if not anchors:  # wider than it can fit either way: lean towards the roomier side
            anchors = ["right" if x < 0.5 else "left"]
        boxes = [(f"{side} {anchor}", (*_horizontal(x, width, anchor), *_vertical(y, side, gap, line)))
                 for anchor in anchors for side in ("top", "bottom")]
        clear = [(p, b) for p, b in boxes if not any(_overlaps(b, other) for other in placed)]
        free = next(((p, b) for p, b in clear if not any(_overlaps(b, other) for other in obstacles)), None) or next(iter(clear), None)
        if free is None and hide_crowded:
            out[i] = None
            continue
        position, box = free or boxes[0]
        placed.append(box)
        out[i] = position
    return out


def _numbers(values: Iterable, categories: list | None) -> list[float | None]:
    """A trace's coordinates as numbers: dates as nanoseconds, categories by their place on the axis."""
    out: list[float | None] = []
    for v in values:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        elif categories is not None:
            out.append(float(categories.index(v)) if v in categories else None)
        elif isinstance(v, (int, float)):
            out.append(float(v))
        else:
            try:
                out.append(float(pd.Timestamp(v).value))
            except (ValueError, TypeError):  # not a date: a category axis this module does not lay out
                out.append(None)
    return out


def _shares(values: list[float | None], lo: float, hi: float, pad: float) -> list[float | None]:
    """Values as shares of an axis running from ``lo`` to ``hi`` with ``pad`` (a share) inside each end."""
    if hi == lo:
        return [None if v is None else 0.5 for v in values]
    return [None if v is None else pad + (1 - 2 * pad) * (v - lo) / (hi - lo) for v in values]


def _span(values: list[float | None]) -> tuple[float, float]:
    present = [v for v in values if v is not None]
    return (min(present), max(present)) if present else (0.0, 0.0)


def _plot_px(fig: go.Figure) -> tuple[float, float]:
    """The plot area's estimated size in pixels: the app's chart width, and the figure's
    height less its margins and what its axes and legend take."""
    layout = fig.layout
    if layout.height is None:
        return PLOT_WIDTH_PX, PLOT_HEIGHT_PX
    margin_t = layout.margin.t if layout.margin.t is not None else 100
    margin_b = layout.margin.b if layout.margin.b is not None else 80
    return PLOT_WIDTH_PX, max(layout.height - margin_t - margin_b - AXES_PX, 100.0)


def _widened(x_range, y_range, yaxis, plot_px: tuple[float, float]):
    """The x range Plotly shows when the y axis keeps a fixed scale to x (a map's
    ``scaleanchor``) and the plot is wider than the ranges' shape: centred on the one
    asked for, widened to fill the width."""
    if x_range is None or y_range is None or yaxis.scaleanchor != "x":
        return x_range
    (x0, x1), (y0, y1) = x_range, y_range
    px_per_y = plot_px[1] / abs(y1 - y0)
    px_per_x = px_per_y / (yaxis.scaleratio or 1)
    span = plot_px[0] / px_per_x
    if span <= abs(x1 - x0):
        return x_range
    mid = (x0 + x1) / 2
    return mid - span / 2, mid + span / 2


def _gaps_px(trace, n: int) -> list[float]:
    """How far each of the trace's labels sits from its point: half its marker, or 1 px for text alone."""
    if "markers" not in (trace.mode or ""):
        return [1.0] * n
    size = trace.marker.size if trace.marker.size is not None else 6  # Plotly's default marker size
    sizes = [size] * n if isinstance(size, (int, float)) else list(size)  # one size, or one per point (a tuple or an array)
    return [float(v) / 2 + 1 for v in sizes] + [GAP_PX] * (n - len(sizes))


def _has_labels(trace) -> bool:
    return trace.text is not None and "text" in (trace.mode or "")


def place_labels(fig: go.Figure, *, keep: Collection[str] = (), hide_crowded: bool = False) -> go.Figure:
    """Position the text labels of ``fig``'s scatter traces (see ``text_positions``) and
    let them reach past the axes into the margins instead of being cut at the axis.
    The labels of the traces named in ``keep`` (a map's country names) stay where they
    are, centred on their point; the others keep clear of them. With ``hide_crowded`` a
    label with no free place is left out (a map's place names: the hover names the place)
    rather than printed over another."""
    scatters = [t for t in fig.data if t.type == "scatter"]
    labelled = [t for t in scatters if _has_labels(t)]
    if not labelled:
        return fig
    y_categories = fig.layout.yaxis.categoryarray
    y_categories = list(y_categories) if y_categories is not None and fig.layout.yaxis.categoryorder == "array" else None
    plot_px = _plot_px(fig)
    x_range, y_range = fig.layout.xaxis.range, fig.layout.yaxis.range
    x_range = _widened(x_range, y_range, fig.layout.yaxis, plot_px)
    # Without a range of its own an axis spans every trace's points, as Plotly's autorange does.
    measured = scatters if x_range is None or (y_range is None and y_categories is None) else labelled
    xs: list[float | None] = []
    ys: list[float | None] = []
    texts: list[str] = []
    gaps: list[float] = []
    fonts: list[float] = []
    spans = {}
    for t in measured:
        tx, ty = _numbers(t.x, None), _numbers(t.y, y_categories)
        labels = [str(v) if v is not None else "" for v in t.text] if _has_labels(t) else []
        spans[id(t)] = (len(xs), len(tx))
        xs += tx
        ys += ty
        texts += labels + [""] * (len(tx) - len(labels))
        gaps += _gaps_px(t, len(tx))
        font = t.textfont.size  # a number, or one per point (not used by our charts: taken as the default)
        fonts += [float(font) if isinstance(font, (int, float)) else FONT_PX] * len(tx)
    x_lo, x_hi = x_range or _span(xs)
    x_share = _shares(xs, x_lo, x_hi, 0 if x_range else PAD)
    if y_categories is not None:  # the first and last categories sit half a step inside the plot
        y_share = _shares(ys, -0.5, len(y_categories) - 0.5, 0)
    else:
        y_lo, y_hi = y_range or _span(ys)
        y_share = _shares(ys, y_lo, y_hi, 0 if y_range else PAD)
    kept = {i for t in measured if t.name in keep for i in range(spans[id(t)][0], sum(spans[id(t)]))}
    obstacles: list[Box] = []
    for i in sorted(kept):  # a kept label is centred on its point
        x, y, text, font = x_share[i], y_share[i], texts[i], fonts[i]
        if text and x is not None and y is not None:
            width, line = _label_size(text, font, plot_px)
            obstacles.append((x - width / 2, x + width / 2, y - line / 2, y + line / 2))
    points = [(x, y, text) if x is not None and y is not None and i not in kept else (0.5, 0.5, "")
              for i, (x, y, text) in enumerate(zip(x_share, y_share, texts))]
    positions = text_positions(points, obstacles=obstacles, hide_crowded=hide_crowded, plot_px=plot_px, gaps_px=gaps, fonts_px=fonts)
    for t in labelled:
        if t.name not in keep:
            start, n = spans[id(t)]
            mine = positions[start : start + n]
            shown = [v if p is not None else "" for v, p in zip(t.text, mine)]
            t.update(text=shown, textposition=[p or "top center" for p in mine], cliponaxis=False)
    return fig
