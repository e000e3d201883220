"""Benchmark: build throughput, peak memory and store size as the corpus grows.

    python -m lib.bench [--sizes 5,1000,10000] [--out bench/results/latest.json]

Each size is built in a fresh subprocess (``python -m lib.pipeline build``)
whose resident memory is sampled, so the figures are those of a real build.
Size 5 is the seed corpus; larger sizes come from lib.synth (deterministic).
From 1,000 articles on, one article file is then edited and the build run again
without ``--force``: the update of that article alone (lib/update.py), timed too;
then a tenth more articles are copied in and taken out again, each an update.
A baseline in the same run — a plain regex tokenizer pass over the same texts,
or spaCy's en_core_web_sm NER when it is installed — gives the ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from lib.paths import CORPUS_DIR, ROOT

CACHE = ROOT / "bench" / "cache"
WORD_RE = re.compile(r"\w+")


def corpus_for(size: int) -> Path:
    if size <= 5:
        return CORPUS_DIR
    from lib.synth import generate

    out = CACHE / f"synth-{size}"
    if not out.exists() or len(list(out.glob("*.txt"))) != size:
        out.mkdir(parents=True, exist_ok=True)
        for p in out.glob("*.txt"):
            p.unlink()
        generate(out, size)
    return out


def measure_build(corpus: Path, workers: int | None, store: Path, force: bool = True) -> dict:
    cmd = [sys.executable, "-m", "lib.pipeline", "build", "--corpus", str(corpus), "--out", str(store)] + (["--force"] if force else [])
    if workers:
        cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        try:
            rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    out, err = proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"build failed: {err.decode()[-2000:]}")
    build = store / (store / "CURRENT").read_text().strip()
    manifest = json.loads((build / "manifest.json").read_text())
    size = sum(p.stat().st_size for p in build.rglob("*") if p.is_file())
    return {"wall_s": wall, "build_s": manifest["build_seconds"], "peak_mb": peak / 1e6, "store_mb": size / 1e6, "counts": manifest["counts"],
            "workers": manifest.get("workers"), "update": manifest.get("update")}


def measure_update(corpus: Path, store: Path) -> dict:
    """The build after one article is edited by hand (a sentence added): an update of that
    article (lib/update.py), not a full build. The edit is undone after and the store
    brought up to date again, so the cached corpus stays as generated. (A file touched
    with its text unchanged is kept as it is, with nothing to time.)"""
    texts = sorted(corpus.glob("*.txt"))
    path = texts[len(texts) // 2]
    original, st = path.read_bytes(), path.stat()
    try:
        path.write_bytes(original + b"\nKataib Hezbollah claimed a drone attack on Ain al-Asad air base.\n")
        m = measure_build(corpus, None, store, force=False)
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    if not m["update"] or m["update"].get("changed") != [path.stem]:
        raise RuntimeError(f"editing {path.name} did not update that article alone: {m['update']}")
    measure_build(corpus, None, store, force=False)
    return {"update_s": round(m["wall_s"], 2), "update_peak_mb": round(m["peak_mb"], 1)}


def measure_batch(corpus: Path, store: Path) -> dict:
    """The build after a tenth more articles are copied into the corpus at once (lib.synth,
    another seed): an update of those articles, then of their removal. They are taken out
    after, so the cached corpus stays as generated."""
    from lib.synth import generate

    n = len(list(corpus.glob("*.txt"))) // 10
    batch = CACHE / f"batch-{n}"
    if len(list(batch.glob("*.txt"))) != n:
        generate(batch, n, seed=11)
    originals = sorted(batch.glob("*.txt"))
    copies = [corpus / p.name for p in originals]
    try:
        for p, copy in zip(originals, copies):
            copy.write_bytes(p.read_bytes())
        added = measure_build(corpus, None, store, force=False)
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)
    removed = measure_build(corpus, None, store, force=False)
    for m, what in ((added, "added"), (removed, "removed")):
        if not m["update"] or len(m["update"].get(what, [])) != n:
            raise RuntimeError(f"{n} articles {what} were not an update of those articles: {m['update']}")
    return {"batch_articles": n, "batch_added_s": round(added["wall_s"], 2), "batch_added_peak_mb": round(added["peak_mb"], 1),
            "batch_removed_s": round(removed["wall_s"], 2), "batch_removed_peak_mb": round(removed["peak_mb"], 1)}


def app_timings(corpus: Path, store: Path, script: str, extra_env: dict | None = None) -> dict:
    """Run a bench/ script against a built store; it prints one JSON object."""
    env = {**os.environ, "CROSSCURRENTS_CORPUS": str(corpus), "CROSSCURRENTS_STORE": str(store), **(extra_env or {})}
    out = subprocess.run([sys.executable, str(ROOT / "bench" / script)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode:
        return {"error": out.stderr[-1500:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(paths: list[Path]) -> dict:
    """spaCy NER if it is installed, else a regex tokenizer pass over the same texts."""
    texts = [p.read_text(encoding="utf-8") for p in paths]
    try:
        import spacy

        nlp = spacy.load("en_core_web_sm", disable=["parser", "lemmatizer"])
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        return {"name": "spaCy en_core_web_sm NER", "articles_per_s": len(texts) / (time.perf_counter() - t0)}
    except (ImportError, OSError):
        t0 = time.perf_counter()
        for t in texts:
            WORD_RE.findall(t)
        return {"name": "regex tokenizer pass", "articles_per_s": len(texts) / (time.perf_counter() - t0)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lib.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5,1000,10000", help="comma-separated corpus sizes (add 100000 for the full run)")
    ap.add_argument("--workers", type=int, default=None, help="build workers (default: the pipeline's own choice)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    ap.add_argument("--no-pages", action="store_true", help="skip the page rerun timings (AppTest)")
    ap.add_argument("--no-browser", action="store_true", help="skip the headless-Chromium timings")
    args = ap.parse_args(argv)
    rows = []
    cores = os.cpu_count() or 1
    for size in [int(s) for s in args.sizes.split(",") if s]:
        corpus = corpus_for(size)
        paths = sorted(corpus.glob("*.txt"))
        mb = sum(p.stat().st_size for p in paths) / 1e6
        store = Path(tempfile.mkdtemp(prefix="bench-store-"))
        m = measure_build(corpus, args.workers, store)
        base = baseline(paths[: min(len(paths), 2000)])
        per_s = len(paths) / m["build_s"]
        rows.append({
            "articles": len(paths), "input_mb": round(mb, 2), "build_s": round(m["build_s"], 2), "wall_s": round(m["wall_s"], 2),
            "articles_per_s": round(per_s, 1), "articles_per_s_per_core": round(per_s / min(cores, args.workers or cores), 1),
            "mb_per_s": round(mb / m["build_s"], 2), "peak_mb": round(m["peak_mb"], 1), "store_mb": round(m["store_mb"], 2),
            "baseline": base["name"], "baseline_articles_per_s": round(base["articles_per_s"], 1),
            "ratio_to_baseline": round(per_s / base["articles_per_s"], 4), "rows": m["counts"], "workers": m["workers"],
        })
        if len(paths) >= 1000:  # (at 5 articles, one is over the fifth past which everything is built again)
            rows[-1].update(measure_update(corpus, store))
            rows[-1].update(measure_batch(corpus, store))
        if not args.no_pages:
            rows[-1]["page_rerun_s"] = app_timings(corpus, store, "page_timings.py")
        if not args.no_browser:
            first_size = len(rows) == 1
            rows[-1]["browser"] = app_timings(corpus, store, "browser_timings.py", {"BENCH_GRAPHS": "1" if first_size else "0"})
        print(f"{len(paths):>7} articles  {mb:8.1f} MB  build {m['build_s']:7.2f} s  {per_s:8.1f} art/s  {mb / m['build_s']:6.2f} MB/s  "
              f"peak {m['peak_mb']:7.0f} MB  store {m['store_mb']:7.1f} MB  baseline ({base['name']}) {base['articles_per_s']:9.0f} art/s", flush=True)
        if "update_s" in rows[-1]:
            print(f"{'':>9}one article edited: updated in {rows[-1]['update_s']:.2f} s, peak {rows[-1]['update_peak_mb']:.0f} MB", flush=True)
            print(f"{'':>9}{rows[-1]['batch_articles']:,} articles copied in: updated in {rows[-1]['batch_added_s']:.2f} s, peak "
                  f"{rows[-1]['batch_added_peak_mb']:.0f} MB; taken out: {rows[-1]['batch_removed_s']:.2f} s, peak {rows[-1]['batch_removed_peak_mb']:.0f} MB",
                  flush=True)
        for key in ("page_rerun_s", "browser"):
            if key in rows[-1]:
                print(f"{'':>9}{key}: {json.dumps(rows[-1][key])}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": {"cores": cores, "python": sys.version.split()[0]}, "at": time.strftime("%Y-%m-%dT%H:%M:%S"), "builds": rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
