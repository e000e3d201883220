"""Search: the SQL it runs and how it reports what it found."""
import duckdb
import pandas as pd

from lib.search import found_words, search_sql


def test_found_words_says_when_only_the_first_are_shown():
    assert found_words(3, 200) == "3 matching sentence(s)"
    assert found_words(200, 200) == "200 matching sentence(s)"
    assert found_words(201, 200) == "the first 200 matching sentences (there are more: add words or filters)"


def test_limit_applies_after_the_article_filter():
    sentences = pd.DataFrame({"article_id": ["a"] * 5 + ["b"] * 5, "sent_id": list(range(5)) * 2, "text": ["Drone attack on Harir"] * 10, "start": [0] * 10})
    con = duckdb.connect()
    con.register("sentences", sentences)
    sql, params = search_sql("drone", ["b"], limit=3)
    got = con.execute(sql, params).df()
    assert list(got["article_id"]) == ["b", "b", "b"] and list(got["sent_id"]) == [0, 1, 2]


def test_the_actor_filter_applies_before_the_limit():
    # Sentences naming Iran come after ten that do not: filtering the first hits found none.
    sentences = pd.DataFrame({"article_id": ["a"] * 12, "sent_id": list(range(12)), "text": ["Drone attack"] * 12, "start": [0] * 12})
    mentions = pd.DataFrame({"article_id": ["a", "a", "a"], "sent_id": [10, 11, 3], "actor": ["iran", "iran", "israel"]})
    con = duckdb.connect()
    con.register("sentences", sentences)
    con.register("mentions", mentions)
    got = con.execute(*search_sql("drone", None, limit=3, actors=["iran"])).df()
    assert list(got["sent_id"]) == [10, 11]
    got = con.execute(*search_sql("drone", ["a"], limit=3, actors=["iran", "israel"])).df()
    assert list(got["sent_id"]) == [3, 10, 11]


def test_the_names_of_the_actor_searched_for_are_marked_and_escaped():
    from lib.search import highlight_hits

    html = highlight_hits("Hezbollah Brigades launched a drone <b>", "drone", [(0, 18, "Kata'ib <Hezbollah>")])
    assert 'title="Kata&#x27;ib &lt;Hezbollah&gt;">Hezbollah Brigades</mark>' in html
    assert ">drone</mark>" in html and "&lt;b&gt;" in html and "<b>" not in html
