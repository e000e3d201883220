"""Bringing a stale store up to date article by article (lib/update.py, through pipeline.build).

Each test changes corpus files by hand in its own copy of data/ and checks the
updated store against a full build of the same corpus, row for row.
"""
from __future__ import annotations

import json

import pytest
import yaml

from lib import pipeline, store, update
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
    monkeypatch.setattr(pipeline, "_local_chunks", lambda chunks, workers: map(pipeline.process_chunk, chunks))
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
    assert json.loads((store.current_build(data / "processed") / pipeline.CORPUS_FILES).read_text()) == pipeline.corpus_files(corpus)


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
    again = store.write_parts({"figures": [store.StoredTable(first, "figures", frozenset({"a"}))]}, {"input_hash": "y"}, tmp_path)
    assert store.read_arrow("figures", build=again)["figure_id"].to_pylist() == ["curated1", "b1"]
