"""The pipeline's per-article work on Dask.

    python -m lib.pipeline build --engine dask [--scheduler tcp://host:8786]

Each task processes a chunk of article files and writes its rows straight
into the build directory as Parquet partitioned by month and outlet
(``<table>/part_month=2024-11/part_outlet=shafaq_news/part-<chunk>-0.parquet``),
so the driver never holds the corpus. Corpus-level tables (figures, events)
come back to the driver, which runs ``finalize`` on them as the local engine
does. With ``--scheduler`` the workers must see the same filesystem as the
driver (in production, object storage mounted or addressed by URL).
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from lib import schema

PARTITIONING = ds.partitioning(pa.schema([("part_month", pa.string()), ("part_outlet", pa.string())]), flavor="hive")


def _partition_keys(articles: list[dict]) -> dict[str, tuple[str, str]]:
    keys = {}
    for a in articles:
        month = a["published"].strftime("%Y-%m") if a.get("published") else "unknown"
        keys[a["article_id"]] = (month, a.get("outlet_id") or "unknown")
    return keys


def process_chunk_to_partitions(paths: list[str], chunk_id: int, out_dir: str, skip_tables: tuple[str, ...]):
    """Dask task: process files, write partitioned tables, return what the driver needs."""
    from lib.pipeline import process_files

    rows, skipped = process_files(paths)
    keys = _partition_keys(rows["articles"])
    written = {}
    for name, table_rows in rows.items():
        if name in skip_tables or not table_rows:
            continue
        table = schema.to_table(name, table_rows)
        ids = table["article_id"].to_pylist()
        table = table.append_column("part_month", pa.array([keys.get(i, ("unknown", ""))[0] for i in ids], pa.string()))
        table = table.append_column("part_outlet", pa.array([keys.get(i, ("", "unknown"))[1] for i in ids], pa.string()))
        ds.write_dataset(
            table, Path(out_dir) / name, format="parquet", partitioning=PARTITIONING,
            basename_template=f"part-{chunk_id:06d}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore",
        )
        written[name] = len(table_rows)
    return {name: rows[name] for name in skip_tables}, skipped, written


def run_chunks(chunks: list[list[str]], writer, scheduler: str | None = None):
    """Yield ``(corpus-level rows, skipped, rows written per table)`` per chunk."""
    from dask.distributed import Client, LocalCluster, as_completed

    from lib.pipeline import CORPUS_LEVEL_TABLES

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = [
            client.submit(process_chunk_to_partitions, chunk, i, str(writer.tmp), CORPUS_LEVEL_TABLES, pure=False)
            for i, chunk in enumerate(chunks)
        ]
        seen: set[str] = set()
        for future in as_completed(futures):
            corpus_level, skipped, written = future.result()
            seen.update(written)
            yield corpus_level, skipped, written
        # Tables no chunk wrote (no rows at all) still exist, empty.
        missing = [n for n in schema.SCHEMAS if n not in seen and n not in CORPUS_LEVEL_TABLES]
        writer.append({n: schema.to_table(n, []) for n in missing})
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
