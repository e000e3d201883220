"""Self-check of the browser harness, independent of the app's own pages.

One throwaway streamlit server (started with the same helper as ``app_url``,
from the repo root so .streamlit/config.toml applies) serves a tiny script
that switches on ``?case=``:

* default: title + 2-row dataframe + plotly-express bar chart -> must render
  and be clean (no external request, console error, page error, exception);
* ``case=leak``: an <img> pointing off-machine -> the probe must record
  (and abort) the external request, and ``assert_clean`` must fail;
* ``case=boom``: the script raises -> ``assert_clean`` must fail on the
  rendered exception box; a thrown JS error and a console.error must be
  recorded too.
"""

from __future__ import annotations

import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    # pandas MUST be imported before plotly: with streamlit 1.67 + plotly 7.1
    # + pandas 3.1, plotly.express imported first can raise "partially
    # initialized module 'pandas'" in a real browser session (AppTest passes).
    import pandas as pd
    import plotly.express as px
    import streamlit as st

    case = st.query_params.get("case", "ok")
    st.title("Harness self-check")
    if case == "leak":
        st.markdown('<img src="https://example.com/x.png">', unsafe_allow_html=True)
    elif case == "boom":
        raise ValueError("selfcheck boom")
    else:
        df = pd.DataFrame({"outlet": ["Alpha", "Beta"], "stories": [3, 5]})
        st.dataframe(df)
        st.plotly_chart(px.bar(df, x="outlet", y="stories"))
    """
)


@pytest.fixture(scope="module")
def selfcheck_url(streamlit_launcher, tmp_path_factory):
    script = tmp_path_factory.mktemp("selfcheck") / "selfcheck_app.py"
    script.write_text(SCRIPT)
    return streamlit_launcher(script).url


def test_clean_page_renders_dataframe_and_plotly(probe_factory, selfcheck_url):
    probe = probe_factory(selfcheck_url)
    page = probe.goto("/")
    page.get_by_role("heading", name="Harness self-check").wait_for(timeout=10_000)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=10_000)
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for(
        timeout=15_000
    )
    # plotly drew the two bars
    assert page.locator(".js-plotly-plot .bars path").count() >= 2
    probe.assert_clean()


def test_probe_records_and_blocks_external_request(probe_factory, selfcheck_url):
    probe = probe_factory(selfcheck_url)
    page = probe.goto("/?case=leak")
    page.get_by_role("heading", name="Harness self-check").wait_for(timeout=10_000)
    # the <img> request is issued while rendering; give it a moment
    for _ in range(50):
        if probe.external_requests:
            break
        page.wait_for_timeout(100)
    assert any("https://example.com/x.png" in r for r in probe.external_requests), (
        probe.external_requests
    )
    with pytest.raises(AssertionError, match="example.com/x.png"):
        probe.assert_clean()


def test_probe_records_errors_and_exceptions(probe_factory, selfcheck_url):
    probe = probe_factory(selfcheck_url)
    page = probe.goto("/?case=boom")
    page.locator('[data-testid="stException"]').first.wait_for(timeout=10_000)
    assert probe.exceptions(), "the script's exception box was not found"
    with pytest.raises(AssertionError, match="st.exception"):
        probe.assert_clean()
    assert probe.assert_clean(allow_exceptions=True) is None
    page.evaluate("console.error('selfcheck console error')")
    page.evaluate("setTimeout(() => { throw new Error('selfcheck page error') }, 0)")
    page.wait_for_timeout(200)
    assert any("selfcheck console error" in e for e in probe.console_errors)
    assert any("selfcheck page error" in e for e in probe.page_errors)
    with pytest.raises(AssertionError, match="selfcheck page error"):
        probe.assert_clean(allow_exceptions=True)
