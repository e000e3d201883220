"""A stale store is rebuilt in the background: the pages keep serving the last build, and say so.

Runs against a throw-away copy of data/ (tests/fixtures/datadir.py), never the real corpus.
"""
from __future__ import annotations

import pytest
import streamlit as st

from lib import loaders, pipeline, store
from tests.unit.test_refresh import NEW_ARTICLE, rebuilding_started


@pytest.fixture
def data(app_data):
    return app_data


def sidebar_notices(at) -> list[str]:
    return [box.value for box in (*at.sidebar.info, *at.sidebar.warning)]


def test_pages_serve_the_last_build_while_a_changed_corpus_is_rebuilt(run_page, data):
    served = store.current_build_name(data / "processed")
    (data / "corpus" / "zz_added_by_hand.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    with store.lock(data / "processed"):  # the rebuild waits for it: it is "under way" for as long as the test needs
        at = run_page("pages/overview.py")
        assert [m.value for m in at.metric][0] == "5"  # the last build, not a wait for the new one
        assert loaders.current_build_id() == served
        assert rebuilding_started(loaders.refresher())
        at.run()  # the next rerun says so
        assert [m.value for m in at.metric][0] == "5"
        notices = sidebar_notices(at)
        assert len(notices) == 1 and "the store is being rebuilt" in notices[0]
        assert "Until the new build is ready, the pages show the build of" in notices[0]
    assert loaders.refresher().wait(300)
    loaders.current_build_id.clear()  # as the pin's few seconds running out would
    at.run()
    assert not at.exception
    assert [m.value for m in at.metric][0] == "6"
    assert loaders.current_build_id() != served
    assert sidebar_notices(at) == []


def test_replicas_that_serve_a_store_built_elsewhere_never_rebuild(run_page, data, monkeypatch):
    monkeypatch.setenv("CROSSCURRENTS_REBUILD", "0")
    served = store.current_build_name(data / "processed")
    (data / "corpus" / "zz_added_by_hand.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    at = run_page("pages/overview.py")
    assert loaders.refresher() is None
    assert [m.value for m in at.metric][0] == "5" and sidebar_notices(at) == []
    assert store.current_build_name(data / "processed") == served


def test_the_loaders_read_the_build_they_are_keyed_by_not_the_newest(data):
    """A page drawn from one build, whose caches fill (or whose download is clicked) after a
    rebuild was published, still reads that build: before, it read whichever CURRENT named."""
    drawn = store.current_build_name(data / "processed")
    (data / "corpus" / "zz_added_by_hand.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    pipeline.build(data / "corpus", data / "processed", log=lambda *_: None)
    newest = store.current_build_name(data / "processed")
    assert newest != drawn
    st.cache_resource.clear()
    count = "SELECT count(*) AS n FROM articles"
    assert len(loaders._table("articles", drawn, ("article_id",))) == 5
    assert int(loaders.query_in(drawn)(count)["n"].iloc[0]) == 5
    assert int(loaders.query_in(newest)(count)["n"].iloc[0]) == 6
    assert len(loaders._table("articles", newest, ("article_id",))) == 6
    # an actor's profile, cached for its build, reads the sentences it shows from that build too
    added = loaders.query_in(newest)("SELECT article_id, sent_id FROM sentences WHERE article_id = 'zz_added_by_hand'")
    assert len(added) > 0
    assert loaders.sentence_texts_in(drawn)(added).empty
    assert len(loaders.sentence_texts_in(newest)(added)) == len(added)


def test_a_new_build_served_empties_the_caches_of_the_old_one_but_keeps_the_refresher(data, monkeypatch):
    """Old builds' tables and views stayed cached until evicted: at 100,000 articles the
    server grew by 0.45 GB with every new build. The registry is read again too (a rebuild
    may come from changed dictionaries)."""
    reads, registries = [], []
    real_read, real_registry = store.read_table, loaders.load_registry
    monkeypatch.setattr(store, "read_table", lambda name, *a, **k: reads.append(name) or real_read(name, *a, **k))
    monkeypatch.setattr(loaders, "load_registry", lambda: registries.append(1) or real_registry())
    background = loaders.refresher()
    old = loaders.current_build_id()
    loaders._table("articles", old, ("article_id",))
    loaders._table("articles", old, ("article_id",))
    loaders.registry(), loaders.registry()
    assert (reads, registries) == (["articles"], [1])  # cached
    (data / "corpus" / "zz_added_by_hand.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    pipeline.build(data / "corpus", data / "processed", log=lambda *_: None)
    loaders._warm_now()  # what a new build sets off (no server here: nothing to visit)
    assert len(loaders._table("articles", old, ("article_id",))) == 5
    loaders.registry()
    assert (reads, registries) == (["articles", "articles"], [1, 1])  # emptied, read again
    assert loaders.current_build_id() != old
    assert loaders.refresher() is background  # a service of the process, not a cache entry
