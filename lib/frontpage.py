"""The briefing front page: key numbers, latest claims, who is named, what changed."""
from __future__ import annotations

import pandas as pd

from lib.attack_charts import claim_text, relayed_text
from lib.frames import isin
from lib.highlight import escape_markdown, reader_href


def reader_choices(ids: list[str], asked: str | None, limit: int) -> list[str]:
    """The articles the reader's picker offers: the table's first ``limit`` (every id was
    1.7 MB sent to each visitor at 100,000 articles), and the one a link asks for if the
    filters keep it, wherever it is in the table."""
    head = ids[:limit]
    if asked and asked not in head and asked in ids:
        head.append(asked)
    return head


def latest_figures(figures: pd.DataFrame, n: int = 6) -> pd.DataFrame:
    """The most recent claims, newest period first, each with its claimant."""
    if figures.empty:
        return figures
    df = figures.sort_values(["period_end", "period_start"], ascending=False, na_position="last").head(n)
    return df


def figure_line(r: dict) -> str:
    """One latest figure as a markdown list item: the count, unit and period, who claims it
    (and who reported it), and where it comes from: its sentence in the reader, or the
    citation of a curated figure. Article text is escaped."""
    if pd.notna(r.get("period_start")):
        period = f"{r['period_start']} to {r['period_end']}"
    else:
        period = f"up to {r['period_end']}" if pd.notna(r.get("period_end")) else "period not stated"
    via = f", via {r['reporter']}" if r.get("reporter") and r["reporter"] != r["claimant"] else ""
    if isinstance(r.get("article_id"), str) and pd.notna(r.get("sent_id")):
        source = f" ([sentence]({reader_href(r['article_id'], r['sent_id'])}))"
    elif isinstance(r.get("citation"), str) and r["citation"]:
        # after a semicolon: a citation often ends in brackets of its own, and a claimant
        # such as "Militia Spotlight (Washington Institute)" too
        source = f"; source: {escape_markdown(r['citation'])}"
    else:
        source = ""
    rate = " a day" if r.get("granularity") == "rate" else ""
    return f"- **{claim_text(r.get('qualifier'), r['count'])}** {escape_markdown(str(r['unit']) + rate)} ({escape_markdown(period)}): {escape_markdown(str(r['claimant']) + relayed_text(r.get('relayed_by')) + via)}{source}"


def top_actors(mentions: pd.DataFrame, article_ids, names: dict[str, str], n: int = 10) -> pd.DataFrame:
    m = mentions[mentions["article_id"].isin(set(article_ids))]
    if m.empty:
        return pd.DataFrame(columns=["actor", "mentions", "articles"])
    g = m.groupby("actor").agg(mentions=("sent_id", "size"), articles=("article_id", "nunique")).sort_values(["mentions", "articles"], ascending=False).head(n)
    return pd.DataFrame({"actor": [names.get(a, a) for a in g.index], "mentions": g["mentions"].values, "articles": g["articles"].values})


def top_actors_in_store(query, where: str, params, names: dict[str, str], n: int = 10) -> pd.DataFrame:
    """``top_actors`` computed by the store: ``where`` (with ``params``) keeps the mentions
    of the articles shown (Filters.in_articles_sql); ``query(sql, params)`` runs SQL."""
    g = query(f"SELECT actor, count(*) AS mentions, count(DISTINCT article_id) AS articles FROM mentions WHERE actor IS NOT NULL AND {where} "
              f"GROUP BY actor ORDER BY mentions DESC, articles DESC, actor LIMIT {int(n)}", params)
    if g.empty:
        return pd.DataFrame(columns=["actor", "mentions", "articles"])
    return pd.DataFrame({"actor": [names.get(a, a) for a in g["actor"]], "mentions": g["mentions"].to_numpy(), "articles": g["articles"].to_numpy()})


def actors_named(query, where: str, params) -> int:
    return int(query(f"SELECT count(DISTINCT actor) AS n FROM mentions WHERE {where}", params)["n"].iloc[0])


def mention_counts(query):
    """A function from article ids to mentions per actor in them (sorted by actor), read from the store."""
    def counts(ids) -> pd.Series:
        g = query("SELECT actor, count(*) AS n FROM mentions WHERE actor IS NOT NULL AND article_id IN (SELECT article_id FROM ids) GROUP BY actor ORDER BY actor",
                  frames={"ids": pd.DataFrame({"article_id": sorted(ids)})})
        return pd.Series(g["n"].to_numpy(), index=pd.Index(g["actor"], name="actor"))
    return counts


def candidate_names(query, where: str, params) -> pd.DataFrame:
    """Names not in the registry, most found first: surface, mentions, articles."""
    g = query(f"SELECT surface, count(*) AS mentions, count(DISTINCT article_id) AS articles FROM candidates "
              f"WHERE surface IS NOT NULL AND {where} GROUP BY surface ORDER BY surface", params)
    # Sorted by name first, as a groupby is: ties in count keep the order they always had.
    return g.sort_values("mentions", ascending=False).reset_index(drop=True)


def what_changed(articles: pd.DataFrame, mentions, names: dict[str, str], top: int = 3) -> list[str]:
    """Between the two most recent months with articles: which actors gained and
    lost attention (mentions per article, so a busy month is not a louder one).
    ``mentions``: the mentions table, or a function from article ids to mentions
    per actor (``mention_counts``)."""
    dated = articles.dropna(subset=["published"])
    if dated.empty:
        return []
    months = pd.to_datetime(dated["published"]).dt.to_period("M")
    recent = sorted(months.unique())[-2:]
    if len(recent) < 2:
        return [f"Only one month with dated articles ({recent[0].strftime('%B %Y')}); nothing to compare yet."]
    before, after = recent
    ids = {p: set(dated.loc[months == p, "article_id"]) for p in recent}
    rate = {}
    for p in recent:
        if callable(mentions):
            per_actor = mentions(ids[p])
        else:
            per_actor = mentions[isin(mentions["article_id"], ids[p])].groupby("actor").size()
        rate[p] = per_actor / max(len(ids[p]), 1)
    both = pd.concat([rate[before].rename("before"), rate[after].rename("after")], axis=1).fillna(0.0)
    both["change"] = both["after"] - both["before"]
    lines = [f"{after.strftime('%B %Y')} ({len(ids[after])} article{'s' * (len(ids[after]) != 1)}) against {before.strftime('%B %Y')} ({len(ids[before])}):"]
    for label, part in (("More attention", both.sort_values("change", ascending=False).head(top)), ("Less attention", both.sort_values("change").head(top))):
        items = [f"{names.get(a, a)} ({r.before:.1f} → {r.after:.1f} mentions per article)" for a, r in part.iterrows() if (r.change > 0 if label.startswith("More") else r.change < 0)]
        if items:
            lines.append(f"{label}: " + "; ".join(items) + ".")
    new = [names.get(a, a) for a, r in both.iterrows() if r.before == 0 and r.after > 0]
    if new:
        lines.append("Named for the first time in the later month: " + ", ".join(sorted(new)[:8]) + ("…" if len(new) > 8 else "") + ".")
    return lines


def corpus_table(articles: pd.DataFrame, names: dict[str, str], actors_shown: int = 6) -> pd.DataFrame:
    """One row per article, as the corpus table shows it (the first few actors each names)."""
    return pd.DataFrame({
        "article": articles["article_id"],
        "outlet": articles["outlet"],
        "original publisher": articles["original_publisher"],
        "published": articles["published"],
        "date precision": articles["date_precision"],
        "perspective": articles["perspective_label"],
        "words": articles["n_words"],
        "actors": [", ".join(names.get(a, a) for a in acts[:actors_shown]) for acts in articles["actors"]],
        "title": articles["title"],
    })
