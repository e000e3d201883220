"""Fixtures for tests that write: a throwaway copy of data/ per test."""
import pytest

from tests.fixtures.datadir import fresh_copy, make_template, redirect


@pytest.fixture(scope="session")
def template(tmp_path_factory):
    return make_template(tmp_path_factory.mktemp("template") / "data")


@pytest.fixture
def data(template, tmp_path, monkeypatch):
    """data/ (corpus, dictionaries, store) copied to tmp_path, with lib.paths pointing at it."""
    d = fresh_copy(template, tmp_path / "data")
    redirect(monkeypatch, d)
    return d
