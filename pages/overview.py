"""Overview: the corpus at a glance and the article reader."""
from pages.widgets import ensure_navigation

ensure_navigation()

import pandas as pd
import streamlit as st

from lib import loaders, reader
from lib.frames import isin
from lib.frontpage import (actors_named, candidate_names, corpus_table, figure_line, latest_figures, mention_counts, reader_choices,
                           top_actors_in_store, what_changed)
from lib.highlight import READER_ANCHOR, escape_markdown
from pages.widgets import MISSING, TABLE_ROWS, add_to_briefing, capped_table, current_filters, download_csv, scroll_into_view, start_briefing

st.title("Crosscurrents")
st.caption("How the news covers Iraq between the United States and Iran: who is named, who claims which numbers, and how each outlet tells it.")

ARTICLE_COLUMNS = ["article_id", "outlet", "original_publisher", "published", "date_precision", "perspective", "perspective_label", "n_words", "actors", "title"]
# The reader's fields of one article are read from the store when it is opened.
READER_COLUMNS = ["author", "date_basis", "source_file", "meta_from", "oov_before", "oov_after", "removed", "repairs"]
articles_all = loaders.table("articles", ARTICLE_COLUMNS)
figures = loaders.table("figures")
registry = loaders.registry()
f = current_filters()
names = {a.id: a.name for a in registry.actors.values()}
manifest = loaders.manifest()
for skipped in manifest.get("skipped", []):
    st.warning("Not in the corpus: " + escape_markdown(skipped["reason"]), icon=":material/warning:")


@st.cache_resource(max_entries=32, show_spinner=False)
def front_page(build_id: str, f):
    """The filtered corpus and everything the front page says about it (cached: reruns are cheap)."""
    articles = f.articles_in_store(articles_all, loaders.query)
    shown_ids = set(articles["article_id"])
    where, params = f.in_articles_sql()  # mentions and candidates are counted by the store, never loaded
    headline = {
        "Articles": len(articles), "Outlets": articles["outlet"].nunique(),
        "Actors named": actors_named(loaders.query, where, params),
        "Figures extracted": int(isin(figures["article_id"], shown_ids).sum()),
    }
    latest = latest_figures(f.figures(figures, articles_all)).to_dict("records")
    return (articles, list(articles["article_id"]), headline, latest, top_actors_in_store(loaders.query, where, params, names, 8),
            what_changed(articles, mention_counts(loaders.query), names), corpus_table(articles, names), candidate_names(loaders.query, where, params))


articles, ids, headline, latest, most_named, changed, table, candidates = front_page(loaders.current_build_id(), f)
st.caption(escape_markdown(f.describe("articles", len(articles), len(articles_all))))
for col, (label, value) in zip(st.columns(4), headline.items()):
    col.metric(label, f"{value:,}" if isinstance(value, int) else value)

left, mid, right = st.columns([4, 5, 4])  # the middle table's three columns need the room
with left:
    st.markdown("**Latest figures, with who claims them**")
    for r in latest:
        st.markdown(figure_line(r))
with mid:
    st.markdown("**Most named actors**")
    st.dataframe(most_named, hide_index=True, width="stretch", placeholder=MISSING, key="top_actors", column_config={
        "mentions": st.column_config.NumberColumn("mentions", width="small", format="localized"),
        "articles": st.column_config.NumberColumn("articles", width="small", format="localized")})
with right:
    st.markdown("**What changed**")
    for line in changed:
        st.markdown(escape_markdown(line))

st.subheader("The corpus")
capped_table(table, what="articles", key="corpus_table")
download_csv(table, "crosscurrents-corpus", key="corpus_csv")
start_briefing("Overview")
add_to_briefing("The corpus", "table", table, caption=f.describe("articles", len(articles), len(articles_all)))

st.subheader("Article reader", anchor=READER_ANCHOR)  # links to a sentence land here
if not ids:
    st.info("No article matches the filters.")
    st.stop()
choices = reader_choices(ids, st.query_params.get("article"), TABLE_ROWS)
article_id = st.selectbox("Article (id, as in the table above)", choices, key="article", bind="query-params")
if len(ids) > len(choices):
    st.caption(f"The picker lists the table's first {TABLE_ROWS:,} articles; any other opens from Search or a link to it.")
art = articles_all[articles_all["article_id"] == article_id].iloc[0]
art = pd.concat([art, loaders.query(f"SELECT {', '.join(READER_COLUMNS)} FROM articles WHERE article_id = ?", [article_id]).iloc[0]])
st.markdown(f"#### {escape_markdown(art['title'] if reader.known(art['title']) else '(untitled)')}")
sent_param = st.query_params.get("sent")
focus = int(sent_param) if sent_param and sent_param.isdigit() else None
show_raw = st.toggle("Show the original file (as received, with debris)", key="raw", bind="query-params")
evidence = reader.evidence_sentence(loaders.query, article_id, focus)
if evidence:
    st.info(f"Evidence sentence {focus}: “{escape_markdown(evidence['text'])}” It is marked in the text below.", icon=":material/format_quote:")
st.table(reader.article_facts(art))

art_mentions = loaders.query("SELECT actor, surface, method, start, \"end\", raw_start, raw_end FROM mentions WHERE article_id = ? ORDER BY start", [article_id])
text = reader.original_text(art) if show_raw else loaders.article_text(article_id)
spans = reader.mention_spans(art_mentions, registry, raw=show_raw)
marked = evidence["raw_span" if show_raw else "span"] if evidence else None
st.html(f'<div style="line-height:1.7;max-width:60rem">{reader.article_html(text, spans, marked)}</div>')
if marked:
    scroll_into_view(reader.EVIDENCE_ID, once=f"{article_id}#{focus}", key="reader_scroll")
st.caption("Highlighted names link to the actor's profile; colours show the actor's camp. The text is escaped: nothing in an article runs as HTML.")

with st.expander("Actors in this article"):
    st.dataframe(reader.actors_table(art_mentions, registry, names), hide_index=True, width="stretch", placeholder=MISSING, key="article_actors")

with st.expander("Names not in the registry (candidates to add)"):
    st.dataframe(candidates.head(TABLE_ROWS), hide_index=True, width="stretch", placeholder=MISSING, key="candidates_table")
    st.caption("Add a name to data/actors.yaml (with type, camp and aliases) and the store rebuilds on the next load.")

with st.expander("Cleaning: what was removed and repaired"):
    st.write(f"Out-of-vocabulary tokens: {art['oov_before']} in the raw file, {art['oov_after']} after cleaning.")
    st.dataframe(pd.DataFrame({"removed": list(art["removed"])}), hide_index=True, width="stretch", placeholder=MISSING, key="removed_table")
    st.dataframe(pd.DataFrame({"repaired": list(art["repairs"])}), hide_index=True, width="stretch", placeholder=MISSING, key="repairs_table")
