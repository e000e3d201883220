"""The Compare page in a real headless Chromium: columns, heatmap, state in the URL, nothing leaves localhost."""
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect


def test_columns_side_by_side(page_probe):
    page = page_probe.goto("/compare")
    page.get_by_role("heading", name="Israeli").wait_for(timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    for words in ("a violent force", "entirely defensive and legal", "vehemently anti-American militias"):
        expect(main.get_by_text(words, exact=False).first).to_be_attached(timeout=30_000)
    page.screenshot(path="/tmp/compare.png", full_page=True)
    page_probe.assert_clean()


def test_framing_matrix_draws_from_the_link(page_probe):
    page = page_probe.goto("/compare?cmp_tab=Framing+matrix")
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(state="visible", timeout=30_000)
    assert chart.locator("g.hm, .heatmaplayer image, g.heatmaplayer").count() >= 1
    texts = chart.locator("text").evaluate_all("els => els.map(e => e.textContent)")
    assert "Popular Mobilization Forces" in texts and "Iranian state-aligned" in texts
    # no grid lines run through the gaps between cells or across the empty ones
    assert chart.locator(".gridlayer path").count() == 0
    page_probe.assert_clean()


def test_switching_to_outlets_is_kept_in_the_link(page_probe):
    page = page_probe.goto("/compare?cmp_focus=Event%3A+Killing+of+Qassem+Soleimani")
    page.get_by_role("heading", name="Israeli").wait_for(timeout=30_000)
    expect(page.locator('[data-testid="stMain"]').get_by_text("cowardly assassination", exact=False).first).to_be_attached(timeout=30_000)
    page.locator('[data-testid="stMain"] button', has_text="Outlet").first.click()
    page_probe.wait_for_app()
    page.get_by_role("heading", name="The Jerusalem Post").wait_for(timeout=30_000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["cmp_by"] == ["Outlet"]
    assert query["cmp_focus"] == ["Event: Killing of Qassem Soleimani"]
    expect(page.locator('[data-testid="stMain"]').get_by_text("US airstrike that killed", exact=False).first).to_be_attached(timeout=30_000)
    page_probe.assert_clean()


def test_the_sentence_number_is_a_whole_number_in_the_box_and_the_link(page_probe):
    # A float input shown as "%.0f" (an integer one stopped the page on ?cmp_ps=inf).
    page = page_probe.goto("/compare?cmp_tab=Aligned+passages&cmp_ps=9")
    box = page.get_by_label("Sentence number (as in the reader)")
    box.wait_for(state="visible", timeout=30_000)
    assert box.input_value() == "9"
    page.locator('[data-testid="stNumberInputStepUp"]').first.click()
    page.wait_for_url("**cmp_ps=10**", timeout=30_000)
    expect(box).to_have_value("10", timeout=30_000)
    page_probe.assert_clean()
