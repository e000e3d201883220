"""Pages whose main view is a Plotly chart start loading plotly.js as they open; others do not.
The charts use the app's own plotly.js build (pages/charts.py), never Streamlit's full bundle."""
from playwright.sync_api import expect

from lib.paths import PLOTLY_JS


def _plotly_requests(page_probe) -> list[str]:
    return [u for u in page_probe.requests if u.endswith("/app/static/" + PLOTLY_JS)]


def test_chart_pages_preload_the_bundle_once_and_cleanly(page_probe):
    page = page_probe.goto("/attacks")
    page.locator(".js-plotly-plot .bars path").first.wait_for(state="visible", timeout=30_000)
    # The preload and the chart share one request: the chart waits for the preloaded script.
    assert _plotly_requests(page_probe) == [page_probe.base_url + "/app/static/" + PLOTLY_JS]
    assert not [u for u in page_probe.requests if "/static/js/PlotlyChart." in u]  # Streamlit's 4.7 MB bundle
    page_probe.assert_clean()  # a wrong URL would be a failed request or a console error here


def test_the_preload_starts_before_any_chart_is_drawn(page_probe):
    """Compare's first tab draws no chart: only the preloader can have asked for plotly.js."""
    page = page_probe.goto("/compare?cmp_tab=Side+by+side")
    page.get_by_role("tab", name="Side by side").wait_for(state="visible", timeout=30_000)
    page_probe.wait_for_app()
    page.wait_for_function("() => !!window.Plotly", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() == 0
    assert _plotly_requests(page_probe) == [page_probe.base_url + "/app/static/" + PLOTLY_JS]
    page_probe.assert_clean()


def test_pages_without_charts_do_not_load_plotly(page_probe):
    page = page_probe.goto("/search?q=drone")
    page.locator("mark").first.wait_for(state="visible", timeout=30_000)
    page_probe.wait_for_app()
    assert not _plotly_requests(page_probe)
    assert not [u for u in page_probe.requests if "/static/js/PlotlyChart." in u]
    page_probe.assert_clean()


def test_the_preloader_takes_no_room_in_the_sidebar(page_probe):
    """It shares the sidebar heading's slot (app.py), so the heading and the first filter below
    it stand where they do on a page without it, from the first render: with a slot of its own it took one gap (16 px)
    until its script hid it, which could be after the chart was drawn."""
    def filters_top(path: str, ready: str):
        page = page_probe.goto(path)
        page.locator(ready).first.wait_for(state="visible", timeout=30_000)
        sidebar = page.locator('[data-testid="stSidebar"]')
        return page, [sidebar.get_by_text(words, exact=True).bounding_box()["y"] for words in ("Filters", "Outlets")]

    chart_page, with_preloader = filters_top("/attacks", ".js-plotly-plot .bars path")
    expect(chart_page.locator('[data-testid="stSidebar"] .st-key-plotly_preload')).to_be_attached()
    assert with_preloader == filters_top("/search?q=drone", "mark")[1]
    page_probe.assert_clean()
