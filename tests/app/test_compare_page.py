"""Compare page under AppTest: columns side by side, each tab from the URL, the guard for one column."""

from tests.app.helpers import chart_specs, frame_with, plotly_values

PAGE = "pages/compare.py"


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_side_by_side_shows_each_perspectives_words_for_the_pmf(run_page):
    at = run_page(PAGE)
    text = markdown(at)
    assert "#### Iranian state\\-aligned" in text and "#### Israeli" in text
    assert any(t.startswith("**Named**: popular forces ×4") for t in text), text
    said = [t for t in text if t.startswith("**Said to be**")]
    assert "**Said to be**: entirely defensive and legal · part of Iraq’s military" in said
    assert "**Said to be**: a violent force · critical to Iran’s terrorism\\-exporting enterprise" in said
    assert [m.value for m in at.metric][:3] == ["+0.27", "+0.13", "-0.12"]
    assert at.selectbox(key="cmp_focus").value == "Popular Mobilization Forces"


def test_same_event_different_words_from_the_link(run_page):
    at = run_page(PAGE, {"cmp_focus": "Event: Killing of Qassem Soleimani", "cmp_tab": "Same event, different words"})
    wide = frame_with(at, "Iranian state-aligned", "Israeli", "US mainstream")
    assert wide["Iranian state-aligned"].tolist() == ["cowardly assassination", "painful assassination"]
    assert wide["Israeli"].tolist() == ["US airstrike that killed", ""]
    assert sorted(wide["US mainstream"]) == ["assassinated", "during a drone strike"]


def test_framing_matrix_by_outlet(run_page):
    at = run_page(PAGE, {"cmp_by": "Outlet", "cmp_tab": "Framing matrix", "cmp_top": "5"})
    spec = chart_specs(at)[0]
    heat = spec["data"][0]
    assert heat["type"] == "heatmap"
    # the outlets that write about the focus (the PMF) come first; four columns at most
    assert plotly_values(heat["x"]) == ["Shafaq News", "The Jerusalem Post", "Unknown Iranian outlet", "Al-Fassel"]
    assert len(plotly_values(heat["y"])) == 5
    matrix = frame_with(at, "group", "actor", "share", "tone")
    assert set(matrix["group"]) == {"Shafaq News", "The Jerusalem Post", "Unknown Iranian outlet", "Al-Fassel"}



def test_a_rerun_does_not_compute_the_framing_matrix_again(run_page, monkeypatch):
    # Computed on every rerun, the matrix took 0.25-0.9 s at 10,000 articles.
    from lib import compare
    reads = []
    real = compare.framing_matrix_in_store
    monkeypatch.setattr(compare, "framing_matrix_in_store", lambda *a, **k: reads.append(a) or real(*a, **k))
    at = run_page(PAGE, {"cmp_tab": "Framing matrix", "cmp_top": "6"})
    after_first = len(reads)
    at.run()
    assert not at.exception and chart_specs(at)[0]["data"][0]["type"] == "heatmap"
    assert len(reads) == after_first


def test_a_rerun_does_not_compute_the_lighter_tabs_again(run_page, monkeypatch):
    # Computed on every rerun, each of these took 0.3-0.5 s at 100,000 articles.
    import streamlit as st

    from lib import compare
    calls = []
    for name in ("phrases_side_by_side", "blindspots_in_store", "attention_over_time"):
        real = getattr(compare, name)
        monkeypatch.setattr(compare, name, lambda *a, real=real, name=name, **k: calls.append(name) or real(*a, **k))
    st.cache_resource.clear()  # views cached by an earlier test would not be computed at all
    try:
        for tab, name in (("Same event, different words", "phrases_side_by_side"), ("Blindspots", "blindspots_in_store"), ("Over time", "attention_over_time")):
            at = run_page(PAGE, {"cmp_tab": tab})
            assert calls.count(name) == 1, (tab, calls)
            at.run()
            assert not at.exception and calls.count(name) == 1, (tab, calls)
        # another focus is another view of the phrases and over time; the blindspots do not depend on it
        for tab in ("Same event, different words", "Blindspots", "Over time"):
            run_page(PAGE, {"cmp_tab": tab, "cmp_focus": "Iran"})
        assert [calls.count(n) for n in ("phrases_side_by_side", "blindspots_in_store", "attention_over_time")] == [2, 1, 2]
    finally:
        st.cache_resource.clear()


def test_blindspots_and_aligned_passages(run_page):
    at = run_page(PAGE, {"cmp_tab": "Blindspots"})
    only = frame_with(at, "item", "only in")
    assert only.loc[only["item"] == "Mohammad Kazem Al-Sadeq", "only in"].item() == "Iranian state-aligned"
    at = run_page(PAGE, {"cmp_tab": "Aligned passages", "cmp_ps": "9"})
    aligned = frame_with(at, "group", "similarity", "shared words")
    israeli = aligned[aligned["group"] == "Israeli"].iloc[0]
    assert israeli["text"].startswith("Bilateral ties were also strained in January following the US airstrike")
    # read from the store (lib/passages.py), exactly as the in-memory index scores them (tests/unit/test_passages.py)
    assert aligned[["group", "similarity"]].values.tolist() == [["Iraqi", 0.2409], ["Iraqi", 0.1314], ["Israeli", 0.2944], ["Israeli", 0.1762],
                                                          ["US mainstream", 0.2594], ["US mainstream", 0.2516]]
    assert israeli["shared words"] == "Qassem Soleimani, soleimani, general, United States, iraqi"


def test_an_infinite_sentence_number_in_the_link_is_ignored_not_fatal(run_page, caplog):
    # An integer input stopped the page on ?cmp_ps=inf (Streamlit 1.67: OverflowError). The
    # float input's format says no decimals without Streamlit's "%d" warning in the server log.
    first = run_page(PAGE, {"cmp_tab": "Aligned passages"}).number_input(key="cmp_ps").value
    for value in ("inf", "-1e309"):
        at = run_page(PAGE, {"cmp_tab": "Aligned passages", "cmp_ps": value})
        assert at.number_input(key="cmp_ps").value == first
        assert any(f"cmp_ps = {value}" in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert run_page(PAGE, {"cmp_tab": "Aligned passages", "cmp_ps": "9"}).number_input(key="cmp_ps").value == 9
    assert not [r.getMessage() for r in caplog.records if "number_input" in r.getMessage()]


def test_one_column_is_not_a_comparison(run_page):
    at = run_page(PAGE, {"cmp_cols": ["Iraqi"]})
    assert [w.value for w in at.warning] == ["Choose at least two columns to compare."]
