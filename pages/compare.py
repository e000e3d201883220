"""Compare: how each outlet or perspective names, quotes and frames the same actors and events."""
from pages.widgets import ensure_navigation

ensure_navigation()

import streamlit as st

from lib import compare, loaders, passages, tone
from lib.framing import event_names
from lib.highlight import escape_markdown
from pages.widgets import actor_name, add_to_briefing, current_filters, download_csv, start_briefing

LINK = st.column_config.LinkColumn("sentence", display_text="open")


@st.cache_resource(max_entries=2, show_spinner="Weighing the corpus's words…")
def passage_stats(build_id: str) -> passages.PassageStats:
    return passages.passage_stats(loaders.query, loaders.query_arrow)


def render_column(col: compare.Column, *, key: str) -> None:
    """One outlet's or perspective's view of the focus (several sit side by side; ``key`` prefixes any widget)."""
    st.markdown(f"#### {escape_markdown(col.group)}")
    via = f" Republished by {', '.join(col.via)}." if col.via else ""
    st.caption(escape_markdown(f"{col.n_about} of {col.n_articles} articles mention it, in {col.n_sentences} sentences.{via}"))
    st.metric("Mean tone of these sentences", "—" if col.tone is None else f"{col.tone:+.2f}", help=tone.METHOD + "; limits below the page.")
    for line in compare.column_markdown(col):
        st.markdown(line)


def focus_name(focus: str, prefix: str = "Event: ") -> str:
    if compare.is_event(focus):
        return prefix + EVENTS.get(focus[len(compare.EVENT_PREFIX):], focus)
    return actor_name(focus)


def reset_columns() -> None:
    st.session_state.pop("cmp_cols", None)


st.title("Compare")
st.caption("The same actors and events in each outlet's or perspective's own words: names and labels, tone, whom they quote, what they leave out.")

EVENTS = event_names()
registry = loaders.registry()
articles_all = loaders.table("articles", ["article_id", "outlet", "original_publisher", "perspective", "published", "n_sentences", "title"])
f = current_filters()
# Labels, quotes and mentions stay in the store: each view reads the focus's labels, or counts per group, with the filters in SQL.


@st.cache_resource(max_entries=16, show_spinner=False)
def filtered_corpus(build_id: str, f):
    """The filtered articles, their groups and the foci they offer (shared by every session, never mutated)."""
    articles = f.articles_in_store(articles_all, loaders.query)
    groups = compare.article_groups(articles, loaders.outlets().perspectives)
    return articles, groups, compare.focus_options_in_store(loaders.query, *f.in_articles_sql(), EVENTS)


@st.cache_resource(max_entries=64, show_spinner=False)
def focus_view(build_id: str, f, by: str, focus: str):
    """The labels about the focus, the sentences they are in, and the columns to offer (those that write about it first)."""
    _, groups, _ = filtered_corpus(build_id, f)
    labels = compare.focus_labels_in_store(focus, loaders.query, *f.in_articles_sql())
    about = compare.focus_sentences(focus, labels)
    return labels, about, compare.group_options(groups, by, set(about["article_id"]))


@st.cache_resource(max_entries=64, show_spinner=False)
def side_by_side(build_id: str, f, by: str, focus: str, columns: tuple[str, ...], with_names: bool):
    _, groups, _ = filtered_corpus(build_id, f)
    labels, about, _ = focus_view(build_id, f, by, focus)
    quotes = compare.quotes_in_store(loaders.query, about["article_id"])
    cols = [compare.column_summary(g, by, focus, groups, labels, quotes, with_names=with_names) for g in columns]
    for col in cols:
        col.sentences = compare.with_sentence_text(col.sentences, loaders.sentence_texts, "text")
    return cols, compare.columns_table(cols, focus_name(focus))


@st.cache_resource(max_entries=64, show_spinner="Finding similar passages…")
def aligned_passages(build_id: str, f, by: str, columns: tuple[str, ...], article_id: str, sent_id: int):
    _, groups, _ = filtered_corpus(build_id, f)
    return compare.aligned_passages_in_store(loaders.query, passage_stats(build_id), article_id, sent_id, groups, by, list(columns), names=names)


build = loaders.current_build_id()
articles, groups, focus_opts = filtered_corpus(build, f)
names = {a.id: a.name for a in registry.actors.values()}
types = {a.id: a.type for a in registry.actors.values()}

# Widget options are the words shown, so a shared link reads ?cmp_by=Outlet&cmp_focus=Iraq.
c1, c2, c3 = st.columns([2, 5, 3])
by_label = c1.segmented_control("Compare", list(compare.GROUPINGS.values()), default="Perspective", required=True,
                                key="cmp_by", bind="query-params", on_change=reset_columns)
by = {v: k for k, v in compare.GROUPINGS.items()}[by_label]
if not focus_opts:
    st.info(escape_markdown(f.describe("articles", len(articles), len(articles_all))) + " Nothing to compare.")
    st.stop()
focus_by_name = {focus_name(x): x for x in focus_opts}
focus = focus_by_name[c3.selectbox("Actor or event", list(focus_by_name), index=focus_opts.index("pmf") if "pmf" in focus_opts else 0,
                                   key="cmp_focus", bind="query-params")]
# the groups that write about the focus are offered first
labels, about, options = focus_view(build, f, by, focus)
columns = c2.multiselect("Columns (2 to 4)", options, default=options[:4], max_selections=4, key="cmp_cols", bind="query-params")
st.caption(escape_markdown(f.describe("articles", len(articles), len(articles_all))))
if len(columns) < 2:
    st.warning("Choose at least two columns to compare.", icon=":material/view_column:")
    st.stop()

start_briefing("Compare")
tab_names = ["Side by side", "Framing matrix", "Same event, different words", "Blindspots", "Over time", "Aligned passages"]
tabs = dict(zip(tab_names, st.tabs(tab_names, key="cmp_tab", bind="query-params", on_change="rerun")))

with tabs["Side by side"]:
    if tabs["Side by side"].open:
        show_names = st.toggle("Count bare names too", value=True, key="cmp_names", bind="query-params")
        cols, side = side_by_side(build, f, by, focus, tuple(columns), show_names)
        for i, (slot, col) in enumerate(zip(st.columns(len(cols)), cols)):
            with slot:
                render_column(col, key=f"cmp_col{i}")
        download_csv(side, "crosscurrents-compare-labels", key="cmp_cols_csv", label="Download these labels (CSV)")
        add_to_briefing(f"{focus_name(focus, '')}: side by side", "table", side)

with tabs["Framing matrix"]:
    if tabs["Framing matrix"].open:
        top = st.slider("Actors shown (most mentioned first)", 4, 30, 12, key="cmp_top", bind="query-params")
        skip = {a for a, t in types.items() if t == "media outlet"}
        matrix = compare.framing_matrix_in_store(groups[groups[by].isin(columns)], loaders.query, by, names, top=top, skip_actors=skip)
        matrix_fig = compare.matrix_figure(matrix, title=f"Mean tone (colour) and share of mentions (text), by {by}", groups=columns)
        st.plotly_chart(matrix_fig, key="cmp_matrix", config={"displaylogo": False})
        add_to_briefing("Framing matrix", "chart", matrix_fig, caption=f"Tone by VADER lexicon; share of mentions by {by}.")
        st.dataframe(matrix, hide_index=True, key="cmp_matrix_table", width="stretch",
                     column_config={"share": st.column_config.NumberColumn(format="percent"), "tone": st.column_config.NumberColumn(format="%+.2f")})
        download_csv(matrix, "crosscurrents-framing-matrix", key="cmp_matrix_csv")

with tabs["Same event, different words"]:
    if tabs["Same event, different words"].open:
        st.markdown(f"**{escape_markdown(focus_name(focus, ''))}**: the words each column uses for it.")
        wide, long = compare.phrases_side_by_side(focus, groups, labels, by, columns)
        long = compare.with_sentence_text(long, loaders.sentence_texts, "example")
        st.dataframe(wide, hide_index=True, key="cmp_words", width="stretch")
        st.dataframe(long, hide_index=True, key="cmp_words_where", width="stretch", column_order=["group", "phrase", "kind", "count", "example", "link"],
                     column_config={"link": LINK, "example": st.column_config.TextColumn("first sentence", width="large")})
        download_csv(long, "crosscurrents-same-event-words", key="cmp_words_csv")
        add_to_briefing(f"{focus_name(focus, '')}: same event, different words", "table", long.drop(columns=["link"], errors="ignore"))

with tabs["Blindspots"]:
    if tabs["Blindspots"].open:
        st.caption(f"Across every {by} in the filtered corpus. A blindspot is what one {by} alone reports, or what one never mentions while two or more others do.")
        only, never = compare.blindspots_in_store(groups, loaders.query, by, names, types, EVENTS)
        left, right = st.columns(2)
        with left:
            st.markdown(f"**Reported by one {by} only**")
            st.dataframe(only.drop(columns=["id"]), hide_index=True, key="cmp_only", width="stretch")
            download_csv(only, "crosscurrents-blindspots-only-one", key="cmp_only_csv")
        with right:
            st.markdown(f"**Never mentioned by a {by} (while others do)**")
            st.dataframe(never.drop(columns=["id"]), hide_index=True, key="cmp_never", width="stretch")
            download_csv(never, "crosscurrents-blindspots-never", key="cmp_never_csv")

with tabs["Over time"]:
    if tabs["Over time"].open:
        over = compare.attention_over_time(focus, groups[groups[by].isin(columns)], labels, by)
        st.plotly_chart(compare.timeline_figure(over, "attention", title=f"Attention to {focus_name(focus, '')}: share of sentences, by month"), key="cmp_attention")
        st.plotly_chart(compare.timeline_figure(over, "tone", title=f"Tone of the sentences about {focus_name(focus, '')}, by month"), key="cmp_tone_time")
        st.caption("Articles without a date are left out; estimated dates are used as given (see the Overview for each article's date basis).")
        download_csv(over, "crosscurrents-attention-over-time", key="cmp_time_csv")

with tabs["Aligned passages"]:
    if tabs["Aligned passages"].open:
        shown = groups[groups[by].isin(columns)]
        by_title = {f"{a[:3]} · {o} — {t or ''}"[:90]: a for a, o, t in zip(shown["article_id"], shown["outlet"], shown["title"])}
        p1, p2 = st.columns([3, 1])
        about_ids = set(about["article_id"])
        with_focus = [i for i, a in enumerate(by_title.values()) if a in about_ids]
        art = by_title[p1.selectbox("Passage from", list(by_title), index=(with_focus or [0])[0], key="cmp_pa", bind="query-params")]
        sents = loaders.query("SELECT sent_id, text FROM sentences WHERE article_id = ? ORDER BY sent_id", [art])
        text_of = dict(zip(sents["sent_id"].astype(int), sents["text"]))
        first = about.loc[about["article_id"] == art, "sent_id"]
        sid = p2.number_input("Sentence number (as in the reader)", 0, max(len(text_of) - 1, 0), int(first.min()) if len(first) else 0,
                              key="cmp_ps", bind="query-params")
        st.markdown(f"> {escape_markdown(text_of.get(int(sid), ''))}")
        aligned = aligned_passages(build, f, by, tuple(columns), art, int(sid))
        st.dataframe(aligned, hide_index=True, key="cmp_aligned", width="stretch", column_order=["group", "text", "similarity", "shared words", "link"],
                     column_config={"link": LINK, "text": st.column_config.TextColumn(width="large")})
        st.caption("Similarity: cosine of TF-IDF vectors over the corpus's sentences, with the actors each names as extra terms "
                   "(words, not meaning: a paraphrase in other words scores low).")
        download_csv(aligned, "crosscurrents-aligned-passages", key="cmp_aligned_csv")

with st.expander("How labels, tone and quotes are found, and their limits"):
    st.markdown(compare.METHOD_NOTES.format(method=tone.METHOD))
