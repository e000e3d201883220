"""Aligned passages read from the store (lib/passages.py) are exactly those of the
in-memory index (compare.PassageIndex): same passages, scores and shared words."""
from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from lib import compare, passages, schema, store
from lib.registry import load_outlets, load_registry

COPY = "999_copy"  # article 002 again: each of its sentences ties with the original's


def _store(rows: dict[str, list[dict]], d):
    store.write_store({name: schema.to_table(name, rs) for name, rs in rows.items()}, {"input_hash": "test"}, d)
    con = store.duckdb_connection(d)
    query = lambda sql, params=(), frames=None, arrow=False: store.run_query(con, sql, params, frames, arrow)  # noqa: E731
    arrow = lambda sql, params=(), frames=None: store.run_query_arrow(con, sql, params, frames)  # noqa: E731
    return query, passages.passage_stats(query, arrow)


@pytest.fixture(scope="module")
def corpus(processed, tmp_path_factory):
    """(tables, groups, query, stats) of the seed articles, plus a copy of 002 under another outlet
    (so that passages tie exactly and the store's order must break the ties as the index does)."""
    rows = {name: [r for k in sorted(processed) for r in processed[k].get(name, [])] for name in schema.SCHEMAS}
    for name in ("articles", "sentences", "mentions", "passage_terms"):
        rows[name] += [{**r, "article_id": COPY} for r in processed["002"][name]]
    query, stats = _store(rows, tmp_path_factory.mktemp("store"))
    tables = {name: pd.DataFrame(rows[name]) for name in ("articles", "sentences", "mentions")}
    groups = compare.article_groups(tables["articles"], load_outlets().perspectives)
    return tables, groups, query, stats


@pytest.fixture(scope="module")
def names():
    return {a.id: a.name for a in load_registry().actors.values()}


def test_terms_written_by_the_build_are_the_index_documents(processed):
    rows = processed["000"]["passage_terms"]
    sent = processed["000"]["sentences"][9]
    actors = ["@" + m["actor"] for m in processed["000"]["mentions"] if m["sent_id"] == 9]
    want = list(Counter(passages._terms(sent["text"]) + actors).items())
    assert [(r["term"], r["count"]) for r in rows if r["sent_id"] == 9] == want
    assert ("@qassem_soleimani", 1) in want and len(rows) == sum(len(set(passages._terms(s["text"]))) for s in processed["000"]["sentences"]) + len(
        {(m["sent_id"], m["actor"]) for m in processed["000"]["mentions"]})


def test_the_store_finds_the_same_event_elsewhere(corpus, names):
    tables, groups, query, stats = corpus
    cols = compare.group_options(groups, "perspective")
    aligned = compare.aligned_passages_in_store(query, stats, "000_49c29a32d8519a87", 9, groups, "perspective", cols, names=names)
    israeli = aligned[aligned["group"] == "Israeli"].iloc[0]
    assert (israeli["article_id"], israeli["sent_id"]) == ("003_c3e4981192742f60", 7)
    assert (israeli["outlet"], israeli["published"]) == ("The Jerusalem Post (via Unknown aggregator)", "2020-06-15")
    assert israeli["similarity"] == 0.3035
    assert israeli["shared words"] == "Qassem Soleimani, soleimani, general, United States, iraqi"
    assert israeli["text"].startswith("Bilateral ties were also strained in January following the US airstrike")
    assert stats.n_sentences == len(tables["sentences"])
    empty = compare.aligned_passages_in_store(query, stats, "nope", 0, groups, "perspective", cols)
    assert empty.empty and list(empty.columns) == compare.ALIGNED_COLUMNS


@pytest.mark.parametrize("by", ["perspective", "outlet"])
def test_passages_are_aligned_exactly_as_the_index_does(corpus, names, by):
    tables, groups, query, stats = corpus
    index = compare.PassageIndex(tables["sentences"], tables["mentions"])
    cols = compare.group_options(groups, by)
    n, ties = 0, 0
    sample = tables["sentences"].iloc[::2]  # every other sentence: the suite stays fast
    for a, sid in zip(sample["article_id"], sample["sent_id"]):
        want = compare.aligned_passages(index, a, sid, groups, by, cols, per_group=2, names=names)
        got = compare.aligned_passages_in_store(query, stats, a, sid, groups, by, cols, per_group=2, names=names)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        n += len(want)
        for _, rows in want.groupby("group"):
            # the copy's sentence ties with the original's: the earlier one in the store comes first
            ties += list(zip(rows["article_id"], rows["sent_id"])) == [("002_2f6602b0745822a4", rows["sent_id"].iloc[0]), (COPY, rows["sent_id"].iloc[0])]
    assert n > 250 and ties > 20, (n, ties)
