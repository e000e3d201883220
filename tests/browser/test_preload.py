"""Pages whose main view is a Plotly chart start loading Plotly as they open; others do not."""


def test_chart_pages_preload_the_bundle_once_and_cleanly(page_probe):
    page = page_probe.goto("/attacks")
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    bundles = [u for u in page_probe.requests if "/static/js/PlotlyChart." in u]
    # The preload imports the very URL Streamlit imports: one request, and the chart reuses it.
    assert len(bundles) == 1 and bundles[0].startswith(page_probe.base_url + "/static/js/")
    page_probe.assert_clean()  # a wrong bundle URL would be an uncaught import error here


def test_pages_without_charts_do_not_load_plotly(page_probe):
    page = page_probe.goto("/search?q=drone")
    page.locator("mark").first.wait_for(state="visible", timeout=30_000)
    page_probe.wait_for_app()
    assert not [u for u in page_probe.requests if "/static/js/PlotlyChart." in u]
    page_probe.assert_clean()
