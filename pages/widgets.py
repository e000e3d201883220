"""Widgets shared by the pages: the global filter sidebar and small helpers.

Every widget has an explicit key and is bound to the URL, so a copied link
reproduces the view.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib import loaders
from lib.filters import Filters

GLOBAL_FILTERS_KEY = "_global_filters"


def ensure_navigation() -> None:
    """Make a deep link work as the first request after the server starts.

    With a pages/ folder beside app.py, Streamlit 1.67 serves a session's first
    run in its legacy pages-folder mode until some run calls st.navigation: a
    shared link to /attacks would run pages/attacks.py alone, without app.py's
    navigation, sidebar filters and page config. Every page calls this first;
    it switches the legacy mode off and reruns through app.py, on the same page
    (both modes derive the page from its url path) with the same query.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the legacy mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def _date_or_none(v):
    return v if isinstance(v, date) else None


def global_filters() -> Filters:
    """Render the sidebar (outlets, perspectives, dates) and return its Filters."""
    articles = loaders.table("articles")
    outlets = loaders.outlets()
    with st.sidebar:
        st.markdown("**Filters** (shared by every page, kept in the link)")
        outlet_opts = sorted(articles["outlet"].dropna().unique())
        sel_outlets = st.multiselect("Outlets", outlet_opts, key="outlet", bind="query-params")
        # Options are the readable labels, so the link says ?perspective=Iraqi.
        persp_by_label = {perspective_label(p, outlets): p for p in articles["perspective"].dropna().unique()}
        chosen = st.multiselect("Perspectives", sorted(persp_by_label), key="perspective", bind="query-params")
        sel_persp = [persp_by_label[label] for label in chosen]
        d_from = st.date_input("From", value=None, key="from", bind="query-params", min_value=date(1990, 1, 1))
        d_to = st.date_input("To", value=None, key="to", bind="query-params", min_value=date(1990, 1, 1))
    labels = dict(outlets.perspectives)
    f = Filters(
        outlets=tuple(sel_outlets), perspectives=tuple(sel_persp),
        date_from=_date_or_none(d_from), date_to=_date_or_none(d_to), labels=labels,
    )
    st.session_state[GLOBAL_FILTERS_KEY] = f
    return f


def perspective_label(key: str, outlets) -> str:
    return outlets.perspectives.get(key, key.replace("_", " ").title())


def actor_picker(label: str, actor_ids, key: str, container=st) -> list[str]:
    """Multiselect over actors by name (the link carries names); returns ids."""
    by_name = {actor_name(a): a for a in actor_ids}
    chosen = container.multiselect(label, sorted(by_name), key=key, bind="query-params")
    return [by_name[n] for n in chosen]


def current_filters() -> Filters:
    return st.session_state.get(GLOBAL_FILTERS_KEY) or Filters()


def actor_name(actor_id: str | None) -> str:
    if not actor_id:
        return ""
    a = loaders.registry().actors.get(actor_id)
    return a.name if a else actor_id


def download_csv(df: pd.DataFrame, name: str, key: str, label: str = "Download CSV") -> None:
    st.download_button(label, df.to_csv(index=False).encode("utf-8"), file_name=f"{name}.csv", mime="text/csv", key=key)
