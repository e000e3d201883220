"""Long tables send at most TABLE_ROWS rows to the browser, and say what they leave to the CSV."""
from streamlit.testing.v1 import AppTest


def _page():
    import pandas as pd

    from pages.widgets import TABLE_ROWS, capped_table

    capped_table(pd.DataFrame({"n": range(TABLE_ROWS + 5)}), what="relations", order="by type and outlet", key="long")
    capped_table(pd.DataFrame({"n": range(3)}), what="relations", key="short")
    # the first rows only, of more (an actor's profile reads only the sentences it shows)
    capped_table(pd.DataFrame({"n": range(TABLE_ROWS)}), what="relations", total=38_263, key="first")


def test_a_long_table_is_capped_and_says_so():
    at = AppTest.from_function(_page, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [len(df.value) for df in at.dataframe] == [1000, 3, 1000]
    assert [c.value for c in at.caption] == ["The first 1,000 of 1,005 relations, by type and outlet; the CSV below has every one.",
                                             "The first 1,000 of 38,263 relations; the CSV below has every one."]
