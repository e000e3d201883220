"""Search page under AppTest."""


def test_search_highlights_hits_and_links_to_reader(run_page):
    at = run_page("pages/search.py", {"q": "Maariv"})
    html = "".join(h.proto.body for h in at.get("html"))
    assert html.count("<mark") == 2  # Maariv is named in two sentences of 002
    assert 'href="./overview?article=002_2f6602b0745822a4&amp;sent=' in html


def test_search_phrase_and_actor_filter(run_page):
    at = run_page("pages/search.py", {"q": '"drone attack"', "q_actor": "Israel"})
    caption = " ".join(c.value for c in at.caption)
    assert "matching sentence" in caption
    html = "".join(h.proto.body for h in at.get("html"))
    assert "drone attack" in html.lower()


def test_search_escapes_untrusted_text(run_page):
    at = run_page("pages/search.py", {"q": "<script>"})
    assert "0 matching sentence(s)" in " ".join(c.value for c in at.caption)
