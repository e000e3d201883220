"""records() is to_dict("records") made fast: same values, same types; isin() is
Series.isin made fast on Arrow strings: the same booleans."""
import math
import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from lib.frames import isin, records


def test_records_equal_to_dict():
    df = pd.DataFrame({
        "s": ["a", None, "c"], "i": [1, 2, 3], "f": [1.5, float("nan"), 2.0], "d": [date(2024, 1, 2), None, date(2024, 3, 4)],
        "t": pd.to_datetime(["2024-01-01", None, "2024-02-01"]), "b": [True, False, True], "l": [["x"], [], ["y", "z"]],
    })
    want, got = df.to_dict("records"), records(df)
    assert len(got) == 3
    for w, g in zip(want, got):
        assert list(w) == list(g)
        for k in w:
            a, b = w[k], g[k]
            assert type(a) is type(b), (k, type(a), type(b))
            if isinstance(a, float) and math.isnan(a):
                assert math.isnan(b)
            elif k == "l":
                assert list(a) == list(b)
            else:
                assert a == b or (a is pd.NaT and b is pd.NaT), k


ALLOWED = [
    set(), {"a"}, {"a", None}, ["b", float("nan")], [pd.NA], [1, "b", 2.5], ("c", "c", "zz"), [pd.NaT, "a"],
    pd.Series(["a", "b"], dtype="str"), pd.Index(["c", None]), np.array(["a", "q"], dtype=object),
]


@pytest.mark.parametrize("dtype", ["str", object])
@pytest.mark.parametrize("allowed", ALLOWED, ids=range(len(ALLOWED)))
def test_isin_gives_the_booleans_of_series_isin(dtype, allowed):
    values = pd.Series(["a", None, "b", "c", "a", "", "é"], dtype=dtype, index=[5, 4, 3, 2, 1, 0, 9], name="article_id")
    pd.testing.assert_series_equal(isin(values, allowed), values.isin(allowed))


def test_isin_on_many_ids_and_other_columns():
    rng = random.Random(3)
    ids = [f"{i:06d}_{rng.getrandbits(32):08x}" for i in range(20_000)]
    values = pd.Series(rng.choices(ids + [None], k=50_000), dtype="str")
    allowed = set(rng.sample(ids, 7_000)) | {None}
    got = isin(values, allowed)
    assert got.dtype == bool and 0 < got.sum() < len(values)
    pd.testing.assert_series_equal(got, values.isin(allowed))
    numbers = pd.Series([1, 2, 3])
    pd.testing.assert_series_equal(isin(numbers, {2}), numbers.isin({2}))


def test_is_missing():
    from lib.frames import is_missing

    assert all(is_missing(v) for v in (None, float("nan"), np.nan, pd.NA, pd.NaT))
    assert not any(is_missing(v) for v in ("", "nan", 0, [], date(2024, 1, 1), pd.Timestamp("2024-01-01")))


def test_mapped_calls_the_function_once_per_distinct_value():
    import pyarrow as pa

    from lib.frames import mapped
    values = pa.chunked_array([["b", "a", None], ["b", "c", "a", None]])
    calls = []
    got = mapped(values, lambda v: calls.append(v) or (None if v == "c" else f"<{v}>"))
    assert got.to_pylist() == ["<b>", "<a>", "<None>", "<b>", None, "<a>", "<None>"]
    assert sorted(calls, key=str) == sorted(["a", "b", "c", None], key=str)


def test_sort_order_sorts_as_pandas_sort_values():
    from lib.frames import arrow_column, sort_order
    rng = random.Random(5)
    df = pd.DataFrame({c: pd.Series(rng.choices(["b", "a", "é", "Z", "", None], k=3_000), dtype="str") for c in "xyz"})
    df["row"] = range(len(df))  # ties keep their order (pandas sorts by several columns stably)
    order = sort_order([arrow_column(df[c]) for c in "xyz"])
    assert order.tolist() == df.sort_values(list("xyz"))["row"].tolist()
    assert len(set(map(tuple, df[list("xyz")].astype(str).values))) > 100  # many ties and groups, missing values among them


@pytest.mark.parametrize("dtype", ["str", object])
def test_joined_is_a_left_merge(dtype):
    from lib.frames import joined
    table = pd.DataFrame({"id": pd.Series(["a", "b", "c", "d"], dtype=dtype), "n": [1, 2, 3, 4],
                          "s": pd.Series(["x", None, "z", "w"], dtype="str"), "d": [date(2024, 1, 1), None, date(2024, 3, 1), date(2024, 4, 1)]})
    df = pd.DataFrame({"id": pd.Series(["c", "a", "a", "b", "d"], dtype=dtype, index=[9, 7, 5, 3, 1]), "v": [10, 11, 12, 13, 14]}, index=[9, 7, 5, 3, 1])
    pd.testing.assert_frame_equal(joined(df, table, "id", ["s", "d", "n"]), df.merge(table[["id", "s", "d", "n"]], on="id", how="left"))
    # an id missing from the table: missing values, as the merge gives (None where it gives NaN for dates)
    missing = joined(pd.DataFrame({"id": pd.Series(["q", "a"], dtype=dtype)}), table, "id", ["s", "n", "d"])
    assert missing["s"].isna().tolist() == [True, False] and missing["n"].isna().tolist() == [True, False] and missing["d"].isna().tolist() == [True, False]
    # an empty frame of object keys (Arrow's null type) joins as merge does
    empty = pd.DataFrame({"id": pd.Series([], dtype=object)})
    assert joined(empty, table, "id", ["n"]).columns.tolist() == ["id", "n"] and len(joined(empty, table, "id", ["n"])) == 0
