"""Shared fixtures: the seed corpus processed once per test session."""
from __future__ import annotations

import pytest

from lib.corpus import read_corpus
from lib.paths import CORPUS_DIR
from lib.pipeline import load_context, process_article


@pytest.fixture(scope="session")
def ctx():
    return load_context()


@pytest.fixture(scope="session")
def seeds():
    sources, bad = read_corpus(CORPUS_DIR)
    assert not bad, bad
    return {s.article_id[:3]: s for s in sources}


@pytest.fixture(scope="session")
def processed(seeds, ctx):
    """Seed number ("000".."004") -> rows of every table for that article."""
    return {k: process_article(s, ctx) for k, s in seeds.items()}
