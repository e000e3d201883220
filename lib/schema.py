"""Column schemas of the processed tables, so empty tables still have columns."""
from __future__ import annotations

import pyarrow as pa

S, I, F, B = pa.string(), pa.int32(), pa.float64(), pa.bool_()
D = pa.date32()

ARTICLES = pa.schema([
    ("article_id", S), ("outlet", S), ("outlet_id", S), ("original_publisher", S), ("author", S),
    ("url", S), ("title", S), ("published", D), ("date_precision", S), ("date_basis", S),
    ("perspective", S), ("perspective_label", S), ("language", S), ("n_words", I), ("n_sentences", I),
    ("n_mentions", I), ("actors", pa.list_(S)), ("text", S), ("source_file", S),
    ("offset_map", pa.list_(pa.list_(pa.int64()))), ("oov_before", I), ("oov_after", I), ("repairs", pa.list_(S)),
    ("removed", pa.list_(S)), ("meta_from", S), ("content_hash", S), ("linked_to", S),
])
SENTENCES = pa.schema([
    ("article_id", S), ("sent_id", I), ("start", I), ("end", I), ("raw_start", I), ("raw_end", I), ("text", S),
])
MENTIONS = pa.schema([
    ("article_id", S), ("sent_id", I), ("actor", S), ("surface", S), ("start", I), ("end", I),
    ("raw_start", I), ("raw_end", I), ("method", S),
])
CANDIDATES = pa.schema([
    ("article_id", S), ("sent_id", I), ("surface", S), ("start", I), ("end", I),
])
FIGURES = pa.schema([
    ("figure_id", S), ("article_id", S), ("sent_id", I), ("count", F), ("qualifier", S), ("unit", S),
    ("period_start", D), ("period_end", D), ("granularity", S), ("partial", B), ("claimant", S), ("claimant_actor", S),
    ("reporter", S), ("origin", S), ("target", S), ("evidence", S), ("start", I), ("end", I),
    ("raw_start", I), ("raw_end", I), ("source", S), ("citation", S), ("number_text", S),
])
RELATIONS = pa.schema([
    ("article_id", S), ("sent_id", I), ("source", S), ("target", S), ("relation", S), ("negated", B),
    ("hedged", B), ("evidence", S), ("trigger", S), ("start", I), ("end", I), ("method", S),
])
QUOTES = pa.schema([
    ("article_id", S), ("sent_id", I), ("speaker", S), ("speaker_actor", S), ("role", S), ("quote", S),
    ("kind", S), ("start", I), ("end", I),
])
LABELS = pa.schema([
    ("article_id", S), ("sent_id", I), ("actor", S), ("label", S), ("kind", S), ("tone", F), ("evidence", S),
])
EVENTS = pa.schema([
    ("event_id", S), ("article_id", S), ("sent_id", I), ("date", D), ("date_precision", S), ("event_type", S),
    ("source_actor", S), ("target_actor", S), ("place", S), ("killed", F), ("injured", F), ("evidence", S),
])

SCHEMAS = {
    "articles": ARTICLES, "sentences": SENTENCES, "mentions": MENTIONS, "candidates": CANDIDATES,
    "figures": FIGURES, "relations": RELATIONS, "quotes": QUOTES, "labels": LABELS, "events": EVENTS,
}


def to_table(name: str, rows: list[dict]) -> pa.Table:
    schema = SCHEMAS[name]
    cols = {f.name: [r.get(f.name) for r in rows] for f in schema}
    return pa.Table.from_pydict(cols, schema=schema)
