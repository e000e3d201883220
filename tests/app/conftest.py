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
