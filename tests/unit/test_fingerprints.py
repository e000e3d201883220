"""Near-duplicates found through the store's fingerprints, not by holding every article's word triples."""
import shutil

from lib import fingerprints, ingest, store
from lib.fingerprints import SAMPLE, sampled_hashes, shingles

TEXT = ("Three rockets struck near Baghdad International Airport on Tuesday, an Iraqi security official said. "
        "No group claimed responsibility. The airport hosts a base used by the US-led coalition, which has been "
        "targeted repeatedly since the killing of Qassem Soleimani in January 2020, officials added.")


def test_the_kept_triples_are_the_same_in_every_copy():
    kept = sampled_hashes(shingles(TEXT))
    assert kept and all(h % SAMPLE == 0 for h in kept) and kept == sorted(kept)
    assert sampled_hashes(shingles(TEXT)) == kept  # crc32: the same in every process, unlike hash()
    copy = sampled_hashes(shingles("REPUBLISHED by Example Wire. " + TEXT.upper()))
    assert set(kept) <= set(copy)  # case aside, a copy keeps every kept triple of the original


def test_the_build_and_the_duplicate_check_keep_the_same_hashes(seeds):
    from lib.fingerprints import kept_hashes

    for text in [TEXT, "", "two words", "three words here", *(s.raw for s in seeds.values())]:
        assert kept_hashes(text) == sampled_hashes(shingles(text)), text[:40]


def test_each_article_writes_its_kept_hashes():
    rows = fingerprints.extract({"article_id": "a1", "text": TEXT}, [], [], None)
    assert [r["hash"] for r in rows] == sampled_hashes(shingles(TEXT)) and {r["article_id"] for r in rows} == {"a1"}


def test_a_near_copy_is_found_and_scored_exactly_from_the_stored_text(data, seeds, monkeypatch):
    # the store holds the seeds; an edited copy of 003 is compared with 003's own text
    reads = []
    real = store.read_arrow
    monkeypatch.setattr(store, "read_arrow", lambda name, *a, **k: reads.append((name, k.get("where") is not None)) or real(name, *a, **k))
    index = ingest.StoredArticles(store.current_build(data / "processed"))
    text = seeds["003"].raw.replace("Iran", "Tehran", 3)
    dup = index.near(text)
    assert dup is not None and dup.kind == "near" and dup.of == "003_c3e4981192742f60"
    assert dup.similarity == round(ingest.similarity(shingles(text), shingles(_stored_text(data, dup.of))), 3)
    # only the matching fingerprints and the candidates' texts were read, never the whole tables
    assert ("fingerprints", True) in reads and ("articles", True) in reads
    assert index.near("Nothing in this sentence was ever published in the corpus, surely not.") is None


def _stored_text(data, article_id):
    arts = store.read_table("articles", data / "processed")
    return arts.loc[arts["article_id"] == article_id, "text"].iloc[0]


def test_a_store_built_before_the_table_still_finds_the_copy(data, seeds):
    # An upgraded deployment's store has no fingerprints until it is rebuilt: its texts are read instead.
    build = store.current_build(data / "processed")
    shutil.rmtree(store.table_in_build(build, "fingerprints"))
    text = seeds["003"].raw.replace("Iran", "Tehran", 3)
    dup = ingest.StoredArticles(build).near(text)
    assert dup is not None and (dup.kind, dup.of) == ("near", "003_c3e4981192742f60") and dup.similarity > 0.9
