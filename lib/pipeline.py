"""Raw articles -> processed tables. Plain functions, runnable as a CLI.

    python -m lib.pipeline build [--corpus DIR] [--out DIR] [--strict] [--force] [--nice N] [--if-missing]
                                 [--workers N] [--engine local|dask [--scheduler ADDRESS]]
    python -m lib.pipeline status
"""
from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import importlib
import json
import os
import re
import sys
import time
import types
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from lib import schema, store
from lib.cleaning import Boilerplate, clean, load_boilerplate
from lib.corpus import ArticleSource, article_files, content_hash, parse_date, read_or_reason
from lib.mentions import find_mentions
from lib.paths import CORPUS_DIR, DATA_DIR, ROOT, STORE_DIR
from lib.registry import Outlets, Registry, load_outlets, load_registry
from lib.sentences import split_sentences
from lib.textwords import one_article
from lib.vocab import Vocabulary

CODE_VERSION = "1"


@dataclass
class Context:
    """Dictionaries loaded once and shared by every article."""

    registry: Registry
    outlets: Outlets
    vocab: Vocabulary
    boilerplate: Boilerplate


def load_context() -> Context:
    registry = load_registry()
    return Context(registry, load_outlets(), Vocabulary(registry.words()), load_boilerplate())


def _extractors():
    """Table name -> extractor(article, sentences, mentions, ctx) -> rows.

    Imported lazily so each extraction module stays independent of the others.
    """
    from lib import events, figures, fingerprints, framing, passages, relations

    return {
        "figures": figures.extract,
        "relations": relations.extract,
        "labels": framing.extract_labels,
        "quotes": framing.extract_quotes,
        "events": events.extract,
        "passage_terms": passages.extract_terms,
        "fingerprints": fingerprints.extract,
    }


def finalize(tables: dict[str, pa.Table], ctx: Context) -> dict[str, pa.Table]:
    """Corpus-level steps after every article is processed: curated figures
    join the extracted ones; the same event reported by several articles
    becomes one event with several sources. On tables, not rows: the build of 100,000
    articles peaked here, with its reports as dicts, at 1.84 GB; it peaks at 1.53 GB now."""
    from lib import acled, events, figures

    # ACLED rows (data/acled_events.csv) sit beside the article-derived ones, never merged with them.
    extracted, article_events = acled.without_acled(tables["figures"], tables["events"])
    extracted = extracted.filter(pc.fill_null(pc.not_equal(extracted["source"], "curated"), True))
    return {
        "figures": pa.concat_tables([extracted, schema.to_table("figures", figures.curated_rows() + acled.figure_rows(ctx))]),
        "events": pa.concat_tables([events.link_table(article_events, ctx), schema.to_table("events", acled.event_rows(ctx))]),
    }


def resolve_metadata(src: ArticleSource, found: dict, title: str | None, outlets: Outlets) -> dict:
    """Sidecar first, then what the text states, then unknown; remember which."""
    meta = dict(src.meta)
    origin = {k: "sidecar" for k, v in meta.items() if v not in (None, "")}
    outlet_name = meta.get("outlet") or found.get("outlet")
    if not meta.get("outlet") and found.get("outlet"):
        origin["outlet"] = "text"
    named_outlet = outlets.resolve(outlet_name)
    outlet = named_outlet or outlets.resolve(meta.get("original_publisher"))
    if outlet_name and named_outlet:
        outlet_name = named_outlet.name  # "jpost" -> "The Jerusalem Post"
    published = parse_date(meta.get("published"))
    precision = meta.get("date_precision")
    if published is None and found.get("date"):
        published, precision = parse_date(found["date"]), "day"
        origin["published"] = "text"
        meta.setdefault("date_basis", f"Dateline in the text: {found['date']} {found.get('time', '')}".strip())
    author = meta.get("author") or found.get("author")
    if author and not meta.get("author"):
        origin["author"] = "text"
    perspective = meta.get("perspective") or (outlet.perspective if outlet else None)
    if perspective and not meta.get("perspective"):
        origin["perspective"] = "outlet registry"
    return {
        "outlet": outlet_name or "Unknown outlet",
        "outlet_id": outlet.id if outlet else None,
        "original_publisher": meta.get("original_publisher"),
        "author": author,
        "url": meta.get("url"),
        "title": meta.get("title") or title,
        "published": published,
        "date_precision": (precision or "day") if published else "unknown",
        "date_basis": meta.get("date_basis"),
        "perspective": perspective or "unknown",
        "perspective_label": outlets.perspectives.get(perspective, "Unknown") if perspective else "Unknown",
        "language": meta.get("language") or "en",
        "linked_to": meta.get("linked_to"),
        "meta_from": json.dumps(origin, sort_keys=True),
    }


def process_article(src: ArticleSource, ctx: Context) -> dict[str, list[dict]]:
    """One article -> rows for every table."""
    c = clean(src.raw, ctx.vocab, ctx.boilerplate)
    meta = resolve_metadata(src, c.found, c.title, ctx.outlets)
    text, omap = c.text, c.offsets
    spans = split_sentences(text)
    aid = src.article_id
    sentences = [
        {"article_id": aid, "sent_id": i, "start": s, "end": e, "raw_start": rs, "raw_end": re_, "text": text[s:e]}
        for i, ((s, e), (rs, re_)) in enumerate(zip(spans, omap.spans_to_raw(spans)))
    ]
    mentions, candidates = find_mentions(text, spans, ctx.registry, meta["published"])
    for m, (rs, re_) in zip(mentions, omap.spans_to_raw([(m["start"], m["end"]) for m in mentions])):
        m["article_id"] = aid
        m["raw_start"], m["raw_end"] = rs, re_
    for cnd in candidates:
        cnd["article_id"] = aid
    actor_counts: dict[str, int] = {}
    for m in mentions:
        actor_counts[m["actor"]] = actor_counts.get(m["actor"], 0) + 1
    article = {
        "article_id": aid,
        **meta,
        "n_words": len(text.split()),
        "n_sentences": len(spans),
        "n_mentions": len(mentions),
        "actors": sorted(actor_counts, key=lambda a: (-actor_counts[a], a)),
        "text": text,
        "source_file": src.path.name,
        "offset_map": omap.to_list(),
        "oov_before": c.oov_before,
        "oov_after": c.oov_after,
        "repairs": [f"{a} -> {b}" for a, b in c.repairs],
        "removed": [f"{k}: {line}" for k, line in c.removed],
        "content_hash": content_hash(src.raw),
    }
    rows = {"articles": [article], "sentences": sentences, "mentions": mentions, "candidates": candidates}
    with one_article():  # what extractors share about a text is worked out once, for this article only
        for name, extract in _extractors().items():
            rows[name] = extract(article, sentences, mentions, ctx)
    if meta["linked_to"]:  # a republished copy: its claims are counted once, with its original
        rows["figures"], rows["events"] = [], []
    return rows


def code_files() -> list[Path]:
    """The code a build runs: lib/pipeline.py and every lib module it imports, directly or
    through another, at the top of a module or inside a function. Editing a module only
    the pages use (lib/loaders.py, lib/compare.py, ...) leaves the store current: it made
    a 100,000-article store stale, a 6-7 minute rebuild for a page's change."""
    return [ROOT / "lib" / f"{name}.py" for name in sorted(_build_modules())]


@functools.cache
def _build_modules() -> frozenset[str]:
    # Read from the sources (ast), not from sys.modules: a lazy import inside a function counts too.
    found: set[str] = set()
    todo = ["pipeline"]
    while todo:
        name = todo.pop()
        if name in found or not (ROOT / "lib" / f"{name}.py").is_file():
            continue
        found.add(name)
        todo.extend(_lib_imports((ROOT / "lib" / f"{name}.py").read_text(encoding="utf-8")))
    return frozenset(found)


def _lib_imports(source: str) -> set[str]:
    """The lib modules a module's source imports (``from lib import x``, ``from lib.x import y``,
    ``import lib.x``, ``importlib.import_module("lib.x")``)."""
    # Only the statements that import from lib are parsed, not the whole module: parsing
    # every module took 0.17 s of each process's first staleness check, which in the app
    # runs beside its first reader's page. A string "lib.x" anywhere counts (a module more
    # at worst, never one fewer), and text that only looks like an import (in a docstring,
    # or continued with a backslash) has the whole module parsed instead.
    out = set(_NAMED_MODULE_RE.findall(source))
    nodes: list[ast.AST]
    try:
        nodes = [ast.parse(_statement_at(source, found)).body[0] for found in _LIB_IMPORT_RE.finditer(source)]
    except SyntaxError:
        nodes = list(ast.walk(ast.parse(source)))
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module == "lib" and node.level == 0:
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lib.") and node.level == 0:
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(alias.name.split(".")[1] for alias in node.names if alias.name.startswith("lib."))
    return out


_LIB_IMPORT_RE = re.compile(r"\b(?:from[ \t]+lib\b|import[ \t][^\n#;]*\blib\.)[^\n#;]*")
_NAMED_MODULE_RE = re.compile(r"""["']lib\.(\w+)["']""")


def _statement_at(source: str, found: re.Match[str]) -> str:
    """The import statement ``found`` starts, with the lines a parenthesis carries it over."""
    statement = found.group().rstrip()
    if statement.count("(") > statement.count(")"):  # from lib import (a,\n    b)
        close = source.find(")", found.end())
        statement += source[found.end() : close + 1] if close >= 0 else ""
    return statement


def dictionary_files() -> list[Path]:
    return sorted(p for p in DATA_DIR.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml", ".csv", ".json"))


CORPUS_FILES = "corpus_files.json"  # in each build: the size and modification time of every corpus file it was built from


def corpus_files(corpus_dir: Path) -> dict[str, list[int]]:
    """Every file in the corpus directory: name -> [size, modification time in ns]."""
    # os.scandir, not pathlib: at 100,000 articles making and sorting Path objects took
    # 5 of the 10 s two staleness checks cost when one article was added.
    with os.scandir(corpus_dir) as entries:
        out = {}
        for e in entries:
            if e.is_file():
                st = e.stat()
                out[e.name] = [st.st_size, st.st_mtime_ns]
    return out


def rules_hash() -> str:
    """Hash of what a build depends on besides the corpus: schema, dictionaries and code
    (small, so counted by content). While it is unchanged, an article's rows depend on its
    own files only, and a build can be brought up to date article by article (lib/update.py)."""
    h = hashlib.sha256(f"schema={store.SCHEMA_VERSION};code={CODE_VERSION}".encode())
    for group, paths in (("data", dictionary_files()), ("code", code_files())):
        for p in paths:
            h.update(f"\0{group}/{p.name}\0".encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def input_hash(corpus_dir: Path, files: dict[str, list[int]] | None = None, rules: str | None = None) -> str:
    """Hash of everything a build depends on: corpus, dictionaries and code.

    Corpus files count by name, size and modification time (reading every
    byte of a large corpus at each staleness check would be slow).
    """
    files = corpus_files(corpus_dir) if files is None else files
    h = hashlib.sha256((rules or rules_hash()).encode())
    for name in sorted(files):
        size, mtime = files[name]
        h.update(f"\0corpus/{name}\0{size}\0{mtime}".encode())
    return h.hexdigest()


def built_from(manifest: dict | None, inputs: str) -> bool:
    """Whether a build (its manifest) was made from ``inputs`` (an ``input_hash``) with this schema."""
    return manifest is not None and manifest.get("schema_version") == store.SCHEMA_VERSION and manifest.get("input_hash") == inputs


def is_stale(corpus_dir: Path = CORPUS_DIR, store_dir: Path = STORE_DIR) -> bool:
    manifest = store.read_manifest(store_dir)
    return manifest is None or not built_from(manifest, input_hash(corpus_dir))


class BuildFailed(RuntimeError):
    pass


# finalize() needs every row of these at once; the other tables stream to disk.
CORPUS_LEVEL_TABLES = ("figures", "events")
CHUNK_ARTICLES = 500
_WORKER_CONTEXT: list[Context] = []


def _worker_context() -> Context:
    if not _WORKER_CONTEXT:
        _WORKER_CONTEXT.append(load_context())
    return _WORKER_CONTEXT[0]


def process_files(paths: list[str]) -> tuple[dict[str, list[dict]], list[tuple[str, str]]]:
    """Read and process a chunk of article files: rows per table, and
    ``(file, reason)`` for each file skipped. Runs in build workers."""
    sources, skipped = [], []
    for path in map(Path, paths):
        src, why = read_or_reason(path)
        if src is None:
            skipped.append((path.name, str(why)))
        else:
            sources.append(src)
    return _rows_of(sources, _worker_context()), skipped


def _rows_of(sources: list[ArticleSource], ctx: Context) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in schema.SCHEMAS}
    for src in sources:
        for name, table_rows in process_article(src, ctx).items():
            rows[name].extend(table_rows)
    return rows


def process_chunk(paths: list[str]) -> tuple[dict[str, pa.Table], list[tuple[str, str]]]:
    """``process_files`` for the local engine: every table comes back as an Arrow table,
    made in the worker (in parallel) and cheap to send to the writer (pickling millions
    of row dicts cost more than making the tables), the corpus-level tables too, which
    ``finalize`` reads as tables."""
    rows, skipped = process_files(paths)
    return {name: schema.to_table(name, r) for name, r in rows.items()}, skipped


def process_sources(sources: list[ArticleSource], ctx: Context | None = None
                    ) -> tuple[dict[str, pa.Buffer], dict[str, list[dict]], list[tuple[str, str]]]:
    """``process_chunk`` for articles already read (an update's changed articles), with
    the tables packed as Parquet bytes (``store.packed``): an update holds every changed
    article's rows until it writes the new build, 48 KB an article in Arrow, about 3 packed."""
    rows = _rows_of(sources, ctx or _worker_context())
    tables = {name: store.packed(schema.to_table(name, r)) for name, r in rows.items() if name not in CORPUS_LEVEL_TABLES}
    return tables, {name: rows[name] for name in CORPUS_LEVEL_TABLES}, []


def build_workers(n_articles: int) -> int:
    """Processes for ``n_articles``: one per core, but one alone below two chunks (starting
    workers, each loading the dictionaries, costs more than it saves)."""
    return 1 if n_articles < 2 * CHUNK_ARTICLES else min(os.cpu_count() or 1, -(-n_articles // CHUNK_ARTICLES))


def local_chunks(chunks: list, workers: int, task=None):
    """Chunk results in order (``task``: ``process_chunk``, the default, for lists of files,
    ``process_sources`` for lists of articles read), in this process or a pool of processes."""
    task = task or process_chunk
    if workers <= 1:
        yield from map(task, chunks)
        return
    import multiprocessing

    # spawn, not fork: the caller may be a threaded server (the Add page rebuilds the store).
    with _no_main_script():
        pool = multiprocessing.get_context("spawn").Pool(workers)
    # By its import name: run as `python -m lib.pipeline`, this module is __main__, which
    # the workers do not load, so this module's own functions could not be unpickled there.
    task = getattr(importlib.import_module("lib.pipeline"), task.__name__)
    with pool:
        yield from pool.imap(task, chunks)


@contextmanager
def _no_main_script():
    """Start processes that do not run the caller's ``__main__`` script first.

    A spawned process re-imports its parent's main module before its first task
    (multiprocessing's "safe importing of main module"). In the Streamlit server
    that module is the app's script (Streamlit installs it as ``__main__``): each
    build worker ran the whole app, whose loaders waited for the store lock this
    build holds, and the build never finished (a stale 10,000-article store, or an
    upload that rebuilt one, hung for good). The workers need nothing from
    ``__main__``, so while they start it is an empty module.
    """
    real = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = real


def build(corpus_dir: Path = CORPUS_DIR, store_dir: Path = STORE_DIR, strict: bool = False, force: bool = False, log=print,
          hold_lock: bool = True, workers: int | None = None, engine: str = "local", scheduler: str | None = None) -> dict:
    """Build the store if it is stale. Returns a report of what was done.

    Articles are processed in chunks, by ``workers`` processes (default: one
    per core for large corpora) or on Dask (``engine="dask"``, a LocalCluster
    or the scheduler at ``scheduler``); each chunk's rows go to disk at once,
    so memory stays bounded by the chunk, not the corpus. Holds the store's
    writer lock (lib/store.py) unless the caller already does.
    """
    corpus_dir, store_dir = Path(corpus_dir), Path(store_dir)
    if hold_lock:
        with store.lock(store_dir, timeout=600):
            return build(corpus_dir, store_dir, strict, force, log, False, workers, engine, scheduler)
    files, rules = corpus_files(corpus_dir), rules_hash()
    digest = input_hash(corpus_dir, files, rules)
    manifest = store.read_manifest(store_dir)
    if not force and manifest and built_from(manifest, digest):
        log(f"store is up to date ({manifest['counts']['articles']} articles, built {manifest['built_at']})")
        return {"built": False, **manifest}
    from lib import update  # (here: lib.update imports this module)

    if not force and manifest and engine == "local":
        updated = update.bring_up_to_date(corpus_dir, store_dir, manifest, files, rules, strict=strict, log=log)
        if updated is not None:
            return updated
    t0 = time.perf_counter()
    paths = [str(p) for p in article_files(corpus_dir)]
    chunks = [paths[i : i + CHUNK_ARTICLES] for i in range(0, len(paths), CHUNK_ARTICLES)]
    if workers is None:
        workers = build_workers(len(paths))
    level_parts: dict[str, list[pa.Table]] = {name: [] for name in CORPUS_LEVEL_TABLES}
    skipped: list[tuple[str, str]] = []
    with store.BuildWriter(store_dir) as writer:
        if engine == "dask":
            from lib.dask_engine import run_chunks

            for rows, bad, streamed in run_chunks(chunks, writer, scheduler=scheduler):
                skipped.extend(bad)
                for name in CORPUS_LEVEL_TABLES:
                    level_parts[name].append(schema.to_table(name, rows[name]))
                for name, n in streamed.items():
                    writer.rows[name] = writer.rows.get(name, 0) + n
        else:
            for i, (tables, bad) in enumerate(local_chunks(chunks, workers)):
                skipped.extend(bad)
                for name in CORPUS_LEVEL_TABLES:
                    level_parts[name].append(tables.pop(name))
                writer.append(tables, part=i * CHUNK_ARTICLES // store.PART_ARTICLES)
        for _, reason in skipped:
            log(f"skipped {reason}")
        if skipped and strict:
            raise BuildFailed(f"{len(skipped)} bad corpus file(s); not building (--strict)")
        writer.append(finalize({name: pa.concat_tables(level_parts.pop(name) or [schema.to_table(name, [])]) for name in CORPUS_LEVEL_TABLES},
                               load_context()))
        if engine != "dask":
            # every table exists, even empty
            writer.append({name: schema.to_table(name, []) for name in schema.SCHEMAS if not writer.has(name)})
        seconds = time.perf_counter() - t0
        manifest = {
            "input_hash": digest,
            "rules_hash": rules,
            "corpus_dir": str(corpus_dir),
            "counts": {name: writer.rows.get(name, 0) for name in schema.SCHEMAS},
            "skipped": [{"file": f, "reason": r} for f, r in skipped],
            "build_seconds": round(seconds, 3),
            "built_on": date.today().isoformat(),
            "engine": engine,
            "workers": workers if engine == "local" else None,
        }
        final = writer.commit(manifest, {CORPUS_FILES: json.dumps(update.kept_listing(corpus_dir, files)).encode()})
    log(f"built {len(paths) - len(skipped)} articles in {seconds:.2f}s ({engine} engine) -> {final}")
    return {"built": True, **manifest}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lib.pipeline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the processed store if stale")
    b.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    b.add_argument("--out", type=Path, default=STORE_DIR)
    b.add_argument("--strict", action="store_true", help="fail if any corpus file is bad")
    b.add_argument("--force", action="store_true", help="rebuild even if up to date")
    b.add_argument("--workers", type=int, default=None, help="processes for the local engine (default: one per core for large corpora)")
    b.add_argument("--engine", choices=("local", "dask"), default="local", help="where per-article work runs (default: local)")
    b.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster on this machine)")
    b.add_argument("--nice", type=int, default=0, help="lower the build's priority by this much (its workers inherit it)")
    b.add_argument("--if-missing", action="store_true",
                   help="build only if the store has no build yet (the app rebuilds a stale one in the background)")
    s = sub.add_parser("status", help="say whether the store is up to date")
    s.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    s.add_argument("--out", type=Path, default=STORE_DIR)
    args = ap.parse_args(argv)
    if args.command == "status":
        stale = is_stale(args.corpus, args.out)
        print("stale" if stale else "up to date")
        return 1 if stale else 0
    if args.if_missing and store.current_build(args.out) is not None:
        state = "stale: the app rebuilds it in the background" if is_stale(args.corpus, args.out) else "up to date"
        print(f"store exists ({state})")
        return 0
    if args.nice:  # after the status command returned: only build has it
        os.nice(args.nice)
    try:
        build(args.corpus, args.out, strict=args.strict, force=args.force, workers=args.workers, engine=args.engine, scheduler=args.scheduler)
    except BuildFailed as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
