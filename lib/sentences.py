"""Sentence splitting for news English.

A rule splitter: paragraphs always end a sentence; inside a paragraph a
full stop, question or exclamation mark (with any closing quotes) followed by
space and a capital or an opening quote ends one, unless it closes a known
abbreviation or an initial ("Colin P. Clarke", "U.S. troops", "Mr. Mansour").
"""
from __future__ import annotations

import re

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm",
    "gov", "sen", "rep", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "approx", "fm",
}
WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")
END_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
# END_RE for a paragraph whose only end mark is the full stop (most paragraphs): the
# regex engine finds a pattern that starts with one literal character several times
# faster than one that starts with a character class.
FULL_STOP_END_RE = re.compile(r"\.\.*[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
INITIALS_RE = re.compile(r"(?:[A-Za-z]\.)*[A-Za-z]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences of ``text``."""
    spans: list[tuple[int, int]] = []
    para_start = 0
    for para in text.split("\n"):
        _split_paragraph(text, para_start, para_start + len(para), spans)
        para_start += len(para) + 1
    return spans


def _split_paragraph(text: str, start: int, end: int, spans: list) -> None:
    para = text[start:end]
    local: list[tuple[int, int]] = []
    cursor = 0
    ends = END_RE if "?" in para or "!" in para or "…" in para else FULL_STOP_END_RE
    for m in ends.finditer(para):
        if _is_abbreviation(para, m.start()):
            continue
        _add(text, start + cursor, start + m.end(), local)
        cursor = m.end()
    _add(text, start + cursor, end, local)
    # A fragment of one or two words ("... between Hamas and Israel. October.")
    # belongs to the sentence before it: scraping broke it off.
    merged: list[tuple[int, int]] = []
    for s, e in local:
        if merged and len(text[s:e].split(None, 2)) <= 2:  # at most two splits: enough to tell
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    spans.extend(merged)


def _is_abbreviation(para: str, dot: int) -> bool:
    if para[dot] != ".":
        return False
    # The run of letters and dots before the full stop (a regex over para[:dot] rescans the paragraph at every dot).
    k = dot
    while k > 0 and para[k - 1] in WORD_CHARS:
        k -= 1
    if k == dot:
        return False
    w = para[k:dot]
    # "U.S", "U.N", single initials "P" (the cheap tests first: most words are neither)
    if (len(w) == 1 or "." in w) and INITIALS_RE.fullmatch(w):
        return w.isupper() or "." in w
    return w.lower() in ABBREVIATIONS


def _add(text: str, start: int, end: int, spans: list) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
