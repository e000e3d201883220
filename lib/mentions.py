"""Actor mentions in clean text, and candidate names the registry does not know."""
from __future__ import annotations

import bisect
import re
from datetime import date

from lib.places import load_places
from lib.registry import ROLE_BLOCKERS, Registry, tokenize
from lib.vocab import Vocabulary

# A run of capitalised words, allowing Arabic name particles inside ("Salam al-Jazaeri").
CANDIDATE_RE = re.compile(
    r"\b(?:[A-Z][a-z’'A-Z-]+)(?:\s+(?:(?:al|bin|ibn|abu|abd|el|de|of)[- ])?[A-Z][a-z’'A-Z-]+){1,4}"
)
# Capitalised words that begin sentences or titles rather than names.
COMMON_ZIPF = 4.6
LEADING_DETERMINERS = {"The", "A", "An", "This", "That", "These", "Those", "Its", "His", "Her", "Their"}


def sentence_index(spans: list[tuple[int, int]]):
    starts = [s for s, _ in spans]

    def find(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    return find


def find_mentions(text: str, spans, registry: Registry, published: date | None):
    """Return (mentions, candidates) as lists of dicts with clean-text offsets."""
    toks = tokenize(text)
    matches = registry.matcher.find(text, toks)
    sent_of = sentence_index(spans)
    person_starts = {
        m.first_token for m in matches if not m.target.startswith("role:") and registry.actors[m.target].type == "person"
    }
    # An actor name inside a longer place name is part of the place, not the
    # actor: "the Jordan Valley" is not Jordan, "Baghdad airport" not the government.
    place_spans = [(p.start, p.end) for p in load_places().find(text, toks)]
    place_starts = [s for s, _ in place_spans]
    mentions = []
    for m in matches:
        # Place matches do not overlap and run left to right: only the last one
        # starting at or before the mention can contain it.
        k = bisect.bisect_right(place_starts, m.start) - 1
        if k >= 0 and m.end <= place_spans[k][1] and place_spans[k][1] - place_spans[k][0] > m.end - m.start:
            continue
        actor = m.target
        if actor.startswith("role:"):
            prev = toks.norms[m.first_token - 1] if m.first_token > 0 else ""
            named_next = any(t in person_starts for t in range(m.last_token + 1, m.last_token + 3))
            if prev in ROLE_BLOCKERS or named_next:
                continue
            actor = registry.holder(actor[5:], published)
            if actor is None:
                continue
        mentions.append(
            {"sent_id": sent_of(m.start), "actor": actor, "surface": m.surface, "start": m.start, "end": m.end, "method": m.method}
        )
    return mentions, find_candidates(text, spans, matches, registry, known_spans=place_spans)


def find_candidates(text: str, spans, matches, registry: Registry, vocab: Vocabulary | None = None, known_spans=()):
    """Capitalised multi-word names that neither an actor alias nor a place
    covers: people and groups to add to the registry."""
    covered = sorted([(m.start, m.end) for m in matches] + list(known_spans))
    sent_of = sentence_index(spans)
    zipf = (vocab or _common_vocab()).score
    out = []
    j = 0  # matches and candidates both run left to right: sweep once
    for m in CANDIDATE_RE.finditer(text):
        s, e = m.start(), m.end()
        while j < len(covered) and covered[j][1] <= s:
            j += 1
        if j < len(covered) and covered[j][0] < e:
            continue
        words = re.split(r"[\s-]+", m.group())
        while words and words[0] in LEADING_DETERMINERS:
            words = words[1:]  # "The Iranians" is a sentence start, not a name
        if len(words) < 2:
            continue
        content = [w for w in words if w.lower() not in {"al", "bin", "ibn", "abu", "abd", "el", "de", "of"}]
        # All ordinary words ("Middle East", "Security Council") are not names.
        if all(zipf(w.strip("’'")) >= COMMON_ZIPF for w in content):
            continue
        out.append({"sent_id": sent_of(s), "surface": m.group(), "start": s, "end": e})
    return out


_VOCAB: list[Vocabulary] = []


def _common_vocab() -> Vocabulary:
    if not _VOCAB:
        _VOCAB.append(Vocabulary())
    return _VOCAB[0]
