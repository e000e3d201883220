"""The app's cached loaders: the one module in lib/ that imports streamlit.

Tables are cached with ``st.cache_resource`` keyed by the build directory, so
every session shares one read-only copy (``st.cache_data`` would pickle and
copy a DataFrame for every caller). Callers must never mutate what they get.
"""
from __future__ import annotations

import streamlit as st

from lib import pipeline, store
from lib.paths import CORPUS_DIR, STORE_DIR
from lib.registry import load_outlets, load_registry


@st.cache_resource(ttl=30, show_spinner="Checking the processed store…")
def current_build_id() -> str:
    """Build the store if its inputs changed; re-checked at most every 30 s."""
    if pipeline.is_stale(CORPUS_DIR, STORE_DIR):
        pipeline.build(CORPUS_DIR, STORE_DIR, log=lambda *_: None)
    return store.current_build(STORE_DIR).name


@st.cache_resource(max_entries=32, show_spinner=False)
def _table(name: str, build_id: str):
    df = store.read_table(name, STORE_DIR)
    df.flags.allows_duplicate_labels = True
    return df


def table(name: str):
    """A processed table (shared, read-only)."""
    return _table(name, current_build_id())


def manifest() -> dict:
    current_build_id()
    return store.read_manifest(STORE_DIR) or {}


@st.cache_resource(show_spinner=False)
def registry():
    return load_registry()


@st.cache_resource(show_spinner=False)
def outlets():
    return load_outlets()
