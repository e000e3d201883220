"""Helpers for AppTest assertions."""
from streamlit.testing.v1 import AppTest


def frame_with(at: AppTest, *columns: str):
    """The first dataframe on the page that has all ``columns`` (AppTest does not expose keys)."""
    for d in at.dataframe:
        df = d.value
        if all(c in df.columns for c in columns):
            return df
    raise AssertionError(f"no dataframe with columns {columns}")


def plotly_values(v):
    """Plotly 7 may send arrays as base64 typed arrays; decode to a list."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def chart_specs(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as plotly.js receives them (pages/charts.py)."""
    import json

    payloads = [json.loads(el.proto.bytes) for el in at.get("bidi_component") if el.proto.component_name == "crosscurrents_plotly_chart"]
    return [p["figure"] for p in payloads if "figure" in p]  # not the sidebar's preloader
