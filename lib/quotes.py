"""Quotes: who is quoted saying what (table ``quotes``).

- Direct quotes: text between quotation marks (straight or curly, paired within a
  paragraph) attributed through the nearest speech verb: ``“...,” said Rend
  al-Rahim``, ``Salam Al-Jazaeri, a member of ..., said, "..."``, ``“...,” he
  said`` (the pronoun stands for the person who opens the previous sentence, or
  else the last speaker), ``... according to the US State Department``. A quote
  with no verb continues the previous sentence's speaker ("continuation") or is
  given to the person the previous sentence introduced ("introduced"); one
  followed by "X said this" goes to X.
- Reported speech: a sentence with a speech verb and no quotation marks
  (``Mr Clarke said he was concerned ...``, ``..., analysts said.``).

Speakers are registry actors where the name is known, else the words used
("several Iraqi analysts", "the statement"). A person's role is the apposition
or title the article gives them ("spokesman for the Kataeb Sayyid
al-Shuhada"); the affiliation is the organisation named in that role, else the
registry's parent of the person.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from lib.framing import (
    Mention, WORD_RE, _sentence_mentions, appositions, group_by_sentence, letter_runs, load_lexicon, premodifiers,
)

QUOTE_MARKS = "\"“”"
# Between a speaker and the verb: nothing, a possessive and a few small words
# ("'s office said", "has also underlined", "faction to declare"), or one or
# two comma-delimited asides ("X, spokesman for Y, pointed out").
GAP_RE = re.compile(r"(?:['’]s)?(?:\s+[a-z]+){0,3}\s+|\s*(?:,[^,“”\"]{1,120}){1,2},(?:\s+[a-z]+){0,2}\s+")
# Verbs that may come before their speaker, right after a quote: "“...,” said Rend al-Rahim".
INVERTED = {"said", "says", "added", "adds", "noted", "explained", "wrote", "writes", "stressed", "warned", "told"}
# Words before a name that make it an object, not the speaker: "a group linked to Saudi Arabia claimed".
NOT_SUBJECT_BEFORE = {"linked", "backed", "close", "aligned", "affiliated", "allied", "loyal", "near"}
SPEAKER_NOUNS = {"statement", "report", "reports", "sources", "source", "observers", "analysts", "officials", "experts",
                 "spokesman", "spokeswoman", "ministry", "newspaper", "agency", "group", "government", "office", "military",
                 "army", "police", "residents", "witnesses", "diplomats", "lawmakers", "leaders", "commanders", "media"}
MIN_WORDS_UNATTRIBUTED = 4
# Compiled once (re's own cache costs a lookup per call).
AFTER_ACCORDING_TO_RE = re.compile(r"\s+(?:the\s+)?(?:[\w’'\-]+\s+){0,3}")
ACCORDING_TO_NP_RE = re.compile(r"\s+([^,.;“”\"]{3,60})")
AFTER_QUOTE_RE = re.compile(r"[”\"],?\s*$")
BY_RE = re.compile(r"\s+by\s+")
BY_NAME_RE = re.compile(r"\s+by\s+(?:the\s+)?")
# "he said", "she also stressed": the pronoun ends the clause before the verb
PRONOUN_BEFORE_VERB_RE = re.compile(r"\b(he|she)\s+(?:[a-z]+\s+)?$", re.IGNORECASE)
PRONOUN_RE = re.compile(r"\b(he|she)\b", re.IGNORECASE)
SUBJECT_WORDS_RE = re.compile(r"[\w’'\-]+")
SPEAKER_NP_RE = re.compile(r"((?:[\w’'\-]+\s+){0,3}?([\w’'\-]+))\s+$")
OPENING_NP_RES = tuple(re.compile(r"((?:[\w’'\-]+\s+){%d}([\w’'\-]+))\b" % k) for k in range(3))
REPORTED_START_RE = re.compile(r"\s*,?\s*(?:that\s+)?")
THIS_OR_SO_RE = re.compile(r"\s+(?:this|so)\b")


def _search_tail(pattern: re.Pattern, text: str, chunks: int):
    """``pattern.search(text)`` for a pattern whose matches can only lie in the
    last ``chunks`` white-space-separated chunks of ``text`` (and the white
    space after them): the search starts there, since the regex engine,
    unable to skip ahead for such a pattern, would try every position."""
    head = text.rsplit(None, chunks)
    return pattern.search(text, len(head[0]) if len(head) > chunks else 0)


@dataclass
class Speaker:
    name: str
    actor: str | None
    start: int  # in the sentence
    end: int
    method: str


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks. Marks
    pair within a paragraph; a closing curly mark with nothing open is ignored."""
    spans = []
    open_at = None
    # str.find per mark is much faster than a regex scan of the whole text
    marks = []
    for mark in QUOTE_MARKS:
        i = text.find(mark)
        while i >= 0:
            marks.append(i)
            i = text.find(mark, i + 1)
    marks.sort()
    for i in marks:
        ch = text[i]
        if open_at is not None and text.find("\n", open_at, i) >= 0:
            open_at = None
        if open_at is None:
            if ch != "”":
                open_at = i
        else:
            spans.append((open_at + 1, i))
            open_at = None
    return spans


class _Article:
    """Per-article context for attribution: sentences, mentions outside quotes, roles."""

    def __init__(self, article, sentences, mentions, ctx):
        self.lex = load_lexicon()
        self.registry = ctx.registry
        self.text = article["text"]
        self.sentences = sentences
        named = {(m["start"], m["end"]) for m in mentions}
        # a name in quotation marks ("the “Islamic State of Iraq and Syria” (ISIS)") is not a quote
        self.spans = [(a, b) for a, b in quote_spans(self.text) if (a, b) not in named and (a, b - 1) not in named]
        self._span_starts = [s for s, _ in self.spans]
        self.starts = [s["start"] for s in sentences]
        by_sent = group_by_sentence(mentions)
        self.ms = [_sentence_mentions(by_sent.get(s["sent_id"], []), s, self.registry) for s in sentences]
        if self.spans:
            self.outside = [[m for m in ms if not self.in_quote(s["start"] + m.start)] for ms, s in zip(self.ms, sentences)]
        else:
            self.outside = [list(ms) for ms in self.ms]
        self._roles: dict[str, tuple[str, int, int] | None] = {}  # filled as speakers need them
        self._people: dict[str, list[int]] | None = None
        self._rule_output: dict[tuple, list] = {}
        self._verbs: dict[int, list] | None = None
        self._all_mentions: list | None = None

    def role_of(self, actor: str) -> tuple[str, int, int] | None:
        """(role, start, end) the article gives person ``actor``: its first
        apposition ("X, spokesman for Y"), else its first title before the
        name ("political analyst X"), in article offsets."""
        if actor not in self._roles:
            self._roles[actor] = self._find_role(actor, appositions) or self._find_role(actor, premodifiers)
        return self._roles[actor]

    def _find_role(self, actor: str, rule) -> tuple[str, int, int] | None:
        if self._people is None:
            self._people = {}  # person -> indices of the sentences naming them
            for idx, ms in enumerate(self.ms):
                for m in ms:
                    if m.type == "person":
                        sents = self._people.setdefault(m.actor, [])
                        if not sents or sents[-1] != idx:
                            sents.append(idx)
        for idx in self._people.get(actor, ()):
            found = self._rule_output.get((rule, idx))
            if found is None:
                s = self.sentences[idx]
                people = [m for m in self.ms[idx] if m.type == "person"]
                found = self._rule_output[rule, idx] = rule(s["text"], people, self.lex)
            for m, label, a, b in found:
                if m.actor == actor:
                    start = self.sentences[idx]["start"]
                    return label, start + a, start + b
        return None

    @property
    def all_mentions(self) -> list[tuple[int, int, Mention]]:
        """(start, end, mention) of every name, in article offsets (made when a role needs them)."""
        if self._all_mentions is None:
            self._all_mentions = [(s["start"] + m.start, s["start"] + m.end, m) for ms, s in zip(self.ms, self.sentences) for m in ms]
        return self._all_mentions

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self._span_starts, pos) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]

    def overlaps_quote(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._span_starts, end) - 1
        return i >= 0 and self.spans[i][1] > start

    def sent_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def verbs(self, idx: int) -> list[tuple[int, int, str]]:
        """Speech verbs outside quotation marks in sentence ``idx`` (sentence offsets)."""
        if self._verbs is None:
            self._verbs = {}
            for start, end, verb in find_phrases(self.text.lower(), self.lex.speech_verbs):
                if not self.in_quote(start):
                    i = self.sent_of(start)
                    sent = self.sentences[i]
                    if end <= sent["end"]:
                        self._verbs.setdefault(i, []).append((start - sent["start"], end - sent["start"], verb))
            for v in self._verbs.values():
                v.sort()
        return self._verbs.get(idx, [])

    def name(self, actor: str) -> str:
        a = self.registry.actors.get(actor)
        return a.name if a else actor

    def _of(self, m: Mention, method: str) -> Speaker:
        return Speaker(self.name(m.actor), m.actor, m.start, m.end, method)

    def antecedent(self, idx: int, pos: int, last: Speaker | None) -> Speaker | None:
        here = [m for m in self.outside[idx] if m.type == "person" and m.end <= pos]
        if here:
            return self._of(here[-1], "pronoun")
        before = [m for m in self.outside[idx - 1] if m.type == "person"] if idx > 0 else []
        if before:
            return self._of(before[0], "pronoun")
        if last is not None:
            return Speaker(last.name, last.actor, pos, pos, "pronoun")
        return None

    def speaker(self, idx: int, vs: int, ve: int, verb: str, last: Speaker | None) -> Speaker | None:
        """The speaker of speech verb ``verb`` at (vs, ve) in sentence ``idx``."""
        st = self.sentences[idx]["text"]
        ms = self.outside[idx]
        lex = self.lex
        if verb == "according to":
            for m in ms:
                if m.start >= ve and AFTER_ACCORDING_TO_RE.fullmatch(st, ve, m.start) and not st[m.end:m.end + 1] == "-":
                    return self._of(m, "according to")
            np = ACCORDING_TO_NP_RE.match(st[ve:])
            return Speaker(np.group(1).strip(), None, ve, ve + np.end(), "according to") if np else None
        after = st[ve:]
        if verb in INVERTED and verb not in lex.addressee_verbs and AFTER_QUOTE_RE.search(st[:vs]):
            for m in ms:
                if m.start >= ve and not st[ve:m.start].strip():
                    return self._of(m, "speech verb")  # "“...,” said Rend al-Rahim"
        by = BY_RE.match(after)
        if by:
            for m in ms:
                if m.start >= ve and BY_NAME_RE.fullmatch(st, ve, m.start):
                    return self._of(m, "speech verb")  # "described by the Iraqi authorities"
        # the pronoun is in one of the last two chunks: pronoun, [word]
        pro = _search_tail(PRONOUN_BEFORE_VERB_RE, st[:vs], 2)
        if pro:
            return self.antecedent(idx, pro.start(), last)
        cands = [m for m in ms if m.end <= vs and GAP_RE.fullmatch(st[m.end:vs]) and _may_be_subject(st, m)]
        people = [m for m in cands if m.type == "person"]
        if people or cands:
            return self._of((people or cands)[-1], "speech verb")
        if verb in lex.subject_speech:
            people = [m for m in ms if m.type == "person" and m.end <= vs]
            if people:
                return self._of(people[0], "subject")
        np = _speaker_np(st[:vs])
        if np:
            return Speaker(np[0], None, np[1], np[2], "speech verb")
        if verb in lex.subject_speech:
            opening = _speaker_np(st[:vs], opening=True)
            if opening:
                return Speaker(opening[0], None, opening[1], opening[2], "subject")
            first = [m for m in ms if m.end <= vs]
            if first:
                return self._of(first[0], "subject")
            pro = PRONOUN_RE.search(st[:vs])
            if pro and not self.in_quote(self.sentences[idx]["start"] + pro.start()):
                return self.antecedent(idx, pro.start(), last)
        return None

    def role(self, sp: Speaker) -> tuple[str | None, str | None]:
        """(role, affiliation actor id) of a speaker."""
        if not sp.actor:
            return None, None
        actor = self.registry.actors.get(sp.actor)
        role = self.role_of(sp.actor)
        parent = actor.parents[0][0] if actor and actor.type == "person" and actor.parents else None
        if not role:
            return None, parent
        _, a, b = role
        inside = [m for s, e, m in self.all_mentions if a <= s and e <= b and m.type != "person" and m.actor != sp.actor]
        # the organisation named in the role, else the registry's parent, else a country named in it
        orgs = [m.actor for m in inside if m.type != "state"]
        states = [m.actor for m in inside if m.type == "state"]
        affiliation = orgs[0] if orgs else parent if parent else states[0] if states else None
        return role[0], affiliation


def find_phrases(low: str, phrases) -> list[tuple[int, int, str]]:
    """Whole-word occurrences of lower-case ``phrases`` in lower-cased text
    (str.find per phrase: much faster than one large regex alternation).

    A whole-word occurrence starts with a whole run of letters, the phrase's
    first word: phrases whose first word is no run of the text (most of them)
    are not searched for."""
    out: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    longest_first, first_words = _phrase_plan(phrases)
    present = first_words.intersection(letter_runs(low))
    for p, first in longest_first:
        if first is not None and first not in present:
            continue
        pos = low.find(p)
        while pos >= 0:
            end = pos + len(p)
            if (pos == 0 or not low[pos - 1].isalnum()) and (end == len(low) or not low[end].isalnum()) and pos not in taken:
                out.append((pos, end, p))
                taken.update(range(pos, end))
            pos = low.find(p, pos + 1)
    return out


_PHRASE_PLANS: dict[int, tuple] = {}


def _phrase_plan(phrases) -> tuple[list[tuple[str, bytes | None]], frozenset]:
    """The phrases longest first, each with its first word as bytes (None if
    that is not all ASCII letters, so not a letter run), and those words."""
    plan = _PHRASE_PLANS.get(id(phrases))
    if plan is None or plan[0] is not phrases:
        longest_first = []
        for p in sorted(phrases, key=len, reverse=True):
            first = p.split(" ")[0]
            longest_first.append((p, first.encode() if first.isascii() and first.isalpha() else None))
        plan = _PHRASE_PLANS[id(phrases)] = (phrases, longest_first, frozenset(f for _, f in longest_first if f is not None))
    return plan[1], plan[2]


def _count_words(text: str, start: int, end: int, enough: int) -> int:
    """How many words (WORD_RE) ``text[start:end]`` holds, counting no further than ``enough``."""
    count = 0
    for _ in WORD_RE.finditer(text, start, end):
        count += 1
        if count == enough:
            break
    return count


def _may_be_subject(st: str, m: Mention) -> bool:
    words = SUBJECT_WORDS_RE.findall(st, max(0, m.start - 40), m.start)
    while words and words[-1].lower() in ("the", "a", "an"):
        words.pop()
    return not words or words[-1].lower() not in NOT_SUBJECT_BEFORE | {"of", "to", "by", "for", "from", "with", "against", "on", "in", "at"}


def _speaker_np(before: str, opening: bool = False):
    """A common-noun speaker: right before the verb ("several Iraqi analysts",
    "the statement"), or opening the sentence ("Sunday's statement denouncing ...")."""
    if opening:
        for k in range(3):
            m = OPENING_NP_RES[k].match(before)
            if m and m.group(2).lower() in SPEAKER_NOUNS:
                return " ".join(m.group(1).split()), m.start(1), m.end(1)
        return None
    else:
        # the words are among the last four chunks
        m = _search_tail(SPEAKER_NP_RE, before, 4)
    if not m or m.group(2).lower() not in SPEAKER_NOUNS:
        return None
    return " ".join(m.group(1).split()), m.start(1), m.end(1)


def _reported_content(st: str, sp: Speaker, vs: int, ve: int, verb: str, lex) -> tuple[str, int, int] | None:
    rest = st[ve:]
    if verb == "according to":  # "..., according to the Israeli newspaper Maariv."
        head = st[:vs].rstrip().rstrip(",").strip()
        return (head, 0, len(head)) if _count_words(head, 0, len(head), MIN_WORDS_UNATTRIBUTED) >= MIN_WORDS_UNATTRIBUTED else None
    body = REPORTED_START_RE.match(rest)  # optional parts only: it always matches
    start = ve + (body.end() if body else 0)
    content = st[start:].strip().rstrip("”\"")
    first = content.split()[0].lower() if content.split() else ""
    if _count_words(content, 0, len(content), MIN_WORDS_UNATTRIBUTED) >= MIN_WORDS_UNATTRIBUTED and first not in ("about", "in", "on", "to", "this", "so", "at", "for", "with", "by"):
        return content, start, start + len(content)
    # "..., analysts said."
    if verb not in lex.subject_speech and _count_words(rest, 0, len(rest), 5) <= 4 and 0 < sp.start and sp.end <= vs \
            and GAP_RE.fullmatch(st[sp.end:vs] or " "):
        head = st[: min(sp.start, vs)].rstrip().rstrip(",").strip()
        if _count_words(head, 0, len(head), MIN_WORDS_UNATTRIBUTED) >= MIN_WORDS_UNATTRIBUTED:
            return head, 0, len(head)
    return None


def extract(article, sentences, mentions, ctx) -> list[dict]:
    if not sentences:
        return []
    art = _Article(article, sentences, mentions, ctx)
    text = art.text
    aid = article["article_id"]
    rows: list[dict] = []
    last: Speaker | None = None
    last_quote_sent = -9
    pending: list[tuple[int, int, int]] = []  # unattributed quotes (sent idx, start, end)
    spans_by_sent: dict[int, list[tuple[int, int]]] = {}
    for s, e in art.spans:
        spans_by_sent.setdefault(art.sent_of(s), []).append((s, e))

    def emit(idx, sp: Speaker, parts: list[tuple[int, int]], kind: str, method: str):
        role, affiliation = art.role(sp)
        quote = " … ".join(text[a:b].strip().rstrip(",").strip() for a, b in parts)
        rows.append({
            "article_id": aid, "sent_id": sentences[idx]["sent_id"], "speaker": sp.name, "speaker_actor": sp.actor,
            "role": role, "affiliation": affiliation, "quote": quote, "kind": kind, "method": method,
            "start": parts[0][0], "end": parts[-1][1],
        })

    for idx, sent in enumerate(sentences):
        base = sent["start"]
        verbs = art.verbs(idx)
        quoted = spans_by_sent.get(idx, [])
        if not verbs and not quoted:  # nothing said here: only the pending quotes age
            if pending:
                pending = [p for p in pending if p[0] >= idx - 1]
            continue
        used = set()
        # "X said this": X said the quote(s) left unattributed just before.
        for vs, ve, verb in verbs:
            if pending and THIS_OR_SO_RE.match(sent["text"], ve):
                sp = art.speaker(idx, vs, ve, verb, last)
                if sp:
                    for pidx, a, b in pending:
                        emit(pidx, sp, [(a, b)], "direct", "said this")
                    used.add(vs)
                    last, pending = sp, []
        pending = [p for p in pending if p[0] >= idx - 1]
        groups: dict[str, list] = {}
        for qs, qe in quoted:
            words = _count_words(text, qs, qe, MIN_WORDS_UNATTRIBUTED)
            last_idx = art.sent_of(qe)
            cands = []
            for j in range(idx, last_idx + 1):
                off = sentences[j]["start"]
                for vs, ve, verb in (verbs if j == idx else art.verbs(j)):
                    dist = min(abs(off + vs - qe), abs(qs - (off + ve)))
                    cands.append((dist, j, vs, ve, verb))
            sp = None
            for _, j, vs, ve, verb in sorted(cands):
                sp = art.speaker(j, vs, ve, verb, last)
                if sp:
                    if j == idx:
                        used.add(vs)
                    break
            method = sp.method if sp else None
            if sp is None and words >= MIN_WORDS_UNATTRIBUTED:
                if last is not None and last_quote_sent >= idx - 1:
                    sp, method = last, "continuation"
                else:
                    prev = [m for m in art.outside[idx - 1] if m.type == "person"] if idx > 0 else []
                    if prev:
                        sp, method = art._of(prev[0], "introduced"), "introduced"
            if sp is None:
                if words >= MIN_WORDS_UNATTRIBUTED:
                    pending.append((idx, qs, qe))
                continue
            groups.setdefault(sp.actor or sp.name, [sp, method, []])[2].append((qs, qe))
            last, last_quote_sent = sp, max(last_idx, idx)
        for sp, method, parts in groups.values():
            emit(idx, sp, parts, "direct", method)
        if quoted or art.overlaps_quote(base, sent["end"]):
            continue
        # reported speech: a speech verb and no quotation marks in the sentence
        for vs, ve, verb in verbs:
            if vs in used:
                continue
            sp = art.speaker(idx, vs, ve, verb, last)
            if not sp:
                continue
            found = _reported_content(sent["text"], sp, vs, ve, verb, art.lex)
            if found:
                content, a, b = found
                role, affiliation = art.role(sp)
                rows.append({
                    "article_id": aid, "sent_id": sent["sent_id"], "speaker": sp.name, "speaker_actor": sp.actor,
                    "role": role, "affiliation": affiliation, "quote": content, "kind": "reported", "method": sp.method,
                    "start": base + a, "end": base + b,
                })
                if sp.actor:
                    last = sp
                break
    return rows
