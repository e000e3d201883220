"""Full-text search over the sentences of the corpus."""
from __future__ import annotations

import re

import pandas as pd

from lib.highlight import Span, highlight


def search_sentences(sentences: pd.DataFrame, query: str, article_ids=None, limit: int = 200) -> pd.DataFrame:
    """Sentences containing every word of ``query`` (case-insensitive), or the
    exact phrase when it is in double quotes."""
    query = (query or "").strip()
    if not query:
        return sentences.iloc[0:0]
    df = sentences if article_ids is None else sentences[sentences["article_id"].isin(set(article_ids))]
    text = df["text"].str.lower()
    keep = pd.Series(True, index=df.index)
    for term in terms(query):
        keep &= text.str.contains(term.lower(), regex=False)
    return df[keep].head(limit)


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
