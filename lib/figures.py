"""Attack and casualty figures with provenance.

One row per numeric claim: how many of what, for which period, claimed by whom
and reported by whom, from where against whom, and the sentence it came from.
A number is kept only when it counts a unit we chart (attacks, strikes,
launches, killed, injured): "seven fronts", a "120-day waiver" or "16,000
infections" are not figures. Vague quantities ("hundreds of martyrs") are not
counts. Competing claims are separate rows and are never merged.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from lib.casefold import fold, foldable
from lib.paths import DATA_DIR
from lib.periods import MONTH_RE, Period, find_periods
from lib.textwords import WordRequirement, words_of

UNITS = ("attacks", "drone attacks", "rocket attacks", "missile attacks", "strikes", "launches", "killed", "injured")
QUALIFIERS = ("exact", "at_least", "approximately", "at_most")

SMALL = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
WORD_VALUES = {w: i for i, w in enumerate(SMALL)} | TENS | {"a dozen": 12, "dozen": 12, "half a dozen": 6, "a hundred": 100, "one hundred": 100}
WORD_NUM = (
    r"half a dozen|a dozen|a hundred|one hundred|"
    rf"(?:{'|'.join(TENS)})(?:[- ](?:{'|'.join(SMALL[1:10])}))?|"
    rf"{'|'.join(sorted(SMALL, key=len, reverse=True))}"
)
NUMBER_RE = re.compile(
    rf"(?<![\w.,-])(?:(?P<ord>\d+)(?:st|nd|rd|th)|(?P<digits>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)|(?P<words>{WORD_NUM}))(?![\w-])",
    re.IGNORECASE,
)
# NUMBER_RE as find_numbers runs it: case-sensitively on the folded sentence
# (lib/casefold.py: the same spans, found twice as fast), and only in a
# sentence holding a digit or a number word (a word number is a whole word).
assert foldable(re.sub(r"\(\?P<\w+>", "(", NUMBER_RE.pattern))  # lowercase ASCII, the groups' "?P" aside
NUMBER_FOLDED_RE = re.compile(NUMBER_RE.pattern)
NUMBER_WORDS_NEEDED = WordRequirement.of(rf"\b(?:{WORD_NUM})\b", re.IGNORECASE)
# Context of a number; the *_AFTER ones are matched at the number's end (no "^": it would not hold there).
YEAR_RE = re.compile(r"(19|20)\d\d")
MONTH_BEFORE_RE = re.compile(rf"{MONTH_RE}\Z")
MONTH_AFTER_RE = re.compile(rf"\s*{MONTH_RE}")
CLOCK_AFTER_RE = re.compile(r"[:/]\d")
CLOCK_BEFORE_RE = re.compile(r"\d[:/]$")
OF_AFTER_RE = re.compile(r"\s+of\b")
QUALIFIER_RE = [
    ("at_least", re.compile(r"(?:more than|over|at least|upwards of|in excess of|no fewer than|no less than)\s+$", re.I)),
    ("approximately", re.compile(r"(?:approximately|about|around|roughly|some|nearly|almost|an estimated|estimated|close to|~)\s+$", re.I)),
    ("at_most", re.compile(r"(?:up to|fewer than|less than|at most|no more than|under)\s+$", re.I)),
]
WEAPON = r"(?P<weapon>drone|rocket|missile|mortar|UAV|ballistic missile|cruise missile)s?"
ATTACK_UNIT_RE = re.compile(
    rf"^(?P<adj>(?:(?:daily|weekly|monthly|separate|new|more|further|other|such|recent|deadly|fatal|suspected|reported|claimed|confirmed)\s+)*)"
    rf"(?:{WEAPON}\s+)?(?P<noun>attacks?|strikes?|airstrikes?|launches|operations?|times)\b",
    re.I,
)
VICTIM_RE = re.compile(
    r"^(?:(?:of (?:its|their|the|his|our) )|(?:[A-Z][\w-]+\s+){0,2}(?:[a-z]+\s+)?)?"
    r"(?P<noun>soldiers?|troops|people|civilians|fighters|members|Iraqis|Americans|Israelis|militants|personnel|service ?members|servicemen|officers|guards|members of)\b"
)
KILL_RE = re.compile(r"\b(?:killed|killing|kills|kill|dead|died|deaths?|slain|lives)\b", re.I)
INJURE_RE = re.compile(r"\b(?:injured|injuring|injuries|wounded|wounding|hurt)\b", re.I)
ATTACK_VERB_RE = re.compile(r"\b(?:attack(?:ed|ing|s)?|target(?:ed|ing)|struck|strik(?:e|es|ing)|launch(?:ed|ing)|hit|shell(?:ed|ing))\b", re.I)
PERIOD_AFTER_RE = re.compile(rf"^\s*(?:in|during|for|by) {MONTH_RE}")
# Attribution. The claimant is who the sentence says made the count.
REPORT_VERBS = r"(?:said|says|say|stated|states|state|reported|reports|report|announced|announces|confirmed|confirms|claimed|claims|claim|tracked|has tracked|have tracked|counted|recorded|revealed|estimated|estimates|told|noted|highlighted|showed|shows)"
REPORT_VERB_RE = re.compile(rf"\b{REPORT_VERBS}\b")
ACCORDING_RE = re.compile(r"\baccording to (?:an? |the )?(?P<np>[^,.;]{2,80}?)(?=[,.;]|$)", re.I)
CLAIMANT_NOUNS = r"(?:officials?|official|sources?|spokesm[ae]n|spokesperson|forces|military|army|authorities|analysts?|monitors?)"
NP_CLAIMANT_RE = re.compile(
    rf"\b(?P<np>(?:an? |the )?(?:(?:US|U\.S\.|American|Israeli|Iraqi|Iranian|Western|security|military|senior|defense|intelligence|government)\s+){{1,3}}"
    rf"{CLAIMANT_NOUNS})\s+(?:have |has |had )?{REPORT_VERBS}\b",
    re.I,
)
ANAPHOR_RE = re.compile(r"^(?:the|this|that) (?:newspaper|paper|daily|agency|outlet|report|study|tally|count|channel|broadcaster|group|monitor)\b", re.I)
ADJECTIVE_ACTORS = {"us": "united_states", "u.s.": "united_states", "american": "united_states", "israeli": "israel", "iraqi": "iraq", "iranian": "iran", "western": None}


@dataclass
class NumberHit:
    value: float
    text: str
    start: int
    end: int
    ordinal: bool


def _value(sentence: str, m: re.Match) -> float:
    """The value of NUMBER_FOLDED_RE's match ``m`` in ``sentence`` (read in the sentence's own words)."""
    if m.group("ord"):
        return float(sentence[m.start("ord") : m.end("ord")])
    if m.group("digits"):
        return float(sentence[m.start("digits") : m.end("digits")].replace(",", ""))
    w = sentence[m.start("words") : m.end("words")].lower().replace("-", " ")
    if w in WORD_VALUES:
        return float(WORD_VALUES[w])
    tens, _, unit = w.partition(" ")
    return float(TENS[tens] + SMALL.index(unit))


def find_numbers(sentence: str) -> list[NumberHit]:
    words = words_of(sentence)
    if not (words.may_hold_digit() or NUMBER_WORDS_NEEDED.may_match(words)):
        return []
    out = []
    for m in NUMBER_FOLDED_RE.finditer(fold(sentence)):
        start, end = m.span()
        text = sentence[start:end]
        if m.group("digits"):
            # Years, days of a month, clock times and list numbering are not counts.
            if YEAR_RE.fullmatch(text):
                continue
            # A month just before (only its last characters can be: a month is at most 10 long with its dot) or after.
            if MONTH_BEFORE_RE.search(sentence[:start].rstrip()[-10:]) or MONTH_AFTER_RE.match(sentence, end):
                continue
            if CLOCK_AFTER_RE.match(sentence, end) or CLOCK_BEFORE_RE.search(sentence[max(0, start - 3) : start]):
                continue
        elif m.group("words"):
            if text[0].isupper() and text.lower() == "one":
                continue
            if text.lower() == "one" and OF_AFTER_RE.match(sentence, end):
                continue  # "one of those militias"
        out.append(NumberHit(_value(sentence, m), text, start, end, bool(m.group("ord"))))
    return out


def _qualifier(sentence: str, start: int) -> str:
    before = sentence[max(0, start - 30) : start]
    for name, pat in QUALIFIER_RE:
        if pat.search(before):
            return name
    return "exact"


def _unit(sentence: str, hit: NumberHit) -> tuple[str | None, bool]:
    """The unit the number counts and whether it is a rate, or (None, False)."""
    after = sentence[hit.end :].lstrip()
    m = ATTACK_UNIT_RE.match(after)
    if m:
        rate = bool(re.search(r"\b(daily|weekly|monthly)\b", m.group("adj") or "", re.I))
        noun = m.group("noun").lower()
        weapon = (m.group("weapon") or "").lower()
        if noun == "times":
            if not ATTACK_VERB_RE.search(sentence[: hit.start]):
                return None, False
            return "attacks", rate
        if noun in ("operation", "operations"):
            return ("attacks", rate) if ATTACK_VERB_RE.search(sentence) or "military" in sentence.lower() else (None, False)
        if noun.startswith(("strike", "airstrike")):
            return ("drone attacks" if weapon in ("drone", "uav") else "strikes"), rate
        if noun == "launches":
            return "launches", rate
        if weapon in ("drone", "uav"):
            return "drone attacks", rate
        if weapon == "rocket" or weapon == "mortar":
            return "rocket attacks", rate
        if weapon:
            return "missile attacks", rate
        return "attacks", rate
    v = VICTIM_RE.match(after)
    if v and not hit.ordinal:
        window = sentence[max(0, hit.start - 60) : min(len(sentence), hit.end + 80)]
        kill, injure = KILL_RE.search(window), INJURE_RE.search(window)
        if kill and injure:
            # The casualty verb nearest to the number decides.
            pos = hit.start - max(0, hit.start - 60)
            return ("killed" if abs(kill.start() - pos) <= abs(injure.start() - pos) else "injured"), False
        if kill:
            return "killed", False
        if injure:
            return "injured", False
    return None, False


def _mentions_in(sentence_row: dict, mentions: list[dict]) -> list[dict]:
    """``mentions`` (of the sentence, or more) with offsets in the sentence (ls, le)."""
    s = sentence_row["start"]
    return [{**m, "ls": m["start"] - s, "le": m["end"] - s} for m in mentions if m["sent_id"] == sentence_row["sent_id"]]


def _attribution_covers(sentence: str, verb_end: int, at: int) -> bool:
    """A reporting verb covers a number that follows it, or one before it when
    the verb closes the sentence ("..., AFP reported."), not "..., and Iraq says
    it has had enough"."""
    return verb_end <= at or re.fullmatch(r"[\s.,;:!?\"'”’)]*", sentence[verb_end:]) is not None


REPORT_BY_RE = re.compile(r"\b(?:a |the )?(?:report|study|tally|count|statement|analysis) (?:by|from|of) (?:the )?", re.I)
# Matched where a mention ends (so no "^").
SUBJECT_REPORTS_RE = re.compile(rf"\s*(?:,[^,]{{0,60}},\s*)?(?:also |has |have |had |itself )*{REPORT_VERBS}\b", re.I)
# A claim reported inside a report: "a report by X revealed that a group linked to Saudi
# Arabia claimed responsibility for six attacks". The group is the claimant; X relayed
# the claim (the outlet then reported X).
EMBEDDED_CLAIM_RE = re.compile(
    r"\bthat (?P<np>(?:an? |the )?(?:[\w'’-]+ ){0,2}(?:group|faction|militia|organi[sz]ation|network|movement|cell)\b[^,;]{0,60}?)"
    r" (?:has |had |have )?(?:claimed|claims|claim)\b(?: responsibility for)?",
    re.I,
)
# The words each attribution pattern needs (lib/textwords.py): most sentences have none of them.
# (Its match holds "that" and a claim verb, apart: this pattern only spells out the words.)
EMBEDDED_CLAIM_NEEDED = WordRequirement.of(r"\bthat (?:claimed|claims|claim)\b", re.I)
ACCORDING_NEEDED = WordRequirement.of(ACCORDING_RE.pattern, re.I)
REPORT_BY_NEEDED = WordRequirement.of(REPORT_BY_RE.pattern, re.I)
# (The noun and the verb of NP_CLAIMANT_RE: its match holds theirs, and this one spells out.)
NP_CLAIMANT_NEEDED = WordRequirement.of(rf"\b{CLAIMANT_NOUNS}\s+(?:have |has |had )?{REPORT_VERBS}\b", re.I)
REPORT_VERB_NEEDED = WordRequirement.of(REPORT_VERB_RE.pattern)


class _Attribution:
    """The attribution cues of one sentence, found once; ``claimant(at)`` then
    answers for a number at any position (a sentence often has several numbers).
    ``previous()``: the claimant before the sentence, asked for only when it
    refers back to one ("The newspaper highlighted ...")."""

    def __init__(self, sentence: str, local_mentions: list[dict], ctx, previous: Callable[[], tuple | None]):
        self.sentence, self.local, self.previous = sentence, local_mentions, previous
        self.actors = ctx.registry.actors
        words = words_of(sentence)
        self.embedded = EMBEDDED_CLAIM_RE.search(sentence) if EMBEDDED_CLAIM_NEEDED.may_match(words) else None
        self.according = ACCORDING_RE.search(sentence) if ACCORDING_NEEDED.may_match(words) else None
        if self.according:
            return  # decides alone, wherever the number is
        self.report_by = REPORT_BY_RE.search(sentence) if REPORT_BY_NEEDED.may_match(words) else None
        self.np_claimant = NP_CLAIMANT_RE.search(sentence) if NP_CLAIMANT_NEEDED.may_match(words) else None
        # (mention, end of its reporting verb) for mentions followed by one.
        self.subjects = []
        for x in local_mentions:
            v = SUBJECT_REPORTS_RE.match(sentence, x["le"])
            if v:
                self.subjects.append((x, v.end()))
        self.anaphoric = ANAPHOR_RE.match(sentence.strip()) is not None

    def claimant(self, at: int) -> tuple[str | None, str | None]:
        """(claimant display name, actor id) for a number at ``at``."""
        m = self.embedded
        if m and m.end() <= at:
            # "that the Hezbollah Brigades group claimed": the named group; "that a group
            # linked to Saudi Arabia claimed": the words (Saudi Arabia claimed nothing).
            named = [x for x in self.local if m.start("np") <= x["ls"] < m.end("np") and self.actors[x["actor"]].type in ARMED]
            if named:
                return self.actors[named[0]["actor"]].name, named[0]["actor"]
            return _np_name(m.group("np")), None
        return self.teller(at)

    def relayed_by(self, at: int) -> str | None:
        """Who passed on the claim of a number at ``at`` when its claimant is not who the
        sentence says told it ("a report by X revealed that a group claimed ..."): X."""
        m = self.embedded
        return self.teller(at)[0] if m and m.end() <= at else None

    def teller(self, at: int) -> tuple[str | None, str | None]:
        """(display name, actor id) of who the sentence says told of a number at ``at``."""
        sentence, local_mentions, actors = self.sentence, self.local, self.actors
        m = self.according
        if m:
            inside = [x for x in local_mentions if m.start("np") <= x["ls"] < m.end("np")]
            if inside:
                a = inside[-1]["actor"]
                return actors[a].name, a
            return _np_name(m.group("np")), None
        # "A report by the Washington Institute ... revealed"
        m = self.report_by
        if m:
            after = [x for x in local_mentions if 0 <= x["ls"] - m.end() <= 3]
            if after:
                a = after[0]["actor"]
                return actors[a].name, a
        m = self.np_claimant
        if m and not _attribution_covers(sentence, m.end(), at):
            m = None
        mention_subjects = [x for x, verb_end in self.subjects if _attribution_covers(sentence, verb_end, at)]
        if mention_subjects and (not m or mention_subjects[0]["ls"] < m.start()):
            a = mention_subjects[0]["actor"]
            return actors[a].name, a
        if m:
            np = _np_name(m.group("np"))
            adj = np.split()[0].lower()
            return np, ADJECTIVE_ACTORS.get(adj)
        if self.anaphoric:
            previous = self.previous()
            if previous:
                return previous
        return None, None


def _claimant(sentence: str, local_mentions: list[dict], ctx, previous: tuple | None, at: int) -> tuple[str | None, str | None]:
    """(claimant display name, actor id) for a number at ``at``, from attribution in the sentence."""
    return _Attribution(sentence, local_mentions, ctx, lambda: previous).claimant(at)


class _ClaimsSoFar:
    """The latest claimant named before the current sentence, for a sentence
    that refers back to it ("The newspaper highlighted ..."). A sentence
    without a number matters only through it, and seldom: it is read once the
    claimant is asked for, in order."""

    def __init__(self, ctx, mentions_by_sentence: dict[int, list[dict]]):
        self.ctx, self.mentions_by_sentence = ctx, mentions_by_sentence
        self.claim: tuple | None = None
        self.unread: list[dict] = []  # sentences without numbers since ``claim`` was set

    def pass_by(self, srow: dict) -> None:
        self.unread.append(srow)

    def set(self, claim: tuple) -> None:
        self.claim, self.unread = claim, []

    def latest(self) -> tuple | None:
        for srow in self.unread:
            sent = srow["text"]
            has_cue = (
                ANAPHOR_RE.match(sent.strip()) is not None or "accord" in sent
                or (REPORT_VERB_NEEDED.may_match(words_of(sent)) and REPORT_VERB_RE.search(sent) is not None)
            )
            if has_cue:
                local = _mentions_in(srow, self.mentions_by_sentence.get(srow["sent_id"], []))
                claim = _claimant(sent, local, self.ctx, self.claim, len(sent))
                self.claim = claim if claim[0] else self.claim
        self.unread = []
        return self.claim


def _np_name(np: str) -> str:
    np = re.sub(r"^(?:an?|the)\s+", "", np.strip(), flags=re.I)
    return np[:1].upper() + np[1:]


def _role_actor(local_mentions: list[dict], ctx, after: int, before: int, want_types: tuple[str, ...] | None = None) -> str | None:
    cands = [x for x in local_mentions if after <= x["ls"] < before]
    if want_types:
        typed = [x for x in cands if ctx.registry.actors[x["actor"]].type in want_types]
        cands = typed or cands
    return cands[0]["actor"] if cands else None


ARMED = ("armed group", "facade group", "armed forces")


def _origin_target(sentence: str, hit: NumberHit, unit: str, local: list[dict], ctx) -> tuple[str | None, str | None]:
    origin = target = None
    tail = sentence[hit.end :]
    m = re.search(r"\b(?:from|originating from|launched from|originating in)\s+", tail)
    if m:
        origin = _role_actor(local, ctx, hit.end + m.end(), hit.end + m.end() + 40)
    m = re.search(r"\b(?:by)\s+(?:an?\s+|the\s+)?", sentence)
    if origin is None and m:
        origin = _role_actor(local, ctx, m.end(), m.end() + 40)
    if unit in ("killed", "injured"):
        target = _role_actor(local, ctx, hit.end, hit.end + 60)
        if re.match(r"^\s+of (?:its|their)\b", tail):
            target = _role_actor(local, ctx, 0, hit.start)  # "Israel announced that two of its soldiers"
        if origin is None:
            origin = _role_actor(local, ctx, 0, hit.start)
            if origin is not None and target is not None and origin in _lineage(target, ctx):
                origin = None  # "US ... seven members of the US military were injured": not the attacker
    else:
        for m in re.finditer(r"\b(?:on|against|targeting|at|hit|hitting|attacked|struck|toward|towards)\s+(?:the\s+)?", sentence):
            target = _role_actor(local, ctx, m.end(), m.end() + 30)
            if target:
                break
        if target is None:
            # "Israel has tracked 65 drone attacks": the one counting them was hit.
            subj = re.search(r"^(?:\S+\s+){0,3}?(?:has |have |had )?(?:tracked|recorded|counted|intercepted|faced|suffered|endured|came under|sustained)\b", sentence)
            if subj:
                target = _role_actor(local, ctx, 0, subj.end())
        if origin is None:
            verb = ATTACK_VERB_RE.search(sentence)
            limit = verb.start() if verb and verb.start() < hit.start else hit.start
            before = [x for x in local if x["le"] <= limit and x["actor"] != target]
            armed = [x for x in before if ctx.registry.actors[x["actor"]].type in ARMED]
            if armed:
                origin = armed[-1]["actor"]
    return origin, target


def _lineage(actor: str, ctx) -> set[str]:
    """The actor and everything it is part of (US Armed Forces -> United States)."""
    seen, todo = set(), [actor]
    while todo:
        a = todo.pop()
        if a in seen or a not in ctx.registry.actors:
            continue
        seen.add(a)
        todo.extend(p for p, rel in ctx.registry.actors[a].parents if rel == "part_of")
    return seen


def extract(article: dict, sentences: list[dict], mentions: list[dict], ctx) -> list[dict]:
    ref: date | None = article["published"]
    reporter = article.get("original_publisher") or article["outlet"]
    rows: list[dict] = []
    previous_unit: str | None = None
    # Sentences of the current paragraph so far: a number without its own
    # period takes the latest period stated before it in the paragraph.
    paragraph: list[str] = []
    paragraph_end = None
    text = article["text"]
    by_sentence: dict[int, list[dict]] = {}
    for m in mentions:
        by_sentence.setdefault(m["sent_id"], []).append(m)
    claims = _ClaimsSoFar(ctx, by_sentence)
    for srow in sentences:
        sent = srow["text"]
        if paragraph_end is not None and "\n" in text[paragraph_end : srow["start"]]:
            paragraph = []
        paragraph_end = srow["end"]
        hits = find_numbers(sent)
        if not hits:
            claims.pass_by(srow)  # only its attribution is carried forward ("The newspaper highlighted ...")
            paragraph.append(sent)
            continue
        local = _mentions_in(srow, by_sentence.get(srow["sent_id"], []))
        periods = find_periods(sent, ref)
        attribution = _Attribution(sent, local, ctx, claims.latest)
        sentence_claimant = attribution.claimant(len(sent))
        sentence_unit = _sentence_unit(sent, previous_unit)
        k = 0
        for i, hit in enumerate(hits):
            unit, rate = _unit(sent, hit)
            inherited = False
            if unit is None and sentence_unit and PERIOD_AFTER_RE.match(sent[hit.end :]):
                unit, inherited = sentence_unit, True  # a list sharing one context: "from six in August to 31 in September"
            if unit is None:
                continue
            next_start = hits[i + 1].start if i + 1 < len(hits) else len(sent)
            period = _period_for(hit, next_start, periods) or _context_period(paragraph, ref)
            granularity = "rate" if rate else ("cumulative" if hit.ordinal else (period.granularity if period else "cumulative"))
            origin, target = _origin_target(sent, hit, unit, local, ctx)
            if inherited and rows and rows[-1]["article_id"] == article["article_id"]:
                # List members share the context of the claim before them.
                origin, target = origin or rows[-1]["origin"], target or rows[-1]["target"]
            claimant = attribution.claimant(hit.start)
            name, actor = claimant if claimant[0] else (reporter, article.get("outlet_id"))
            rows.append({
                "figure_id": f"{article['article_id']}:{srow['sent_id']}:{k}",
                "article_id": article["article_id"],
                "sent_id": srow["sent_id"],
                "count": hit.value,
                "qualifier": _qualifier(sent, hit.start),
                "unit": unit,
                "period_start": period.start if period else None,
                "period_end": period.end if period else ref,
                "granularity": granularity,
                "partial": bool(period and period.partial),
                "claimant": name,
                "claimant_actor": actor,
                "relayed_by": attribution.relayed_by(hit.start),
                "reporter": reporter,
                "origin": origin,
                "target": target,
                "evidence": sent,
                "start": srow["start"],
                "end": srow["end"],
                "raw_start": srow["raw_start"],
                "raw_end": srow["raw_end"],
                "source": "extracted",
                "citation": f"{reporter}, article {article['article_id']}, sentence {srow['sent_id']}",
                "number_text": hit.text,
            })
            k += 1
            previous_unit = unit if unit not in ("killed", "injured") else previous_unit
        if sentence_claimant[0]:
            claims.set(sentence_claimant)
        paragraph.append(sent)
    return rows


SENTENCE_UNIT_RE = re.compile(rf"\b(?:{WEAPON}\s+)?(?P<noun>attacks|strikes|launches)\b", re.I)
SENTENCE_UNIT_NEEDED = WordRequirement.of(SENTENCE_UNIT_RE.pattern, re.I)


def _sentence_unit(sent: str, previous_unit: str | None) -> str | None:
    """The attack unit a sentence talks about, refined by the previous sentence
    ("attacks" after a sentence about "drone attacks" means drone attacks)."""
    m = SENTENCE_UNIT_RE.search(sent) if SENTENCE_UNIT_NEEDED.may_match(words_of(sent)) else None
    if not m:
        return None
    weapon = (m.group("weapon") or "").lower()
    unit = {"drone": "drone attacks", "uav": "drone attacks", "rocket": "rocket attacks", "mortar": "rocket attacks"}.get(
        weapon, "missile attacks" if weapon else ("strikes" if m.group("noun").lower() == "strikes" else "attacks")
    )
    if unit == "attacks" and previous_unit and previous_unit.endswith("attacks"):
        return previous_unit
    return unit


def _context_period(paragraph: list[str], ref: date | None) -> Period | None:
    """The latest period stated in the paragraph's earlier sentences."""
    for sent in reversed(paragraph):
        periods = find_periods(sent, ref)
        if periods:
            return periods[-1]
    return None


def _period_for(hit: NumberHit, next_start: int, periods: list[Period]) -> Period | None:
    after = [p for p in periods if hit.end <= p.span[0] < next_start]
    if after:
        return after[0]
    before = [p for p in periods if p.span[1] <= hit.start]
    return before[-1] if before else None


CURATED_COLUMNS = ("claimant", "claimant_actor", "reporter", "count", "qualifier", "unit", "period_start", "period_end", "granularity", "partial", "origin", "target", "citation", "evidence")


class CuratedFigureError(ValueError):
    pass


def curated_rows(path=None) -> list[dict]:
    """Analyst-curated figures (data/figures_curated.csv), marked as such."""
    path = path or DATA_DIR / "figures_curated.csv"
    if not path.exists():
        return []
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = set(CURATED_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise CuratedFigureError(f"{path.name}: missing column(s) {', '.join(sorted(missing))}")
        for n, r in enumerate(reader, start=2):
            try:
                qualifier, unit = r["qualifier"] or "exact", r["unit"]
                if qualifier not in QUALIFIERS or unit not in UNITS:
                    raise ValueError(f"qualifier {qualifier!r} / unit {unit!r} not recognised")
                rows.append({
                    "figure_id": f"curated:{n}",
                    "article_id": None,
                    "sent_id": None,
                    "count": float(r["count"]),
                    "qualifier": qualifier,
                    "unit": unit,
                    "period_start": date.fromisoformat(r["period_start"]) if r["period_start"] else None,
                    "period_end": date.fromisoformat(r["period_end"]) if r["period_end"] else None,
                    "granularity": r["granularity"] or "month",
                    "partial": r["partial"].strip().lower() in ("1", "true", "yes"),
                    "claimant": r["claimant"],
                    "claimant_actor": r["claimant_actor"] or None,
                    "relayed_by": r.get("relayed_by") or None,  # an optional column
                    "reporter": r["reporter"] or r["claimant"],
                    "origin": r["origin"] or None,
                    "target": r["target"] or None,
                    "evidence": r["evidence"],
                    "source": "curated",
                    "citation": r["citation"],
                    "number_text": r["count"],
                })
            except (ValueError, KeyError) as err:
                raise CuratedFigureError(f"{path.name} line {n}: {err}") from None
    return rows
