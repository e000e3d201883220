"""Time from navigation to each page's main chart or graph in headless Chromium,
and vis-network draw time for synthetic graphs of 100, 1,000 and 5,000 nodes.

Run by lib.bench with CROSSCURRENTS_STORE / CROSSCURRENTS_CORPUS set; starts
its own `streamlit run` on a free loopback port; prints one JSON object.
"""
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# Page -> what "drawn" means there.
PAGES = {
    "/": '[data-testid="stDataFrame"]',
    "/attacks": ".js-plotly-plot",
    "/network": "iframe",
    "/compare?cmp_tab=Framing+matrix": ".js-plotly-plot",
    "/timeline": ".js-plotly-plot",
    "/search?q=drone": "mark",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path = ROOT / "app.py"):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def wait_network_drawn(frame_or_page, timeout_ms: int) -> None:
    frame_or_page.wait_for_selector('#network[data-stable="1"] canvas', timeout=timeout_ms)


def wait_drawn(page, path: str, selector: str) -> None:
    page.wait_for_selector(selector, state="visible", timeout=120_000)
    if path == "/network":
        frame = page.frame_locator("iframe").first
        frame.locator('#network[data-stable="1"] canvas').wait_for(timeout=120_000)


def time_to_drawn(browser, url: str, path: str, selector: str, returning_from: str | None = None) -> float:
    """Seconds from navigation to the page's main element drawn, in a new browser context:
    with nothing cached, or (``returning_from``: a URL of the app visited first) as a
    reader who opened the app before, its scripts in the browser's cache."""
    ctx = browser.new_context()
    if returning_from:
        first = ctx.new_page()
        first.goto(returning_from)
        first.wait_for_selector('[data-testid="stSidebar"]', timeout=120_000)
        first.wait_for_load_state("networkidle")
        first.close()
    page = ctx.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    wait_drawn(page, path, selector)
    took = time.perf_counter() - t0
    ctx.close()
    return round(took, 3)


def page_times(browser, base: str) -> dict:
    """Each page three times, each in a new browser context: by the server's first
    visitor (nothing in the browser; the server's caches cold for the first page, whose
    reader then sets off the server's own warm-up of the others, lib/loaders.py
    ``warm_after_first_reader``, so later pages' first visitors come while it runs or
    after it, as a hosted server's second reader does), by the next (server caches
    warm, nothing in the browser), and by a returning reader (server caches warm,
    Streamlit's and Plotly's scripts in the browser's cache from an earlier visit)."""
    out = {}
    for path, selector in PAGES.items():
        first = time_to_drawn(browser, base + path, path, selector)
        out[path] = {"first_visitor_s": first, "next_visitor_s": time_to_drawn(browser, base + path, path, selector),
                     "returning_reader_s": time_to_drawn(browser, base + path, path, selector, returning_from=base + "/search")}
    return out


def after_warmup_times(browser) -> dict:
    """Each page's first visitor on a just-started server that has had the warm-up visit
    `make run` sends (lib/loaders.py: each page's default view, opened once)."""
    from lib.loaders import visit_pages

    proc, base = start_server()
    try:
        visits = visit_pages(base)
        pages = {path: time_to_drawn(browser, base + path, path, selector) for path, selector in PAGES.items()}
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"warmup_s": round(sum(v.seconds for v in visits), 2), "warmup_errors": [v.error for v in visits if v.error],
            "first_visitor_s": pages}


# Streamlit's own floor on this machine, for scale: the same server and browser,
# pages holding nothing of ours.
REFERENCE_PAGES = {
    "title_only": ('import streamlit as st\nst.title("Reference")\n', "h1"),
    "one_tiny_plotly_chart": ('import pandas\nimport plotly.graph_objects as go\nimport streamlit as st\n'
                              'st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), key="c")\n', ".js-plotly-plot"),
    # The same chart drawn as the app draws its charts (pages/charts.py: the app's own plotly.js build).
    "one_tiny_chart_our_build": (f'import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport pandas\nimport plotly.graph_objects as go\n'
                                 'from pages.charts import plotly_chart\n'
                                 'plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), key="c")\n', ".js-plotly-plot .bars path"),
}


def reference_times(browser, runs: int = 3) -> dict:
    """Seconds from navigation to drawn for Streamlit pages holding only a title, or only
    one two-bar Plotly chart (st.plotly_chart, then the app's own chart), each in a new
    browser context (server warm after the first)."""
    out = {}
    for name, (code, selector) in REFERENCE_PAGES.items():
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / f"{name}.py"
            script.write_text(code, encoding="utf-8")
            (Path(folder) / "static").symlink_to(ROOT / "static")  # Streamlit serves static/ beside the script
            proc, base = start_server(script)
            try:
                times = [time_to_drawn(browser, base + "/", "/", selector) for _ in range(runs + 1)][1:]
            finally:
                proc.terminate()
                proc.wait(timeout=30)
        out[name] = {"min_s": min(times), "median_s": sorted(times)[len(times) // 2]}
    return out


def graph_times(browser, sizes=(100, 1000, 5000)) -> dict:
    import networkx as nx

    from lib.network import graph_html
    from lib.registry import load_registry

    reg = load_registry()
    actors = list(reg.actors.values())
    rng = random.Random(7)
    out = {}
    for n in sizes:
        G = nx.MultiDiGraph()
        for i in range(n):
            a = actors[i % len(actors)]
            G.add_node(f"{a.id}_{i}", label=f"{a.name} {i}", type=a.type, camp=a.camp, mentions=rng.randint(1, 50))
        nodes = list(G.nodes)
        for _ in range(n * 2):
            u, v = rng.sample(nodes, 2)
            G.add_edge(u, v, relation=rng.choice(["attacks", "supports", "co_mention"]), weight=rng.randint(1, 9), evidence=[])
        t0 = time.perf_counter()
        try:
            html = graph_html(G, heading=f"{n} nodes")
        except Exception as err:  # a graph the renderer cannot take is a result too
            out[n] = {"error": str(err)[:200]}
            continue
        server = time.perf_counter() - t0
        path = Path(tempfile.mkdtemp()) / "graph.html"
        path.write_text(html, encoding="utf-8")
        page = browser.new_page()
        t0 = time.perf_counter()
        page.goto(path.as_uri())
        wait_network_drawn(page, 300_000)
        out[n] = {"server_s": round(server, 2), "browser_s": round(time.perf_counter() - t0, 2), "html_mb": round(len(html) / 1e6, 2)}
        page.close()
    return out


def main() -> None:
    from playwright.sync_api import sync_playwright

    proc, base = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
            result = {"pages": page_times(browser, base), "after_warmup": after_warmup_times(browser),
                      "streamlit_reference": reference_times(browser)}
            if os.environ.get("BENCH_GRAPHS") == "1":
                result["graphs"] = graph_times(browser)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
