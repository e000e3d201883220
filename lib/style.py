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
CLAIMANT_PALETTE = ["#0b6e69", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def camp_color(camp: str | None) -> str:
    return CAMP_COLORS.get(camp or "other", CAMP_COLORS["other"])
