"""Typed, directed relations between registry actors, read from sentences by rule.

For each sentence the actor mentions become *slots* (plus slots for anaphors
such as "the group" or "those militias", and for state adjectives in front of
nouns such as "Israeli sites", "Iranian officials"). A trigger lexicon
(data/relation_triggers.yaml) marks the words that state a relation. A verb
takes its subject from the left (skipping actors inside prepositional phrases,
following "which"/"that" back to their antecedent) and its object from the
right; a passive verb swaps them and takes its agent from "by X". A noun takes
its source from a modifier ("US attack", "Iran's support", "Israeli threats"),
from "by X" or "from X", or from the clause subject when a light verb links
them ("Israel has taken military action against ..."), and its target from a
preposition ("attack on X", "support for X") or a hyphenated pair
("US-Iraq talks"). Coordinated actors ("US and Iraqi forces") each get the
relation; coordinated verbs ("threatening and attacking US forces") share the
object. Compounds in a mention ("Iran-backed armed groups", "pro-Iranian
factions", "Iran's proxies", "anti-American militias") give relations of
their own (method "compound").

Each relation says whether the clause negates it ("did not", "no", "avoid",
"denied" ...) and whether it is hypothetical ("should", "could", "if",
"seek to" ...): such rows are kept, flagged, and left out of the graph by
default. A reporting verb ("X said", "X accused Y of ...", "according to X")
records who claims the relation (``claimed_by``).

Rules, not a parser: fast (well under a millisecond a sentence) and
explainable, at the price of missing what needs real syntax or coreference.
"""
from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import attrgetter, itemgetter

from lib import yamlfile
from lib.paths import DATA_DIR

TRIGGERS_FILE = DATA_DIR / "relation_triggers.yaml"
MAX_SUBJECT_DISTANCE = 16
MAX_OBJECT_GAP = 6
ANAPHOR_WINDOW = 3  # sentences back

TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+(?:['’][A-Za-z]+)*|[^\sA-Za-z0-9]")
TOKEN_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")  # one group: re.split keeps the tokens between the gaps
HYPHENS = frozenset({"-", "–"})
# Lower-casing a sentence keeps every character in place and in its class (\s, \w, [A-Za-z0-9] ...), and
# matching the lower-cased text case-sensitively against lower-case words finds what re.IGNORECASE finds
# in the text, unless the sentence holds one of these: "İ" (its lower case is two characters), the Kelvin
# sign (its lower case is ASCII "k"), "Σ" (lower case depends on the next character: final sigma), dotless
# "ı" and long "ſ" (IGNORECASE matches them with "i" and "s"). Checked over all of Unicode.
CASE_UNSAFE = ("\u0130", "\u212a", "\u03a3", "\u0131", "\u017f")
ASCII_LETTERS = frozenset(string.ascii_letters)
STRONG_BREAKS = {";", ":", "—", "–", "(", ")", "[", "]", '"', "“", "”", "?", "!"}
RELATIVES = {"which", "who", "whom", "that"}
SUBORDINATORS = {"because", "while", "whereas", "although", "though", "but", "when", "if", "unless", "where", "until", "whether", "so"}
DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "both", "either", "any", "such",
               "some", "all", "top", "senior", "key", "several", "many", "other", "another", "every", "each", "one", "two",
               "three", "few", "new", "recent", "further", "more", "daily", "repeated", "latest", "alleged"}
QUANTIFIERS = {"one", "two", "three", "four", "five", "six", "some", "many", "most", "all", "several", "each", "none",
               "hundreds", "dozens", "thousands", "series", "number", "members", "part", "rest"}
PREPOSITIONS = {"on", "against", "in", "at", "from", "to", "into", "of", "with", "for", "by", "inside", "within", "across",
                "toward", "towards", "between", "among", "over", "under", "through", "near", "about", "including", "like",
                "than", "regarding", "via", "throughout", "upon", "onto", "despite", "during", "after", "before", "since"}
PREPOSITIONS_BUT_OF = PREPOSITIONS - {"of"}
LOCATIVES = {"in", "inside", "within", "at", "across", "near", "throughout"}
AUXILIARIES = {"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "will", "would", "can", "could",
               "should", "may", "might", "must", "do", "does", "did", "to", "not", "n't", "also", "already", "then", "never"}
BE_FORMS = {"is", "are", "was", "were", "be", "been", "being", "get", "got", "gets"}
NOUN_SIGNALS = {"the", "a", "an", "its", "their", "his", "her", "our", "'s", "this", "these", "those", "any", "such", "no",
                "of", "for", "in", "with", "by", "from", "against", "daily", "recent", "further", "new", "repeated", "latest"}
COORDINATORS = {"and", "or", "nor"}
VERB_COORDINATION = {"and", "or", ","}  # "threatening and attacking US forces"
COORD_FILLERS = {",", "and", "or", "nor", "the", "both", "either", "its", "their", "as", "well", "-", "–"}
POSSESSIVE_PRONOUNS = {"its", "their"}
ANAPHOR_RE = re.compile(
    r"\b(?:(?:one|some|many|most|all) of )?(?P<det>the|these|those|such|this|that)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?P<noun>militias|militia|factions|faction|armed groups|group|coalition|movement)\b(?!\s+(?:of|in|that|which|who)\b)",
    re.IGNORECASE,
)
ANAPHOR_LOWER_RE = re.compile(ANAPHOR_RE.pattern)  # the same, for lower-cased text: twice as fast (see CASE_UNSAFE)
WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
ANAPHOR_HINTS = ("militia", "faction", "group", "coalition", "movement")
PLURAL_ANAPHORS = {"militias", "factions", "armed groups"}
ANAPHOR_TYPES = {"armed group", "facade group", "party/coalition"}
ADVERB_RE = re.compile(r"^[a-z]+ly$")
ADVERB_FILLERS = frozenset({"also", "already", "then", "repeatedly", "hard", "to", "n't", "not"})  # between a subject and its verb
MODALS_AND_CONDITIONALS = {"should", "would", "could", "may", "might", "if", "unless", "whether", "provided that"}
ARTICLES_AND_POSSESSIVES = {"the", "a", "an", "its", "their", "his", "her", "this", "these", "those", "'s"}
TAIL_WORDS = {"on", "in", "a", "statement", "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
PRONOUNS = {"it", "they", "he", "she", "we", "i", "you", "who", "which", "that"}
# Words that end a clause for the scans below; any other word is stepped over at the cost of one set test.
CLAUSE_STOPS = frozenset(STRONG_BREAKS | SUBORDINATORS | RELATIVES)
OBJECT_STOPS = CLAUSE_STOPS | {","}
NOUN_TARGET_STOPS = frozenset(STRONG_BREAKS | PREPOSITIONS_BUT_OF | RELATIVES | {","})
_FIRST = attrgetter("first")  # sort key of slots
_START = itemgetter("start")  # sort key of mentions


# ---------------------------------------------------------------- lexicon
@dataclass(frozen=True)
class Trigger:
    relation: str
    kind: str  # "verb" | "noun"
    head: tuple[str, ...]
    tail: tuple[str, ...] = ()  # "hold * responsible": the object sits between head and tail
    participle: bool = False
    base: str = ""


@dataclass
class Lexicon:
    relations: dict
    structural: dict
    index: dict[str, list[Trigger]]
    target_preps: dict[str, PhraseSet]
    object_preps: dict[str, frozenset]
    directed: dict[str, bool]
    reciprocal: frozenset
    compound_words: dict[str, str]  # "backed" -> "supports"
    proxy_words: frozenset
    demonyms: dict[str, str]  # "Iranian" -> "iran" (case-sensitive)
    demonym_heads: frozenset
    light_verbs: PhraseSet
    negation: PhraseSet
    hedges: PhraseSet
    reporting: PhraseSet
    noun_hedges: PhraseSet
    compound_res: tuple = ()  # compiled (compound, pro/anti, proxy) patterns
    demonym_re: re.Pattern[str] = re.compile(r"(?!)")  # any state word, to skip sentences with none
    phrase_words: dict = field(default_factory=dict)  # first word -> word sets of the trigger phrases it starts
    compound_hint_res: tuple = ()  # "-backed", "pro-", "anti-", "proxies": a compound may be there
    single_words: frozenset = frozenset()  # the one-word trigger phrases: one set test settles most sentences
    noun_first_words: frozenset = frozenset()  # first words of the noun triggers ("Israeli threats")
    demonym_norms: frozenset = frozenset()  # the demonyms lower-cased, to find candidate tokens fast
    subject_stops: frozenset = frozenset()  # words the leftward subject search must look at (see subject_left)

    def may_have_trigger(self, text: str, lower: str | None = None) -> bool:
        """Cheap test before tokenizing: are all the words of some trigger phrase in the sentence?
        ``lower`` is ``text.lower()`` when the caller has it already."""
        words = WORD_RE.findall((text.lower() if lower is None else lower).replace("’", "'"))
        if not self.single_words.isdisjoint(words):
            return True
        word_set = set(words)
        return any(need <= word_set for w in word_set & self.phrase_words.keys() for need in self.phrase_words[w])

    def may_have_compound(self, text: str) -> bool:
        """Cheap test before tokenizing: is there a compound hint ("-backed", "pro-", "anti-", "proxies")?
        One search per kind, each behind a substring test that all its matches hold: a single pattern with
        the three would be tried at every character of the sentence."""
        dash_word, pro_anti, proxy = self.compound_hint_res
        if "-" in text or "–" in text:
            if dash_word.search(text) is not None:
                return True
            if ("ro-" in text or "ro–" in text or "nti-" in text or "nti–" in text) and pro_anti.search(text) is not None:
                return True
        return "rox" in text and proxy.search(text) is not None

    def labels(self) -> dict[str, str]:
        return {**{k: v["label"] for k, v in self.relations.items()}, **{k: v["label"] for k, v in self.structural.items()}}

    def colors(self) -> dict[str, str]:
        return {**{k: v["color"] for k, v in self.relations.items()}, **{k: v["color"] for k, v in self.structural.items()}}


def inflections(base: str) -> dict[str, bool]:
    """Regular forms of a verb -> whether the form can be a past participle."""
    v = "aeiou"
    if base.endswith(("s", "x", "z", "ch", "sh")):
        third = base + "es"
    elif base.endswith("y") and base[-2] not in v:
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    if base.endswith("e"):
        past, ing = base + "d", (base[:-1] if not base.endswith("ee") else base) + "ing"
    elif base.endswith("y") and base[-2] not in v:
        past, ing = base[:-1] + "ied", base + "ing"
    else:
        past, ing = base + "ed", base + "ing"
    return {base: False, third: False, past: True, ing: False}


def _phrase(s: str) -> tuple[str, ...]:
    return tuple(t.lower().replace("’", "'") for t in s.split())


@lru_cache(maxsize=2)
def load_lexicon(path: str | None = None) -> Lexicon:
    spec = yamlfile.load_file(path or TRIGGERS_FILE)
    irregular = {k: list(v) for k, v in (spec.get("irregular") or {}).items()}
    index: dict[str, list[Trigger]] = {}
    target_preps, object_preps, directed, reciprocal = {}, {}, {}, set[str]()

    def add(t: Trigger):
        index.setdefault(t.head[0], []).append(t)

    for rel, r in spec["relations"].items():
        directed[rel] = bool(r.get("directed", True))
        target_preps[rel] = PhraseSet(_phrase(p) for p in r.get("target_preps") or ())
        object_preps[rel] = frozenset(r.get("object_preps") or ())
        reciprocal.update(r.get("reciprocal_verbs") or ())
        for verb in r.get("verbs") or ():
            words = verb.split()
            star = words.index("*") if "*" in words else None
            head_words, tail = (words[:star], tuple(words[star + 1:])) if star is not None else (words, ())
            first = head_words[0].lower()
            forms = inflections(first)
            for extra in irregular.get(first, ()):
                forms[extra] = not extra.endswith("ing") and not (extra.endswith("s") and extra != first)
            for form, participle in forms.items():
                add(Trigger(rel, "verb", (form, *_phrase(" ".join(head_words[1:]))), _phrase(" ".join(tail)), participle, first))
        for noun in r.get("nouns") or ():
            add(Trigger(rel, "noun", _phrase(noun), base=noun))
    for k in index:
        index[k].sort(key=lambda t: -len(t.head))
    comp = spec.get("compounds") or {}
    compound_words = {w: rel for rel, words in comp.items() if rel != "proxy_words" for w in words}
    demonyms = {alias: actor for actor, aliases in (spec.get("demonyms") or {}).items() for alias in aliases}
    phrase_words = _phrase_words(index)
    reporting = PhraseSet(_phrase(p) for p in spec.get("reporting") or ())
    return Lexicon(
        relations=spec["relations"], structural=spec.get("structural") or {}, index=index, target_preps=target_preps,
        object_preps=object_preps, directed=directed, reciprocal=frozenset(reciprocal), compound_words=compound_words,
        proxy_words=frozenset(comp.get("proxy_words") or ()), demonyms=demonyms,
        demonym_heads=frozenset(spec.get("demonym_heads") or ()),
        light_verbs=PhraseSet(_phrase(p) for p in spec.get("light_verbs") or ()),
        negation=PhraseSet(_phrase(p) for p in spec.get("negation") or ()),
        hedges=PhraseSet(_phrase(p) for p in spec.get("hedges") or ()),
        reporting=reporting,
        noun_hedges=PhraseSet(_phrase(p) for p in spec.get("hedges") or () if p not in MODALS_AND_CONDITIONALS),
        compound_res=_compound_patterns(compound_words, frozenset(comp.get("proxy_words") or ()), demonyms),
        phrase_words=phrase_words,
        single_words=frozenset(w for need_sets in phrase_words.values() for need in need_sets if len(need) == 1 for w in need),
        noun_first_words=frozenset(first for first, triggers in index.items() if any(t.kind == "noun" for t in triggers)),
        demonym_norms=frozenset(d.lower().replace("’", "'") for d in demonyms),  # as tokenize() writes them
        subject_stops=CLAUSE_STOPS | {p[0] for p in reporting},
        compound_hint_res=(re.compile(r"[-–](?:" + "|".join(map(re.escape, compound_words)) + r")\b"),
                           re.compile(r"\b(?:[Pp]ro|[Aa]nti)[-–]"), re.compile(r"\b[Pp]rox(?:y|ies)\b")),
        demonym_re=re.compile(r"(?<![A-Za-z])(?:" + "|".join(sorted(map(re.escape, demonyms), key=len, reverse=True)) + r")(?![A-Za-z])"),
    )


def _phrase_words(index: dict[str, list[Trigger]]) -> dict[str, list[frozenset]]:
    out: dict[str, set] = {}
    for first, triggers in index.items():
        for t in triggers:
            out.setdefault(first, set()).add(frozenset(t.head) | frozenset(t.tail))
    return {k: list(v) for k, v in out.items()}


def _compound_patterns(compound_words, proxy_words, demonyms):
    words_re = "|".join(sorted(map(re.escape, compound_words), key=len, reverse=True))
    state_re = "|".join(sorted(map(re.escape, demonyms), key=len, reverse=True))
    return (
        re.compile(rf"\b(?P<state>{state_re})[-–](?P<word>{words_re})\b"),
        re.compile(rf"\b(?P<kind>[Pp]ro|[Aa]nti)[-–](?P<state>{state_re})\b"),
        re.compile(rf"\b(?P<state>{state_re})(?:['’]s)?(?:\s+regime['’]s)?\s+(?:{'|'.join(map(re.escape, proxy_words))})\b"),
    )


# ---------------------------------------------------------------- sentence model
@dataclass(slots=True)
class Tokens:
    """A sentence's tokens as parallel lists: cheaper to build and to read than an object per token.
    A token's text is always ``sentence_text[starts[k]:ends[k]]``."""
    norms: list[str]  # lower case, "’" read as "'", with "'s" and "n't" split off
    starts: list[int]  # offsets in the sentence text, strictly increasing
    ends: list[int]


@dataclass(slots=True)
class Slot:
    actors: tuple[str, ...]
    first: int
    last: int
    surface: str
    kind: str  # mention | anaphor | demonym
    object_of: bool = False


@dataclass(slots=True)
class Found:
    trigger: Trigger
    first: int
    last: int
    sources: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    method: str = ""
    clause_window: bool = False  # negation/hedge read over the clause (verbs) or just before the noun


def tokenize(text: str, lower: str | None = None) -> Tokens:
    """Tokens of a sentence; ``lower`` is ``text.lower()`` when the caller has it already."""
    # Splitting on the token pattern gives [gap, token, gap, token, ..., gap]: the running sum of their
    # lengths gives every offset without a match object per token. When lower-casing is safe (see
    # CASE_UNSAFE) the lower-cased text has the same tokens, so it is split directly.
    safe = _lower_is_safe(text)
    parts = TOKEN_SPLIT_RE.split((text.lower() if lower is None else lower) if safe else text)
    offsets = list(accumulate(map(len, parts)))
    norms = parts[1::2] if safe else [t.lower() for t in parts[1::2]]
    starts, ends = offsets[0:-1:2], offsets[1::2]
    if "'" in text or "’" in text:
        _split_clitics(norms, starts, ends)
    return Tokens(norms, starts, ends)


def _split_clitics(norms: list[str], starts: list[int], ends: list[int]) -> None:
    """In place: "Iran's" -> "iran" + "'s", "didn't" -> "did" + "n't"; any "’" is read as "'"."""
    for k in reversed([k for k, w in enumerate(norms) if "'" in w or "’" in w]):
        low, s, e = norms[k].replace("’", "'"), starts[k], ends[k]
        if low.endswith("'s") and e - s > 2:
            norms[k : k + 1] = [low[:-2], "'s"]
            starts[k : k + 1] = [s, e - 2]
            ends[k : k + 1] = [e - 2, e]
        elif low.endswith("n't") and e - s > 3:
            norms[k : k + 1] = [low[:-3], "n't"]
            starts[k : k + 1] = [s, e - 3]
            ends[k : k + 1] = [e - 3, e]
        else:
            norms[k] = low


def _index_of(offsets: list[int], offset: int) -> int | None:
    """Index of the token starting (or ending) at ``offset``, if one does; offsets are strictly increasing."""
    k = bisect_left(offsets, offset)
    return k if k < len(offsets) and offsets[k] == offset else None


def _lower_is_safe(text: str) -> bool:
    return not any(map(text.__contains__, CASE_UNSAFE))


def _letter_free_around(text: str, start: int, end: int) -> bool:
    """No ASCII letter right before ``start`` nor right after ``end``."""
    return (start == 0 or text[start - 1] not in ASCII_LETTERS) and (end == len(text) or text[end] not in ASCII_LETTERS)


def _match_phrase(norms: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    return tuple(norms[i : i + len(phrase)]) == phrase


def _is_adverb(word: str) -> bool:
    return word.endswith("ly") and ADVERB_RE.match(word) is not None  # endswith: a cheap test before the regex


class PhraseSet:
    """Phrases indexed by their first word, so a lookup at a token costs one dict probe."""

    def __init__(self, phrases):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            self.by_first.setdefault(p[0], []).append(p)
        for v in self.by_first.values():
            v.sort(key=len, reverse=True)

    def __iter__(self):
        return (p for v in self.by_first.values() for p in v)


NO_PHRASES = PhraseSet(())


def _phrase_at(norms: list[str], i: int, phrases: PhraseSet) -> tuple[str, ...] | None:
    """The longest phrase of the set starting at token i."""
    if i < 0 or i >= len(norms):
        return None
    for p in phrases.by_first.get(norms[i], ()):
        if len(p) == 1 or tuple(norms[i : i + len(p)]) == p:
            return p
    return None


def _add_group(groups: dict[int, list[Slot]], members: list[Slot]) -> None:
    for s in members:
        groups[id(s)] = members


class SentenceRelations:
    """Relations of one sentence. Built once per sentence; cheap."""

    def __init__(self, text: str, tokens: Tokens, slots: list[Slot], lex: Lexicon):
        self.text, self.slots, self.lex = text, slots, lex
        self.norms, self.starts, self.ends = tokens.norms, tokens.starts, tokens.ends
        n = len(self.norms)
        self.slot_end: list[Slot | None] = [None] * n
        self.slot_start: list[Slot | None] = [None] * n
        self.in_slot: list[Slot | None] = [None] * n
        for s in slots:
            self.slot_end[s.last] = s
            self.slot_start[s.first] = s
            for k in range(s.first, s.last + 1):
                self.in_slot[k] = s
        self.triggers = self._triggers()
        # Coordination only matters to the arguments of a trigger.
        self.groups = self._groups() if self.triggers else {}
        self._reports: list[tuple[int, tuple[str, ...]]] | None = None
        self._group_preps: dict[int, tuple[str | None, int]] = {}
        self.trigger_at = {}
        for f in self.triggers:
            for k in range(f.first, f.last + 1):
                self.trigger_at[k] = f

    # -- structure ---------------------------------------------------------
    def _groups(self) -> dict[int, list[Slot]]:
        """Coordinated slots ("Iran and the United States", "US-Iraq") -> shared group (id(slot) -> members).
        A slot on its own has no entry: group() answers [slot] for it."""
        norms = self.norms
        groups: dict[int, list[Slot]] = {}
        chain: list[Slot] = []
        cut = 0
        for s in sorted(self.slots, key=_FIRST):
            if chain:
                between = norms[chain[-1].last + 1 : s.first]
                coordinated = not COORDINATORS.isdisjoint(between)
                if between and COORD_FILLERS.issuperset(between) and (
                        coordinated or "," in between or between == ["-"] or between == ["–"]):
                    chain.append(s)
                    # "Lebanon, Syria, Iraq, and Yemen" is a list; "Iraq and Syria, the group" is not:
                    # the group ends at the last link that has "and"/"or" or a hyphen.
                    if coordinated or HYPHENS.issuperset(between):
                        cut = len(chain) - 1
                    continue
                if cut:
                    _add_group(groups, chain[: cut + 1])
            chain, cut = [s], 0
        if cut:
            _add_group(groups, chain[: cut + 1])
        return groups

    def group(self, slot: Slot) -> list[Slot]:
        return self.groups.get(id(slot), [slot])

    def _triggers(self) -> list[Found]:
        norms, index, in_slot = self.norms, self.lex.index, self.in_slot
        out, free_from = [], 0  # a trigger's words are not read again as the start of another
        # Only tokens that start some trigger can start one: visit those, left to right.
        for i in [k for k, w in enumerate(norms) if w in index]:
            if i < free_from or in_slot[i] is not None:
                continue
            hit = None
            prev = norms[i - 1] if i > 0 else None
            for t in index[norms[i]]:
                size = len(t.head)  # the first word matches: it is the index key
                if size > 1 and not _match_phrase(norms, i, t.head):
                    continue
                last = i + size - 1
                if t.tail and self._tail_match(last, t.tail) is None:
                    continue
                if size > 1 and any(in_slot[k] is not None for k in range(i + 1, last + 1)):
                    continue
                if t.kind == "verb":
                    if prev in ARTICLES_AND_POSSESSIVES:
                        continue  # "the fight to eradicate ISIS": a noun use of a verb trigger
                    if t.head[0] == t.base and not self._finite_context(i):
                        continue  # a bare "back", "target", "strike": only after a subject, "to" or a modal
                if hit is None or size > len(hit.head) or (size == len(hit.head) and self._prefer(t, hit, i, last)):
                    hit = t
            if hit is None:
                continue
            last = i + len(hit.head) - 1
            out.append(Found(hit, i, last))
            free_from = last + 1
        return out

    def _finite_context(self, i: int) -> bool:
        if i == 0:
            return False
        prev = self.norms[i - 1]
        return self.slot_end[i - 1] is not None or prev in AUXILIARIES or prev in PRONOUNS or prev in COORDINATORS or _is_adverb(prev)

    def _tail_match(self, last: int, tail) -> int | None:
        s = self.slot_after(last + 1)
        if s is None:
            return None
        k = s.last + 1
        return k + len(tail) - 1 if _match_phrase(self.norms, k, tail) else None

    def _prefer(self, a: Trigger, b: Trigger, i: int, last: int) -> bool:
        """Same words as a verb and as a noun ("attack", "support"): decide from the context."""
        if a.kind == b.kind:
            return False
        noun = a if a.kind == "noun" else b
        prev = self.norms[i - 1] if i > 0 else ""
        if prev in AUXILIARIES or prev in PRONOUNS or _is_adverb(prev):
            is_noun = False
        elif prev in NOUN_SIGNALS or self._followed_by_target_prep(noun, last):
            is_noun = True
        elif self.slot_after(last + 1) is not None:
            is_noun = False  # a direct object: "a letter warning Iraq"
        else:
            is_noun = not (i > 0 and self.slot_end[i - 1] is not None)  # "Iran supports ...", "militias attack ..."
        return (a.kind == "noun") == is_noun

    def _followed_by_target_prep(self, t: Trigger, last: int) -> bool:
        preps = self.lex.target_preps.get(t.relation)
        return preps is not None and _phrase_at(self.norms, last + 1, preps) is not None

    # -- helpers -----------------------------------------------------------
    def prep_at(self, slot: Slot) -> tuple[str | None, int]:
        """The preposition governing a slot ("on" in "attack on one of those militias") and its index."""
        norms = self.norms
        k = slot.first - 1
        while k >= 0:
            w = norms[k]
            if w in DETERMINERS or w == "'s" or w.isdigit():
                k -= 1
                continue
            if w == "of" and k > 0 and norms[k - 1] in QUANTIFIERS:
                k -= 2
                continue
            if w in COORDINATORS:
                # "in Gaza and Lebanon": a preposition shortly before a coordinated non-actor
                for b in range(k - 1, max(-1, k - 4), -1):
                    wb = norms[b]
                    if wb in STRONG_BREAKS or wb == "," or self.slot_end[b] is not None:
                        break
                    if wb in PREPOSITIONS:
                        return wb, b
                return None, -1
            return (w, k) if w in PREPOSITIONS else (None, -1)
        return None, -1

    def slot_after(self, k: int) -> Slot | None:
        """The slot starting at k, or after the determiners from k ("by the ...", "the group")."""
        norms, slot_start = self.norms, self.slot_start
        while k < len(norms):
            if slot_start[k] is not None:
                return slot_start[k]
            if norms[k] not in DETERMINERS:
                return None
            k += 1
        return None

    def prep_before(self, slot: Slot) -> str | None:
        return self.prep_at(slot)[0]

    def group_prep(self, slot: Slot) -> tuple[str | None, int]:
        """The preposition of a coordinated group is the one before its first member."""
        first = self.group(slot)[0]
        found = self._group_preps.get(id(first))  # asked again and again by the argument finders
        if found is None:
            found = self._group_preps[id(first)] = self.prep_at(first)
        return found

    def _adverbs_between(self, a: int, b: int) -> bool:
        return all(w in ADVERB_FILLERS or _is_adverb(w) for w in self.norms[a:b])

    def _clause_bounds(self, i: int) -> tuple[int, int]:
        norms = self.norms
        lo = i
        while lo > 0:
            w = norms[lo - 1]
            if w in CLAUSE_STOPS:
                if w not in STRONG_BREAKS:  # a subordinator or relative
                    lo -= 1
                    if lo > 0:
                        lo -= 1  # "provided that", "even if": the word before belongs to the cue
                break
            lo -= 1
        hi = i
        while hi < len(norms) - 1:
            if norms[hi + 1] in CLAUSE_STOPS:
                break
            hi += 1
        return lo, hi

    def _has_cue(self, a: int, b: int, cues: PhraseSet) -> bool:
        """Does a cue phrase start at a token in [a, b)? For negation, so does any word ending in "n't"."""
        norms, by_first = self.norms, cues.by_first
        a, b = max(0, a), min(b, len(norms))
        if cues is self.lex.negation and ("'" in self.text or "’" in self.text):  # no apostrophe, no "n't"
            if any(w.endswith("n't") for w in norms[a:b]):
                return True
        if by_first.keys().isdisjoint(norms[a:b]):
            return False
        return any(norms[k] in by_first and _phrase_at(norms, k, cues) for k in range(a, b))

    def _relative_antecedent(self, j: int) -> Slot | list[Slot] | None:
        """Slot that "which/who/that" at j refers to, skipping a locative ("militias in Iraq, which ...")."""
        norms = self.norms
        k = j - 1
        if k >= 0 and norms[k] == ",":
            k -= 1
        noun = self.trigger_at.get(k)
        if noun is not None and noun.trigger.kind == "noun" and noun.sources:
            return noun.sources  # "the US airstrike that killed ..."
        s = self.slot_end[k] if k >= 0 else None
        while s is not None and self.prep_before(s) in LOCATIVES:
            k = s.first - 1
            while k >= 0 and norms[k] in DETERMINERS:
                k -= 1
            k -= 1  # the locative itself
            s = self.slot_end[k] if k >= 0 else None
        return s

    # -- arguments ---------------------------------------------------------
    def subject_left(self, i: int) -> list[Slot] | None:
        """Subject of a verb starting at token i."""
        norms, slot_end, stops = self.norms, self.slot_end, self.lex.subject_stops
        j, floor = i - 1, max(0, i - MAX_SUBJECT_DISTANCE)
        while j >= floor:
            w = norms[j]
            s = slot_end[j]
            if s is None and w not in stops:  # neither an actor nor a break, relative, subordinator or reporting verb
                j -= 1
                continue
            if w in STRONG_BREAKS:
                return None
            if s is not None:
                adjacent = self._adverbs_between(s.last + 1, i)
                if s.object_of and not adjacent and not self._controls(s, i):
                    j = s.first - 1
                    continue
                prep, _ = self.group_prep(s)
                # "with Washington targeting ...": an absolute construction; "launches by X hit ..."
                infinitive = norms[s.last + 1 : i] == ["to"]
                if prep and prep != "by" and not (adjacent and prep == "with") and not (prep == "for" and infinitive):
                    j = self.group(s)[0].first - 1
                    continue
                return self.group(s)
            if w in RELATIVES:
                ante = self._relative_antecedent(j)
                if isinstance(ante, list):
                    return ante
                if ante is None:
                    return None
                return self.group(ante) if self.group_prep(ante)[0] is None else [ante]
            if w in SUBORDINATORS:
                return None
            if j + 1 < i and _phrase_at(norms, j, self.lex.reporting) and self.trigger_at.get(j) is None:
                return None
            j -= 1
        return None

    def _controls(self, s: Slot, i: int) -> bool:
        """An object that is the subject of the next verb: "enabling Iran to strike", "accused Iraq of enabling"."""
        between = self.norms[s.last + 1 : i]
        return between in (["to"], ["of"])

    def object_right(self, f: Found) -> list[Slot] | None:
        norms = self.norms
        rel = f.trigger.relation
        needs = self.lex.object_preps.get(rel) or frozenset()
        # A phrase ending in a preposition ("crack down on", "mediate between") has taken it already.
        consumed = len(f.trigger.head) > 1 and f.trigger.head[-1] in PREPOSITIONS
        j, gap, n = f.last + 1, 0, len(norms)
        while j < n and gap <= MAX_OBJECT_GAP:
            if norms[j] in OBJECT_STOPS:
                return None
            other = self.trigger_at.get(j)
            if other is not None and other is not f:
                between = set(norms[f.last + 1 : other.first])
                if other.trigger.kind == "verb" and between <= VERB_COORDINATION:
                    j, gap = other.last + 1, 0
                    continue
                return None
            s = self.slot_start[j]
            if s is not None:
                prep, at = self.group_prep(s)
                if prep is not None and at <= f.last:
                    prep = None  # the preposition is part of the trigger ("stood by", "crack down on")
                group = self.group(s)
                if (consumed and prep is None) or (prep in needs) or (not needs and prep is None):
                    if rel == "kills" and group[-1].last + 1 < n and norms[group[-1].last + 1] == "'s":
                        return None  # "killed one of Iran's commanders": not Iran itself
                    return group
                j = group[-1].last + 1
                gap += 1
                continue
            j += 1
            gap += 1
        return None

    def agent_by(self, f: Found) -> list[Slot] | None:
        norms = self.norms
        j = f.last + 1
        while j < len(norms) and j <= f.last + 14:
            w = norms[j]
            if w in CLAUSE_STOPS:
                return None
            if w == "by":
                s = self.slot_after(j + 1)
                return self.group(s) if s else None
            j += 1
        return None

    def noun_target(self, f: Found) -> list[Slot] | None:
        norms, slot_start = self.norms, self.slot_start
        preps = self.lex.target_preps.get(f.trigger.relation) or NO_PHRASES
        consumed = len(f.trigger.head) > 1 and f.trigger.head[-1] in PREPOSITIONS
        for off in range(0, 3):
            j = f.last + 1 + off
            if j >= len(norms) or norms[j] in STRONG_BREAKS:
                return None
            p = None if consumed and off == 0 else _phrase_at(norms, j, preps)
            if consumed and off == 0:
                k = j
            elif p is None:
                continue
            else:
                k = j + len(p)
            gap = 0
            while k < len(norms) and gap <= 5:
                s = slot_start[k]
                if s is not None:
                    return self.group(s)
                if norms[k] in NOUN_TARGET_STOPS:
                    break
                k += 1
                gap += 1
            return None
        return None

    def noun_source(self, f: Found) -> tuple[list[Slot] | None, str]:
        norms = self.norms
        i = f.first
        # "US attack", "Iran's support", "US advisory support", "Israeli threats"
        for back in (1, 2, 3):
            k = i - back
            if k < 0:
                break
            w = norms[k]
            s = self.slot_end[k]
            if s is not None:
                return [s], "noun"
            if w == "'s":
                continue
            if w in POSSESSIVE_PRONOUNS:
                return self.subject_left(k), "noun"
            if back == 1 and w.isalpha() and w not in DETERMINERS and w not in PREPOSITIONS and w not in AUXILIARIES:
                continue  # one adjective: "US advisory support"
            break
        # "US-Iraq talks", "US-Iraqi consultations" (a hyphenated pair before the noun)
        return None, ""

    def hyphen_pair(self, f: Found) -> tuple[Slot, Slot] | None:
        for back in (1, 2):
            k = f.first - back
            s2 = self.slot_end[k] if k >= 0 else None
            if s2 is None:
                continue
            if s2.first >= 2 and self.norms[s2.first - 1] in HYPHENS:
                s1 = self.slot_end[s2.first - 2]
                if s1 is not None and self.ends[s1.last] == self.starts[s2.first - 1]:
                    return s1, s2
            return None
        return None

    def from_source(self, f: Found) -> list[Slot] | None:
        norms = self.norms
        for off in (1, 2):
            j = f.last + off
            if j < len(norms) and norms[j] == "from":
                s = self.slot_after(j + 1)
                return self.group(s) if s else None
        return None

    def light_verb_subject(self, f: Found) -> list[Slot] | None:
        subj = self.subject_left(f.first)
        if not subj:
            return None
        start = subj[-1].last + 1
        for k in range(start, f.first):
            if _phrase_at(self.norms, k, self.lex.light_verbs):
                return subj
        return None

    def initial_clause_subject(self, f: Found) -> list[Slot] | None:
        """ "Initially targeting US bases, the group ...", "With attacks on US forces, militias ...": the main subject follows."""
        norms = self.norms
        first_word = norms[0] if norms else ""
        if not (norms[f.first].endswith("ing") or first_word == "with"):
            return None
        if "," in norms[: f.first]:
            return None
        j = f.last + 1
        while j < len(norms) and norms[j] != ",":
            if norms[j] in STRONG_BREAKS:
                return None
            j += 1
        s = self.slot_after(j + 1)
        return self.group(s) if s else None

    def is_passive(self, f: Found) -> bool:
        if not f.trigger.participle:
            return False
        norms = self.norms
        k = f.first - 1
        while k >= 0 and (_is_adverb(norms[k]) or norms[k] in ("also", "already", "then", "reportedly")):
            k -= 1
        return k >= 0 and norms[k] in BE_FORMS

    # -- the pass ----------------------------------------------------------
    def run(self) -> list[Found]:
        for f in self.triggers:
            t = f.trigger
            if t.kind == "verb":
                if self.is_passive(f):
                    f.targets = self.subject_left(f.first) or []
                    f.sources = self.agent_by(f) or []
                    f.method = "passive"
                    f.clause_window = True
                else:
                    f.clause_window = True
                    f.sources = self.subject_left(f.first) or self.initial_clause_subject(f) or []
                    if t.tail:
                        after = self.slot_after(f.last + 1)
                        f.targets = self.group(after) if after else []
                    else:
                        f.targets = self.object_right(f) or []
                    f.method = "verb"
            else:
                f.method = "noun"
                pair = self.hyphen_pair(f)
                if pair:
                    f.sources, f.targets = [pair[0]], [pair[1]]
                else:
                    src, _ = self.noun_source(f)
                    f.targets = self.noun_target(f) or []
                    if not src:
                        src = self.agent_by(f)
                    if not src:
                        src = self.from_source(f)
                        if src and not f.targets:
                            f.targets = self.light_verb_subject(f) or []  # "Iraq is under pressure from Iran"
                    if not src:
                        src = self.light_verb_subject(f)
                        f.clause_window = bool(src)
                        if not src:
                            src = self.initial_clause_subject(f)
                    f.sources = src or []
            for s in f.targets:
                s.object_of = True
        return self.triggers

    def negated_hedged(self, f: Found) -> tuple[bool, bool]:
        if f.trigger.kind == "verb" or f.clause_window:
            lo, hi = self._clause_bounds(f.first)
            right = f.last
            while right < hi and self.norms[right + 1] != ",":
                right += 1
            negated = self._has_cue(lo, f.first, self.lex.negation)
            hedged = self._has_cue(lo, right + 1, self.lex.hedges)
        else:
            # A noun ("Iran's support for ...") presupposes its relation: only words right before it count.
            start = min([f.first] + [s.first for s in f.sources])
            negated = self._has_cue(start - 2, f.first, self.lex.negation)
            hedged = self._has_cue(start - 3, f.first, self.lex.noun_hedges)
        if self.norms and self.norms[0] in ("if", "unless", "should", "were") and f.first > 0:
            hedged = True
        return negated, hedged

    @property
    def reports(self) -> list[tuple[int, tuple[str, ...]]]:
        if self._reports is None:
            norms, rep = self.norms, self.lex.reporting
            self._reports = [(k, p) for k, w in enumerate(norms) if w in rep.by_first and (p := _phrase_at(norms, k, rep)) is not None]
        return self._reports

    def claimant(self, f: Found) -> str | None:
        """Who the sentence says asserts this relation: "X said ...", "..., X said", "according to X"."""
        norms = self.norms
        for k, p in self.reports:
            if f.first <= k <= f.last:
                continue
            if p == ("according", "to"):
                s = self.slot_start[k + 2] if k + 2 < len(norms) else None
                if s is None and k + 3 < len(norms) and norms[k + 2] in DETERMINERS:
                    s = self.slot_start[k + 3]
                if s is not None:
                    return s.actors[0]
                continue
            if k < f.first:
                # "X (has) said ...", "X accused Y of ..." before the relation
                other = self.trigger_at.get(k)
                if other is not None:
                    if other.sources and other is not f:
                        return other.sources[0].actors[0]
                    continue
                subj = self.subject_left(k)
                if subj:
                    return subj[0].actors[0]
            else:
                # "..., X said." / "..., said X." closing the sentence
                s = self.slot_end[k - 1] if k > 0 else None
                rest = k + len(p)
                if s is None and k + 1 < len(norms):
                    s = self.slot_start[k + 1]
                    rest = s.last + 1 if s is not None else rest
                tail = norms[rest:]
                if s is not None and len(tail) <= 4 and all(not w.isalpha() or w in TAIL_WORDS for w in tail):
                    return s.actors[0]
        return None


# ---------------------------------------------------------------- slots
class ArticleSlots:
    """Builds the slots of each sentence, remembering recent armed groups for anaphors."""

    def __init__(self, registry, lex: Lexicon):
        self.registry, self.lex = registry, lex
        self.recent: list[tuple[int, str, bool, int]] = []  # (sent_id, actor, collective, weight)

    def _remember(self, sent_id: int, actor: str, weight: int = 1):
        a = self.registry.actors.get(actor)
        if a is not None and a.type in ANAPHOR_TYPES:
            collective = "collectively" in a.name
            self.recent.append((sent_id, actor, collective, weight))

    def _resolve(self, sent_id: int, plural: bool) -> str | None:
        """Most salient armed group of the last sentences: a sentence's first actor counts double
        (it is usually the subject); ties go to the most recent."""
        window = [r for r in self.recent if sent_id - ANAPHOR_WINDOW <= r[0] <= sent_id]
        if plural:
            coll = [r[1] for r in window if r[2]]
            if coll:
                return coll[-1]
        else:
            window = [r for r in window if not r[2]]  # "the group" is one group, not "the militias"
        if not window:
            return None
        score: dict[str, int] = {}
        for r in window:
            score[r[1]] = score.get(r[1], 0) + r[3]
        best = max(score.values())
        return next(r[1] for r in reversed(window) if score[r[1]] == best)

    def note(self, sent_id: int, mentions: list[dict]) -> None:
        """Remember a sentence's actors without building its slots (a sentence that cannot hold a relation)."""
        for n, m in enumerate(sorted(mentions, key=_START)):
            self._remember(sent_id, m["actor"], 2 if n == 0 else 1)
        self.recent = [r for r in self.recent if r[0] > sent_id - ANAPHOR_WINDOW]

    def build(self, sent: dict, tokens: Tokens, mentions: list[dict], lower: str | None = None) -> list[Slot]:
        """``lower`` is the sentence text lower-cased, when the caller has it already."""
        base = sent["start"]
        text = sent["text"]
        norms, starts, ends = tokens.norms, tokens.starts, tokens.ends
        n = len(norms)
        slots: list[Slot] = []
        taken = [False] * n
        for m in sorted(mentions, key=_START):
            # A mention is a slot when it starts and ends on token boundaries (offsets strictly increase).
            a, b = m["start"] - base, m["end"] - base
            i, j = bisect_left(starts, a), bisect_left(ends, b)
            if i == n or starts[i] != a or j == n or ends[j] != b or any(taken[i : j + 1]):
                continue
            slots.append(Slot((m["actor"],), i, j, m["surface"], "mention"))
            for k in range(i, j + 1):
                taken[k] = True
        sid = sent["sent_id"]
        # Anaphors resolve against earlier sentences, and against this one's mentions before them.
        low = text.lower() if lower is None else lower
        anaphors: Iterable[re.Match[str]] = ()
        if any(map(low.__contains__, ANAPHOR_HINTS)):
            anaphors = ANAPHOR_LOWER_RE.finditer(low) if _lower_is_safe(text) else ANAPHOR_RE.finditer(text)
        for mt in anaphors:
            ai, aj = _index_of(starts, mt.start()), _index_of(ends, mt.end())
            if ai is None or aj is None or any(taken[ai : aj + 1]):
                continue
            if mt.group("det").lower() in ("this", "that") and mt.group("noun").lower() in PLURAL_ANAPHORS:
                continue
            before = [s for s in slots if s.last < ai]
            mark = len(self.recent)
            for s in before:
                self._remember(sid, s.actors[0])
            actor = self._resolve(sid, mt.group("noun").lower() in PLURAL_ANAPHORS)
            del self.recent[mark:]
            if actor is None:
                continue
            slots.append(Slot((actor,), ai, aj, text[mt.start() : mt.end()], "anaphor"))
            for k in range(ai, aj + 1):
                taken[k] = True
        # State adjectives: "Israeli sites", "Iranian officials", "American and Iranian-backed forces".
        lex = self.lex
        demonyms, heads = lex.demonyms, lex.demonym_heads
        candidates = []
        if not lex.demonym_norms.isdisjoint(norms):
            # A token's lower case is a cheap first test; its text as written decides (demonyms are case-sensitive).
            # A token in a slot already (most are mentions) is no candidate.
            candidates = [k for k, w in enumerate(norms)
                          if w in lex.demonym_norms and not taken[k] and text[starts[k] : ends[k]] in demonyms]
        # Only sentences where demonym_re finds a state word have candidates. It surely does at a candidate with
        # no ASCII letter on either side (the pattern holds every demonym between such lookarounds), so it need
        # only run when every candidate touches a letter ("U.S.-led" does not, "U.S.led" does).
        if candidates and not any(_letter_free_around(text, starts[k], ends[k]) for k in candidates) and not lex.demonym_re.search(text):
            candidates = []
        for k in candidates:
            word = text[starts[k] : ends[k]]
            if demonyms[word] not in self.registry.actors:
                continue
            nxt = norms[k + 1] if k + 1 < n else ""
            nxt2 = norms[k + 2] if k + 2 < n else ""
            head = None
            if nxt in heads:
                head = nxt
            elif nxt2 in heads and nxt.isalpha() and not taken[k + 1]:
                head = nxt2
            elif nxt in lex.noun_first_words:
                head = ""
            elif word.endswith("s") and word[:-1] in demonyms:  # "Iranians", "Israelis"
                head = ""
            elif nxt in COORDINATORS and k + 2 < n and taken[k + 2]:
                ahead = next((s for s in slots if s.first == k + 2), None)
                if ahead is not None and norms[ahead.last] in heads:
                    head = norms[ahead.last]  # "American and Iranian-backed forces"
            elif nxt in HYPHENS and k + 2 < n and norms[k + 2] in lex.index:
                head = ""  # "US-Iraqi consultations"
            if head is None:
                continue
            actor = demonyms[word]
            if head:
                hits = self.registry.matcher.find(f"{word} {head}")
                if len(hits) == 1 and not hits[0].target.startswith("role:") and hits[0].end == len(word) + 1 + len(head):
                    actor = hits[0].target
            slots.append(Slot((actor,), k, k, word, "demonym"))
            taken[k] = True
        slots.sort(key=_FIRST)
        for n_slot, s in enumerate(slots):
            self._remember(sid, s.actors[0], 2 if n_slot == 0 else 1)
        self.recent = [r for r in self.recent if r[0] > sid - ANAPHOR_WINDOW]
        return slots


# ---------------------------------------------------------------- compounds
def compound_relations(sent: dict, tokens: Tokens, slots: list[Slot], lex: Lexicon, registry) -> list[dict]:
    """ "Iran-backed militias", "pro-Iranian factions", "Iran's proxies", "Iran-aligned IRI", "anti-American militias"."""
    out = []
    text = sent["text"]
    norms, starts, ends = tokens.norms, tokens.starts, tokens.ends
    n = len(norms)
    demonyms = lex.demonyms
    compound, pro_anti, proxy = lex.compound_res
    by_first = None  # built on first need: most sentences have no compound at all

    def state_of(word: str) -> str | None:
        actor = demonyms.get(word)
        return actor if actor in registry.actors else None

    for s in slots:
        surface = s.surface
        found = []
        if "-" not in surface and "–" not in surface and "prox" not in surface.lower() and not (
                s.kind == "mention" and s.last + 1 < n and norms[s.last + 1] in HYPHENS):
            continue
        if by_first is None:
            by_first = {o.first: o for o in slots}
        for m in compound.finditer(surface):
            found.append((state_of(m.group("state")), lex.compound_words[m.group("word")], m.group()))
        for m in pro_anti.finditer(surface):
            found.append((state_of(m.group("state")), "supports" if m.group("kind").lower() == "pro" else "opposes", m.group()))
        for m in proxy.finditer(surface):
            found.append((state_of(m.group("state")), "supports", m.group()))
        if not found and any(w in lex.proxy_words for w in surface.lower().split()):
            # "its proxy militias": the owner is the nearest actor before "its".
            k = s.first - 1
            if k >= 0 and norms[k] in POSSESSIVE_PRONOUNS:
                owner = next((o for o in reversed(slots) if o.last < k), None)
                if owner is not None:
                    found.append((owner.actors[0], "supports", f"{text[starts[k]:ends[k]]} {surface}"))
        # "Iran-aligned Islamic Resistance in Iraq": a state mention, a compound word, then the actor.
        if s.kind == "mention" and s.last + 3 < n + 1:
            k = s.last + 1
            if k + 1 < n and norms[k] in HYPHENS and norms[k + 1] in lex.compound_words:
                nxt = by_first.get(k + 2)
                if nxt is not None and nxt.actors[0] != s.actors[0]:
                    rel = lex.compound_words[norms[k + 1]]
                    word = text[starts[k + 1] : ends[k + 1]]
                    out.append(_compound_row(sent, tokens, s.actors[0], nxt, rel, f"{s.surface}-{word}"))
        for state, rel, trig in found:
            if state is None:
                continue
            targets = [s]
            appositive = by_first.get(s.last + 1)
            if appositive is not None and appositive.kind == "mention":
                targets.append(appositive)  # "Iran-aligned Iraqi militia Harakat al-Nujaba"
            for t in targets:
                if t.actors[0] != state:
                    if rel == "opposes":
                        out.append(_compound_row(sent, tokens, t.actors[0], t, rel, trig, swap=True, state=state))
                    elif rel == "affiliated_with":
                        out.append(_compound_row(sent, tokens, t.actors[0], t, rel, trig, swap=True, state=state))
                    else:
                        out.append(_compound_row(sent, tokens, state, t, rel, trig))
    return out


def _compound_row(sent, tokens: Tokens, source, target_slot: Slot, rel, trigger, swap=False, state=None) -> dict:
    a, b = tokens.starts[target_slot.first], tokens.ends[target_slot.last]
    src, tgt = (target_slot.actors[0], state) if swap else (source, target_slot.actors[0])
    return {
        "source": src, "target": tgt, "relation": rel, "negated": False, "hedged": False, "trigger": trigger,
        "start": sent["start"] + a, "end": sent["start"] + b, "method": "compound",
        "source_surface": None, "target_surface": target_slot.surface,
    }


# ---------------------------------------------------------------- entry points
def sentence_relations(sent: dict, mentions: list[dict], registry, lex: Lexicon | None = None, slots_builder: ArticleSlots | None = None) -> list[dict]:
    """Relations in one sentence (dicts without article_id)."""
    lex = lex or load_lexicon()
    builder = slots_builder or ArticleSlots(registry, lex)
    text = sent["text"]
    # Most of the cost is tokenizing: skip sentences that can hold neither a trigger nor a compound.
    compound_hint = lex.may_have_compound(text)
    low = text.lower()
    if not compound_hint and (not mentions and not any(w in low for w in ANAPHOR_HINTS) or not lex.may_have_trigger(text, low)):
        builder.note(sent["sent_id"], mentions)
        return []
    tokens = tokenize(text, low)
    slots = builder.build(sent, tokens, mentions, low)  # also when no relation can follow: it feeds the anaphors
    rows = compound_relations(sent, tokens, slots, lex, registry)
    # A relation joins two different actors: with fewer, no trigger can give a row.
    if len({s.actors[0] for s in slots}) < 2:
        return _finish(rows, sent)
    sr = SentenceRelations(text, tokens, slots, lex)
    if not sr.triggers:
        return _finish(rows, sent)
    starts, ends = tokens.starts, tokens.ends
    for f in sr.run():
        rel = f.trigger.relation
        sources, targets = f.sources, f.targets
        pairs = []
        if sources and targets:
            pairs = [(s, t) for s in sources for t in targets]
        elif len(sources) > 1 and (not lex.directed.get(rel, True) or f.trigger.base in lex.reciprocal):
            # "Iraq and the US discuss ...", "US and Iraqi officials began talks": each with each.
            pairs = [(a, b) for x, a in enumerate(sources) for b in sources[x + 1 :]]
            if f.trigger.base in lex.reciprocal:
                pairs += [(b, a) for a, b in pairs]
        elif len(targets) > 1 and not sources and not lex.directed.get(rel, True):
            pairs = [(a, b) for x, a in enumerate(targets) for b in targets[x + 1 :]]
        if not pairs:
            continue
        negated, hedged = sr.negated_hedged(f)
        claimed = sr.claimant(f)
        trig_text = text[starts[f.first] : ends[f.last]]
        for s, t in pairs:
            for sa in s.actors:
                for ta in t.actors:
                    if sa == ta:
                        continue
                    rows.append({
                        "source": sa, "target": ta, "relation": rel, "negated": negated, "hedged": hedged,
                        "trigger": trig_text, "start": sent["start"] + starts[f.first],
                        "end": sent["start"] + ends[f.last], "method": f.method,
                        "claimed_by": claimed if claimed not in (sa,) else None,
                        "source_surface": s.surface, "target_surface": t.surface,
                    })
    return _finish(rows, sent)


def _finish(rows: list[dict], sent: dict) -> list[dict]:
    seen, out = set(), []
    for r in rows:
        key = (r["source"], r["target"], r["relation"], r["negated"], r["hedged"])
        if key in seen or r["source"] == r["target"]:
            continue
        seen.add(key)
        r["sent_id"] = sent["sent_id"]
        r["evidence"] = sent["text"]
        out.append(r)
    return out


def extract(article, sentences, mentions, ctx):
    """Pipeline extractor: relation rows for one article."""
    lex = load_lexicon()
    by_sent: dict[int, list[dict]] = {}
    for m in mentions:
        by_sent.setdefault(m["sent_id"], []).append(m)
    builder = ArticleSlots(ctx.registry, lex)
    rows = []
    for sent in sentences:
        for r in sentence_relations(sent, by_sent.get(sent["sent_id"], []), ctx.registry, lex, builder):
            r["article_id"] = article["article_id"]
            rows.append(r)
    return rows


def registry_rows(registry) -> list[dict]:
    """Structural edges from the registry's parents (part_of, affiliated_with, facade_of, brand_of); no article."""
    rows = []
    for a in registry.actors.values():
        for parent, rel in a.parents:
            if parent in registry.actors:
                rows.append({"article_id": None, "sent_id": None, "source": a.id, "target": parent, "relation": rel,
                             "negated": False, "hedged": False, "evidence": None, "trigger": None, "start": None,
                             "end": None, "method": "registry", "claimed_by": None})
    return rows
