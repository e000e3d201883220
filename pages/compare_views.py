"""The Compare page's views, as render functions in spacy-streamlit's manner: the data
first, options by keyword, and a ``key`` prefix for every widget and element, so two
can sit side by side. They draw; lib/compare.py computes."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import compare, tone
from lib.highlight import escape_markdown
from pages.charts import plotly_chart
from pages.widgets import MISSING, add_to_briefing, capped_table, download_csv, ensure_navigation

if __name__ == "__main__":  # opened as a page (/compare_views) in the legacy pages-folder mode: see pages/widgets.py
    ensure_navigation()

LINK = st.column_config.LinkColumn("sentence", display_text="open")


def render_column(col: compare.Column, *, key: str) -> None:
    """One outlet's or perspective's view of the focus; several sit side by side. It holds no
    widget yet: ``key`` is the prefix one would take, as the other views' keys are."""
    st.markdown(f"#### {escape_markdown(col.group)}")
    via = f" Republished by {', '.join(col.via)}." if col.via else ""
    st.caption(escape_markdown(f"{col.n_about:,} of {col.n_articles:,} article{'s' if col.n_articles != 1 else ''} mention it, in {col.n_sentences:,} sentence{'s' if col.n_sentences != 1 else ''}.{via}"))
    st.metric("Mean tone of these sentences", "—" if col.tone is None else f"{col.tone:+.2f}", help=tone.METHOD + "; limits below the page.")
    for line in compare.column_markdown(col):
        st.markdown(line)


def render_side_by_side(cols: list[compare.Column], side: pd.DataFrame, *, focus_title: str, key: str) -> None:
    for i, (slot, col) in enumerate(zip(st.columns(len(cols)), cols)):
        with slot:
            render_column(col, key=f"{key}_col{i}")
    download_csv(side, "crosscurrents-compare-labels", key=f"{key}_cols_csv", label="Download these labels (CSV)")
    add_to_briefing(f"{focus_title}: side by side", "table", side)


def render_framing_matrix(matrix: pd.DataFrame, figure: go.Figure, *, by: str, key: str) -> None:
    plotly_chart(figure, key=f"{key}_matrix")
    add_to_briefing("Framing matrix", "chart", figure, caption=f"Tone by VADER lexicon; share of mentions by {by}.")
    st.dataframe(matrix, hide_index=True, key=f"{key}_matrix_table", width="stretch", placeholder=MISSING,
                 column_config={"share": st.column_config.NumberColumn(format="percent"), "tone": st.column_config.NumberColumn(format="%+.2f")})
    download_csv(matrix, "crosscurrents-framing-matrix", key=f"{key}_matrix_csv")


def render_phrases(wide: pd.DataFrame, long: pd.DataFrame, *, focus_title: str, key: str) -> None:
    """The words each column uses for the focus: one row per phrase, then where each is used."""
    st.markdown(f"**{escape_markdown(focus_title)}**: the words each column uses for it.")
    st.dataframe(wide, hide_index=True, key=f"{key}_words", width="stretch", placeholder=MISSING)
    capped_table(long, what="uses", key=f"{key}_words_where", column_order=["group", "phrase", "kind", "count", "example", "link"],
                 column_config={"link": LINK, "example": st.column_config.TextColumn("first sentence", width="large")})
    download_csv(long, "crosscurrents-same-event-words", key=f"{key}_words_csv")
    add_to_briefing(f"{focus_title}: same event, different words", "table", long.drop(columns=["link"], errors="ignore"))


def render_blindspots(only: pd.DataFrame, never: pd.DataFrame, *, by: str, key: str) -> None:
    st.caption(f"Across every {by} in the filtered corpus. A blindspot is what one {by} alone reports, or what one never mentions while two or more others do.")
    parts = (("only", only, f"Reported by one {by} only", "only-one"), ("never", never, f"Never mentioned by a {by} (while others do)", "never"))
    for slot, (part, table, heading, file_part) in zip(st.columns(2), parts):
        with slot:
            st.markdown(f"**{heading}**")
            capped_table(table.drop(columns=["id"]), what="items", key=f"{key}_{part}")
            download_csv(table, f"crosscurrents-blindspots-{file_part}", key=f"{key}_{part}_csv")


def render_over_time(over: pd.DataFrame, *, focus_title: str, key: str) -> None:
    plotly_chart(compare.timeline_figure(over, "attention", title=f"Attention to {focus_title}: share of sentences, by month"), key=f"{key}_attention")
    plotly_chart(compare.timeline_figure(over, "tone", title=f"Tone of the sentences about {focus_title}, by month"), key=f"{key}_tone_time")
    st.caption("Articles without a date are left out; estimated dates are used as given (see the Overview for each article's date basis).")
    download_csv(over, "crosscurrents-attention-over-time", key=f"{key}_time_csv")


def render_aligned(passage: str, aligned: pd.DataFrame, *, key: str) -> None:
    """One passage, then the most similar passages in the other columns."""
    st.markdown(f"> {escape_markdown(passage)}")
    st.dataframe(aligned, hide_index=True, key=f"{key}_aligned", width="stretch", placeholder=MISSING, column_order=["group", "outlet", "published", "link", "text", "similarity", "shared words"],
                 column_config={"link": LINK, "text": st.column_config.TextColumn(width="large")})
    st.caption("Similarity: cosine of TF-IDF vectors over the corpus's sentences, with the actors each names as extra terms "
               "(words, not meaning: a paraphrase in other words scores low).")
    download_csv(aligned, "crosscurrents-aligned-passages", key=f"{key}_aligned_csv")
