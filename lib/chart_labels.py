"""Where a chart's point labels go: beside their point, inside the figure, not over
one another.

Plotly writes every label of a trace at one position ("top center"), so a label
near the plot's left or right edge was cut off ("lled (US Armed Forces)") and two
points close together printed their labels over each other ("16 killed (Iraq)" on
"16 killed (Iraqi Armed Forces)"). ``place_labels`` picks each label's position from
the figure's points, all traces at once: above its point, leaning inwards at an
edge, below when the place above is taken. It works in shares of the plot's width
and height, estimating a label's size from its length (the browser's plot width is
not known here); the browser tests measure the drawn labels.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

CHAR_WIDTH = 0.0085  # a character's width, as a share of the plot's width (7 px of ~820 px)
LINE_HEIGHT = 0.075  # a label's height, as a share of the plot's height (about 16 px of ~210-300 px)
MARKER_GAP = 0.035  # from a point to its label: half a marker
PAD = 0.05  # Plotly's autorange leaves about this much on each side of the outermost points

Box = tuple[float, float, float, float]  # left, right, bottom, top


def _horizontal(x: float, width: float, anchor: str) -> tuple[float, float]:
    if anchor == "right":  # the text starts at the point and runs right
        return x, x + width
    if anchor == "left":
        return x - width, x
    return x - width / 2, x + width / 2


def _vertical(y: float, side: str) -> tuple[float, float]:
    if side == "top":
        return y + MARKER_GAP, y + MARKER_GAP + LINE_HEIGHT
    return y - MARKER_GAP - LINE_HEIGHT, y - MARKER_GAP


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]


def _inside(left: float, right: float) -> bool:
    return left >= 0 and right <= 1


def text_positions(points: Sequence[tuple[float, float, str]], *, obstacles: Sequence[Box] = ()) -> list[str]:
    """Plotly text positions ("top center", "bottom right"...) for labels at ``points``:
    (x, y, text), x and y as shares of the plot (0 = left or bottom, 1 = right or top).

    Each label goes above its point unless that overlaps a label already placed, then
    below, then leaning left or right; a label that would cross the plot's edge leans
    inwards. A label that fits nowhere goes above, as before. Points are placed from
    the top of the plot down, so the highest keep the place above. ``obstacles``: boxes
    (left, right, bottom, top) already taken."""
    out = [""] * len(points)
    placed: list[Box] = list(obstacles)
    for i in sorted(range(len(points)), key=lambda k: (-points[k][1], points[k][0], k)):
        x, y, text = points[i]
        if not text:
            out[i] = "top center"
            continue
        width = len(text) * CHAR_WIDTH
        anchors = [a for a in ("center", "right", "left") if _inside(*_horizontal(x, width, a))]
        if not anchors:  # wider than it can fit either way: lean towards the roomier side
            anchors = ["right" if x < 0.5 else "left"]
        boxes = [(f"{side} {anchor}", (*_horizontal(x, width, anchor), *_vertical(y, side)))
                 for anchor in anchors for side in ("top", "bottom")]
        position, box = next(((p, b) for p, b in boxes if not any(_overlaps(b, other) for other in placed)), boxes[0])
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


def _has_labels(trace) -> bool:
    return trace.text is not None and "text" in (trace.mode or "")


def place_labels(fig: go.Figure, *, keep: Collection[str] = ()) -> go.Figure:
    """Position the text labels of ``fig``'s scatter traces (see ``text_positions``) and
    let them reach past the axes into the margins instead of being cut at the axis.
    The labels of the traces named in ``keep`` (a map's country names) stay where they
    are, centred on their point; the others keep clear of them."""
    scatters = [t for t in fig.data if t.type == "scatter"]
    labelled = [t for t in scatters if _has_labels(t)]
    if not labelled:
        return fig
    y_categories = fig.layout.yaxis.categoryarray
    y_categories = list(y_categories) if y_categories is not None and fig.layout.yaxis.categoryorder == "array" else None
    x_range, y_range = fig.layout.xaxis.range, fig.layout.yaxis.range
    # Without a range of its own an axis spans every trace's points, as Plotly's autorange does.
    measured = scatters if x_range is None or (y_range is None and y_categories is None) else labelled
    xs: list[float | None] = []
    ys: list[float | None] = []
    texts: list[str] = []
    spans = {}
    for t in measured:
        tx, ty = _numbers(t.x, None), _numbers(t.y, y_categories)
        labels = [str(v) if v is not None else "" for v in t.text] if _has_labels(t) else []
        spans[id(t)] = (len(xs), len(tx))
        xs += tx
        ys += ty
        texts += labels + [""] * (len(tx) - len(labels))
    x_lo, x_hi = x_range or _span(xs)
    x_share = _shares(xs, x_lo, x_hi, 0 if x_range else PAD)
    if y_categories is not None:  # the first and last categories sit half a step inside the plot
        y_share = _shares(ys, -0.5, len(y_categories) - 0.5, 0)
    else:
        y_lo, y_hi = y_range or _span(ys)
        y_share = _shares(ys, y_lo, y_hi, 0 if y_range else PAD)
    kept = {i for t in measured if t.name in keep for i in range(spans[id(t)][0], sum(spans[id(t)]))}
    obstacles = [(x - len(text) * CHAR_WIDTH / 2, x + len(text) * CHAR_WIDTH / 2, y - LINE_HEIGHT / 2, y + LINE_HEIGHT / 2)
                 for i, (x, y, text) in enumerate(zip(x_share, y_share, texts)) if i in kept and text and x is not None and y is not None]
    points = [(x, y, text) if x is not None and y is not None and i not in kept else (0.5, 0.5, "")
              for i, (x, y, text) in enumerate(zip(x_share, y_share, texts))]
    positions = text_positions(points, obstacles=obstacles)
    for t in labelled:
        if t.name not in keep:
            start, n = spans[id(t)]
            t.update(textposition=positions[start : start + n], cliponaxis=False)
    return fig
