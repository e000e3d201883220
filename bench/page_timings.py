"""Server-side time of each page's rerun with the app's caches warm (AppTest).

Run by lib.bench with CROSSCURRENTS_STORE / CROSSCURRENTS_CORPUS pointing at
the store to measure; prints one JSON object {page: {"first_s", "warm_s"}}, and under
"(full garbage collection, skipped after each run)" what one full collection
of this process costs once every view is cached.
"""
import gc
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

# Every view a reader can open by a link: each page, each of its tabs, an actor's
# profile. The goal (a rerun within 300 ms at 10,000 articles) holds for each one:
# timing only the default tabs once left the framing matrix (0.3-0.9 s) and Iran's
# profile (1.3 s) rebuilding on every rerun, unseen.
VIEWS = [
    ("pages/overview.py", {}),
    ("pages/attacks.py", {}), ("pages/attacks.py", {"atk_chart": "Cumulative and rates"}), ("pages/attacks.py", {"atk_chart": "Casualties"}),
    ("pages/timeline.py", {}), ("pages/timeline.py", {"tl_view": "Map"}),
    ("pages/network.py", {}), ("pages/network.py", {"net_co": "true"}), ("pages/network.py", {"actor": "iran"}),
    # after the default graph: another top-N, registry links and another actor reuse its edges
    ("pages/network.py", {"net_top": "300"}), ("pages/network.py", {"net_reg": "true"}), ("pages/network.py", {"actor": "pmf"}),
    *[("pages/compare.py", {"cmp_tab": tab}) for tab in
      ["Side by side", "Framing matrix", "Same event, different words", "Blindspots", "Over time", "Aligned passages"]],
    ("pages/search.py", {"q": "drone"}),
    # A sidebar filter is a rerun a reader makes too, each set of filters computed when first asked for.
    ("pages/attacks.py", {"perspective": "Iraqi"}), ("pages/timeline.py", {"perspective": "Iraqi"}),
    ("pages/network.py", {"from": "2024-01-01", "to": "2024-12-31"}), ("pages/compare.py", {"from": "2024-01-01", "to": "2024-12-31"}),
    # a date range builds a large figure table (48,066 figures at 100,000 articles: 2.0 s before its charts were built only when drawn)
    ("pages/attacks.py", {"from": "2024-01-01", "to": "2024-12-31"}),
]
# The sidebar's widgets take their values from the link on a session's first run only.
SIDEBAR_KEYS = {"outlet", "perspective", "from", "to"}


def view_name(page: str, query: dict) -> str:
    return page + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def main() -> None:
    out = {}
    for page, query in VIEWS:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.query_params.update({k: v for k, v in query.items() if k in SIDEBAR_KEYS})
        at.run()
        at.switch_page(page)
        at.query_params.update(query)
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        warm = []
        for _ in range(3):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        out[view_name(page, query)] = {"first_s": round(first, 3), "warm_s": round(statistics.median(warm), 3),
                                       "errors": [str(e.value)[:200] for e in at.exception] + [w.value[:200] for w in at.warning if "not available here" in w.value]}
    # What each rerun in a server would also pay with Streamlit's default `runner.postScriptGC`
    # (off in .streamlit/config.toml): AppTest's timings above leave that collection out.
    collections = []
    for _ in range(3):
        t0 = time.perf_counter()
        gc.collect(2)
        collections.append(time.perf_counter() - t0)
    out["(full garbage collection, skipped after each run)"] = {"seconds": round(statistics.median(collections), 3),
                                                               "objects": len(gc.get_objects())}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
