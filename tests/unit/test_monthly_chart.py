"""The monthly chart never stacks one claimant's reports of a month into one taller bar."""
import pandas as pd

from lib.attack_charts import claimant_colors, monthly_chart


def _row(month: str, claimant: str, count: int, reporter: str, figure_id: str, partial: bool = False) -> dict:
    return {"claim": str(count), "count": float(count), "unit": "drone attacks", "period": month, "claimant": claimant, "reporter": reporter,
            "relayed_by": None, "qualifier": "exact", "granularity": "month", "source": "extracted", "evidence": f"{claimant} said {count}.",
            "figure_id": figure_id, "period_start": pd.Timestamp(month), "period_end": pd.Timestamp(month) + pd.offsets.MonthEnd(0), "partial": partial}


def _bars(fig) -> list[tuple]:
    return [(t.name, t.showlegend, m, y, ids) for t in fig.data for m, y, ids in zip(t.x, t.y, t.customdata)]


def test_a_claim_reported_twice_is_one_bar_and_a_competing_count_stands_beside_it():
    """Plotly stacks a trace's bars that share a month: Maariv's September reported by two
    outlets (31 and 31) and once as 30 was one bar 92 high."""
    table = pd.DataFrame([
        _row("2024-08-01", "Maariv", 6, "Shafaq News", "a:1:0"),
        _row("2024-09-01", "Maariv", 31, "Shafaq News", "a:2:0"),
        _row("2024-09-01", "Maariv", 30, "Ynet", "b:4:0"),
        _row("2024-09-01", "Maariv", 31, "The Jerusalem Post", "c:7:1"),
        _row("2024-09-01", "Militia Spotlight", 35, "Militia Spotlight", "m:1:0"),
    ])
    fig = monthly_chart(table, claimant_colors(table["claimant"]))
    assert fig.layout.barmode == "group"
    assert _bars(fig) == [
        ("Maariv — drone attacks", True, "2024-08", 6.0, "a:1:0"),
        ("Maariv — drone attacks", True, "2024-09", 31.0, "a:2:0 c:7:1"),  # the same claim twice: one bar, both reports
        ("Maariv — drone attacks", False, "2024-09", 30.0, "b:4:0"),  # the competing count: a trace of its own, beside it
        ("Militia Spotlight — drone attacks", True, "2024-09", 35.0, "m:1:0"),
    ]
    # No trace holds a month twice, so no bar is drawn on another.
    assert all(len(set(t.x)) == len(t.x) for t in fig.data)
    assert len({t.legendgroup for t in fig.data}) == 2 and sum(t.showlegend is not False for t in fig.data) == 2
    [merged] = [h for t in fig.data for h, ids in zip(t.hovertext, t.customdata) if ids == "a:2:0 c:7:1"]
    assert "claimed by <b>Maariv</b>, reported by Shafaq News" in merged and merged.endswith("<br>The same claim in 1 more report, by The Jerusalem Post")


def test_a_partial_month_is_not_merged_with_the_whole_month():
    table = pd.DataFrame([_row("2024-11-01", "Maariv", 65, "Shafaq News", "a:1:0"), _row("2024-11-01", "Maariv", 65, "Ynet", "b:1:0", partial=True)])
    fig = monthly_chart(table, claimant_colors(table["claimant"]))
    assert [(t.x, t.customdata, t.text) for t in fig.data] == [(("2024-11",), ("a:1:0",), ("65",)), (("2024-11",), ("b:1:0",), ("65 (partial)",))]
