"""Word-frequency vocabulary and the glued-word repairer.

Scraped articles lose line breaks and spaces ("itselfat", "USforces",
"MinisterBenjamin"). A token is repaired when it is out of vocabulary and some
split into two or three pieces is made of frequent words; names from our
dictionaries count as words, so "Ahlal-Haq" becomes "Ahl al-Haq" while a rare
surname such as "Shimmari" is left alone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import AbstractSet

# Below this Zipf frequency (about once in 30 million words) a token is treated
# as out of vocabulary: typos and glued pairs live there.
OOV_ZIPF = 1.5
# Pieces of a split must be at least this frequent; capitalised tokens split
# where the case does not change need more evidence (they are usually names).
PIECE_ZIPF = 2.5
PIECE_ZIPF_NAME = 3.5
SHORT_PIECE_ZIPF = 5.0  # two-letter pieces: "at", "to", "he", "of" …
SINGLE_LETTER_PIECES = {"a", "I"}

MEMO_LIMIT = 500_000  # distinct tokens remembered before the memo starts afresh

# Possessive quantifiers: nothing follows a run of letters that giving some back could
# match, and saying so spares the regex engine its backtracking bookkeeping.
TOKEN_RE = re.compile(r"[A-Za-z]++(?:['’][A-Za-z]++)*+")


@lru_cache(maxsize=1)
def _english() -> dict[str, float]:
    # Imported here: the app imports this module (through lib.pipeline) but never reads the
    # frequencies, and importing wordfreq took 0.15-0.2 s of a server's first page.
    from wordfreq import get_frequency_dict

    return {w: math.log10(f) + 9 for w, f in get_frequency_dict("en").items()}


class Vocabulary:
    """English word frequencies plus the tokens of our own dictionaries."""

    def __init__(self, extra_words=()):
        self.zipf = _english()
        # Dictionary tokens are as good as a common word: names must never be split.
        # Acronyms count only in capitals, so "IRI" does not make "iri" a word.
        words = [w for w in extra_words if w]
        self.acronyms = {w for w in words if w.isupper() and len(w) <= 5}
        self.extra = {w.lower() for w in words if w not in self.acronyms}
        # Articles repeat their words: memoise the per-token decisions.
        self._known: dict[str, bool] = {}
        # The known words among them as a set, so a whole paragraph's words can be
        # checked with one set difference instead of a call per word.
        self._known_words: set[str] = set()
        self._splits: dict[tuple[str, bool], list[str] | None] = {}

    def score(self, word: str) -> float:
        if word in self.acronyms:
            return 6.0
        w = word.lower().replace("’", "'")
        if w in self.extra:
            return 6.0
        z = self.zipf.get(w, 0.0)
        if w.endswith("'s"):
            z = max(z, self.score(word[:-2]))
        return z

    def is_known(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            if len(self._known) > MEMO_LIMIT:
                self._known.clear()
                self._known_words.clear()
            known = self._known[word] = self.score(word) >= OOV_ZIPF
            if known:
                self._known_words.add(word)
        return known

    def unknown(self, words: AbstractSet[str]) -> set[str]:
        """The words of ``words`` that are not known (same answer as ``is_known``)."""
        return {w for w in words - self._known_words if not self.is_known(w)}

    def _piece_ok(self, piece: str, name_like: bool) -> float | None:
        """Return the piece's score if it may stand alone, else None."""
        if len(piece) == 1:
            return 7.0 if piece in SINGLE_LETTER_PIECES or piece.lower() == "a" else None
        s = self.score(piece)
        if len(piece) == 2:
            if piece in self.acronyms:
                return 6.0  # US, UN
            return s if s >= SHORT_PIECE_ZIPF else None
        need = PIECE_ZIPF_NAME if name_like else PIECE_ZIPF
        return s if s >= need else None

    def split_glued(self, token: str, repeated: bool = False) -> list[str] | None:
        if len(token) < 4:
            return None
        key = (token, repeated)
        if key not in self._splits:
            if len(self._splits) > MEMO_LIMIT:
                self._splits.clear()
            self._splits[key] = self._split_glued(token, repeated)
        return self._splits[key]

    def _split_glued(self, token: str, repeated: bool = False) -> list[str] | None:
        """Split a glued token into known words, or return None to leave it.

        ``repeated`` says the token occurs more than once in its article: glued
        pairs are accidents of line breaks and rarely repeat, names do.
        """
        if len(token) < 4 or self.is_known(token) or token.isupper():
            return None
        # A possessive at the end: "PresidentBiden's" -> "President Biden's".
        m = re.match(r"^(.*[a-z])(['’]s)$", token)
        if m and "'" not in m.group(1) and "’" not in m.group(1):
            pieces = self.split_glued(m.group(1), repeated)
            return [*pieces[:-1], pieces[-1] + m.group(2)] if pieces else None
        # A possessive glued to the next word: "Iraq'sgovernment".
        m = re.match(r"^([A-Za-z]+['’]s)([A-Za-z]{2,})$", token)
        if m and self.is_known(m.group(1)[:-2]):
            rest = m.group(2)
            if self.is_known(rest):
                return [m.group(1), rest]
            tail = self.split_glued(rest)
            if tail:
                return [m.group(1), *tail]
        if "'" in token or "’" in token:
            return None
        best: tuple[float, list[str]] | None = None
        n = len(token)
        for i in range(1, n):
            for j in [None, *range(i + 1, n)]:
                pieces = [token[:i], token[i:]] if j is None else [token[:i], token[i:j], token[j:]]
                cuts = [len(pieces[0])] if j is None else [i, j]
                # A split where the case changes ("lastSeptember", "USforces") is
                # evidence in itself; a capitalised token split elsewhere is
                # probably a name, so its pieces need to be common words.
                case_break = any(token[c].isupper() != token[c - 1].isupper() for c in cuts)
                name_like = token[0].isupper() and not case_break
                if name_like and repeated:
                    continue
                scores = []
                for p in pieces:
                    s = self._piece_ok(p, name_like)
                    if s is None:
                        break
                    scores.append(s)
                else:
                    # Fewer pieces first, then the weakest piece as strong as possible.
                    key = (-len(pieces), min(scores))
                    if best is None or key > (-len(best[1]), best[0]):
                        best = (min(scores), pieces)
        return best[1] if best else None


def count_oov(text: str, vocab: Vocabulary) -> int:
    """Tokens of ``text`` that are not words we know."""
    counts = Counter(TOKEN_RE.findall(text))
    return sum(counts[w] for w in vocab.unknown(counts.keys()))
