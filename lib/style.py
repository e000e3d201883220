"""Colours and shapes shared by every chart, graph and highlight."""
from __future__ import annotations

CAMP_COLORS = {
    "us_aligned": "#1f77b4",
    "iran_aligned": "#2ca02c",
    "iraqi_state": "#8c564b",
    "israel": "#9467bd",
    "jihadist": "#444444",
    "other": "#7f7f7f",
}
# As many colours as a chart draws claimants (attack_charts.MAX_CLAIMANTS), so no two of them share one.
CLAIMANT_PALETTE = ["#0b6e69", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
                    "#1f78b4", "#e31a1c", "#17becf", "#bcbd22"]


def camp_color(camp: str | None) -> str:
    return CAMP_COLORS.get(camp or "other", CAMP_COLORS["other"])


def chart_template(*, text_color: str, border_color: str, colorway: list[str], font: str = "Source Sans") -> dict:
    """The house look of every chart in the app, as a Plotly layout template: the
    app's fonts and theme colours (passed in from .streamlit/config.toml), a clear
    background, light grid lines and a left-aligned title."""
    family = f'"{font}", sans-serif'
    axis = {"gridcolor": "#E9EBE9", "linecolor": border_color, "zerolinecolor": border_color, "ticks": "",
            "automargin": True, "title": {"standoff": 8}}
    return {"layout": {
        "font": {"family": family, "size": 14, "color": text_color},
        "title": {"x": 0, "xanchor": "left", "font": {"size": 16}},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "colorway": list(colorway),
        "xaxis": axis, "yaxis": axis,
        "legend": {"bgcolor": "rgba(0,0,0,0)"},
        "hoverlabel": {"font": {"family": family, "color": text_color}, "bgcolor": "#FFFFFF", "bordercolor": border_color},
        "modebar": {"bgcolor": "rgba(255,255,255,0.8)", "color": "#6E6E6E", "activecolor": text_color},
    }}
