"""The processed store: a directory of Parquet tables behind an atomic pointer.

Layout::

    data/processed/CURRENT          name of the live build directory
    data/processed/build-<hash>-<t>/manifest.json, articles.parquet, ...

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
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from lib.paths import STORE_DIR

SCHEMA_VERSION = 1
TABLES = ("articles", "sentences", "mentions", "candidates", "figures", "relations", "quotes", "labels", "events")
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


def read_manifest(store_dir: Path | None = None) -> dict | None:
    build = current_build(store_dir)
    if build is None:
        return None
    return json.loads((build / "manifest.json").read_text())


def table_path(name: str, store_dir: Path | None = None) -> Path:
    build = current_build(store_dir)
    if build is None:
        raise FileNotFoundError(f"no processed store in {store_dir or STORE_DIR}; run `python -m lib.pipeline build`")
    return build / f"{name}.parquet"


def read_table(name: str, store_dir: Path | None = None, columns=None):
    """One table as a pandas DataFrame."""
    return pq.read_table(table_path(name, store_dir), columns=columns).to_pandas()


def write_store(tables: dict[str, pa.Table], manifest: dict, store_dir: Path | None = None) -> Path:
    store = Path(store_dir or STORE_DIR)
    store.mkdir(parents=True, exist_ok=True)
    tmp = store / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        for name, table in tables.items():
            pq.write_table(table, tmp / f"{name}.parquet", compression="zstd")
        manifest = {**manifest, "schema_version": SCHEMA_VERSION, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
        final = store / f"build-{manifest['input_hash'][:12]}-{time.time_ns()}"
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer_tmp = store / f".CURRENT-{uuid.uuid4().hex}"
    pointer_tmp.write_text(final.name)
    os.replace(pointer_tmp, store / "CURRENT")
    _prune(store, final)
    return final


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
