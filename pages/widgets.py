"""Widgets shared by the pages: the global filter sidebar and small helpers.

Every widget has an explicit key and is bound to the URL, so a copied link
reproduces the view.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import loaders
from lib.filters import Filters
from lib.highlight import escape_markdown, share_link_html, with_query
from lib.paths import STATIC_DIR
from lib.refresh import RefreshState, notice

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


def actor_link_by_id(page: str, asked: dict) -> None:
    """A link may name the Network page's actor by its registry id (./network?actor=pmf);
    the page's picker holds names, so the link is rewritten to carry the name, before the
    sidebar's widgets exist: Streamlit refuses to set a link's key bound to a widget, and
    a link with a filter as well (…&from=2024-01-01) stopped the page. ``asked`` (the link
    as given, ``url_snapshot``) then names the actor too, so nothing is said to be missing."""
    if page != "network":
        return
    known = loaders.registry().actors.get(st.query_params.get("actor", ""))
    if known is None:
        return
    actor = known.name
    asked["actor"] = [actor]
    # Keys whose widgets an earlier run of this session made are bound already: they keep
    # their values. If the picker is one of them (the browser's Back to the link as first
    # opened), it is set instead: that cannot stop the page.
    bound = {k for k in st.query_params.keys() if k in st.session_state}
    if "actor" in bound:
        # A history step seeds the picker from the link (the id: dropped); once rerun, the
        # value set here wins and the picker writes the name into the link.
        if not st.session_state.pop("_actor_link_rerun", False):
            st.session_state["actor"] = actor
            st.session_state["_actor_link_rerun"] = True
            st.rerun()
        return
    query = {k: v for k, v in url_snapshot().items() if k not in bound}
    st.switch_page("pages/network.py", query_params={**query, "actor": actor})


def global_filters(beside_heading: Callable[[], None] | None = None) -> Filters:
    """Render the sidebar (outlets, perspectives, dates) and return its Filters.
    ``beside_heading`` draws an element that must take no room (the chart preloader,
    pages/charts.py) in the heading's own slot: no gap of its own, from the first render."""
    articles = loaders.table("articles", ["outlet", "perspective"])  # never the text: the sidebar runs on every page
    outlets = loaders.outlets()
    with st.sidebar:
        with st.container(gap=None):
            st.markdown("**Filters** (shared by every page, kept in the link)")
            if beside_heading:
                beside_heading()
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


def store_notice() -> None:
    """Say in the sidebar that a newer build is being made, or that making it failed
    (lib/refresh.py): the pages meanwhile show the last build."""
    state = loaders.refresh_state()
    said = notice(state, loaders.manifest().get("built_at")) if state != RefreshState() else None
    if said is not None:
        kind, text = said
        box = st.sidebar.info if kind == "info" else st.sidebar.warning
        box(escape_markdown(text), icon=":material/autorenew:" if kind == "info" else ":material/error:")


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


TABLE_ROWS = 1000  # rows of a table sent to the browser; its CSV carries every row
# What a table shows where a value is missing: Streamlit's default, "None", read as a value
# (an outlet called None, a trigger word "None"). The article facts say "—" too.
MISSING = "—"


def capped_table(df: pd.DataFrame, *, what: str, key: str, order: str = "", total: int | None = None, **dataframe_options):
    """``df`` as a table of at most TABLE_ROWS rows, saying so when it holds more ("The first
    1,000 of 38,263 relations, by type and outlet; the CSV below has every one."): tens of
    thousands of rows sent to the browser slowed every rerun at 10,000 articles. ``total``:
    how many rows there are when ``df`` holds only the first ones."""
    total = len(df) if total is None else total
    if total > TABLE_ROWS:
        st.caption(f"The first {TABLE_ROWS:,} of {total:,} {what}{', ' + order if order else ''}; the CSV below has every one.")
    return st.dataframe(df.head(TABLE_ROWS), hide_index=True, width="stretch", placeholder=MISSING, key=key, **dataframe_options)


def download_csv(df, name: str, key: str, label: str = "Download CSV") -> None:
    """``df``: a DataFrame, or a function that makes one when the button is clicked."""
    # The CSV is written when the button is clicked, not on every rerun: at
    # 10,000 articles writing every table up front cost more than drawing the page.
    st.download_button(label, lambda: (df() if callable(df) else df).to_csv(index=False).encode("utf-8"), file_name=f"{name}.csv",
                       mime="text/csv", key=key, on_click="ignore")


# --- sharing and briefing ------------------------------------------------------
BRIEF_KEY = "_briefing"


def start_briefing(page_title: str) -> None:
    """A fresh briefing for this run of the page (panels are re-added on each rerun)."""
    from lib.briefing import Briefing

    st.session_state[BRIEF_KEY] = Briefing(f"Crosscurrents — {page_title}", current_filters().describe("the corpus"))


def add_to_briefing(title: str, kind: str, payload, notes=(), caption: str = "") -> None:
    """Register a panel of the current view for the briefing pack."""
    from lib.briefing import Panel

    brief = st.session_state.get(BRIEF_KEY)
    if brief is not None:
        brief.add(Panel(title, kind, payload, notes if callable(notes) else list(notes), caption))


def share_panel() -> None:
    """Sidebar: the link to this exact view, and the briefing pack of it."""
    from lib.briefing import render

    with st.sidebar:
        st.markdown("**Share this view**")
        # A plain read-only field, not st.code: st.code makes every visitor's browser
        # load Streamlit's 1.5 MB syntax highlighter before the page settles.
        st.html(share_link_html(view_url()))
        st.caption("The link holds every filter and selection: opening it shows this view. Click the box, then copy.")
        brief = st.session_state.get(BRIEF_KEY)
        if brief is not None and brief.panels:
            st.download_button(
                "Briefing pack (HTML)", data=lambda: render(brief).encode("utf-8"), file_name="crosscurrents-briefing.html",
                mime="text/html", key="briefing_pack", on_click="ignore",
                help="One self-contained HTML file: interactive charts, tables and the provenance of every figure. Opens offline.",
            )


def view_url() -> str:
    """This view's full link. st.context.url drops the query string, which is where
    the bound widgets keep the view, so it is put back from st.query_params."""
    return with_query(st.context.url or "", url_snapshot())


def presenting() -> bool:
    """Whether this view is in presentation mode (?present=1)."""
    return st.query_params.get("present") in ("1", "true", "yes")


def chart_slots(labels: list[str], *, key: str) -> list[tuple[DeltaGenerator, bool]]:
    """Where each chart goes and whether to draw it: a tab each, only the open tab's chart
    drawn (the browser shows it sooner at 10,000 articles); when presenting, every chart,
    one after another."""
    if presenting():
        return [(st.container(), True) for _ in labels]
    return [(tab, bool(tab.open)) for tab in st.tabs(labels, key=key, bind="query-params", on_change="rerun")]


def present_mode() -> bool:
    """?present=1: large type, no controls, one panel per screen, for a briefing room."""
    on = presenting()
    if on:
        st.html(
            "<style>"
            "section[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],header,"
            "[data-testid='stMultiSelect'],[data-testid='stSelectbox'],[data-testid='stDateInput'],"
            "[data-testid='stDownloadButton'],[data-testid='stToggle'],[data-testid='stTextInput']{display:none !important}"
            ".stMainBlockContainer{max-width:100% !important;padding:1rem 3rem !important}"
            "html{font-size:22px} h1{font-size:3rem !important}"
            ".crosscurrents-chart,[data-testid='stDataFrame'],iframe{min-height:80vh;page-break-after:always}"  # charts: pages/charts.py
            "</style>"
        )
    return on


# --- links that ask for something that is not there ----------------------------
def url_snapshot() -> dict:
    """The query as the link gave it, before bound widgets correct it."""
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def notice_dropped_parameters(before: dict) -> None:
    """Bound widgets drop values they do not know (an unknown actor, a malformed
    date) from the URL; say so instead of silently showing something else."""
    after = {k: st.query_params.get_all(k) for k in st.query_params.keys()}
    for key, values in before.items():
        kept = after.get(key, [])
        lost = [v for v in values if v not in kept and v != ""]
        if lost:
            st.toast(escape_markdown(f"The link asked for {key} = {', '.join(lost)}, which this corpus does not have; it was ignored."), icon="⚠️")
            st.warning(f"The link asked for **{escape_markdown(key)} = {escape_markdown(', '.join(lost))}**, which is not available here; showing the view without it.", icon=":material/link_off:")


# --- access ---------------------------------------------------------------------
def setting(name: str, default=None):
    """A deployment setting: environment CROSSCURRENTS_<NAME>, else secrets [crosscurrents] <name>."""
    import os

    env = os.environ.get(f"CROSSCURRENTS_{name.upper()}")
    if env is not None:
        return env
    try:
        return st.secrets.get("crosscurrents", {}).get(name, default)
    except FileNotFoundError:
        return default
    except Exception:  # no secrets file at all, or an unreadable one: the default holds
        return default


def signed_in_user() -> str | None:
    """The logged-in visitor's e-mail or name, when the deployment has a login."""
    try:
        who = (st.user.get("email") or st.user.get("name")) if st.user.is_logged_in else None
        return str(who) if who else None
    except Exception:  # no authentication configured
        return None


def require_access() -> None:
    """Private deployments: Streamlit's OIDC login when [auth] is in secrets,
    else a password gate when a password is set; public otherwise. Until the
    visitor is through, nothing of the corpus is shown."""
    import hmac

    try:
        oidc = "auth" in st.secrets
    except Exception:
        oidc = False
    if oidc:
        if not st.user.is_logged_in:
            st.title("Crosscurrents")
            st.info("This deployment is private. Log in to continue.")
            st.button("Log in", on_click=st.login, key="login_button")
            st.stop()
        return
    password = setting("password")
    if not password:
        return
    if st.session_state.get("_access_granted"):
        return
    st.title("Crosscurrents")
    st.info("This deployment is private.")
    typed = st.text_input("Password", type="password", key="access_password")
    if typed and hmac.compare_digest(typed.encode(), str(password).encode()):
        st.session_state["_access_granted"] = True
        st.rerun()
    if typed:
        st.error("That password is not right.")
    st.stop()


# --- scrolling ------------------------------------------------------------------
_scroll_component = st.components.v2.component("crosscurrents_scroll_to", js=(STATIC_DIR / "scroll_to.js").read_text(encoding="utf-8"),
                                               isolate_styles=False)  # it looks for the element in the page's own DOM


def scroll_into_view(element_id: str, *, once: str, key: str) -> None:
    """Scroll the page to the element with ``element_id`` when it is drawn, once per
    value of ``once`` (a new link scrolls again; a rerun of the same one does not)."""
    _scroll_component(key=key, data=json.dumps({"id": element_id, "once": once}).encode("utf-8"), height=0)


if __name__ == "__main__":
    # Opened as a page (/widgets): in Streamlit's legacy pages-folder mode every file here
    # is routable. Leave that mode; the app then treats /widgets as an unknown page.
    ensure_navigation()

