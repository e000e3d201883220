"""Changing a build by articles added and removed, rather than building it again.

Two callers:

- ``lib.ingest`` commits articles added or removed through the app or its CLI
  (``tables_with`` and ``publish``);
- ``pipeline.build`` brings a stale store up to date when only corpus files
  changed (``bring_up_to_date``): files copied into the corpus directory, edited
  or deleted by hand. The code and dictionaries it was built with (the build's
  ``rules_hash``) are those of now, so every other article's rows are what a
  build would make of them again; only the changed files' articles are read and
  processed, the other rows are streamed from the current build, and the
  corpus-level steps (``pipeline.finalize``'s event linking) are redone on the
  stored events. At 100,000 articles a full rebuild for one touched file took
  about 7 minutes.

Each build carries ``pipeline.CORPUS_FILES``, the size and modification time of
every corpus file it was built from, which says which files changed since.
Rows of an updated article come after the others, as after an ``ingest`` commit.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa

from lib import acled, events, paths, pipeline, schema, store
from lib.corpus import ARTICLE_SUFFIXES, ArticleSource, BadArticle, content_hash, read_articles, read_text

SIDECAR_SUFFIX = ".meta.yaml"
# Past this share of the corpus, the parallel full build is quicker than processing
# the changed articles one by one in this process.
MAX_CHANGED_SHARE = 0.2


def tables_with(add: list[ArticleSource], drop: Iterable[str], changed_files: Iterable[Path], corpus_dir: Path,
                store_dir: Path) -> tuple[dict[str, list] | None, str | None]:
    """The current tables with articles added and dropped, each as parts for
    ``store.write_parts``, or (None, why) when they cannot be computed from the stored rows
    (the full rebuild then does it). ``changed_files``: every file the change wrote.
    Every stored table is streamed into the new build, and only the events are read (to
    link the changed reports into the clusters they touch). At 100,000 articles reading
    every table and linking every report again took 9.5 GB and 40 s to add one article."""
    ctx = pipeline.load_context()
    build = store.current_build(store_dir)
    if build is None or any(not store.table_schema(name, build).equals(s) for name, s in schema.SCHEMAS.items()):
        return None, "the stored tables have an older schema"
    changed_files = [Path(f) for f in changed_files]
    drop = frozenset(drop)
    # Processed chunk by chunk, by the build's workers when there are many (up to a fifth of
    # the corpus), each chunk's rows packed as Parquet: 20,000 articles' rows held as dicts
    # would take about 4 GB. Only the corpus-level rows (figures, events) stay rows.
    packed: dict[str, list] = {name: [] for name in schema.SCHEMAS if name not in pipeline.CORPUS_LEVEL_TABLES}
    new: dict[str, list[dict]] = {name: [] for name in pipeline.CORPUS_LEVEL_TABLES}
    chunks = [add[i : i + pipeline.CHUNK_ARTICLES] for i in range(0, len(add), pipeline.CHUNK_ARTICLES)]
    workers = pipeline.build_workers(len(add))
    # in this process with this call's dictionaries (a server's process outlives their edits)
    chunked = pipeline.local_chunks(chunks, workers, pipeline.process_sources) if workers > 1 else (pipeline.process_sources(c, ctx) for c in chunks)
    for tables, rows, _ in chunked:
        for name, table in tables.items():
            packed[name].append(table)
        for name in pipeline.CORPUS_LEVEL_TABLES:
            new[name].extend(rows[name])
    try:
        if (add or drop) and all(f.parent != Path(paths.DATA_DIR) for f in changed_files):
            # Articles added, removed or changed, no dictionary changed: every table is streamed
            # less the dropped articles' rows, the new rows after it. Figures are per article
            # (the curated and ACLED rows stored are current: an ACLED import changes data/ and
            # takes the path below). The events the dropped reports were in are linked again
            # from their other reports, together with the clusters the new reports join.
            # Linking every report again, after an article was changed, took 37 s and 3 GB at
            # 100,000 articles.
            parts: dict[str, list] = {name: [store.StoredTable(build, name, drop), *packed[name]] for name in packed}
            parts["figures"] = [store.StoredTable(build, "figures", drop), schema.to_table("figures", new["figures"])]
            parts["events"] = [events.link_changed(store.read_arrow("events", build=build), new["events"], set(drop), ctx)]
            return parts, None
        if not add and not drop and set(changed_files) == {acled.events_path()}:
            # An ACLED import: only ACLED's own figures and events change. They sit beside the
            # article-derived rows, last in each table, never linked with them (pipeline.finalize),
            # so the stored rows stay as they are and ACLED's are put back new. Running the
            # corpus-level steps again took 31 s and 2.9 GB at 100,000 articles, for 12 events.
            parts = {name: [store.StoredTable(build, name)] for name in schema.SCHEMAS}
            kept_figures, kept_events = acled.without_acled(store.read_arrow("figures", build=build), store.read_arrow("events", build=build))
            parts["figures"] = [kept_figures, schema.to_table("figures", acled.figure_rows(ctx))]
            parts["events"] = [kept_events, schema.to_table("events", acled.event_rows(ctx))]
            return parts, None
        # Any other change (ACLED events kept outside data/, articles changed with a file
        # in data/): the corpus-level steps run again on the stored figures
        # and events, the only tables they read; the others are streamed.
        # Reading every table for it took about as much memory as adding an article once
        # did (15 GB at 100,000 articles).
        level = pipeline.finalize({name: pa.concat_tables([store.without_articles(store.read_arrow(name, build=build), drop), schema.to_table(name, new[name])])
                                   for name in pipeline.CORPUS_LEVEL_TABLES}, ctx)
        parts = {name: [store.StoredTable(build, name, drop), *packed[name]] for name in packed}
        parts.update({name: [level[name]] for name in pipeline.CORPUS_LEVEL_TABLES})
        return parts, None
    except Exception as err:  # noqa: BLE001 - a corpus-level step that needs more than the stored rows
        return None, f"the corpus-level steps could not run on the stored tables: {type(err).__name__}: {err}"


def publish(parts: dict[str, list], base_manifest: dict, update: dict, corpus_dir: Path, store_dir: Path, seconds: float,
            skipped: list[dict] | None = None, files: dict[str, list[int]] | None = None, rules: str | None = None,
            listed: dict[str, list] | None = None) -> Path:
    """Write the changed tables as a new build whose manifest matches the corpus as it is
    now, or as ``files`` lists it (so no full rebuild follows), and make it current.
    ``listed``: the current build's listing of the corpus, if the caller has read it."""
    files = pipeline.corpus_files(corpus_dir) if files is None else files
    rules = rules or pipeline.rules_hash()
    if listed is None:
        last = store.current_build(store_dir)
        listed = json.loads((last / pipeline.CORPUS_FILES).read_text()) if last and (last / pipeline.CORPUS_FILES).exists() else None
    manifest = {k: v for k, v in base_manifest.items() if k not in ("built_at", "schema_version")}
    manifest.update(
        input_hash=pipeline.input_hash(corpus_dir, files, rules),
        rules_hash=rules,
        corpus_dir=str(corpus_dir),
        build_seconds=round(seconds, 3),
        built_on=date.today().isoformat(),
        update={"base_build": store.current_build_name(store_dir), **update},
    )
    if skipped is not None:
        manifest["skipped"] = skipped
    return store.write_parts(parts, manifest, store_dir, {pipeline.CORPUS_FILES: json.dumps(kept_listing(corpus_dir, files, listed)).encode()}, whole=pipeline.CORPUS_LEVEL_TABLES)


def kept_listing(corpus_dir: Path, files: dict[str, list[int]], before: dict[str, list] | None = None) -> dict[str, list]:
    """The listing a build keeps (``pipeline.CORPUS_FILES``) of the corpus directory's
    ``files`` (name -> [size, mtime]): a sidecar also has the sha256 of its bytes, so one
    touched with its content unchanged is known (``touched_only``); an article's text is
    known by the ``content_hash`` its row keeps. ``before``: the last build's listing,
    whose hashes are kept for the sidecars not changed since."""
    out: dict[str, list] = {}
    for name, entry in files.items():
        if name.endswith(SIDECAR_SUFFIX):
            old = (before or {}).get(name)
            out[name] = [*entry, old[2] if old is not None and len(old) == 3 and old[:2] == entry else _file_hash(corpus_dir / name)]
        else:
            out[name] = entry
    return out


def _file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def changed_articles(before: dict[str, list], now: dict[str, list]) -> set[str]:
    """The ids (file stems) of the articles whose text or sidecar differ in size or time
    between two listings of the corpus directory (name -> [size, mtime, ...]): added,
    removed, changed or touched."""
    out = set()
    for name in before.keys() | now.keys():
        if (before.get(name) or [])[:2] == (now.get(name) or [])[:2]:
            continue
        if name.endswith(SIDECAR_SUFFIX):
            out.add(name[: -len(SIDECAR_SUFFIX)])
        elif Path(name).suffix in ARTICLE_SUFFIXES:
            out.add(Path(name).stem)
    return out


def touched_only(stems: set[str], before: dict[str, list], now: dict[str, list], corpus_dir: Path, hashes: dict[str, str]) -> set[str]:
    """The articles of ``stems`` whose files were only touched (copied in again, checked out
    again): the same text file, of the same size and with the text stored, and the sidecar
    as it was. Their rows would be made again the same, so they are kept. A corpus copied
    without its files' times changed every file: at 100,000 articles that was a full
    build of 6 minutes; reading the texts to compare takes seconds. ``hashes``: each stored
    article's ``content_hash``."""
    maybe = {}
    for stem in stems:
        names = [f"{stem}{suffix}" for suffix in ARTICLE_SUFFIXES if f"{stem}{suffix}" in now]
        if len(names) == 1 and names[0] in before and before[names[0]][0] == now[names[0]][0] and \
                _same_sidecar(stem + SIDECAR_SUFFIX, before, now, corpus_dir):
            maybe[stem] = names[0]
    out = set()
    for stem, name in maybe.items():
        if stem not in hashes:
            continue
        try:  # the text alone: its sidecar is known unchanged, and parsing it cost as much again
            text = read_text(corpus_dir / name)
        except (BadArticle, OSError):
            continue
        if content_hash(text) == hashes[stem]:
            out.add(stem)
    return out


def _same_sidecar(name: str, before: dict[str, list], now: dict[str, list], corpus_dir: Path) -> bool:
    old, new = before.get(name), now.get(name)
    if old is None or new is None:
        return old is None and new is None
    return old[:2] == new[:2] or (len(old) == 3 and old[0] == new[0] and old[2] is not None and _file_hash(corpus_dir / name) == old[2])


def bring_up_to_date(corpus_dir: Path, store_dir: Path, manifest: dict, files: dict[str, list[int]], rules: str,
                     strict: bool = False, log=print) -> dict | None:
    """Redo only the articles whose corpus files changed since the current build, or
    None (with the reason logged) when a full build is needed: the code, dictionaries or
    schema changed, the build does not list its corpus files, or too much changed.
    Holds no lock: the caller (``pipeline.build``) holds the store's."""
    t0 = time.perf_counter()
    build = store.current_build(store_dir)
    if build is None:
        return None
    listing = build / pipeline.CORPUS_FILES
    if manifest.get("schema_version") != store.SCHEMA_VERSION or manifest.get("rules_hash") != rules:
        log("the code, the dictionaries or the schema changed since the last build: building every article again")
        return None
    if not listing.exists():
        log("the last build does not list its corpus files: building every article again")
        return None
    before = json.loads(listing.read_text())
    stems = changed_articles(before, files)
    stored_articles = store.read_arrow("articles", columns=["article_id", "content_hash"], build=build)
    hashes = dict(zip(stored_articles["article_id"].to_pylist(), stored_articles["content_hash"].to_pylist()))
    touched = touched_only(stems, before, files, corpus_dir, hashes)
    if touched:
        log(f"{len(touched)} article file(s) touched with their text unchanged: kept as they are")
        stems -= touched
    n_articles = sum(1 for name in files if name.endswith(ARTICLE_SUFFIXES))
    if len(stems) > max(1, MAX_CHANGED_SHARE * n_articles):
        log(f"{len(stems)} of {n_articles} articles changed: building every article again")
        return None
    drop = stems & hashes.keys()
    changed_names = {f"{stem}{suffix}" for stem in stems for suffix in ARTICLE_SUFFIXES}
    texts = []
    for stem in sorted(stems):
        named = [corpus_dir / f"{stem}{suffix}" for suffix in ARTICLE_SUFFIXES if f"{stem}{suffix}" in files]
        if len(named) > 1:
            log(f"{' and '.join(p.name for p in named)} are one article id: building every article again")
            return None
        texts += named
    add, skipped = read_articles(texts)
    for _, reason in skipped:
        log(f"skipped {reason}")
    if skipped and strict:
        raise pipeline.BuildFailed(f"{len(skipped)} bad corpus file(s); not building (--strict)")
    if not add and not drop:  # only files that are no article changed (a README, a stray file)
        parts: dict[str, list] | None = {name: [store.StoredTable(build, name)] for name in schema.SCHEMAS}
        why = None
    else:
        parts, why = tables_with(add, drop, [corpus_dir / name for name in sorted(changed_names)], corpus_dir, store_dir)
    if parts is None:
        log(f"{why}: building every article again")
        return None
    kept = [s for s in manifest.get("skipped", []) if s.get("file") not in changed_names]
    new_ids = {s.article_id for s in add}
    added, changed, removed = sorted(new_ids - drop), sorted(new_ids & drop), sorted(drop - new_ids)
    info = {"kind": "corpus files changed", "touched": len(touched), "added": added, "changed": changed, "removed": removed}
    final = publish(parts, manifest, info, corpus_dir, store_dir, time.perf_counter() - t0,
                    kept + [{"file": f, "reason": r} for f, r in skipped], files, rules, before)
    seconds = time.perf_counter() - t0
    log(f"updated {len(added)} added, {len(changed)} changed and {len(removed)} removed article(s) in {seconds:.2f}s -> {final}")
    return {"built": True, **(store.read_manifest(store_dir) or {})}
