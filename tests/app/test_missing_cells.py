"""A missing value shows as a dash in every table, not as "None", which reads as a value."""
import pytest

from pages.widgets import MISSING

VIEWS = [
    ("pages/overview.py", {"article": "002_2f6602b0745822a4"}),
    ("pages/attacks.py", {}),
    ("pages/network.py", {"actor": "pmf"}),
    ("pages/compare.py", {"cmp_tab": "Aligned passages"}),
    ("pages/compare.py", {"cmp_tab": "Framing matrix"}),
    ("pages/timeline.py", {}),
]


@pytest.mark.parametrize("page,query", VIEWS, ids=[f"{p.split('/')[-1]}{'?' + '&'.join(q) if q else ''}" for p, q in VIEWS])
def test_every_table_shows_a_missing_value_as_a_dash(run_page, page, query):
    at = run_page(page, query)
    tables = at.dataframe
    assert len(tables) > 0
    assert [t.proto.placeholder for t in tables] == [MISSING] * len(tables)


def test_the_figure_table_has_missing_values_to_show(run_page):
    # the dash is seen: most figures were relayed by no one
    relayed = next(t.value for t in run_page("pages/attacks.py").dataframe if "relayed_by" in t.value.columns)["relayed_by"]
    assert relayed.isna().sum() > 5 and MISSING == "—"
