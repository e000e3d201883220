"""Timeline & Map: what happened, when and where, and who reported it."""
from pages.widgets import ensure_navigation

ensure_navigation()

import json
from dataclasses import replace

import streamlit as st

from lib import loaders
from lib.frozen import freeze
from lib.geo import events_geojson, map_caption, map_figure
from lib.timeline import (
    cluster_export, clusters_among, clusters_in_store, event_choices, event_choices_in_store, event_labels, hover_reports_in_store, most_reported,
    reports_export, reports_in_store, source_articles_in_store, source_card_html, timeline_figure, type_labels,
)
from pages.charts import plotly_chart
from pages.widgets import actor_picker, add_to_briefing, capped_table, chart_slots, current_filters, download_csv, start_briefing

MAX_CARDS = 12
MAX_DRAWN = 1500  # events drawn on the timeline and the map (a few MB of points took the browser tens of seconds)

st.title("Timeline & Map")
st.caption(
    "Dated events read from the articles: attacks, strikes, killings, talks, statements, agreements, withdrawals. "
    "Reports of one event by several outlets are merged into one event; each keeps its own words and its own date precision."
)

# The page holds one row per event; reports (and their evidence) are read from the store
# only for the events drawn, the event selected and the exports.
@st.cache_resource(max_entries=2, show_spinner=False)
def all_events(build_id: str):
    """One row per event, and the choices of the filters (shared, read-only)."""
    clusters = clusters_in_store(loaders.query)
    actors, types = event_choices_in_store(loaders.query)
    titles = event_labels(clusters)
    return clusters, list(clusters["cluster_id"]), titles, {label: c for c, label in titles.items()}, actors, types


all_clusters, all_cluster_ids, titles, ids_by_title, actor_ids, event_types = all_events(loaders.current_build_id())
registry = loaders.registry()
names = {a.id: a.name for a in registry.actors.values()}
labels = type_labels()

c1, c2 = st.columns(2)
type_by_label = {labels.get(t, t): t for t in event_types}
chosen_types = c1.multiselect("Event type", sorted(type_by_label), key="tl_type", bind="query-params")
chosen_actors = actor_picker("Actor taking part", actor_ids, key="tl_actor", container=c2)

base = current_filters()
f = replace(base, event_types=tuple(type_by_label[t] for t in chosen_types), actors=tuple(chosen_actors), labels={**base.labels, **names, **labels})


@st.cache_resource(max_entries=32, show_spinner=False)
def timeline_view(build_id: str, f):
    """The events shown, their charts and table for one set of filters; shared by every
    session (cache_resource: never copied, so never mutated here)."""
    clusters = clusters_among(all_clusters, loaders.query(*f.events_sql())["cluster_id"])
    table = cluster_export(clusters)
    for col in ("source_actor", "target_actor"):
        table[col] = table[col].map(lambda a: names.get(a, a) if isinstance(a, str) else "")
    table["type"] = table["type"].map(lambda t: labels.get(t, t))
    on_screen = table.drop(columns=["cluster_id", "lat", "lon"])
    drawn = most_reported(clusters, MAX_DRAWN)
    hovers = hover_reports_in_store(loaders.query, drawn["cluster_id"])
    return clusters, table, on_screen, list(drawn["cluster_id"]), freeze(timeline_figure(drawn, hovers, names)), freeze(map_figure(drawn, hovers, names))


clusters, table, on_screen, drawn_ids, timeline, geo = timeline_view(loaders.current_build_id(), f)
n_drawn = len(drawn_ids)
caption = f.describe("events", len(clusters), len(all_clusters))
st.caption(caption)
if n_drawn < len(clusters):
    st.caption(f"The timeline and the map draw the {n_drawn:,} events reported by the most articles (then the deadliest) of {len(clusters):,}; "
               "narrow the filters to see the others. The table below lists every one.")


def _pick(chart_key: str):
    """Clicking a point selects its event (and puts it in the link)."""
    def pick():
        state = st.session_state.get(chart_key)
        points = (state or {}).get("selection", {}).get("points", []) if state else []
        for p in points:
            cid = p.get("customdata")
            cid = cid[0] if isinstance(cid, list) else cid
            if cid in titles:
                st.session_state["tl_event"] = cid
                return
    return pick


start_briefing("Timeline & Map")
add_to_briefing("Timeline of events", "chart", timeline, caption=caption)
add_to_briefing("Map of located events", "chart", geo, caption=caption)
(tab_timeline, timeline_drawn), (tab_map, map_drawn) = chart_slots(["Timeline", "Map"], key="tl_view")
if timeline_drawn:
    with tab_timeline:
        plotly_chart(timeline, key="tl_timeline", on_select=_pick("tl_timeline"), config={"toImageButtonOptions": {"filename": "crosscurrents-timeline"}})
if map_drawn:
    with tab_map:
        plotly_chart(geo, key="tl_map", on_select=_pick("tl_map"), config={"scrollZoom": True, "toImageButtonOptions": {"filename": "crosscurrents-map"}})
    tab_map.caption(map_caption(clusters, drawn_ids))

st.subheader("Every article that reports an event")
# The link carries the event's label (a bound selectbox stores what it shows). The choices
# are the events drawn, plus the one picked or linked: every event's label was 1.4 MB
# at 100,000 articles, sent on every rerun.
linked = ids_by_title.get(st.query_params.get("tl_event"))
choices = event_choices(all_cluster_ids, drawn_ids, keep=(st.session_state.get("tl_event"), linked))
picked = st.selectbox(
    "Event", choices, index=None, format_func=lambda c: titles.get(c, c),
    key="tl_event", bind="query-params", placeholder="Click an event on the timeline or the map, or choose it here"
    + (f" (the {n_drawn:,} drawn; narrow the filters for the others)" if n_drawn < len(clusters) else ""),
)
if picked:
    reports = reports_in_store(loaders.query, "?", [picked]).sort_values("article_id")
    if picked not in set(clusters["cluster_id"]):
        st.info("This event is hidden by the filters above; its reports are shown anyway.", icon=":material/filter_alt_off:")
    head = all_clusters[all_clusters["cluster_id"] == picked].iloc[0]
    st.markdown(f"**{len(reports)} report{'s' if len(reports) != 1 else ''}**, merged as one event dated {head['date_label']} ({head['precision']})"
                + (f", at {head['place']}" if isinstance(head["place"], str) else "") + ".")
    cards = reports.head(MAX_CARDS).to_dict("records")
    by_article = source_articles_in_store(loaders.query, [r["article_id"] for r in cards])
    per_row = min(len(cards), 4) or 1
    for first in range(0, len(cards), per_row):
        for col, r in zip(st.columns(per_row), cards[first : first + per_row]):
            with col:
                st.html(source_card_html(r, by_article.get(r["article_id"]), names))
    if len(reports) > MAX_CARDS:
        st.caption(f"…and {len(reports) - MAX_CARDS} more reports of this event: all are in “Every report” (CSV) below.")

st.subheader("Every event shown")
capped_table(on_screen, what="events", order="by date", key="tl_table",
             column_config={"sources": st.column_config.TextColumn("sources (their own words for the date)", width="large")})
add_to_briefing("Every event shown", "table", on_screen, caption=caption)
d1, d2, d3 = st.columns(3)
with d1:
    download_csv(table, "crosscurrents-events", key="tl_csv", label="Events (CSV)")
drawn_from = loaders.query_in(loaders.current_build_id())  # downloads read the build drawn, when clicked
with d2:
    download_csv(lambda: reports_export(reports_in_store(drawn_from, *f.events_sql())), "crosscurrents-event-reports", key="tl_reports_csv", label="Every report, in its own words (CSV)")
with d3:
    st.download_button("Located events (GeoJSON)", lambda: json.dumps(events_geojson(clusters, reports_in_store(drawn_from, *f.events_sql())), ensure_ascii=False, indent=1).encode("utf-8"),
                       file_name="crosscurrents-events.geojson", mime="application/geo+json", key="tl_geojson", on_click="ignore")
st.caption("Dates in brackets are each source's own words, resolved against the article's date; data/known_events.yaml dates famous events an article names without a date.")
