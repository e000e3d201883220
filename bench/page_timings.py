"""Server-side time of each page's rerun with the app's caches warm (AppTest).

Run by lib.bench with CROSSCURRENTS_STORE / CROSSCURRENTS_CORPUS pointing at
the store to measure; prints one JSON object {page: {"first_s", "warm_s"}}.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

PAGES = ["pages/overview.py", "pages/attacks.py", "pages/network.py", "pages/compare.py", "pages/timeline.py", "pages/search.py"]
QUERIES = {"pages/search.py": {"q": "drone"}}


def main() -> None:
    out = {}
    for page in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page(page)
        at.query_params.update(QUERIES.get(page, {}))
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        warm = []
        for _ in range(3):
            t0 = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - t0)
        out[page] = {"first_s": round(first, 3), "warm_s": round(statistics.median(warm), 3), "errors": [str(e.value)[:200] for e in at.exception]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
