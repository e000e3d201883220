"""Search page under AppTest."""


def test_search_highlights_hits_and_links_to_reader(run_page):
    at = run_page("pages/search.py", {"q": "Maariv"})
    html = "".join(h.proto.body for h in at.get("html"))
    assert html.count("<mark") == 2  # Maariv is named in two sentences of 002
    assert 'href="./?article=002_2f6602b0745822a4&amp;sent=' in html
    assert "Shafaq News · 2024-11-21 · 002_2f6602b0745822a4" in html  # outlet and date of each hit


def test_search_phrase_and_actor_filter(run_page):
    at = run_page("pages/search.py", {"q": '"drone attack"', "q_actor": "Israel"})
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Sentences naming Israel. Query: '\"drone attack\"'; 3 matching sentence(s)." in caption, caption  # of the 4 with the phrase
    html = "".join(h.proto.body for h in at.get("html"))
    assert "drone attack" in html.lower()
    # the words naming the actor searched for are marked too, in every hit
    assert html.count('title="Israel">') >= 3 and '#0b5563' in html


def test_a_republished_hit_names_its_writer_and_its_carrier(run_page):
    at = run_page("pages/search.py", {"q": "Soleimani"})
    html = "".join(h.proto.body for h in at.get("html"))
    assert "The Jerusalem Post (via Unknown aggregator) · " in html


def test_search_escapes_untrusted_text(run_page):
    at = run_page("pages/search.py", {"q": "<script>"})
    caption = " ".join(c.value for c in at.caption)
    assert "0 matching sentence" in caption.replace("\\", "")
    assert "<script>" not in caption  # shown escaped, never as markup


def test_search_respects_global_outlet_filter(run_page):
    at = run_page("pages/search.py", {"q": "Iraq", "outlet": "Al-Fassel"})
    html = "".join(h.proto.body for h in at.get("html"))
    assert "004_2274b76a68101a80" in html and "002_2f6602b0745822a4" not in html
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert caption.startswith("Showing 1 of 5 articles, from Al-Fassel. Query: "), caption

