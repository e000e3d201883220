"""Add articles in a real browser: an upload is previewed, committed, and lands in a copy of data/.

A server of its own with ingest enabled and CROSSCURRENTS_* pointing at a
throw-away copy of data/: the real corpus is never written.
"""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lib import ingest
from tests.fixtures.datadir import ROOT, env_for, make_template

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def ingest_server(streamlit_launcher, tmp_path_factory):
    data = make_template(tmp_path_factory.mktemp("browser-add") / "data")
    server = streamlit_launcher(ROOT / "app.py", env={"CROSSCURRENTS_ALLOW_INGEST": "1", **env_for(data)})
    return server, data


def test_upload_preview_and_commit(ingest_server, probe_factory):
    server, data = ingest_server
    probe = probe_factory(server.url)
    page = probe.goto("/add")
    page.get_by_label("Your name, for the audit log").fill("browser tester")
    page.get_by_label("Your name, for the audit log").press("Enter")
    probe.wait_for_app()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(FIXTURES / "article_page.html"))
    # The upload is sent first and the rerun starts after it: wait for what the rerun draws.
    page.locator('[data-testid="stMetric"]').nth(4).wait_for(timeout=60_000)
    probe.wait_for_app(timeout=60)
    expander = page.locator('[data-testid="stExpander"]').first
    assert "article_page.html · Militias strike base" in expander.inner_text()
    metrics = page.locator('[data-testid="stMetric"]')
    assert metrics.count() == 5
    assert metrics.nth(0).inner_text().split() == ["Actors", "7"] and metrics.nth(1).inner_text().split() == ["Figures", "2"]
    assert not list((data / "corpus").glob("u_*"))  # nothing written by the preview
    page.screenshot(path="/tmp/add_page_preview.png", full_page=True)

    page.get_by_role("button", name="Add 1 article(s)").click()
    page.locator('[data-testid="stAlertContentSuccess"]').wait_for(timeout=60_000)
    probe.wait_for_app(timeout=60)
    added = [p.stem for p in (data / "corpus").glob("u_*.txt")]
    assert len(added) == 1
    success = page.locator('[data-testid="stAlertContentSuccess"]').inner_text()
    assert success == f"Added 1 article(s): {added[0]} (store updated, incremental)."
    assert [(e["who"], e["via"], e["file"]) for e in ingest.read_audit(data)] == [("browser tester", "app", "article_page.html")]
    page.screenshot(path="/tmp/add_page_done.png", full_page=True)
    probe.assert_clean()


def test_disabled_on_the_default_server(page_probe, monkeypatch):
    page = page_probe.goto("/add")
    # Retried until it holds, not read once: an alert can be read before its text is drawn.
    expect(page.locator('[data-testid="stAlertContentInfo"]').first).to_contain_text("Adding articles is disabled on this deployment:", timeout=30_000)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    page_probe.assert_clean()
