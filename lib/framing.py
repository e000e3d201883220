"""Labels: the words an article uses to name and characterise each actor.

One row per label (table ``labels``), each with its sentence and that
sentence's tone (lib/tone.py). Kinds:

- ``name``: how the actor is named: every mention's own surface ("popular
  forces", "Iranian regime's proxies", "Zionist entity"), and group nouns that
  point back to it ("These vehemently anti-American militias" -> the PMU named
  in the sentence before; ``resolved`` = "back-reference").
- ``modifier``: descriptors before or after the name ("political analyst Tariq
  al-Shammari", "the Iran-aligned Islamic Resistance in Iraq", "vehemently
  anti-American militias", "the Kataib Sayyid al-Shuhada faction").
- ``apposition``: "General Qassim Suleimani, a widely respected figure at home".
- ``predicate``: what it is said to be ("they have become a violent force",
  "... Popular Mobilization Forces is entirely defensive and legal", "considers
  the United States a mortal enemy").
- ``event``: the phrase used for an event in data/loaded_terms.yaml ("cowardly
  assassination", "US airstrike that killed"), with the event's id.

Rules are patterns over the text with the word lists of data/framing.yaml; no
parser, so the extraction stays fast (one pass of regular expressions per
sentence). Quotes are extracted in lib/quotes.py.
"""
from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import AbstractSet

from lib import tone, yamlfile
from lib.casefold import fold
from lib.paths import DATA_DIR

try:  # the regex parser, to find the literals a pattern requires
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # Python 3.11+; not in typeshed
except ImportError:  # pragma: no cover
    import sre_parse

# Actor types a group noun ("these militias") can point back to: nobody calls
# an army "militias" or a militia "the coalition" unless the article did.
GROUP_TYPES = {"armed group", "facade group", "party/coalition", "armed forces", "international body"}
NOUN_TYPES = {
    "militia": {"armed group", "facade group"}, "faction": {"armed group", "facade group"},
    "proxies": {"armed group", "facade group"}, "paramilitaries": {"armed group", "facade group"},
    "fighters": {"armed group", "facade group"}, "brigades": {"armed group", "facade group"},
    "group": {"armed group", "facade group", "party/coalition"}, "movement": {"armed group", "facade group", "party/coalition"},
    "organization": {"armed group", "facade group", "party/coalition"}, "organisation": {"armed group", "facade group", "party/coalition"},
    "forces": {"armed group", "armed forces"}, "units": {"armed group", "armed forces"},
    "coalition": {"armed group", "party/coalition", "international body"}, "alliance": {"party/coalition", "international body"},
}
PLURAL_ONLY = {"forces", "units", "brigades", "fighters", "paramilitaries", "proxies"}
LEADING_ADVERBS = {"now", "also", "still", "therefore", "thus", "then", "already", "again"}
DETERMINERS = {"a", "an", "the", "this", "these", "those", "that", "its", "his", "her", "their", "our", "my", "your", "such"}
PREPOSITIONS = {"of", "in", "on", "at", "by", "for", "with", "from", "to", "into", "against", "between", "among", "during",
                "since", "toward", "towards", "including", "like", "as", "about", "over", "under", "after", "before", "near",
                "across", "through", "within", "without", "amid", "upon", "via", "per"}
# Auxiliaries and verbs that show a phrase is a clause, not a description.
FINITE = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should", "may", "might",
          "must", "do", "does", "did", "be", "been", "being", "shall"}


class CaselessPattern:
    """A regular expression matched regardless of case, fast.

    re.IGNORECASE makes every character comparison slow. When lower-casing the
    pattern cannot change what it means (ASCII apart from caseless punctuation
    such as ’; no upper-case or character-code escape such as ``\\S`` or
    ``\\x41``; no upper case in a character class; no ``(?P<Name>``), the
    lowered pattern runs case-sensitively on the folded text (lib/casefold.py:
    same length, so the same offsets) and finds the same spans. Read matched
    text from the original text by offset, not with ``group()``.

    The regex engine also scans slowly for a pattern that does not start with
    a literal or a character set (a leading ``\\b`` or optional words), trying
    every position. So a text lacking all of a few strings one of which every
    match needs (``required``) is not searched; when every match holds one of
    a few literal strings at a bounded distance from its start (``anchors``),
    the pattern is only tried at the starts those strings allow (found with
    str.find); else a leading ``\\b`` is checked apart (``after_boundary``).
    """

    __slots__ = ("pattern", "on_folded", "required", "anchors", "first_chars", "after_boundary")

    def __init__(self, source: str):
        self.on_folded = all(c.isascii() or (c.lower() == c == c.upper() and not c.isalnum()) for c in source) \
            and not re.search(r"\\[A-Zxu0]|\(\?(?!:)|\[[^\]]*[A-Z]", source)
        self.pattern = re.compile(source.lower()) if self.on_folded else re.compile(source, re.IGNORECASE)
        self.required: tuple[str, ...] | None = None
        self.anchors: list[tuple[str, int, int]] | None = None
        self.first_chars: frozenset[str] | None = None
        self.after_boundary: re.Pattern[str] | None = None
        parsed = sre_parse.parse(self.pattern.pattern)
        # the searches below assume matches are never empty
        if not self.on_folded or parsed.getwidth()[0] == 0:
            return
        # testing many strings costs more than it saves
        required = _literal_anchors(parsed, parsed.state, _fewest_long_literals)
        if required is not None and len(required) <= 8:
            self.required = tuple(literal for literal, _, _ in required)
        anchors = _literal_anchors(parsed, parsed.state, _fewest_starts)
        # a pattern starting with literals is scanned fast anyway
        if anchors is not None and _fewest_starts(anchors)[0] == 0 and not _starts_with_literal(list(parsed)):
            self.anchors = anchors
            self.first_chars = _first_chars(list(parsed))
        rest = self.pattern.pattern[2:]
        if self.pattern.pattern.startswith("\\b") and repr(sre_parse.parse(rest).data) == repr(parsed.data[1:]):
            self.after_boundary = re.compile(rest)  # "\\b" + rest, rest a plain sequence

    def _may_match(self, folded: str) -> bool:
        """False when the text lacks every literal a match must contain."""
        return self.required is None or any(literal in folded for literal in self.required)

    def finditer(self, text: str, folded: str):
        if not self.on_folded:
            return self.pattern.finditer(text)
        if not self._may_match(folded):
            return ()
        anchors, after_boundary = self.anchors, self.after_boundary
        if anchors is not None:
            return self._finditer_anchored(folded, anchors)
        if after_boundary is not None:
            return self._finditer_at_boundary(folded, after_boundary)
        return self.pattern.finditer(folded)

    def search(self, text: str, folded: str):
        if not self.on_folded:
            return self.pattern.search(text)
        if not self._may_match(folded):
            return None
        return next(iter(self.finditer(text, folded)), None)

    def _finditer_anchored(self, folded: str, anchors: list[tuple[str, int, int]]):
        """What ``pattern.finditer(folded)`` yields: a match starting at s holds
        an anchor literal at s + lo .. s + hi, so only such s are tried, in
        order, as the regex engine would (a match at s is what a search finds
        at s); matches are never empty, so the next one starts at the end."""
        starts: set[int] = set()
        for literal, lo, hi in anchors:
            at = folded.find(literal)
            while at >= 0:
                starts.update(range(max(0, at - hi), at - lo + 1))
                at = folded.find(literal, at + 1)
        pos = 0
        match = self.pattern.match
        first_chars = self.first_chars
        for start in sorted(starts):
            if start >= pos and (first_chars is None or folded[start:start + 1] in first_chars):
                found = match(folded, start)
                if found:
                    yield found
                    pos = found.end()

    def _finditer_at_boundary(self, folded: str, after_boundary: re.Pattern[str]):
        """What ``pattern.finditer(folded)`` yields, for ``pattern`` = "\\b" + rest:
        the first place at or after ``pos`` where rest matches is where pattern
        matches if a word boundary is there (\\b consumes nothing and offers no
        choice), else pattern matches nowhere before the next place rest
        matches. Matches are never empty, so the next search starts at the end."""
        pos = 0
        while True:
            found = after_boundary.search(folded, pos)
            if found is None:
                return
            if BOUNDARY_RE.match(folded, found.start()):
                yield found
                pos = found.end()
            else:
                pos = found.start() + 1


def _literal_anchors(items, state, key, lo: int = 0, hi: int | None = 0):
    """Literal strings one of which occurs in every match of the parsed
    case-sensitive regex sequence ``items`` (sre_parse items; the sequence
    starts lo .. hi characters into the match, hi None if unbounded), as
    (literal, lo, hi) triples giving where in the match each can be; the set
    ``key`` ranks lowest, or None if there is none. Only what must match is
    used: runs of plain characters, mandatory groups and repeats, and branches
    all of whose alternatives have such strings."""
    best: list[tuple[str, int, int]] | None = None

    def consider(found):
        nonlocal best
        if found and (best is None or key(found) < key(best)):
            best = found

    run: list[str] = []
    run_lo, run_hi = lo, hi
    for op, arg in [*items, (None, None)]:
        if op is not sre_parse.LITERAL and run:
            consider([("".join(run), run_lo, run_hi)])
            run = []
        if op is None:
            break
        if op is sre_parse.LITERAL:
            if not run:
                run_lo, run_hi = lo, hi
            run.append(chr(arg))
        elif op is sre_parse.SUBPATTERN:
            consider(_literal_anchors(arg[-1], state, key, lo, hi))
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT) and arg[0] >= 1:
            consider(_literal_anchors(arg[2], state, key, lo, hi))
        elif op is sre_parse.BRANCH:
            alternatives = [_literal_anchors(alternative, state, key, lo, hi) for alternative in arg[1]]
            if all(alternatives):
                consider([anchor for found in alternatives for anchor in found])
        width_lo, width_hi = sre_parse.SubPattern(state, [(op, arg)]).getwidth()
        lo += width_lo
        hi = None if hi is None or width_hi >= sre_parse.MAXREPEAT else hi + width_hi
    return best


def _starts_with_literal(items) -> bool:
    """Does the parsed regex sequence start (after zero-width assertions) with
    a character, or a branch of alternatives that each do? The regex engine
    then skips quickly to where a match can start."""
    for op, arg in items:
        if op is sre_parse.AT:
            continue
        if op is sre_parse.LITERAL:
            return True
        if op is sre_parse.SUBPATTERN:
            return _starts_with_literal(list(arg[-1]))
        if op is sre_parse.BRANCH:
            return all(_starts_with_literal(list(alternative)) for alternative in arg[1])
        return False
    return False


def _first_chars(items) -> frozenset | None:
    """The characters a match of the parsed regex sequence ``items`` can start
    with, or None if any may (or they are not worked out here)."""
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_parse.AT:
            continue  # zero width: the next item starts the match
        if op is sre_parse.LITERAL:
            return frozenset(chars | {chr(arg)})
        if op is sre_parse.IN and all(kind is sre_parse.LITERAL for kind, _ in arg):
            return frozenset(chars | {chr(code) for _, code in arg})
        if op is sre_parse.SUBPATTERN:
            inner = _first_chars(list(arg[-1]))
        elif op is sre_parse.BRANCH:
            alternatives = [_first_chars(list(alternative)) for alternative in arg[1]]
            known = [a for a in alternatives if a is not None]
            inner = frozenset[str]().union(*known) if len(known) == len(alternatives) else None
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            inner = _first_chars(list(arg[2]))
            if inner is not None and arg[0] == 0:
                chars |= inner  # optional: the match may also start with what follows
                continue
        else:
            return None
        if inner is None:
            return None
        # an inner sequence that can match empty would let what follows start the match
        if sre_parse.SubPattern(None, [(op, arg)]).getwidth()[0] == 0:
            return None
        return frozenset(chars | inner)
    return None


def _fewest_long_literals(anchors) -> tuple:
    """Rank for a substring test: few strings, long ones."""
    return len(anchors) > 8, -min(len(literal) for literal, _, _ in anchors)


def _fewest_starts(anchors) -> tuple:
    """Rank for an anchored search: usable (bounded, few strings, none so
    short as to occur everywhere) first, then few starts to try, long strings."""
    usable = len(anchors) <= 8 and all(hi is not None and len(literal) >= 3 for literal, _, hi in anchors)
    if not usable:
        return (1,)
    return 0, sum(hi - lo + 1 for _, lo, hi in anchors), -min(len(literal) for literal, _, _ in anchors)


WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[\w][\w'’\-]*")
BOUNDARY_RE = re.compile(r"\b")
APPOSITION_HEAD_RE = re.compile(r"\s*(?:\([^()]{1,30}\))?(?:[”\"]\s*[—–]|\s*,)\s*")
APPOSITION_BODY_RE = re.compile(r"[^,;:()\"“”—–]+")
POSSESSIVE_RE = re.compile(r"['’]s$")
GROUP_AFTER_RE = re.compile(r" (faction|movement|militia|group|brigades|organization|organisation|party)\b")
GROUP_AFTER_STARTS = (" faction", " movement", " militia", " group", " brigades", " organi", " party")
CLAUSE_END_RE = re.compile(r"[,;:()\"“”—–]|\.(?:\s|$)")
AS_RE = re.compile(r"\s+(?:as\s+)?")
LOWER_WORD_RE = re.compile(r"[a-z]+")
KNOWN_AS_RE = re.compile(r",?\s+(?:known as|called|dubbed|referred to as)\s+(?:the\s+)?")
KNOWN_AS_FIRST_WORDS = ("known", "called", "dubbed", "referred")
QUOTE_CHARS = "\"“”"
APOSTROPHE_RE = re.compile(r"['’ʼ`]")


@dataclass(frozen=True)
class Lexicon:
    role_nouns: frozenset
    modifier_words: dict  # lower -> written form (case tells whether to lower a sentence-initial word)
    honorifics: frozenset
    apposition_starts: frozenset
    group_nouns: frozenset
    copula_re: re.Pattern
    complement_verbs: frozenset
    speech_re: "CaselessPattern"
    speech_verbs: tuple
    addressee_verbs: frozenset
    subject_speech: frozenset
    clause_breaks: frozenset
    apposition_words: frozenset  # apposition_starts | role_nouns: words an apposition may begin with
    modifier_stops: frozenset  # words that end a run of descriptors before a name
    # the pronouns, group nouns and complement verbs: the words some rules need
    # a sentence to hold (found for all three at once)
    rule_words: "WordFinder"


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    spec = yamlfile.load_file(path or DATA_DIR / "framing.yaml")
    low = lambda key: frozenset(str(w).lower() for w in spec[key])  # noqa: E731
    return Lexicon(
        role_nouns=low("role_nouns"),
        modifier_words={str(w).lower(): str(w) for w in spec["modifier_words"]},
        honorifics=low("honorifics"),
        apposition_starts=low("apposition_starts"),
        group_nouns=low("group_nouns"),
        # used as copula_re.match(text, pos): anchored at pos
        copula_re=re.compile(r"\s*(?:\([^()]{1,40}\)\s*)?((?:\w+ly\s+)?(?:" + _alternation(spec["copulas"]) + r"))\s+"),
        complement_verbs=low("complement_verbs"),
        # a trie of the verbs matches what the longest-first alternation matches, faster
        speech_re=CaselessPattern(r"\b(" + _trie_pattern({str(w).lower() for w in spec["speech_verbs"]}, word_start=False) + r")\b"),
        speech_verbs=tuple(str(w).lower() for w in spec["speech_verbs"]),
        addressee_verbs=low("addressee_verbs"),
        subject_speech=low("subject_speech"),
        clause_breaks=low("clause_breaks"),
        apposition_words=low("apposition_starts") | low("role_nouns"),
        modifier_stops=frozenset(DETERMINERS | PREPOSITIONS | low("clause_breaks") | FINITE),
        rule_words=WordFinder(PRONOUNS | low("group_nouns") | low("complement_verbs")),
    )


@dataclass(frozen=True)
class EventPattern:
    id: str
    name: str
    date: str | None
    actor: str
    anchors: frozenset
    words: tuple  # of CaselessPattern
    exclude: frozenset
    keywords: tuple
    phrases: tuple  # of CaselessPattern


@lru_cache(maxsize=4)
def load_events(path: str | None = None) -> tuple[EventPattern, ...]:
    spec = yamlfile.load_file(path or DATA_DIR / "loaded_terms.yaml")
    return tuple(
        EventPattern(
            id=e["id"], name=e["name"], date=None if e.get("date") is None else str(e["date"]), actor=e["actor"],
            anchors=frozenset(e.get("anchors") or []),
            words=tuple(CaselessPattern(w) for w in e.get("words") or []),
            exclude=frozenset(e.get("exclude") or []),
            keywords=tuple(k.lower() for k in e["keywords"]),
            phrases=tuple(CaselessPattern(r"\b(?:" + p + r")\b") for p in e["phrases"]),
        )
        for e in spec["events"]
    )


@lru_cache(maxsize=4)
def load_event_nouns(path: str | None = None) -> frozenset:
    spec = yamlfile.load_file(path or DATA_DIR / "loaded_terms.yaml")
    return frozenset(w.lower() for w in spec.get("nouns") or [])


def event_names() -> dict[str, str]:
    return {e.id: e.name for e in load_events()}


# ----------------------------------------------------------------- helpers
@dataclass(slots=True)
class Mention:
    actor: str
    type: str
    surface: str
    start: int  # offsets in the sentence
    end: int


def _fold(s: str) -> str:
    return " ".join(APOSTROPHE_RE.sub("'", s).replace("-", " ").lower().split())


_ALIAS_FORMS: dict[int, dict] = {}


def display_surface(registry, actor: str, surface: str) -> str:
    """The surface written as the registry spells that alias ("Iran-Backed
    Factions" in a headline -> "Iran-backed factions")."""
    forms = _ALIAS_FORMS.get(id(registry))
    if forms is None:
        forms = {}
        for a in registry.actors.values():
            for alias in (a.name, *a.aliases):
                forms.setdefault((a.id, _fold(alias)), alias)
        _ALIAS_FORMS.clear()
        _ALIAS_FORMS[id(registry)] = forms
    key = (actor, surface)
    found = forms.get(key)  # surfaces seen before are cached under themselves
    if found is None:
        found = forms[key] = forms.get((actor, _fold(surface)), surface)
    return found


def left_words(text: str, pos: int, limit: int = 6):
    """Yield the words (WORD_RE tokens, with offsets) immediately before ``pos``
    separated by single spaces only, nearest first, at most ``limit``:
    punctuation ends the run ("Mr. Mansour" has none).

    Lazily, and only the space-delimited chunks read are tokenised: a token
    never holds a space, so a chunk tokenises as it does inside the whole text.
    """
    for _ in range(limit):
        if pos < 2 or text[pos - 1] != " ":
            return
        end = pos - 1
        start = text.rfind(" ", 0, end) + 1
        chunk = text[start:end]
        if chunk.isalpha():  # the usual case: letters are one token
            pos = start
            yield chunk, start, end
            continue
        last = None
        for last in WORD_RE.finditer(text, start, end):
            pass
        if last is None or last.end() != end:
            return  # the chunk ends in punctuation
        pos = last.start()
        yield last.group(), pos, end


class WordFinder:
    """Which of ``words`` (lower case) a text holds as words, in any case.

    Gives exactly ``words & {t.lower() for t in WORD_RE.findall(text)}``
    without tokenising the whole text (the regex engine is slow at that).
    Such a word, being ASCII letters, is a whole run of ASCII letters in the
    folded text (lib/casefold.py): the runs come from C-speed byte
    operations, and only a run that is one of the words is checked further,
    where it occurs.
    """

    def __init__(self, words):
        self.words = frozenset(words)
        # letters only, at least two (so no abbreviation token "U.S." can run into one)
        self.by_runs = all(w.isascii() and w.isalpha() and w.islower() and len(w) > 1 for w in self.words)
        self.encoded = frozenset(w.encode() for w in self.words)

    def __call__(self, text: str, folded: str) -> AbstractSet[str]:
        if not self.by_runs:  # words that are not letter runs
            return self.words & {t.lower() for t in WORD_RE.findall(text)}
        runs = self.encoded.intersection(letter_runs(folded))
        if not runs:
            return set()
        return {word for word in (run.decode() for run in runs) if _is_token(text, folded, word)}


# bytes -> ASCII letters kept, anything else a space
_LETTERS_ONLY = bytes(c if chr(c).isascii() and chr(c).isalpha() else 32 for c in range(256))


def letter_runs(text: str) -> list[bytes]:
    """The runs of ASCII letters in ``text``, as bytes (any other character
    ends a run), found at C speed."""
    return text.encode().translate(_LETTERS_ONLY).split()


def _is_token(text: str, folded: str, word: str) -> bool:
    """Is ``word`` (ASCII letters) a WORD_RE token of ``text``, lowered?
    ``folded`` is fold(text)."""
    size = len(word)
    at = folded.find(word)
    while at >= 0:
        end = at + size
        before = folded[at - 1] if at else " "
        after = folded[end] if end < len(folded) else " "
        # a token starts after a non-word character and ends before a character tokens cannot hold
        if not (before.isalnum() or before == "_" or after.isalnum() or after in "_'’-"):
            if before not in TOKEN_INNER_PUNCTUATION:
                # nothing before can run into it, so a token starts here and ends where the word does
                if text[at:end].lower() == word:
                    return True
            else:
                # "al-forces", "Iran's": tokenise the chunk to know where tokens start
                start = text.rfind(" ", 0, at) + 1
                stop = text.find(" ", end)
                if any(t.lower() == word for t in WORD_RE.findall(text, start, len(text) if stop < 0 else stop)):
                    return True
        at = folded.find(word, at + 1)
    return False


def _trie_pattern(words, word_start: bool = True) -> str:
    """A regex matching any of ``words`` (not after a word character if
    ``word_start``; a space matches any white space), shaped as a trie
    ("group(?:s)?" rather than "groups|group"): the regex engine then tries
    one branch per letter instead of every word. Longer words are tried first,
    as in a longest-first alternation. The look-behind sits after each word
    ("he(?<!\\whe)"), since a pattern that starts with one is scanned slowly."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = word

    def branch(node) -> str:
        alternatives = [(r"\s+" if char == " " else re.escape(char)) + branch(child) for char, child in sorted(node.items()) if char]
        if "" in node:
            alternatives.append(f"(?<!\\w{re.escape(node[''])})" if word_start else "")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return branch(trie)


TOKEN_INNER_PUNCTUATION = frozenset("'’-")  # characters inside a WORD_RE token that cannot start one
# "it" is left out: "it is natural that ..." is far more common than "it" for an actor.
PRONOUNS = frozenset({"they", "he", "she"})


def _is_name_list(text: str, body_start: int, words: list[str], mentions: list[Mention]) -> bool:
    """The phrase after the comma is (a determiner and) another name, not a description."""
    second_end = body_start
    for w in words[:2]:
        i = text.find(w, second_end)
        second_end = i + len(w) if i >= 0 else second_end
    for m in mentions:
        if body_start <= m.start <= second_end:
            rest = text[m.end:].lstrip()
            return not rest or rest[0] in ",.;:)—–" or rest.split()[0].lower() in ("and", "or")
    return False


def _is_adverb(w: str) -> bool:
    return len(w) > 4 and w.lower().endswith("ly") and w.islower()


def _trim_phrase(words: list[str], lex: Lexicon, max_words: int) -> list[str]:
    """Cut a characterisation at a clause break or a finite verb, then drop a
    short trailing place phrase ("a violent force in Iraq" -> "a violent force")."""
    out = []
    for i, w in enumerate(words):
        lw = w.lower()
        if i and lw in FINITE:
            break
        if i and lw in lex.clause_breaks:
            nxt = words[i + 1].lower() if i + 1 < len(words) else ""
            # "defensive and legal" is one description; "and has nothing" starts a clause.
            if lw == "and" and nxt and nxt not in FINITE and nxt not in lex.clause_breaks and not (nxt.endswith("ed") and "-" not in nxt):
                out.append(w)
                continue
            break
        if i >= 1 and lw in PREPOSITIONS and lw not in ("of", "to"):
            break
        nxt = words[i + 1].lower() if i + 1 < len(words) else ""
        if i >= 2 and lw.endswith("ed") and "-" not in lw and nxt in PREPOSITIONS:
            break  # "a facade group established by ..."
        out.append(w)
        if len(out) >= max_words:
            break
    while out and (out[-1].lower() in PREPOSITIONS | DETERMINERS | {"and", "or"}):
        out.pop()
    while out and out[0].lower() in LEADING_ADVERBS:
        out.pop(0)
    return out


def _phrase_span(text: str, start: int, words: list[str]) -> tuple[int, int]:
    pos = start
    first = None
    for w in words:
        i = text.find(w, pos)
        if i < 0:
            break
        first = i if first is None else first
        pos = i + len(w)
    return (first if first is not None else start), pos


def _in_quotes(text: str, pos: int) -> bool:
    return sum(text.count(c, 0, pos) for c in QUOTE_CHARS) % 2 == 1


# ----------------------------------------------------------------- label rules
def appositions(text: str, mentions: list[Mention], lex: Lexicon) -> list[tuple[Mention, str, int, int]]:
    """``X, a widely respected figure at home,`` -> (X, "a widely respected figure", start, end)."""
    out = []
    for m in mentions:
        # ", a widely respected figure"; a dash only after a closing quote
        # ("the “Coordination Framework” — a parliamentary majority ...")
        head = APPOSITION_HEAD_RE.match(text, m.end)
        if not head:
            continue
        body_start = head.end()
        body = APPOSITION_BODY_RE.match(text, body_start)
        if not body:
            continue
        # the first word alone rules most out
        first = WORD_RE.search(text, body_start, body.end())
        if first is None or first.group().lower() not in lex.apposition_words:
            continue
        words = WORD_RE.findall(body.group())
        if _is_name_list(text, body_start, words, mentions):
            continue  # "Iran, the United States and Israel", "the Quds Force, General Ismail Qaani"
        lowered = [w.lower() for w in words]
        if any(w in FINITE for w in lowered[:3]) or lex.speech_re.search(body.group(), fold(body.group())):
            continue
        if any(w.endswith("ed") and "-" not in w and w not in lex.modifier_words and nxt in DETERMINERS
               for w, nxt in zip(lowered[1:], lowered[2:])):
            continue  # "..., the group expanded its attacks": a clause, not an apposition
        cut: list[str] = []
        for w in words:
            if w.lower() in ("who", "which", "that", "whose", "where") or len(cut) >= 14:
                break
            cut.append(w)
        # a short trailing place phrase: "... figure at home", "... in Iraq"
        if len(cut) >= 4 and cut[-2].lower() in ("at", "in"):
            cut = cut[:-2]
        if not cut:
            continue
        s, e = _phrase_span(text, body_start, cut)
        out.append((m, text[s:e], s, e))
    return out


def premodifiers(text: str, mentions: list[Mention], lex: Lexicon, covering: list[Mention] | None = None):
    """Descriptors written before a name: titles for people ("security expert",
    "Iran's new Parliament Speaker"), adjectives for groups ("Iran-aligned")."""
    out = []
    covered = None
    stops = lex.modifier_stops
    for m in mentions:
        if m.type == "state" or m.start < 2 or text[m.start - 1] != " ":
            continue  # "last week's deadly U.S. attack": the name is itself a modifier there
        # most names follow "the", "of", ...: rule those out before tokenising further
        end = m.start - 1
        nearest_chunk = text[text.rfind(" ", 0, end) + 1:end]
        if nearest_chunk.isalpha() and nearest_chunk.lower() in stops:
            continue
        left = left_words(text, m.start)
        nearest_word = next(left, None)
        if nearest_word is None or nearest_word[0].lower().rstrip(".") in lex.honorifics:
            continue
        if covered is None:
            covered = [(c.start, c.end) for c in (covering if covering is not None else mentions)]
        person = m.type in ("person", "media outlet")
        run: list[tuple[str, int, int]] = []
        for word, s, e in itertools.chain((nearest_word,), left):
            lw = word.lower()
            if lw in stops:
                break
            possessive = bool(POSSESSIVE_RE.search(word))
            ok = (
                lw in lex.role_nouns or lw in lex.modifier_words or "-" in word or _is_adverb(word)
                or (person and word[:1].isupper())
            )
            if not ok and not possessive:
                break
            if any(a <= s < b for a, b in covered) and "-" not in word and not (person and run):
                # another actor's name right before: "Iran-aligned Iraqi militia Harakat al-Nujaba"
                # is handled as a descriptor mention; a bare name is no modifier.
                break
            run.append((word, s, e))
            if possessive:
                break
        if not run:
            continue
        nearest = run[0][0].lower()
        if person and nearest not in lex.role_nouns:
            continue
        if not person and not any("-" in w or w.lower() in lex.modifier_words or _is_adverb(w) for w, _, _ in run):
            continue
        s, e = run[-1][1], run[0][2]
        label = text[s:e]
        parts = label.split()
        if s == 0 and len(parts) > 1 and parts[1].islower() and (parts[0].lower() in lex.role_nouns or lex.modifier_words.get(parts[0].lower(), "X").islower()):
            label = label[0].lower() + label[1:]  # "Political researcher ..." opens the sentence
        out.append((m, label, s, e))
    # nouns after a group's name: "the Kataib Sayyid al-Shuhada faction"
    for m in mentions:
        # the noun's first letters, tested before the regex
        if m.type == "person" or not text.startswith(GROUP_AFTER_STARTS, m.end):
            continue
        nxt = GROUP_AFTER_RE.match(text, m.end)
        if nxt:
            out.append((m, nxt.group(1), m.end + 1, m.end + nxt.end()))
    return out


def descriptor_mentions(text: str, mentions: list[Mention]) -> list[tuple[Mention, Mention]]:
    """A collective name used as a title of the next name: "Iran-aligned Iraqi
    militia Harakat al-Nujaba" -> (descriptor, named group)."""
    out = []
    for a, b in zip(mentions, mentions[1:]):
        if b.start - a.end == 1 and text[a.end:b.start] == " " and a.type != "person" and any(c.islower() for c in a.surface.split()[-1]) and b.type in ("armed group", "facade group", "person"):
            out.append((a, b))
    return out


def predicates(text: str, subjects: list[Mention], lex: Lexicon) -> list[tuple[Mention, str, int, int]]:
    """``SUBJECT is/has become PHRASE`` -> PHRASE, if it describes rather than acts."""
    out = []
    copula_re = lex.copula_re
    for m in subjects:
        cm = copula_re.match(text, m.end)
        if not cm:
            continue
        start = cm.end()
        clause_end = CLAUSE_END_RE.search(text, start)
        words = WORD_RE.findall(text, start, clause_end.start() if clause_end else len(text))
        first = next((w.lower() for w in words if not _is_adverb(w) and w.lower() not in ("not", "also", "now", "still", "no", "longer")), None)
        if first is None:
            continue
        if first.endswith("ing") or (first.endswith("ed") and first not in lex.modifier_words) or first in PREPOSITIONS \
                or first in FINITE or first in ("there", "here", "expected", "set", "able", "unable", "likely"):
            continue
        words = _trim_phrase(words, lex, 9)
        if not words:
            continue
        s, e = _phrase_span(text, start, words)
        out.append((m, text[s:e], s, e))
    return out


def complements(text: str, mentions: list[Mention], lex: Lexicon, words: AbstractSet[str] | None = None) -> list[tuple[Mention, str, int, int]]:
    """``regarded the popular forces as part of ...``, ``considers the United States a mortal enemy``.
    ``words`` is ``lex.rule_words(text, fold(text))`` when the caller has it."""
    out: list[tuple[Mention, str, int, int]] = []
    if not mentions:
        return out
    if words is None:
        words = lex.rule_words(text, fold(text))
    if lex.complement_verbs.isdisjoint(words):
        return out
    for m in mentions:
        verb = [w for w, _, _ in left_words(text, m.start, 2) if w.lower() not in ("the",)][:1]
        if not verb or verb[0].lower() not in lex.complement_verbs:
            continue
        rest = AS_RE.match(text, m.end)
        if not rest:
            continue
        start = rest.end()
        chunk = CLAUSE_END_RE.split(text[start:], maxsplit=1)[0]
        phrase = WORD_RE.findall(chunk)
        if not phrase or phrase[0].lower() not in {"a", "an", "part", "one", "the"} | set(lex.modifier_words):
            continue
        phrase = _trim_phrase(phrase, lex, 8)
        if len(phrase) < 2:
            continue
        s, e = _phrase_span(text, start, phrase)
        out.append((m, text[s:e], s, e))
    return out


def pronoun_subjects(text: str, mentions: list[Mention], previous: list[Mention], folded: str | None = None,
                     words: AbstractSet[str] | None = None) -> list[Mention]:
    """``..., they have become ...``: the pronoun as a subject standing for the
    nearest earlier group (they/it) or person (he/she), outside quotes.
    ``folded`` is ``fold(text)`` and ``words`` ``rule_words(text, folded)`` of
    the lexicon when the caller has them."""
    out: list[Mention] = []
    if not mentions and not previous:
        return out  # nobody for a pronoun to stand for
    folded = fold(text) if folded is None else folded
    if words is None:
        words = load_lexicon().rule_words(text, folded)
    if PRONOUNS.isdisjoint(words):
        return out
    for pos, end in _clause_initial_pronouns(folded):
        if _in_quotes(text, pos):
            continue
        pronoun = text[pos:end]
        word = pronoun.lower()
        want = {"person"} if word in ("he", "she") else GROUP_TYPES - {"international body"}
        here = [m for m in mentions if m.end <= pos and m.type in want]
        cands = here or [m for m in previous if m.type in want]
        if cands:
            # the subject of the clause before: "Although the PMU played a role in the fight against ISIS, they ..."
            a = cands[0]
            out.append(Mention(a.actor, a.type, pronoun, pos, end))
    return out


PRONOUN_RE = re.compile(_trie_pattern(PRONOUNS) + r"\b")  # on folded text
CLAUSE_OPENERS = ("and", "but", "as", "while")


def _clause_initial_pronouns(folded: str) -> list[tuple[int, int]]:
    """Spans of the pronouns opening a clause in the folded text: what
    ``re.finditer(r"(?:^|[,;]\\s+|\\b(?:and|but|as|while)\\s+)(they|he|she)\\b",
    folded)`` gives as group 1, without the regex engine trying every
    position (it cannot skip ahead for a pattern starting so). Each pronoun
    is checked for what must come before it; the spans agree since a match
    ends at its pronoun and no opener can start inside the pronoun before."""
    out = []
    for found in PRONOUN_RE.finditer(folded):
        at = found.start()
        if at == 0:
            out.append((0, found.end()))
            continue
        gap = at  # start of the white space before the pronoun
        while gap and folded[gap - 1].isspace():
            gap -= 1
        if gap == at or gap == 0:
            continue
        if folded[gap - 1] in ",;":
            out.append((at, found.end()))
            continue
        for opener in CLAUSE_OPENERS:
            start = gap - len(opener)
            if folded.startswith(opener, start) and start >= 0 and (start == 0 or not _is_word_char(folded[start - 1])):
                out.append((at, found.end()))
                break
    return out


def _is_word_char(char: str) -> bool:
    """Is ``char`` matched by \\w (str patterns)?"""
    return char.isalnum() or char == "_"


def back_references(text: str, mentions: list[Mention], recent: list[list[Mention]], lex: Lexicon,
                    previous: tuple[str, list[Mention]] = ("", []), labelled: dict | None = None,
                    folded: str | None = None, words: AbstractSet[str] | None = None):
    """``These vehemently anti-American militias`` -> the group named shortly
    before: one the article already called by that noun, else the first group of
    the nearest sentence that names one (same number: plural nouns need a plural
    or acronym name, and the noun must suit the actor's type). ``previous`` is
    the sentence before and the names in it; ``folded`` is ``fold(text)`` and
    ``words`` ``lex.rule_words(text, folded)`` when the caller has them."""
    out: list[tuple[Mention, str, str]] = []
    if not mentions and not any(recent):
        return out  # no name to refer back to
    folded = fold(text) if folded is None else folded
    if words is None:
        words = lex.rule_words(text, folded)
    if lex.group_nouns.isdisjoint(words):
        return out
    previous_text = None  # the sentence before with its names blanked out, when first needed
    for m in _group_np_re(lex).finditer(text, folded):
        s, e = m.start(2), m.end()
        if any(a.start < e and s < a.end for a in mentions):
            continue
        head = text[m.start(3):m.end(3)]
        noun = head.lower()
        if previous_text is None:
            previous_text = _outside(*previous)
        # "terrorist groups ... those groups": the noun already used for something unnamed
        unnamed = _outside(text[:m.start()], mentions) + " " + previous_text
        if _whole_word_re(noun).search(unnamed, fold(unnamed)):
            continue
        mods = text[s:m.end(2)].split()
        if any(not ("-" in w or w.lower() in lex.modifier_words or _is_adverb(w)) for w in mods[:-1] if w) or (
            mods and not ("-" in mods[-1] or mods[-1].lower() in lex.modifier_words or _is_adverb(mods[-1]))
        ):
            continue
        key = noun if noun in PLURAL_ONLY else (noun[:-1] if noun.endswith("s") else noun)
        plural = noun in PLURAL_ONLY or noun.endswith("s")
        types = NOUN_TYPES.get(key, GROUP_TYPES)

        def fits(a: Mention) -> bool:
            return a.type in types and _number_agrees(a.surface, plural)

        blocks = [[a for a in mentions if a.end <= m.start()]] + recent[::-1]
        candidates = [a for block in blocks for a in block if fits(a)]
        called = (labelled or {}).get(key, [])
        ante = next((a for actor in called for a in candidates if a.actor == actor), None)
        ante = ante or (candidates[0] if candidates else None)
        if ante is None:
            continue
        label = text[s:e]
        out.append((Mention(ante.actor, ante.type, label, s, e), label, "modifier" if mods else "name"))
    return out


@lru_cache(maxsize=256)
def _whole_word_re(word: str) -> CaselessPattern:
    return CaselessPattern(r"\b" + re.escape(word) + r"\b")


@lru_cache(maxsize=4)
def _group_np_cache(nouns: frozenset) -> CaselessPattern:
    # the nouns as a trie: what the longest-first alternation matches, tried faster
    return CaselessPattern(r"\b(these|those|the|such|this)\s+((?:[\w’'\-]+\s+){0,3}?)(" + _trie_pattern(nouns, word_start=False) + r")\b")


def _group_np_re(lex: Lexicon) -> CaselessPattern:
    return _group_np_cache(lex.group_nouns)


def _outside(text: str, mentions: list[Mention]) -> str:
    """``text`` with the names blanked out (only unnamed nouns remain)."""
    for m in sorted(mentions, key=lambda m: -m.start):
        if m.end <= len(text):
            text = text[:m.start] + " " * (m.end - m.start) + text[m.end:]
    return text


def _number_agrees(surface: str, plural: bool) -> bool:
    last = surface.split()[-1] if surface.split() else surface
    if last.isupper():
        return True  # acronyms: "the PMU is", "the PMU ... they"
    is_plural = last.lower().endswith("s") and not last.lower().endswith("ss")
    return is_plural == plural


_EVENT_ACTORS: dict[int, frozenset] = {}


def event_actors(events: tuple[EventPattern, ...]) -> frozenset:
    """The actors whose names anchor or exclude one of ``events``: the only
    ones event_phrases needs to be told about."""
    actors = _EVENT_ACTORS.get(id(events))
    if actors is None:
        actors = _EVENT_ACTORS[id(events)] = frozenset().union(*(ev.anchors | ev.exclude for ev in events))
    return actors


def event_phrases(text: str, ids_here: AbstractSet[str], ids_next: AbstractSet[str], events,
                  folded: str | None = None) -> list[tuple[EventPattern, str, int, int]]:
    """Phrases naming an event (data/loaded_terms.yaml) in a sentence whose
    names (and the next sentence's) anchor it. ``ids_here`` and ``ids_next``:
    the actors named in the sentence and in the next one (those outside
    event_actors(events) make no difference). ``folded`` is ``fold(text)`` when
    the caller has it."""
    out = []
    low = None
    for ev in events:
        # the cheapest tests first: names, then the words that anchor, then the keywords
        if ev.anchors:
            anchored = not ev.anchors.isdisjoint(ids_here) or not ev.anchors.isdisjoint(ids_next)
        else:
            anchored = not ev.words
        if not anchored:
            if folded is None:
                folded = fold(text)
            for word in ev.words:
                if word.search(text, folded):
                    break
            else:
                continue
        if ev.exclude and not ev.exclude.isdisjoint(ids_here):
            continue
        if low is None:
            low = text.lower()
        for keyword in ev.keywords:
            if keyword in low:
                break
        else:
            continue
        if folded is None:
            folded = fold(text)
        taken: list[tuple[int, int]] = []
        for pat in ev.phrases:
            for m in pat.finditer(text, folded):
                s, e = m.start(), m.end()
                if any(a < e and s < b for a, b in taken):
                    continue
                if text[s:e].split()[0].lower() in load_event_nouns():
                    s = _extend_adjectives(text, s)
                taken.append((s, e))
        for s, e in sorted(taken):
            out.append((ev, text[s:e], s, e))
    return out


def _extend_adjectives(text: str, s: int) -> int:
    for word, ws, _ in left_words(text, s, 2):
        lw = word.lower()
        if not LOWER_WORD_RE.fullmatch(word) or lw in DETERMINERS | PREPOSITIONS | FINITE or lw.endswith("ed") or lw.endswith("ing") \
                or lw in ("and", "or", "but", "that", "which", "after", "following", "any", "one", "two", "some"):
            break
        s = ws
    return s


# ----------------------------------------------------------------- extractor
def _sentence_mentions(mentions: list[dict], sent: dict, registry) -> list[Mention]:
    base = sent["start"]
    actors = registry.actors
    out = []
    for m in mentions:
        a = actors.get(m["actor"])
        out.append(Mention(m["actor"], a.type if a else "", m["surface"], m["start"] - base, m["end"] - base))
    out.sort(key=_START)
    return out


_START = operator.attrgetter("start")


def group_by_sentence(mentions: list[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for m in mentions:
        out.setdefault(m["sent_id"], []).append(m)
    return out


def known_as(text: str, mentions: list[Mention]) -> list[tuple[Mention, Mention]]:
    """``Iranian-backed militias known as the Popular Mobilization Units``: the
    first name describes the second."""
    out: list[tuple[Mention, Mention]] = []
    # each phrase starts with one of these words: most sentences have none
    if len(mentions) < 2 or not any(word in text for word in KNOWN_AS_FIRST_WORDS):
        return out
    for a, b in zip(mentions, mentions[1:]):
        if KNOWN_AS_RE.fullmatch(text, a.end, b.start):
            out.append((a, b))
    return out


def extract_labels(article, sentences, mentions, ctx):
    lex = load_lexicon()
    events = load_events()
    registry = ctx.registry
    by_sent = group_by_sentence(mentions)
    aid = article["article_id"]
    rows: list[dict] = []
    recent: list[list[Mention]] = []  # names (and resolved group nouns) of the last three sentences
    called: dict[str, list[str]] = {}  # group noun -> actors the article called so, latest first
    previous: tuple[str, list[Mention]] = ("", [])  # the sentence before and its names
    # actors that matter to the events, by sentence (all other names make no difference to them)
    actors_for_events = event_actors(events)
    event_ids: dict[int, set] = {}
    for m in mentions:
        if m["actor"] in actors_for_events:
            event_ids.setdefault(m["sent_id"], set()).add(m["actor"])
    no_ids: frozenset = frozenset()
    name_labels: dict[tuple[str, str], str] = {}  # (actor, surface) -> its label of kind "name"
    per_sent = [_sentence_mentions(by_sent.get(s["sent_id"], []), s, registry) for s in sentences]
    for idx, sent in enumerate(sentences):
        text, base, sid = sent["text"], sent["start"], sent["sent_id"]
        ms = per_sent[idx]
        folded = fold(text)
        words = lex.rule_words(text, folded) if ms or any(recent) else set()
        sentence_tone: float | None = None  # only for sentences that label someone

        def add(actor, label, kind, s, e, resolved="mention", event=None):
            nonlocal sentence_tone
            label = " ".join(label.split()).strip(" ,.;:")
            if not label:
                return
            if sentence_tone is None:
                sentence_tone = tone.compound(text)
            rows.append({"article_id": aid, "sent_id": sid, "actor": actor, "label": label, "kind": kind, "tone": sentence_tone,
                         "evidence": text, "start": base + s, "end": base + e, "resolved": resolved, "event": event})
            if kind != "event" and (kind != "name" or resolved != "mention"):
                for w in WORD_RE.findall(label.lower()):
                    key = w if w in PLURAL_ONLY else w[:-1] if w.endswith("s") else w
                    if key in NOUN_TYPES and actor not in called.get(key, [])[:1]:
                        called.setdefault(key, []).insert(0, actor)

        descriptors = descriptor_mentions(text, ms) if len(ms) > 1 else []
        if descriptors:
            as_title = {id(a) for a, _ in descriptors}
            named = [m for m in ms if id(m) not in as_title]
        else:
            named = ms
        for m in named:
            # what add() does for a name, with the spelling-and-spacing work done once per surface
            label = name_labels.get((m.actor, m.surface))
            if label is None:
                label = name_labels[m.actor, m.surface] = " ".join(display_surface(registry, m.actor, m.surface).split()).strip(" ,.;:")
            if label:
                if sentence_tone is None:
                    sentence_tone = tone.compound(text)
                rows.append({"article_id": aid, "sent_id": sid, "actor": m.actor, "label": label, "kind": "name", "tone": sentence_tone,
                             "evidence": text, "start": base + m.start, "end": base + m.end, "resolved": "mention", "event": None})
        for a, b in descriptors:
            add(b.actor, display_surface(registry, a.actor, a.surface), "modifier", a.start, a.end)
        for a, b in known_as(text, named):
            add(b.actor, display_surface(registry, a.actor, a.surface), "apposition", a.start, a.end)
        for m, label, s, e in premodifiers(text, named, lex, covering=ms):
            add(m.actor, label, "modifier", s, e)
        for m, label, s, e in appositions(text, named, lex):
            add(m.actor, label, "apposition", s, e)
        refs = back_references(text, named, recent, lex, previous, called, folded, words)
        for m, label, kind in refs:
            add(m.actor, label, kind, m.start, m.end, resolved="back-reference")
        ref_mentions = [m for m, _, _ in refs]
        subjects = named + ref_mentions + pronoun_subjects(text, named, recent[-1] if recent else [], folded, words)
        for m, label, s, e in predicates(text, subjects, lex):
            add(m.actor, label, "predicate", s, e, resolved="mention" if m in named else "back-reference")
        for m, label, s, e in complements(text, named, lex, words):
            add(m.actor, label, "predicate", s, e)
        ids_next = event_ids.get(sentences[idx + 1]["sent_id"], no_ids) if idx + 1 < len(sentences) else no_ids
        for ev, label, s, e in event_phrases(text, event_ids.get(sid, no_ids), ids_next, events, folded):
            add(ev.actor, label, "event", s, e, resolved="event pattern", event=ev.id)
        recent = (recent + [sorted(named + ref_mentions, key=_START)])[-3:]
        previous = (text, ms + ref_mentions)
    return rows


def extract_quotes(article, sentences, mentions, ctx):
    from lib import quotes

    return quotes.extract(article, sentences, mentions, ctx)
