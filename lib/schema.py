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
    ("relayed_by", S), ("reporter", S), ("origin", S), ("target", S), ("evidence", S), ("start", I), ("end", I),
    ("raw_start", I), ("raw_end", I), ("source", S), ("citation", S), ("number_text", S),
])
RELATIONS = pa.schema([
    ("article_id", S), ("sent_id", I), ("source", S), ("target", S), ("relation", S), ("negated", B),
    ("hedged", B), ("evidence", S), ("trigger", S), ("start", I), ("end", I), ("method", S),
    ("claimed_by", S), ("source_surface", S), ("target_surface", S),
])
QUOTES = pa.schema([
    # kind: direct | reported; method: how the speaker was found (speech verb, pronoun, continuation, ...).
    ("article_id", S), ("sent_id", I), ("speaker", S), ("speaker_actor", S), ("role", S), ("affiliation", S),
    ("quote", S), ("kind", S), ("method", S), ("start", I), ("end", I),
])
LABELS = pa.schema([
    # kind: name | modifier | apposition | predicate | event; tone: VADER compound of the sentence (lib/tone.py);
    # resolved: mention | back-reference | event pattern; event: id in data/loaded_terms.yaml (kind event).
    ("article_id", S), ("sent_id", I), ("actor", S), ("label", S), ("kind", S), ("tone", F), ("evidence", S),
    ("start", I), ("end", I), ("resolved", S), ("event", S),
])
EVENTS = pa.schema([
    # One row per report (an article's account of an event), in the source's own words and date precision.
    ("event_id", S), ("article_id", S), ("sent_id", I), ("sent_ids", pa.list_(I)), ("event_type", S), ("trigger", S),
    ("date", D), ("date_end", D), ("date_precision", S), ("date_text", S), ("date_basis", S),
    ("source_actor", S), ("target_actor", S), ("actors", pa.list_(S)),
    ("place_id", S), ("place", S), ("place_text", S), ("origin_place_id", S), ("weapon", S),
    ("killed", F), ("injured", F), ("known_event", S), ("evidence", S),
    ("start", I), ("end", I), ("raw_start", I), ("raw_end", I), ("reporter", S),
    # The merged event the report belongs to (same values on every report of it).
    ("cluster_id", S), ("cluster_title", S), ("cluster_type", S), ("cluster_date", D), ("cluster_date_end", D),
    ("cluster_precision", S), ("cluster_source_actor", S), ("cluster_target_actor", S),
    ("cluster_place_id", S), ("cluster_place", S), ("lat", F), ("lon", F),
    ("cluster_killed", F), ("cluster_injured", F), ("n_sources", I),
])

PASSAGE_TERMS = pa.schema([
    # A sentence's terms for Compare's aligned passages (lib/passages.py): its words and "@<actor>" for
    # each actor it names, with their counts, in the order they first occur in the sentence.
    ("article_id", S), ("sent_id", I), ("term", S), ("count", I),
])

FINGERPRINTS = pa.schema([
    # A sample of each article's hashed word triples, to find near-duplicates of an added article (lib/fingerprints.py).
    ("article_id", S), ("hash", pa.int64()),
])

SCHEMAS = {
    "articles": ARTICLES, "sentences": SENTENCES, "mentions": MENTIONS, "candidates": CANDIDATES,
    "figures": FIGURES, "relations": RELATIONS, "quotes": QUOTES, "labels": LABELS, "events": EVENTS,
    "passage_terms": PASSAGE_TERMS, "fingerprints": FINGERPRINTS,
}


def to_table(name: str, rows: list[dict]) -> pa.Table:
    """Rows as a table of ``name``'s schema: a missing column is null, an extra key is dropped."""
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])
