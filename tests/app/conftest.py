"""AppTest helpers: run app.py on a given page, as st.navigation would."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PAGE = "pages/overview.py"


@pytest.fixture
def run_page():
    def run(page: str, query: dict | None = None, timeout: float = 60) -> AppTest:
        # Bound widgets are seeded from the URL on a session's first run (the
        # default page, which also renders the shared sidebar) and on a page
        # transition, as when a shared link is opened.
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.query_params.update(query or {})
        at.run()
        if page != DEFAULT_PAGE:
            at.switch_page(page)
            at.query_params.update(query or {})
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run



@pytest.fixture
def run_page_raw():
    """The app's first run with no checks, for pages that may stop early."""
    def run(timeout: float = 60) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.run()
        return at

    return run


@pytest.fixture(scope="session")
def data_template(tmp_path_factory):
    from tests.fixtures.datadir import make_template

    return make_template(tmp_path_factory.mktemp("app-template") / "data")


@pytest.fixture
def app_data(data_template, tmp_path, monkeypatch):
    """A throw-away copy of data/ (tests/fixtures/datadir.py) that the app reads and writes,
    with the process's caches emptied before and after (the loaders cache tables by build,
    shared across sessions) and no background rebuild outliving the copy."""
    import streamlit as st

    from lib import loaders
    from tests.fixtures.datadir import fresh_copy, redirect

    d = fresh_copy(data_template, tmp_path / "data")
    redirect(monkeypatch, d)
    st.cache_resource.clear()
    yield d
    background = loaders.refresher()
    if background is not None:
        background.wait(300)
    st.cache_resource.clear()
