"""What pages/charts.py sends to the browser: the figure unchanged, in the house look
taken from .streamlit/config.toml, a frozen figure serialised once."""
import json
import tomllib
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from lib.frozen import freeze
from lib.paths import PLOTLY_JS
from pages.charts import figure_json, static_url

ROOT = Path(__file__).resolve().parents[2]
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]


def maariv() -> go.Figure:
    fig = go.Figure(go.Bar(x=["2024-08", "2024-09", "2024-10"], y=[6, 31, 90], customdata=["f1", "f2", "f3"],
                           hovertext=["&lt;b&gt;escaped&lt;/b&gt;", "b", "c"], hoverinfo="text"))
    return fig.update_layout(title="Monthly drone attacks, per Maariv", height=420)


def test_the_figure_goes_out_unchanged_in_the_house_look(monkeypatch):
    # the server reads .streamlit/config.toml; a test process may not have
    monkeypatch.setattr(st, "get_option", lambda name: THEME.get(name.removeprefix("theme.")))
    spec = json.loads(figure_json(maariv()))
    [bar] = spec["data"]
    assert bar["x"] == ["2024-08", "2024-09", "2024-10"] and bar["customdata"] == ["f1", "f2", "f3"]
    assert bar["hovertext"][0] == "&lt;b&gt;escaped&lt;/b&gt;"  # lib's escaping reaches the browser as it is
    assert spec["layout"]["title"]["text"] == "Monthly drone attacks, per Maariv" and spec["layout"]["height"] == 420
    look = spec["layout"]["template"]["layout"]
    assert look["colorway"] == THEME["chartCategoricalColors"]
    assert look["font"]["color"] == THEME["textColor"] and look["font"]["family"].startswith('"Source Sans"')


def test_a_frozen_figure_is_serialised_once():
    frozen = freeze(maariv())
    before = json.dumps(frozen.to_dict(), sort_keys=True, default=str)
    first, second = figure_json(frozen), figure_json(frozen)
    assert first is second
    # shared between sessions: adding the house look must not change the cached figure
    assert json.dumps(frozen.to_dict(), sort_keys=True, default=str) == before
    fresh = maariv()
    assert json.loads(figure_json(fresh)) == json.loads(first) and figure_json(fresh) is not figure_json(fresh)


def test_the_library_url_is_relative_to_the_page_and_the_file_exists():
    assert (ROOT / "static" / PLOTLY_JS).stat().st_size > 1_000_000
    # relative: from /attacks or /crosscurrents/attacks it resolves under the same prefix
    assert static_url(PLOTLY_JS) == "app/static/" + PLOTLY_JS


def test_the_vendored_plotly_js_is_the_version_plotly_python_builds_for():
    import re

    import plotly

    def version(path: Path) -> str:
        return re.search(r"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)", path.read_text(encoding="utf-8")[:500]).group(1)

    bundled = version(Path(plotly.__file__).parent / "package_data" / "plotly.min.js")
    assert version(ROOT / "static" / PLOTLY_JS) == bundled and bundled in PLOTLY_JS
