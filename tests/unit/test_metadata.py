"""Metadata: sidecars first, then what the text states, then unknown."""
from datetime import date

from lib.corpus import ArticleSource
from lib.paths import CORPUS_DIR
from lib.pipeline import process_article


def _article(raw, ctx, meta=None, name="x"):
    src = ArticleSource(name, CORPUS_DIR / f"{name}.txt", raw, meta or {})
    return process_article(src, ctx)["articles"][0]


def test_dateline_recovered_without_sidecar(seeds, ctx):
    a = _article(seeds["002"].raw, ctx)
    assert a["outlet"] == "Shafaq News"
    assert a["published"] == date(2024, 11, 21)
    assert a["date_precision"] == "day"
    assert a["perspective"] == "iraqi"  # from the outlet registry
    assert '"published": "text"' in a["meta_from"]


def test_source_line_recovered(seeds, ctx):
    a = _article(seeds["003"].raw, ctx)
    assert a["outlet"] == "The Jerusalem Post"
    assert a["published"] is None and a["date_precision"] == "unknown"
    assert a["title"] == "Iran meddles in US-Iraq strategic talks"


def test_byline_recovered(seeds, ctx):
    a = _article(seeds["004"].raw, ctx)
    assert a["author"] == "Anas al-Bar"
    assert a["title"] == "Iranian regime's proxies seek to harm Baghdad-Washington strategic partnership"


def test_unknown_when_text_says_nothing(seeds, ctx):
    a = _article(seeds["000"].raw, ctx)
    assert a["outlet"] == "Unknown outlet"
    assert a["published"] is None
    assert a["perspective"] == "unknown"


def test_sidecars_of_the_seeds(processed):
    a = {k: v["articles"][0] for k, v in processed.items()}
    assert a["001"]["original_publisher"] == "The New York Times"
    assert a["001"]["published"] == date(2024, 2, 6) and a["001"]["date_precision"] == "estimated"
    assert a["002"]["published"] == date(2024, 11, 21)
    assert a["003"]["perspective"] == "israeli" and a["003"]["date_precision"] == "month"
    assert a["004"]["perspective"] == "us_government_funded" and a["004"]["author"] == "Anas al-Bar"
    assert a["000"]["perspective"] == "iranian_state_aligned"
