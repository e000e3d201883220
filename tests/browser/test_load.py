"""Twenty sessions at once against one server (loopback only, bounded).

Every page renders for every session, and the server's memory stays within a
stated bound: the processed tables are cached once per process
(st.cache_resource), not copied into each session.

The twenty sessions are twenty tabs of one browser context. Each tab opens the
app once, then goes from page to page by the sidebar's links, as a reader does:
Streamlit then runs the next page in the same session, over the same
WebSocket. The test checks that each tab opened exactly one WebSocket and that
all twenty are still open after the last page, so the same twenty sessions drew
every page. Opening each page by its URL instead made a new session for each
page, a hundred in all. The time is Chromium's twenty tabs drawing, not the
server's: 152-208 s for five pages that way, 165-186 s for seven this way
(2026-11-25); 106-110 s once the server no longer ran a full garbage collection
after every script run (.streamlit/config.toml), against 127-141 s interleaved.
"""
import re
from pathlib import Path

import psutil
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
SESSIONS = 20
# Server memory bound for 20 sessions on the seed corpus (measured: 339-456 MB
# after every page was opened by every session; Streamlit alone is ~150 MB).
MAX_SERVER_MB = 900
TIMEOUT_MS = 120_000
# url path -> (the page's title, what shows it drew its main view)
PAGES = {
    "overview": ("Crosscurrents", '[data-testid="stDataFrame"]'),
    "attacks": ("Attacks", ".js-plotly-plot"),
    "network": ("Actor network", "iframe"),
    "timeline": ("Timeline & Map", ".js-plotly-plot"),
    "compare": ("Compare", 'role=heading[name="Israeli"]'),
    "search": ("Search", "mark"),
    "add": ("Add articles", '[data-testid="stAlertContentInfo"]:has-text("Adding articles is disabled")'),
}


def rss_mb(proc: psutil.Process) -> float:
    return (proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))) / 1e6


def test_twenty_concurrent_sessions(streamlit_launcher, browser):
    server = streamlit_launcher(REPO / "app.py")
    server_proc = psutil.Process(server.proc.pid)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pages = [context.new_page() for _ in range(SESSIONS)]
    errors: list[str] = []
    sockets: dict[int, list] = {i: [] for i in range(SESSIONS)}
    for i, page in enumerate(pages):
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("websocket", lambda ws, i=i: sockets[i].append(ws) if ws.url.endswith("/_stcore/stream") else None)
    try:
        peak = 0.0
        # Start all twenty loads before waiting for any: they run at once.
        for page in pages:
            page.goto(server.url + "/", wait_until="commit", timeout=60_000)
        for path, (title, drawn) in PAGES.items():
            if path != "overview":
                for page in pages:  # every tab asks for the next page before any is waited for
                    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').dispatch_event("click", timeout=TIMEOUT_MS)
            for i, page in enumerate(pages):
                expect(page.locator("h1").first, f"{path}, tab {i}").to_have_text(title, timeout=TIMEOUT_MS)
                if path == "search":
                    page.get_by_label('Words or a "quoted phrase"').fill("drone")
                    page.get_by_label('Words or a "quoted phrase"').press("Enter")
                    expect(page).to_have_url(re.compile(r"[?&]q=drone"), timeout=TIMEOUT_MS)
                page.locator(drawn).first.wait_for(state="visible", timeout=TIMEOUT_MS)
                assert page.locator('[data-testid="stException"]').count() == 0, (path, i)
            peak = max(peak, rss_mb(server_proc))
        # One WebSocket per tab, opened once and still open: the same twenty sessions drew every page.
        assert [len(found) for found in sockets.values()] == [1] * SESSIONS
        assert sum(not found[0].is_closed() for found in sockets.values()) == SESSIONS
        assert all(page.url.endswith("/add") for page in pages)
        assert errors == []
        print(f"server memory with {SESSIONS} sessions: {peak:.0f} MB (bound {MAX_SERVER_MB} MB)")
        assert peak < MAX_SERVER_MB
    finally:
        context.close()
