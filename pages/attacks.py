"""Attacks: attack and casualty counts, each with its claimant, reporter and period."""
from pages.widgets import ensure_navigation

ensure_navigation()

from dataclasses import replace

import streamlit as st

from lib import loaders
from lib.frozen import freeze
from lib.attack_charts import casualty_chart, claimant_colors, cumulative_chart, disagreements, figure_table, monthly_chart, relayed_text
from lib.briefing import figure_notes
from lib.highlight import escape_markdown
from pages.charts import plotly_chart
from pages.widgets import TABLE_ROWS, actor_picker, add_to_briefing, capped_table, chart_slots, current_filters, download_csv, start_briefing

MAX_WARNINGS = 3  # disagreements shown as banners; the rest are listed in an expander

st.title("Attacks")
st.caption("Every number is a claim: who made it, who reported it, for which period. Competing counts sit side by side and are never added together.")

figures = loaders.table("figures")
articles = loaders.table("articles", ["article_id", "outlet", "perspective", "published"])
registry = loaders.registry()

c1, c2, c3, c4 = st.columns(4)
units = c1.multiselect("Unit", sorted(figures["unit"].unique()), key="unit", bind="query-params")
claimants = c2.multiselect("Claimant", sorted(figures["claimant"].dropna().unique()), key="claimant", bind="query-params")
origins = actor_picker("From (origin)", figures["origin"].dropna().unique(), key="origin", container=c3)
targets = actor_picker("Against (target)", figures["target"].dropna().unique(), key="target", container=c4)

names = {a.id: a.name for a in registry.actors.values()}
f = replace(current_filters(), units=tuple(units), claimants=tuple(claimants), origins=tuple(origins), targets=tuple(targets), labels={**current_filters().labels, **names})


@st.cache_resource(max_entries=32, show_spinner=False)
def attack_view(build_id: str, f):
    """Everything the page draws for one set of filters (cached: reruns are cheap)."""
    shown = f.figures(figures, articles)
    table = figure_table(shown, names)
    colors = claimant_colors(figures["claimant"].dropna())
    display = table.drop(columns=["count", "figure_id", "article_id", "sent_id", "period_start", "period_end", "partial"])
    return len(shown), table, display, disagreements(table), *(freeze(chart(table, colors)) for chart in (monthly_chart, cumulative_chart, casualty_chart))


n_shown, table, display, disagree, monthly, cumulative, casualties = attack_view(loaders.current_build_id(), f)
caption = f.describe("figures", n_shown, len(figures))
st.caption(escape_markdown(caption))
for line in disagree[:MAX_WARNINGS]:
    st.warning("Claimants disagree. " + escape_markdown(line), icon=":material/compare_arrows:")
if len(disagree) > MAX_WARNINGS:
    # Filled only when opened: a closed list of 1,000 periods still cost the browser its markdown at 10,000 articles.
    more_disagreements = st.expander(f"Claimants disagree on {len(disagree) - MAX_WARNINGS:,} more periods",
                                     key="atk_more_disagreements", on_change="rerun", bind="query-params")
    if more_disagreements.open:
        with more_disagreements:
            st.markdown("\n".join("- " + escape_markdown(line) for line in disagree[MAX_WARNINGS:MAX_WARNINGS + TABLE_ROWS]))
            if len(disagree) > MAX_WARNINGS + TABLE_ROWS:
                st.caption("…and more: narrow the filters to see them.")

start_briefing("Attacks")
add_to_briefing("Monthly attack counts by claimant", "chart", monthly, lambda: figure_notes(table[table["granularity"] == "month"]), caption)
add_to_briefing("Cumulative claims and rates", "chart", cumulative, lambda: figure_notes(table[table["granularity"].isin(["cumulative", "rate"])]), caption)
add_to_briefing("Casualties reported", "chart", casualties, lambda: figure_notes(table[table["unit"].isin(["killed", "injured"])]), caption)
# One chart at a time: a browser drawing all three at 10,000 articles took seconds
# longer to show the first. Only the open tab's chart is sent (all three when
# presenting, one per screen); the briefing pack has all three.
CHARTS = {"Monthly counts": ("monthly_chart", monthly), "Cumulative and rates": ("cumulative_chart", cumulative), "Casualties": ("casualty_chart", casualties)}
for (slot, drawn), (chart_key, chart) in zip(chart_slots(list(CHARTS), key="atk_chart"), CHARTS.values()):
    if drawn:
        with slot:
            plotly_chart(chart, key=chart_key, on_select="rerun" if chart is monthly else None,
                         config={"toImageButtonOptions": {"filename": f"crosscurrents-{chart_key.replace('_', '-')}"}})

picked = st.session_state.get("monthly_chart")
points = (picked or {}).get("selection", {}).get("points", []) if picked else []
if points:
    ids = {p.get("customdata") for p in points}
    for _, r in table[table["figure_id"].isin(ids)].iterrows():
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
