"""Twenty sessions at once against one server (loopback only, bounded).

Every page renders for every session, and the server's memory stays within a
stated bound: the processed tables are cached once per process
(st.cache_resource), not copied into each session.
"""
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[2]
SESSIONS = 20
# Server memory bound for 20 sessions on the seed corpus (measured: about
# 450 MB after every page was opened by every session; Streamlit alone is ~150 MB).
MAX_SERVER_MB = 900
PAGES = {
    "/": '[data-testid="stDataFrame"]',
    "/attacks": ".js-plotly-plot",
    "/network": "iframe",
    "/timeline": ".js-plotly-plot",
    "/search?q=drone": "mark",
}


def rss_mb(proc: psutil.Process) -> float:
    return (proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))) / 1e6


def test_twenty_concurrent_sessions(streamlit_launcher, browser):
    server = streamlit_launcher(REPO / "app.py")
    server_proc = psutil.Process(server.proc.pid)
    contexts = [browser.new_context() for _ in range(SESSIONS)]
    pages = [c.new_page() for c in contexts]
    errors: list[str] = []
    for page in pages:
        page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        peak = 0.0
        for path, selector in PAGES.items():
            # Start all twenty navigations before waiting for any: they run at once.
            for page in pages:
                page.goto(server.url + path, wait_until="commit", timeout=60_000)
            for i, page in enumerate(pages):
                page.wait_for_selector(selector, state="visible", timeout=120_000)
                assert page.locator('[data-testid="stException"]').count() == 0, (path, i)
            peak = max(peak, rss_mb(server_proc))
        assert errors == []
        print(f"server memory with {SESSIONS} sessions: {peak:.0f} MB (bound {MAX_SERVER_MB} MB)")
        assert peak < MAX_SERVER_MB
    finally:
        for c in contexts:
            c.close()
