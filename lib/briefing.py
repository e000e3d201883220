"""The briefing pack: one self-contained HTML file of the current view.

Charts stay interactive (plotly.js is inlined once), tables are plain HTML,
the network graph is embedded as a sandboxed srcdoc iframe, and every figure
keeps its provenance as a footnote. The file makes no request when opened:
nothing is loaded from a CDN. All text is escaped: article text is untrusted.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from lib.attack_charts import relayed_text
from lib.frames import records
from lib.paths import PLOTLY_JS, STATIC_DIR

CSS = """
body{font-family:Georgia,'Source Serif Pro',serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1e2326}
h1{font-size:2rem;margin-bottom:.2rem} h2{margin-top:2.2rem;border-bottom:1px solid #d9dcda;padding-bottom:.2rem}
.meta{color:#555;font-size:.95rem} .filters{background:#f3f4f2;padding:.6rem .9rem;border-left:4px solid #0b5563}
table{border-collapse:collapse;font-family:system-ui,sans-serif;font-size:.85rem;width:100%}
th,td{border:1px solid #d9dcda;padding:.3rem .45rem;vertical-align:top;text-align:left} th{background:#f3f4f2}
.notes{font-size:.85rem;color:#333} .notes li{margin-bottom:.3rem} iframe{width:100%;border:1px solid #d9dcda}
@media print{.pagebreak{page-break-before:always}}
"""


@dataclass
class Panel:
    title: str
    kind: str  # "chart" | "table" | "text" | "document"
    # By kind: a figure, a DataFrame, an HTML document or text; or a function that makes
    # it when a pack is made (a chart the page does not draw is not built on every rerun).
    payload: Any
    # Notes, or a function that writes them: pages register panels on every rerun,
    # and the notes of a large table are only worth writing when a pack is made.
    notes: list[str] | Callable[[], list[str]] = field(default_factory=list)
    caption: str = ""

    def content(self) -> Any:
        return self.payload() if callable(self.payload) else self.payload

    def note_lines(self) -> list[str]:
        return list(self.notes() if callable(self.notes) else self.notes)


@dataclass
class Briefing:
    title: str
    filters_text: str
    panels: list[Panel] = field(default_factory=list)

    def add(self, panel: Panel) -> None:
        # A rerun re-adds the same panels: keep the latest of each title.
        self.panels = [p for p in self.panels if p.title != panel.title] + [panel]


def _table_html(df: pd.DataFrame, max_rows: int = 500) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.head(max_rows).itertuples(index=False):
        body.append("<tr>" + "".join(f"<td>{html.escape('' if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))}</td>" for v in row) + "</tr>")
    more = f"<p class='meta'>{len(df) - max_rows:,} more rows in the CSV export.</p>" if len(df) > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def render(brief: Briefing, generated: datetime | None = None) -> str:
    """The pack as one HTML document."""
    generated = generated or datetime.now()
    parts = []
    needs_plotly = any(p.kind == "chart" for p in brief.panels)
    if needs_plotly:
        # Inlined once for all charts: the file must open with no network. The app's
        # own build (only the traces we draw) keeps a pack 3.6 MB lighter than plotly's
        # full bundle.
        parts.append(f"<script>{(STATIC_DIR / PLOTLY_JS).read_text(encoding='utf-8')}</script>")
    for i, p in enumerate(brief.panels):
        parts.append(f"<section class='{'pagebreak' if i else ''}'><h2>{html.escape(p.title)}</h2>")
        if p.caption:
            parts.append(f"<p class='meta'>{html.escape(p.caption)}</p>")
        payload = p.content()
        if p.kind == "chart":
            parts.append(payload.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False}))
        elif p.kind == "table":
            parts.append(_table_html(payload))
        elif p.kind == "document":
            # A whole HTML document (the network graph) in a sandboxed frame.
            parts.append(f"<iframe sandbox='allow-scripts' style='height:640px' srcdoc=\"{html.escape(payload, quote=True)}\"></iframe>")
        else:
            parts.append(f"<p>{html.escape(str(payload))}</p>")
        notes = p.note_lines()
        if notes:
            parts.append("<ol class='notes'>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ol>")
        parts.append("</section>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; frame-src 'self' about: data:\">"
        f"<title>{html.escape(brief.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(brief.title)}</h1>"
        f"<p class='meta'>Crosscurrents briefing pack, generated {generated:%Y-%m-%d %H:%M}. Every figure is a claim: its claimant, reporter and period are in the notes under each panel.</p>"
        f"<p class='filters'><b>What is shown:</b> {html.escape(brief.filters_text)}</p>"
        + "".join(parts)
        + "</body></html>"
    )


def figure_notes(table: pd.DataFrame) -> list[str]:
    """One provenance footnote per figure row (as built by lib.attack_charts.figure_table)."""
    notes = []
    for r in records(table):
        notes.append(
            f"{r['claim']} {r['unit']}, {r['period']}: claimed by {r['claimant']}{relayed_text(r.get('relayed_by'))}, reported by {r['reporter']} "
            f"({r['qualifier']}, {r['source']}). {r['citation']}. Evidence: “{r['evidence']}”"
        )
    return notes
