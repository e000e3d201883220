"""Full-text search over the sentences of the corpus."""
from __future__ import annotations

import re

from lib.highlight import Span, highlight
from lib.sql import marks


def search_sql(query: str, article_ids=None, limit: int = 200, actors=()) -> tuple[str, list]:
    """SQL (DuckDB) for sentences containing every word of ``query``
    (case-insensitive), or the exact phrase when it is in double quotes,
    within ``article_ids`` when given and naming one of ``actors`` when given.
    Every filter runs in the query, before the limit: the actor filter once ran on
    the first 201 hits, so at 10,000 articles most sentences naming the actor were
    never found, and the count said fewer than there were."""
    where: list[str] = []
    params: list = []
    if article_ids is not None:
        where.append("article_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(article_ids))
    for term in terms(query):
        where.append("contains(lower(text), ?)")
        params.append(term.lower())
    if actors:
        where.append(f"(article_id, sent_id) IN (SELECT article_id, sent_id FROM mentions WHERE actor IN ({marks(actors)}))")
        params.extend(actors)
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
