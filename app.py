"""Crosscurrents: how the news covers Iraq between the United States and Iran.

Run with `make run` (or `streamlit run app.py`).
"""
# pandas is imported before anything that imports plotly: with streamlit 1.67,
# plotly 7.1 and pandas 3.1, a plotly-express chart on an st.navigation page
# raised "partially initialized module 'pandas'" in real browser sessions
# (always with three sessions starting at once) unless pandas came first.
import pandas  # noqa: F401  (import order matters, see above)
import plotly.express  # noqa: F401
import streamlit as st

from lib.loaders import warm_after_first_reader
from pages.charts import preload_chart_library
from pages.widgets import actor_link_by_id, global_filters, notice_dropped_parameters, present_mode, require_access, share_panel, store_notice, url_snapshot

# No page_icon: a material-icon favicon is fetched from a font CDN, and the app must work offline.
st.set_page_config(page_title="Crosscurrents", layout="wide")

# No page icons: Streamlit uses a page's material icon as the tab's favicon and
# fetches it from a font CDN, and the app must make no request off the machine.
PAGES = [
    st.Page("pages/overview.py", title="Overview", url_path="overview", default=True),
    st.Page("pages/attacks.py", title="Attacks", url_path="attacks"),
    st.Page("pages/timeline.py", title="Timeline & Map", url_path="timeline"),
    st.Page("pages/search.py", title="Search", url_path="search"),
    st.Page("pages/compare.py", title="Compare", url_path="compare"),
    st.Page("pages/network.py", title="Network", url_path="network"),
    st.Page("pages/add.py", title="Add articles", url_path="add"),
]

# Pages whose main view is a Plotly chart: the browser starts loading Plotly as they open.
CHART_PAGES = {"attacks", "timeline", "compare"}

require_access()
asked = url_snapshot()
presenting = present_mode()
nav = st.navigation(PAGES, position="hidden" if presenting else "sidebar")
if not presenting:
    store_notice()
actor_link_by_id(nav.url_path, asked)
# The chart library's preloader sits beside the sidebar's heading, taking no room;
# only on chart pages: elsewhere it would slow the page's own first paint.
global_filters(beside_heading=preload_chart_library if nav.url_path in CHART_PAGES else None)
nav.run()
notice_dropped_parameters(asked)
if not presenting:
    share_panel()
warm_after_first_reader()  # last: the reader's own page is drawn first
