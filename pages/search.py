"""Search: full text across every article, hits highlighted, each opening the reader."""
from pages.widgets import ensure_navigation

ensure_navigation()

import html

import pandas as pd
import streamlit as st

from lib import loaders
from lib.highlight import escape_markdown, reader_href
from lib.network import outlet_label
from lib.timeline import date_label
from lib.search import found_words, highlight_hits, search_sql, sentences_naming
from pages.widgets import actor_picker, add_to_briefing, current_filters, download_csv, start_briefing

MAX_HITS = 200

st.title("Search")
articles_all = loaders.table("articles", ["article_id", "outlet", "original_publisher", "perspective", "published"])

query = st.text_input("Words or a \"quoted phrase\"", key="q", bind="query-params", placeholder='e.g. drone, "Harir base", Maariv')
c1, c2 = st.columns(2)
actors = actor_picker("Sentences naming", loaders.mentioned_actors(), key="q_actor", container=c1)
outlet_opts = sorted(articles_all["outlet"].unique())
outlets = c2.multiselect("In outlets", outlet_opts, key="q_outlet", bind="query-params")

f = current_filters()
articles = f.articles_in_store(articles_all, loaders.query)
if outlets:
    articles = articles[articles["outlet"].isin(outlets)]
narrowed = None if len(articles) == len(articles_all) else list(articles["article_id"])
# One row more than shown says whether there are more than MAX_HITS.
hits = loaders.query(*search_sql(query, narrowed, limit=MAX_HITS + 1)) if query else articles.iloc[0:0]
if actors and query:
    hits = hits.merge(sentences_naming(loaders.query, hits, actors), on=["article_id", "sent_id"])
start_briefing("Search")
if not query:
    st.info("Type words to search every sentence of the corpus.")
    st.stop()
in_outlets = f" In outlets: {', '.join(outlets)}." if outlets else ""
caption = f.describe("articles", len(articles), len(articles_all)) + in_outlets + f" Query: {query!r}; {found_words(len(hits), MAX_HITS)}."
hits = hits.head(MAX_HITS)
st.caption(escape_markdown(caption))
# who wrote it, then who carried it, as Compare and the Network say it
outlet_of = {a: outlet_label(o, p) for a, o, p in zip(articles_all["article_id"], articles_all["outlet"], articles_all["original_publisher"])}
published_of = {a: date_label(d, None, "day") for a, d in zip(articles_all["article_id"], articles_all["published"])}
# One HTML block for every hit: a block per hit made the browser lay out hundreds of elements.
if len(hits):
    st.html("".join(
        f'<div style="margin:.4rem 0;padding:.4rem .6rem;border-left:3px solid #0b5563">'
        f'<div style="font-size:.8rem;color:#555">{html.escape(outlet_of.get(row.article_id, ""))} · {published_of.get(row.article_id, "undated")} · {html.escape(row.article_id)} · sentence {row.sent_id} · '
        f'<a href="{html.escape(reader_href(row.article_id, row.sent_id))}" target="_self">open in the reader</a></div>'
        f'{highlight_hits(row.text, query)}</div>'
        for row in hits.itertuples()
    ))
table = pd.DataFrame({"article": hits["article_id"], "outlet": hits["article_id"].map(outlet_of), "published": hits["article_id"].map(published_of),
                      "sentence": hits["sent_id"], "text": hits["text"]})
download_csv(table, "crosscurrents-search", key="search_csv")
add_to_briefing("Search results", "table", table, caption=caption)
