"""The Add page's parts, as render functions: an article's metadata form and the preview of
what the engine extracted from it. They draw; lib/ingest.py decides."""
from datetime import date

import streamlit as st

from lib import ingest
from pages.widgets import MISSING, ensure_navigation

if __name__ == "__main__":  # opened as a page (/add_views) in the legacy pages-folder mode: see pages/widgets.py
    ensure_navigation()


def metadata_form(d: ingest.Draft, ctx, *, key: str) -> dict:
    """The form, prefilled with what the engine made of the file; returns what the person changed."""
    base, names = ingest.form_defaults(d), sorted(o.name for o in ctx.outlets.outlets.values())
    options = ["", *names, *([base["outlet"]] if base["outlet"] and base["outlet"] not in names else []), "New outlet…"]
    persp = ["", *ctx.outlets.perspectives]
    c1, c2, c3 = st.columns(3)
    outlet = c1.selectbox("Outlet", options, index=options.index(base["outlet"] or ""), key=f"add_outlet_{key}", format_func=lambda o: o or "(unknown)")
    if outlet == "New outlet…":
        outlet = c1.text_input("New outlet's name", key=f"add_newoutlet_{key}")
    values = {
        "outlet": outlet,
        "perspective": c2.selectbox("Perspective", persp, index=persp.index(base["perspective"] or ""), key=f"add_persp_{key}",
                                    format_func=lambda p: ctx.outlets.perspectives.get(p, "(from the outlet registry)")),
        "published": c3.date_input("Published", value=base["published"], min_value=date(1900, 1, 1), max_value=date.today(), key=f"add_date_{key}"),
    }
    c4, c5, c6 = st.columns([3, 2, 1])
    for col, field, label in ((c4, "url", "URL"), (c5, "author", "Author"), (c6, "language", "Language")):
        values[field] = col.text_input(label, value=base[field] or "", key=f"add_{field}_{key}")
    return ingest.changed_fields(values, base)


def preview(d: ingest.Draft, registry) -> None:
    for col, (label, n) in zip(st.columns(5), d.counts().items()):
        col.metric(label.capitalize(), n)
    tables = ingest.preview_tables(d, registry)
    for tab, (label, df) in zip(st.tabs([label.capitalize() for label in tables]), tables.items()):
        if len(df):
            tab.dataframe(df, hide_index=True, width="stretch", placeholder=MISSING, key=f"add_{label}_{d.article_id}")
        else:
            tab.caption(f"No {label} found.")
