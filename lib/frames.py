"""Row access and membership tests that stay fast on large tables."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def records(df: pd.DataFrame) -> list[dict]:
    """Same as ``df.to_dict("records")`` (same values, same types), built column by
    column: pandas 3 boxes every Arrow string one at a time there, which took
    seconds on 20,000 event reports (about five times longer than this)."""
    cols = list(df.columns)
    return [dict(zip(cols, row)) for row in zip(*(df[c].tolist() for c in cols))]


def is_missing(v) -> bool:
    """None, NaN, NaT or pd.NA: what pandas 3 puts in a cell where a value is missing."""
    return v is None or (pd.api.types.is_scalar(v) and bool(pd.isna(v)))


def isin(values: pd.Series, allowed) -> pd.Series:
    """``values.isin(allowed)``, the same booleans. On a column of Arrow strings pandas 3
    makes a pyarrow scalar of every allowed value before its vectorised test, about 50 ms
    for a set of 20,000 article ids; here the strings go to pyarrow in one array."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return values.isin(allowed)
    column = pa.array(values.array)
    allowed = list(allowed)
    # As pandas does: strings and missing values take part, anything else matches nothing.
    value_set = [v for v in allowed if isinstance(v, str)] + ([None] if any(is_missing(v) for v in allowed if not isinstance(v, str)) else [])
    if not value_set:
        return pd.Series(np.zeros(len(values), dtype=bool), index=values.index, name=values.name)
    found = pc.is_in(column, value_set=pa.array(value_set, type=column.type))
    return pd.Series(np.array(found, dtype=np.bool_), index=values.index, name=values.name)


def arrow_column(values: pd.Series) -> pa.ChunkedArray:
    """A column as Arrow: pandas 3's Arrow strings as they are, other columns converted."""
    column = pa.array(values.array)  # an Arrow-backed column hands over its own chunks
    return column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])


def mapped(values, fn) -> pa.ChunkedArray:
    """``fn`` (giving a string or None) applied to every value of an Arrow column, called once per
    distinct value (columns of actor ids, relation types or outlets hold a few dozen among 100,000s)."""
    distinct = pc.unique(values)
    return pc.take(pa.array([fn(v) for v in distinct.to_pylist()], type=pa.string()), pc.index_in(values, value_set=distinct))


def sort_order(columns: list) -> np.ndarray:
    """Row order that sorts by ``columns`` (Arrow columns of few distinct strings), first to
    last, as pandas' ``sort_values`` does (stable; missing values last): each column's values
    are ranked once among its distinct ones, then the rows by their ranks."""
    codes = []
    for values in columns:
        distinct = sorted(v for v in pc.unique(values).to_pylist() if v is not None)
        rank = pc.index_in(values, value_set=pa.array(distinct, type=values.type))
        codes.append(np.asarray(pc.fill_null(rank, len(distinct))))
    return np.lexsort(codes[::-1])


def joined(df: pd.DataFrame, table: pd.DataFrame, on: str, columns: list[str]) -> pd.DataFrame:
    """``df.merge(table[[on, *columns]], on=on, how="left")`` where ``table`` holds each key
    once: rows found by position through Arrow (pandas' merge of 750,000 relations with
    100,000 articles by their string ids took most of a second)."""
    keys, values = arrow_column(df[on]), arrow_column(table[on])
    if keys.type != values.type:  # an empty or all-missing column of objects comes as Arrow's null type
        keys, values = (keys.cast(values.type), values) if pa.types.is_null(keys.type) else (keys, values.cast(keys.type))
    at = pc.index_in(keys, value_set=values)
    picked = pa.Table.from_pandas(table[columns], preserve_index=False).take(at).to_pandas()
    out = df.reset_index(drop=True)
    for c in columns:
        out[c] = picked[c]
    return out
