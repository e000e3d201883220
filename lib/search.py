"""Full-text search over the sentences of the corpus."""
from __future__ import annotations

import re
from collections.abc import Sequence

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
    sql = "SELECT article_id, sent_id, text, start FROM sentences"
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


def highlight_hits(text: str, query: str, names: Sequence[tuple[int, int, str]] = ()) -> str:
    """The sentence as escaped HTML with every hit marked, and ``names`` (start, end, actor's
    name; offsets in the sentence) marked in the actors' colour: when the search keeps the
    sentences naming an actor, the words that name it ("Hezbollah Brigades" for Kata'ib
    Hezbollah) show why the sentence is there."""
    spans = [Span(start, end, ACTOR_MARK, name) for start, end, name in names]
    for term in terms(query):
        for m in re.finditer(re.escape(term), text, re.IGNORECASE):
            spans.append(Span(m.start(), m.end(), "#d9a441"))
    return highlight(text, spans)


ACTOR_MARK = "#0b5563"


def names_in_hits(query, hits, actors, names: dict[str, str]) -> dict[tuple[str, int], list[tuple[int, int, str]]]:
    """For each hit (article_id, sent_id), where it names one of ``actors``: (start, end, name)
    in the sentence, read from the store for just those sentences (``query(sql, params, frames)``)."""
    if not actors or hits is None or hits.empty:
        return {}
    rows = query(f"SELECT m.article_id, m.sent_id, m.start - h.start AS s, m.\"end\" - h.start AS e, m.actor FROM mentions m "
                 f"JOIN hits h USING (article_id, sent_id) WHERE m.actor IN ({marks(actors)}) ORDER BY m.start",
                 list(actors), frames={"hits": hits[["article_id", "sent_id", "start"]]})
    out: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
    for a, sid, start, end, actor in zip(rows["article_id"], rows["sent_id"], rows["s"], rows["e"], rows["actor"]):
        out.setdefault((a, int(sid)), []).append((int(start), int(end), names.get(actor, actor)))
    return out
