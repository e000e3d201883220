"""The figure table's texts: each period, claim, name and link as the table shows it."""
from datetime import date

import pandas as pd

from lib.attack_charts import FIGURE_TABLE_COLUMNS, figure_table
from lib.highlight import reader_href


def _figure(i: int, granularity: str, start, end, partial: bool = False, **extra) -> dict:
    row = {"figure_id": f"f{i}", "article_id": "a1", "sent_id": float(i), "count": 6.0, "qualifier": "exact", "unit": "drone attacks",
           "period_start": start, "period_end": end, "granularity": granularity, "partial": partial, "claimant": "Maariv",
           "relayed_by": None, "reporter": "Shafaq News", "origin": "iraqi_resistance", "target": "israel", "evidence": "e",
           "source": "extracted", "citation": None}
    return {**row, **extra}


def test_every_kind_of_period_is_written_as_it_was_claimed():
    rows = [
        _figure(1, "month", date(2024, 8, 1), date(2024, 8, 31)),
        _figure(2, "month", date(2024, 11, 1), date(2024, 11, 21), partial=True),
        _figure(3, "day", date(2022, 10, 29), date(2022, 10, 29)),
        _figure(4, "rate", date(2024, 11, 1), date(2024, 11, 30)),
        _figure(5, "rate", None, date(2024, 11, 30)),
        _figure(6, "week", date(2024, 2, 1), date(2024, 2, 7)),
        _figure(7, "cumulative", None, date(2024, 2, 6)),
        _figure(8, "cumulative", None, None),
        _figure(11, "month", date(2024, 10, 1), None, partial=True),  # a partial month whose end is not known
        _figure(12, "cumulative", date(2023, 10, 17), None),
        _figure(13, "month", date(2024, 8, 1), date(2024, 8, 31)),  # the first period again
    ]
    table = figure_table(pd.DataFrame(rows), {})
    assert dict(zip(table["figure_id"], table["period"])) == {
        "f1": "August 2024", "f2": "November 2024 (partial: 01 to 21 Nov)", "f3": "2022-10-29", "f4": "per day, November 2024",
        "f5": "per day", "f6": "2024-02-01 to 2024-02-07", "f7": "up to 2024-02-06", "f8": "period not stated",
        "f11": "October 2024 (partial)",
        "f12": "from 2023-10-17", "f13": "August 2024",
    }
    # periods held as timestamps or as ISO strings, as other frames than the store's hold them
    for start, end in ((pd.Timestamp("2023-01-01"), pd.Timestamp("2023-12-31")), ("2023-01-01", "2023-12-31")):
        table = figure_table(pd.DataFrame([_figure(1, "year", start, end), _figure(2, "month", start, end, partial=True), _figure(3, "day", start, start)]), {})
        assert table["period"].tolist() == ["2023-01-01 to 2023-12-31", "January 2023 (partial: 01 to 31 Dec)", "2023-01-01"]


def test_claims_names_and_links_are_written_for_every_row():
    rows = [_figure(1, "day", date(2024, 1, 1), date(2024, 1, 1), qualifier="at_least", count=160.0),
            _figure(2, "day", date(2024, 1, 2), date(2024, 1, 2), qualifier="approximately", count=5.0, origin=None, target="unknown_group"),
            _figure(3, "day", date(2024, 1, 3), date(2024, 1, 3), count=160.0, article_id="b 2", sent_id=None),
            _figure(4, "day", date(2024, 1, 4), date(2024, 1, 4), qualifier="at_least", count=160.0, article_id="b 2")]
    table = figure_table(pd.DataFrame(rows), {"iraqi_resistance": "Islamic Resistance in Iraq", "israel": "Israel"})
    assert table["claim"].tolist() == ["≥ 160", "≈ 5", "160", "≥ 160"]
    assert table["origin"].tolist() == ["Islamic Resistance in Iraq", "", "Islamic Resistance in Iraq", "Islamic Resistance in Iraq"]
    assert table["target"].tolist() == ["Israel", "unknown_group", "Israel", "Israel"]  # an id with no name is shown as it is
    links = [None if pd.isna(link) else link for link in table["reader"]]
    assert links == [reader_href("a1", 1), reader_href("a1", 2), None, reader_href("b 2", 4)]  # a curated figure has no sentence


def test_an_empty_figure_table_has_every_column():
    # The Attacks page drops and reads the table's columns by name whatever the filters.
    full = figure_table(pd.DataFrame([_figure(1, "month", date(2024, 8, 1), date(2024, 8, 31))]), {})
    empty = figure_table(pd.DataFrame([_figure(1, "month", date(2024, 8, 1), date(2024, 8, 31))]).iloc[:0], {})
    assert list(empty.columns) == list(full.columns) == FIGURE_TABLE_COLUMNS and empty.empty
