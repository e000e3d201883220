"""The Timeline & Map page's SQL (Filters.events_sql and lib.timeline's *_in_store helpers)
gives exactly what the pandas functions give on the whole events table: the seed events,
linked across articles, plus one imported event with no cluster and no article."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib import events as ev
from lib import schema, store, timeline
from lib.filters import Filters
from lib.frames import records

IMPORTED = {"event_id": "acled:IRQ123", "article_id": None, "date": date(2024, 1, 20), "date_precision": "day", "event_type": "Air/drone strike",
            "source_actor": "united_states", "place": "Al-Qaim, Anbar, Iraq", "killed": 3.0, "evidence": "ACLED (source: Reuters)"}

# Two reports of one event that disagree on its fields: the first in the store speaks for it.
PAIR = [{"event_id": f"pair:{n}", "article_id": a, "event_type": "attack", "cluster_id": "pair", "cluster_title": title, "cluster_type": "attack",
         "date_text": words, "reporter": "Wire", "evidence": "..."} for n, a, title, words in ((1, "z-article", "First in the store", "on Monday"),
                                                                                            (2, "a-article", "Second in the store", None))]


@pytest.fixture(scope="module")
def event_store(processed, ctx, tmp_path_factory):
    """(reports filled as the page filled them, articles, a query function over the same store)."""
    d = tmp_path_factory.mktemp("events-store")
    rows = {name: [r for k in sorted(processed) for r in processed[k].get(name, [])] for name in schema.SCHEMAS}
    # Reversed: an event's first report in the store is then not its first by article (the sources are listed by article).
    rows["events"] = list(reversed(ev.link_across_articles(rows["events"], ctx))) + [IMPORTED] + PAIR
    store.write_store({name: schema.to_table(name, rs) for name, rs in rows.items()}, {"input_hash": "test"}, d)
    con = store.duckdb_connection(d)
    reports = timeline.with_cluster_fields(store.read_table("events", d))
    return reports, store.read_table("articles", d), lambda sql, params=(), frames=None, arrow=False: store.run_query(con, sql, params, frames, arrow)


FILTERS = [
    Filters(),
    Filters(outlets=("Shafaq News",)),
    Filters(outlets=("Shafaq News", "Unknown aggregator"), date_from=date(2024, 1, 1)),
    Filters(outlets=("Unknown aggregator",), date_to=date(2023, 12, 31)),
    Filters(perspectives=("iraqi",)),
    Filters(date_from=date(2024, 1, 1), date_to=date(2024, 6, 30)),
    Filters(date_to=date(2019, 12, 31)),
    Filters(date_from=date(2020, 1, 3)),
    Filters(event_types=("attack", "statement")),
    Filters(event_types=("Air/drone strike",)),
    Filters(actors=("iran",)),
    Filters(actors=("united_states",)),
    Filters(actors=("united_states", "iran"), perspectives=("iraqi",)),
    Filters(actors=("islamic_resistance_in_iraq",), event_types=("attack",), date_from=date(2024, 1, 1)),
]


def test_clusters_from_the_store_are_the_clusters_built_in_pandas(event_store):
    reports, _, query = event_store
    expected = timeline.event_clusters(reports)
    got = timeline.clusters_in_store(query)
    pd.testing.assert_frame_equal(got, expected)
    soleimani = got[got["cluster_id"] == "soleimani_killing"].iloc[0]
    assert (soleimani["n_sources"], soleimani["n_reports"], soleimani["date"]) == (3, 3, date(2020, 1, 3))
    imported = got[got["cluster_id"] == "acled:IRQ123"].iloc[0]
    assert (imported["title"], imported["n_sources"], imported["sources"]) == ("Air/drone strike, Al-Qaim, Anbar, Iraq", 1, "imported data (no date in the text)")
    pair = got[got["cluster_id"] == "pair"].iloc[0]
    assert (pair["title"], pair["sources"], pair["n_sources"], pair["n_reports"]) == ("First in the store", "Wire (no date in the text); Wire (on Monday)", 2, 2)
    assert soleimani["sources"] == "Unknown Iranian outlet (no date in the text); The New York Times (in 2020); The Jerusalem Post (in January)"


def test_event_choices_from_the_store(event_store):
    reports, _, query = event_store
    actors, types = timeline.event_choices_in_store(query)
    cols = ("source_actor", "target_actor", "cluster_source_actor", "cluster_target_actor")
    assert actors == sorted(set().union(*(set(reports[c].dropna()) for c in cols)))
    assert types == sorted(reports["cluster_type"].dropna().unique())
    assert "united_states" in actors and "Air/drone strike" in types


@pytest.mark.parametrize("f", FILTERS)
def test_events_sql_keeps_the_events_and_reports_filters_keep(event_store, f):
    reports, articles, query = event_store
    shown = f.events(reports, articles)
    ids = query(*f.events_sql())["cluster_id"]
    assert sorted(ids) == sorted(set(shown["cluster_id"]))
    # Every report of those events, in the store's order, as the pandas filter keeps them.
    got = timeline.reports_in_store(query, *f.events_sql())
    pd.testing.assert_frame_equal(got, shown.reset_index(drop=True)[got.columns])
    pd.testing.assert_frame_equal(timeline.reports_export(got), timeline.reports_export(shown.reset_index(drop=True)))
    all_clusters = timeline.clusters_in_store(query)
    expected = all_clusters if shown is reports else timeline.event_clusters(shown)
    pd.testing.assert_frame_equal(timeline.clusters_among(all_clusters, ids), expected)


def test_events_sql_values(event_store):
    _, _, query = event_store
    ids = lambda f: sorted(query(*f.events_sql())["cluster_id"])  # noqa: E731
    # The imported event has no article: an outlet filter drops it, an actor filter finds it.
    assert "acled:IRQ123" not in ids(Filters(outlets=("Shafaq News",)))
    assert "acled:IRQ123" in ids(Filters(actors=("united_states",)))
    assert "soleimani_killing" in ids(Filters(perspectives=("israeli",)))
    assert "soleimani_killing" not in ids(Filters(outlets=("Shafaq News",)))
    # With an outlet filter the article's publication date counts too: the Iranian outlet's article is from 2025.
    assert "soleimani_killing" in ids(Filters(date_to=date(2024, 12, 31)))
    assert ids(Filters(outlets=("Unknown Iranian outlet",), date_to=date(2024, 12, 31))) == []
    assert ids(Filters(date_to=date(2019, 12, 31))) == ["pair", "us_withdrawal_from_iraq_2011"]  # an undated event passes date filters
    assert ids(Filters(date_to=date(2019, 12, 31), event_types=("withdrawal",))) == ["us_withdrawal_from_iraq_2011"]
    assert ids(Filters(event_types=("no such type",))) == []


@pytest.mark.parametrize("limit", [timeline.MAX_HOVER_SOURCES, 1])
def test_hover_text_from_the_first_reports_in_the_store(event_store, monkeypatch, limit):
    """The hover boxes read a few reports per event from the store and say the same as with all of them."""
    monkeypatch.setattr(timeline, "MAX_HOVER_SOURCES", limit)
    reports, _, query = event_store
    clusters = timeline.clusters_in_store(query)
    few = timeline.hover_reports_in_store(query, clusters["cluster_id"])
    assert few.groupby("cluster_id").size().max() == min(limit, 3)  # the Soleimani killing has three reports
    every, first = timeline.reports_by_cluster(reports), timeline.reports_by_cluster(few)
    texts = [timeline.hover_text(c, first.get(c["cluster_id"], []), {}) for c in records(clusters)]
    assert texts == [timeline.hover_text(c, every.get(c["cluster_id"], []), {}) for c in records(clusters)]
    if limit == 1:
        assert any("…and 2 more" in t for t in texts)
    # The figures drawn from them are the same too.
    assert timeline.timeline_figure(clusters, few, {}).to_json() == timeline.timeline_figure(clusters, reports, {}).to_json()


def test_source_articles_for_the_cards(event_store):
    _, articles, query = event_store
    wanted = list(articles["article_id"][:2]) + [None, "no-such-article"]
    got = timeline.source_articles_in_store(query, wanted)
    assert sorted(got) == sorted(articles["article_id"][:2])
    for a in records(articles[:2]):
        assert (got[a["article_id"]]["published"], got[a["article_id"]]["date_precision"]) == (a["published"], a["date_precision"])


def test_event_choices_keep_store_order_and_the_picked_event():
    all_ids = ["e1", "e2", "e3", "e4"]
    assert timeline.event_choices(all_ids, ["e3", "e1"]) == ["e1", "e3"]
    assert timeline.event_choices(all_ids, ["e3"], keep=("e4", None)) == ["e3", "e4"]
    assert timeline.event_choices(all_ids, [], keep=("gone",)) == []  # an id from an older build is not offered
