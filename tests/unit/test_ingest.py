"""Adding articles (lib/ingest.py): validation, preview, duplicates, atomic commit, lock, audit, CLI.

Every test works on its own copy of data/ (tests/fixtures/datadir.py); bad
input is checked for its message and for a byte-identical data dir after.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date

import pytest
import yaml

from lib import corpus, ingest, pipeline, schema, store
from lib.corpus import ArticleSource
from tests.fixtures.datadir import ROOT, assert_same_tables, env_for, tree_hash

FIXTURES = ROOT / "tests" / "fixtures"
SEED_003 = "003_c3e4981192742f60"
NEW_ARTICLE = (
    "Rocket fire hits base near Baghdad airport\n\n"
    "Three rockets struck near Baghdad International Airport on Tuesday, an Iraqi security official said.\n\n"
    "Kataib Hezbollah denied any role in the attack, while Prime Minister Mohammed Shia al-Sudani ordered an investigation.\n"
)


def _prepare(name, raw: bytes, ctx, given=None):
    return ingest.prepare_batch([(name, raw)], ctx, given)


def _edited_003(seeds) -> str:
    raw = seeds["003"].raw
    return "Republished by Example Aggregator\n\n" + raw.replace("Iran will attempt", "Iran will try").replace("virtually", "online").replace("considerably", "significantly")


# --------------------------------------------------------------------------- a good article
def test_commit_appends_incrementally_and_audits(data, ctx):
    before = store.read_manifest(data / "processed")
    base_build = store.current_build(data / "processed").name
    drafts, errors = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx, {"outlet": "Shafaq News", "published": "2024-02-06"})
    assert errors == []
    (d,) = drafts
    assert d.article_id == "u_" + ingest.hashlib.sha256(NEW_ARTICLE.encode()).hexdigest()[:12]
    assert d.article["actors"] == ["kataib_hezbollah", "mohammed_shia_al_sudani"] and d.duplicate is None

    r = ingest.commit(drafts, user="tester", via="test")
    assert r.mode == "incremental" and r.article_ids == [d.article_id]
    txt = data / "corpus" / f"{d.article_id}.txt"
    assert txt.read_text(encoding="utf-8") == NEW_ARTICLE
    meta = yaml.safe_load((data / "corpus" / f"{d.article_id}.meta.yaml").read_text())
    assert meta["outlet"] == "Shafaq News" and meta["published"] == date(2024, 2, 6) and meta["added_by"] == "tester"
    assert meta["date_basis"] == "Given when the article was added"
    after = store.read_manifest(data / "processed")
    assert after["counts"]["articles"] == before["counts"]["articles"] + 1 == 6
    assert after["update"] == {"kind": "add", "base_build": base_build, "added": [d.article_id], "removed": []}
    assert after["input_hash"] == pipeline.input_hash(data / "corpus")  # no full rebuild follows
    assert not pipeline.is_stale(data / "corpus", data / "processed")
    row = store.read_table("articles", data / "processed").set_index("article_id").loc[d.article_id]
    assert row["outlet"] == "Shafaq News" and row["perspective"] == "iraqi"
    (entry,) = ingest.read_audit(data)
    assert entry["who"] == "tester" and entry["action"] == "add" and entry["article_id"] == d.article_id
    assert entry["file"] == "rockets.txt" and entry["sha256"] == d.source.content_hash and entry["build"] == r.build


def test_incremental_store_equals_a_full_rebuild(data, ctx, seeds, tmp_path):
    html = (FIXTURES / "article_page.html").read_bytes()
    drafts, errors = ingest.prepare_batch([("page.html", html), ("copy.txt", _edited_003(seeds).encode()), ("rockets.txt", NEW_ARTICLE.encode())], ctx)
    assert errors == []
    ingest.commit(drafts, user="t", via="test", decisions={drafts[1].article_id: "link"})
    pipeline.build(data / "corpus", tmp_path / "full", force=True, log=lambda *_: None)
    assert_same_tables(data / "processed", tmp_path / "full")
    assert store.read_manifest(data / "processed")["input_hash"] == store.read_manifest(tmp_path / "full")["input_hash"]


def test_adding_and_removing_at_once_reads_only_the_events_and_equals_a_full_rebuild(data, ctx, monkeypatch, tmp_path):
    """Articles added and removed at once: the removed reports' events are linked again, then
    the added ones into the clusters they touch; every other table is streamed, not read whole."""
    first = ingest.commit(_prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)[0], user="t", via="test").article_ids[0]
    (later,), _ = _prepare("drones.txt", NEW_ARTICLE.replace("Three rockets", "Two drones").replace("Rocket fire", "Drone strike").encode(), ctx)
    txt = data / "corpus" / f"{later.article_id}.txt"
    side = corpus.sidecar_path(txt)
    gone = {data / "corpus" / f"{first}.txt": None, corpus.sidecar_path(data / "corpus" / f"{first}.txt"): None}
    change = ingest.Change({side: ingest._sidecar_bytes(later.meta), txt: later.source.text.encode("utf-8"), **gone},
                           add=[ArticleSource(later.article_id, txt, later.source.text, later.meta, side)], drop={first})
    read_whole = []
    real_read = store.read_arrow
    monkeypatch.setattr(store, "read_arrow", lambda name, *a, **k: read_whole.append(name) or real_read(name, *a, **k))
    r = ingest.apply_change(lambda: change, kind="replace", user="t", via="test")
    monkeypatch.setattr(store, "read_arrow", real_read)
    assert r.mode == "incremental" and read_whole == ["events"]
    pipeline.build(data / "corpus", tmp_path / "full", force=True, log=lambda *_: None)
    assert_same_tables(data / "processed", tmp_path / "full")
    ids = set(store.read_table("articles", data / "processed")["article_id"])
    assert later.article_id in ids and first not in ids


def test_metadata_prefilled_from_the_text(data, ctx, seeds):
    text = seeds["002"].raw.replace("Maariv", "Maariv newspaper", 1)  # not an exact copy
    (d,), _ = _prepare("shafaq.txt", text.encode(), ctx)
    assert d.meta == {}  # nothing given: the sidecar leaves it to the text
    a = d.article
    assert (a["outlet"], a["published"], a["perspective"]) == ("Shafaq News", date(2024, 11, 21), "iraqi")
    assert json.loads(a["meta_from"]) == {"outlet": "text", "published": "text", "perspective": "outlet registry"}


def test_html_reduced_to_article_text_scripts_removed(data, ctx):
    before = tree_hash(data)
    (d,), errors = _prepare("page.html", (FIXTURES / "article_page.html").read_bytes(), ctx)
    assert tree_hash(data) == before
    assert errors == []
    assert d.source.text.splitlines()[0] == "Militias strike base"
    for junk in ("alert", "INJECTED", "SCRIPTTEXT", "Home | World", "Copyright"):
        assert junk not in d.source.text
    assert "page.html: 2 <script> element(s) removed; only the article's text is kept" in d.notices
    assert d.meta == {"title": "Militias strike base", "author": "Jane Doe", "published": date(2024, 11, 21), "url": "https://shafaq.com/en/x",
                      "outlet": "Shafaq News", "language": "en", "date_basis": "Stated in the HTML metadata"}
    assert [(f["count"], f["unit"], f["claimant"]) for f in d.rows["figures"]][0] == (31.0, "drone attacks", "Maariv")


def test_json_batch_and_trafilatura_json(data, ctx):
    batch = json.dumps([
        {"text": NEW_ARTICLE, "title": "Rockets", "outlet": "Rudaw", "perspective": "kurdish_iraqi", "date": "2024-02-06"},
        {"text": "Iraq and Iran signed a border security agreement in Baghdad on Tuesday.", "source": "https://example.org/a", "source-hostname": "Example", "fingerprint": "x"},
    ])
    drafts, errors = _prepare("batch.json", batch.encode(), ctx)
    assert errors == []
    assert [d.source.name for d in drafts] == ["batch.json item 1", "batch.json item 2"]
    assert drafts[0].meta == {"title": "Rockets", "outlet": "Rudaw", "perspective": "kurdish_iraqi", "published": date(2024, 2, 6), "date_basis": "Stated in the JSON fields"}
    assert drafts[1].meta == {"url": "https://example.org/a", "outlet": "Example"}
    (d,), _ = _prepare("src.json", json.dumps({"text": NEW_ARTICLE, "source": "Rudaw"}).encode(), ctx)
    assert d.meta == {"outlet": "Rudaw"} and d.article["perspective"] == "kurdish_iraqi"
    assert "batch.json item 2: outlet 'Example' is not in the outlet registry; its perspective is unknown until you give one" in drafts[1].notices


@pytest.mark.parametrize("encoding, label", [("cp1256", "windows-1256 (Arabic)"), ("latin-1", "windows-1252 (Western European)")])
def test_non_utf8_converted_with_a_notice(data, ctx, encoding, label):
    text = {
        "cp1256": "قال رئيس الوزراء العراقي محمد شياع السوداني إن العراق لن يكون ساحة لتصفية الحسابات بين الولايات المتحدة وإيران.\n",
        "latin-1": "Le président a déclaré à Bagdad que l'Irak refusera d'être un champ de bataille entre Washington et Téhéran.\n",
    }[encoding]
    before = tree_hash(data)
    (d,), errors = _prepare("old.txt", text.encode(encoding), ctx)
    assert errors == [] and d.source.text == text
    assert f"old.txt: not UTF-8; converted from {label}. Check the preview reads correctly." in d.notices
    assert tree_hash(data) == before


# --------------------------------------------------------------------------- bad input: message, nothing written
BAD = [
    ("empty.txt", b"", "empty.txt: empty file"),
    ("blank.md", b"  \n\n\t\n", "blank.md: empty file"),
    ("scan.txt", bytes(range(256)) * 4, "scan.txt: binary data, not text"),
    ("report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.txt: binary data (a PDF), not text"),
    ("huge.txt", b"word " * 400_001, "huge.txt: 2,000,005 bytes is over the 2,000,000-byte limit"),
    ("notes.docx", b"Iraq", "notes.docx: unsupported file type; add .txt, .md, .html or .json files"),
    ("app.html", b"<html><body><div id=root></div><script>render()</script></body></html>",
     "app.html: no article text found in the HTML (1 <script> element(s) were ignored"),
    ("broken.json", b'{"text": "Iraq", ', "broken.json: not valid JSON (Expecting property name enclosed in double quotes at line 1, column 18)"),
    ("nodate.json", json.dumps({"text": NEW_ARTICLE, "published": "last Tuesday"}).encode(),
     "nodate.json: published date 'last Tuesday' is not a date (use YYYY-MM-DD)"),
    ("extra.json", json.dumps({"text": NEW_ARTICLE, "colour": "red"}).encode(), "extra.json: unknown metadata field(s) colour; allowed:"),
    ("sneaky.json", json.dumps({"text": NEW_ARTICLE, "added_by": "someone"}).encode(),
     "sneaky.json: field(s) added_by are set when the article is added, not by the file"),
    ("front.md", b"---\ntitle: [unclosed\n---\nIraq text", "front.md: front matter is not valid YAML"),
    ("typed.json", json.dumps({"text": NEW_ARTICLE, "author": ["A", "B"]}).encode(), "typed.json: author must be text, not list"),
]


@pytest.mark.parametrize("name, raw, message", BAD, ids=[b[0] for b in BAD])
def test_bad_file_refused_with_message_nothing_written(data, ctx, tmp_path, capsys, name, raw, message):
    before = tree_hash(data)
    _, errors = _prepare(name, raw, ctx)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    # The CLI refuses the same file and writes nothing.
    path = tmp_path / "in" / name
    path.parent.mkdir()
    path.write_bytes(raw)
    assert ingest.main([str(path), "--user", "t"]) == 2
    assert message in capsys.readouterr().err
    assert tree_hash(data) == before


BAD_GIVEN = [
    ({"url": "ftp://example.org/x"}, "given.txt: url 'ftp://example.org/x' is not a web address (http:// or https://)"),
    ({"published": "2999-01-01"}, "given.txt: published date 2999-01-01 is in the future"),
    ({"published": "21/11/2024"}, "given.txt: published date '21/11/2024' is not a date (use YYYY-MM-DD)"),
    ({"language": "English"}, "given.txt: language 'english' is not a language code such as en, ar or fa"),
    ({"perspective": "pro_iran"}, "given.txt: perspective 'pro_iran' is not one of iranian_state_aligned, iraqi,"),
    ({"outlet": "Baghdad Courier"}, "given.txt: outlet 'Baghdad Courier' is not in the outlet registry (data/outlets.yaml); give its perspective"),
    ({"title": "Two\nlines"}, "given.txt: title must be one line of text"),
]


@pytest.mark.parametrize("given, message", BAD_GIVEN, ids=[m.split(": ")[1][:24] for _, m in BAD_GIVEN])
def test_malformed_metadata_refused(data, ctx, given, message):
    before = tree_hash(data)
    drafts, errors = _prepare("given.txt", NEW_ARTICLE.encode(), ctx, given)
    assert drafts == [] and len(errors) == 1 and errors[0].startswith(message), errors
    assert tree_hash(data) == before


def test_new_outlet_with_perspective_accepted(data, ctx):
    (d,), errors = _prepare("given.txt", NEW_ARTICLE.encode(), ctx, {"outlet": "Baghdad Courier", "perspective": "iraqi"})
    assert errors == [] and d.article["outlet"] == "Baghdad Courier" and d.article["perspective"] == "iraqi"


def test_exact_duplicate_refused(data, ctx, seeds, capsys):
    before = tree_hash(data)
    _, errors = _prepare("again.txt", seeds["002"].raw.encode(), ctx)
    assert errors == ["again.txt: duplicate: an exact copy of 002_2f6602b0745822a4, already in the corpus"]
    # The same bytes twice in one batch: the second is a copy of the first.
    raw = NEW_ARTICLE.encode()
    drafts, errors = ingest.prepare_batch([("a.txt", raw), ("b.txt", raw)], ctx)
    assert len(drafts) == 1 and errors == [f"b.txt: duplicate: an exact copy of {drafts[0].article_id}, earlier in this batch"]
    assert tree_hash(data) == before


def test_batch_errors_come_in_upload_order_and_uploads_are_read_alone(data, ctx, seeds):
    before = tree_hash(data)
    uploads = [("again.txt", seeds["002"].raw.encode()), ("scan.pdf", b"%PDF-1.7"), ("empty.txt", b""), ("new.txt", NEW_ARTICLE.encode())]
    seen = []
    drafts, errors = ingest.prepare_batch(uploads, ctx, progress=lambda i, n, name: seen.append((i, n, name)))
    assert [e.split(":")[0] for e in errors] == ["again.txt", "scan.pdf", "empty.txt"]
    assert [d.source.name for d in drafts] == ["new.txt"]
    assert seen == [(0, 4, "again.txt"), (1, 4, "scan.pdf"), (2, 4, "empty.txt"), (3, 4, "new.txt"), (4, 4, "")]
    items, read_errors = ingest.read_uploads(uploads)  # the Add page reads first, prepares each article as it is shown
    assert [i.name for i in items] == ["again.txt", "new.txt"] and [e.split(":")[0] for e in read_errors] == ["scan.pdf", "empty.txt"]
    assert tree_hash(data) == before


def test_near_duplicate_flagged_and_linked(data, ctx, seeds):
    before = tree_hash(data)
    (d,), errors = _prepare("copy.txt", _edited_003(seeds).encode(), ctx)
    assert errors == []
    assert (d.duplicate.kind, d.duplicate.of, d.duplicate.similarity) == ("near", SEED_003, 0.983)
    with pytest.raises(ingest.IngestError, match=f"copy.txt: a near-duplicate of {SEED_003} .*: 98% of its word sequences are shared; choose to link"):
        ingest.commit([d], user="t", via="test")
    assert tree_hash(data) == before
    ingest.commit([d], user="t", via="test", decisions={d.article_id: "link"})
    arts = store.read_table("articles", data / "processed").set_index("article_id")
    assert arts.loc[d.article_id, "linked_to"] == SEED_003
    figs = store.read_table("figures", data / "processed")
    assert (figs["article_id"] == d.article_id).sum() == 0  # the copy's claims are counted once, with the original
    assert (figs["article_id"] == SEED_003).sum() == 1


def test_unrelated_articles_are_not_duplicates(ctx, seeds):
    known = [ingest.KnownArticle(s.article_id, None, "x", ingest.shingles(s.raw)) for k, s in seeds.items() if k != "001"]
    assert ingest.find_duplicate("y", seeds["001"].raw, known) is None
    scores = [ingest.similarity(ingest.shingles(seeds["001"].raw), k.shingles) for k in known]
    assert max(scores) < 0.05


# --------------------------------------------------------------------------- atomicity and the lock
def test_crash_in_store_write_restores_corpus(data, ctx, monkeypatch):
    before = tree_hash(data)
    drafts, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)

    def disk_full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "write_parts", disk_full)
    with pytest.raises(ingest.IngestError, match=r"commit failed, nothing was changed: OSError: \[Errno 28\] No space left on device"):
        ingest.commit(drafts, user="t", via="test")
    assert tree_hash(data) == before


def test_crash_between_corpus_files_restores_corpus(data, ctx, monkeypatch):
    before = tree_hash(data)
    drafts, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)
    real = ingest._write_atomic

    def fail_on_text(path, payload):
        if path.suffix == ".txt":
            raise OSError(5, "Input/output error")
        real(path, payload)

    monkeypatch.setattr(ingest, "_write_atomic", fail_on_text)
    with pytest.raises(ingest.IngestError, match="commit failed, nothing was changed: OSError"):
        ingest.commit(drafts, user="t", via="test")
    assert tree_hash(data) == before  # the sidecar written first was removed again


def test_commit_waits_for_the_lock_then_gives_up(data, ctx):
    before = tree_hash(data)
    drafts, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)
    with store.lock(data / "processed"):
        with pytest.raises(ingest.IngestError, match=r"not committed: the store in .* is busy \(another build or commit held it for 0.3 s\); try again"):
            ingest.commit(drafts, user="t", via="test", lock_timeout=0.3)
    assert tree_hash(data) == before


def test_commit_proceeds_when_the_lock_is_released(data, ctx):
    drafts, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)
    held = threading.Event()

    def hold():
        with store.lock(data / "processed"):
            held.set()
            threading.Event().wait(0.5)

    t = threading.Thread(target=hold)
    t.start()
    held.wait()
    r = ingest.commit(drafts, user="t", via="test", lock_timeout=10)
    t.join()
    assert r.mode == "incremental" and store.read_manifest(data / "processed")["counts"]["articles"] == 6


def test_two_cli_sessions_committing_at_once(data, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(NEW_ARTICLE, encoding="utf-8")
    b.write_text(NEW_ARTICLE.replace("Three rockets", "Four rockets").replace("Tuesday", "Wednesday") + "A second paragraph.\n", encoding="utf-8")
    env = {**os.environ, **env_for(data)}
    procs = [subprocess.Popen([sys.executable, "-m", "lib.ingest", str(p), "--user", p.stem, "--keep-duplicates"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for p in (a, b)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    added = sorted(p.name for p in (data / "corpus").glob("u_*.txt"))
    assert len(added) == 2
    arts = store.read_table("articles", data / "processed")
    assert sorted(arts.loc[arts["article_id"].str.startswith("u_"), "source_file"]) == added
    assert store.read_manifest(data / "processed")["input_hash"] == pipeline.input_hash(data / "corpus")
    assert sorted(e["who"] for e in ingest.read_audit(data)) == ["a", "b"]


def test_stale_store_gets_a_full_rebuild(data, ctx):
    (data / "corpus" / "hand_added.txt").write_text("Baghdad said on Monday that Iran and the United States must respect Iraq's sovereignty.\n")
    drafts, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)
    r = ingest.commit(drafts, user="t", via="test")
    assert r.mode == "full rebuild (the store was out of date)"
    ids = set(store.read_table("articles", data / "processed")["article_id"])
    assert {"hand_added", drafts[0].article_id} <= ids and len(ids) == 7
    assert not pipeline.is_stale(data / "corpus", data / "processed")


def test_audit_log_is_not_a_build_input(data):
    h = pipeline.input_hash(data / "corpus")
    ingest.write_audit([{"action": "test"}], user="t", via="test", build="b", data_dir=data)
    assert (data / "audit.log.jsonl").exists() and pipeline.input_hash(data / "corpus") == h


# --------------------------------------------------------------------------- removing
def test_remove_an_added_article(data, ctx, seeds):
    original = {n: store.read_table(n, data / "processed") for n in schema.SCHEMAS}  # events too: their clusters come back as they were
    corpus_before = tree_hash(data / "corpus")
    drafts, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)
    aid = drafts[0].article_id
    ingest.commit(drafts, user="t", via="test")
    assert [a["article_id"] for a in ingest.added_articles()] == [aid]
    with pytest.raises(ingest.IngestError, match="002_2f6602b0745822a4: not an added article"):
        ingest.remove("002_2f6602b0745822a4", user="t", via="test")
    r = ingest.remove(aid, user="remover", via="test")
    assert r.mode == "incremental" and r.article_ids == [aid]
    assert tree_hash(data / "corpus") == corpus_before
    for n, df in original.items():
        assert store.read_table(n, data / "processed").astype(str).equals(df.astype(str)), n
    kept = sorted(p.name.split("-", 1)[1] for p in (data / "removed").iterdir())
    assert kept == [f"{aid}.meta.yaml", f"{aid}.txt"]
    assert [(e["action"], e["who"]) for e in ingest.read_audit(data)] == [("add", "t"), ("remove", "remover")]


def test_original_with_linked_copy_cannot_be_removed_first(data, ctx, seeds):
    first, _ = _prepare("rockets.txt", NEW_ARTICLE.encode(), ctx)
    ingest.commit(first, user="t", via="test")
    copy = "Reposted:\n\n" + NEW_ARTICLE.replace("Tuesday", "Wednesday")
    (d,), _ = _prepare("copy.txt", copy.encode(), ctx)
    assert d.duplicate.of == first[0].article_id
    ingest.commit([d], user="t", via="test", decisions={d.article_id: "link"})
    before = tree_hash(data)
    with pytest.raises(ingest.IngestError, match=f"{first[0].article_id}: is the original of {d.article_id}; remove the copies first"):
        ingest.remove(first[0].article_id, user="t", via="test")
    assert tree_hash(data) == before


# --------------------------------------------------------------------------- CLI
def test_cli_dry_run_previews_and_writes_nothing(data, tmp_path, capsys):
    before = tree_hash(data)
    page = FIXTURES / "article_page.html"
    assert ingest.main([str(page), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("u_") and "  article_page.html" in out.splitlines()[0]
    assert "  figures (2): 31 drone attacks (Maariv; Islamic Resistance in Iraq -> Israel)" in out
    assert "  actors (7): Iraq ×1, Islamic Resistance in Iraq ×1, Israel ×1, Kata'ib Hezbollah ×1," in out
    assert [line.split(" (")[0].strip() for line in out.splitlines()[3:8]] == ["actors", "figures", "relations", "quotes", "unknown-actor candidates"]
    assert out.rstrip().endswith("dry run: 1 article(s) valid; nothing written")
    assert tree_hash(data) == before


def test_cli_adds_with_metadata_flags(data, tmp_path, capsys):
    f = tmp_path / "rockets.md"
    f.write_text(NEW_ARTICLE, encoding="utf-8")
    rc = ingest.main([str(f), "--outlet", "Baghdad Courier", "--perspective", "iraqi", "--published", "2024-02-06", "--user", "cli-user"])
    out = capsys.readouterr().out
    assert rc == 0, out
    aid = "u_" + ingest.hashlib.sha256(NEW_ARTICLE.encode()).hexdigest()[:12]
    assert f"added 1 article(s): {aid}; store updated (incremental" in out
    meta = yaml.safe_load((data / "corpus" / f"{aid}.meta.yaml").read_text())
    assert {k: meta[k] for k in ("outlet", "perspective", "published", "added_by")} == {
        "outlet": "Baghdad Courier", "perspective": "iraqi", "published": date(2024, 2, 6), "added_by": "cli-user"}
    assert ingest.main(["--remove", aid, "--user", "cli-user"]) == 0
    assert not (data / "corpus" / f"{aid}.txt").exists()


def test_cli_near_duplicate_needs_a_choice(data, seeds, tmp_path, capsys):
    f = tmp_path / "copy.txt"
    f.write_text(_edited_003(seeds), encoding="utf-8")
    before = tree_hash(data)
    assert ingest.main([str(f)]) == 2
    err = capsys.readouterr().err
    assert f"error: copy.txt: a near-duplicate of {SEED_003} (Iran meddles in US-Iraq strategic talks): 98% of its word sequences are shared" in err
    assert "rerun with --link-duplicates (count each once) or --keep-duplicates" in err
    assert tree_hash(data) == before
    assert ingest.main([str(f), "--link-duplicates"]) == 0


def test_enabled_only_by_config(monkeypatch):
    monkeypatch.delenv(ingest.ENABLE_ENV, raising=False)
    assert not ingest.enabled_by_env()
    for value, on in (("1", True), ("true", True), ("0", False), ("", False)):
        monkeypatch.setenv(ingest.ENABLE_ENV, value)
        assert ingest.enabled_by_env() is on
