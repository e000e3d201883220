"""The monthly chart never stacks one claimant's reports of a month into one taller bar."""
import pandas as pd
import pytest

from lib.attack_charts import BAR_ROOM, claimant_colors, monthly_chart


def _row(month: str, claimant: str, count: int, reporter: str, figure_id: str, partial: bool = False, origin=None, target=None) -> dict:
    return {"claim": str(count), "count": float(count), "unit": "drone attacks", "period": month, "claimant": claimant, "reporter": reporter,
            "relayed_by": None, "origin": origin, "target": target, "qualifier": "exact", "granularity": "month", "source": "extracted",
            "evidence": f"{claimant} said {count}.", "figure_id": figure_id, "period_start": pd.Timestamp(month),
            "period_end": pd.Timestamp(month) + pd.offsets.MonthEnd(0), "partial": partial}


def _bars(fig) -> list[tuple]:
    return [(t.name, m, y, ids, off, w) for t in fig.data for m, y, ids, off, w in zip(t.x, t.y, t.customdata, t.offset, t.width)]


def _no_bar_on_another(fig) -> bool:
    """Every bar has its own place in its month: with a place given, plotly draws a bar there
    (a trace's bars sharing a month with none were stacked)."""
    by_month: dict = {}
    for _, month, _, _, off, w in _bars(fig):
        by_month.setdefault(month, []).append((off, off + w))
    return all(a_end <= b_start + 1e-9 for spans in by_month.values() for (_, a_end), (b_start, _) in zip(sorted(spans), sorted(spans)[1:]))


def test_a_claim_reported_twice_is_one_bar_and_a_competing_count_stands_beside_it():
    """Maariv's September reported by two outlets (31 and 31) and once as 30 was one bar 92 high."""
    table = pd.DataFrame([
        _row("2024-08-01", "Maariv", 6, "Shafaq News", "a:1:0"),
        _row("2024-09-01", "Maariv", 31, "Shafaq News", "a:2:0"),
        _row("2024-09-01", "Maariv", 30, "Ynet", "b:4:0"),
        _row("2024-09-01", "Maariv", 31, "The Jerusalem Post", "c:7:1"),
        _row("2024-09-01", "Militia Spotlight", 35, "Militia Spotlight", "m:1:0"),
    ])
    fig = monthly_chart(table, claimant_colors(table["claimant"]))
    w = BAR_ROOM / 3  # September has three bars, the most of any month
    assert [(name, m, y, ids) for name, m, y, ids, _, _ in _bars(fig)] == [
        ("Maariv — drone attacks", "2024-08", 6.0, "a:1:0"),
        ("Maariv — drone attacks", "2024-09", 31.0, "a:2:0\nc:7:1"),  # the same claim twice: one bar, both reports
        ("Maariv — drone attacks", "2024-09", 30.0, "b:4:0"),  # the competing count: a bar beside it
        ("Militia Spotlight — drone attacks", "2024-09", 35.0, "m:1:0"),
    ]
    assert [v for *_, off, width in _bars(fig) for v in (off, width)] == pytest.approx([-w / 2, w, -1.5 * w, w, -0.5 * w, w, 0.5 * w, w])
    assert _no_bar_on_another(fig) and len(fig.data) == 2  # one legend entry a series
    [merged] = [h for t in fig.data for h, ids in zip(t.hovertext, t.customdata) if ids == "a:2:0\nc:7:1"]
    assert "claimed by <b>Maariv</b>, reported by Shafaq News" in merged and merged.endswith("<br>The same claim in 1 more report, by The Jerusalem Post")


def test_parts_of_a_month_by_origin_and_target_are_bars_of_their_own():
    """ACLED counts a month by attacker and target: two parts with the same count are not one
    claim reported twice. Its ids hold the unit, spaces and all, and are kept whole."""
    table = pd.DataFrame([
        _row("2024-01-01", "ACLED", 4, "ACLED", "acled:2024-01:kh:us:drone attacks", origin="kh", target="us"),
        _row("2024-01-01", "ACLED", 4, "ACLED", "acled:2024-01:iri:israel:drone attacks", origin="iri", target="israel"),
    ])
    fig = monthly_chart(table, claimant_colors(table["claimant"]))
    assert [ids for *_, ids, _, _ in _bars(fig)] == ["acled:2024-01:kh:us:drone attacks", "acled:2024-01:iri:israel:drone attacks"]
    assert _no_bar_on_another(fig)


def test_a_partial_month_is_not_merged_with_the_whole_month():
    table = pd.DataFrame([_row("2024-11-01", "Maariv", 65, "Shafaq News", "a:1:0"), _row("2024-11-01", "Maariv", 65, "Ynet", "b:1:0", partial=True)])
    fig = monthly_chart(table, claimant_colors(table["claimant"]))
    [trace] = fig.data
    assert list(trace.customdata) == ["a:1:0", "b:1:0"] and list(trace.text) == ["65", "65 (partial)"] and _no_bar_on_another(fig)


def test_a_clicked_bar_gives_every_figure_it_stands_for_ids_with_spaces_whole():
    from lib.attack_charts import clicked_figure_ids

    points = [{"customdata": "a:2:0\nc:7:1"}, {"customdata": "acled:2024-01:kh:us:drone attacks"}, {"x": "2024-09"}]
    assert clicked_figure_ids(points) == {"a:2:0", "c:7:1", "acled:2024-01:kh:us:drone attacks"}


def test_the_hover_says_by_whom_and_against_whom_when_known():
    table = pd.DataFrame([_row("2024-01-01", "ACLED", 4, "ACLED", "x", origin="Kata'ib Hezbollah", target="US Armed Forces"),
                          _row("2024-01-01", "Maariv", 5, "Shafaq News", "y")])
    hovers = [h for t in monthly_chart(table, claimant_colors(table["claimant"])).data for h in t.hovertext]
    assert "by Kata&#x27;ib Hezbollah, against US Armed Forces<br>" in hovers[0] and " against " not in hovers[1]


def test_past_the_bar_months_a_claim_reported_again_is_one_point_naming_every_report():
    """Past MAX_BAR_MONTHS the counts are points: the same claim's points lay one on another
    and the hover named one report."""
    from lib.attack_charts import MAX_BAR_MONTHS

    months = pd.date_range("2020-01-01", periods=MAX_BAR_MONTHS + 1, freq="MS")
    rows = [_row(str(m.date()), "Maariv", 10 + k, "Shafaq News", f"a:{k}:0") for k, m in enumerate(months)]
    rows += [_row(str(months[3].date()), "Maariv", 13, "Ynet", "b:3:0"), _row(str(months[3].date()), "Maariv", 14, "Ynet", "b:3:1")]
    fig = monthly_chart(pd.DataFrame(rows), claimant_colors(["Maariv"]))
    [trace] = fig.data
    assert trace.type == "scatter" and len(trace.x) == MAX_BAR_MONTHS + 2  # one point a claim: 13 twice is one, 14 its own
    fourth = [(y, ids) for x, y, ids in zip(trace.x, trace.y, trace.customdata) if pd.Timestamp(x) == months[3]]
    assert fourth == [(13.0, "a:3:0\nb:3:0"), (14.0, "b:3:1")]
    [hover] = [h for h, ids in zip(trace.hovertext, trace.customdata) if ids == "a:3:0\nb:3:0"]
    assert hover.endswith("<br>The same claim in 1 more report, by Ynet")
