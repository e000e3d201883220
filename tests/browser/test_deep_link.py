"""A shared link to a page must work as the very first request a fresh server gets."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_first_request_is_a_deep_link(streamlit_launcher, probe_factory):
    server = streamlit_launcher(REPO / "app.py")
    probe = probe_factory(server.url)
    page = probe.goto("/attacks?claimant=Maariv")
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    # app.py ran: its navigation (page titles, not file names) and the shared sidebar are there.
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Overview" in nav and "Attacks" in nav and "widgets" not in nav
    assert page.get_by_text("Filters").count() >= 1
    assert page.locator(".js-plotly-plot").first.locator("g.trace.bars").count() == 1
    probe.assert_clean()
