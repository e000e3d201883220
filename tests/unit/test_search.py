"""Search: the SQL it runs and how it reports what it found."""
import duckdb
import pandas as pd

from lib.search import found_words, search_sql


def test_found_words_says_when_only_the_first_are_shown():
    assert found_words(3, 200) == "3 matching sentence(s)"
    assert found_words(200, 200) == "200 matching sentence(s)"
    assert found_words(201, 200) == "the first 200 matching sentences (there are more: add words or filters)"


def test_limit_applies_after_the_article_filter():
    sentences = pd.DataFrame({"article_id": ["a"] * 5 + ["b"] * 5, "sent_id": list(range(5)) * 2, "text": ["Drone attack on Harir"] * 10})
    con = duckdb.connect()
    con.register("sentences", sentences)
    sql, params = search_sql("drone", ["b"], limit=3)
    got = con.execute(sql, params).df()
    assert list(got["article_id"]) == ["b", "b", "b"] and list(got["sent_id"]) == [0, 1, 2]
