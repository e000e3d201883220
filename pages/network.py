"""Network: who is named with, and acts on, whom; and each actor's profile."""
from pages.widgets import ensure_navigation

ensure_navigation()

from dataclasses import replace

import streamlit as st

from lib import actor_profile, loaders, network
from lib.highlight import escape_markdown
from pages.charts import plotly_chart
from pages.widgets import MISSING, TABLE_ROWS, add_to_briefing, capped_table, current_filters, download_csv, start_briefing

st.title("Actor network")
st.caption("Who is named with, and acts on, whom. Every edge rests on sentences: pick an edge in the table under the graph to read them, each linked to its place in the article.")

registry = loaders.registry()
articles_all = loaders.table("articles", ["article_id", "outlet", "original_publisher", "perspective", "published", "title"])
# Mentions and relations stay in the store: the graph's edges and counts, and each profile, are queries.
styles = network.relation_styles()
names = {a.id: a.name for a in registry.actors.values()}
start_briefing("Network")


@st.cache_resource(max_entries=24, show_spinner="Reading the network…")
def edges_of(build_id: str, f, co: bool, reg: bool, loose: bool):
    """(edges, mentions per actor), shared by every graph drawn from them: never changed. The relations'
    edges alone, the costly part, are read once for the graphs with co-mentions or registry links too."""
    relations = edges_of(build_id, f, False, False, loose).edges if co or reg else None
    return network.edges_in_store(loaders.query, f, articles_all, registry, co_mentions=co, registry_links=reg, loose=loose, relation_edges=relations)


@st.cache_resource(max_entries=24, show_spinner="Drawing the network…")
def draw(build_id: str, f, options: network.GraphOptions, co: bool, reg: bool, loose: bool, focus: str | None = None, height: int = 640):
    """(graph, html), shared by every session and never copied (cache_data pickled them on every rerun): never changed."""
    G = network.graph_from_edges(edges_of(build_id, network.edge_filters(f), co, reg, loose), registry, options, focus)
    heading = f"Around {names.get(focus, focus)}" if focus else ""
    return G, network.graph_html(G, heading=heading, camp_labels=registry.camp_labels, height=height)


@st.fragment
def graph_section():
    c = st.columns(4)
    rel = c[0].multiselect("Relations", network.text_relation_types(), format_func=lambda r: styles[r]["label"], key="net_rel", bind="query-params")
    camps = c[1].multiselect("Camps", list(registry.camp_labels), format_func=lambda k: registry.camp_labels[k], key="net_camp", bind="query-params")
    types = c[2].multiselect("Actor types", list(registry.type_labels), key="net_type", bind="query-params")
    min_w = c[3].slider("Minimum sentences per edge", 1, 10, 1, key="net_min", bind="query-params")
    c = st.columns(4)
    top = c[0].slider("Most central actors shown", 10, 1000, 150, step=10, key="net_top", bind="query-params",
                      help="Large graphs keep the actors with the highest degree centrality, so the browser stays responsive.")
    co = c[1].toggle("Co-mentions (same sentence)", key="net_co", bind="query-params")
    reg = c[2].toggle("Registry links (part of, affiliated)", key="net_reg", bind="query-params")
    loose = c[3].toggle("Include hedged and negated relations", key="net_all", bind="query-params")
    base = current_filters()
    f = replace(base, relation_types=tuple(rel), camps=tuple(camps), actor_types=tuple(types), min_weight=min_w if min_w > 1 else None,
                labels={**base.labels, **names, **registry.camp_labels, **{k: v["label"] for k, v in styles.items()}})
    options = network.GraphOptions(camps=f.camps, actor_types=f.actor_types, min_weight=min_w, top_n=top)
    G, html = draw(loaders.current_build_id(), f, options, co, reg, loose)
    st.caption(escape_markdown(f.describe("actors", len(G), None) + f" {G.number_of_edges()} edges; hedged and negated relations {'included' if loose else 'left out'}."))
    if len(G) == 0:
        st.info("No relation matches these filters. Widen them, or switch on co-mentions.")
        return
    st.iframe(html, height=network.frame_height(640))
    add_to_briefing("Actor network", "document", html, caption=f.describe("actors", len(G), None))

    st.markdown("**Edges.** Select one to read the sentences behind it.")
    edges = network.edge_table(G, names)
    shown = edges.drop(columns=["source", "target", "relation"]).rename(columns={"source_name": "from", "relation_label": "relation", "target_name": "to", "weight": "sentences"})
    picked = st.dataframe(shown, hide_index=True, width="stretch", placeholder=MISSING, key="net_edges", on_select="rerun", selection_mode="single-row", height=260)
    sel = picked.selection.rows if picked else []
    if sel:
        e = edges.iloc[sel[0]]
        ev = network.edge_evidence_in_store(e, loaders.query, f, f.articles_in_store(articles_all, loaders.query), loaders.sentence_texts, loose=loose)
        st.markdown(escape_markdown(f"**{e['source_name']} — {e['relation_label']} — {e['target_name']}**: {len(ev):,} sentence(s)"))
        capped_table(ev, what="sentences", key="net_evidence", column_config={
            "sentence": st.column_config.TextColumn("sentence", width="large"),
            "reader": st.column_config.LinkColumn("in the article", display_text="open")})
        download_csv(ev, "crosscurrents-edge-evidence", key="net_evidence_csv")
    for col, e in zip(st.columns(4), network.exports(G, html, names)):
        col.download_button(e.label, data=e.data, file_name=e.file_name, mime=e.mime, key=f"net_dl_{e.key}", on_click="ignore")
    with st.expander("Actors by centrality"):
        nodes = network.node_table(G)
        st.dataframe(nodes, hide_index=True, width="stretch", placeholder=MISSING, key="net_nodes")
        download_csv(nodes, "crosscurrents-actors", key="net_nodes_csv")


graph_section()

# ---------------------------------------------------------------- profile
st.divider()
st.subheader("Actor profile")
named = sorted({names[a] for a in loaders.mentioned_actors() if a in names})


@st.fragment
def profile_section():
    # In a fragment: picking another actor does not re-send the graph above.
    choice = st.selectbox("Actor (the graph cannot send clicks back: pick here)", named, index=None, placeholder="Pick an actor…", key="actor", bind="query-params")
    if choice:
        profile(next(a for a, n in names.items() if n == choice))


@st.cache_resource(max_entries=32, show_spinner="Reading the actor's profile…")
def profile_of(build_id: str, f, actor: str) -> actor_profile.Profile:
    """Shared by every session and never copied: read it, never change it."""
    return actor_profile.profile_in_store(actor, f, registry=registry, query=loaders.query_in(build_id), sentence_texts=loaders.sentence_texts_in(build_id),
                                          articles=articles_all, names=names, shown=TABLE_ROWS)


def profile(actor: str):
    p = profile_of(loaders.current_build_id(), current_filters(), actor)
    facts = p.facts
    st.markdown(f"**{escape_markdown(facts['name'])}**: {escape_markdown(facts['type'])}, camp {escape_markdown(facts['camp'])}. {escape_markdown(facts['description'])}")
    c = st.columns(3)
    c[0].metric("Articles naming it", f"{p.span['n_articles']:,}")
    c[1].metric("Mentions", f"{p.n_mentions:,}")
    c[2].metric("Relations read", f"{p.n_relations_read:,}")
    for line in p.summary_lines():
        st.markdown(line)

    left, right = st.columns(2)
    with left:
        st.markdown("**Names it goes by in the corpus**")
        st.dataframe(p.aliases, hide_index=True, width="stretch", placeholder=MISSING, key="net_aliases")
    with right:
        plotly_chart(p.by_month_chart, key="net_profile_time")

    st.markdown("**Neighbourhood** (actors one edge away, with the sidebar filters)")
    _, ego_html = draw(loaders.current_build_id(), current_filters(), network.GraphOptions(top_n=1000), False, False, False, actor, 420)
    st.iframe(ego_html, height=network.frame_height(420))

    st.markdown("**Relations, by type and outlet** (hedged and negated ones too, named in the flags column; the graphs leave them out unless switched on)")
    if p.relations.empty:
        st.info("No relation with this actor was read from the articles shown.")
    else:
        st.dataframe(p.relations_pivot, width="stretch", placeholder=MISSING, key="net_profile_pivot")
        # 38,000 relations of Iran at 10,000 articles were all sent to the browser
        capped_table(p.relations, what="relations", order="by type and outlet", total=p.n_relations, key="net_profile_relations", column_config={
            "sentence": st.column_config.TextColumn("sentence", width="large"),
            "reader": st.column_config.LinkColumn("in the article", display_text="open")})
        download_csv(p.relations_csv, f"crosscurrents-{actor}-relations", key="net_profile_csv")

    st.markdown("**Words each outlet uses for it**" + (" (labels and tone of the sentence)" if p.words_kind == "labels" else " (names used; labels not built yet)"))
    st.dataframe(p.words, hide_index=True, width="stretch", placeholder=MISSING, key="net_profile_words")


profile_section()
