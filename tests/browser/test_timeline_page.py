"""The Timeline & Map page in a real headless Chromium: the map is drawn from
the shipped boundaries, and no request leaves localhost."""
import warnings
from urllib.parse import quote

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

from drawn_labels import label_boxes, overlapping

SOLEIMANI = "2020-01-03 — US drone strike kills Qassem Soleimani and Abu Mahdi al-Muhandis at Baghdad airport"


def test_map_draws_with_no_request_leaving_localhost(page_probe):
    page = page_probe.goto("/timeline")
    charts = page.locator(".js-plotly-plot")
    charts.first.wait_for(state="visible", timeout=30_000)
    assert charts.count() == 1  # the Timeline tab: only its chart is drawn
    timeline = charts.first
    assert timeline.locator("g.trace.scatter path.point").count() >= 18
    page.get_by_role("tab", name="Map").click()
    page.wait_for_url("**tl_view=Map**", timeout=30_000)
    page_probe.wait_for_app()
    geo = charts.first
    geo.locator("path.js-fill").first.wait_for(state="attached", timeout=30_000)
    assert charts.count() == 1
    # The map: country outlines are an ordinary filled scatter trace (one SVG path
    # for all rings), drawn on cartesian axes; no geo subplot, no tiles.
    assert geo.locator("g.geolayer > g, .mapboxgl-map, .maplibregl-map").count() == 0
    outline = geo.locator("g.trace.scatter").first.locator("path.js-fill")
    assert outline.count() == 1
    assert len(outline.get_attribute("d")) > 10_000  # 37 countries' rings, not an empty path
    # Event markers on the map.
    assert geo.locator("g.trace.scatter path.point").count() >= 12
    labels = geo.locator("g.textpoint text").evaluate_all("els => els.map(e => e.textContent)")
    assert {"SYRIA", "JORDAN", "LEBANON", "Harir Air Base", "Tower 22", "Golan Heights"} <= set(labels), labels
    assert any("Baghdad International Airport" in t for t in labels), labels
    # Place names are drawn apart from each other and from the country names.
    assert overlapping(label_boxes(geo)[0]) == []
    page.screenshot(path="/tmp/timeline.png", full_page=True)
    page_probe.assert_clean()
    assert page_probe.external_requests == []


def test_selected_event_shows_every_report_side_by_side(page_probe):
    page = page_probe.goto("/timeline?tl_event=" + quote(SOLEIMANI))
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    expect(page.get_by_text("3 reports", exact=False).first).to_be_attached(timeout=30_000)
    cards = page.locator("[data-testid='stHtml'] h4")
    # st.html's code is fetched when a page first holds one: the cards can come after the chart
    # (once, in a fresh clone's full run on a slow hour, none was there yet).
    expect(cards).to_have_count(3, timeout=30_000)
    outlets = cards.evaluate_all("els => els.map(e => e.textContent)")
    assert sorted(outlets) == ["The Jerusalem Post", "The New York Times", "Unknown Iranian outlet"]
    for words in ("“in 2020”", "“in January”", "none (no date in the text)"):
        assert page.get_by_text(words, exact=False).count() >= 1, words
    page.screenshot(path="/tmp/timeline_selected.png", full_page=True)
    page_probe.assert_clean()


def _click(page, point):
    """Plotly picks points from the mouse position, not from element clicks.
    Returns the points Plotly had under the mouse when it was clicked."""
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    hovered = point.evaluate(
        "el => (el.closest('.js-plotly-plot')._hoverdata || []).map(p => [p.curveNumber, p.pointNumber, p.customdata])")
    page.mouse.click(x, y)
    return hovered


def _click_until(page, point, url_glob: str, attempts: int = 3) -> None:
    """Click ``point`` until the link matches ``url_glob``. A click that changed nothing
    (once in a fresh clone's full run on CI, in 30 s) is clicked again and reported as a
    warning with what Plotly had under the mouse, so a lost click shows in the log
    rather than passing unseen; a click that never lands fails the test."""
    tried = []
    for _ in range(attempts):
        hovered = _click(page, point)
        try:
            page.wait_for_url(url_glob, timeout=20_000)
        except PlaywrightTimeoutError:
            tried.append(f"under the mouse {hovered}, then the link was {page.url}")
            continue
        if tried:
            warnings.warn(f"a click on the chart was lost {len(tried)} time(s): " + "; ".join(tried))
        return
    raise AssertionError(f"{attempts} clicks never made the link match {url_glob}: " + "; ".join(tried))


def test_clicking_an_event_selects_it_and_puts_it_in_the_link(page_probe):
    page = page_probe.goto("/timeline")
    timeline = page.locator(".js-plotly-plot").first
    timeline.wait_for(state="visible", timeout=30_000)
    # The only diamond on the timeline: the killing reported by three outlets.
    diamond = timeline.locator("g.trace.scatter path.point[d='M6.5,0L0,6.5L-6.5,0L0,-6.5Z']")
    expect(diamond).to_have_count(1, timeout=30_000)
    _click_until(page, diamond, "**tl_event=2020-01-03*")
    page_probe.wait_for_app()
    expect(page.locator("[data-testid='stHtml'] h4")).to_have_count(3, timeout=30_000)  # st.html's code may still be on its way
    # Then an event on the map (its tab; the selected event stays in the link): one report, one card.
    page.get_by_role("tab", name="Map").click()
    page.wait_for_url("**tl_view=Map**", timeout=30_000)
    page_probe.wait_for_app()
    geo = page.locator(".js-plotly-plot").first
    geo.locator("path.js-fill").first.wait_for(state="attached", timeout=30_000)
    geo.scroll_into_view_if_needed()
    harir = geo.locator("g.trace.scatter path.point")
    before = page.url
    for i in range(harir.count()):
        _click(page, harir.nth(i))
        page_probe.wait_for_app()
        if page.url != before:
            break
    assert page.url != before
    cards = page.locator("[data-testid='stHtml'] h4")
    cards.first.wait_for(state="visible", timeout=30_000)
    assert 1 <= cards.count() <= 3
    page_probe.assert_clean()
