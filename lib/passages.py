"""Passages that say the same thing: TF-IDF over sentences, read from the store.

The build writes ``passage_terms``: each sentence's terms (its words, and
"@<actor>" for each actor it names) with their counts, one row per sentence
and term, in the order the terms first occur. A query then needs no index in
memory: the store gives the document frequencies (once per build, one row per
term), the sentences sharing a term with the query and their terms, and the
similarity is worked out as ``lib.compare.PassageIndex`` does (sublinear tf,
smoothed idf, actors weighted ``ACTOR_WEIGHT``, unit length, cosine).

Exactness: the store's arithmetic (SQL sums in no fixed order, DuckDB's ``ln``)
may differ from Python's in the last bits, so it only ranks; every sentence
scoring within ``TOLERANCE`` of a group's k-th best is then scored again in
Python, with the same operations in the same order as PassageIndex, and ties
go to the earlier sentence in the store, as there. The results are the same
passages, scores and shared words as the in-memory index.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

TOKEN_RE = re.compile(r"[a-z][a-z'’\-]+")
ACTOR_WEIGHT = 2.0  # who a passage is about counts more than any one word
# The store's scores are off by a few units in the 16th digit at most; a margin far
# above that keeps every passage that could rank among the best for exact scoring.
TOLERANCE = 1e-9


@lru_cache(maxsize=1)
def stop_words() -> frozenset:
    """The 150 most frequent English words (wordfreq's lists ship in the package)."""
    from wordfreq import top_n_list

    return frozenset(top_n_list("en", 150))


# Cached: a language's vocabulary is small next to its running text (Zipf), so most
# tokens are looked up rather than worked out again.
@lru_cache(maxsize=2**18)
def _term_of(token: str) -> str:
    """A token's term ("" for a stop word or a short one): apostrophes unified, a
    possessive and a plural "s" dropped."""
    t = token.replace("’", "'").removesuffix("'s")
    if t in stop_words() or len(t) < 3:
        return ""
    return t[:-1] if t.endswith("s") and not t.endswith("ss") and len(t) > 4 else t


def _terms(text: str) -> list[str]:
    return [t for t in map(_term_of, TOKEN_RE.findall(text.lower())) if t]


def extract_terms(article: dict, sentences: list[dict], mentions: list[dict], ctx=None) -> list[dict]:
    """Rows of ``passage_terms`` for one article (a pipeline extractor): a sentence's
    words then the actors it names, counted, in order of first occurrence."""
    actors: dict[int, list[str]] = {}
    for m in mentions:
        actors.setdefault(int(m["sent_id"]), []).append("@" + m["actor"])
    rows = []
    for s in sentences:
        sid = int(s["sent_id"])
        for term, count in Counter(_terms(s["text"]) + actors.get(sid, [])).items():
            rows.append({"article_id": s["article_id"], "sent_id": sid, "term": term, "count": count})
    return rows


def _weight(term: str, count: int, idf: dict[str, float]) -> float:
    return (1 + math.log(count)) * idf[term] * (ACTOR_WEIGHT if term[0] == "@" else 1.0)


def unit_vector(counts, idf: dict[str, float]) -> dict[str, float]:
    """A sentence's TF-IDF vector from its (term, count) pairs in order, as PassageIndex builds it."""
    v = {t: _weight(t, c, idf) for t, c in counts}
    norm = math.sqrt(sum(w * w for w in v.values())) or 1.0
    return {t: w / norm for t, w in v.items()}


def cosine(query: dict[str, float], other: dict[str, float]) -> float:
    """Summed in the query's term order, as PassageIndex sums its postings."""
    s = 0.0
    for t, w in query.items():
        if t in other:
            s += w * other[t]
    return s


@dataclass
class PassageStats:
    """What the store's scoring needs of the whole corpus, worked out once per build: each
    term's idf (``idf``: term, idf; ``idf_of`` the same as a dict) and each sentence's vector
    length (``norms``: article_id, sent_id, norm, an Arrow table: ~60 MB at 1.9M sentences)."""

    idf: pd.DataFrame
    idf_of: dict[str, float]
    norms: Any  # a pyarrow Table (no type stubs)
    n_sentences: int


def passage_stats(query, arrow_query) -> PassageStats:
    """``query`` returns pandas, ``arrow_query`` Arrow (both take sql, params, frames)."""
    n = int(query("SELECT count(*) AS n FROM sentences")["n"].iloc[0])
    df = query("SELECT term, count(*) AS df FROM passage_terms GROUP BY term")
    idf = pd.DataFrame({"term": df["term"].to_numpy(dtype=object),
                        "idf": [math.log((1 + n) / (1 + int(c))) + 1 for c in df["df"]]})
    norms = arrow_query(f"SELECT p.article_id, p.sent_id, sqrt(sum(power({_WEIGHT_SQL}, 2))) AS norm "
                        "FROM passage_terms p JOIN idf i USING (term) GROUP BY p.article_id, p.sent_id",
                        [ACTOR_WEIGHT], frames={"idf": idf})
    return PassageStats(idf, dict(zip(idf["term"], idf["idf"])), norms, n)


_WEIGHT_SQL = "(1 + ln(p.count)) * i.idf * CASE WHEN starts_with(p.term, '@') THEN ? ELSE 1.0 END"
# Each group's floor is the k-th best score (``max(score, k)``: a top-k aggregate, not a sort
# of every candidate: 0.68 -> 0.51 s for a passage whose terms 770,000 sentences share).
_RANK_SQL = f"""
WITH dots AS (
    SELECT p.article_id, p.sent_id, any_value(g.grp) AS grp, sum(q.w * {_WEIGHT_SQL}) AS dot
    FROM passage_terms p JOIN q USING (term) JOIN g USING (article_id) JOIN idf i USING (term)
    GROUP BY p.article_id, p.sent_id),
scored AS MATERIALIZED (
    SELECT d.article_id, d.sent_id, d.grp, d.dot / n.norm AS score FROM dots d JOIN norms n USING (article_id, sent_id)),
floors AS (SELECT grp, list_min(max(score, ?)) AS floor FROM scored GROUP BY grp)
SELECT s.article_id, s.sent_id, s.grp FROM scored s JOIN floors f USING (grp) WHERE s.score >= f.floor - ?
"""


def similar_in_store(query, stats: PassageStats, article_id: str, sent_id: int, allowed: pd.DataFrame, *,
                     k: int = 3) -> dict[str, list[tuple[str, int, float, list[str], str]]]:
    """Per group of ``allowed`` (article_id, grp), the ``k`` passages most similar to one
    (article_id, sent_id, score, shared terms, text): ``PassageIndex.similar`` over each
    group's articles, computed by the store."""
    idf_of = stats.idf_of
    own = query("SELECT term, count FROM passage_terms_rows WHERE article_id = ? AND sent_id = ? ORDER BY row_order", [article_id, int(sent_id)])
    vec = unit_vector(zip(own["term"], own["count"].astype(int)), idf_of)
    allowed = allowed[allowed["article_id"] != article_id]
    if not vec or allowed.empty:
        return {}
    q = pd.DataFrame({"term": list(vec), "w": list(vec.values())})
    g = pd.DataFrame({"article_id": allowed["article_id"].to_numpy(dtype=object), "grp": allowed["grp"].to_numpy(dtype=object)})
    near = query(_RANK_SQL, [ACTOR_WEIGHT, k, TOLERANCE], frames={"q": q, "g": g, "idf": stats.idf, "norms": stats.norms})
    if near.empty:
        return {}
    # The passages that may rank, scored exactly, in the store's order (ties go to the earlier one).
    near = near.assign(sent_id=near["sent_id"].astype("int32"))
    terms = query("SELECT p.article_id, p.sent_id, p.term, p.count FROM passage_terms_rows p JOIN near USING (article_id, sent_id) "
                  "ORDER BY p.row_order", frames={"near": near[["article_id", "sent_id"]]})
    texts = query("SELECT s.article_id, s.sent_id, s.text, n.grp FROM sentences_rows s JOIN near n USING (article_id, sent_id) "
                  "ORDER BY s.row_order", frames={"near": near})
    counts: dict[tuple, list] = {}
    # .tolist(): iterating pandas' Arrow-backed columns costs a Python call per cell
    for a, sid, t, c in zip(terms["article_id"].tolist(), terms["sent_id"].tolist(), terms["term"].tolist(), terms["count"].tolist()):
        counts.setdefault((a, int(sid)), []).append((t, int(c)))
    ranked: dict[str, list] = {}
    # A sentence carried word for word by several outlets (wire copy) has one vector and one score.
    scored: dict[tuple, tuple[float, dict[str, float]]] = {}
    for order, (a, sid, text, grp) in enumerate(zip(texts["article_id"].tolist(), texts["sent_id"].tolist(), texts["text"].tolist(),
                                                    texts["grp"].tolist())):
        sid = int(sid)
        key = tuple(counts.get((a, sid), []))
        if key not in scored:
            other = unit_vector(key, idf_of)
            scored[key] = (cosine(vec, other), other)
        score, other = scored[key]
        ranked.setdefault(grp, []).append((-score, order, a, sid, other, text))
    out: dict[str, list[tuple[str, int, float, list[str], str]]] = {}
    for grp, rows in ranked.items():
        out[grp] = []
        for neg, _, a, sid, other, text in sorted(rows, key=lambda r: (r[0], r[1]))[:k]:
            shared = sorted(set(vec) & set(other), key=lambda t: -vec[t] * other[t])
            out[grp].append((a, sid, round(-neg, 4), shared[:6], text))
    return out
