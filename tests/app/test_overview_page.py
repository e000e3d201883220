"""Overview page under AppTest."""
from tests.app.helpers import frame_with


def test_overview_renders_corpus_table(run_page):
    at = run_page("pages/overview.py")
    assert at.title[0].value == "Crosscurrents"
    corpus = frame_with(at, "outlet", "perspective", "words")
    assert len(corpus) == 5
    assert set(corpus["outlet"]) >= {"Shafaq News", "Al-Fassel"}
    assert [m.value for m in at.metric][:2] == ["5", "4"]


def test_overview_reader_highlights_escaped_mentions(run_page):
    at = run_page("pages/overview.py", {"article": "002_2f6602b0745822a4"})
    assert not [h for h in at.get("html") if h.proto.unsafe_allow_javascript]  # no script runs here
    html = "".join(h.proto.body for h in at.get("html"))
    assert 'href="./network?actor=Kata%27ib%20Hezbollah"' in html
    assert "Hezbollah Brigades</mark>" in html
    assert "<script" not in html


def test_overview_filters_by_outlet_in_url(run_page):
    at = run_page("pages/overview.py", {"outlet": "Shafaq News"})
    assert list(frame_with(at, "outlet", "perspective", "words")["outlet"]) == ["Shafaq News"]
    assert any("Showing 1 of 5 articles" in c.value and "Shafaq News" in c.value for c in at.caption)


def test_reader_facts_actors_and_the_original_file(run_page):
    at = run_page("pages/overview.py", {"article": "002_2f6602b0745822a4"})
    facts = at.table[0].value
    assert facts.loc["Outlet", "value"].startswith("Shafaq News") and facts.loc["Perspective", "value"] == "Iraqi"
    assert facts.loc["Published", "value"].endswith("(day)")
    actors = frame_with(at, "actor", "type", "camp", "mentions", "surfaces")
    assert list(actors["mentions"]) == sorted(actors["mentions"], reverse=True)
    kh = actors[actors["actor"] == "Kata'ib Hezbollah"].iloc[0]
    assert "Hezbollah Brigades" in kh["surfaces"]
    clean = "".join(h.proto.body for h in at.get("html"))
    raw = "".join(h.proto.body for h in run_page("pages/overview.py", {"article": "002_2f6602b0745822a4", "raw": "true"}).get("html"))
    # The same names are highlighted in the file as received, at their places in it.
    assert raw != clean and raw.count("</mark>") == clean.count("</mark>") > 10
    assert "Hezbollah Brigades</mark>" in raw


def test_a_linked_sentence_is_marked_in_the_cleaned_text_and_in_the_file_as_received(run_page):
    import re

    for query in ({}, {"raw": "true"}):
        at = run_page("pages/overview.py", {"article": "002_2f6602b0745822a4", "sent": "40", **query})
        html = "".join(h.proto.body for h in at.get("html"))
        marked = re.search(r'<span id="evidence"[^>]*>(.*?)</span>', html, re.S)
        assert marked and re.sub(r"<[^>]+>", "", marked.group(1)).startswith("Therefore, caution must be"), query  # the raw file reads "betaken"
        assert html.count('id="evidence"') == 1
    assert any("Evidence sentence 40" in i.value for i in at.info)
    unlinked = "".join(h.proto.body for h in run_page("pages/overview.py", {"article": "002_2f6602b0745822a4", "sent": "9999"}).get("html"))
    assert 'id="evidence"' not in unlinked


def test_the_reader_picker_offers_the_tables_first_rows_and_the_linked_article(run_page, monkeypatch):
    """At 100,000 articles every id in the picker was 1.7 MB sent to each visitor."""
    import pages.widgets

    table_ids = list(frame_with(run_page("pages/overview.py"), "outlet", "perspective", "words")["article"])
    monkeypatch.setattr(pages.widgets, "TABLE_ROWS", 2)
    at = run_page("pages/overview.py")
    picker = at.selectbox(key="article")
    assert list(picker.options) == table_ids[:2] and picker.value == table_ids[0]
    assert "The picker lists the table's first 2 articles; any other opens from Search or a link to it." in [c.value for c in at.caption]
    linked = run_page("pages/overview.py", {"article": table_ids[4]})  # a link to an article beyond the picker's rows
    picker = linked.selectbox(key="article")
    assert list(picker.options) == [*table_ids[:2], table_ids[4]] and picker.value == table_ids[4]
