"""The build: bad files reported and skipped, strict mode, staleness, atomic
publication, and the local-parallel and Dask engines giving the same tables."""
import ast
import re
import shutil
import sys
import types

import pytest

from lib import pipeline, store
from lib.paths import CORPUS_DIR


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, d)
    return d


def tables(store_dir, name, sort):
    return store.read_table(name, store_dir).sort_values(sort).reset_index(drop=True)


def test_bad_files_are_reported_and_skipped(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PNG" * 50)
    (corpus / "arabic.txt").write_bytes("تقرير عن العراق".encode("cp1256"))
    (corpus / "badmeta.txt").write_text("A fine article about Iraq and Iran.", encoding="utf-8")
    (corpus / "badmeta.meta.yaml").write_text("outlet: [unclosed", encoding="utf-8")
    report = pipeline.build(corpus, tmp_path / "store", log=lambda *_: None)
    reasons = {r["file"]: r["reason"] for r in report["skipped"]}
    assert reasons["empty.txt"] == "empty.txt: empty file"
    assert reasons["binary.txt"] == "binary.txt: binary data, not text"
    assert reasons["arabic.txt"].startswith("arabic.txt: not UTF-8")
    assert reasons["badmeta.txt"].startswith("badmeta.meta.yaml: metadata is not valid YAML")
    assert report["counts"]["articles"] == 5


def test_strict_fails_and_leaves_the_store_alone(corpus, tmp_path):
    out = tmp_path / "store"
    pipeline.build(corpus, out, log=lambda *_: None)
    before = (out / "CURRENT").read_text()
    (corpus / "empty.txt").write_bytes(b"")
    with pytest.raises(pipeline.BuildFailed, match="1 bad corpus file"):
        pipeline.build(corpus, out, strict=True, log=lambda *_: None)
    assert (out / "CURRENT").read_text() == before
    assert not list(out.glob(".tmp-*"))


def test_staleness_follows_inputs(corpus, tmp_path):
    out = tmp_path / "store"
    pipeline.build(corpus, out, log=lambda *_: None)
    assert not pipeline.is_stale(corpus, out)
    assert pipeline.build(corpus, out, log=lambda *_: None)["built"] is False
    (corpus / "new.txt").write_text("2024-01-01 - From: Shafaq News\n\nKataib Hezbollah fired rockets.", encoding="utf-8")
    assert pipeline.is_stale(corpus, out)


def test_a_crash_mid_build_keeps_the_previous_store(corpus, tmp_path, monkeypatch):
    out = tmp_path / "store"
    pipeline.build(corpus, out, log=lambda *_: None)
    before = (out / "CURRENT").read_text()

    def boom(paths):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "process_files", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        pipeline.build(corpus, out, force=True, log=lambda *_: None)
    assert (out / "CURRENT").read_text() == before
    assert not list(out.glob(".tmp-*"))
    assert len(store.read_table("articles", out)) == 5


def test_parallel_workers_give_the_same_tables(tmp_path, monkeypatch):
    from lib.synth import generate

    corpus = tmp_path / "synth"
    generate(corpus, 40, seed=3)
    monkeypatch.setattr(pipeline, "CHUNK_ARTICLES", 10)
    one = pipeline.build(corpus, tmp_path / "one", workers=1, log=lambda *_: None)
    two = pipeline.build(corpus, tmp_path / "two", workers=2, log=lambda *_: None)
    assert one["counts"] == two["counts"] and one["counts"]["articles"] == 40
    for name, key in (("mentions", ["article_id", "start"]), ("figures", ["figure_id"]), ("sentences", ["article_id", "sent_id"])):
        assert tables(tmp_path / "one", name, key).equals(tables(tmp_path / "two", name, key)), name


def test_build_workers_do_not_run_the_callers_script(corpus, tmp_path, monkeypatch):
    """In the Streamlit server ``__main__`` is the app's script; spawned workers ran it
    first, and the app's loaders waited for the lock the build held: a hang."""
    ran = tmp_path / "the app ran"
    script = tmp_path / "app_like.py"
    script.write_text(f"open({str(ran)!r}, 'w').write('a build worker ran it')\n", encoding="utf-8")
    app_module = types.ModuleType("__main__")  # as Streamlit installs a script: a path, no import spec
    app_module.__file__, app_module.__spec__ = str(script), None
    monkeypatch.setitem(sys.modules, "__main__", app_module)
    report = pipeline.build(corpus, tmp_path / "store", workers=2, log=lambda *_: None)
    assert report["built"] and report["workers"] == 2 and report["counts"]["articles"] == 5
    assert not ran.exists()
    assert sys.modules["__main__"] is app_module  # put back


def test_dask_engine_writes_partitioned_tables_equal_to_local(corpus, tmp_path):
    local = pipeline.build(corpus, tmp_path / "local", log=lambda *_: None)
    dask = pipeline.build(corpus, tmp_path / "dask", engine="dask", log=lambda *_: None)
    assert dask["counts"] == local["counts"]
    build = store.current_build(tmp_path / "dask")
    months = sorted(p.name for p in (build / "articles").iterdir())
    assert months == ["part_month=2020-06", "part_month=2024-02", "part_month=2024-09", "part_month=2024-11", "part_month=2025-07"]
    assert (build / "articles" / "part_month=2024-11" / "part_outlet=shafaq_news").is_dir()
    for name, key in (("articles", ["article_id"]), ("mentions", ["article_id", "start"]), ("relations", ["article_id", "sent_id", "source", "target", "relation"])):
        a, b = tables(tmp_path / "local", name, key), tables(tmp_path / "dask", name, key)
        assert a.equals(b[a.columns]), name


def test_if_missing_builds_a_missing_store_and_leaves_a_stale_one_to_the_app(corpus, tmp_path, capsys):
    """`make run` builds only a store that has no build: the app serves an existing one at
    once and rebuilds it in the background when stale (lib/refresh.py)."""
    out = tmp_path / "store"
    cli = ["build", "--corpus", str(corpus), "--out", str(out), "--if-missing"]
    assert pipeline.main(cli) == 0
    first = store.current_build_name(out)
    assert pipeline.main(cli) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "store exists (up to date)"
    (corpus / "zz_added_by_hand.txt").write_text("Kataib Hezbollah claimed a drone attack on a US base on Friday.\n", encoding="utf-8")
    assert pipeline.main(cli) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "store exists (stale: the app rebuilds it in the background)"
    assert store.current_build_name(out) == first
    assert pipeline.main(cli[:-1]) == 0  # without the flag a stale store is rebuilt
    assert store.current_build_name(out) != first


def test_the_command_line_builds_with_workers(corpus, tmp_path):
    """Run as `python -m lib.pipeline` (as `make bench` and the app's background rebuild run it),
    the module is __main__, which the workers do not load: they must still find their task."""
    import subprocess

    from lib.paths import ROOT

    out = tmp_path / "store"
    done = subprocess.run([sys.executable, "-m", "lib.pipeline", "build", "--corpus", str(corpus), "--out", str(out), "--workers", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
    manifest = store.read_manifest(out)
    assert manifest["workers"] == 2 and manifest["counts"]["articles"] == 5


def test_the_store_depends_on_the_code_a_build_runs_not_on_page_helpers(tmp_path, monkeypatch):
    """Editing lib/loaders.py made a 100,000-article store stale: a 6-7 minute rebuild."""
    built = {p.stem for p in pipeline.code_files()}
    # found through lazy imports inside functions too: the extractors, ACLED rows in finalize
    assert {"pipeline", "store", "framing", "tone", "events", "relations", "acled", "fingerprints"} <= built
    assert not built & {"loaders", "compare", "network", "frontpage", "attack_charts", "refresh", "bench"}
    shutil.copytree(pipeline.ROOT / "lib", tmp_path / "lib")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Title: A\n\nKataib Hezbollah struck a base.\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "ROOT", tmp_path)
    pipeline._build_modules.cache_clear()
    try:
        before = pipeline.input_hash(corpus)
        with open(tmp_path / "lib" / "loaders.py", "a", encoding="utf-8") as f:
            f.write("\n# a page's change\n")
        assert pipeline.input_hash(corpus) == before
        with open(tmp_path / "lib" / "tone.py", "a", encoding="utf-8") as f:  # imported by framing, inside a function
            f.write("\n# an extractor's change\n")
        assert pipeline.input_hash(corpus) != before
    finally:
        monkeypatch.undo()
        pipeline._build_modules.cache_clear()


def test_lib_imports_are_read_in_every_form():
    source = ('from lib import a, b as c\nfrom lib.d import x\nimport lib.e\nimport os\n'
              'def f():\n    from lib import g\n    return importlib.import_module("lib.h")\nfrom .rel import z\n'
              'from lib import (\n    i,  # the first\n    j as jj,\n)\nif True: from lib import k\nimport os, lib.m\n')
    assert pipeline._lib_imports(source) == {"a", "b", "d", "e", "g", "h", "i", "j", "k", "m"}
    # Text that only looks like an import, and a backslash continuation: the whole module is parsed.
    tricky = '"""Use ``from lib import this`` in a page."""\nfrom lib import n, \\\n    o\n'
    assert pipeline._lib_imports(tricky) == {"n", "o"}


def _imports_in_full_parse(source: str) -> set[str]:
    """What every node of the module says it imports from lib (the reading before it was made fast)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "lib":
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("lib."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("lib."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"lib\.\w+", node.value):
            out.add(node.value.split(".")[1])
    return out


def test_every_lib_modules_imports_are_what_a_full_parse_finds():
    """None fewer; a string "lib.x" in a docstring may add a name, never a module that exists."""
    for path in sorted((pipeline.ROOT / "lib").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found, full = pipeline._lib_imports(source), _imports_in_full_parse(source)
        assert full <= found, path.name
        assert not {n for n in found - full if (pipeline.ROOT / "lib" / f"{n}.py").exists()}, path.name
