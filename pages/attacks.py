"""Attacks: attack and casualty counts, each with its claimant, reporter and period."""
from pages.widgets import ensure_navigation

ensure_navigation()

from dataclasses import replace

import streamlit as st

from lib import loaders
from lib.frozen import freeze
from lib.attack_charts import casualty_chart, claimant_colors, clicked_figure_ids, cumulative_chart, disagreements, figure_table, monthly_chart, relayed_text
from lib.briefing import figure_notes
from lib.highlight import escape_markdown
from pages.charts import plotly_chart
from pages.widgets import TABLE_ROWS, actor_picker, add_to_briefing, capped_table, chart_slots, current_filters, download_csv, start_briefing

MAX_WARNINGS = 3  # periods of disagreement shown as banners; past that, one notice and the list in an expander

st.title("Attacks")
st.caption("Every number is a claim: who made it, who reported it, for which period. Competing counts sit side by side and are never added together.")

figures = loaders.table("figures")
articles = loaders.table("articles", ["article_id", "outlet", "perspective", "published"])
registry = loaders.registry()

c1, c2, c3, c4 = st.columns(4)
units = c1.multiselect("Unit", sorted(figures["unit"].unique()), key="unit", bind="query-params")
claimant_options = sorted(figures["claimant"].dropna().unique())
claimants = c2.multiselect("Claimant", claimant_options, key="claimant", bind="query-params")
origins = actor_picker("From (origin)", figures["origin"].dropna().unique(), key="origin", container=c3)
targets = actor_picker("Against (target)", figures["target"].dropna().unique(), key="target", container=c4)

names = {a.id: a.name for a in registry.actors.values()}
f = replace(current_filters(), units=tuple(units), claimants=tuple(claimants), origins=tuple(origins), targets=tuple(targets), labels={**current_filters().labels, **names})


@st.cache_resource(max_entries=32, show_spinner=False)
def attack_view(build_id: str, f):
    """The figures and what is said of them for one set of filters (cached: reruns are cheap)."""
    shown = f.figures(figures, articles)
    table = figure_table(shown, names)
    display = table.drop(columns=["count", "figure_id", "article_id", "sent_id", "period_start", "period_end", "partial"])
    return len(shown), table, display, disagreements(table)


# A claimant keeps its colour whatever the filters: the colours are given out among every claimant of the build.
colors = claimant_colors(claimant_options)


@st.cache_resource(max_entries=96, show_spinner=False)
def attack_chart(build_id: str, f, chart_key: str):
    """One chart of the view, built when it is drawn or put in a briefing pack: only the
    open tab's chart is drawn, and building all three took half a second of a first view
    at 100,000 articles."""
    return freeze(CHART_MAKERS[chart_key](attack_view(build_id, f)[1], colors))


CHART_MAKERS = {"monthly_chart": monthly_chart, "cumulative_chart": cumulative_chart, "casualty_chart": casualty_chart}
build_id = loaders.current_build_id()
n_shown, table, display, disagree = attack_view(build_id, f)
caption = f.describe("figures", n_shown, len(figures))
st.caption(escape_markdown(caption))
if len(disagree) <= MAX_WARNINGS:
    for d in disagree:
        st.warning("Claimants disagree. " + escape_markdown(d.text), icon=":material/compare_arrows:")
else:
    # One notice, the periods listed under it: three banners of a month's many claims pushed the chart below the fold.
    st.warning(f"Claimants disagree on {len(disagree):,} periods, {disagree[0].period} to {disagree[-1].period}. "
               "Their counts sit side by side in the chart and the table, never added together.", icon=":material/compare_arrows:")
    # Filled only when opened: a closed list of 1,000 periods still cost the browser its markdown at 10,000 articles.
    listed = st.expander(f"The {len(disagree):,} periods claimants disagree on", key="atk_more_disagreements",
                         on_change="rerun", bind="query-params")
    if listed.open:
        with listed:
            st.markdown("\n".join("- " + escape_markdown(d.text) for d in disagree[:TABLE_ROWS]))
            if len(disagree) > TABLE_ROWS:
                st.caption("…and more: narrow the filters to see them.")

start_briefing("Attacks")
add_to_briefing("Monthly attack counts by claimant", "chart", lambda: attack_chart(build_id, f, "monthly_chart"),
                lambda: figure_notes(table[table["granularity"] == "month"]), caption)
add_to_briefing("Cumulative claims and rates", "chart", lambda: attack_chart(build_id, f, "cumulative_chart"),
                lambda: figure_notes(table[table["granularity"].isin(["cumulative", "rate"])]), caption)
add_to_briefing("Casualties reported", "chart", lambda: attack_chart(build_id, f, "casualty_chart"),
                lambda: figure_notes(table[table["unit"].isin(["killed", "injured"])]), caption)
# One chart at a time: a browser drawing all three at 10,000 articles took seconds
# longer to show the first. Only the open tab's chart is built and sent (all three
# when presenting, one per screen); the briefing pack has all three.
CHARTS = {"Monthly counts": "monthly_chart", "Cumulative and rates": "cumulative_chart", "Casualties": "casualty_chart"}
for (slot, drawn), chart_key in zip(chart_slots(list(CHARTS), key="atk_chart"), CHARTS.values()):
    if drawn:
        with slot:
            plotly_chart(attack_chart(build_id, f, chart_key), key=chart_key, on_select="rerun" if chart_key == "monthly_chart" else None,
                         config={"toImageButtonOptions": {"filename": f"crosscurrents-{chart_key.replace('_', '-')}"}})

picked = st.session_state.get("monthly_chart")
points = (picked or {}).get("selection", {}).get("points", []) if picked else []
if points:
    for _, r in table[table["figure_id"].isin(clicked_figure_ids(points))].iterrows():
        link = f" [Open in the reader]({r['reader']})" if r["reader"] else ""
        said = escape_markdown(f"{r['period']}, claimed by {r['claimant']}{relayed_text(r['relayed_by'])}, reported by {r['reporter']}: “{r['evidence']}”")
        st.info(f"**{escape_markdown(r['claim'] + ' ' + r['unit'])}**, {said}{link}")

st.subheader("Every figure shown")
capped_table(
    display, what="figures", order="by period", key="figures_table",
    column_config={
        "reader": st.column_config.LinkColumn("sentence", display_text="open"),
        "evidence": st.column_config.TextColumn("evidence", width="large"),
    },
)
download_csv(table, "crosscurrents-figures", key="figures_csv", label="Download these figures (CSV)")
add_to_briefing("Every figure shown", "table", display, caption=caption)
st.caption("Curated figures come from data/figures_curated.csv, each with its citation; extracted figures link to the sentence they came from.")
