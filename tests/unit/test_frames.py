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
