"""An actor's profile, as Militia Spotlight's profiles do it: who the registry
says it is, how the corpus names it, when, with whom, and how each outlet
describes what it does. Tables and charts only; the Network page draws them."""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pyarrow.compute as pc

from lib.compare import with_sentence_text
from lib.frames import arrow_column, joined, mapped, sort_order
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
    """The names the actor goes by in ``mentions``, most used first (the pandas reference of ``aliases_in_store``)."""
    m = mentions[mentions["actor"] == actor_id]
    out = m.groupby("surface").agg(mentions=("article_id", "size"), articles=("article_id", "nunique")).reset_index()
    return out.sort_values(["mentions", "surface"], ascending=[False, True], ignore_index=True)


def aliases_in_store(actor_id: str, query) -> pd.DataFrame:
    """``aliases_seen``, counted by the store."""
    return query("SELECT surface, count(*) AS mentions, count(DISTINCT article_id) AS articles FROM mentions WHERE actor = ? AND surface IS NOT NULL "
                 "GROUP BY surface ORDER BY mentions DESC, surface", [actor_id], arrow=True)


def mentions_per_article(actor_id: str, mentions: pd.DataFrame) -> pd.DataFrame:
    """(article_id, mentions): how often each article names the actor (the pandas reference of the store's count)."""
    return mentions.loc[mentions["actor"] == actor_id, "article_id"].value_counts(sort=False).rename("mentions").reset_index()


def mentions_per_article_in_store(actor_id: str, query) -> pd.DataFrame:
    """``mentions_per_article``, counted by the store: Iran's 500,000 mentions at 100,000
    articles are 95,000 rows (reading them all took a third of the profile's time)."""
    return query("SELECT article_id, count(*) AS mentions FROM mentions WHERE actor = ? AND article_id IS NOT NULL GROUP BY article_id",
                 [actor_id], arrow=True)


def first_last(per_article: pd.DataFrame, articles: pd.DataFrame) -> dict:
    """First and last dated article naming the actor (None when no article has a date; of
    articles published the same day, the first by id), from ``mentions_per_article``."""
    # In Arrow: pandas' isin made a Python string of each of Iran's 95,000 articles at 100,000 (0.15 s).
    column = arrow_column(articles["article_id"])
    naming = pc.is_in(column, value_set=pc.unique(arrow_column(per_article["article_id"])).cast(column.type))
    arts = articles[np.asarray(pc.fill_null(naming, False), dtype=bool)]
    dated = arts.dropna(subset=["published"]).sort_values(["published", "article_id"])
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


def mentions_by_month(per_article: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Mentions by month of publication and outlet, from ``mentions_per_article``: Iran's
    500,000 mentions at 100,000 articles meet their articles' outlet and date as 95,000 rows."""
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


RELATION_COLUMNS_SHOWN = ["relation", "direction", "other", "outlet", "words", "flags", "sentence", "reader"]


def _relations_table(actor_id: str, r: pd.DataFrame, names: dict[str, str]) -> pa.Table:
    """The actor's relations among ``r`` as an Arrow table, in the store's order (``_order``
    gives the order shown): the columns shown, the sentence only when ``r`` holds the
    evidence, and each row's article_id and sent_id."""
    styles = relation_styles()
    r = r[(r["source"] == actor_id) | (r["target"] == actor_id)]
    # Column by column in Arrow, each function called once per distinct value: Iran's
    # 380,000 relations at 100,000 articles took 1.8 s through Python lists, 1 s of it
    # making and sorting the frame's strings.
    source, target = arrow_column(r["source"]), arrow_column(r["target"])
    acts = pc.fill_null(pc.equal(source, actor_id), False)
    negated = arrow_column(r["negated"].fillna(False).astype(bool))
    hedged = arrow_column(r["hedged"].fillna(False).astype(bool))
    flag_words = pa.array(["", "negated", "hedged", "negated, hedged"])
    columns = {
        "relation": mapped(arrow_column(r["relation"]), lambda x: styles.get(x, {}).get("label", x)),
        "direction": pc.if_else(acts, "acts on", "acted on by"),
        "other": mapped(pc.if_else(acts, target, source), lambda o: names.get(o, o)),
        "outlet": arrow_column(r["reported_by"]).cast(pa.string()),
        "words": arrow_column(r["trigger"]).cast(pa.string()),
        "flags": pc.take(flag_words, pc.add(pc.cast(negated, pa.int8()), pc.multiply(pc.cast(hedged, pa.int8()), 2))),
        "article_id": arrow_column(r["article_id"]).cast(pa.string()),
        "sent_id": arrow_column(r["sent_id"].astype("Int64")),
    }
    if "evidence" in r:
        columns["sentence"] = arrow_column(r["evidence"]).cast(pa.string())
    return pa.table(columns)


def _order(table: pa.Table) -> np.ndarray:
    """Rows of a ``_relations_table`` in the order shown: by type, outlet, direction and the
    other actor; rows alike keep the store's order."""
    return sort_order([table[c] for c in ("relation", "outlet", "direction", "other")])


def _shown(table: pa.Table, sentences: pa.ChunkedArray) -> pd.DataFrame:
    """``_relations_table`` rows as the profile shows them: with their sentence and a link to it in the reader."""
    out = table.drop_columns([c for c in ("article_id", "sent_id", "sentence") if c in table.column_names])
    out = out.append_column("sentence", sentences)
    links = reader_hrefs(table["article_id"].to_pylist(), table["sent_id"].to_pylist())
    return out.append_column("reader", pa.array(links, pa.string())).to_pandas()


def relations_of(actor_id: str, relation_rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Every relation the actor takes part in, as a table grouped by type and outlet, with the
    sentence behind it and a link to it in the reader."""
    if not ((relation_rows["source"] == actor_id) | (relation_rows["target"] == actor_id)).any():
        return pd.DataFrame(columns=RELATION_COLUMNS_SHOWN)
    table = _relations_table(actor_id, relation_rows, names)
    table = table.take(_order(table))
    return _shown(table, table["sentence"])


def first_relations(table: pa.Table, n: int, sentence_texts) -> pd.DataFrame:
    """The first ``n`` relations of a ``_relations_table`` made without the evidence, in the
    order and the columns ``relations_of`` shows them, with only their sentences read
    (``sentence_texts``: see ``compare.with_sentence_text``): Iran's 380,000 relations at
    100,000 articles are shown 1,000 at a time, and reading every sentence and making
    every link took 1.5 of the profile's 2 s."""
    head = table.take(_order(table)[:n])  # only the rows shown: taking all 380,000 in order cost 0.3 s
    texts = with_sentence_text(head.select(["article_id", "sent_id"]).to_pandas(), sentence_texts, "sentence")["sentence"]
    return _shown(head, pa.chunked_array([pa.array(texts.tolist(), pa.string())]))


def relations_pivot(table: pa.Table) -> pd.DataFrame:
    """Relations of a ``_relations_table`` counted by type (rows) and outlet (columns)."""
    if not table.num_rows:
        return pd.DataFrame()
    df = table.select(["relation", "outlet"]).to_pandas()
    return df.pivot_table(index="relation", columns="outlet", aggfunc="size", fill_value=0)


def outlet_words(actor_id: str, labels: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The words each outlet uses for the actor: the labels table (issue 5) when built, else the
    names it is mentioned by. Returns (table, what it is). The pandas reference of ``outlet_words_in_store``."""
    lab = labels[labels["actor"] == actor_id] if labels is not None and not labels.empty and "actor" in labels else None
    if lab is not None and not lab.empty:
        df = _with_outlets(lab[["article_id", "label", "kind", "tone"]], articles)
        out = df.groupby(["reported_by", "label", "kind"]).agg(times=("article_id", "size"), tone=("tone", "mean")).reset_index()
        out["tone"] = out["tone"].round(2)
        return out.sort_values(["reported_by", "times"], ascending=[True, False], ignore_index=True), "labels"
    df = _with_outlets(mentions[mentions["actor"] == actor_id][["article_id", "surface"]], articles)
    out = df.groupby(["reported_by", "surface"]).size().rename("times").reset_index().rename(columns={"surface": "label"})
    return out.sort_values(["reported_by", "times"], ascending=[True, False], ignore_index=True), "names"


_OUTLET_WORDS_SQL = """
SELECT o.reported_by, t.{word} AS label, {kind} count(*) AS times{tone} FROM {table} t JOIN outlets o USING (article_id)
WHERE t.actor = ? AND o.reported_by IS NOT NULL AND t.{word} IS NOT NULL {kind_known}
GROUP BY ALL ORDER BY o.reported_by, times DESC, label {kind_order}
"""


def outlet_words_in_store(actor_id: str, query, articles: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """``outlet_words``, counted by the store: Iran's 511,000 labels at 100,000 articles
    are grouped where they are stored, not read."""
    outlets = {"outlets": articles[["article_id"]].assign(reported_by=reported_by(articles))}
    labels = query(_OUTLET_WORDS_SQL.format(word="label", kind="t.kind,", tone=", avg(t.tone) AS tone", table="labels",
                                            kind_known="AND t.kind IS NOT NULL", kind_order=", t.kind"), [actor_id], frames=outlets)
    labels["tone"] = labels["tone"].astype(float).round(2)
    if len(labels) or int(query("SELECT count(*) AS n FROM labels WHERE actor = ?", [actor_id])["n"].iloc[0]):
        return labels, "labels"
    return query(_OUTLET_WORDS_SQL.format(word="surface", kind="", tone="", table="mentions", kind_known="", kind_order=""), [actor_id],
                 frames=outlets), "names"


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
    relations: pd.DataFrame  # the first ``shown`` of them
    n_relations: int  # with the filters: all of them, for the caption
    relations_pivot: pd.DataFrame
    relations_csv: Callable[[], pd.DataFrame]  # every one, made when asked for
    words: pd.DataFrame
    words_kind: str

    def summary_lines(self) -> list[str]:
        """Markdown lines under the heading: the registry's links, then the first and last mention."""
        return (["In the registry: " + "; ".join(self.links) + "."] if self.links else []) + span_lines(self.span)


def build_profile(actor_id: str, *, registry, query, sentence_texts, articles: pd.DataFrame, rows: pd.DataFrame, names: dict[str, str],
                  shown: int, relations_csv: Callable[[], pd.DataFrame]) -> Profile:
    """The profile's tables and chart: the actor's mentions and labels are counted by the
    store. ``rows``, the actor's relation rows, need not hold the evidence: the sentences
    of the first ``shown`` relations are read for them (``first_relations``)."""
    facts = registry_facts(actor_id, registry)
    per_article = mentions_per_article_in_store(actor_id, query)
    table = _relations_table(actor_id, rows, names)
    words, kind = outlet_words_in_store(actor_id, query, articles)
    return Profile(
        facts=facts, links=registry_links(facts), span=first_last(per_article, articles), n_mentions=int(per_article["mentions"].sum()),
        n_relations_read=relations_read(actor_id, query), aliases=aliases_in_store(actor_id, query),
        by_month_chart=freeze(mentions_chart(mentions_by_month(per_article, articles), "Mentions over time, by outlet")),
        relations=first_relations(table, shown, sentence_texts) if table.num_rows else pd.DataFrame(columns=RELATION_COLUMNS_SHOWN),
        n_relations=table.num_rows, relations_pivot=relations_pivot(table), relations_csv=relations_csv, words=words, words_kind=kind,
    )


def profile_in_store(actor_id: str, f, *, registry, query, sentence_texts, articles: pd.DataFrame, names: dict[str, str], shown: int) -> Profile:
    """``build_profile`` with the actor's relations in the articles passing the Filters ``f``
    (hedged and negated ones too, flagged) read from the store, without their sentences;
    the CSV of every one reads them when it is asked for."""
    labelled = articles.assign(reported_by=reported_by(articles))  # once, for every table of the profile
    rows = relation_rows_in_store(query, f, labelled, loose=True, involving=(actor_id,), with_evidence=False)

    def every_relation() -> pd.DataFrame:
        # the caller's articles, shared, not the labelled copy: a cache holds this function with the profile
        return relations_of(actor_id, relation_rows_in_store(query, f, articles, loose=True, involving=(actor_id,)), names)

    return build_profile(actor_id, registry=registry, query=query, sentence_texts=sentence_texts, articles=labelled, rows=rows, names=names,
                         shown=shown, relations_csv=every_relation)
