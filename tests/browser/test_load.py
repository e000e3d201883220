"""Twenty sessions at once against one server (loopback only, bounded).

Every page renders for every session, and the server's memory stays within a
stated bound: the processed tables are cached once per process
(st.cache_resource), not copied into each session.

The twenty sessions are twenty tabs of one browser context: each tab holds its
own WebSocket, so its own Streamlit session, and the test checks all twenty are
open at once. Tabs of one context share the HTTP cache, V8's code cache and the
connection pool, as a reader's tabs do: the page loads make fewer requests than
twenty browsers would, and what is bounded here is the server's work and memory
per session. Twenty separate contexts parsed Streamlit's bundle twenty times
over: this test took 172 and 222 s that way, 112 and 152 s this way (two pairs
of runs, 2026-11-25).
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
    context = browser.new_context()
    pages = [context.new_page() for _ in range(SESSIONS)]
    errors: list[str] = []
    sockets: dict[int, list] = {i: [] for i in range(SESSIONS)}
    for i, page in enumerate(pages):
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("websocket", lambda ws, i=i: sockets[i].append(ws))
    try:
        peak = 0.0
        for path, selector in PAGES.items():
            # Start all twenty navigations before waiting for any: they run at once.
            for page in pages:
                page.goto(server.url + path, wait_until="commit", timeout=60_000)
            for i, page in enumerate(pages):
                page.wait_for_selector(selector, state="visible", timeout=120_000)
                assert page.locator('[data-testid="stException"]').count() == 0, (path, i)
            # Every tab drawn and every tab's session still open: twenty sessions at once.
            open_sessions = sum(any(not ws.is_closed() and ws.url.endswith("/_stcore/stream") for ws in found) for found in sockets.values())
            assert open_sessions == SESSIONS, (path, open_sessions)
            peak = max(peak, rss_mb(server_proc))
        assert errors == []
        print(f"server memory with {SESSIONS} sessions: {peak:.0f} MB (bound {MAX_SERVER_MB} MB)")
        assert peak < MAX_SERVER_MB
    finally:
        context.close()
