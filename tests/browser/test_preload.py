"""The Plotly bundle is fetched as the page opens, before any chart needs it."""


def test_chart_bundle_is_preloaded_on_a_page_without_charts(page_probe):
    page = page_probe.goto("/search?q=drone")
    page.locator("mark").first.wait_for(state="visible", timeout=30_000)
    page.wait_for_function("performance.getEntriesByType('resource').some(e => e.name.includes('/static/js/PlotlyChart.'))", timeout=30_000)
    bundles = [u for u in page_probe.requests if "/static/js/PlotlyChart." in u]
    assert len(bundles) == 1 and bundles[0].startswith(page_probe.base_url + "/static/js/")
    assert page.locator(".js-plotly-plot").count() == 0
    page_probe.assert_clean()  # a wrong bundle URL would be an uncaught import error here


def test_charts_reuse_the_preloaded_bundle(page_probe):
    page = page_probe.goto("/attacks")
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert len([u for u in page_probe.requests if "/static/js/PlotlyChart." in u]) == 1
    page_probe.assert_clean()
