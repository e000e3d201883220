"""Sentence tone: VADER's compound score, computed about ten times faster.

VADER (Hutto & Gilbert 2014, the ``vaderSentiment`` package) is a lexicon of
~7,500 words rated -4..+4 plus rules for negation ("not legal"), boosters
("entirely defensive"), "but" and emphasis. Its reference implementation
lower-cases and re-scans the sentence for every lexicon word, about 0.2 ms a
sentence, too slow for a pipeline that must process hundreds of articles a
second. ``compound`` below runs the same rules on the same lexicon in one pass
(lower-casing once, skipping words that are not in the lexicon) and returns
exactly what ``SentimentIntensityAnalyzer.polarity_scores(text)["compound"]``
returns; tests/unit/test_framing.py checks that on every seed sentence.
Sentences containing emoji go to the reference implementation.

Limits (stated on the Compare page): the lexicon was built for social media,
not for war reporting; the score is for the whole sentence, not aimed at any
actor in it; quoted speech counts like the outlet's own words; sarcasm and
political framing words that are not in the lexicon ("proxies") score 0.
"""
from __future__ import annotations

import string

from vaderSentiment import vaderSentiment as vader

METHOD = "VADER compound score (lexicon and rules, vaderSentiment 3.3), per sentence"

_ANALYZER = vader.SentimentIntensityAnalyzer()
LEXICON: dict[str, float] = _ANALYZER.lexicon
_EMOJI = frozenset(_ANALYZER.emojis)
# no emoji is a single ASCII character, so an ASCII text holds none (tested in O(1))
_ASCII_EMOJI = any(len(e) == 1 and e.isascii() for e in _EMOJI)
_BOOST = vader.BOOSTER_DICT
_NEGATE = frozenset(vader.NEGATE)
_SPECIAL = vader.SPECIAL_CASES
_PUNCT = string.punctuation
_PUNCT_SET = frozenset(_PUNCT)
# words that get a score of their own (boosters only modify the next word's)
_SCORED = frozenset(LEXICON).difference(_BOOST)
# the words of VADER's idioms and multi-word boosters: _idioms can only change
# a valence when one of the words it looks at is one of these
_IDIOM_WORDS = frozenset(word for key in (*_SPECIAL, *(k for k in _BOOST if " " in k)) for word in key.split(" "))


def _strip(token: str) -> str:
    stripped = token.strip(_PUNCT)
    return token if len(stripped) <= 2 else stripped


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def compound(text: str) -> float:
    """VADER's compound score of ``text``, in [-1, 1]."""
    if (_ASCII_EMOJI or not text.isascii()) and not _EMOJI.isdisjoint(text):
        return _ANALYZER.polarity_scores(text)["compound"]
    # VADER's words: the white-space-separated tokens, with punctuation around
    # them stripped (_strip), lowered. Only lower-cased forms are looked up;
    # case is read from the tokens, which stripping does not change.
    tokens = text.split()
    if not tokens:
        return 0.0
    if "\u0130" in text:  # "İ" lowers to two characters: strip first, as VADER does
        low = [_strip(w).lower() for w in tokens]
    else:
        # Lowering the whole text splits into the same tokens, and with no
        # character changing length stripping after lowering gives the same words.
        low = [s if len(s := w.strip(_PUNCT)) > 2 else w for w in text.lower().split()]
    scored = _SCORED
    if scored.isdisjoint(low):
        return 0.0  # every word scores 0, so does the sentence
    n = len(tokens)
    n_upper = sum(map(str.isupper, tokens))
    cap_diff = 0 < n - n_upper < n
    sentiments = [0.0] * n
    lex = LEXICON
    for i, lw in enumerate(low):
        if lw not in scored:
            continue
        if lw == "kind" and i < n - 1 and low[i + 1] == "of":
            continue
        sentiments[i] = _valence(tokens, low, i, lex, cap_diff)
    if "but" in low:
        sentiments = _but_check(low.index("but"), sentiments)
    total = float(sum(sentiments))
    if total == 0 and not any(sentiments):
        return 0.0
    ep = min(text.count("!"), 4) * 0.292
    qm = text.count("?")
    amp = ep + ((qm * 0.18 if qm <= 3 else 0.96) if qm > 1 else 0)
    if total > 0:
        total += amp
    elif total < 0:
        total -= amp
    return round(vader.normalize(total), 4)


def _valence(tokens, low, i, lex, cap_diff) -> float:
    """The valence of lexicon word ``i`` after VADER's modifiers (sentiment_valence).
    ``tokens``: the sentence's tokens (stripped or not), ``low`` its lower-cased words."""
    lw = low[i]
    valence = lex[lw]
    n = len(low)
    if lw == "no" and i != n - 1 and low[i + 1] in lex:
        valence = 0.0
    if (i > 0 and low[i - 1] == "no") or (i > 1 and low[i - 2] == "no") or (
        i > 2 and low[i - 3] == "no" and low[i - 1] in ("or", "nor")
    ):
        valence = lex[lw] * vader.N_SCALAR
    if cap_diff and tokens[i].isupper():
        valence = valence + vader.C_INCR if valence > 0 else valence - vader.C_INCR
    for start_i in range(3):
        if i > start_i and low[i - (start_i + 1)] not in lex:
            prev = i - (start_i + 1)
            s = vader.scalar_inc_dec(_strip(tokens[prev]), valence, cap_diff) if low[prev] in _BOOST else 0.0
            if start_i == 1 and s != 0:
                s *= 0.95
            if start_i == 2 and s != 0:
                s *= 0.9
            valence += s
            valence = _negation(valence, low, start_i, i)
            if start_i == 2:
                valence = _idioms(valence, low, i)
    return _least(valence, low, i, lex)


def _negation(valence, low, start_i, i):
    if start_i == 0:
        if _negated(low[i - 1]):
            valence *= vader.N_SCALAR
    elif start_i == 1:
        if low[i - 2] == "never" and low[i - 1] in ("so", "this"):
            valence *= 1.25
        elif low[i - 2] == "without" and low[i - 1] == "doubt":
            pass
        elif _negated(low[i - 2]):
            valence *= vader.N_SCALAR
    else:
        if (low[i - 3] == "never" and low[i - 2] in ("so", "this")) or low[i - 1] in ("so", "this"):
            valence *= 1.25
        elif low[i - 3] == "without" and (low[i - 2] == "doubt" or low[i - 1] == "doubt"):
            pass
        elif _negated(low[i - 3]):
            valence *= vader.N_SCALAR
    return valence


def _idioms(valence, low, i):
    # VADER formats these with the words at i-3.. even when i < 3 (Python's
    # negative indices wrap around); kept as is so the scores agree.
    w = low
    words = _IDIOM_WORDS
    # every n-gram below is made of w[i-3] .. w[i+2] and holds w[i-3], w[i-2], w[i-1] or w[i]
    if w[i - 3] not in words and w[i - 2] not in words and w[i - 1] not in words and w[i] not in words:
        return valence
    seqs = (f"{w[i-1]} {w[i]}", f"{w[i-2]} {w[i-1]} {w[i]}", f"{w[i-2]} {w[i-1]}", f"{w[i-3]} {w[i-2]} {w[i-1]}", f"{w[i-3]} {w[i-2]}")
    for seq in seqs:
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    if len(w) - 1 > i and f"{w[i]} {w[i+1]}" in _SPECIAL:
        valence = _SPECIAL[f"{w[i]} {w[i+1]}"]
    if len(w) - 1 > i + 1 and f"{w[i]} {w[i+1]} {w[i+2]}" in _SPECIAL:
        valence = _SPECIAL[f"{w[i]} {w[i+1]} {w[i+2]}"]
    for ngram in (seqs[3], seqs[4], seqs[2]):
        if ngram in _BOOST:
            valence += _BOOST[ngram]
    return valence


def _least(valence, low, i, lex):
    if i > 1 and low[i - 1] not in lex and low[i - 1] == "least":
        if low[i - 2] not in ("at", "very"):
            valence *= vader.N_SCALAR
    elif i > 0 and low[i - 1] not in lex and low[i - 1] == "least":
        valence *= vader.N_SCALAR
    return valence


def _but_check(bi: int, sentiments: list[float]) -> list[float]:
    # VADER's loop looks each score up by value (list.index) while it rewrites
    # the list, so equal scores are scaled at the first one's position;
    # reproduced on purpose.
    out = list(sentiments)
    # a zero stays zero wherever it is written, so only the others need the loop
    for k in [k for k, sentiment in enumerate(sentiments) if sentiment]:
        sentiment = out[k]
        si = out.index(sentiment)
        if si < bi:
            out[si] = sentiment * 0.5
        elif si > bi:
            out[si] = sentiment * 1.5
    return out
