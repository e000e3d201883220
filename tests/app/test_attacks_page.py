"""Attacks page under AppTest: the chart data, the disagreement notice, filters in the URL."""
import json
from pathlib import Path

from lib.paths import PLOTLY_JS

from tests.app.helpers import chart_specs, frame_with, plotly_values

ROOT = Path(__file__).resolve().parents[2]


def monthly_spec(at):
    for spec in chart_specs(at):
        if "Monthly attack counts" in json.dumps(spec.get("layout", {}).get("title", "")):
            return spec
    raise AssertionError("monthly chart not found")


def test_monthly_chart_has_maariv_and_spotlight_side_by_side(run_page):
    at = run_page("pages/attacks.py")
    spec = monthly_spec(at)
    series = {t["name"]: dict(zip(plotly_values(t["x"]), plotly_values(t["y"]))) for t in spec["data"]}
    assert series["Maariv — drone attacks"] == {"2024-08": 6, "2024-09": 31, "2024-10": 90, "2024-11": 65}
    assert series["Militia Spotlight (Washington Institute) — attacks"] == {"2024-07": 13, "2024-08": 6, "2024-09": 35, "2024-10": 47}
    assert spec["layout"]["barmode"] == "group"


def test_disagreement_is_spelled_out(run_page):
    at = run_page("pages/attacks.py")
    notes = [w.value.replace("\\", "") for w in at.warning]  # markdown escapes removed
    assert any("September 2024: 31 drone attacks per Maariv (reported by Shafaq News), 35 attacks per Militia Spotlight" in n for n in notes), notes
    assert not any(n.startswith("Claimants disagree. August 2024") for n in notes)  # 6 and 6 agree


def test_filters_from_url_apply_to_table(run_page):
    at = run_page("pages/attacks.py", {"claimant": "Maariv"})
    table = frame_with(at, "claim", "claimant", "reader")
    assert sorted(table["claim"]) == ["31", "6", "65", "90"]
    assert set(table["reporter"]) == {"Shafaq News"}
    assert all(link.startswith("./?article=002_2f6602b0745822a4&sent=") for link in table["reader"])


def test_only_the_open_chart_tab_is_sent(run_page):
    monthly = run_page("pages/attacks.py")
    assert [spec["layout"]["title"]["text"][:24] for spec in chart_specs(monthly)] == ["Monthly attack counts by"]
    casualties = run_page("pages/attacks.py", {"atk_chart": "Casualties"})
    titles = [json.dumps(spec["layout"]["title"]) for spec in chart_specs(casualties)]
    assert len(titles) == 1 and "asualt" in titles[0]


def test_the_chart_library_is_preloaded_by_the_app_alone(run_page):
    at = run_page("pages/attacks.py")
    payloads = [json.loads(el.proto.bytes) for el in at.get("bidi_component")]
    preloads = [p for p in payloads if p.get("preload")]
    # one preloader, in the sidebar, loading the very file the charts use, which is in static/
    assert len(preloads) == 1 and len(at.sidebar.get("bidi_component")) == 1
    assert all(p["src"] == "app/static/" + PLOTLY_JS for p in payloads)
    assert (ROOT / "static" / PLOTLY_JS).stat().st_size > 1_000_000
    # pages without a chart do not load it
    search = run_page("pages/search.py", {"q": "drone"})
    assert not search.get("bidi_component")


def test_many_periods_of_disagreement_are_one_notice_and_a_list_sent_only_when_opened(run_page, monkeypatch):
    """Three banners of a month's many claims pushed the chart below the fold at 10,000 articles:
    past three periods there is one notice, and the periods are listed in an expander."""
    import streamlit as st

    import lib.attack_charts
    from lib.attack_charts import Disagreement

    found = [Disagreement(f"Month {i}", f"Month {i}: {i} attacks per A, {i + 1} attacks per B.") for i in range(6)]
    monkeypatch.setattr(lib.attack_charts, "disagreements", lambda table: found)
    st.cache_resource.clear()  # the page's view is cached with the real list
    try:
        closed = run_page("pages/attacks.py")
        assert [w.value.replace("\\", "") for w in closed.warning] == [
            "Claimants disagree on 6 periods, Month 0 to Month 5. Their counts sit side by side in the chart and the table, never added together."]
        assert [e.label for e in closed.expander] == ["The 6 periods claimants disagree on"]
        assert not [m for m in closed.markdown if "Month" in m.value]
        opened = run_page("pages/attacks.py", {"atk_more_disagreements": "true"})  # its state is in the link
        [listed] = [m.value for m in opened.markdown if "Month" in m.value]
        assert listed.replace("\\", "").splitlines() == ["- " + d.text for d in found]  # markdown escapes removed
        monkeypatch.setattr(lib.attack_charts, "disagreements", lambda table: found[:3])
        st.cache_resource.clear()
        few = run_page("pages/attacks.py")
        assert [w.value.replace("\\", "") for w in few.warning] == ["Claimants disagree. " + d.text for d in found[:3]] and not few.expander
    finally:
        st.cache_resource.clear()


def test_a_claim_relayed_by_a_report_shows_the_whole_chain(run_page):
    # "six attacks on Israel" claimed by a Saudi-linked group, in a Washington Institute report, reported by Shafaq News.
    at = run_page("pages/attacks.py", {"claimant": "Group linked to Saudi Arabia", "atk_chart": "Cumulative and rates"})
    table = frame_with(at, "claim", "claimant", "relayed_by", "reporter")
    assert table[["claim", "claimant", "relayed_by", "reporter"]].values.tolist() == [
        ["6", "Group linked to Saudi Arabia", "The Washington Institute for Near East Policy", "Shafaq News"]]
    hovers = [h for spec in chart_specs(at) for t in spec["data"] for h in plotly_values(t.get("hovertext", []))]
    assert any("claimed by <b>Group linked to Saudi Arabia</b>, in a report by The Washington Institute for Near East Policy, reported by Shafaq News" in h
               for h in hovers), hovers


def test_only_the_open_tab_chart_is_built_and_the_briefing_pack_has_all_three(run_page, monkeypatch):
    import streamlit as st

    import lib.attack_charts
    from lib.briefing import render

    built = []
    for name in ("monthly_chart", "cumulative_chart", "casualty_chart"):
        real = getattr(lib.attack_charts, name)
        monkeypatch.setattr(lib.attack_charts, name, lambda table, colors, real=real, name=name: built.append(name) or real(table, colors))
    st.cache_resource.clear()  # charts cached by an earlier test would not be built again
    try:
        at = run_page("pages/attacks.py")
        assert built == ["monthly_chart"]
        pack = render(at.session_state["_briefing"])
        assert sorted(built) == ["casualty_chart", "cumulative_chart", "monthly_chart"]
        for title in ("Monthly attack counts by claimant", "Cumulative claims", "Casualties reported"):
            assert pack.count(title) >= 2, title  # the panel's heading and its chart's title
        assert "claimed by \\u003cb\\u003eMaariv\\u003c\\u002fb\\u003e, reported by Shafaq News" in pack  # a hover, as plotly's JSON writes it
        again = run_page("pages/attacks.py", {"atk_chart": "Casualties"})  # the pack's charts are the page's, cached
        assert sorted(built) == ["casualty_chart", "cumulative_chart", "monthly_chart"] and chart_specs(again)
    finally:
        st.cache_resource.clear()


def test_filters_matching_no_figure_show_an_empty_view(run_page):
    # Maariv's figures come through Shafaq News alone: with Al-Fassel's articles only, none
    # is left. The figure table once lacked five columns when empty, and the page stopped.
    at = run_page("pages/attacks.py", {"claimant": "Maariv", "outlet": "Al-Fassel"})
    assert any(c.value.replace("\\", "").startswith("Showing 0 of ") for c in at.caption), [c.value for c in at.caption]
    [spec] = chart_specs(at)
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["No monthly attack counts match the filters."]
    assert spec["layout"]["xaxis"]["visible"] is False and spec["layout"]["yaxis"]["visible"] is False
    assert frame_with(at, "claim", "claimant", "reader").empty
    for tab in ("Cumulative and rates", "Casualties"):
        other = run_page("pages/attacks.py", {"claimant": "Maariv", "outlet": "Al-Fassel", "atk_chart": tab})
        assert [a["text"] for a in chart_specs(other)[0]["layout"]["annotations"]][0].startswith("No ")
