"""The reader's article HTML: names highlighted, the linked sentence marked in place, nothing executable."""
from lib.highlight import Span, page_href, reader_href
from lib.reader import actors_table, article_html

TEXT = "Iran denied it. KH said <script>alert(1)</script> the PMF struck. Later, the US replied."
SENT = (TEXT.index("KH"), TEXT.index("struck.") + len("struck."))


def at(word: str, *args) -> Span:
    return Span(TEXT.index(word), TEXT.index(word) + len(word), *args)


def spans():
    return [at("Iran", "#c00", "Iran"), at("KH", "#0a0", "Kata'ib Hezbollah", "./network?actor=KH"),
            at("PMF", "#0a0", "PMF"), at("US", "#00c", "United States")]


def test_the_linked_sentence_is_marked_in_place_with_its_names():
    html = article_html(TEXT, spans(), SENT)
    start = html.index('<span id="evidence"')
    end = html.index("</span>", start)
    marked = html[start:end]
    assert "struck." in marked and "Iran" not in marked and "replied" not in marked
    assert ">KH</mark></a>" in marked and ">PMF</mark>" in marked  # its names keep their highlight and link
    assert html.count("<mark") == 4  # and the names outside it keep theirs
    assert html.startswith('<mark style="background:#c0033') and ">US</mark>" in html[end:]


def test_article_text_never_becomes_markup():
    html = article_html(TEXT, spans(), SENT)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_sentence_or_one_outside_the_text_marks_nothing():
    plain = article_html(TEXT, spans(), None)
    assert 'id="evidence"' not in plain and plain.count("<mark") == 4
    assert article_html(TEXT, spans(), (80, 500)) == plain  # past the end


def test_a_name_straddling_the_sentence_edge_is_not_cut_in_two():
    # A mention across the boundary keeps the text whole (it is left unhighlighted rather than split).
    html = article_html("ab cd ef", [Span(1, 4, "#000", "x")], (3, 8))
    assert html.replace('<span id="evidence" style="background:#fff3b0;box-shadow:0 0 0 2px #e0b400;border-radius:2px">', "").replace("</span>", "") == "ab cd ef"


def test_reader_links_land_on_the_reader():
    assert reader_href("002_2f6602b0745822a4", 40) == "./?article=002_2f6602b0745822a4&sent=40#reader"
    assert reader_href("a b") == "./?article=a%20b#reader"


def test_many_links_at_once_are_the_same_links():
    from lib.highlight import reader_hrefs

    ids, sents = ["002_2f6602b0745822a4", "a b", "002_2f6602b0745822a4", None, "x"], [40, 3, 7, 1, float("nan")]
    got = reader_hrefs(ids, sents)
    assert got[:3] == [reader_href(a, s) for a, s in zip(ids[:3], sents[:3])]
    assert got[3:] == [None, None]  # no article, or no sentence (a curated figure)
    # ids that need quoting and ids that do not, each character that could tell them apart
    odd = ["Az09_.~-/x", "a&sent=1", "a#b", "a?b", "a%20b", "ü", "a\nb", "a+b", "a=b", "a;b", "'a'", "a\"b"]
    assert reader_hrefs(odd, range(len(odd))) == [reader_href(a, s) for s, a in enumerate(odd)]
    assert reader_href("a&sent=1", 0) == "./?article=a%26sent%3D1&sent=0#reader"
    assert reader_hrefs([""], [1]) == [None]


def test_a_link_quotes_its_values_as_quote_does():
    # page_href leaves alone the values quote() would leave alone, and quotes all others as it does
    from urllib.parse import quote

    values = [chr(c) for c in range(32, 127)] + ["ü", "é e", "a/b", "Az09_.~-", "%41", 7, 2.5]
    assert [page_href("network", actor=v) for v in values] == [f"./network?actor={quote(str(v))}" for v in values]


def test_the_actors_table_counts_each_actor_and_lists_the_words_it_was_named_by(processed, ctx):
    """Seed 000: most mentioned first; the PMF's five spellings resolved to one actor, each listed once."""
    import pandas as pd

    names = {a.id: a.name for a in ctx.registry.actors.values()}
    table = actors_table(pd.DataFrame(processed["000"]["mentions"]), ctx.registry, names)
    assert table.iloc[0].tolist() == ["Iran", "state", "Iran-aligned / Axis of Resistance", 28, "Iran, Tehran"]
    pmf = table[table["actor"] == "Popular Mobilization Forces"].iloc[0]
    assert (pmf["type"], pmf["mentions"]) == ("armed group", 9)
    assert pmf["surfaces"] == "Popular Mobilization Forces, popular Iraqi forces, popular armed forces, popular defense forces, popular forces"
    assert table["mentions"].tolist() == sorted(table["mentions"], reverse=True)
    assert table["mentions"].sum() == len(processed["000"]["mentions"])
