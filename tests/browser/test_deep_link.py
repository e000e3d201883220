"""A shared link to a page must work as the very first request a fresh server gets."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
# Every module in pages/ that app.py does not list as a page: each must leave the legacy mode itself.
HELPER_MODULES = sorted(f"/{p.stem}" for p in (REPO / "pages").glob("*.py")
                        if p.stem != "__init__" and f'"pages/{p.name}"' not in (REPO / "app.py").read_text(encoding="utf-8"))


def test_first_request_is_a_deep_link(streamlit_launcher, probe_factory):
    server = streamlit_launcher(REPO / "app.py")
    probe = probe_factory(server.url)
    page = probe.goto("/attacks?claimant=Maariv")
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    # app.py ran: its navigation (page titles, not file names) and the shared sidebar are there.
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Overview" in nav and "Attacks" in nav and "widgets" not in nav
    expect(page.get_by_text("Filters").first).to_be_attached(timeout=30_000)
    assert page.locator(".js-plotly-plot").first.locator("g.trace.bars").count() == 1
    probe.assert_clean()


def test_the_helper_modules_are_found():
    assert {"/charts", "/compare_views", "/widgets", "/add_views"} <= set(HELPER_MODULES)


@pytest.mark.parametrize("path", HELPER_MODULES)
def test_a_helper_module_is_not_a_page_even_as_the_first_request(streamlit_launcher, probe_factory, path):
    """pages/ also holds modules that are not pages (widgets, charts, the Compare views); Streamlit's
    legacy pages-folder mode would serve them, blank, with every file name in the menu."""
    server = streamlit_launcher(REPO / "app.py")
    probe = probe_factory(server.url)
    page = probe.goto(path)  # the server's first request: the legacy mode is still on
    page.locator("h1").first.wait_for(state="visible", timeout=30_000)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Overview" in nav and path.strip("/").replace("_", " ") not in nav.lower()
    assert page.locator("h1").first.inner_text() == "Crosscurrents"  # the default page, not a blank one
    # Streamlit says so in the console, as for any unknown page; nothing else may go wrong.
    assert all("does not seem to exist" in e for e in probe.console_errors), probe.console_errors
    assert not probe.page_errors and not probe.external_requests and not probe.exceptions()
