"""The article reader's data: an article's facts, its highlighted names and the actors
it names. The Overview page draws them; the text itself is escaped by lib/highlight."""
from __future__ import annotations

import json

import pandas as pd

from lib.frames import is_missing
from lib.highlight import Span, highlight, page_href
from lib.paths import CORPUS_DIR
from lib.style import camp_color


def known(v) -> bool:
    """A value is there: not missing, not empty."""
    return not is_missing(v) and v != ""


def article_facts(art) -> pd.DataFrame:
    """Outlet, author, date and its basis, perspective and where the metadata came from, as a field/value table."""
    origin = json.loads(art["meta_from"]) if known(art["meta_from"]) else {}
    published = art["published"]
    rows = [
        ("Outlet", art["outlet"] + (f" (republishing {art['original_publisher']})" if known(art["original_publisher"]) else "")),
        ("Author", art["author"] if known(art["author"]) else "unknown"),
        ("Published", (f"{published} ({art['date_precision']})" if known(art["date_precision"]) else str(published)) if known(published) else "unknown"),
        ("Date basis", art["date_basis"] if known(art["date_basis"]) else "—"),
        ("Perspective", art["perspective_label"]),
        ("Metadata from", ", ".join(f"{k}: {v}" for k, v in sorted(origin.items())) or "unknown"),
    ]
    return pd.DataFrame(rows, columns=["field", "value"]).set_index("field")


def mention_spans(mentions: pd.DataFrame, registry, *, raw: bool = False) -> list[Span]:
    """One highlight per mention, coloured by the actor's camp and linked to its profile;
    ``raw``: at its place in the file as received rather than in the cleaned text."""
    spans = []
    for m in mentions.itertuples():
        actor = registry.actors.get(m.actor)
        name = actor.name if actor else m.actor
        start, end = (m.raw_start, m.raw_end) if raw else (m.start, m.end)
        spans.append(Span(start, end, camp_color(actor.camp if actor else None), f"{name} ({m.method})", page_href("network", actor=name)))
    return spans


def actors_table(mentions: pd.DataFrame, registry, names: dict[str, str]) -> pd.DataFrame:
    """The actors an article names, most mentioned first, with the words it names them by."""
    counts = mentions.groupby("actor").size().sort_values(ascending=False)
    # One pass over the mentions, not a mask per actor: 13-16 ms that way for an article
    # of the 10,000-article bench corpus, every time the Overview drew it; 2 ms now.
    surfaces: dict[str, set[str]] = {}
    for actor, surface in zip(mentions["actor"], mentions["surface"]):
        surfaces.setdefault(actor, set()).add(surface)
    return pd.DataFrame({
        "actor": [names.get(a, a) for a in counts.index],
        "type": [registry.actors[a].type for a in counts.index],
        "camp": [registry.camp_labels.get(registry.actors[a].camp, "") for a in counts.index],
        "mentions": counts.values,
        "surfaces": [", ".join(sorted(surfaces[a])) for a in counts.index],
    })


def original_text(art) -> str:
    """The article's file as received, debris and all."""
    return (CORPUS_DIR / art["source_file"]).read_text(encoding="utf-8")


EVIDENCE_ID = "evidence"  # the marked sentence, which the reader scrolls to
EVIDENCE_STYLE = "background:#fff3b0;box-shadow:0 0 0 2px #e0b400;border-radius:2px"


def article_html(text: str, spans: list[Span], focus: tuple[int, int] | None = None) -> str:
    """The article as escaped HTML with its names highlighted and, when a link named a
    sentence, that sentence (``focus``: its start and end in ``text``) marked in place,
    so it is read in its context rather than only quoted above it."""
    if focus is None or not (0 <= focus[0] < focus[1] <= len(text)):
        return highlight(text, spans)
    start, end = focus
    inside = [Span(s.start - start, s.end - start, s.color, s.title, s.href, s.anchor) for s in spans if start <= s.start and s.end <= end]
    outside = [s for s in spans if s.end <= start or s.start >= end]
    before = highlight(text[:start], [s for s in outside if s.end <= start])
    after = highlight(text[end:], [Span(s.start - end, s.end - end, s.color, s.title, s.href, s.anchor) for s in outside if s.start >= end])
    return f'{before}<span id="{EVIDENCE_ID}" style="{EVIDENCE_STYLE}">{highlight(text[start:end], inside)}</span>{after}'


def evidence_sentence(query, article_id: str, sent_id: int | None) -> dict | None:
    """The sentence a link named: its text, and its place in the cleaned text and in the
    file as received (None when the link named none, or one the article does not have)."""
    if sent_id is None:
        return None
    rows = query('SELECT text, start, "end", raw_start, raw_end FROM sentences WHERE article_id = ? AND sent_id = ?', [article_id, sent_id])
    if not len(rows):
        return None
    r = rows.iloc[0]
    return {"text": r["text"], "span": (int(r["start"]), int(r["end"])), "raw_span": (int(r["raw_start"]), int(r["raw_end"]))}
