"""Where things live. Overridable by environment so tests and benchmarks can
build into temporary directories."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CROSSCURRENTS_DATA", ROOT / "data"))
CORPUS_DIR = Path(os.environ.get("CROSSCURRENTS_CORPUS", DATA_DIR / "corpus"))
STORE_DIR = Path(os.environ.get("CROSSCURRENTS_STORE", DATA_DIR / "processed"))
# Files the browser loads from the app itself (Streamlit serves static/ at /app/static).
STATIC_DIR = ROOT / "static"
# Our plotly.js build (the traces the app draws), the version the plotly package builds figures for (static/vendor/README.md).
PLOTLY_JS = "vendor/plotly-scatter-bar-box-heatmap-4.1.1.min.js"
