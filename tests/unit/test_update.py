"""Bringing a stale store up to date article by article (lib/update.py, through pipeline.build).

Each test changes corpus files by hand in its own copy of data/ and checks the
updated store against a full build of the same corpus, row for row.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil

import pyarrow.parquet as pq
import pytest
import yaml

from lib import pipeline, schema, store, update
from tests.fixtures.datadir import assert_same_tables, tree_hash

SEED_000 = "000_49c29a32d8519a87"
SEED_001 = "001_e27d6f7108a7fa8b"
SEED_002 = "002_2f6602b0745822a4"
NEW_ARTICLE = (
    "Drone strike reported near Erbil\n\n"
    "Kataib Hezbollah claimed a drone attack on a base near Erbil on Sunday, Shafaq News reported.\n\n"
    "The United States said it would respond at a time of its choosing.\n"
)


@pytest.fixture
def processed_ids(monkeypatch):
    """The ids of the articles the build processes, in order (counts every route: update and full build)."""
    seen: list[str] = []
    real = pipeline.process_article

    def counting(src, ctx):
        seen.append(src.article_id)
        return real(src, ctx)

    monkeypatch.setattr(pipeline, "process_article", counting)
    monkeypatch.setattr(pipeline, "local_chunks", lambda chunks, workers, task=None: map(task or pipeline.process_chunk, chunks))
    return seen


def _build(data, log=None, **kw):
    return pipeline.build(data / "corpus", data / "processed", log=log if log is not None else (lambda *_: None), **kw)


def _full(data, tmp_path):
    pipeline.build(data / "corpus", tmp_path / "full", force=True, log=lambda *_: None)
    return tmp_path / "full"


def test_changed_files_are_the_only_articles_processed_and_the_store_equals_a_full_build(data, tmp_path, processed_ids, monkeypatch):
    monkeypatch.setattr(update, "MAX_CHANGED_SHARE", 1.0)
    corpus = data / "corpus"
    text = (corpus / f"{SEED_000}.txt").read_text(encoding="utf-8")
    (corpus / f"{SEED_000}.txt").write_text(text + "\nKataib Hezbollah claimed a drone attack on Ain al-Asad air base.\n", encoding="utf-8")
    (corpus / f"{SEED_001}.txt").unlink()
    (corpus / f"{SEED_001}.meta.yaml").unlink()
    meta = yaml.safe_load((corpus / f"{SEED_002}.meta.yaml").read_text(encoding="utf-8"))
    (corpus / f"{SEED_002}.meta.yaml").write_text(yaml.safe_dump({**meta, "outlet": "Shafaq News"}), encoding="utf-8")
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert pipeline.is_stale(corpus, data / "processed")

    report = _build(data)
    assert processed_ids == [SEED_000, SEED_002, "zz_new"]
    assert report["update"]["kind"] == "corpus files changed"
    assert (report["update"]["added"], report["update"]["changed"], report["update"]["removed"]) == (["zz_new"], [SEED_000, SEED_002], [SEED_001])
    assert not pipeline.is_stale(corpus, data / "processed")
    full = _full(data, tmp_path)
    assert_same_tables(data / "processed", full)
    mine, theirs = store.read_manifest(data / "processed"), store.read_manifest(full)
    assert mine["input_hash"] == theirs["input_hash"] and mine["rules_hash"] == theirs["rules_hash"] and mine["counts"] == theirs["counts"]
    assert store.read_table("articles", data / "processed").set_index("article_id").loc[SEED_002, "outlet"] == "Shafaq News"
    # the updated build lists the corpus it was made from, so the next change is an update too
    listing = json.loads((store.current_build(data / "processed") / pipeline.CORPUS_FILES).read_text())
    assert {name: entry[:2] for name, entry in listing.items()} == pipeline.corpus_files(corpus)
    # and knows each sidecar's bytes, so a sidecar touched only is known as such
    assert listing[f"{SEED_002}.meta.yaml"][2] == hashlib.sha256((corpus / f"{SEED_002}.meta.yaml").read_bytes()).hexdigest()
    assert len(listing[f"{SEED_000}.txt"]) == 2


def test_only_added_or_only_removed_articles(data, tmp_path, processed_ids):
    (data / "corpus" / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    assert _build(data)["update"]["added"] == ["zz_new"] and processed_ids == ["zz_new"]
    assert_same_tables(data / "processed", _full(data, tmp_path))
    processed_ids.clear()
    (data / "corpus" / f"{SEED_001}.txt").unlink()
    assert _build(data)["update"]["removed"] == [SEED_001] and processed_ids == []
    assert_same_tables(data / "processed", _full(data, tmp_path / "again"))


def test_a_bad_file_is_skipped_as_a_full_build_skips_it_and_strict_changes_nothing(data, tmp_path, processed_ids):
    (data / "corpus" / "broken.txt").write_bytes(b"\xff\xfe\x00\x01 binary")
    before = tree_hash(data / "processed")
    with pytest.raises(pipeline.BuildFailed):
        _build(data, strict=True)
    assert tree_hash(data / "processed") == before
    messages: list[str] = []
    report = _build(data, log=messages.append)
    assert [s["file"] for s in report["skipped"]] == ["broken.txt"] and any(m.startswith("skipped broken.txt") for m in messages)
    assert report["update"]["added"] == [] and processed_ids == []
    assert report["skipped"] == store.read_manifest(_full(data, tmp_path))["skipped"]
    (data / "corpus" / "broken.txt").unlink()
    assert _build(data)["skipped"] == []


def test_a_file_that_is_no_article_changes_no_rows(data, processed_ids):
    before = {name: store.read_table(name, data / "processed") for name in ("articles", "events")}
    (data / "corpus" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    assert pipeline.is_stale(data / "corpus", data / "processed")
    report = _build(data)
    assert report["update"]["added"] == report["update"]["removed"] == [] and processed_ids == []
    assert not pipeline.is_stale(data / "corpus", data / "processed")
    for name, table in before.items():
        assert store.read_table(name, data / "processed").equals(table)


@pytest.mark.parametrize("change", ["dictionary", "no listing", "too many"])
def test_a_full_build_when_an_update_cannot_be_trusted_or_would_be_slower(data, processed_ids, change):
    corpus = data / "corpus"
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    if change == "dictionary":
        with open(data / "outlets.yaml", "a", encoding="utf-8") as f:
            f.write("\n# a curator's comment\n")
    elif change == "no listing":
        (store.current_build(data / "processed") / pipeline.CORPUS_FILES).unlink()
    else:
        (corpus / "zz_other.txt").write_text(NEW_ARTICLE.replace("Erbil", "Baghdad"), encoding="utf-8")  # 2 of 7: over a fifth
    messages: list[str] = []
    report = _build(data, log=messages.append)
    assert "update" not in report and sorted(processed_ids) == sorted(p.stem for p in corpus.glob("*.txt"))
    assert any("building every article again" in m for m in messages), messages
    assert not pipeline.is_stale(corpus, data / "processed")


def test_an_ingest_commit_leaves_a_build_the_next_hand_edit_updates(data, ctx, processed_ids):
    from lib import ingest

    drafts, errors = ingest.prepare_batch([("rockets.txt", NEW_ARTICLE.encode())], ctx, {"outlet": "Shafaq News", "published": "2024-02-06"})
    assert errors == [] and ingest.commit(drafts, user="t", via="test").mode == "incremental"
    processed_ids.clear()
    (data / "corpus" / f"{SEED_000}.txt").write_text("Iran denied any role.\n\nIraq's government said nothing.\n", encoding="utf-8")
    assert _build(data)["update"]["changed"] == [SEED_000] and processed_ids == [SEED_000]


def test_streaming_a_table_leaves_out_the_dropped_articles_rows_only(tmp_path):
    from lib import schema

    rows = [{"article_id": "a", "figure_id": "a1"}, {"article_id": None, "figure_id": "curated1"}, {"article_id": "b", "figure_id": "b1"}]
    first = store.write_store({"figures": schema.to_table("figures", rows)}, {"input_hash": "x"}, tmp_path)
    again = store.write_parts({"figures": [store.StoredTable(first, "figures", frozenset({"a"}))]}, {"input_hash": "y"}, tmp_path, whole=("figures",))
    assert store.read_arrow("figures", build=again)["figure_id"].to_pylist() == ["curated1", "b1"]


# --- the parts layout: an update rewrites only the parts its articles are in ----------------
PER_ARTICLE_TABLES = [name for name in schema.SCHEMAS if name not in pipeline.CORPUS_LEVEL_TABLES]


def _article_ids(path) -> set:
    return set(pq.read_table(path, columns=["article_id"])["article_id"].to_pylist()) - {None}


@pytest.fixture
def small_parts(data, monkeypatch):
    """The seeds built two articles to a part: 000 and 001 in part 0, 002 and 003 in part 1, 004 in part 2."""
    monkeypatch.setattr(store, "PART_ARTICLES", 2)
    monkeypatch.setattr(pipeline, "CHUNK_ARTICLES", 1)
    monkeypatch.setattr(update, "MAX_CHANGED_SHARE", 1.0)
    _build(data, force=True)
    return store.current_build(data / "processed")


def test_a_build_keeps_each_articles_rows_in_its_articles_part_in_every_table(small_parts):
    articles = {k: _article_ids(p) for k, p in store.part_files(small_parts, "articles").items()}
    assert sorted(articles) == [0, 1, 2] and articles[1] == {SEED_002, "003_c3e4981192742f60"}
    for name in PER_ARTICLE_TABLES:
        parts = store.part_files(small_parts, name)
        assert sorted(parts) == [0, 1, 2], name
        for k, path in parts.items():
            assert _article_ids(path) <= articles[k], (name, k)


def test_an_update_links_the_parts_it_does_not_change_and_leaves_the_last_build_as_it_was(data, tmp_path, small_parts, processed_ids):
    before, snapshot = small_parts, tree_hash(small_parts)
    corpus = data / "corpus"
    text = (corpus / f"{SEED_002}.txt").read_text(encoding="utf-8")
    (corpus / f"{SEED_002}.txt").write_text(text + "\nKataib Hezbollah claimed a drone attack on Ain al-Asad air base.\n", encoding="utf-8")
    processed_ids.clear()
    assert _build(data)["update"]["changed"] == [SEED_002] and processed_ids == [SEED_002]
    after = store.current_build(data / "processed")
    for name in PER_ARTICLE_TABLES:
        old, new = store.part_files(before, name), store.part_files(after, name)
        assert sorted(new) == [0, 1, 2], name
        # part 0 holds none of the changed article's rows: the same file, linked
        assert os.stat(old[0]).st_ino == os.stat(new[0]).st_ino, name
        # part 1 held its rows (rewritten without them); part 2, the last, takes its new rows
        assert os.stat(old[1]).st_ino != os.stat(new[1]).st_ino and os.stat(old[2]).st_ino != os.stat(new[2]).st_ino, name
        assert SEED_002 not in _article_ids(new[1]), name
    assert _article_ids(store.part_files(after, "articles")[2]) == {SEED_002, "004_2274b76a68101a80"}
    assert tree_hash(before) == snapshot  # the build readers may still hold is unchanged
    assert_same_tables(data / "processed", _full(data, tmp_path))
    # a full last part: an added article starts the next one, and every other part is linked
    (corpus / "zz_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    _build(data)
    latest = store.current_build(data / "processed")
    for name in PER_ARTICLE_TABLES:
        new, newest = store.part_files(after, name), store.part_files(latest, name)
        assert all(os.stat(new[k]).st_ino == os.stat(newest[k]).st_ino for k in (0, 1, 2)), name
        # (a table the new article has no rows in gets no part for it)
        assert sorted(newest) == ([0, 1, 2, 3] if name in ("articles", "sentences", "mentions") else sorted(newest)), name
    assert _article_ids(store.part_files(latest, "articles")[3]) == _article_ids(store.part_files(latest, "mentions")[3]) == {"zz_new"}
    assert_same_tables(data / "processed", _full(data, tmp_path / "again"))


def test_many_added_articles_are_processed_by_workers_and_fill_the_last_part_then_new_ones(data, tmp_path, small_parts):
    # no processed_ids fixture here: the update's chunks (one article each) go to a real pool of workers
    before = small_parts
    names = [f"zz_{c}" for c in "abcd"]
    for i, name in enumerate(names):
        (data / "corpus" / f"{name}.txt").write_text(NEW_ARTICLE + f"\nThe base was hit {i + 2} times in {2020 + i}.\n", encoding="utf-8")
    assert pipeline.build_workers(len(names)) == min(os.cpu_count() or 1, len(names))
    assert _build(data)["update"]["added"] == names
    after = store.current_build(data / "processed")
    articles = {k: _article_ids(p) for k, p in store.part_files(after, "articles").items()}
    # part 2 held one article: it takes one more, then each new part takes two
    assert articles == {0: {SEED_000, SEED_001}, 1: {SEED_002, "003_c3e4981192742f60"}, 2: {"004_2274b76a68101a80", "zz_a"},
                        3: {"zz_b", "zz_c"}, 4: {"zz_d"}}
    for name in PER_ARTICLE_TABLES:
        old, new = store.part_files(before, name), store.part_files(after, name)
        assert all(os.stat(old[k]).st_ino == os.stat(new[k]).st_ino for k in (0, 1)), name
        assert all(_article_ids(path) <= articles[k] for k, path in new.items()), name
    assert_same_tables(data / "processed", _full(data, tmp_path))


def test_the_stores_row_order_is_the_order_of_its_parts(data, small_parts):
    con = store.duckdb_connection(build=small_parts)
    in_store = con.sql("SELECT article_id, sent_id FROM mentions_rows ORDER BY row_order").fetchall()
    read = store.read_arrow("mentions", build=small_parts, columns=["article_id", "sent_id"])
    assert in_store == list(zip(read["article_id"].to_pylist(), read["sent_id"].to_pylist()))
    assert [a for a, _ in in_store[:1]] == ["000_49c29a32d8519a87"] and in_store[-1][0] == "004_2274b76a68101a80"


def test_a_build_written_before_parts_is_updated_into_parts(data, tmp_path, processed_ids):
    build = store.current_build(data / "processed")
    for name in schema.SCHEMAS:  # the layout of earlier builds: one file a table
        table = store.read_arrow(name, build=build)
        shutil.rmtree(build / name)
        pq.write_table(table, build / f"{name}.parquet")
    assert store.read_table("articles", data / "processed").shape[0] == 5
    (data / "corpus" / f"{SEED_001}.txt").unlink()
    assert _build(data)["update"]["removed"] == [SEED_001]
    assert store.part_files(store.current_build(data / "processed"), "mentions") is not None
    assert_same_tables(data / "processed", _full(data, tmp_path))


def test_a_linked_part_is_never_written_to(tmp_path):
    first = store.write_store({"figures": schema.to_table("figures", [{"article_id": "a", "figure_id": "a1"}])}, {"input_hash": "x"}, tmp_path)
    part = store.part_files(first, "figures")[0]
    before = part.read_bytes()
    with store.BuildWriter(tmp_path) as writer:
        writer.link("figures", 0, part)
        with pytest.raises(RuntimeError, match="already written"):
            writer.append({"figures": schema.to_table("figures", [{"article_id": "b", "figure_id": "b1"}])}, part=0)
    assert part.read_bytes() == before


def test_files_only_touched_keep_their_rows_and_are_not_processed(data, processed_ids):
    corpus = data / "corpus"
    for p in corpus.iterdir():  # every file copied in again: new times, the same bytes
        os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    before = store.current_build(data / "processed")
    messages: list[str] = []
    report = _build(data, log=messages.append)
    assert processed_ids == [] and report["update"]["touched"] == 5, messages
    assert (report["update"]["added"], report["update"]["changed"], report["update"]["removed"]) == ([], [], [])
    after = store.current_build(data / "processed")
    assert all(os.stat(p).st_ino == os.stat(store.part_files(after, "mentions")[k]).st_ino for k, p in store.part_files(before, "mentions").items())
    assert not pipeline.is_stale(corpus, data / "processed")


@pytest.mark.parametrize("change", ["same size, other text", "sidecar changed"])
def test_a_touched_file_is_processed_when_its_article_changed(data, processed_ids, change):
    corpus = data / "corpus"
    path = corpus / f"{SEED_000}.txt"
    if change == "same size, other text":
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("Iran", "Iraq", 1), encoding="utf-8")
        assert len(path.read_bytes()) == len(text.encode("utf-8"))
    else:
        side = corpus / f"{SEED_000}.meta.yaml"
        side.write_text(yaml.safe_dump({**yaml.safe_load(side.read_text(encoding="utf-8")), "author": "A. Reporter"}), encoding="utf-8")
        os.utime(path)
    report = _build(data)
    assert processed_ids == [SEED_000] and report["update"]["changed"] == [SEED_000] and report["update"]["touched"] == 0
