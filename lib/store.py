"""The processed store: a directory of Parquet tables behind an atomic pointer.

Layout::

    data/processed/CURRENT          name of the live build directory
    data/processed/build-<hash>-<t>/manifest.json, articles/part-000000.parquet, ...

Each table is a directory of part files. A local build puts the rows of each
``PART_ARTICLES`` articles, in corpus order, in one part of every per-article
table (part k of ``mentions`` holds rows of the articles in part k of
``articles`` only), so a new build that changes a few articles rewrites the
parts they are in and hard-links the others (``write_parts``): at 100,000
articles re-encoding every table took 12 of the 14 s an update of one article
took. Builds made before hold one file per table (``<table>.parquet``), Dask
builds a Hive-partitioned directory; both are read as before.

A build is written to a temporary directory, renamed into place, and only then
is CURRENT replaced (os.replace is atomic), so a reader sees the old build or
the new one, never half of one. Older builds are pruned, keeping one spare for
readers that opened it a moment ago.

Writers (a build, an ingest commit) hold ``lock(store_dir)``, an exclusive
``flock`` on ``<store>/.lock``, so two of them never interleave.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lib.paths import STORE_DIR

SCHEMA_VERSION = 1
KEEP_BUILDS = 2
LOCK_FILE = ".lock"


class StoreLocked(TimeoutError):
    """Another writer held the store for longer than we were willing to wait."""


@contextmanager
def lock(store_dir: Path | None = None, timeout: float = 60.0):
    """Hold the store's writer lock. The lock is tied to the open file, so it
    is released when the holder exits, even if it crashes. Not re-entrant:
    a holder must not take it again (a second flock in the same process waits
    for the first)."""
    store = Path(store_dir or STORE_DIR)
    store.mkdir(parents=True, exist_ok=True)
    fd = os.open(store / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLocked(f"the store in {store} is busy (another build or commit held it for {timeout:g} s); try again") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


def current_build(store_dir: Path | None = None) -> Path | None:
    store = Path(store_dir or STORE_DIR)
    pointer = store / "CURRENT"
    if not pointer.exists():
        return None
    build = store / pointer.read_text().strip()
    return build if (build / "manifest.json").exists() else None


def current_build_name(store_dir: Path | None = None) -> str:
    """The name of the build being served; a store with none is an error that says what to do."""
    build = current_build(store_dir)
    if build is None:
        raise FileNotFoundError(f"no processed store in {Path(store_dir or STORE_DIR)}: build it with `python -m lib.pipeline build`")
    return build.name


def read_manifest(store_dir: Path | None = None) -> dict | None:
    build = current_build(store_dir)
    if build is None:
        return None
    return json.loads((build / "manifest.json").read_text())


PARTITION_COLUMNS = ("part_month", "part_outlet")
# Articles per part of a local build: at 100,000 articles, 20 files a table, each about
# 0.6 s to rewrite; DuckDB reads 20 files a table as quickly as one.
PART_ARTICLES = 5_000


PART_RE = re.compile(r"part-(\d+)\.parquet")


def part_name(part: int) -> str:
    return f"part-{part:06d}.parquet"


def part_files(build: Path, name: str) -> dict[int, Path] | None:
    """Part number -> file of one table of ``build`` in the parts layout; None when the
    table is one file (builds made before the layout) or Hive-partitioned (Dask builds)."""
    folder = Path(build) / name
    if (Path(build) / f"{name}.parquet").exists() or not folder.is_dir() or _hive(folder):
        return None
    return {int(m[1]): e for e in sorted(folder.iterdir()) if (m := PART_RE.fullmatch(e.name))}


def _hive(path: Path) -> bool:
    return path.is_dir() and any(e.is_dir() for e in path.iterdir())


def table_path(name: str, store_dir: Path | None = None) -> Path:
    """The directory of a table's parts ``<name>/part-NNNNNN.parquet`` (local builds), of a
    partitioned table ``<name>/part_month=YYYY-MM/part_outlet=X/*.parquet`` (Dask builds),
    or ``<name>.parquet`` (local builds made before parts)."""
    return table_in_build(_served_build(store_dir), name)


def _served_build(store_dir: Path | None) -> Path:
    build = current_build(store_dir)
    if build is None:
        raise FileNotFoundError(f"no processed store in {store_dir or STORE_DIR}; run `python -m lib.pipeline build`")
    return build


def table_in_build(build: Path, name: str) -> Path:
    single = Path(build) / f"{name}.parquet"
    return single if single.exists() or not (Path(build) / name).is_dir() else Path(build) / name


def read_arrow(name: str, store_dir: Path | None = None, columns=None, build: Path | None = None, where=None) -> pa.Table:
    """One table as Arrow, whichever layout it was written in (of the current
    build, or of ``build`` when given); ``where``, a pyarrow expression, keeps the
    rows it is true of as the file is read (the rest are never held in memory)."""
    path = table_in_build(build, name) if build is not None else table_path(name, store_dir)
    if path.is_dir():
        import pyarrow.dataset as ds

        data = ds.dataset(path, format="parquet", partitioning="hive")
        keep = columns or [c for c in data.schema.names if c not in PARTITION_COLUMNS]
        return data.to_table(columns=list(keep), filter=where)
    return pq.read_table(path, columns=columns, filters=where)


def _dataset(build: Path, name: str):
    """One table of ``build`` as a pyarrow dataset, whichever layout it was written in."""
    import pyarrow.dataset as ds

    path = table_in_build(build, name)
    return ds.dataset(path, format="parquet", partitioning="hive" if path.is_dir() else None)


def read_batches(name: str, columns: list[str], build: Path, drop=frozenset()):
    """One table of ``build``, record batch by record batch (a table too large to hold at once),
    less the rows of the articles in ``drop`` (left out by the scanner, as it reads)."""
    return _dataset(build, name).to_batches(columns=columns, filter=_without(drop))


def _without(drop) -> object | None:
    """A scanner filter leaving out the rows of the articles in ``drop`` (a row with no article is kept)."""
    if not drop:
        return None
    import pyarrow.dataset as ds

    return ~ds.field("article_id").isin(pa.array(sorted(drop), pa.string()))


def table_schema(name: str, build: Path) -> pa.Schema:
    """The schema of one table of ``build``, read from its files' footers (no rows)."""
    return pa.schema([f for f in _dataset(build, name).schema if f.name not in PARTITION_COLUMNS])


def read_table(name: str, store_dir: Path | None = None, columns=None, build: Path | None = None):
    """One table (of the current build, or of ``build``) as a pandas DataFrame."""
    return read_arrow(name, store_dir, columns, build=build).to_pandas()


def duckdb_source(name: str, build: Path) -> str:
    """A DuckDB table expression reading one table of ``build``, with partition columns left out."""
    path = table_in_build(build, name)
    if path.is_dir() and not _hive(path):
        return f"read_parquet('{path.as_posix()}/*.parquet')"
    if path.is_dir():
        return (f"(SELECT * EXCLUDE ({', '.join(PARTITION_COLUMNS)}) FROM "
                f"read_parquet('{path.as_posix()}/**/*.parquet', hive_partitioning = true, union_by_name = true))")
    return f"read_parquet('{path.as_posix()}')"


def duckdb_rows_source(name: str, build: Path) -> str:
    """Like ``duckdb_source``, with ``row_order``: each row's place in the store, so a
    query that joins (DuckDB then may reorder rows) can give them back in the store's order."""
    path = table_in_build(build, name)
    if path.is_dir() and not _hive(path):
        # parts are read in name order (file_index), so the order is an integer, as for one file
        return (f"(SELECT * EXCLUDE (file_row_number), file_index * {1 << 40} + file_row_number AS row_order "
                f"FROM read_parquet('{path.as_posix()}/*.parquet', file_row_number = true))")
    if path.is_dir():
        return (f"(SELECT * EXCLUDE ({', '.join(PARTITION_COLUMNS)}, filename, file_row_number), (filename, file_row_number) AS row_order FROM "
                f"read_parquet('{path.as_posix()}/**/*.parquet', hive_partitioning = true, union_by_name = true, filename = true, file_row_number = true))")
    return f"(SELECT * EXCLUDE (file_row_number), file_row_number AS row_order FROM read_parquet('{path.as_posix()}', file_row_number = true))"


def duckdb_connection(store_dir: Path | None = None, build: Path | None = None):
    """A DuckDB connection with a view per table of the current build, or of ``build``
    (``mentions``, ``labels``...), and ``<table>_rows`` views that also give each row's ``row_order``."""
    import duckdb

    from lib.schema import SCHEMAS

    build = build if build is not None else _served_build(store_dir)
    con = duckdb.connect()
    for name in SCHEMAS:
        if table_in_build(build, name).exists():
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM {duckdb_source(name, build)}")
            con.execute(f"CREATE VIEW {name}_rows AS SELECT * FROM {duckdb_rows_source(name, build)}")
    return con


def run_query(con, sql: str, params=(), frames: dict | None = None, arrow: bool = False):
    """``sql`` on a fresh cursor of ``con`` (cursors are safe across threads), with
    ``frames`` (name -> DataFrame) registered as tables; the result as pandas. With
    ``arrow``, converted through Arrow as ``read_table`` converts a table (dates stay
    ``datetime.date``, integer columns with nulls become floats), so rows read by a
    query look exactly like rows of the table read whole."""
    cur = con.cursor()
    for name, frame in (frames or {}).items():
        cur.register(name, frame)
    if arrow:
        return cur.sql(sql, params=list(params)).to_arrow_table().to_pandas()
    return cur.execute(sql, list(params)).df()


def run_query_arrow(con, sql: str, params=(), frames: dict | None = None):
    """``run_query``'s result as an Arrow table (compact: strings stay in Arrow buffers)."""
    cur = con.cursor()
    for name, frame in (frames or {}).items():
        cur.register(name, frame)
    return cur.sql(sql, params=list(params)).to_arrow_table()


class BuildWriter:
    """Writes a build table by table, chunk by chunk, into a temporary
    directory; ``commit`` publishes it atomically, leaving the store untouched
    until then (and untouched for good if the build fails)."""

    def __init__(self, store_dir: Path | None = None):
        self.store = Path(store_dir or STORE_DIR)
        self.store.mkdir(parents=True, exist_ok=True)
        self.tmp = self.store / f".tmp-{uuid.uuid4().hex}"
        self.tmp.mkdir()
        self._writers: dict[tuple[str, int], pq.ParquetWriter] = {}  # (table, part) -> its open writer
        self.rows: dict[str, int] = {}
        self._done = False

    def append(self, tables: dict[str, pa.Table], part: int = 0) -> None:
        """Write ``tables`` (name -> rows) at the end of part ``part`` of each."""
        for name, table in tables.items():
            if (name, part) not in self._writers:
                (self.tmp / name).mkdir(exist_ok=True)
                if (self.tmp / name / part_name(part)).exists():
                    # a linked part shares its file with an earlier build: writing it would change that
                    # build; a closed one is done
                    raise RuntimeError(f"part {part} of {name} is already written")
                # parts are written in order: the earlier ones are done, and an open writer holds its
                # parts' metadata in memory (a table's 21 parts at 100,000 articles)
                for done in [key for key in self._writers if key[0] == name and key[1] < part]:
                    self._writers.pop(done).close()
                self._writers[name, part] = pq.ParquetWriter(self.tmp / name / part_name(part), table.schema, compression="zstd")
            if table.num_rows:
                self._writers[name, part].write_table(table)
            self.rows[name] = self.rows.get(name, 0) + table.num_rows

    def link(self, name: str, part: int, source: Path) -> None:
        """Make ``source``, a part of an earlier build, part ``part`` of table ``name``
        (hard-linked: parts are never changed once written; copied where links fail)."""
        (self.tmp / name).mkdir(exist_ok=True)
        target = self.tmp / name / part_name(part)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        self.rows[name] = self.rows.get(name, 0) + pq.ParquetFile(target).metadata.num_rows

    def has(self, name: str) -> bool:
        return name in self.rows

    def partition_dir(self, name: str) -> Path:
        """Where a partitioned writer (the Dask engine's workers) puts a table."""
        return self.tmp / name

    def commit(self, manifest: dict, files: dict[str, bytes] | None = None) -> Path:
        """Publish the build; ``files``: other files it carries (name -> contents)."""
        for w in self._writers.values():
            w.close()
        self._writers.clear()
        for name, data in (files or {}).items():
            (self.tmp / name).write_bytes(data)
        manifest = {**manifest, "schema_version": SCHEMA_VERSION, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (self.tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        final = self.store / f"build-{manifest['input_hash'][:12]}-{time.time_ns()}"
        os.rename(self.tmp, final)
        self._done = True
        pointer_tmp = self.store / f".CURRENT-{uuid.uuid4().hex}"
        pointer_tmp.write_text(final.name)
        os.replace(pointer_tmp, self.store / "CURRENT")
        _prune(self.store, final)
        return final

    def abort(self) -> None:
        for w in self._writers.values():
            try:
                w.close()
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)
        self._done = True

    def __enter__(self) -> "BuildWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._done:
            self.abort()


def write_store(tables: dict[str, pa.Table], manifest: dict, store_dir: Path | None = None) -> Path:
    """Publish a whole build at once."""
    with BuildWriter(store_dir) as writer:
        writer.append(tables)
        return writer.commit(manifest)


def without_articles(table: pa.Table, drop) -> pa.Table:
    """``table`` less the rows of the articles in ``drop`` (every table has ``article_id``)."""
    if not drop:
        return table
    return table.filter(pc.invert(pc.is_in(table["article_id"], value_set=pa.array(sorted(drop), pa.string()))))


def packed(table: pa.Table) -> pa.Buffer:
    """``table`` as zstd Parquet bytes: how an update holds new rows until it writes them
    (``write_parts`` takes these as it takes Arrow tables)."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _rows_in(piece: pa.Table | pa.Buffer) -> int:
    return piece.num_rows if isinstance(piece, pa.Table) else pq.ParquetFile(pa.BufferReader(piece)).metadata.num_rows


def _append_piece(writer: "BuildWriter", name: str, piece: pa.Table | pa.Buffer, part: int) -> None:
    if isinstance(piece, pa.Table):
        writer.append({name: piece}, part=part)
        return
    file = pq.ParquetFile(pa.BufferReader(piece))
    if not file.metadata.num_rows:  # the table exists all the same, as an empty Arrow table makes it
        writer.append({name: file.schema_arrow.empty_table()}, part=part)
    for batch in file.iter_batches():
        writer.append({name: pa.Table.from_batches([batch])}, part=part)


@dataclass(frozen=True)
class StoredTable:
    """A table of an existing build, to be copied into a new one batch by batch,
    without the rows of the articles in ``drop``."""
    build: Path
    name: str
    drop: frozenset[str] = frozenset()


def write_parts(parts: dict[str, list], manifest: dict, store_dir: Path | None = None, files: dict[str, bytes] | None = None, *,
                whole: Iterable[str]) -> Path:
    """Publish a build whose tables are each a sequence of pieces: ``StoredTable``s of an
    earlier build (first), then new rows (Arrow tables, or ``packed`` ones). The manifest's
    row counts are filled in.

    A stored table in the parts layout keeps its parts: those holding none of the dropped
    articles' rows are linked, not copied, and the others are rewritten without those rows.
    New rows join the last part while it holds fewer than ``PART_ARTICLES`` articles, then
    start the next one, the same part in every table: the new pieces of every per-article
    table are taken to be aligned, the k-th of each holding the rows of the articles in the
    k-th new piece of ``articles`` (as an update's chunks are). Tables named in ``whole`` (the
    corpus-level ones, whose rows are not kept by article part) and stored tables in
    another layout are streamed batch by batch into part 0 (an added article then costs
    its own rows, not a copy of the whole store in memory)."""
    whole = frozenset(whole)
    new_articles = [_rows_in(p) for p in parts.get("articles", []) if not isinstance(p, StoredTable)]  # per new piece
    with BuildWriter(store_dir) as writer:
        plans: dict[tuple[Path, frozenset[str]], _PartPlan | None] = {}
        for name, pieces in parts.items():
            stored = [p for p in pieces if isinstance(p, StoredTable)]
            new = [p for p in pieces if not isinstance(p, StoredTable)]
            own = part_files(stored[0].build, name) if len(stored) == 1 else None
            if own is not None:
                if not stored[0].drop and not any(map(_rows_in, new)):  # unchanged: every part linked
                    for part, path in own.items():
                        writer.link(name, part, path)
                    continue
                key = (stored[0].build, stored[0].drop)
                if key not in plans:
                    plans[key] = _PartPlan.of(*key)
                plan = plans[key]
                if name not in whole and plan is not None and own.keys() <= plan.counts.keys():
                    _write_by_part(writer, stored[0], own, plan, new, new_articles)
                    continue
            for piece in pieces:
                if isinstance(piece, StoredTable):
                    _stream(writer, piece, 0)
                else:
                    _append_piece(writer, name, piece, 0)
        return writer.commit({**manifest, "counts": dict(writer.rows)}, files)


@dataclass(frozen=True)
class _PartPlan:
    """Which parts of a build an update rewrites: ``touched``, those holding any of the
    dropped articles, and ``tail``, the part new rows join (the last, unless it is full).
    Read from the build's ``articles`` parts: every per-article table's part k holds
    rows of the articles of that part only."""
    counts: dict[int, int]  # part -> its articles
    touched: frozenset[int]

    @classmethod
    def of(cls, build: Path, drop: frozenset[str]) -> "_PartPlan | None":
        articles = part_files(build, "articles")
        if not articles:
            return None
        wanted = pa.array(sorted(drop), pa.string())
        touched = frozenset(k for k, p in articles.items()
                            if drop and pc.any(pc.is_in(pq.read_table(p, columns=["article_id"])["article_id"], value_set=wanted)).as_py())
        return cls({k: pq.ParquetFile(p).metadata.num_rows for k, p in articles.items()}, touched)

    @property
    def tail(self) -> int:
        last = max(self.counts)
        return last if self.counts[last] < PART_ARTICLES else last + 1

    def new_parts(self, articles: list[int]) -> list[int]:
        """The part each new piece goes to, given its articles: the tail part until it holds
        ``PART_ARTICLES``, then the next (a piece is not split: a part may hold a few more)."""
        part, held, out = self.tail, self.counts.get(self.tail, 0), []
        for n in articles:
            if held >= PART_ARTICLES:
                part, held = part + 1, 0
            out.append(part)
            held += n
        return out


def _write_by_part(writer: BuildWriter, stored: StoredTable, own: dict[int, Path], plan: _PartPlan, new: list,
                   new_articles: list[int]) -> None:
    """``new_articles``: the articles in each new piece of ``articles``, aligned with ``new``
    (or, when they are not, every new piece joins the tail part)."""
    targets = plan.new_parts(new_articles) if len(new_articles) == len(new) else [plan.tail] * len(new)
    rows = [_rows_in(p) for p in new]
    grown = {part for part, n in zip(targets, rows) if n}
    for part, path in own.items():
        if part in plan.touched or part in grown:
            _stream(writer, stored, part, path)
        else:
            writer.link(stored.name, part, path)
    for piece, part, n in zip(new, targets, rows):
        if n:
            _append_piece(writer, stored.name, piece, part)


def _stream(writer: BuildWriter, piece: StoredTable, part: int, path: Path | None = None) -> None:
    """Copy a stored table (or one part of it, ``path``) batch by batch, less the dropped articles' rows."""
    columns = [f.name for f in table_schema(piece.name, piece.build)]
    if path is None:
        batches = read_batches(piece.name, columns, piece.build, piece.drop)
    else:
        import pyarrow.dataset as ds

        batches = ds.dataset(path, format="parquet").to_batches(columns=columns, filter=_without(piece.drop))
    any_batch = False
    for batch in batches:
        writer.append({piece.name: pa.Table.from_batches([batch])}, part=part)
        any_batch = True
    if not any_batch:  # the part (or table) is empty, or every row was dropped: it exists all the same
        writer.append({piece.name: table_schema(piece.name, piece.build).empty_table()}, part=part)


def _prune(store: Path, keep: Path) -> None:
    builds = sorted((p for p in store.glob("build-*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    spare = [p for p in builds if p != keep][: KEEP_BUILDS - 1]
    for p in builds:
        if p != keep and p not in spare:
            shutil.rmtree(p, ignore_errors=True)
    for p in store.glob(".tmp-*"):
        # Left by a crashed build; an hour is far longer than any build takes.
        if time.time() - p.stat().st_mtime > 3600:
            shutil.rmtree(p, ignore_errors=True)
