"""Where a chart's point labels go: beside their point, inside the figure, not over
one another.

Plotly writes every label of a trace at one position ("top center"), so a label
near the plot's left or right edge was cut off ("lled (US Armed Forces)") and two
points close together printed their labels over each other ("16 killed (Iraq)" on
"16 killed (US Armed Forces)"). ``place_labels`` picks each label's position from
the figure's points, all traces at once: above its point, leaning inwards at an
edge, below when the place above is taken. It works in shares of the plot's width
and height, estimating a label's size from its length (the browser's plot width is
not known here); the browser tests measure the drawn labels.
"""
from __future__ import annotations

from typing import Iterable, Sequence

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


def text_positions(points: Sequence[tuple[float, float, str]]) -> list[str]:
    """Plotly text positions ("top center", "bottom right"...) for labels at ``points``:
    (x, y, text), x and y as shares of the plot (0 = left or bottom, 1 = right or top).

    Each label goes above its point unless that overlaps a label already placed, then
    below, then leaning left or right; a label that would cross the plot's edge leans
    inwards. A label that fits nowhere goes above, as before. Points are placed from
    the top of the plot down, so the highest keep the place above."""
    out = [""] * len(points)
    placed: list[Box] = []
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
            out.append(float(pd.Timestamp(v).value))
    return out


def _shares(values: list[float | None], fixed: tuple[float, float] | None = None) -> list[float | None]:
    present = [v for v in values if v is not None]
    if not present:
        return values
    lo, hi = fixed or (min(present), max(present))
    if hi == lo:
        return [None if v is None else 0.5 for v in values]
    if fixed:  # a category axis: its first and last categories are half a step inside the plot
        lo, hi = lo - 0.5, hi + 0.5
        return [None if v is None else (v - lo) / (hi - lo) for v in values]
    return [None if v is None else PAD + (1 - 2 * PAD) * (v - lo) / (hi - lo) for v in values]


def place_labels(fig: go.Figure) -> go.Figure:
    """Position the text labels of ``fig``'s scatter traces (see ``text_positions``) and
    let them reach past the axes into the margins instead of being cut at the axis."""
    scatters = [t for t in fig.data if t.type == "scatter"]
    labelled = [t.text is not None and "text" in (t.mode or "") for t in scatters]
    if not any(labelled):
        return fig
    y_categories = fig.layout.yaxis.categoryarray
    y_categories = list(y_categories) if y_categories is not None and fig.layout.yaxis.categoryorder == "array" else None
    # Every trace's points set the axes' ranges (as Plotly's autorange does); only labelled ones get positions.
    xs: list[float | None] = []
    ys: list[float | None] = []
    texts: list[str] = []
    spans = []
    for t, has_text in zip(scatters, labelled):
        tx, ty = _numbers(t.x, None), _numbers(t.y, y_categories)
        labels = [str(s) if s is not None else "" for s in t.text] if has_text else []
        spans.append((len(xs), len(tx)))
        xs += tx
        ys += ty
        texts += labels + [""] * (len(tx) - len(labels))
    x_share = _shares(xs)
    y_share = _shares(ys, (0.0, float(len(y_categories) - 1)) if y_categories else None)
    points = [(x, y, text) if x is not None and y is not None else (0.5, 0.5, "") for x, y, text in zip(x_share, y_share, texts)]
    positions = text_positions(points)
    for t, has_text, (start, n) in zip(scatters, labelled, spans):
        if has_text:
            t.update(textposition=positions[start : start + n], cliponaxis=False)
    return fig
