"""records() is to_dict("records") made fast: same values, same types."""
import math
from datetime import date

import pandas as pd

from lib.frames import records


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
