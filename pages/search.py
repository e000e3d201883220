"""Search: full text across every article, hits highlighted, each opening the reader."""
from pages.widgets import ensure_navigation

ensure_navigation()

import html

import pandas as pd
import streamlit as st

from lib import loaders
from lib.highlight import escape_markdown, reader_href
from lib.network import reported_by
from lib.timeline import date_label
from lib.search import found_words, highlight_hits, names_in_hits, search_sql
from pages.widgets import actor_name, actor_picker, add_to_briefing, current_filters, download_csv, start_briefing

MAX_HITS = 200

st.title("Search")
articles_all = loaders.table("articles", ["article_id", "outlet", "original_publisher", "perspective", "published"])

query = st.text_input("Words or a \"quoted phrase\"", key="q", bind="query-params", placeholder='e.g. drone, "Harir base", Maariv')
c1, c2 = st.columns(2)
actors = actor_picker("Sentences naming", loaders.mentioned_actors(), key="q_actor", container=c1)
outlet_opts = sorted(articles_all["outlet"].unique())
outlets = c2.multiselect("In outlets", outlet_opts, key="q_outlet", bind="query-params")

f = current_filters()


@st.cache_resource(max_entries=64, show_spinner=False)
def search(build_id: str, f, outlets: tuple[str, ...], query: str, actors: tuple[str, ...]):
    """(articles searched, the hits: MAX_HITS + 1 at most, which says whether there are more, and
    where they name the actors searched for),
    shared by every session and never changed (a search read every sentence again on each rerun)."""
    articles = f.articles_in_store(articles_all, loaders.query)
    if outlets:
        articles = articles[articles["outlet"].isin(outlets)]
    narrowed = None if len(articles) == len(articles_all) else list(articles["article_id"])
    hits = loaders.query(*search_sql(query, narrowed, limit=MAX_HITS + 1, actors=list(actors))) if query else None
    return len(articles), hits, names_in_hits(loaders.query, hits, actors, {a: actor_name(a) for a in actors})


n_searched, hits, named = search(loaders.current_build_id(), f, tuple(outlets), query, tuple(actors))
start_briefing("Search")
if not query:
    st.info("Type words to search every sentence of the corpus.")
    st.stop()
in_outlets = f" In outlets: {', '.join(outlets)}." if outlets else ""
naming = f" Sentences naming {' or '.join(actor_name(a) for a in actors)}." if actors else ""
caption = f.describe("articles", n_searched, len(articles_all)) + in_outlets + naming + f" Query: {query!r}; {found_words(len(hits), MAX_HITS)}."
hits = hits.head(MAX_HITS).merge(articles_all, on="article_id", how="left")
st.caption(escape_markdown(caption))
# who wrote it, then who carried it, as Compare and the Network say it
hits["outlet"] = reported_by(hits)
hits["published"] = [date_label(d, None, "day") for d in hits["published"]]
# One HTML block for every hit: a block per hit made the browser lay out hundreds of elements.
if len(hits):
    st.html("".join(
        f'<div style="margin:.4rem 0;padding:.4rem .6rem;border-left:3px solid #0b5563">'
        f'<div style="font-size:.8rem;color:#555">{html.escape(row.outlet)} · {row.published} · {html.escape(row.article_id)} · sentence {row.sent_id} · '
        f'<a href="{html.escape(reader_href(row.article_id, row.sent_id))}" target="_self">open in the reader</a></div>'
        f'{highlight_hits(row.text, query, named.get((row.article_id, row.sent_id), []))}</div>'
        for row in hits.itertuples()
    ))
table = pd.DataFrame({"article": hits["article_id"], "outlet": hits["outlet"], "published": hits["published"], "sentence": hits["sent_id"], "text": hits["text"]})
download_csv(table, "crosscurrents-search", key="search_csv")
add_to_briefing("Search results", "table", table, caption=caption)
