"""The words a text holds, to skip regexes that cannot match it.

Scanning a sentence with a regex costs about as much as the regex has
alternatives at every word; most sentences hold none of the words the regex
needs. ``words_of(text)`` lists a text's words in one pass of C code (the
UTF-8 bytes with every byte but a letter or a digit turned into a space,
capitals lowered, split), and ``WordRequirement.of(pattern)`` works out, from
the parsed regex, the words one of its matches must hold. When a text lacks
them, the regex is not run: the test is a necessary condition, so skipping
changes nothing.

Why it is exact. A regex that matches whole words (``\\b`` at both ends) can
only match where each of its words stands between non-word characters, and
every such character separates words here too (a character that is a letter
or digit for Python but not ASCII is a separator here: that only adds words).
Two things would hide a word: a character that re.IGNORECASE matches with an
ASCII letter (İ ı ſ K, lib/casefold.py) or a digit that is not ASCII
(``\\d`` matches any Unicode decimal). A text holding one is not ``plain`` and
every requirement then says "maybe".
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from itertools import product

# Letters and digits stay (capitals lowered), every other byte separates words.
_WORD_BYTES = bytes(
    b + 32 if 0x41 <= b <= 0x5A else b if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A) else 0x20 for b in range(256)
)
_ASCII = bytes(range(128))
_NOT_DIGITS = bytes(b for b in range(256) if not 0x30 <= b <= 0x39)
# Characters re.IGNORECASE matches with an ASCII letter.
_ASCII_LOOKALIKES = frozenset("\u0130\u0131\u017f\u212a")
# In a string enumerated from a regex: characters we do not know (see _strings).
_UNKNOWN = "\0"
_MAX_STRINGS = 5000


class Words:
    """``tokens``: the lower-cased ASCII words; ``digits``: holds an ASCII digit;
    ``plain``: no character that makes ``tokens`` untrustworthy (see the module)."""

    __slots__ = ("tokens", "digits", "plain")

    def __init__(self, text: str):
        raw = text.encode("utf-8", "surrogatepass")
        self.tokens = frozenset(raw.translate(_WORD_BYTES).split())
        self.digits = bool(raw.translate(None, _NOT_DIGITS))
        beyond_ascii = raw.translate(None, _ASCII)
        self.plain = not beyond_ascii or not any(
            c in _ASCII_LOOKALIKES or c.isdecimal() for c in set(beyond_ascii.decode("utf-8", "surrogatepass"))
        )

    def may_hold_digit(self) -> bool:
        """Could ``\\d`` match in the text?"""
        return self.digits or not self.plain


# What several extractors ask about the same text (its words, its dates) is
# worked out once per article, in memos that live for one article only
# (lib/pipeline.py process_article): a memo kept across articles would make a
# corpus that repeats sentences (the synthetic benchmark's) look faster than
# the work a real corpus needs.
_ARTICLE_MEMOS: ContextVar[dict[str, dict] | None] = ContextVar("article_memos", default=None)


@contextmanager
def one_article():
    """Within this block, ``article_memo`` gives memos that are dropped when it ends."""
    token = _ARTICLE_MEMOS.set({})
    try:
        yield
    finally:
        _ARTICLE_MEMOS.reset(token)


def article_memo(name: str) -> dict | None:
    """The current article's memo called ``name`` (empty at first); None outside ``one_article()``."""
    memos = _ARTICLE_MEMOS.get()
    if memos is None:
        return None
    memo = memos.get(name)
    if memo is None:
        memo = memos[name] = {}
    return memo


def words_of(text: str) -> Words:
    """The words of ``text``, once per article (several modules ask about one sentence)."""
    memo = article_memo("words")
    if memo is None:
        return Words(text)
    words = memo.get(text)
    if words is None:
        words = memo[text] = Words(text)
    return words


class WordRequirement:
    """Sets of words, one of which a text must hold entirely for a regex to match in it."""

    def __init__(self, word_sets: list[frozenset[bytes]] | None):
        # None: no requirement we could work out (the regex may match anything).
        self.sets = word_sets
        # Each set filed under its longest word (probably its rarest).
        self._by_key: dict[bytes, list[frozenset[bytes]]] = {}
        for s in word_sets or ():
            self._by_key.setdefault(max(s, key=lambda w: (len(w), w)), []).append(s)
        self._keys = frozenset(self._by_key)

    @classmethod
    def of(cls, pattern: str, flags: int = 0) -> WordRequirement:
        """The requirement of ``pattern``, a regex source compiled with ``flags``."""
        return _requirement(pattern, flags)

    def may_match(self, words: Words) -> bool:
        if self.sets is None or not words.plain:
            return True
        tokens = words.tokens
        if self._keys.isdisjoint(tokens):  # the usual answer, found without building a set
            return False
        for key in self._keys.intersection(tokens):
            for s in self._by_key[key]:
                if s <= tokens:
                    return True
        return False


class WordIndex:
    """Many requirements at once: ``possible(words)`` names those a text may meet."""

    def __init__(self, requirements: dict):
        self.always = frozenset(k for k, r in requirements.items() if r.sets is None)
        self.every = frozenset(requirements)
        self._by_key: dict[bytes, list[tuple[frozenset[bytes], object]]] = {}
        for name, r in requirements.items():
            for key, sets in r._by_key.items():
                self._by_key.setdefault(key, []).extend((s, name) for s in sets)
        self._keys = frozenset(self._by_key)

    def possible(self, words: Words) -> frozenset:
        if not words.plain:
            return self.every
        tokens = words.tokens
        if self._keys.isdisjoint(tokens):
            return self.always
        found = set(self.always)
        for key in self._keys.intersection(tokens):
            found.update(name for s, name in self._by_key[key] if s <= tokens)
        return frozenset(found)


@lru_cache(maxsize=256)
def _requirement(pattern: str, flags: int) -> WordRequirement:
    try:
        from re import _constants as sre, _parser  # type: ignore[attr-defined]  # private: not in typeshed
        items = list(_parser.parse(pattern, flags).data)
    except (ImportError, AttributeError, TypeError):  # another Python's private parser: no filter
        return WordRequirement(None)
    strings = _strings(items, sre)
    # A match's first (last) word is whole only where the pattern says a word begins (ends) there.
    if not items or items[0] != (sre.AT, sre.AT_BOUNDARY):
        strings = {_UNKNOWN + s for s in strings}
    if not items or items[-1] != (sre.AT, sre.AT_BOUNDARY):
        strings = {s + _UNKNOWN for s in strings}
    sets = set()
    for s in strings:
        # Lower-cased like the text's words: for a case-sensitive pattern that asks less, not more.
        words = frozenset(w.lower().encode("ascii") for w in _whole_words(s))
        if not words:
            return WordRequirement(None)  # a match that needs no word of its own
        sets.add(words)
    # A set holding another adds nothing.
    minimal = [s for s in sets if not any(o < s for o in sets)]
    return WordRequirement(sorted(minimal, key=sorted))


def _whole_words(s: str) -> list[str]:
    """The ASCII words of an enumerated match whose ends are known (the match's
    own ends are word boundaries); words touching an unknown stretch are not."""
    out, word, known = [], [], True
    for ch in s + " ":
        if ch.isascii() and ch.isalnum():
            word.append(ch)
            continue
        if word and known and ch != _UNKNOWN:
            out.append("".join(word))
        word, known = [], ch != _UNKNOWN
    return out


def _strings(items, sre) -> set[str]:
    """Every string the parsed regex sequence ``items`` can match; a stretch it
    cannot spell out (a class, an unbounded repeat, ...) is one _UNKNOWN character.
    Look-arounds and ``\\b`` only narrow the matches: they are left out."""
    out = {""}
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue
        options = _options(op, av, sre)
        out = {a + b for a in out for b in options}
        if len(out) > _MAX_STRINGS:
            return {_UNKNOWN}
    return out


def _options(op, av, sre) -> set[str]:
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        if all(kind is sre.LITERAL for kind, _ in av):
            return {chr(code) for _, code in av}
        if av == [(sre.CATEGORY, sre.CATEGORY_SPACE)]:
            return {" "}  # any whitespace separates words alike
        return {_UNKNOWN}
    if op is sre.SUBPATTERN and not (av[1] or av[2]):  # a group without flags of its own
        return _strings(av[-1], sre)
    if op is sre.BRANCH:
        return set().union(*(_strings(alt, sre) for alt in av[1]))
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        lo, hi, sub = av
        once = _strings(sub, sre)
        if hi <= 3 and len(once) ** hi <= _MAX_STRINGS:
            return {"".join(p) for n in range(lo, hi + 1) for p in product(sorted(once), repeat=n)}
        if once == {" "}:
            return {" "} if lo else {"", " "}
        if lo >= 1 and len(once) ** 2 <= _MAX_STRINGS:
            # The first and the last repetition, whatever lies between (maybe nothing).
            return {f + _UNKNOWN + last for f in once for last in once} | (once if lo == 1 else set())
        return {_UNKNOWN}
    return {_UNKNOWN}
