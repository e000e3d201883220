"""Plotly charts drawn by the app's own build of plotly.js.

st.plotly_chart loads Streamlit's 4.7 MB full plotly.js bundle, which a browser
takes about a second to compile before the first chart shows. Our charts use four
traces (scatter, bar, box, heatmap), so the pages draw them with our own build of
plotly.js holding just those (1.2 MB, same version 4.1.1; tools/plotly_bundle),
served by the app itself from static/vendor: nothing comes from a CDN. A page
holding one small chart drew it in 1.9-2.5 s instead of 3.2-3.7 s (`make bench`'s
reference pages, headless Chromium, this 2-core machine, with plotly's cartesian
build; ours runs in 0.3 s where that one took 0.8 s: static/vendor/README.md).
Selections come back as st.plotly_chart reports them: st.session_state[key]
["selection"]["points"], each point with its customdata.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Literal

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from lib.frozen import FrozenFigure
from lib.paths import PLOTLY_JS, STATIC_DIR
from lib.style import chart_template
from pages.widgets import ensure_navigation

if __name__ == "__main__":  # opened as a page (/charts) in the legacy pages-folder mode: see pages/widgets.py
    ensure_navigation()

_chart_component = st.components.v2.component(
    "crosscurrents_plotly_chart", js=(STATIC_DIR / "plotly_chart.js").read_text(encoding="utf-8"),
    isolate_styles=False,  # plotly.js styles its hover labels and toolbar from the page's <head>
)


def static_url(name: str) -> str:
    """The URL of a file in static/, relative to the page (every page is one level
    deep), so it follows --server.baseUrlPath and a proxy that strips a path prefix."""
    return f"app/static/{name}"


def preload_chart_library() -> None:
    """Start loading plotly.js when the page opens, not when its first chart arrives:
    the browser fetches and compiles it while the server computes the page. The chart
    component itself does it, so the script it needs anyway is the only one loaded.
    It is drawn where it is called: beside the sidebar's heading, where it takes no
    room, and only on pages whose main view is a chart (app.py); elsewhere it
    delayed the first paint."""
    payload = '{"src":%s,"preload":true}' % json.dumps(static_url(PLOTLY_JS))
    _chart_component(key="plotly_preload", data=payload.encode("utf-8"), height=0)


def house_template() -> dict:
    return chart_template(text_color=st.get_option("theme.textColor") or "#1E2326",
                          border_color=st.get_option("theme.borderColor") or "#D9DCDA",
                          colorway=st.get_option("theme.chartCategoricalColors") or [])


def figure_json(fig: go.Figure) -> str:
    """The figure as plotly.js reads it, in the house look (our figures set no
    template of their own). A frozen (cached, shared) figure is serialised once."""
    cached = fig.__dict__.get("_chart_json")
    if cached is not None:
        return cached
    spec = fig.to_dict()
    layout = dict(spec.get("layout", {}))
    layout["template"] = house_template()
    text = pio.to_json({"data": spec.get("data", []), "layout": layout}, validate=False)
    if isinstance(fig, FrozenFigure):
        fig.__dict__["_chart_json"] = text
    return text


def plotly_chart(fig: go.Figure, *, key: str, on_select: Literal["rerun"] | Callable[[], None] | None = None,
                 config: dict | None = None) -> None:
    """Draw ``fig``. With ``on_select`` a click or box selection reruns the page
    (calling it first if it is a function) and lands in st.session_state[key]."""
    payload = '{"src":%s,"select":%s,"config":%s,"figure":%s}' % (
        json.dumps(static_url(PLOTLY_JS)), "true" if on_select else "false", json.dumps(config or {}), figure_json(fig))
    callbacks: dict[str, Any] = {}
    if on_select:
        callbacks["on_selection_change"] = on_select if callable(on_select) else _rerun_only
    _chart_component(key=key, data=payload.encode("utf-8"), **callbacks)


def _rerun_only() -> None:
    """A selection reruns the page by itself; the page reads it from session state."""
