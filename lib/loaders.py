"""The app's cached loaders: the one module in lib/ that imports streamlit.

Tables are cached with ``st.cache_resource`` keyed by the build directory, so
every session shares one read-only copy (``st.cache_data`` would pickle and
copy a DataFrame for every caller). Callers must never mutate what they get.
Pages ask only for the columns they draw; large text (article bodies,
sentences) is read through DuckDB with the filter pushed down to Parquet, so
no session holds whole text tables in memory.
"""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from lib import pipeline, refresh, store
from lib.paths import CORPUS_DIR, DATA_DIR, STORE_DIR
from lib.registry import load_outlets, load_registry


@st.cache_resource(max_entries=4, show_spinner=False)
def _refresher(corpus_dir: str, store_dir: str, data_dir: str) -> refresh.Refresher:
    return refresh.Refresher(Path(corpus_dir), Path(store_dir), Path(data_dir))


def refresher() -> refresh.Refresher | None:
    """The store's one background refresher in this process (lib/refresh.py); None on
    replicas that serve a store built elsewhere (a build cluster writing to shared
    storage), which set CROSSCURRENTS_REBUILD=0 and serve whatever CURRENT names."""
    if os.environ.get("CROSSCURRENTS_REBUILD", "1") == "0":
        return None
    return _refresher(str(CORPUS_DIR), str(STORE_DIR), str(DATA_DIR))


# A few seconds' pin keeps a rerun's tables from one build, and picks up a new build
# (published by a rebuild, an upload or a build cluster) within that time.
@st.cache_resource(ttl=5, show_spinner="Building the processed store…")
def current_build_id() -> str:
    """The build being served. A stale store is rebuilt in the background while the
    pages keep serving this one; only a store with no build at all is built first."""
    background = refresher()
    if background is not None:
        if store.current_build(STORE_DIR) is None:
            pipeline.build(CORPUS_DIR, STORE_DIR, log=lambda *_: None)
        background.poke()
    return store.current_build_name(STORE_DIR)


def refresh_state() -> refresh.RefreshState:
    background = refresher()
    return background.state() if background is not None else refresh.RefreshState()


@st.cache_resource(max_entries=48, show_spinner=False)
def _table(name: str, build_id: str, columns: tuple[str, ...] | None):
    return store.read_table(name, columns=list(columns) if columns else None, build=STORE_DIR / build_id)


def table(name: str, columns=None):
    """A processed table, or some of its columns (shared, read-only)."""
    return _table(name, current_build_id(), tuple(columns) if columns else None)


# Each cache is keyed by a build and reads that build, not whichever CURRENT names when
# it is filled: a rebuild published in between would otherwise mix two builds' rows.
@st.cache_resource(max_entries=2, show_spinner=False)
def _duck(build_id: str):
    return store.duckdb_connection(build=STORE_DIR / build_id)


def query(sql: str, params=(), frames: dict | None = None, arrow: bool = False):
    """Run SQL over the store's tables (views named like the tables; ``frames``:
    name -> DataFrame, registered as tables for this query; ``arrow``: typed like
    ``table()``'s frames, see ``store.run_query``)."""
    return store.run_query(_duck(current_build_id()), sql, params, frames, arrow)


def query_in(build_id: str):
    """``query`` pinned to one build: for work done later (a download when it is clicked)
    that must read the build the page was drawn from, even if a newer one is published."""
    return lambda sql, params=(), frames=None, arrow=False: store.run_query(_duck(build_id), sql, params, frames, arrow)


def query_arrow(sql: str, params=(), frames: dict | None = None):
    """``query``'s result as an Arrow table (for results kept in memory: no pandas objects)."""
    return store.run_query_arrow(_duck(current_build_id()), sql, params, frames)


def sentence_texts(keys):
    """The text of the sentences at ``keys`` (article_id, sent_id), read from the
    store for just those rows: pages that show a few sentences never hold them all."""
    return query("SELECT s.article_id, s.sent_id, s.text FROM sentences s JOIN wanted w USING (article_id, sent_id)",
                 frames={"wanted": keys[["article_id", "sent_id"]].drop_duplicates()})


@st.cache_resource(max_entries=2, show_spinner=False)
def _mentioned_actors(build_id: str) -> tuple[str, ...]:
    return tuple(query("SELECT DISTINCT actor FROM mentions WHERE actor IS NOT NULL ORDER BY actor")["actor"])


def mentioned_actors() -> tuple[str, ...]:
    """Every actor the corpus names (ids, sorted)."""
    return _mentioned_actors(current_build_id())


def article_text(article_id: str) -> str:
    df = query("SELECT text FROM articles WHERE article_id = ?", [article_id])
    return df["text"].iloc[0] if len(df) else ""


def manifest() -> dict:
    current_build_id()
    return store.read_manifest(STORE_DIR) or {}


@st.cache_resource(show_spinner=False)
def registry():
    return load_registry()


@st.cache_resource(show_spinner=False)
def outlets():
    return load_outlets()
