"""Figures that are drawn on every rerun but never change after they are built."""
from __future__ import annotations

import plotly.graph_objects as go


class FrozenFigure(go.Figure):
    """A figure whose dict is made once. Streamlit calls ``to_dict()`` on every
    rerun, a deep copy of every point: most of a warm rerun at 10,000 articles.
    Cached views share one figure between sessions, so it must never be changed
    after ``freeze`` (``update_*`` would not reach the cached dict)."""

    def to_dict(self) -> dict:
        cached = self.__dict__.get("_frozen_dict")
        if cached is None:
            cached = super().to_dict()
            self.__dict__["_frozen_dict"] = cached
        return cached


def freeze(fig: go.Figure) -> FrozenFigure:
    return FrozenFigure(fig)
