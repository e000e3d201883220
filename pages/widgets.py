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
        persp_opts = sorted(articles["perspective"].dropna().unique())
        sel_persp = st.multiselect(
            "Perspectives", persp_opts, key="perspective", bind="query-params",
            format_func=lambda p: outlets.perspectives.get(p, p.replace("_", " ").title()),
        )
        d_from = st.date_input("From", value=None, key="from", bind="query-params", min_value=date(1990, 1, 1))
        d_to = st.date_input("To", value=None, key="to", bind="query-params", min_value=date(1990, 1, 1))
    labels = dict(outlets.perspectives)
    f = Filters(
        outlets=tuple(sel_outlets), perspectives=tuple(sel_persp),
        date_from=_date_or_none(d_from), date_to=_date_or_none(d_to), labels=labels,
    )
    st.session_state[GLOBAL_FILTERS_KEY] = f
    return f


def current_filters() -> Filters:
    return st.session_state.get(GLOBAL_FILTERS_KEY) or Filters()


def actor_name(actor_id: str | None) -> str:
    if not actor_id:
        return ""
    a = loaders.registry().actors.get(actor_id)
    return a.name if a else actor_id


def download_csv(df: pd.DataFrame, name: str, key: str, label: str = "Download CSV") -> None:
    st.download_button(label, df.to_csv(index=False).encode("utf-8"), file_name=f"{name}.csv", mime="text/csv", key=key)
