"""The SQL the pages run over the store (Filters.articles_sql and the *_in_store helpers)
gives exactly what the pandas functions give on the same tables (the seed articles)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib import actor_profile, compare, frontpage, network, schema, store
from lib.filters import Filters
from lib.framing import event_names
from lib.registry import load_outlets


@pytest.fixture(scope="module")
def seed_store(processed, tmp_path_factory):
    """The seed articles written as a store, read back as pandas, and a query function over it."""
    d = tmp_path_factory.mktemp("store")
    rows = {name: [r for k in sorted(processed) for r in processed[k].get(name, [])] for name in schema.SCHEMAS}
    store.write_store({name: schema.to_table(name, rs) for name, rs in rows.items()}, {"input_hash": "test"}, d)
    con = store.duckdb_connection(d)
    tables = {name: store.read_table(name, d) for name in ("articles", "mentions", "relations", "labels", "quotes", "candidates")}
    return tables, lambda sql, params=(), frames=None, arrow=False: store.run_query(con, sql, params, frames, arrow)


FILTERS = [
    Filters(),
    Filters(outlets=("Shafaq News",)),
    Filters(outlets=("Shafaq News", "Al-Fassel"), date_from=date(2024, 9, 5)),
    Filters(perspectives=("iraqi", "israeli")),
    Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
    Filters(date_to=date(2024, 2, 6)),
    Filters(actors=("pmf",)),
    Filters(actors=("qassem_soleimani", "hezbollah"), date_from=date(2020, 1, 1)),
]


def ids_of(f: Filters, query) -> list[str]:
    where, params = f.articles_sql()
    return sorted(query(f"SELECT article_id FROM articles WHERE {where}", params)["article_id"])


@pytest.mark.parametrize("f", FILTERS)
def test_sql_filter_passes_the_articles_the_pandas_filter_passes(seed_store, f):
    tables, query = seed_store
    expected = sorted(f.articles(tables["articles"], tables["mentions"])["article_id"])
    assert ids_of(f, query) == expected
    assert sorted(f.articles_in_store(tables["articles"], query)["article_id"]) == expected
    where, params = f.in_articles_sql()
    kept = query(f"SELECT DISTINCT article_id FROM mentions WHERE {where}", params)["article_id"]
    assert sorted(kept) == sorted(set(tables["mentions"]["article_id"]) & set(expected))


def test_sql_filter_values(seed_store):
    tables, query = seed_store
    by_outlet = dict(zip(tables["articles"]["outlet"], tables["articles"]["article_id"]))
    assert ids_of(Filters(outlets=("Shafaq News",)), query) == [by_outlet["Shafaq News"]]
    assert len(ids_of(Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)), query)) == 3
    assert ids_of(Filters(date_from=date(2030, 1, 1)), query) == []
    assert Filters().in_articles_sql() == ("TRUE", [])
    assert Filters(outlets=("a", "b"), date_to=date(2024, 1, 2)).articles_sql() == ("outlet IN (?, ?) AND published <= ?", ["a", "b", date(2024, 1, 2)])


@pytest.mark.parametrize("f", FILTERS[:4] + [Filters(relation_types=("attacks",)), Filters(actors=("us_armed_forces",))])
def test_relations_sql_keeps_the_rows_and_order_of_relations(seed_store, f):
    tables, query = seed_store
    cols = ["article_id", "sent_id", "source", "target", "relation", "evidence"]
    expected = f.relations(tables["relations"], tables["articles"], tables["mentions"])[cols].reset_index(drop=True)
    got = query(*f.relations_sql(cols))
    assert len(got) == len(expected)
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_relations_sql_involving_one_actor(seed_store):
    tables, query = seed_store
    got = query(*Filters().relations_sql(["source", "target"], involving=("pmf",)))
    r = tables["relations"]
    assert len(got) == int(((r["source"] == "pmf") | (r["target"] == "pmf")).sum()) > 0
    assert all("pmf" in (s, t) for s, t in zip(got["source"], got["target"]))


@pytest.mark.parametrize("f", FILTERS[:5])
def test_front_page_numbers_from_the_store(seed_store, f):
    tables, query = seed_store
    names = {"iraq": "Iraq"}
    arts = f.articles(tables["articles"], tables["mentions"])
    ids = set(arts["article_id"])
    where, params = f.in_articles_sql()
    pd.testing.assert_frame_equal(frontpage.top_actors_in_store(query, where, params, names, 8),
                                  frontpage.top_actors(tables["mentions"], ids, names, 8), check_dtype=False)
    assert frontpage.actors_named(query, where, params) == tables["mentions"].loc[tables["mentions"]["article_id"].isin(ids), "actor"].nunique()
    assert frontpage.what_changed(arts, frontpage.mention_counts(query), names) == frontpage.what_changed(arts, tables["mentions"], names)
    c = tables["candidates"][tables["candidates"]["article_id"].isin(ids)]
    expected = (c.groupby("surface").agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
                .sort_values("mentions", ascending=False).reset_index())
    pd.testing.assert_frame_equal(frontpage.candidate_names(query, where, params), expected, check_dtype=False)


def test_top_actors_on_the_seeds(seed_store):
    _, query = seed_store
    top = frontpage.top_actors_in_store(query, "TRUE", [], {}, 3)
    assert top["actor"].tolist() == ["iraq", "united_states", "iran"]
    assert top["mentions"].tolist() == [104, 79, 50]  # "in Tehran", "a visit to Tehran" name the city, not Iran


@pytest.mark.parametrize("f", FILTERS[:5])
def test_graph_parts_from_the_store(seed_store, f, ctx):
    tables, query = seed_store
    arts = f.articles(tables["articles"], tables["mentions"])
    where, params = f.in_articles_sql()
    rows = network.relation_rows(f.relations(tables["relations"], tables["articles"], tables["mentions"]), arts)
    expected = network.graph_edges(rows, tables["mentions"], arts["article_id"], ctx.registry, co_mentions=True, registry_links=True)
    got = network.edges_in_store(query, f, tables["articles"], ctx.registry, co_mentions=True, registry_links=True, loose=False).edges
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()
    counts = tables["mentions"][tables["mentions"]["article_id"].isin(arts["article_id"])]["actor"].value_counts().to_dict()
    assert network.mention_counts_in_store(query, where, params) == counts


@pytest.mark.parametrize("f", FILTERS[:3] + [Filters(actors=("us_armed_forces",)), Filters(relation_types=("attacks", "supports"))])
def test_relation_rows_read_by_the_store_are_the_pandas_rows(seed_store, f):
    # The store leaves out hedged and negated relations (stated_only): pandas took 0.6 s to drop them at 100,000 articles.
    tables, query = seed_store
    arts = f.articles(tables["articles"], tables["mentions"])
    lengths = []
    for loose in (False, True):
        expected = network.relation_rows(f.relations(tables["relations"], arts, tables["mentions"]), arts, include_hedged=loose, include_negated=loose)
        got = network.relation_rows_in_store(query, f, arts, loose=loose)
        assert got.astype(str).values.tolist() == expected[got.columns].astype(str).values.tolist()
        lengths.append(len(got))
    assert f != Filters() or 0 < lengths[0] < lengths[1]  # the seeds hold hedged or negated relations


def test_an_actors_relations_one_row_each(seed_store, ctx):
    tables, query = seed_store
    names = {a.id: a.name for a in ctx.registry.actors.values()}
    labels = {k: v["label"] for k, v in network.relation_styles().items()}
    seen = []
    for actor in ("iran", "united_states", "pmf"):
        rows = network.relation_rows_in_store(query, Filters(), tables["articles"], loose=True, involving=(actor,))
        got = actor_profile.relations_of(actor, rows, names)
        expected = []
        for r in rows.itertuples():
            acts = r.source == actor
            flags = ", ".join(w for w, on in (("negated", r.negated), ("hedged", r.hedged)) if on is True)
            expected.append((labels[r.relation], "acts on" if acts else "acted on by", names[r.target if acts else r.source], r.reported_by,
                             r.trigger, flags, r.evidence, f"./?article={r.article_id}&sent={r.sent_id}#reader"))
        expected.sort(key=lambda e: (e[0], e[3], e[1], e[2]))  # by type, outlet, direction, other; rows alike keep the store's order
        assert [tuple(x) for x in got.values.tolist()] == expected
        seen += expected
    assert len(seen) > 20 and {"acts on", "acted on by"} <= {e[1] for e in seen} and {e[5] for e in seen} > {""}


@pytest.mark.parametrize("f", [Filters(), Filters(outlets=("Shafaq News",)), Filters(date_to=date(2024, 2, 6))])
@pytest.mark.parametrize("actor", ["iran", "united_states", "pmf"])
def test_a_profile_shows_its_first_relations_and_counts_every_one(seed_store, processed, ctx, f, actor):
    # The profile reads the relations without their sentences, and the sentences of the rows it shows only.
    tables, query = seed_store
    sentences = pd.DataFrame([r for k in sorted(processed) for r in processed[k]["sentences"]])[["article_id", "sent_id", "text"]]
    sentence_texts = lambda keys: sentences.merge(keys.drop_duplicates())  # noqa: E731
    names = {a.id: a.name for a in ctx.registry.actors.values()}
    arts = f.articles_in_store(tables["articles"], query)
    every = actor_profile.relations_of(actor, network.relation_rows_in_store(query, f, arts, loose=True, involving=(actor,)), names)
    for shown in (3, 10_000):
        p = actor_profile.profile_in_store(actor, f, registry=ctx.registry, query=query, sentence_texts=sentence_texts, articles=arts, names=names, shown=shown)
        assert p.n_relations == len(every)
        pd.testing.assert_frame_equal(p.relations, every.head(shown), check_dtype=False)
        pd.testing.assert_frame_equal(p.relations_csv(), every)
        if len(every):
            pd.testing.assert_frame_equal(p.relations_pivot, every.pivot_table(index="relation", columns="outlet", values="sentence", aggfunc="count", fill_value=0),
                                          check_dtype=False)
        else:
            assert p.relations.empty and p.relations_pivot.empty
    assert f != Filters() or len(every) > 3  # the first rows are fewer than all of them


def test_co_mentions_on_the_seeds(seed_store):
    _, query = seed_store
    co = network.co_mention_edges_in_store(query, "TRUE", []).set_index(["source", "target"])
    assert len(co) > 10
    assert co.loc[("iran", "united_states"), "weight"] > 0


@pytest.mark.parametrize("f", FILTERS[:5])
def test_compare_views_from_the_store(seed_store, f, ctx):
    tables, query = seed_store
    arts = f.articles(tables["articles"], tables["mentions"])
    ids = set(arts["article_id"])
    mentions, labels = (tables[t][tables[t]["article_id"].isin(ids)] for t in ("mentions", "labels"))
    where, params = f.in_articles_sql()
    assert compare.focus_options_in_store(query, where, params, event_names()) == compare.focus_options(labels, mentions, event_names())
    groups = compare.article_groups(arts, load_outlets().perspectives)
    names = {a.id: a.name for a in ctx.registry.actors.values()}
    types = {a.id: a.type for a in ctx.registry.actors.values()}
    for by in ("perspective", "outlet"):
        for got, expected in zip(compare.blindspots_in_store(groups, query, by, names, types, event_names()),
                                 compare.blindspots(groups, mentions, labels, by, names, types, event_names())):
            pd.testing.assert_frame_equal(got, expected, check_dtype=False)
        if len(groups):
            skip = {"shafaq_news"}
            pd.testing.assert_frame_equal(compare.framing_matrix_in_store(groups, query, by, names, top=6, skip_actors=skip),
                                          compare.framing_matrix(groups, labels, mentions, by, names, top=6, skip_actors=skip),
                                          check_dtype=False, rtol=1e-12)
    for focus in ("pmf", "event:soleimani_killing"):
        got = compare.focus_labels_in_store(focus, query, where, params)
        expected = compare.focus_labels(focus, labels)[got.columns].reset_index(drop=True)
        assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()


def test_actor_profile_reads_one_actor(seed_store):
    tables, query = seed_store
    r = tables["relations"]
    assert actor_profile.relations_read("pmf", query) == int(((r["source"] == "pmf") | (r["target"] == "pmf")).sum())


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns), ignore_index=True)


def test_an_actors_profile_counted_by_the_store_is_counted_as_pandas_counts(seed_store):
    # Iran's 500,000 mentions and 511,000 labels at 100,000 articles are grouped by the store, not read.
    tables, query = seed_store
    mentions, labels, articles = tables["mentions"], tables["labels"], tables["articles"]
    kinds = set()
    for actor in ["iran", "pmf", "kataib_hezbollah", "united_states", "hezbollah"]:
        pd.testing.assert_frame_equal(actor_profile.aliases_in_store(actor, query), actor_profile.aliases_seen(actor, mentions), check_dtype=False)
        per_article = actor_profile.mentions_per_article_in_store(actor, query)
        pd.testing.assert_frame_equal(_sorted(per_article), _sorted(actor_profile.mentions_per_article(actor, mentions)), check_dtype=False)
        assert len(per_article) > 0
        words, kind = actor_profile.outlet_words_in_store(actor, query, articles)
        expected, expected_kind = actor_profile.outlet_words(actor, labels, mentions, articles)
        assert kind == expected_kind
        pd.testing.assert_frame_equal(words, expected, check_dtype=False)
        kinds.add(kind)
        # A store whose labels table is empty: each outlet's words are the names it used.
        no_labels = lambda sql, params=(), frames=None, arrow=False: query(sql.replace("FROM labels", "FROM (SELECT * FROM labels WHERE false)"), params, frames, arrow)
        words, kind = actor_profile.outlet_words_in_store(actor, no_labels, articles)
        expected, expected_kind = actor_profile.outlet_words(actor, labels.head(0), mentions, articles)
        assert kind == expected_kind
        pd.testing.assert_frame_equal(words, expected, check_dtype=False)
        kinds.add(kind)
    assert kinds == {"labels", "names"}


def test_first_and_last_mention_of_articles_published_the_same_day():
    # The first by id of the day's articles, whatever order the store counted them in.
    articles = pd.DataFrame({"article_id": ["c", "b", "a", "d"], "published": [date(2024, 1, 2), date(2024, 1, 1), date(2024, 1, 1), None],
                             "outlet": ["Ynet", "Ynet", "Maariv", "Ynet"], "original_publisher": [None] * 4, "date_precision": ["day"] * 4})
    for order in (["a", "b", "c", "d"], ["d", "c", "b", "a"]):
        span = actor_profile.first_last(pd.DataFrame({"article_id": order, "mentions": [1] * 4}), articles)
        assert (span["first"]["article_id"], span["first"]["outlet"], span["last"]["article_id"], span["n_articles"]) == ("a", "Maariv", "c", 4)


@pytest.mark.parametrize("f", [Filters(), Filters(outlets=("Shafaq News",)), Filters(date_to=date(2024, 2, 6))])
def test_one_edge_evidence_read_from_the_store_is_the_evidence_from_whole_tables(seed_store, processed, f):
    """The Network page reads only the picked edge's relations and its two actors' mentions."""
    tables, query = seed_store
    sentences = pd.DataFrame([r for k in sorted(processed) for r in processed[k]["sentences"]])
    arts = f.articles(tables["articles"], tables["mentions"])
    rows = network.relation_rows(f.relations(tables["relations"], arts, tables["mentions"]), arts)
    loose_rows = network.relation_rows(f.relations(tables["relations"], arts, tables["mentions"]), arts, include_hedged=True, include_negated=True)
    edges = [("iran_aligned_iraqi_militias", "us_armed_forces", "attacks"), ("iran", "united_states", network.CO_MENTION), ("iran", "iran_aligned_iraqi_militias", "supports")]
    hedged = loose_rows[loose_rows["hedged"].fillna(False).astype(bool)].iloc[0]
    edges.append((hedged["source"], hedged["target"], hedged["relation"]))  # an edge only the loose reading has
    found = 0
    for source, target, relation in edges:
        for loose, relation_rows in ((False, rows), (True, loose_rows)):
            want = network.edge_evidence(source, target, relation, relation_rows, tables["mentions"], sentences, arts)
            got = network.edge_evidence_in_store({"source": source, "target": target, "relation": relation}, query, f, arts, sentences, loose=loose)
            pd.testing.assert_frame_equal(got, want, check_dtype=False)
            found += len(want)
    assert found > 0
    everything = Filters()
    assert len(network.edge_evidence_in_store({"source": "iran", "target": "united_states", "relation": network.CO_MENTION}, query, everything, tables["articles"], sentences, loose=False)) == 26
    assert len(network.edge_evidence_in_store({"source": "iran", "target": "iran_aligned_iraqi_militias", "relation": "supports"}, query, everything, tables["articles"], sentences, loose=False)) > 0



def test_a_store_with_no_build_says_how_to_make_one(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no processed store in .*python -m lib.pipeline build"):
        store.current_build_name(tmp_path)
    built = store.write_store({name: schema.to_table(name, []) for name in schema.SCHEMAS}, {"input_hash": "test"}, tmp_path)
    assert store.current_build_name(tmp_path) == built.name


@pytest.mark.parametrize("f", FILTERS[:5])
def test_compare_columns_read_from_the_store_are_the_pandas_columns(seed_store, processed, f):
    # side_by_side_in_store reads quotes and sentences for the focus only and hands each column the focus's sentences.
    tables, query = seed_store
    sentences = pd.DataFrame([r for k in sorted(processed) for r in processed[k]["sentences"]])[["article_id", "sent_id", "text"]]
    sentence_texts = lambda keys: sentences.merge(keys.drop_duplicates())  # noqa: E731
    arts = f.articles_in_store(tables["articles"], query)
    groups = compare.article_groups(arts, load_outlets().perspectives)
    where, params = f.in_articles_sql()
    compared = 0
    for focus in ("pmf", "iran", "event:soleimani_killing"):
        labels = compare.focus_labels_in_store(focus, query, where, params)
        about = compare.focus_sentences(focus, labels)
        for by in ("perspective", "outlet"):
            columns = compare.group_options(groups, by, set(about["article_id"].tolist()))[:4]
            for with_names in (True, False):
                got, _ = compare.side_by_side_in_store(query, sentence_texts, focus, focus_title=focus, groups=groups, by=by, columns=columns,
                                                       labels=labels, about=about, with_names=with_names)
                for col in got:
                    expected = compare.column_summary(col.group, by, focus, groups, tables["labels"][tables["labels"]["article_id"].isin(arts["article_id"])],
                                                      tables["quotes"], with_names=with_names, sentence_texts=sentence_texts)
                    assert (col.group, col.n_articles, col.n_about, col.n_sentences, col.tone, col.via) == (
                        expected.group, expected.n_articles, expected.n_about, expected.n_sentences, expected.tone, expected.via)
                    for part in ("labels", "quotes", "sentences"):
                        pd.testing.assert_frame_equal(getattr(col, part), getattr(expected, part), check_dtype=False)
                    compared += col.n_sentences > 0
    assert compared > 0
