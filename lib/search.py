"""Full-text search over the sentences of the corpus."""
from __future__ import annotations

import re

import pandas as pd

from lib.highlight import Span, highlight
from lib.sql import marks


def search_sql(query: str, article_ids=None, limit: int = 200) -> tuple[str, list]:
    """SQL (DuckDB) for sentences containing every word of ``query``
    (case-insensitive), or the exact phrase when it is in double quotes,
    within ``article_ids`` when given (the filter runs in the query, before the limit)."""
    where: list[str] = []
    params: list = []
    if article_ids is not None:
        where.append("article_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(article_ids))
    for term in terms(query):
        where.append("contains(lower(text), ?)")
        params.append(term.lower())
    sql = "SELECT article_id, sent_id, text FROM sentences"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + f" ORDER BY article_id, sent_id LIMIT {int(limit)}", params


def found_words(n_rows: int, limit: int) -> str:
    """How many sentences matched, given ``n_rows`` fetched with ``LIMIT limit + 1``."""
    if n_rows > limit:
        return f"the first {limit} matching sentences (there are more: add words or filters)"
    return f"{n_rows} matching sentence(s)"


def terms(query: str) -> list[str]:
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query).split()
    return [p for p in phrases if p.strip()] + rest


def highlight_hits(text: str, query: str) -> str:
    """The sentence as escaped HTML with every hit marked."""
    spans = []
    for term in terms(query):
        for m in re.finditer(re.escape(term), text, re.IGNORECASE):
            spans.append(Span(m.start(), m.end(), "#d9a441"))
    return highlight(text, spans)


def sentences_naming(query, hits: pd.DataFrame, actors) -> pd.DataFrame:
    """The (article_id, sent_id) of ``hits`` that name one of ``actors``, read from the
    store for just those sentences (``query(sql, params, frames)`` runs SQL)."""
    return query(f"SELECT DISTINCT m.article_id, m.sent_id FROM mentions m JOIN hits h USING (article_id, sent_id) WHERE m.actor IN ({marks(actors)})",
                 list(actors), frames={"hits": hits[["article_id", "sent_id"]].drop_duplicates()})
