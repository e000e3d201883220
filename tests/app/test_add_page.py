"""Add articles page under AppTest: off unless enabled; an upload previews, commits and is audited.

Runs against a throw-away copy of data/ (tests/fixtures/datadir.py), never the real corpus.
"""
from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager

from lib import acled, ingest, store
from lib.highlight import escape_markdown as md
from tests.app.helpers import frame_with
from tests.fixtures.datadir import ROOT, tree_hash

FIXTURES = ROOT / "tests" / "fixtures"
PAGE = "pages/add.py"


@pytest.fixture
def clicks_reach_the_page(monkeypatch):
    """AppTest resets PagesManager.uses_pages_directory before every run, so
    with a pages/ folder beside app.py each run goes through Streamlit's
    legacy pages mode and a button's click is consumed before the page sees
    it. A real server leaves that mode for good on the first st.navigation
    call (and pages.widgets.ensure_navigation makes sure of it): do the same."""
    real = PagesManager.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def data(app_data, monkeypatch, clicks_reach_the_page):
    monkeypatch.setenv("CROSSCURRENTS_ALLOW_INGEST", "1")
    return app_data


def test_disabled_unless_enabled(run_page, monkeypatch):
    monkeypatch.delenv("CROSSCURRENTS_ALLOW_INGEST", raising=False)
    at = run_page(PAGE)
    assert at.title[0].value == "Add articles"
    assert at.info[0].value.startswith("Adding articles is disabled on this deployment:")
    assert len(at.get("file_uploader")) == 0 and len(at.button) == 0


def test_upload_preview_commit_and_audit(run_page, data):
    before = tree_hash(data / "corpus")
    at = run_page(PAGE)
    at.text_input(key="add_user").set_value("app tester")
    at.file_uploader(key="add_files_0").set_value(("page.html", (FIXTURES / "article_page.html").read_bytes(), "text/html"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert tree_hash(data / "corpus") == before  # a preview writes nothing
    metrics = {m.label: m.value for m in at.metric}
    assert list(metrics) == ["Actors", "Figures", "Relations", "Quotes", "Unknown-actor candidates"]
    assert (metrics["Actors"], metrics["Figures"]) == ("7", "2")
    figures = frame_with(at, "count", "unit", "claimant", "evidence")
    assert list(figures["claimant"]) == ["Maariv", "Shafaq News"] and list(figures["count"]) == ["31", "2"]
    assert md("page.html: 2 <script> element(s) removed; only the article's text is kept") in [i.value for i in at.info]
    assert at.selectbox(key=next(k for k in _keys(at) if k.startswith("add_outlet_"))).value == "Shafaq News"

    at.button(key="add_commit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (done,) = [s.value for s in at.success]
    aid = next(p.stem for p in (data / "corpus").glob("u_*.txt"))
    assert done == md(f"Added 1 article(s): {aid} (store updated, incremental).")
    assert aid in set(store.read_table("articles", data / "processed")["article_id"])
    (entry,) = ingest.read_audit(data)
    assert (entry["who"], entry["via"], entry["article_id"], entry["file"]) == ("app tester", "app", aid, "page.html")
    assert aid in list(frame_with(at, "article_id", "added_by")["article_id"])
    assert f"Open in the reader: [{aid}](./?article={aid}#reader)" in [m.value for m in at.markdown]
    # The new article is in the corpus the other pages read.
    at.switch_page("pages/overview.py")
    at.query_params["article"] = aid
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="article").value == aid


def test_while_the_store_is_rebuilt_uploads_are_checked_but_not_committed(run_page, data, monkeypatch):
    """A commit would wait for the rebuild's lock and then give up: the buttons say so at once."""
    from lib import loaders, refresh

    monkeypatch.setattr(loaders, "refresh_state", lambda: refresh.RefreshState(rebuilding_since=1.8e9))
    at = run_page(PAGE)
    at.text_input(key="add_user").set_value("app tester")
    at.file_uploader(key="add_files_0").set_value(("page.html", (FIXTURES / "article_page.html").read_bytes(), "text/html"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "The store is being rebuilt (see the sidebar): uploads can be checked now, and added once it is done." in [i.value for i in at.info]
    assert {m.label: m.value for m in at.metric}["Figures"] == "2"  # the preview works
    assert at.button(key="add_commit").disabled
    monkeypatch.setattr(loaders, "refresh_state", lambda: refresh.RefreshState())
    at.run()
    assert not at.button(key="add_commit").disabled


def test_bad_upload_shows_message_and_writes_nothing(run_page, data):
    before = tree_hash(data)
    at = run_page(PAGE)
    at.text_input(key="add_user").set_value("t")
    at.file_uploader(key="add_files_0").set_value([("empty.txt", b"", "text/plain"), ("scan.txt", bytes(range(256)), "text/plain")])
    at.run()
    assert [e.value for e in at.error] == [md("empty.txt: empty file"), md("scan.txt: binary data, not text")]
    assert at.button(key="add_commit").disabled
    assert tree_hash(data) == before


def test_acled_import_shows_on_the_attacks_page(run_page, data):
    at = run_page(PAGE)
    at.text_input(key="add_user").set_value("analyst")
    at.file_uploader(key="acled_file_0").set_value(("acled_sample.csv", (FIXTURES / "acled_sample.csv").read_bytes(), "text/csv"))
    at.run()
    summary = acled.plan_import("acled_sample.csv", (FIXTURES / "acled_sample.csv").read_bytes(), ingest.pipeline.load_context()).summary()
    assert md(summary) in [i.value for i in at.info]
    at.button(key="acled_commit").click()
    at.run()
    assert [s.value for s in at.success] == [md("Imported 12 ACLED event(s) (store updated, incremental).")]
    assert len(acled.load_events(data)) == 12
    at.switch_page("pages/attacks.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = frame_with(at, "claim", "claimant", "citation")
    ours = table[table["claimant"] == "ACLED"]
    assert len(ours) == 11 and "Maariv" in set(table["claimant"])  # side by side with the articles' claims
    assert "ACLED (source: Associated Press; Reuters)" in set(ours["citation"])


def _keys(at):
    return [w.key for w in at.selectbox if w.key]
