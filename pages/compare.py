"""Compare: how each outlet or perspective names, quotes and frames the same actors and events."""
from pages.widgets import ensure_navigation

ensure_navigation()

import streamlit as st

from lib import compare, loaders, passages, tone
from lib.framing import event_names
from lib.frozen import freeze
from lib.highlight import escape_markdown
from pages.compare_views import render_aligned, render_blindspots, render_framing_matrix, render_over_time, render_phrases, render_side_by_side
from pages.widgets import actor_name, current_filters, start_briefing


@st.cache_resource(max_entries=2, show_spinner="Weighing the corpus's words…")
def passage_stats(build_id: str) -> passages.PassageStats:
    return passages.passage_stats(loaders.query, loaders.query_arrow)


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
    where, params = f.in_articles_sql()
    return articles, groups, compare.focus_options_in_store(loaders.query, where, params, EVENTS)


@st.cache_resource(max_entries=64, show_spinner=False)
def focus_view(build_id: str, f, by: str, focus: str):
    """The labels about the focus, the sentences they are in, and the columns to offer (those that write about it first)."""
    _, groups, _ = filtered_corpus(build_id, f)
    labels = compare.focus_labels_in_store(focus, loaders.query, *f.in_articles_sql())
    about = compare.focus_sentences(focus, labels)
    return labels, about, compare.group_options(groups, by, set(about["article_id"].tolist()))


@st.cache_resource(max_entries=64, show_spinner=False)
def side_by_side(build_id: str, f, by: str, focus: str, columns: tuple[str, ...], with_names: bool):
    _, groups, _ = filtered_corpus(build_id, f)
    labels, about, _ = focus_view(build_id, f, by, focus)
    return compare.side_by_side_in_store(loaders.query, loaders.sentence_texts, focus, focus_title=focus_name(focus), groups=groups, by=by,
                                         columns=columns, labels=labels, about=about, with_names=with_names)


@st.cache_resource(max_entries=64, show_spinner=False)
def framing_matrix(build_id: str, f, by: str, columns: tuple[str, ...], top: int):
    """(matrix, figure): computed on every rerun it took 0.25-0.9 s at 10,000 articles."""
    _, groups, _ = filtered_corpus(build_id, f)
    skip = {a for a, t in types.items() if t == "media outlet"}
    matrix = compare.framing_matrix_in_store(groups[groups[by].isin(columns)], loaders.query, by, names, top=top, skip_actors=skip)
    return matrix, freeze(compare.matrix_figure(matrix, title=f"Mean tone (colour) and share of mentions (text), by {by}", groups=list(columns)))


@st.cache_resource(max_entries=64, show_spinner=False)
def tab_view(build_id: str, f, tab: str, by: str, focus: str, columns: tuple[str, ...]):
    """What the phrases, blindspots or over-time tab draws (computed on every rerun, 0.3-0.5 s each at 100,000 articles)."""
    _, groups, _ = filtered_corpus(build_id, f)
    if tab == "Blindspots":
        return compare.blindspots_in_store(groups, loaders.query, by, names, types, EVENTS)
    labels, _, _ = focus_view(build_id, f, by, focus)
    if tab == "Over time":
        return (compare.attention_over_time(focus, groups[groups[by].isin(columns)], labels, by),)
    wide, long = compare.phrases_side_by_side(focus, groups, labels, by, list(columns))
    return wide, compare.with_sentence_text(long, loaders.sentence_texts, "example")


@st.cache_resource(max_entries=64, show_spinner="Finding similar passages…")
def aligned_passages(build_id: str, f, by: str, columns: tuple[str, ...], article_id: str, sent_id: int):
    _, groups, _ = filtered_corpus(build_id, f)
    return compare.aligned_passages_in_store(loaders.query, passage_stats(build_id), article_id, sent_id, groups, by, list(columns), names=names)


build = loaders.current_build_id()
articles, groups, focus_opts = filtered_corpus(build, f)
names = {a.id: a.name for a in registry.actors.values()}
types = {a.id: a.type for a in registry.actors.values()}

# Widget options are the words shown, so a shared link reads ?cmp_by=Outlet&cmp_focus=Iraq.
c1, c3 = st.columns([1, 2])  # the Columns box has a row of its own: four outlets' names fit without fading out
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
columns = st.multiselect("Columns (2 to 4)", options, default=options[:4], max_selections=4, key="cmp_cols", bind="query-params")
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
        render_side_by_side(*side_by_side(build, f, by, focus, tuple(columns), show_names), focus_title=focus_name(focus, ""), key="cmp")

with tabs["Framing matrix"]:
    if tabs["Framing matrix"].open:
        top = st.slider("Actors shown (most mentioned first)", 4, 30, 12, key="cmp_top", bind="query-params")
        render_framing_matrix(*framing_matrix(build, f, by, tuple(columns), top), by=by, key="cmp")

with tabs["Same event, different words"]:
    if tabs["Same event, different words"].open:
        render_phrases(*tab_view(build, f, "Same event, different words", by, focus, tuple(columns)), focus_title=focus_name(focus, ""), key="cmp")

with tabs["Blindspots"]:
    if tabs["Blindspots"].open:
        render_blindspots(*tab_view(build, f, "Blindspots", by, "", ()), by=by, key="cmp")

with tabs["Over time"]:
    if tabs["Over time"].open:
        render_over_time(*tab_view(build, f, "Over time", by, focus, tuple(columns)), focus_title=focus_name(focus, ""), key="cmp")

with tabs["Aligned passages"]:
    if tabs["Aligned passages"].open:
        shown = groups[groups[by].isin(columns)]
        by_title = compare.passage_sources(shown, about)
        p1, p2 = st.columns([3, 1])
        art = by_title[p1.selectbox("Passage from", list(by_title), key="cmp_pa", bind="query-params")]
        if len(shown) > len(by_title):
            p1.caption(f"{len(by_title):,} of {len(shown):,} articles are offered, those about the focus first: narrow the filters to reach the others.")
        text_of = compare.article_sentences(loaders.query, art)
        # A float shown as a whole number: Streamlit 1.67 stops the page on ?cmp_ps=inf for an integer input (OverflowError).
        sid = p2.number_input("Sentence number (as in the reader)", 0.0, float(max(len(text_of) - 1, 0)), float(compare.first_focus_sentence(about, art)),
                              step=1.0, format="%.0f", key="cmp_ps", bind="query-params")
        render_aligned(text_of.get(int(sid), ""), aligned_passages(build, f, by, tuple(columns), art, int(sid)), key="cmp")

with st.expander("How labels, tone and quotes are found, and their limits"):
    st.markdown(compare.METHOD_NOTES.format(method=tone.METHOD))
