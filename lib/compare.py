"""Side-by-side comparison of outlets and perspectives (the Compare page).

Pure functions over the processed tables (pandas in, pandas or plotly out);
no streamlit. Columns of the comparison are groups of articles: by
perspective, or by outlet, where a republished piece counts for its original
publisher ("The New York Times", via the aggregator that carried it).

The focus of a comparison is an actor id or an event, written "event:<id>"
(events of data/loaded_terms.yaml).
"""
from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lib.frames import isin, records
from lib.highlight import escape_markdown, reader_href, reader_hrefs
from lib.passages import ACTOR_WEIGHT, _terms, similar_in_store, stop_words  # noqa: F401 (names kept here)
from lib.sql import marks
from lib.timeline import date_label

GROUPINGS = {"perspective": "Perspective", "outlet": "Outlet"}  # key -> the word shown (and in the link)
EVENT_PREFIX = "event:"
KIND_ORDER = ["name", "modifier", "apposition", "predicate", "event"]
LABEL_HEADINGS = {"Named": ("name",), "Described as": ("modifier", "apposition"), "Said to be": ("predicate",), "Words for the event": ("event",)}
TONE_SCALE = [[0.0, "#b2182b"], [0.25, "#ef8a62"], [0.5, "#f7f7f7"], [0.75, "#67a9cf"], [1.0, "#2166ac"]]


METHOD_NOTES = (
    "**Tone**: {method}, from −1 (negative) to +1 (positive). Limits: the lexicon was built for social media, "
    "not war reporting; the score is for the whole sentence, not aimed at any one actor in it; quoted speech counts like "
    "the outlet's own words; sarcasm and political framing words missing from the lexicon (\"proxies\") score 0. "
    "Read tone as a rough signal, and the labels and key sentences as the evidence.\n\n"
    "**Labels**: every name as written, descriptors before a name, appositions (\"X, a widely respected figure\"), "
    "predicates (\"they have become a violent force\") and group nouns pointing back to a named group (\"These "
    "vehemently anti-American militias\"), found by patterns over the text, not a parser: some are missed, a few misread.\n\n"
    "**Quotes**: quoted text and reported speech attributed through speech verbs; \"he said\" goes to the person the "
    "previous sentence names. **Events**: phrases grouped by the patterns in data/loaded_terms.yaml. "
    "**Outlets**: a republished piece counts for its original outlet."
)


# ----------------------------------------------------------------- groups
def article_groups(articles: pd.DataFrame, perspective_labels: dict[str, str]) -> pd.DataFrame:
    """One row per article: its outlet group (the original publisher of a
    republished piece), the republisher, its perspective group and date."""
    original = articles["original_publisher"].where(articles["original_publisher"].notna() & (articles["original_publisher"] != ""))
    outlet = original.fillna(articles["outlet"])
    via = articles["outlet"].where(original.notna(), "")
    return pd.DataFrame({
        "article_id": articles["article_id"].to_numpy(),
        "outlet": outlet.to_numpy(),
        "via": via.fillna("").to_numpy(),
        "perspective": [perspective_labels.get(p, str(p).replace("_", " ").title()) for p in articles["perspective"]],
        "published": pd.to_datetime(articles["published"]).to_numpy(),
        "n_sentences": articles["n_sentences"].to_numpy() if "n_sentences" in articles else 0,
        "title": articles["title"].to_numpy() if "title" in articles else None,
    })


def group_options(groups: pd.DataFrame, by: str, about: set | None = None) -> list[str]:
    """Groups by number of articles, most first, then by name; with ``about``
    (article ids), the groups that have such articles come first."""
    counts = groups[by].value_counts()
    having = set(groups.loc[isin(groups["article_id"], about), by]) if about is not None else set(counts.index)
    return sorted(counts.index, key=lambda g: (g not in having, -counts[g], g))


def is_event(focus: str | None) -> bool:
    return focus is not None and focus.startswith(EVENT_PREFIX)


def focus_options(labels: pd.DataFrame, mentions: pd.DataFrame, event_names: dict[str, str], min_articles: int = 1) -> list[str]:
    """Actors (most-mentioned first) and the events found in the corpus."""
    per_actor = mentions.groupby("actor")["article_id"].nunique()
    counts = mentions["actor"].value_counts()
    actors = [a for a in counts.index if per_actor.get(a, 0) >= min_articles]
    found = labels.loc[labels["kind"] == "event", "event"].dropna().unique()
    events = [EVENT_PREFIX + e for e in event_names if e in set(found)]
    return events + actors


def focus_options_in_store(query, where: str, params, event_names: dict[str, str]) -> list[str]:
    """``focus_options`` computed by the store over the rows passing ``where`` (Filters.in_articles_sql)."""
    per_actor = query(f"SELECT actor, count(*) AS n, min(row_order) AS first FROM mentions_rows WHERE actor IS NOT NULL AND {where} "
                      "GROUP BY actor ORDER BY first", params)
    # value_counts' order: by count, ties in the order of first appearance.
    counts = pd.Series(per_actor["n"].to_numpy(), index=per_actor["actor"].to_numpy()).sort_values(ascending=False, kind="stable")
    found = set(query(f"SELECT DISTINCT event FROM labels WHERE kind = 'event' AND event IS NOT NULL AND {where}", params)["event"])
    return [EVENT_PREFIX + e for e in event_names if e in found] + list(counts.index)


def focus_labels_in_store(focus: str, query, where: str, params) -> pd.DataFrame:
    """The labels about the focus (without their sentences) of the rows passing ``where``, in the
    store's order: what ``focus_labels``, ``focus_sentences`` and the tabs built on them need."""
    cols = "article_id, sent_id, actor, label, kind, tone, resolved, event"
    if is_event(focus):
        return query(f"SELECT {cols} FROM labels_rows WHERE kind = 'event' AND event = ? AND {where} ORDER BY row_order",
                     [focus[len(EVENT_PREFIX):], *params])
    return query(f"SELECT {cols} FROM labels_rows WHERE actor = ? AND {where} ORDER BY row_order", [focus, *params])


def quotes_in_store(query, article_ids: pd.Series) -> pd.DataFrame:
    """The quotes of ``article_ids`` (article_id, speaker, role, quote), in the store's order."""
    # tolist() first: a set of a pandas 3 Arrow column boxes one value at a time (a fifth of a second for 100,000 ids)
    return query("SELECT article_id, speaker, role, quote FROM quotes_rows WHERE article_id IN (SELECT article_id FROM ids) ORDER BY row_order",
                 frames={"ids": pd.DataFrame({"article_id": sorted(set(article_ids.tolist()))}, dtype=object)}, arrow=True)


def focus_sentences(focus: str, labels: pd.DataFrame) -> pd.DataFrame:
    """(article_id, sent_id, tone[, evidence]) of the sentences about the focus
    (evidence when the labels carry it; the app loads labels without it)."""
    if is_event(focus):
        rows = labels[(labels["kind"] == "event") & (labels["event"] == focus[len(EVENT_PREFIX):])]
    else:
        rows = labels[labels["actor"] == focus]
    return rows.drop_duplicates(["article_id", "sent_id"])[[c for c in ("article_id", "sent_id", "tone", "evidence") if c in rows]]


def focus_labels(focus: str, labels: pd.DataFrame) -> pd.DataFrame:
    if is_event(focus):
        return labels[(labels["kind"] == "event") & (labels["event"] == focus[len(EVENT_PREFIX):])]
    return labels[labels["actor"] == focus]


# ----------------------------------------------------------------- columns
@dataclass
class Column:
    """What one group of articles says about the focus."""

    group: str
    n_articles: int  # articles of the group
    n_about: int  # of which mention the focus
    n_sentences: int  # sentences about the focus
    tone: float | None  # mean sentence tone
    labels: pd.DataFrame  # label, kind, count
    quotes: pd.DataFrame  # speaker, role, quotes
    sentences: pd.DataFrame  # article_id, sent_id, text, tone, outlet, link
    via: tuple[str, ...] = ()  # republishers of the group's articles


def column_summary(group: str, by: str, focus: str, groups: pd.DataFrame, labels: pd.DataFrame, quotes: pd.DataFrame,
                   *, key_sentences: int = 5, with_names: bool = True, sentence_texts=None, about: pd.DataFrame | None = None) -> Column:
    """``about``: ``focus_sentences(focus, labels)`` when the caller has it (the same for
    every column: made again for each, it took a tenth of a second a column at 100,000 articles)."""
    in_group = groups[by] == group
    ids = set(groups.loc[in_group, "article_id"].tolist())
    lab = focus_labels(focus, labels)
    lab = lab[isin(lab["article_id"], ids)]
    if not with_names:
        lab = lab[~((lab["kind"] == "name") & (lab["resolved"] == "mention"))]
    sents = focus_sentences(focus, labels) if about is None else about
    sents = sents[isin(sents["article_id"], ids)]
    about = set(sents["article_id"].tolist())
    counts = (
        lab.assign(label_key=lab["label"].str.lower())
        .groupby(["label_key", "kind"], as_index=False)
        .agg(label=("label", "first"), count=("label", "size"))
    )
    counts["kind_order"] = counts["kind"].map({k: i for i, k in enumerate(KIND_ORDER)})
    counts = counts.sort_values(["count", "kind_order", "label"], ascending=[False, True, True])[["label", "kind", "count"]]
    q = quotes[isin(quotes["article_id"], about)]
    whom = (
        q.assign(role=q["role"].fillna(""))
        .groupby("speaker", as_index=False)
        .agg(role=("role", "first"), quotes=("quote", "size"))
        .sort_values(["quotes", "speaker"], ascending=[False, True])
    )
    return Column(
        group=group, n_articles=len(ids), n_about=len(about), n_sentences=len(sents),
        tone=float(sents["tone"].mean()) if len(sents) else None,
        labels=counts.reset_index(drop=True), quotes=whom.reset_index(drop=True),
        sentences=key_sentences_of(sents, lab, groups, key_sentences, sentence_texts),
        # unique() first: a set of the column boxed each of 100,000 Arrow strings (0.2 s a page at 100,000 articles)
        via=tuple(sorted(v for v in groups.loc[in_group, "via"].unique().tolist() if v)),
    )


def column_markdown(col: Column, *, max_quoted: int = 8) -> list[str]:
    """A column's labels by kind, whom it quotes and its key sentences, as
    markdown lines with every piece of article text escaped."""
    lines = []
    for heading, kinds in LABEL_HEADINGS.items():
        rows = col.labels[col.labels["kind"].isin(kinds)]
        if len(rows):
            lines.append(f"**{heading}**: " + " · ".join(escape_markdown(r.label) + (f" ×{r.count}" if r.count > 1 else "") for r in rows.itertuples()))
    quoted = [escape_markdown(r.speaker) + (f" ({escape_markdown(r.role)})" if r.role else "") + (f" ×{r.quotes}" if r.quotes > 1 else "")
              for r in col.quotes.head(max_quoted).itertuples()]
    more = f" and {len(col.quotes) - max_quoted} more" if len(col.quotes) > max_quoted else ""
    lines.append("**Quotes**: " + ("; ".join(quoted) + more if quoted else "no one"))
    if len(col.sentences):
        lines.append("**Key sentences**\n" + "\n".join(f"- {escape_markdown(str(r.text))} ({escape_markdown(str(r.outlet))}, tone {r.tone:+.2f}, [open]({r.link}))"
                                                     for r in col.sentences.itertuples()))
    return lines


KEY_SENTENCE_CANDIDATES = 4  # candidates read per key sentence shown, so that repeated texts can be passed over


def key_sentences_of(sents: pd.DataFrame, lab: pd.DataFrame, groups: pd.DataFrame, n: int, sentence_texts=None) -> pd.DataFrame:
    """Sentences that characterise the focus first (they carry a label other
    than a bare name), then the most strongly toned. A text said word for word
    again (a republished copy, a wire story run by two outlets) is shown once.
    ``sentence_texts`` (see ``with_sentence_text``) reads the texts from the store."""
    descriptive = lab[lab["kind"] != "name"].groupby(["article_id", "sent_id"]).size().rename("n_labels")
    df = sents.merge(descriptive, left_on=["article_id", "sent_id"], right_index=True, how="left").fillna({"n_labels": 0})
    df = df.assign(strength=df["tone"].abs()).sort_values(["n_labels", "strength", "article_id", "sent_id"], ascending=[False, False, True, True])
    df = df.head(n * KEY_SENTENCE_CANDIDATES if sentence_texts is not None or "evidence" in df else n)
    # the candidates' outlets only: an index of every article, made for each column, was most of this function at 100,000 articles
    candidates = groups[isin(groups["article_id"], set(df["article_id"].tolist()))]
    outlets = dict(zip(candidates["article_id"].tolist(), candidates["outlet"].tolist()))
    out = pd.DataFrame({
        "article_id": df["article_id"].to_numpy(),
        "sent_id": df["sent_id"].astype(int).to_numpy(),
        "outlet": [outlets.get(a, "") for a in df["article_id"].tolist()],
        "text": df["evidence"].to_numpy() if "evidence" in df else None,
        "tone": df["tone"].round(3).to_numpy(),
        "link": reader_hrefs(df["article_id"].tolist(), df["sent_id"].tolist()),
    })
    if sentence_texts is not None:
        out = with_sentence_text(out, sentence_texts, "text")
    if out["text"].notna().any():
        out = out[out["text"].isna() | ~out["text"].duplicated()]
    return out.head(n).reset_index(drop=True)


def with_sentence_text(df: pd.DataFrame, lookup, column: str) -> pd.DataFrame:
    """``df`` with ``column`` holding the text of each row's sentence. ``lookup``
    maps (article_id, sent_id) keys to their rows (article_id, sent_id, text): the
    app reads just these sentences instead of holding every label's sentence."""
    if df.empty:
        return df.assign(**{column: pd.Series(dtype=object)})
    texts = lookup(df[["article_id", "sent_id"]]).rename(columns={"text": column})
    texts["sent_id"] = texts["sent_id"].astype("int64")
    out = df.drop(columns=[column], errors="ignore").assign(sent_id=df["sent_id"].astype("int64"))
    return out.merge(texts, on=["article_id", "sent_id"], how="left")[list(df.columns) + ([column] if column not in df else [])]


def side_by_side_in_store(query, sentence_texts, focus: str, *, focus_title: str, groups: pd.DataFrame, by: str, columns,
                          labels: pd.DataFrame, about: pd.DataFrame, with_names: bool) -> tuple[list[Column], pd.DataFrame]:
    """Each column's summary of the focus (quotes and sentence texts read from the store
    for the sentences about it only), and every column's labels in one table."""
    quotes = quotes_in_store(query, about["article_id"])
    cols = [column_summary(g, by, focus, groups, labels, quotes, with_names=with_names, sentence_texts=sentence_texts, about=about) for g in columns]
    return cols, columns_table(cols, focus_title)


def columns_table(cols: list[Column], focus_name: str) -> pd.DataFrame:
    """Every column's labels in one long table (for the CSV export)."""
    frames = [c.labels.assign(group=c.group, focus=focus_name, tone=c.tone, sentences=c.n_sentences) for c in cols]
    if not frames:
        return pd.DataFrame(columns=["group", "focus", "label", "kind", "count", "tone", "sentences"])
    return pd.concat(frames, ignore_index=True)[["group", "focus", "label", "kind", "count", "tone", "sentences"]]


# ----------------------------------------------------------------- framing matrix
def framing_matrix(groups: pd.DataFrame, labels: pd.DataFrame, mentions: pd.DataFrame, by: str,
                   names: dict[str, str], *, actors: list[str] | None = None, top: int = 12,
                   skip_actors: set | None = None) -> pd.DataFrame:
    """Long table group × actor: mentions, share of the group's mentions, mean
    tone of the sentences about the actor, number of such sentences."""
    m = mentions.merge(groups[["article_id", by]], on="article_id")
    if skip_actors:
        m = m[~m["actor"].isin(skip_actors)]
    if actors is None:
        actors = list(m["actor"].value_counts().head(top).index)
    total = m.groupby(by).size()
    counts = m[m["actor"].isin(actors)].groupby([by, "actor"]).size().rename("mentions").reset_index()
    # every sentence about the actor: named, pointed back to ("these militias") or its event phrase
    named = labels[labels["actor"].isin(actors)].drop_duplicates(["article_id", "sent_id", "actor"])
    named = named.merge(groups[["article_id", by]], on="article_id")
    tone = named.groupby([by, "actor"]).agg(tone=("tone", "mean"), sentences=("tone", "size")).reset_index()
    return _matrix(counts, tone, total, actors, by, names)


def framing_matrix_in_store(groups: pd.DataFrame, query, by: str, names: dict[str, str], *, top: int = 12,
                            skip_actors: set | None = None) -> pd.DataFrame:
    """``framing_matrix`` computed by the store: mentions and labels are joined to ``groups``
    (the filtered articles) in SQL and only the counts per group and actor come back."""
    g = pd.DataFrame({"article_id": groups["article_id"].to_numpy(dtype=object), "grp": groups[by].to_numpy(dtype=object)})
    skip = sorted(skip_actors or ())
    not_skipped = f"actor NOT IN ({marks(skip)})" if skip else "TRUE"
    per = query(f"SELECT grp, actor, count(*) AS n, min(row_order) AS first FROM mentions_rows JOIN g USING (article_id) "
                f"WHERE actor IS NOT NULL AND {not_skipped} GROUP BY grp, actor", skip, frames={"g": g})
    # value_counts' order: by count, ties in the order of first appearance.
    by_actor = per.groupby("actor").agg(n=("n", "sum"), first=("first", "min")).sort_values("first")
    actors = list(pd.Series(by_actor["n"].to_numpy(), index=by_actor.index.to_numpy()).sort_values(ascending=False, kind="stable").head(top).index)
    total = per.groupby("grp")["n"].sum().rename_axis(by)
    counts = (per[per["actor"].isin(actors)].rename(columns={"grp": by, "n": "mentions"})[[by, "actor", "mentions"]]
              .sort_values([by, "actor"], ignore_index=True))
    actor_marks = marks(actors) or "NULL"
    # Tone is the sentence's, the same on every label of it: one per (sentence, actor); fsum adds as exactly as pandas' mean,
    # in a fixed order: DuckDB's threads otherwise add in any order, and the CSV's last digits changed from run to run.
    tone = query(f"""SELECT grp AS "{by}", actor, fsum(tone ORDER BY article_id, sent_id) / count(tone) AS tone, count(*) AS sentences FROM
                     (SELECT DISTINCT article_id, sent_id, actor, tone FROM labels WHERE actor IN ({actor_marks})) JOIN g USING (article_id)
                     GROUP BY grp, actor ORDER BY grp, actor""", actors, frames={"g": g})
    return _matrix(counts, tone, total, actors, by, names)


def _matrix(counts: pd.DataFrame, tone: pd.DataFrame, total: pd.Series, actors: list[str], by: str, names: dict[str, str]) -> pd.DataFrame:
    out = counts.merge(tone, on=[by, "actor"], how="left")
    out["share"] = out["mentions"] / out[by].map(total)
    out["name"] = out["actor"].map(lambda a: names.get(a, a))
    out = out.rename(columns={by: "group"})
    out["order"] = out["actor"].map({a: i for i, a in enumerate(actors)})
    return out.sort_values(["order", "group"]).reset_index(drop=True)[["group", "actor", "name", "mentions", "share", "tone", "sentences"]]


def _plain(s) -> str:
    return html.escape(str(s), quote=False)


def matrix_figure(matrix: pd.DataFrame, *, title: str = "Framing matrix", groups: list[str] | None = None) -> go.Figure:
    """Heatmap: rows actors, columns groups; colour the mean tone (red negative,
    blue positive), text the actor's share of the group's mentions."""
    groups = groups or sorted(matrix["group"].unique())
    names = list(dict.fromkeys(matrix["name"]))
    tone = matrix.pivot_table(index="name", columns="group", values="tone", aggfunc="first").reindex(index=names, columns=groups)
    share = matrix.pivot_table(index="name", columns="group", values="share", aggfunc="first").reindex(index=names, columns=groups)
    sents = matrix.pivot_table(index="name", columns="group", values="sentences", aggfunc="first").reindex(index=names, columns=groups)
    text = [[("" if pd.isna(s) else f"{s:.0%}") for s in row] for row in share.to_numpy()]
    # Plotly reads tags in text ("<a href>"), and outlet names come from article metadata: escape.
    x, y = [_plain(g) for g in groups], [_plain(n) for n in names]
    hover = [
        [
            (f"{n} in {g}: not mentioned" if pd.isna(s) else f"{n} in {g}<br>share of mentions {s:.1%}<br>mean tone {t:+.2f} over {int(k) if not pd.isna(k) else 0} sentences")
            for g, s, t, k in zip(x, srow, trow, krow)
        ]
        for n, srow, trow, krow in zip(y, share.to_numpy(), tone.to_numpy(), sents.to_numpy())
    ]
    fig = go.Figure(go.Heatmap(
        z=tone.to_numpy(), x=x, y=y, text=text, texttemplate="%{text}", hovertext=hover, hoverinfo="text",
        colorscale=TONE_SCALE, zmin=-1, zmax=1, zmid=0, colorbar={"title": {"text": "mean tone"}},
        xgap=2, ygap=2,
    ))
    fig.update_layout(
        title={"text": _plain(title), "y": 0.99, "yanchor": "top"}, height=max(280, 34 * len(names) + 150), margin={"l": 10, "r": 10, "t": 110, "b": 10},
        # No grid: its lines ran through the gaps between cells and across the empty ones.
        yaxis={"autorange": "reversed", "showgrid": False}, xaxis={"side": "top", "showgrid": False},
    )
    return fig


# ----------------------------------------------------------------- same event, different words
def phrases_side_by_side(focus: str, groups: pd.DataFrame, labels: pd.DataFrame, by: str, columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wide, long): for the focus, the phrases each group uses. Wide has one
    column per group, one phrase per cell ("cowardly assassination ×1"); long
    is the tidy table behind it (group, phrase, kind, count, example)."""
    lab = focus_labels(focus, labels).merge(groups[["article_id", by]], on="article_id")
    lab = lab[lab[by].isin(columns)]
    long = (
        lab.assign(key=lab["label"].str.lower())
        .groupby([by, "key", "kind"], as_index=False)
        .agg(phrase=("label", "first"), count=("label", "size"), article_id=("article_id", "first"), sent_id=("sent_id", "first"),
             **({"example": ("evidence", "first")} if "evidence" in lab else {}))
        .rename(columns={by: "group"})
        .sort_values(["group", "count", "key"], ascending=[True, False, True])
        .drop(columns=["key"])
    )
    long["link"] = reader_hrefs(long["article_id"].tolist(), long["sent_id"].tolist())
    cells = {g: [f"{p} ×{c}" if c > 1 else p for p, c in zip(d["phrase"], d["count"])] for g, d in long.groupby("group")}
    height = max((len(v) for v in cells.values()), default=0)
    wide = pd.DataFrame({g: cells.get(g, []) + [""] * (height - len(cells.get(g, []))) for g in columns})
    return wide, long.reset_index(drop=True)


# ----------------------------------------------------------------- blindspots
def blindspots(groups: pd.DataFrame, mentions: pd.DataFrame, labels: pd.DataFrame, by: str,
               names: dict[str, str], types: dict[str, str], event_names: dict[str, str],
               *, skip_types: tuple[str, ...] = ("media outlet",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(only_one, never): actors, figures (people) and events reported by only
    one group; and, per group, those it never mentions while at least two other
    groups do. Needs three groups or more to say anything."""
    items = mentions[["article_id", "actor"]].rename(columns={"actor": "item"})
    ev = labels.loc[labels["kind"] == "event", ["article_id", "event"]].dropna().rename(columns={"event": "item"})
    ev["item"] = EVENT_PREFIX + ev["item"]
    items = pd.concat([items, ev], ignore_index=True).merge(groups[["article_id", by]], on="article_id")
    per_group = items.groupby(["item", by]).size().rename("n").reset_index().rename(columns={by: "grp"})
    return _blindspots(per_group, sorted(groups[by].unique()), by, names, types, event_names, skip_types)


def blindspots_in_store(groups: pd.DataFrame, query, by: str, names: dict[str, str], types: dict[str, str],
                        event_names: dict[str, str], *, skip_types: tuple[str, ...] = ("media outlet",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``blindspots`` with the mentions and event labels counted by the store, per item and group."""
    g = pd.DataFrame({"article_id": groups["article_id"].to_numpy(dtype=object), "grp": groups[by].to_numpy(dtype=object)})
    per_group = query("""SELECT actor AS item, grp, count(*) AS n FROM mentions JOIN g USING (article_id) WHERE actor IS NOT NULL GROUP BY ALL
                         UNION ALL
                         SELECT ? || event AS item, grp, count(*) AS n FROM labels JOIN g USING (article_id)
                         WHERE kind = 'event' AND event IS NOT NULL GROUP BY ALL""", [EVENT_PREFIX], frames={"g": g})
    return _blindspots(per_group, sorted(groups[by].unique()), by, names, types, event_names, skip_types)


def _blindspots(per_group: pd.DataFrame, all_groups: list[str], by: str, names: dict[str, str], types: dict[str, str],
                event_names: dict[str, str], skip_types: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``blindspots`` from ``per_group``: item (actor id, or EVENT_PREFIX + event id), grp, n (its mentions in the group)."""
    event = per_group["item"].str.startswith(EVENT_PREFIX)
    per_group = per_group[event | ~per_group["item"].map(types).isin(skip_types)]
    event = per_group["item"].str.startswith(EVENT_PREFIX)
    per_group = per_group.assign(kind=["event" if e else ("figure" if types.get(a) == "person" else "actor") for a, e in zip(per_group["item"], event)])
    present = per_group.groupby(["item", "kind"])["grp"].agg(lambda s: sorted(set(s))).reset_index(name="groups")
    n_mentions = per_group.groupby("item")["n"].sum()

    def label(item: str) -> str:
        return event_names.get(item[len(EVENT_PREFIX):], item) if item.startswith(EVENT_PREFIX) else names.get(item, item)

    only = present[present["groups"].map(len) == 1]
    only_one = pd.DataFrame({
        "item": only["item"].map(label), "kind": only["kind"], "only in": only["groups"].map(lambda g: g[0]),
        "mentions": only["item"].map(n_mentions), "id": only["item"],
    }).sort_values(["only in", "mentions", "item"], ascending=[True, False, True]) if len(all_groups) > 1 else pd.DataFrame(columns=["item", "kind", "only in", "mentions", "id"])
    rows = []
    for r in records(present):
        if len(r["groups"]) < 2:
            continue
        for g in all_groups:
            if g not in r["groups"]:
                rows.append({"never in": g, "item": label(r["item"]), "kind": r["kind"], "reported by": ", ".join(r["groups"]),
                             "mentions": int(n_mentions[r["item"]]), "id": r["item"]})
    never = pd.DataFrame(rows, columns=["never in", "item", "kind", "reported by", "mentions", "id"])
    never = never.sort_values(["never in", "mentions", "item"], ascending=[True, False, True])
    return only_one.reset_index(drop=True), never.reset_index(drop=True)


# ----------------------------------------------------------------- over time
def attention_over_time(focus: str, groups: pd.DataFrame, labels: pd.DataFrame, by: str, *, freq: str = "M") -> pd.DataFrame:
    """Per period and group: attention (share of the group's sentences that are
    about the focus), mean tone of those sentences, articles. Undated articles are left out."""
    dated = groups.dropna(subset=["published"])
    if dated.empty:
        return pd.DataFrame(columns=["period", "group", "attention", "tone", "sentences", "articles"])
    period = pd.to_datetime(dated["published"]).dt.to_period(freq).dt.start_time
    dated = dated.assign(period=period.to_numpy())
    sents = focus_sentences(focus, labels).merge(dated[["article_id", "period", by]], on="article_id")
    about = sents.groupby(["period", by]).agg(sentences=("tone", "size"), tone=("tone", "mean")).reset_index()
    base = dated.groupby(["period", by]).agg(total=("n_sentences", "sum"), articles=("article_id", "nunique")).reset_index()
    out = base.merge(about, on=["period", by], how="left").fillna({"sentences": 0})
    out["attention"] = out["sentences"] / out["total"].where(out["total"] > 0)
    out = out.rename(columns={by: "group"})
    return out.sort_values(["period", "group"]).reset_index(drop=True)[["period", "group", "attention", "tone", "sentences", "articles"]]


def timeline_figure(df: pd.DataFrame, value: str, *, title: str) -> go.Figure:
    fig = go.Figure()
    for g, d in df.groupby("group"):
        fig.add_trace(go.Scatter(x=d["period"], y=d[value], mode="lines+markers", name=_plain(g),
                                 hovertemplate=f"{_plain(g)}<br>%{{x|%B %Y}}<br>{value} %{{y:.3f}}<extra></extra>"))
    fig.update_layout(title={"text": _plain(title)}, height=320, margin={"l": 10, "r": 10, "t": 50, "b": 10},
                      yaxis={"tickformat": ".0%" if value == "attention" else ".2f", "title": value},
                      legend={"orientation": "h", "y": -0.2})
    if value == "tone":
        fig.update_yaxes(range=[-1, 1])
    else:  # a share is read against zero: an axis starting at 12% makes 14% look double
        fig.update_yaxes(rangemode="tozero")
    return fig


# ----------------------------------------------------------------- aligned passages
class PassageIndex:
    """TF-IDF over sentences (sublinear tf, smoothed idf, unit length) with an
    inverted index, so a query touches only the sentences sharing a term.
    The actors a sentence names are terms too ("@qassem_soleimani"), so
    "Qassim Suleimani" and "Qasem Soleimani" count as the same word.

    Holds every sentence in memory: the reference that ``aligned_passages_in_store``
    (what the app runs, lib/passages.py) is tested against, for small corpora."""

    def __init__(self, sentences: pd.DataFrame, mentions: pd.DataFrame | None = None):
        self.keys = list(zip(sentences["article_id"], sentences["sent_id"].astype(int)))
        self.texts = list(sentences["text"])
        self.position = {k: i for i, k in enumerate(self.keys)}
        actors: dict[tuple, list[str]] = defaultdict(list)
        if mentions is not None:
            for a, sid, actor in zip(mentions["article_id"], mentions["sent_id"].astype(int), mentions["actor"]):
                actors[(a, sid)].append("@" + actor)
        docs = [Counter(_terms(t) + actors.get(k, [])) for t, k in zip(self.texts, self.keys)]
        df = Counter(term for d in docs for term in d)
        n = len(docs)
        self.idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
        self.vectors: list[dict[str, float]] = []
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, d in enumerate(docs):
            v = {t: (1 + math.log(c)) * self.idf[t] * (ACTOR_WEIGHT if t[0] == "@" else 1.0) for t, c in d.items()}
            norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
            v = {t: w / norm for t, w in v.items()}
            self.vectors.append(v)
            for t, w in v.items():
                self.postings[t].append((i, w))

    def similar(self, article_id: str, sent_id: int, *, k: int = 3, exclude_articles: set | None = None,
                allowed_articles: set | None = None) -> list[tuple[str, int, float, list[str]]]:
        """The ``k`` passages most similar to one, with the words they share."""
        i = self.position.get((article_id, int(sent_id)))
        if i is None:
            return []
        scores: dict[int, float] = defaultdict(float)
        for t, w in self.vectors[i].items():
            for j, wj in self.postings[t]:
                scores[j] += w * wj
        out = []
        for j, s in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
            a, sid = self.keys[j]
            if a == article_id or (exclude_articles and a in exclude_articles) or (allowed_articles is not None and a not in allowed_articles):
                continue
            shared = sorted(set(self.vectors[i]) & set(self.vectors[j]), key=lambda t: -self.vectors[i][t] * self.vectors[j][t])
            out.append((a, sid, round(s, 4), shared[:6]))
            if len(out) >= k:
                break
        return out


def aligned_passages(index: PassageIndex, article_id: str, sent_id: int, groups: pd.DataFrame, by: str,
                     columns: list[str], *, per_group: int = 2, names: dict[str, str] | None = None) -> pd.DataFrame:
    """For one passage, the most similar passages in each other group shown."""
    rows = []
    for g in _other_groups(article_id, groups, by, columns):
        allowed = set(groups.loc[groups[by] == g, "article_id"])
        for a, sid, score, shared in index.similar(article_id, sent_id, k=per_group, allowed_articles=allowed):
            rows.append(_aligned_row(g, a, sid, score, shared, index.texts[index.position[(a, sid)]], names or {}))
    return _with_sources(rows, groups)


def aligned_passages_in_store(query, stats, article_id: str, sent_id: int, groups: pd.DataFrame, by: str,
                              columns: list[str], *, per_group: int = 2, names: dict[str, str] | None = None) -> pd.DataFrame:
    """``aligned_passages`` computed by the store (lib/passages.py) with no index in memory:
    ``stats`` is ``passages.passage_stats(...)``, kept once per build."""
    shown = _other_groups(article_id, groups, by, columns)
    allowed = groups.loc[groups[by].isin(shown), ["article_id", by]].rename(columns={by: "grp"})
    found = similar_in_store(query, stats, article_id, sent_id, allowed, k=per_group)
    rows = [_aligned_row(g, a, sid, score, shared, text, names or {}) for g in shown for a, sid, score, shared, text in found.get(g, [])]
    return _with_sources(rows, groups)


ALIGNED_COLUMNS = ["group", "outlet", "published", "article_id", "sent_id", "similarity", "shared words", "text", "link"]


MAX_PASSAGE_SOURCES = 500  # articles the passage picker offers: thousands of options slow every rerun of the tab


def passage_sources(shown: pd.DataFrame, about: pd.DataFrame) -> dict[str, str]:
    """The articles a passage can be taken from, "Outlet · 2024-10-05 — Title [article id]"
    -> article id: those writing about the focus first, then the others, each in the order
    shown, at most MAX_PASSAGE_SOURCES. The id keeps two untitled articles of one outlet apart."""
    # Only the rows offered are read: a row of each of 100,000 articles, its values boxed one
    # by one from Arrow columns, took 0.7 s of every rerun of the tab at 100,000 articles.
    on_focus = isin(shown["article_id"], set(about["article_id"].tolist())).to_numpy()
    picked = shown.iloc[np.concatenate([np.flatnonzero(on_focus), np.flatnonzero(~on_focus)])[:MAX_PASSAGE_SOURCES]]
    dates = picked["published"].tolist() if "published" in picked else [None] * len(picked)
    out = {}
    for a, outlet, published, title in zip(picked["article_id"].tolist(), picked["outlet"].tolist(), dates, picked["title"].tolist()):
        when = date_label(published, None, "day")
        title = title if isinstance(title, str) and title.strip() else "untitled"
        title = title if len(title) <= 70 else title[:69] + "…"
        out[f"{outlet} · {when} — {title} [{a}]"] = a
    return out


def first_focus_sentence(about: pd.DataFrame, article_id: str) -> int:
    """The article's first sentence about the focus (0 if it has none)."""
    sids = about.loc[about["article_id"] == article_id, "sent_id"]
    return int(sids.min()) if len(sids) else 0


def article_sentences(query, article_id: str) -> dict[int, str]:
    """Sentence number -> text, for one article."""
    sents = query("SELECT sent_id, text FROM sentences WHERE article_id = ? ORDER BY sent_id", [article_id])
    return dict(zip(sents["sent_id"].astype(int), sents["text"]))


def _other_groups(article_id: str, groups: pd.DataFrame, by: str, columns: list[str]) -> list[str]:
    own = groups.loc[groups["article_id"] == article_id, by]
    own_group = own.iloc[0] if len(own) else None
    return [g for g in columns if g != own_group]


def _with_sources(rows: list[dict], groups: pd.DataFrame) -> pd.DataFrame:
    """The aligned rows with the outlet (", via" the republisher) and date of each passage's article."""
    groups = groups[groups["article_id"].isin([r["article_id"] for r in rows])]  # a few rows of up to 100,000s
    outlet = {a: f"{o} (via {v})" if v else o for a, o, v in zip(groups["article_id"], groups["outlet"], groups["via"])}
    published = dict(zip(groups["article_id"], groups["published"]))
    for r in rows:
        r["outlet"] = outlet.get(r["article_id"], "")
        r["published"] = date_label(published.get(r["article_id"]), None, "day")
    return pd.DataFrame(rows, columns=ALIGNED_COLUMNS)


def _aligned_row(group, a, sid, score, shared, text, names) -> dict:
    return {"group": group, "article_id": a, "sent_id": sid, "similarity": score,
            "shared words": ", ".join(names.get(t[1:], t[1:]) if t.startswith("@") else t for t in shared), "text": text,
            "link": reader_href(a, sid)}
