"""Actor mentions in clean text, and candidate names the registry does not know."""
from __future__ import annotations

import bisect
import re
from datetime import date

from lib.places import load_places
from lib.registry import ROLE_BLOCKERS, Registry, tokenize
from lib.vocab import Vocabulary

# A run of capitalised words, allowing Arabic name particles inside ("Salam al-Jazaeri").
# It starts with the capital and checks the word boundary before it afterwards
# (``\b[A-Z]``): a pattern that starts with a character class lets the regex
# engine skip to the next capital instead of trying every position. Words and
# spaces are possessive (``++``): what follows them can never start inside them,
# so the engine need not try giving characters back.
CANDIDATE_RE = re.compile(
    r"[A-Z](?<!\w[A-Z])[a-z’'A-Z-]++(?:\s++(?:(?:al|bin|ibn|abu|abd|el|de|of)[- ])?[A-Z][a-z’'A-Z-]++){1,4}"
)
WORD_SEPARATORS_RE = re.compile(r"[\s-]+")
# Capitalised words that begin sentences or titles rather than names.
COMMON_ZIPF = 4.6
LEADING_DETERMINERS = {"The", "A", "An", "This", "That", "These", "Those", "Its", "His", "Her", "Their"}


def sentence_index(spans: list[tuple[int, int]]):
    starts = [s for s, _ in spans]

    def find(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    return find


# Words before a city's name that make it the place, not its government. "to"
# alone is not enough ("a waiver to Baghdad" goes to the government), so it
# counts only after words of going somewhere.
PLACE_PREPOSITIONS = frozenset({"in", "from", "toward", "towards", "into", "near", "outside", "around", "across", "at", "inside", "through", "via"})
GOING_WORDS = frozenset({"visit", "visits", "visited", "visiting", "trip", "travel", "traveled", "travelled", "returned", "flew", "came",
                         "went", "headed", "moved", "advance", "advanced", "advancing", "marched", "march", "way", "road", "arrived"})


def used_as_place(norms, first_token: int) -> bool:
    """Whether the place name at ``first_token`` is used as a place (by the words before it)."""
    prev = norms[first_token - 1] if first_token > 0 else ""
    if prev in PLACE_PREPOSITIONS:
        return True
    return prev == "to" and first_token > 1 and norms[first_token - 2] in GOING_WORDS


def find_mentions(text: str, spans, registry: Registry, published: date | None):
    """Return (mentions, candidates) as lists of dicts with clean-text offsets."""
    toks = tokenize(text)
    matches = registry.matcher.find(text, toks)
    sent_starts = [s for s, _ in spans]
    person_starts = None  # first tokens of people's names: asked for only next to a role title
    # An actor name inside a longer place name is part of the place, not the
    # actor: "the Jordan Valley" is not Jordan, "Baghdad airport" not the government.
    # (The gazetteer's matcher directly: only the spans are wanted, not PlaceMatch objects.)
    gazetteer = load_places()
    place_hits = gazetteer.matcher.find(text, toks)
    place_spans = [(p.start, p.end) for p in place_hits]
    place_starts = [s for s, _ in place_spans]
    mentions = []
    for m in matches:
        start, end = m.start, m.end
        # Place matches do not overlap and run left to right: only the last one
        # starting at or before the mention can contain it.
        k = bisect.bisect_right(place_starts, start) - 1
        if k >= 0:
            place_start, place_end = place_spans[k]
            if end <= place_end and place_end - place_start > end - start:
                continue
            # A capital standing for its government ("Baghdad condemned the strike") is
            # the actor; "reporting from Baghdad", "a visit to Tehran" name the city.
            # (Countries stay actors: drones "launched from Iraq" come from the state's soil.)
            if ((place_start, place_end) == (start, end) and gazetteer.places[place_hits[k].target].type == "city"
                    and used_as_place(toks.norms, m.first_token)):
                continue
        actor: str | None = m.target
        if m.method == "role":  # a title ("role:<title>"): its holder on the article's date
            prev = toks.norms[m.first_token - 1] if m.first_token > 0 else ""
            if person_starts is None:
                person_starts = {
                    p.first_token for p in matches if not p.target.startswith("role:") and registry.actors[p.target].type == "person"
                }
            named_next = any(t in person_starts for t in range(m.last_token + 1, m.last_token + 3))
            if prev in ROLE_BLOCKERS or named_next:
                continue
            actor = registry.holder(m.target[5:], published)
            if actor is None:
                continue
        sent_id = max(0, bisect.bisect_right(sent_starts, start) - 1)  # as sentence_index(spans)(start)
        mentions.append({"sent_id": sent_id, "actor": actor, "surface": m.surface, "start": start, "end": end, "method": m.method})
    return mentions, find_candidates(text, spans, matches, registry, known_spans=place_spans)


def find_candidates(text: str, spans, matches, registry: Registry, vocab: Vocabulary | None = None, known_spans=()):
    """Capitalised multi-word names that neither an actor alias nor a place
    covers: people and groups to add to the registry."""
    covered = sorted([(m.start, m.end) for m in matches] + list(known_spans))
    sent_of = sentence_index(spans)
    zipf = (vocab or _common_vocab()).score
    out = []
    j, n_covered = 0, len(covered)  # matches and candidates both run left to right: sweep once
    for m in CANDIDATE_RE.finditer(text):
        s, e = m.span()
        while j < n_covered and covered[j][1] <= s:
            j += 1
        if j < n_covered and covered[j][0] < e:
            continue
        words = WORD_SEPARATORS_RE.split(m.group())
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
