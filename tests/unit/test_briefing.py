"""The briefing pack: self-contained, escaped, every figure with its provenance."""
import re

import pandas as pd

from lib.attack_charts import claimant_colors, figure_table, monthly_chart
from lib.briefing import Briefing, Panel, figure_notes, render
from lib.figures import curated_rows


def seed_figures(processed):
    rows = [r for v in processed.values() for r in v["figures"]] + curated_rows()
    return pd.DataFrame(rows)


def make_pack(processed, ctx):
    names = {a.id: a.name for a in ctx.registry.actors.values()}
    table = figure_table(seed_figures(processed), names)
    brief = Briefing("Crosscurrents — Attacks", "Showing all 18 figures (no filters).")
    brief.add(Panel("Monthly attack counts", "chart", monthly_chart(table, claimant_colors(table["claimant"])), figure_notes(table[table["granularity"] == "month"])))
    brief.add(Panel("Every figure", "table", table[["claim", "unit", "period", "claimant", "reporter", "evidence"]]))
    return render(brief)


def test_pack_holds_figures_with_provenance(processed, ctx):
    html = make_pack(processed, ctx)
    assert "Showing all 18 figures (no filters)." in html
    assert "31 drone attacks, September 2024: claimed by Maariv, reported by Shafaq News" in html
    assert "35 attacks, September 2024: claimed by Militia Spotlight (Washington Institute)" in html
    assert "Tripling of Iraqi Militia Claimed Attacks on Israel in October" in html


def test_pack_loads_nothing_from_outside(processed, ctx):
    html = make_pack(processed, ctx)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "default-src 'none'" in html  # and the page forbids itself any fetch


def test_pack_inlines_the_apps_plotly_build_once(processed, ctx):
    html = make_pack(processed, ctx)
    assert html.count("plotly.js (scatter, bar, box, heatmap; esbuild) v") == 1
    assert len(html.encode()) < 2_500_000  # plotly's full bundle alone is 4.8 MB


def test_pack_escapes_untrusted_text():
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    html = render(Briefing(evil, evil, [Panel(evil, "table", pd.DataFrame({"evidence": [evil]}), [evil])]))
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_notes_written_only_when_the_pack_is_made(processed, ctx):
    """Pages register panels on every rerun; notes given as a function are written at render time."""
    names = {a.id: a.name for a in ctx.registry.actors.values()}
    table = figure_table(seed_figures(processed), names)
    calls = []

    def notes():
        calls.append(1)
        return figure_notes(table[table["granularity"] == "month"])

    brief = Briefing("Crosscurrents — Attacks", "all")
    brief.add(Panel("Monthly attack counts", "chart", monthly_chart(table, claimant_colors(table["claimant"])), notes))
    assert calls == []
    html = render(brief)
    assert calls == [1]
    assert "31 drone attacks, September 2024: claimed by Maariv, reported by Shafaq News" in html
