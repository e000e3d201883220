"""The app's plotly.js build (tools/plotly_bundle) holds only the traces the app draws:
every chart any page sends must use one of them, or the browser draws empty axes."""
import re
from pathlib import Path

import pytest

from lib.paths import PLOTLY_JS, STATIC_DIR
from tests.app.helpers import chart_specs

ROOT = Path(__file__).resolve().parents[2]

# Every view that sends a chart: each tab of each chart page, and an actor's profile.
CHART_VIEWS = [
    ("pages/attacks.py", {"atk_chart": "Monthly counts"}),
    ("pages/attacks.py", {"atk_chart": "Cumulative and rates"}),
    ("pages/attacks.py", {"atk_chart": "Casualties"}),
    ("pages/timeline.py", {"tl_view": "Timeline"}),
    ("pages/timeline.py", {"tl_view": "Map"}),
    ("pages/compare.py", {"cmp_tab": "Framing matrix"}),
    ("pages/compare.py", {"cmp_tab": "Over time"}),
    ("pages/network.py", {"actor": "pmf"}),
]


def bundled_trace_types() -> set[str]:
    """The trace modules registered in the vendored plotly.js (their names survive minifying)."""
    text = (STATIC_DIR / PLOTLY_JS).read_text(encoding="utf-8")
    return set(re.findall(r'moduleType:"trace",name:"(\w+)"', text))


def test_the_build_registers_the_traces_it_is_named_for():
    named = re.fullmatch(r"vendor/plotly-([a-z-]+)-\d+\.\d+\.\d+\.min\.js", PLOTLY_JS).group(1).split("-")
    assert bundled_trace_types() == set(named) == {"scatter", "bar", "box", "heatmap"}


def test_every_trace_the_code_builds_is_bundled():
    """The source, for traces drawn only at scale (the casualties' boxes: past 200 figures)."""
    import plotly.graph_objects as go
    from plotly.basedatatypes import BaseTraceType

    classes = {name: getattr(go, name) for name in dir(go) if name[:1].isupper()}
    trace_types = {cls().type: name for name, cls in classes.items() if isinstance(cls, type) and issubclass(cls, BaseTraceType)}
    built = set()
    for path in [*ROOT.glob("lib/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        code = path.read_text(encoding="utf-8")
        built |= {t for t, name in trace_types.items() if re.search(rf"\bgo\.{name}\(|\.add_{t}\(", code)}
    assert {"scatter", "bar", "box", "heatmap"} <= built  # the scan finds what is there
    assert built <= bundled_trace_types(), f"the code builds {sorted(built - bundled_trace_types())}, not in {PLOTLY_JS}"


@pytest.mark.parametrize("page,query", CHART_VIEWS, ids=[f"{p[6:-3]}-{next(iter(q.values()))}" for p, q in CHART_VIEWS])
def test_every_chart_a_page_sends_uses_a_bundled_trace(run_page, page, query):
    specs = chart_specs(run_page(page, query))
    assert specs, f"{page} {query} sent no chart"
    used = {trace.get("type", "scatter") for spec in specs for trace in spec["data"]}
    assert used <= bundled_trace_types(), f"{page} {query} draws {sorted(used - bundled_trace_types())}, not in {PLOTLY_JS}"
