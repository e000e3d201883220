"""Set filters by hand, copy the link from the "Share this view" box, open it in a fresh browser: the same view."""


def bar_texts(page):
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(state="visible", timeout=60_000)
    return sorted(chart.locator("text.bartext").evaluate_all("els => els.map(e => e.textContent)"))


def test_filters_survive_a_copied_link(page_probe, probe_factory):
    page = page_probe.goto("/attacks")
    assert len(bar_texts(page)) == 8  # Maariv 4 months + Militia Spotlight 4 months
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Claimant")
    box.locator("input").click()
    box.locator("input").fill("Maariv")
    page.keyboard.press("Enter")
    page.wait_for_url("**claimant=Maariv**", timeout=30_000)
    page_probe.wait_for_app()
    seen = bar_texts(page)
    assert seen == sorted(["6", "31", "90", "65 (partial)"])
    shared = page.locator('input[aria-label="Link to this view"]').input_value()
    assert shared == page.url  # the box holds the whole view, query string included
    url = shared
    # The box is plain HTML: Streamlit's syntax-highlighter bundle (st.code) is not loaded for it.
    assert not [u for u in page_probe.requests if "SyntaxHighlighter" in u]
    page_probe.assert_clean()

    fresh = probe_factory(page_probe.base_url)  # a new browser context: no cookies, no session
    other = fresh.goto(url.removeprefix(page_probe.base_url))
    assert bar_texts(other) == seen
    assert "claimant=Maariv" in other.url
    fresh.assert_clean()
