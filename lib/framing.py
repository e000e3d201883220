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

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from lib import tone
from lib.paths import DATA_DIR

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
WORD_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[\w][\w'’\-]*")
APPOSITION_HEAD_RE = re.compile(r"\s*(?:\([^()]{1,30}\))?(?:[”\"]\s*[—–]|\s*,)\s*")
APPOSITION_BODY_RE = re.compile(r"[^,;:()\"“”—–]+")
POSSESSIVE_RE = re.compile(r"['’]s$")
GROUP_AFTER_RE = re.compile(r" (faction|movement|militia|group|brigades|organization|organisation|party)\b")
CLAUSE_END_RE = re.compile(r"[,;:()\"“”—–]|\.(?:\s|$)")
AS_RE = re.compile(r"\s+(?:as\s+)?")
PRONOUN_SUBJECT_RE = re.compile(r"(?:^|[,;]\s+|\b(?:and|but|as|while)\s+)(they|he|she)\b", re.IGNORECASE)
LOWER_WORD_RE = re.compile(r"[a-z]+")
KNOWN_AS_RE = re.compile(r",?\s+(?:known as|called|dubbed|referred to as)\s+(?:the\s+)?")
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
    speech_re: re.Pattern
    speech_verbs: tuple
    addressee_verbs: frozenset
    subject_speech: frozenset
    clause_breaks: frozenset


def _alternation(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=4)
def load_lexicon(path: str | None = None) -> Lexicon:
    spec = yaml.safe_load(open(path or DATA_DIR / "framing.yaml", encoding="utf-8"))
    low = lambda key: frozenset(str(w).lower() for w in spec[key])  # noqa: E731
    return Lexicon(
        role_nouns=low("role_nouns"),
        modifier_words={str(w).lower(): str(w) for w in spec["modifier_words"]},
        honorifics=low("honorifics"),
        apposition_starts=low("apposition_starts"),
        group_nouns=low("group_nouns"),
        copula_re=re.compile(r"^\s*(?:\([^()]{1,40}\)\s*)?((?:\w+ly\s+)?(?:" + _alternation(spec["copulas"]) + r"))\s+"),
        complement_verbs=low("complement_verbs"),
        speech_re=re.compile(r"\b(" + _alternation(spec["speech_verbs"]) + r")\b", re.IGNORECASE),
        speech_verbs=tuple(str(w).lower() for w in spec["speech_verbs"]),
        addressee_verbs=low("addressee_verbs"),
        subject_speech=low("subject_speech"),
        clause_breaks=low("clause_breaks"),
    )


@dataclass(frozen=True)
class EventPattern:
    id: str
    name: str
    date: str | None
    actor: str
    anchors: frozenset
    words: tuple
    exclude: frozenset
    keywords: tuple
    phrases: tuple


@lru_cache(maxsize=4)
def load_events(path: str | None = None) -> tuple[EventPattern, ...]:
    spec = yaml.safe_load(open(path or DATA_DIR / "loaded_terms.yaml", encoding="utf-8"))
    return tuple(
        EventPattern(
            id=e["id"], name=e["name"], date=None if e.get("date") is None else str(e["date"]), actor=e["actor"],
            anchors=frozenset(e.get("anchors") or []),
            words=tuple(re.compile(w, re.IGNORECASE) for w in e.get("words") or []),
            exclude=frozenset(e.get("exclude") or []),
            keywords=tuple(k.lower() for k in e["keywords"]),
            phrases=tuple(re.compile(r"\b(?:" + p + r")\b", re.IGNORECASE) for p in e["phrases"]),
        )
        for e in spec["events"]
    )


@lru_cache(maxsize=4)
def load_event_nouns(path: str | None = None) -> frozenset:
    spec = yaml.safe_load(open(path or DATA_DIR / "loaded_terms.yaml", encoding="utf-8"))
    return frozenset(w.lower() for w in spec.get("nouns") or [])


def event_names() -> dict[str, str]:
    return {e.id: e.name for e in load_events()}


# ----------------------------------------------------------------- helpers
@dataclass
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


class Words:
    """The words of a sentence with their offsets, tokenised once."""

    __slots__ = ("text", "items", "ends", "_lower")

    def __init__(self, text: str):
        self.text = text
        self.items = [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text)]
        self.ends = [e for _, _, e in self.items]
        self._lower = None

    def lower_set(self) -> set[str]:
        if self._lower is None:
            self._lower = {w.lower() for w, _, _ in self.items}
        return self._lower

    def left(self, pos: int, limit: int = 6) -> list[tuple[str, int, int]]:
        """Words immediately before ``pos`` separated by single spaces only,
        nearest first: punctuation ends the run ("Mr. Mansour" has none)."""
        j = bisect.bisect_right(self.ends, pos) - 1
        out = []
        while j >= 0 and len(out) < limit:
            w, s, e = self.items[j]
            if self.text[e:pos] != " ":
                break
            out.append((w, s, e))
            pos = s
            j -= 1
        return out


_WORDS: dict[str, Words] = {}


def words_of(text: str) -> Words:
    """Tokenised sentence, cached for the sentence being processed (rules call it repeatedly)."""
    w = _WORDS.get(text)
    if w is None:
        if len(_WORDS) > 256:
            _WORDS.clear()
        w = _WORDS[text] = Words(text)
    return w


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
        after = text[m.end:]
        # ", a widely respected figure"; a dash only after a closing quote
        # ("the “Coordination Framework” — a parliamentary majority ...")
        head = APPOSITION_HEAD_RE.match(after)
        if not head:
            continue
        body_start = m.end + head.end()
        body = APPOSITION_BODY_RE.match(text, body_start)
        if not body:
            continue
        words = WORD_RE.findall(body.group())
        if not words or words[0].lower() not in lex.apposition_starts | lex.role_nouns:
            continue
        if _is_name_list(text, body_start, words, mentions):
            continue  # "Iran, the United States and Israel", "the Quds Force, General Ismail Qaani"
        lowered = [w.lower() for w in words]
        if any(w in FINITE for w in lowered[:3]) or lex.speech_re.search(body.group()):
            continue
        if any(w.endswith("ed") and "-" not in w and w not in lex.modifier_words and nxt in DETERMINERS
               for w, nxt in zip(lowered[1:], lowered[2:])):
            continue  # "..., the group expanded its attacks": a clause, not an apposition
        cut = []
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
    covered = [(m.start, m.end) for m in (covering if covering is not None else mentions)]
    tokens = words_of(text)
    for m in mentions:
        if m.type == "state" or m.start == 0 or text[m.start - 1] != " ":
            continue  # "last week's deadly U.S. attack": the name is itself a modifier there
        left = tokens.left(m.start)
        if not left or left[0][0].lower().rstrip(".") in lex.honorifics:
            continue
        person = m.type in ("person", "media outlet")
        run = []
        for word, s, e in left:
            lw = word.lower()
            possessive = bool(POSSESSIVE_RE.search(word))
            if lw in DETERMINERS or lw in PREPOSITIONS or lw in lex.clause_breaks or lw in FINITE:
                break
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
        if m.type == "person":
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
        if text[a.end:b.start] == " " and a.type != "person" and any(c.islower() for c in a.surface.split()[-1]) and b.type in ("armed group", "facade group", "person"):
            out.append((a, b))
    return out


def predicates(text: str, subjects: list[Mention], lex: Lexicon) -> list[tuple[Mention, str, int, int]]:
    """``SUBJECT is/has become PHRASE`` -> PHRASE, if it describes rather than acts."""
    out = []
    for m in subjects:
        cm = lex.copula_re.match(text[m.end:])
        if not cm:
            continue
        start = m.end + cm.end()
        words = WORD_RE.findall(CLAUSE_END_RE.split(text[start:], maxsplit=1)[0])
        content = [w for w in words if not _is_adverb(w) and w.lower() not in ("not", "also", "now", "still", "no", "longer")]
        if not content:
            continue
        first = content[0].lower()
        if first.endswith("ing") or (first.endswith("ed") and first not in lex.modifier_words) or first in PREPOSITIONS \
                or first in FINITE or first in ("there", "here", "expected", "set", "able", "unable", "likely"):
            continue
        words = _trim_phrase(words, lex, 9)
        if not words:
            continue
        s, e = _phrase_span(text, start, words)
        out.append((m, text[s:e], s, e))
    return out


def complements(text: str, mentions: list[Mention], lex: Lexicon) -> list[tuple[Mention, str, int, int]]:
    """``regarded the popular forces as part of ...``, ``considers the United States a mortal enemy``."""
    out = []
    tokens = words_of(text)
    if not lex.complement_verbs & tokens.lower_set():
        return out
    for m in mentions:
        left = tokens.left(m.start, 2)
        verb = [w for w, _, _ in left if w.lower() not in ("the",)][:1]
        if not verb or verb[0].lower() not in lex.complement_verbs:
            continue
        rest = AS_RE.match(text, m.end)
        if not rest:
            continue
        start = rest.end()
        chunk = CLAUSE_END_RE.split(text[start:], maxsplit=1)[0]
        words = WORD_RE.findall(chunk)
        if not words or words[0].lower() not in {"a", "an", "part", "one", "the"} | set(lex.modifier_words):
            continue
        words = _trim_phrase(words, lex, 8)
        if len(words) < 2:
            continue
        s, e = _phrase_span(text, start, words)
        out.append((m, text[s:e], s, e))
    return out


def pronoun_subjects(text: str, mentions: list[Mention], previous: list[Mention]) -> list[Mention]:
    """``..., they have become ...``: the pronoun as a subject standing for the
    nearest earlier group (they/it) or person (he/she), outside quotes."""
    out = []
    # "it" is left out: "it is natural that ..." is far more common than "it" for an actor.
    if not {"they", "he", "she"} & words_of(text).lower_set():
        return out
    for pm in PRONOUN_SUBJECT_RE.finditer(text):
        pos = pm.start(1)
        if _in_quotes(text, pos):
            continue
        word = pm.group(1).lower()
        want = {"person"} if word in ("he", "she") else GROUP_TYPES - {"international body"}
        here = [m for m in mentions if m.end <= pos and m.type in want]
        cands = here or [m for m in previous if m.type in want]
        if cands:
            # the subject of the clause before: "Although the PMU played a role in the fight against ISIS, they ..."
            a = cands[0]
            out.append(Mention(a.actor, a.type, pm.group(1), pos, pm.end(1)))
    return out


def back_references(text: str, mentions: list[Mention], recent: list[list[Mention]], lex: Lexicon,
                    previous_text: str = "", labelled: dict | None = None):
    """``These vehemently anti-American militias`` -> the group named shortly
    before: one the article already called by that noun, else the first group of
    the nearest sentence that names one (same number: plural nouns need a plural
    or acronym name, and the noun must suit the actor's type)."""
    out = []
    if not lex.group_nouns & words_of(text).lower_set():
        return out
    pattern = _group_np_re(lex)
    for m in pattern.finditer(text):
        s, e = m.start(2), m.end()
        if any(a.start < e and s < a.end for a in mentions):
            continue
        head = m.group(3)
        noun = head.lower()
        # "terrorist groups ... those groups": the noun already used for something unnamed
        if re.search(r"\b" + re.escape(noun) + r"\b", _outside(text[:m.start()], mentions) + " " + previous_text, re.IGNORECASE):
            continue
        mods = m.group(2).split()
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


@lru_cache(maxsize=4)
def _group_np_cache(nouns: frozenset) -> re.Pattern:
    return re.compile(r"\b(these|those|the|such|this)\s+((?:[\w’'\-]+\s+){0,3}?)(" + "|".join(sorted(nouns, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _group_np_re(lex: Lexicon) -> re.Pattern:
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


_KEYWORDS: dict[int, re.Pattern] = {}


def _keywords_re(events: tuple) -> re.Pattern:
    pattern = _KEYWORDS.get(id(events))
    if pattern is None:
        pattern = _KEYWORDS[id(events)] = re.compile("|".join(sorted({re.escape(k) for ev in events for k in ev.keywords}, key=len, reverse=True)))
    return pattern


def event_phrases(text: str, ids_here: set, ids_next: set, events) -> list[tuple[EventPattern, str, int, int]]:
    out = []
    low = text.lower()
    if not _keywords_re(events).search(low):
        return out
    for ev in events:
        if ev.exclude & ids_here or not any(k in low for k in ev.keywords):
            continue
        anchored = not ev.anchors and not ev.words or bool(ev.anchors & (ids_here | ids_next)) or any(w.search(text) for w in ev.words)
        if not anchored:
            continue
        taken: list[tuple[int, int]] = []
        for pat in ev.phrases:
            for m in pat.finditer(text):
                s, e = m.start(), m.end()
                if any(a < e and s < b for a, b in taken):
                    continue
                if m.group().split()[0].lower() in load_event_nouns():
                    s = _extend_adjectives(text, s)
                taken.append((s, e))
        for s, e in sorted(taken):
            out.append((ev, text[s:e], s, e))
    return out


def _extend_adjectives(text: str, s: int) -> int:
    for word, ws, _ in words_of(text).left(s, 2):
        lw = word.lower()
        if not LOWER_WORD_RE.fullmatch(word) or lw in DETERMINERS | PREPOSITIONS | FINITE or lw.endswith("ed") or lw.endswith("ing") \
                or lw in ("and", "or", "but", "that", "which", "after", "following", "any", "one", "two", "some"):
            break
        s = ws
    return s


# ----------------------------------------------------------------- extractor
def _sentence_mentions(mentions: list[dict], sent: dict, registry) -> list[Mention]:
    base = sent["start"]
    out = []
    for m in mentions:
        a = registry.actors.get(m["actor"])
        out.append(Mention(m["actor"], a.type if a else "", m["surface"], m["start"] - base, m["end"] - base))
    return sorted(out, key=lambda m: m.start)


def group_by_sentence(mentions: list[dict]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for m in mentions:
        out.setdefault(m["sent_id"], []).append(m)
    return out


def known_as(text: str, mentions: list[Mention]) -> list[tuple[Mention, Mention]]:
    """``Iranian-backed militias known as the Popular Mobilization Units``: the
    first name describes the second."""
    out = []
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
    previous_text = ""
    per_sent = [_sentence_mentions(by_sent.get(s["sent_id"], []), s, registry) for s in sentences]
    for idx, sent in enumerate(sentences):
        text, base, sid = sent["text"], sent["start"], sent["sent_id"]
        ms = per_sent[idx]

        def add(actor, label, kind, s, e, resolved="mention", event=None):
            label = " ".join(label.split()).strip(" ,.;:")
            if not label:
                return
            # tone only for sentences that label someone (tone.compound caches it)
            rows.append({"article_id": aid, "sent_id": sid, "actor": actor, "label": label, "kind": kind, "tone": tone.compound(text),
                         "evidence": text, "start": base + s, "end": base + e, "resolved": resolved, "event": event})
            if kind != "event" and (kind != "name" or resolved != "mention"):
                for w in WORD_RE.findall(label.lower()):
                    key = w if w in PLURAL_ONLY else w[:-1] if w.endswith("s") else w
                    if key in NOUN_TYPES and actor not in called.get(key, [])[:1]:
                        called.setdefault(key, []).insert(0, actor)

        descriptors = descriptor_mentions(text, ms)
        as_title = {id(a) for a, _ in descriptors}
        named = [m for m in ms if id(m) not in as_title]
        for m in named:
            add(m.actor, display_surface(registry, m.actor, m.surface), "name", m.start, m.end)
        for a, b in descriptors:
            add(b.actor, display_surface(registry, a.actor, a.surface), "modifier", a.start, a.end)
        for a, b in known_as(text, named):
            add(b.actor, display_surface(registry, a.actor, a.surface), "apposition", a.start, a.end)
        for m, label, s, e in premodifiers(text, named, lex, covering=ms):
            add(m.actor, label, "modifier", s, e)
        for m, label, s, e in appositions(text, named, lex):
            add(m.actor, label, "apposition", s, e)
        refs = back_references(text, named, recent, lex, previous_text, called)
        for m, label, kind in refs:
            add(m.actor, label, kind, m.start, m.end, resolved="back-reference")
        ref_mentions = [m for m, _, _ in refs]
        previous = recent[-1] if recent else []
        subjects = named + ref_mentions + pronoun_subjects(text, named, previous)
        for m, label, s, e in predicates(text, subjects, lex):
            add(m.actor, label, "predicate", s, e, resolved="mention" if m in named else "back-reference")
        for m, label, s, e in complements(text, named, lex):
            add(m.actor, label, "predicate", s, e)
        ids_here = {m.actor for m in ms}
        ids_next = {m.actor for m in per_sent[idx + 1]} if idx + 1 < len(per_sent) else set()
        for ev, label, s, e in event_phrases(text, ids_here, ids_next, events):
            add(ev.actor, label, "event", s, e, resolved="event pattern", event=ev.id)
        recent = (recent + [sorted(named + ref_mentions, key=lambda m: m.start)])[-3:]
        previous_text = _outside(text, ms + ref_mentions)
    return rows


def extract_quotes(article, sentences, mentions, ctx):
    from lib import quotes

    return quotes.extract(article, sentences, mentions, ctx)
