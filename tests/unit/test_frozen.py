"""A frozen figure serialises like the figure it froze, and makes its dict once."""
import json

import plotly.graph_objects as go
import plotly.io as pio

from lib.frozen import freeze


def test_frozen_figure_serialises_the_same_and_once(monkeypatch):
    fig = go.Figure(go.Bar(x=["2024-08", "2024-09", "2024-10"], y=[6, 31, 90], hovertext=["a", "b", "c"]))
    fig.update_layout(title="Monthly drone attacks, per Maariv")
    frozen = freeze(fig)
    assert json.loads(pio.to_json(frozen, validate=False)) == json.loads(pio.to_json(fig, validate=False))
    calls = []
    parent = go.Figure.to_dict
    monkeypatch.setattr(go.Figure, "to_dict", lambda self: calls.append(1) or parent(self))
    frozen2 = freeze(fig)
    first, second = frozen2.to_dict(), frozen2.to_dict()
    assert first is second and len(calls) == 1
