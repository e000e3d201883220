"""Charts send a bounded number of points to the browser whatever the corpus size,
and say what they leave out; the tables keep everything."""
import pandas as pd

from lib import attack_charts
from lib.attack_charts import MAX_CLAIMANTS, MAX_POINTS, casualty_chart, claimant_colors, cumulative_chart, monthly_chart, within_budget
from lib.timeline import most_reported


def figures(n_claimants: int, per_claimant: int, curated: str | None = None) -> pd.DataFrame:
    rows = []
    for c in range(n_claimants):
        name = f"Claimant {c:02d}"
        for k in range(per_claimant + (n_claimants - c)):  # Claimant 00 has the most figures
            rows.append({"claimant": name, "count": float(k + 1), "figure_id": f"{name}-{k}", "source": "extracted"})
    if curated:
        rows.append({"claimant": curated, "count": 35.0, "figure_id": "cur-1", "source": "curated"})
    return pd.DataFrame(rows)


def test_few_claimants_are_all_drawn():
    df = figures(3, 2)
    kept, note = within_budget(df)
    assert len(kept) == len(df) and note == ""


def test_many_claimants_keep_reference_series_and_the_biggest():
    df = figures(30, 2, curated="Militia Spotlight (Washington Institute)")
    kept, note = within_budget(df)
    drawn = set(kept["claimant"])
    assert len(drawn) == MAX_CLAIMANTS
    assert "Militia Spotlight (Washington Institute)" in drawn  # a reference series is never dropped
    assert {f"Claimant {c:02d}" for c in range(MAX_CLAIMANTS - 1)} <= drawn  # then the claimants with most figures
    assert "Claimant 29" not in drawn
    assert note.startswith(f"{MAX_CLAIMANTS} of 31 claimants are drawn (reference series, then those with the most figures); pick others in the Claimant filter")


def test_points_are_capped_largest_first():
    df = pd.DataFrame({"claimant": ["A"] * (MAX_POINTS + 500), "count": [float(i) for i in range(MAX_POINTS + 500)],
                       "figure_id": [f"f{i}" for i in range(MAX_POINTS + 500)], "source": "extracted"})
    kept, note = within_budget(df)
    assert len(kept) == MAX_POINTS
    assert kept["count"].min() == 500.0
    assert note == f"{MAX_POINTS:,} of {MAX_POINTS + 500:,} figures are drawn, the largest of each series first; the table below has every figure."


def test_every_series_keeps_its_largest_points_within_the_budget():
    """Largest-first over the whole chart left out a claimant whose counts are all small, and every daily rate."""
    big = [{"claimant": "Big", "granularity": "cumulative", "count": 1000.0 + i} for i in range(MAX_POINTS + 10)]
    small = [{"claimant": "Small", "granularity": "cumulative", "count": 10.0 + i} for i in range(5)]
    rates = [{"claimant": "Big", "granularity": "rate", "count": 5.0}, {"claimant": "Big", "granularity": "rate", "count": 3.0}]
    df = pd.DataFrame(big + small + rates).assign(source="extracted")
    df["figure_id"] = [f"f{i:05d}" for i in range(len(df))]
    kept, note = within_budget(df, series=("granularity",))
    assert len(kept) == MAX_POINTS
    assert sorted(kept.loc[kept["claimant"] == "Small", "count"]) == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert sorted(kept.loc[kept["granularity"] == "rate", "count"]) == [3.0, 5.0]
    assert kept.loc[(kept["claimant"] == "Big") & (kept["granularity"] == "cumulative"), "count"].min() == 1000.0 + (MAX_POINTS + 10) - (MAX_POINTS - 7)  # its largest


def test_monthly_chart_draws_only_the_budget_and_says_so():
    rows = []
    for c in range(MAX_CLAIMANTS + 8):
        rows.append({"claim": "5", "count": 5.0, "unit": "attacks", "period": "May 2024", "claimant": f"C{c:02d}", "reporter": "R",
                     "qualifier": "exact", "granularity": "month", "source": "extracted", "evidence": "e", "figure_id": f"f{c}",
                     "period_start": pd.Timestamp("2024-05-01"), "period_end": pd.Timestamp("2024-05-31"), "partial": False})
    table = pd.DataFrame(rows)
    fig = monthly_chart(table, claimant_colors(table["claimant"]))
    assert len(fig.data) == MAX_CLAIMANTS
    assert any(f"{MAX_CLAIMANTS} of {MAX_CLAIMANTS + 8} claimants are drawn" in a.text for a in fig.layout.annotations)
    # The figure grows by the legend's rows past the first (12 entries, two a row) and by the
    # note's lines (three clauses), so the plot keeps its height; the title stays at the top
    # and the legend at the bottom, clear of the note and of the axis title.
    assert fig.layout.height == 420 + 5 * attack_charts.LEGEND_ROW + 3 * attack_charts.NOTE_LINE
    assert fig.layout.margin.t == 60 + 3 * attack_charts.NOTE_LINE
    assert (fig.layout.title.yref, fig.layout.title.y, fig.layout.legend.yref, fig.layout.legend.y) == ("container", 1, "container", 0)
    few = monthly_chart(table.head(2), claimant_colors(table["claimant"]))
    assert (few.layout.height, few.layout.margin.t) == (420, 60)


def test_the_claimants_a_chart_draws_have_colours_of_their_own():
    rows = [{"claim": "5", "count": 5.0, "unit": "attacks", "period": "May 2024", "claimant": f"C{c:02d}", "reporter": "R",
             "qualifier": "exact", "granularity": "month", "source": "extracted", "evidence": "e", "figure_id": f"f{c}-{k}",
             "period_start": pd.Timestamp("2024-05-01"), "period_end": pd.Timestamp("2024-05-31"), "partial": False}
            for c in range(30) for k in range(30 - c)]
    table = pd.DataFrame(rows)
    page_colors = claimant_colors(table["claimant"])  # 30 claimants over the palette: colours repeat
    assert len(set(page_colors.values())) < 30
    drawn = [tr.marker.color for tr in monthly_chart(table, page_colors).data]
    assert len(drawn) == MAX_CLAIMANTS and len(set(drawn)) == MAX_CLAIMANTS
    few = table[table["claimant"].isin(["C03", "C07"])]  # distinct already: each keeps the page's colour
    assert [tr.marker.color for tr in monthly_chart(few, page_colors).data] == [page_colors["C03"], page_colors["C07"]]


def test_value_labels_dropped_above_the_label_budget(monkeypatch):
    monkeypatch.setattr(attack_charts, "MAX_LABELLED", 1)
    rows = [{"claim": str(i), "count": float(i), "unit": "attacks", "period": "p", "claimant": "A", "reporter": "R", "qualifier": "exact",
             "granularity": "month", "source": "extracted", "evidence": "e", "figure_id": f"f{i}",
             "period_start": pd.Timestamp(f"2024-0{i}-01"), "period_end": pd.Timestamp(f"2024-0{i}-28"), "partial": False} for i in (1, 2)]
    fig = monthly_chart(pd.DataFrame(rows), {"A": "#000"})
    assert fig.data[0].text is None and len(fig.data[0].hovertext) == 2


def test_scatter_charts_drop_their_text_layer_with_their_labels(monkeypatch):
    """Past the label budget the markers are drawn alone: an empty text layer costs the browser time per point."""
    rows = [{"claim": str(i), "count": float(i), "unit": unit, "period": "p", "claimant": "A", "reporter": "R", "qualifier": "exact", "target": "base",
             "granularity": granularity, "source": "extracted", "evidence": "e", "figure_id": f"f{i}{unit}",
             "period_start": pd.Timestamp(f"2024-0{i}-01"), "period_end": pd.Timestamp(f"2024-0{i}-28"), "partial": False}
            for i in (1, 2) for unit, granularity in (("attacks", "cumulative"), ("killed", "event"))]
    table = pd.DataFrame(rows)
    for chart in (cumulative_chart, casualty_chart):
        assert [(tr.mode, tr.text is not None) for tr in chart(table, {"A": "#000"}).data] == [("markers+text", True)]
    monkeypatch.setattr(attack_charts, "MAX_LABELLED", 1)
    trace = cumulative_chart(table, {"A": "#000"}).data[0]
    assert (trace.mode, trace.text, len(trace.hovertext)) == ("markers", None, 2)


def casualty_table(claims) -> pd.DataFrame:
    """A figures table of casualty claims, one row per ``(unit, date, count, granularity)``."""
    return pd.DataFrame([{"claim": str(c), "count": float(c), "unit": u, "period": "p", "claimant": "A", "reporter": "R", "qualifier": "exact",
                          "target": "base", "granularity": g, "source": "extracted", "evidence": "e", "figure_id": f"f{i}",
                          "period_start": pd.Timestamp(d), "period_end": pd.Timestamp(d), "partial": False} for i, (u, d, c, g) in enumerate(claims)])


def test_casualties_past_the_label_budget_are_summarised_by_month(monkeypatch):
    """One marker per figure is an unreadable block at scale, and "the largest 1,500" would
    drop every injured: each month's claims per unit become a box of their spread."""
    monkeypatch.setattr(attack_charts, "MAX_LABELLED", 3)
    claims = [("killed", "2024-01-03", 2, "day"), ("killed", "2024-01-20", 10, "week"), ("killed", "2024-01-25", 4, "day"),
              ("killed", "2024-01-28", 6, "day"), ("killed", "2024-03-01", 5, "month"), ("injured", "2024-01-09", 7, "day"),
              ("killed", "2003-01-01", 600, "cumulative"), ("injured", "2011-01-01", 90, "year")]  # not one month's casualties
    table = casualty_table(claims)
    fig = casualty_chart(table, {})
    boxes = {tr.name: tr for tr in fig.data if tr.type == "box"}
    assert sorted(boxes) == ["injured", "killed"]
    killed = boxes["killed"]
    assert [pd.Timestamp(x).strftime("%Y-%m-%d") for x in killed.x] == ["2024-01-10", "2024-03-10"]  # killed early in the month, injured late
    assert [pd.Timestamp(x).strftime("%Y-%m-%d") for x in boxes["injured"].x] == ["2024-01-22"]
    dots = {tr.name: [pd.Timestamp(x) for x in tr.x] for tr in fig.data if tr.type == "scatter"}
    assert dots == {u: [pd.Timestamp(x) for x in b.x] for u, b in boxes.items()}  # each median dot on its own box
    assert (list(killed.lowerfence), list(killed.q1), list(killed.median), list(killed.q3), list(killed.upperfence)) == \
        ([2, 5], [3.5, 5], [5, 5], [7, 5], [10, 5])
    assert list(boxes["injured"].median) == [7]
    hovers = [h for tr in fig.data if tr.type == "scatter" for h in tr.hovertext]
    assert "<b>January 2024</b> · killed: 4 figures<br>lowest 2, median 5, highest 10" in hovers
    assert "<b>March 2024</b> · killed: 1 figure<br>lowest 5, median 5, highest 5" in hovers
    assert any(a.text.startswith("6 figures for a day, a week or a month, summarised by month") and
               "2 claims over longer periods (since a date, over a year) are left out" in a.text for a in fig.layout.annotations)
    assert (fig.layout.boxmode, fig.layout.yaxis.rangemode) == ("overlay", "tozero")
    only_longer = casualty_chart(pd.concat([table.tail(2)] * 2), {})
    assert not only_longer.data and "No casualty figures for a day, a week or a month" in only_longer.layout.annotations[0].text


def test_most_reported_events_are_drawn_first():
    clusters = pd.DataFrame({
        "cluster_id": ["a", "b", "c", "d"], "n_sources": [1, 3, 1, 2], "killed": [None, 0, 9, None], "injured": [None, 0, None, None],
        "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
    })
    assert list(most_reported(clusters, 3)["cluster_id"]) == ["b", "c", "d"]  # index order kept; "a" has one source and no toll
    assert most_reported(clusters, 10) is clusters


def test_monthly_counts_over_many_months_are_points_on_a_time_axis():
    """Past two years grouped bars are hairlines: a point per count (claimant's colour, unit's shape),
    partial months open, and no line joining one claimant's competing reports of a month."""
    rows = [{"claim": str(m), "count": float(m), "unit": unit, "period": "p", "claimant": claimant, "reporter": "R", "qualifier": "exact",
             "granularity": "month", "source": "extracted", "evidence": "e", "figure_id": f"{claimant}{unit}{m}",
             "period_start": pd.Timestamp("2022-01-01") + pd.DateOffset(months=m), "period_end": pd.Timestamp("2022-01-28") + pd.DateOffset(months=m),
             "partial": m == 29} for m in range(30) for claimant, unit in (("Maariv", "drone attacks"), ("Maariv", "attacks"), ("IRI", "attacks"))]
    table = pd.DataFrame(rows)
    colors = claimant_colors(table["claimant"])
    fig = monthly_chart(table, colors)
    assert [(tr.type, tr.mode, tr.marker.symbol[0], tr.marker.color) for tr in fig.data] == [
        ("scatter", "markers", "circle", colors["IRI"]), ("scatter", "markers", "circle", colors["Maariv"]),
        ("scatter", "markers", "diamond", colors["Maariv"])]
    assert len(fig.data[0].x) == 30 and list(fig.data[0].marker.symbol).count("circle-open") == 1
    assert "open = partial month" in fig.layout.title.text
    short = monthly_chart(table[table["period_start"] < pd.Timestamp("2023-06-01")], colors)  # 17 months: bars
    assert {tr.type for tr in short.data} == {"bar"}


def test_each_months_spread_is_what_describe_gives():
    # describe() ran once a month in Python: 0.5 s of a filtered Attacks page at 100,000 articles.
    from lib.attack_charts import _spread_by_month

    months = pd.to_datetime(["2024-01-01"] * 5 + ["2024-02-01"] + ["2024-03-01"] * 4 + ["2024-04-01"] * 2)
    counts = [2, 10, 4, 6, 7.5, 5, 1, 1, 300, float("nan"), float("nan"), 3]
    df = pd.DataFrame({"month": months, "count": counts})
    expected = df.groupby("month", sort=True)["count"].describe()[["count", "min", "25%", "50%", "75%", "max"]]
    got = _spread_by_month(df)
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)
    assert got.loc[pd.Timestamp("2024-01-01"), "25%"] == 4 and got.loc[pd.Timestamp("2024-03-01"), "count"] == 3
