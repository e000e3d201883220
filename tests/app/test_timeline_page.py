"""Timeline & Map page under AppTest: each chart in its tab, the map drawn without geo
traces, the side-by-side reports of a selected event, filters from the URL."""
from tests.app.helpers import chart_specs, frame_with, plotly_values

PAGE = "pages/timeline.py"
SOLEIMANI = "2020-01-03 — US drone strike kills Qassem Soleimani and Abu Mahdi al-Muhandis at Baghdad airport"


def test_timeline_and_map_draw(run_page):
    at = run_page(PAGE)
    assert "Showing all 19 events (no filters)." in [c.value for c in at.caption]
    [timeline] = chart_specs(at)  # the Timeline tab is open: only its chart is sent
    at = run_page(PAGE, {"tl_view": "Map"})
    [geo] = chart_specs(at)
    on_timeline = {c for t in timeline["data"] if t.get("customdata") is not None for c in plotly_values(t["customdata"])}
    assert len(on_timeline) == 19 and "soleimani_killing" in on_timeline
    soleimani = next(t for t in timeline["data"] if t.get("name") == "Killing / assassination")
    assert soleimani["marker"]["symbol"] == ["diamond"] and soleimani["text"] == ["3 sources"]
    # The map: ordinary scatter traces only (no geo subplot, no tiles), boundaries first.
    assert {t["type"] for t in geo["data"]} == {"scatter"}
    assert geo["data"][0]["fill"] == "toself"
    assert not any(k.startswith(("geo", "mapbox", "map")) for k in geo["layout"])
    on_map = {c for t in geo["data"] if t.get("customdata") is not None for c in plotly_values(t["customdata"])}
    assert len(on_map) == 13 and {"tower_22_drone_attack", "2023-10-17-attack-002_2f6602b0745822a4-8-0"} <= on_map
    assert any("13 of 19 events have a place" in c.value for c in at.caption)


def test_selected_event_shows_every_report(run_page):
    at = run_page(PAGE, {"tl_event": SOLEIMANI})
    assert at.selectbox(key="tl_event").value == "soleimani_killing"
    assert any(m.value.startswith("**3 reports**, merged as one event dated 2020-01-03 (day), at Baghdad International Airport") for m in at.markdown)
    cards = [h.proto.body for h in at.get("html") if h.proto.body.startswith("<div")]  # not the sidebar's share box or preload
    assert len(cards) == 3
    joined = " ".join(cards)
    for outlet in ("Unknown Iranian outlet", "The New York Times", "The Jerusalem Post"):
        assert f">{outlet}</h4>" in joined
    assert "“in 2020”" in joined and "“in January”" in joined and "none (no date in the text)" in joined
    assert "./?article=003_c3e4981192742f60&amp;sent=7" in joined


def test_type_filter_from_url(run_page):
    at = run_page(PAGE, {"tl_type": "Attack"})
    assert "Showing 5 of 19 events, of type Attack." in [c.value for c in at.caption]
    table = frame_with(at, "title", "sources")
    assert set(table["type"]) == {"Attack"}
    assert sorted(table["date"].astype(str)) == ["2020-06-04", "2023-10-07", "2023-10-17", "2024-01-28", "2024-10-04"]


def test_outlet_filter_keeps_that_outlets_events(run_page):
    at = run_page(PAGE, {"outlet": "Shafaq News"})
    assert "Showing 7 of 19 events, from Shafaq News." in [c.value for c in at.caption]


def test_event_choices_are_the_events_shown_and_a_linked_hidden_one_stays(run_page):
    at = run_page(PAGE, {"tl_type": "Attack"})
    assert len(at.selectbox(key="tl_event").options) == 5  # only the five attacks drawn, not all 19 events
    at = run_page(PAGE, {"tl_type": "Attack", "tl_event": SOLEIMANI})  # a killing, hidden by the type filter
    box = at.selectbox(key="tl_event")
    assert box.value == "soleimani_killing" and len(box.options) == 6 and SOLEIMANI in box.options
    assert any("hidden by the filters" in i.value for i in at.info)
