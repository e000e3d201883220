"""An actor's profile, as Militia Spotlight's profiles do it: who the registry
says it is, how the corpus names it, when, with whom, and how each outlet
describes what it does. Tables and charts only; the Network page draws them."""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from lib.frames import arrow_column, isin, joined, mapped, sort_order
from lib.frozen import freeze
from lib.highlight import escape_markdown, reader_href, reader_hrefs
from lib.network import outlet_label, relation_rows_in_store, relation_styles, reported_by


CHILD_HEADINGS = {"part_of": "members and units", "affiliated_with": "affiliates", "facade_of": "facades", "brand_of": "brands"}


def registry_facts(actor_id: str, registry) -> dict:
    """Type, camp, description, parents and the actors that name it as their parent."""
    a = registry.actors[actor_id]
    styles = relation_styles()
    parents = [(registry.actors[p].name if p in registry.actors else p, styles.get(rel, {}).get("label", rel), p) for p, rel in a.parents]
    # The actors naming it as parent, grouped by how: "members and units: ...", "facades: ...".
    children: dict[str, list[str]] = {}
    for b in sorted(registry.actors.values(), key=lambda b: b.name):
        for p, rel in b.parents:
            if p == actor_id:
                children.setdefault(CHILD_HEADINGS.get(rel, rel), []).append(b.name)
    return {
        "name": a.name, "type": a.type, "camp": registry.camp_labels.get(a.camp, a.camp), "camp_id": a.camp,
        "description": a.description, "parents": parents, "children": children, "aliases": list(a.aliases),
    }


def registry_links(facts: dict) -> list[str]:
    """The registry's links of a ``registry_facts`` actor as markdown phrases ("part of **PMF**")."""
    links = [f"{rel} **{escape_markdown(n)}**" for n, rel, _ in facts["parents"]]
    return links + [f"{head}: " + ", ".join(f"**{escape_markdown(n)}**" for n in members) for head, members in facts["children"].items()]


def _with_outlets(df: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    meta = articles[["article_id", "published", "title"]].assign(reported_by=reported_by(articles))
    return joined(df, meta, "article_id", ["reported_by", "published", "title"])


def aliases_seen(actor_id: str, mentions: pd.DataFrame) -> pd.DataFrame:
    m = mentions[mentions["actor"] == actor_id]
    out = m.groupby("surface").agg(mentions=("article_id", "size"), articles=("article_id", "nunique")).reset_index()
    return out.sort_values(["mentions", "surface"], ascending=[False, True], ignore_index=True)


def first_last(actor_id: str, mentions: pd.DataFrame, articles: pd.DataFrame) -> dict:
    """First and last dated article naming the actor (None when no article has a date)."""
    arts = articles[isin(articles["article_id"], mentions.loc[mentions["actor"] == actor_id, "article_id"].unique())]
    dated = arts.dropna(subset=["published"]).sort_values("published")
    if dated.empty:
        return {"first": None, "last": None, "n_articles": len(arts)}
    first, last = dated.iloc[0], dated.iloc[-1]
    pick = lambda r: {"date": r["published"], "article_id": r["article_id"], "outlet": outlet_label(r["outlet"], r["original_publisher"]),
                      "precision": r.get("date_precision"), "href": reader_href(r["article_id"])}
    return {"first": pick(first), "last": pick(last), "n_articles": len(arts)}


def span_lines(span: dict) -> list[str]:
    """The first and last mention as markdown lines: date (and its precision), outlet, a link to the sentence."""
    lines = []
    for which in ("first", "last"):
        s = span.get(which)
        if s:
            precision = f" (date precision: {escape_markdown(s['precision'])})" if isinstance(s["precision"], str) and s["precision"] else ""
            lines.append(f"{which.title()} mention: {s['date']}{precision}, {escape_markdown(s['outlet'])} — [open]({s['href']})")
    return lines


def mentions_by_month(actor_id: str, mentions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    # Counted by article first: Iran's 500,000 mentions at 100,000 articles meet their
    # articles' outlet and date as 95,000 rows (0.31 s, now 0.10 s).
    per_article = mentions.loc[mentions["actor"] == actor_id, "article_id"].value_counts(sort=False).rename("mentions").reset_index()
    m = _with_outlets(per_article, articles).dropna(subset=["published"])
    if m.empty:
        return pd.DataFrame(columns=["month", "reported_by", "mentions"])
    m["month"] = pd.to_datetime(m["published"]).dt.to_period("M").dt.to_timestamp()
    return m.groupby(["month", "reported_by"])["mentions"].sum().reset_index()


MAX_OUTLETS_DRAWN = 8  # outlets with the most mentions get their own colour; the rest share one


def mentions_chart(by_month: pd.DataFrame, title: str = "") -> go.Figure:
    by_month = _fold_small_outlets(by_month, MAX_OUTLETS_DRAWN)
    fig = go.Figure()
    for outlet, g in by_month.groupby("reported_by", sort=False):
        # A bar sits in the middle of its month, 24 days wide: a lone month otherwise got an axis of milliseconds.
        fig.add_bar(x=g["month"] + pd.Timedelta(days=14), y=g["mentions"], name=html.escape(str(outlet), quote=False), width=24 * 86_400_000,
                    hovertemplate="%{x|%b %Y}: %{y} mentions<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="stack", height=420, margin=dict(l=10, r=10, t=30, b=10), title=title, legend_title_text="outlet",
                      legend=dict(orientation="h", yanchor="top", y=-0.3),  # under the plot: the column is narrow
                      xaxis_title="month of publication", yaxis_title="mentions")
    fig.update_xaxes(type="date", tickformat="%b %Y", ticklabelmode="period")
    if len(by_month):
        first, last = by_month["month"].min(), by_month["month"].max()
        # One label a month, under its bar, when they fit; whole numbers of mentions.
        fig.update_xaxes(dtick="M1" if (last.year - first.year) * 12 + last.month - first.month < 12 else None,
                         range=[first - pd.DateOffset(days=10), last + pd.DateOffset(months=1, days=10)])
        fig.update_yaxes(rangemode="tozero", dtick=1 if by_month.groupby("month")["mentions"].sum().max() <= 8 else None)
    return fig


def _fold_small_outlets(by_month: pd.DataFrame, keep: int) -> pd.DataFrame:
    """The ``keep`` outlets with the most mentions, most first, then one "N other outlets"
    series with the rest, month by month: dozens of outlets crowded out the plot."""
    totals = by_month.groupby("reported_by")["mentions"].sum().sort_values(ascending=False, kind="stable")
    drawn = list(totals.index) if len(totals) <= keep + 1 else list(totals.index[:keep])  # never "1 other outlets"
    rank = {outlet: i for i, outlet in enumerate(drawn)}
    shown = by_month[by_month["reported_by"].isin(drawn)]
    shown = shown.assign(_rank=shown["reported_by"].map(rank)).sort_values(["_rank", "month"]).drop(columns="_rank")
    if len(drawn) == len(totals):
        return shown
    rest = by_month[~by_month["reported_by"].isin(drawn)].groupby("month", as_index=False)["mentions"].sum()
    rest["reported_by"] = f"{len(totals) - keep} other outlets"
    return pd.concat([shown, rest[["month", "reported_by", "mentions"]]], ignore_index=True)


def relations_of(actor_id: str, relation_rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Every relation the actor takes part in, as a table grouped by type and outlet, with the
    sentence behind it and a link to it in the reader."""
    styles = relation_styles()
    r = relation_rows[(relation_rows["source"] == actor_id) | (relation_rows["target"] == actor_id)]
    if r.empty:
        return pd.DataFrame(columns=["relation", "direction", "other", "outlet", "words", "flags", "sentence", "reader"])
    # Column by column in Arrow, each function called once per distinct value: Iran's
    # 380,000 relations at 100,000 articles took 1.8 s through Python lists, 1 s of it
    # making and sorting the frame's strings.
    source, target = arrow_column(r["source"]), arrow_column(r["target"])
    acts = pc.fill_null(pc.equal(source, actor_id), False)
    negated = arrow_column(r["negated"].fillna(False).astype(bool))
    hedged = arrow_column(r["hedged"].fillna(False).astype(bool))
    flag_words = pa.array(["", "negated", "hedged", "negated, hedged"])
    table = pa.table({
        "relation": mapped(arrow_column(r["relation"]), lambda x: styles.get(x, {}).get("label", x)),
        "direction": pc.if_else(acts, "acts on", "acted on by"),
        "other": mapped(pc.if_else(acts, target, source), lambda o: names.get(o, o)),
        "outlet": arrow_column(r["reported_by"]).cast(pa.string()),
        "words": arrow_column(r["trigger"]).cast(pa.string()),
        "flags": pc.take(flag_words, pc.add(pc.cast(negated, pa.int8()), pc.multiply(pc.cast(hedged, pa.int8()), 2))),
        "sentence": arrow_column(r["evidence"]).cast(pa.string()),
        "reader": pa.array(reader_hrefs(r["article_id"].tolist(), r["sent_id"].tolist()), pa.string()),
    })
    order = sort_order([table[c] for c in ("relation", "outlet", "direction", "other")])
    return table.take(order).to_pandas()


def outlet_words(actor_id: str, labels: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The words each outlet uses for the actor: the labels table (issue 5) when built, else the
    names it is mentioned by. Returns (table, what it is)."""
    lab = labels[labels["actor"] == actor_id] if labels is not None and not labels.empty and "actor" in labels else None
    if lab is not None and not lab.empty:
        df = _with_outlets(lab[["article_id", "label", "kind", "tone"]], articles)
        out = df.groupby(["reported_by", "label", "kind"]).agg(times=("article_id", "size"), tone=("tone", "mean")).reset_index()
        out["tone"] = out["tone"].round(2)
        return out.sort_values(["reported_by", "times"], ascending=[True, False], ignore_index=True), "labels"
    df = _with_outlets(mentions[mentions["actor"] == actor_id][["article_id", "surface"]], articles)
    out = df.groupby(["reported_by", "surface"]).size().rename("times").reset_index().rename(columns={"surface": "label"})
    return out.sort_values(["reported_by", "times"], ascending=[True, False], ignore_index=True), "names"


def mentions_of(actor_id: str, query) -> pd.DataFrame:
    """The actor's mentions (article_id, sent_id, actor, surface), read from the store in its order:
    every function above takes them in place of the whole mentions table."""
    return query("SELECT article_id, sent_id, actor, surface FROM mentions_rows WHERE actor = ? ORDER BY row_order", [actor_id], arrow=True)


def labels_of(actor_id: str, query) -> pd.DataFrame:
    """The labels of the actor (no sentence text), in the store's order, for ``outlet_words``."""
    return query("SELECT article_id, sent_id, actor, label, kind, tone FROM labels_rows WHERE actor = ? ORDER BY row_order", [actor_id], arrow=True)


def relations_read(actor_id: str, query) -> int:
    """Relations, in the whole corpus, the actor is the source or the target of."""
    return int(query("SELECT count(*) AS n FROM relations WHERE source = ? OR target = ?", [actor_id, actor_id])["n"].iloc[0])


@dataclass(frozen=True)
class Profile:
    """Everything the profile shows for one actor and one set of filters, built once
    so a cache can share it between sessions (read it, never change it)."""
    facts: dict
    links: list[str]
    span: dict
    n_mentions: int
    n_relations_read: int
    aliases: pd.DataFrame
    by_month_chart: go.Figure
    relations: pd.DataFrame
    relations_pivot: pd.DataFrame
    words: pd.DataFrame
    words_kind: str

    def summary_lines(self) -> list[str]:
        """Markdown lines under the heading: the registry's links, then the first and last mention."""
        return (["In the registry: " + "; ".join(self.links) + "."] if self.links else []) + span_lines(self.span)


def build_profile(actor_id: str, *, registry, query, articles: pd.DataFrame, relation_rows: pd.DataFrame, names: dict[str, str]) -> Profile:
    """The profile's tables and chart: the actor's mentions and labels are read from the
    store once and serve every table (at 10,000 articles Iran's profile took 1.3 s, and
    was built again on every rerun)."""
    facts = registry_facts(actor_id, registry)
    mentions = mentions_of(actor_id, query)
    relations = relations_of(actor_id, relation_rows, names)
    pivot = (relations.pivot_table(index="relation", columns="outlet", values="sentence", aggfunc="count", fill_value=0)
             if not relations.empty else pd.DataFrame())
    words, kind = outlet_words(actor_id, labels_of(actor_id, query), mentions, articles)
    return Profile(
        facts=facts, links=registry_links(facts), span=first_last(actor_id, mentions, articles), n_mentions=len(mentions),
        n_relations_read=relations_read(actor_id, query), aliases=aliases_seen(actor_id, mentions),
        by_month_chart=freeze(mentions_chart(mentions_by_month(actor_id, mentions, articles), "Mentions over time, by outlet")),
        relations=relations, relations_pivot=pivot, words=words, words_kind=kind,
    )


def profile_in_store(actor_id: str, f, *, registry, query, articles: pd.DataFrame, names: dict[str, str]) -> Profile:
    """``build_profile`` with the actor's relations in the articles passing the Filters ``f``
    (hedged and negated ones too, flagged) read from the store."""
    rows = relation_rows_in_store(query, f, articles, loose=True, involving=(actor_id,))
    return build_profile(actor_id, registry=registry, query=query, articles=articles, relation_rows=rows, names=names)
