"""Dated events from sentences, and one event from many reports.

``extract`` reads one article: each clause with an event trigger
(data/event_types.yaml) becomes a report with its date resolved against the
article date (lib/periods.py: "last week", "Friday's", "on January 28", "in
2020"; here also "the following day" and "days before the talks"), who acted
and against whom, where (lib/places.py), the casualties it states
(lib/figures.py's number reading) and the sentence itself. A clause with no
date of its own is kept only when it continues the report before it ("It
deployed a drone to strike ...") or names a well-known event
(data/known_events.yaml) that gives it a date. Reports of one event inside an
article ("last week's attack", "Friday's killing") are merged there.

``link_table`` (``link_across_articles`` for rows) merges reports of one event from several
articles into a cluster (``cluster_id``): the same known event, or the same day or
week, compatible type, place and actors and something specific in common.
Every report keeps its own words, its own date and precision; the cluster gets
the best date, the most specific place and a title.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from copy import copy
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lib import schema, yamlfile
from lib.acled import is_acled_event
from lib.casefold import fold, foldable
from lib.figures import ADJECTIVE_ACTORS, find_numbers, _unit
from lib.paths import DATA_DIR
from lib.periods import Period, find_periods, may_hold_period
from lib.places import Gazetteer, PlaceMatch, load_places
from lib.store import without_articles
from lib.registry import tokenize
from lib.textwords import WordIndex, WordRequirement, Words, words_of

_Date = date  # Report has a field named date, which hides the class in its body

ADJECTIVE_ACTOR_IDS = frozenset(a for a in ADJECTIVE_ACTORS.values() if a)
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3, "undated": 4}
VIOLENCE = "violence"
WEAPONS = [
    ("drone", re.compile(r"\b(?:drones?|UAVs?|Qasef[\w-]*|Shahed[\w-]*)\b", re.I)),
    ("rocket", re.compile(r"\b(?:rockets?|mortars?|Katyushas?)\b", re.I)),
    ("missile", re.compile(r"\bmissiles?\b", re.I)),
    ("air strike", re.compile(r"\b(?:air ?strikes?|warplanes?|fighter jets?|bombing)\b", re.I)),
]
# Matched where a mention ends (so no "^").
CLAIM_VERB_RE = re.compile(
    r"(?:['’]s office)?\s*(?:,[^,]{0,60},\s*)?(?:has |have |had )?(?:also )?"
    r"(?:said|says|announced|reported|stated|confirmed|claimed|told|noted|accused|warned|declared|revealed|tracked)\b",
    re.I,
)
HEDGE_RE = re.compile(
    r"\b(?:would|could|might|may|will|plans? to|planning|threat\w* to|prepar\w+ for|potential|possible|future|contingency)"
    r"(?:\s+[\w-]+){0,3}\s*$",
    re.I,
)
NOUN_ANAPHOR_RE = re.compile(r"^\s*(?:The|This|That) (?:group|coalition|militia|faction|organi[sz]ation|movement)\b")
PRONOUN_START_RE = re.compile(r"^\s*(?:It|They)\b")
CONTINUATION_START_RE = re.compile(
    r"^\s*(?:It|They|This|That|These|Those|The (?:attack|strike|operation|raid|assassination|killing|group|coalition|militia))\b"
)
LOCATIVE_PREP_RE = re.compile(r"\b(in|at|inside|near|outside|around|across|over|on|into|to|within|visiting|from)\s+")
LOCATIVE_TAIL_RE = re.compile(r"(?:(?:the|its|their|a|an)\s+)?(?:[a-z][\w-]*\s+){0,2}")
# Places after these are where an event happened but may also be what it hit ("an attack on Israel").
TARGET_LOCATIVES = ("on", "against")
TARGET_PREP_RE = re.compile(r"\b(?:on|against|targeting|target|at|hit|hitting|strike|struck|attacked)\s+(?:(?:the|an?)\s+)?$", re.I)
NEXT_DAY_RE = re.compile(r"\b(?:the following day|the next day|a day later|the day after)\b", re.I)
DAYS_BEFORE_RE = re.compile(r"\b(?P<n>days|a few days|hours|a day|weeks)\s+before\s+(?:the|this)\s+(?P<noun>[a-z]+)", re.I)
THERE_RE = re.compile(r"\bthere\b")
SERIES_RE = re.compile(r"\b(?:more than |over |at least |nearly |about )?\d[\d,]*\s+times\b")  # "attacked ... 160 times"
QUOTE_RE = re.compile(r"“[^”]*”|\"[^\"]*\"")
# The words these need (lib/textwords.py): a clause lacking them is not searched.
NEXT_DAY_NEEDS, DAYS_BEFORE_NEEDS, THERE_NEEDS = (WordRequirement.of(p.pattern, p.flags) for p in (NEXT_DAY_RE, DAYS_BEFORE_RE, THERE_RE))
WEAPON_NEEDS = [WordRequirement.of(p.pattern, p.flags) for _, p in WEAPONS]
# How far (characters) a date may sit from the trigger and still date it.
MAX_DATE_GAP = {"violence": 100, "politics": 80}
# ... and how far a place may sit from the nearest trigger and still be where it happened.
MAX_PLACE_GAP = 70
CLAUSE_BREAK_RE = re.compile(r";\s+|,\s+(?=(?:and|while|but|whereas)\s)")
OFFICIALS_RE = re.compile(r"\b(US|U\.S\.|American|Iraqi|Iranian|Israeli)\s+(?:[a-z]+\s+)?(?:officials|delegation|delegations|leaders|officers)\b")


# --------------------------------------------------------------------- data
@dataclass(frozen=True)
class EventType:
    id: str
    label: str
    color: str
    family: str
    triggers: tuple[re.Pattern, ...]
    sources: tuple[str, ...] = ()  # the triggers as written in the file


@dataclass(frozen=True)
class KnownEvent:
    id: str
    name: str
    date: date
    type: str
    source_actor: str | None
    target_actor: str | None
    place: str | None
    basis: str
    triggers: tuple[re.Pattern, ...]
    actors: tuple[str, ...]
    places: tuple[str, ...]
    window_days: int
    undated_ok: bool


def load_event_types(path: Path | str | None = None) -> dict[str, EventType]:
    return _event_types(_data_file(path, "event_types.yaml"))


def _data_file(path: Path | str | None, name: str) -> str:
    return str(path) if path else _default_file(DATA_DIR, name)


@lru_cache(maxsize=8)
def _default_file(data_dir: Path, name: str) -> str:
    """data_dir/name as a string (asked for many times per article)."""
    return str(data_dir / name)


@lru_cache(maxsize=4)
def _event_types(path: str) -> dict[str, EventType]:
    spec = yamlfile.load_file(path)
    out = {}
    for row in spec["types"]:
        sources = tuple(row.get("triggers") or [])
        pats = tuple(re.compile(rf"\b(?:{p})\b", re.I) for p in sources)
        out[row["id"]] = EventType(row["id"], row["label"], row["color"], row["family"], pats, sources)
    return out


def load_known_events(path: Path | str | None = None) -> dict[str, KnownEvent]:
    return _known_events(_data_file(path, "known_events.yaml"))


@lru_cache(maxsize=4)
def _known_events(path: str) -> dict[str, KnownEvent]:
    p = Path(path)
    if not p.exists():
        return {}
    spec = yamlfile.load_file(p) or {}
    out = {}
    for row in spec.get("events") or []:
        m = row.get("match") or {}
        out[row["id"]] = KnownEvent(
            id=row["id"], name=row["name"], date=date.fromisoformat(str(row["date"])), type=row["type"],
            source_actor=row.get("source_actor"), target_actor=row.get("target_actor"), place=row.get("place"),
            basis=row.get("basis") or "",
            triggers=tuple(re.compile(t, re.I) for t in m.get("triggers") or []),
            actors=tuple(m.get("actors") or []), places=tuple(m.get("places") or []),
            window_days=int(m.get("window_days") or 0), undated_ok=bool(m.get("undated_ok")),
        )
    return out


# ------------------------------------------------------------------- drafts
@dataclass(slots=True)
class Report:
    """One article's report of one event while it is being read."""

    article_id: str
    sent_ids: list[int]
    evidence: list[str]
    type: str
    trigger: str
    start: int  # clean-text offsets of the first sentence
    end: int
    raw_start: int | None
    raw_end: int | None
    paragraph: int
    date: _Date | None = None
    date_end: _Date | None = None
    precision: str = "undated"
    date_text: str | None = None
    date_basis: str | None = None
    source: str | None = None
    target: str | None = None
    actors: list[str] = field(default_factory=list)
    place: str | None = None
    place_text: str | None = None
    origin: str | None = None
    weapon: str | None = None
    killed: float | None = None
    injured: float | None = None
    known: str | None = None
    mentioned: set[str] = field(default_factory=set)  # every actor named in its sentences
    places_named: set[str] = field(default_factory=set)
    needs_relative: str | None = None  # "next_day" | "days_before:<noun>"
    anaphoric: bool = False
    # Undated, and nothing can date it (see _ArticleReader._may_be_kept): read no further; dropped.
    doomed: bool = False


def extract(article: dict, sentences: list[dict], mentions: list[dict], ctx) -> list[dict]:
    """Dated event reports in one article (one row per report)."""
    reader = _ArticleReader(article, mentions, ctx)
    reports: list[Report] = []
    for srow in sentences:
        reports.extend(reader.read_sentence(srow))
    reports = _resolve_relative(reports)
    known_path = _data_file(None, "known_events.yaml")
    known, known_index = _known_events(known_path), _known_index(known_path)
    for r in reports:
        r.known = None if r.doomed else _match_known(r, known, known_index)
        if r.known:
            _align_with_known(r, known[r.known])
    reports = _merge_continuations(reports, ctx)
    reports = [r for r in reports if r.date is not None or (r.known and known[r.known].undated_ok)]
    reports = _merge_within_article(reports, ctx, known)
    return [_row(r, k, article) for k, r in enumerate(reports)]


class _ArticleReader:
    def __init__(self, article: dict, mentions: list[dict], ctx):
        self.article = article
        self.ref: date | None = article.get("published")
        self.ref_precision = article.get("date_precision") or "day"
        self.text = article["text"]
        self.ctx = ctx
        types_path = _data_file(None, "event_types.yaml")
        self.types = _event_types(types_path)
        self.triggers = _trigger_matcher(types_path)
        self.places: Gazetteer = load_places()
        self._periods: dict[str, list[Period]] = {}
        self.by_sentence: dict[int, list[dict]] = {}
        for m in mentions:
            self.by_sentence.setdefault(m["sent_id"], []).append(m)
        self.armed_counts: dict[str, int] = {}
        self.is_armed: dict[str, bool] = {}  # actor -> an armed group?
        self.paragraph = 0
        self.prev_end: int | None = None
        self.last_place = _LastPlace()
        self.families_kept: dict[int, set[str]] = {}  # sentence -> families of its reports not doomed
        self.undated_known = [k for k in _known_events(_data_file(None, "known_events.yaml")).values() if k.undated_ok]

    # -- one sentence --------------------------------------------------------
    def read_sentence(self, srow: dict) -> list[Report]:
        sent = srow["text"]
        if self.prev_end is not None and "\n" in self.text[self.prev_end : srow["start"]]:
            self.paragraph += 1
        self.prev_end = srow["end"]
        possible = self.triggers.possible(sent)
        whole = _ClauseTriggers(self.triggers, sent, possible) if possible else None
        if whole is None or not any(whole.of(type_id) for type_id in possible):  # most sentences: nothing happens in them
            self._count_armed(self.by_sentence.get(srow["sent_id"], []))
            return []
        local = [
            {**m, "ls": m["start"] - srow["start"], "le": m["end"] - srow["start"]}
            for m in self.by_sentence.get(srow["sent_id"], [])
        ]
        quoted = _quoted_spans(sent)
        local = [m for m in local if not any(a <= m["ls"] < b for a, b in quoted)]
        places = _Once(lambda: self._places(srow, quoted, local))  # a clause whose report is dropped needs none
        out = []
        for seg_start, seg_end in self._segments(sent):
            # A clause that is the whole sentence has its triggers found already.
            triggers = whole if (seg_start, seg_end) == (0, len(sent)) else _ClauseTriggers(self.triggers, sent[seg_start:seg_end], possible)
            out.extend(self._read_segment(srow, sent, seg_start, seg_end, local, places, triggers))
        self._count_armed(local)
        return out

    def _places(self, srow: dict, quoted, local: list[dict]) -> list[PlaceMatch]:
        """The places named in the sentence, but in quotes or inside a longer actor's name.
        The sentence's tokens are the article's there (no token crosses a sentence's
        edge), and the pipeline has tokenized the article already (lib/mentions.py)."""
        tokens = tokenize(self.text).window(srow["start"], srow["end"])
        return [p for p in self.places.find(srow["text"], tokens) if not any(a <= p.start < b for a, b in quoted) and not any(
            m["ls"] <= p.start and p.end <= m["le"] and (m["le"] - m["ls"]) > (p.end - p.start) for m in local)]

    def periods(self, s: str) -> list[Period]:
        """``find_periods(s)`` without the cumulative ones ("since 2023"), once per
        text: a sentence is read for its clauses and again as a clause."""
        found = self._periods.get(s)
        if found is None:
            found = self._periods[s] = [p for p in find_periods(s, self.ref) if p.granularity != "cumulative"] if self.ref else []
        return found

    def _count_armed(self, mentions: list[dict]) -> None:
        for m in mentions:
            actor = m["actor"]
            armed = self.is_armed.get(actor)
            if armed is None:
                armed = self.is_armed[actor] = self.ctx.registry.actors[actor].type in ("armed group", "facade group")
            if armed:
                self.armed_counts[actor] = self.armed_counts.get(actor, 0) + 1

    def _segments(self, sent: str) -> list[tuple[int, int]]:
        """Split "X was in Baghdad on Monday, and Y was there last week" in two
        clauses, but only when each side has a date of its own."""
        if not ("," in sent or ";" in sent) or not may_hold_period(words_of(sent)):
            return [(0, len(sent))]  # no break, or no clause of it can be dated
        cuts = [0]
        for m in CLAUSE_BREAK_RE.finditer(sent):
            left, right = sent[cuts[-1] : m.start()], sent[m.end() :]
            if self._dated(left) and self._dated(right):
                cuts.append(m.end())
        bounds = cuts + [len(sent)]
        return list(zip(bounds, bounds[1:]))

    def _dated(self, s: str) -> bool:
        return bool(self.periods(s))

    def _read_segment(self, srow, sent, a, b, local, places: _Once, triggers: _ClauseTriggers) -> list[Report]:
        seg = sent[a:b]
        words = words_of(sent)  # the sentence's words, a clause's and more
        periods = self.periods(seg)
        trig = self._trigger(seg, lambda: [p for p in places() if a <= p.start < b], a, periods, triggers)
        if trig is None:
            return []
        type_id, t_start, t_end, dated = trig
        if not dated:
            periods = []
        t_start, t_end = t_start + a, t_end + a
        family = self.types[type_id].family
        seg_mentions = [m for m in local if a <= m["ls"] < b]
        relative = None
        if not periods:
            next_day = NEXT_DAY_RE.search(seg) if NEXT_DAY_NEEDS.may_match(words) else None
            days_before = DAYS_BEFORE_RE.search(seg) if not next_day and DAYS_BEFORE_NEEDS.may_match(words) else None
            if next_day:
                relative = "next_day", next_day.group()
            elif days_before:
                m = days_before
                relative = f"before:{m.group('n').lower()}:{m.group('noun').lower()}", m.group()
        sent_id = srow["sent_id"]
        if not (periods or relative or self._may_be_kept(sent, sent_id, family, seg_mentions, places, a, b)):
            # Who, what, how many and where would be read for nothing; where
            # only in case a later clause says "there".
            self.last_place.later(lambda previous: self._place(
                sent, a, b, seg, words, type_id, family, t_start, t_end, seg_mentions, [p for p in places() if a <= p.start < b], triggers, previous,
            )[0])
            return [Report(
                article_id=self.article["article_id"], sent_ids=[sent_id], evidence=[sent], type=type_id, trigger=sent[t_start:t_end],
                start=srow["start"], end=srow["end"], raw_start=srow.get("raw_start"), raw_end=srow.get("raw_end"),
                paragraph=self.paragraph, doomed=True,
            )]
        self.families_kept.setdefault(sent_id, set()).add(family)
        seg_places = [p for p in places() if a <= p.start < b]
        place_id, place_text, origin, place_only = self._place(
            sent, a, b, seg, words, type_id, family, t_start, t_end, seg_mentions, seg_places, triggers, self.last_place.get,
        )
        self.last_place.set(place_id)
        actors_here = [m for m in seg_mentions if (m["ls"], m["le"]) not in place_only]
        victims = self._victims(sent, a, b, actors_here)
        killed = sum(v for u, v, _ in victims if u == "killed") or None
        injured = sum(v for u, v, _ in victims if u == "injured") or None
        source, target = self._roles(sent, a, seg, type_id, family, t_start, t_end, actors_here, victims)
        if family == VIOLENCE:
            type_id = self._violence_type(type_id, source, target, sent[t_start:t_end])
        participants = list(dict.fromkeys([x for x in (source, target) if x] + [m["actor"] for m in actors_here]))
        weapon = _weapon(sent[max(a, t_start - 40) : min(b, t_end + 30)]) if family == VIOLENCE else None
        if family != VIOLENCE:
            origin = None
        report = Report(
            article_id=self.article["article_id"], sent_ids=[srow["sent_id"]], evidence=[sent], type=type_id,
            trigger=sent[t_start:t_end], start=srow["start"], end=srow["end"], raw_start=srow.get("raw_start"),
            raw_end=srow.get("raw_end"), paragraph=self.paragraph, source=source, target=target, actors=participants,
            place=place_id, place_text=place_text, origin=origin, weapon=weapon, killed=killed, injured=injured,
            mentioned={m["actor"] for m in seg_mentions}, places_named={p.place for p in seg_places},
            anaphoric=a == 0 and bool(CONTINUATION_START_RE.match(seg)),
        )
        if not periods:
            if relative:
                report.needs_relative, report.date_text = relative
            return [report]
        chosen = _periods_for(seg, periods, t_start - a)
        out = []
        for p in chosen:
            r = copy(report)  # its own lists; the sets stay shared
            r.actors, r.sent_ids, r.evidence = list(report.actors), list(report.sent_ids), list(report.evidence)
            r.date, r.date_end, r.precision, r.date_text = p.start, p.end, _precision(p), p.text
            r.date_basis = f"“{p.text}” resolved against the article date {self.ref} ({self.ref_precision})"
            out.append(r)
        return out

    # -- helpers ----------------------------------------------------------------
    def _place(self, sent, a, b, seg, words, type_id, family, t_start, t_end, seg_mentions, seg_places, triggers, previous_place):
        """(place id, its words, origin, spans of places that are no actors) of
        a clause. ``previous_place()``: the last place named before, for "there"."""
        located, origin, place_only, own_words = [], None, set(), {}
        near = self._trigger_spans(type_id, a, triggers) if seg_places else []
        for p in seg_places:
            window = max(0, p.start - 60)
            prep, words_at = _locative(sent[window : p.start])
            own_words[(p.start, p.end)] = sent[window + words_at : p.end] if prep else p.surface
            close = min(max(0, p.start - e, s_ - p.end) for s_, e in near) <= MAX_PLACE_GAP
            is_actor = any(m["ls"] == p.start and m["le"] == p.end for m in seg_mentions)
            object_of_trigger = 0 <= p.start - t_end <= 12 and not is_actor
            installation = self.places.places[p.place].type in ("base", "airport", "port", "facility")
            if prep == "from" and type_id != "withdrawal":
                if family == VIOLENCE and p.start > t_start and close:  # "a drone attack launched from Iraq"
                    origin = origin or p.place
                place_only.add((p.start, p.end))
            elif (prep or object_of_trigger or installation) and close:
                located.append(p)
                if prep not in TARGET_LOCATIVES:
                    place_only.add((p.start, p.end))
        there = None if located else (THERE_NEEDS.may_match(words) and THERE_RE.search(seg) and previous_place())
        if there:
            return there, "there", origin, place_only
        best = self.places.most_specific([p.place for p in located]) if located else None
        place_text = next((own_words[(p.start, p.end)] for p in located if p.place == best), None)
        return best, place_text, origin, place_only

    def _may_be_kept(self, sent, sent_id, family, seg_mentions, places: _Once, a: int, b: int) -> bool:
        """Can an undated report without a relative date ("the following day")
        survive extract? Only by continuing a report of its family in the
        sentence before (_merge_continuations: one not doomed itself) or by
        naming a known event that needs no date (_match_known): tested
        generously here, on what its actors and places can at most be."""
        if family in self.families_kept.get(sent_id - 1, ()):
            return True
        if not self.undated_known:
            return False
        # Its actors: those named in it, or a nationality ("Israeli strike"), or the armed group named most so far.
        actors = {m["actor"] for m in seg_mentions} | ADJECTIVE_ACTOR_IDS | set(self.armed_counts)
        named = set()
        if any(k.places for k in self.undated_known):
            # Its places: those named in the clause, or the last one before ("there").
            named = {p.place for p in places() if a <= p.start < b} | {self.last_place.get()} - {None}
            named |= {x for p in list(named) for x in self.places.ancestors(p)}
        return any(
            (actors.intersection(k.actors) or named.intersection(k.places)) and any(t.search(sent) for t in k.triggers)
            for k in self.undated_known
        )

    def _trigger(self, seg: str, seg_places: Callable[[], list], offset: int, periods: list[Period], triggers: _ClauseTriggers) -> tuple[str, int, int, bool] | None:
        """The highest-priority trigger in the clause, as (type, start, end, dated).

        Of several triggers of one type, the one nearest a date. A date far from
        every trigger is not the event's ("The dialogue comes against a backdrop
        of ... attacks on American troops last year"): the clause is then
        undated, or, for talks and statements, no event at all."""
        for t in self.types.values():
            if t.id not in triggers.possible:
                continue  # no trigger of the type can be in the sentence
            hits = []
            for m in triggers.of(t.id):
                if t.family == VIOLENCE or t.id == "withdrawal":
                    if not self._real_violence(seg, m):
                        continue
                # The clause's own words (the match is in the folded text).
                if seg[m.start() : m.end()].endswith(" in") and not any(p.start - offset in (m.end(), m.end() + 1) for p in seg_places()):
                    continue
                hits.append(m)
            if not hits:
                continue
            if not periods:
                first = min(hits, key=lambda m: m.start())
                return t.id, first.start(), first.end(), False
            def gap(m):
                return min(max(0, p.span[0] - m.end(), m.start() - p.span[1]) for p in periods)
            # Nearest the date, but of triggers about as near, the first ("to strike Israel ... in April
            # and October when hundreds of Iranian missiles hit Israel": the strike).
            best = min(hits, key=lambda m: (gap(m) // 25, m.start()))
            limit = MAX_DATE_GAP[t.family]
            if gap(best) <= limit:
                return t.id, best.start(), best.end(), True
            if t.family == VIOLENCE:
                return t.id, best.start(), best.end(), False
        return None

    def _trigger_spans(self, type_id: str, offset: int, triggers: _ClauseTriggers) -> list[tuple[int, int]]:
        """Sentence offsets of every trigger of the event's family in the clause."""
        family = self.types[type_id].family
        spans = [(m.start() + offset, m.end() + offset) for t in self.types.values() if t.family == family for m in triggers.of(t.id)]
        return spans or [(offset, offset + triggers.length)]

    @staticmethod
    def _real_violence(seg: str, m: re.Match) -> bool:
        """Not a series ("attacked ... 160 times"), not a plan or a threat."""
        after = seg[m.end() : m.end() + 80]
        if "times" in after and SERIES_RE.search(after):
            return False
        return not HEDGE_RE.search(seg[max(0, m.start() - 50) : m.start()])

    def _victims(self, sent, a, b, actors_here) -> list[tuple[str, float, str | None]]:
        """(killed|injured, count, victim actor) for each casualty number in the clause."""
        seg = sent[a:b]
        out = []
        for hit in find_numbers(seg):
            unit, _ = _unit(seg, hit)
            if unit not in ("killed", "injured"):
                continue
            after = [m for m in actors_here if 0 <= m["ls"] - (hit.end + a) <= 30]
            victim = after[0]["actor"] if after else None
            if re.match(r"^\s+of (?:its|their)\b", seg[hit.end :]):
                before = [m for m in actors_here if m["le"] <= hit.start + a]
                victim = before[-1]["actor"] if before else victim
            out.append((unit, hit.value, victim, hit.start + a))
        return [(u, v, w) for u, v, w, _ in out]

    def _roles(self, sent, a, seg, type_id, family, t_start, t_end, actors_here, victims):
        reg = self.ctx.registry
        victim_ids = {w for _, _, w in victims if w}
        claimants = {id(m) for m in actors_here if CLAIM_VERB_RE.match(sent, m["le"])}
        before = [m for m in actors_here if m["le"] <= t_start]
        after = [m for m in actors_here if m["ls"] >= t_end]
        if family != VIOLENCE and type_id != "withdrawal":
            people = [m for m in before if reg.actors[m["actor"]].type == "person"]
            speaker = (people or before or actors_here or [None])[0]
            source = speaker["actor"] if speaker else None
            target = None
            if type_id in ("meeting", "agreement"):
                others = [m["actor"] for m in actors_here if m["actor"] != source and not _related(m["actor"], source, reg)]
                adjectives = [ADJECTIVE_ACTORS.get(x.group(1).lower()) for x in OFFICIALS_RE.finditer(seg)]
                adjectives = [x for x in adjectives if x]
                if source is None and adjectives:
                    source = adjectives.pop(0)
                others += [x for x in adjectives if x != source and not _related(x, source, reg)]
                target = others[0] if others else None
            return source, target
        # Violence: who acted.
        source = None
        for m in re.finditer(r"\bby\s+(?:an?\s+|the\s+)?", sent[t_end : a + len(seg)]):
            at = t_end + m.end()
            hit = [x for x in after if x["ls"] == at]
            if hit:
                source = hit[0]["actor"]
                break
        if source is None and family == VIOLENCE:
            # "an Israeli strike", "Iranian missiles hit": a nationality just before the trigger.
            adj = re.search(r"\b(US|U\.S\.|American|Israeli|Iraqi|Iranian)\s+(?:[a-z-]+\s+)?$", sent[max(a, t_start - 30) : t_start])
            if adj and ADJECTIVE_ACTORS.get(adj.group(1).lower()):
                source = ADJECTIVE_ACTORS[adj.group(1).lower()]
        if source is None and NOUN_ANAPHOR_RE.match(seg) and a == 0 and family == VIOLENCE:
            source = self._dominant_armed_group()
        if source is None:
            cands = [m for m in before if id(m) not in claimants and m["actor"] not in victim_ids]
            if cands:
                pick = len(cands) - 1
                # "US and Iraqi forces": a coordinated subject is led by its first member.
                while pick > 0 and re.fullmatch(r"\s+and\s+", sent[cands[pick - 1]["le"] : cands[pick]["ls"]]):
                    pick -= 1
                source = cands[pick]["actor"]
        if source is None and PRONOUN_START_RE.match(seg) and a == 0 and family == VIOLENCE:
            source = self._dominant_armed_group()
        if family != VIOLENCE:
            return source, None
        # Against whom: a person killed ("the US airstrike that killed ... Qasem Soleimani") first.
        target = None
        people = [m for m in after if reg.actors[m["actor"]].type == "person" and m["actor"] != source]
        if re.search(r"assassinat|killing of", sent[t_start:t_end], re.I):
            target = people[0]["actor"] if people else None
        else:
            for m in people:
                if re.search(r"\b(?:killed|killing|assassinated)\s+(?:[\w’'-]+\s+){0,3}$", sent[max(t_end, m["ls"] - 40) : m["ls"]]):
                    target = m["actor"]
                    break
        if target is None:
            for m in actors_here:
                if m["ls"] >= t_start and m["actor"] != source and TARGET_PREP_RE.search(sent[max(0, m["ls"] - 25) : m["ls"]]):
                    target = m["actor"]
                    break
        if target is None:
            for unit in ("killed", "injured"):
                hit = [w for u, _, w in victims if u == unit and w and w != source]
                if hit:
                    target = hit[0]
                    break
        return source, target

    def _violence_type(self, type_id: str, source: str | None, target: str | None, trigger: str) -> str:
        reg = self.ctx.registry
        if re.search(r"assassinat", trigger, re.I) or (target and reg.actors[target].type == "person"):
            return "killing"
        if source and reg.actors[source].type in ("state", "armed forces", "government body"):
            return "operation" if re.search(r"operation|raid", trigger, re.I) else "strike"
        return "attack"

    def _dominant_armed_group(self) -> str | None:
        """The armed group the article has named most so far ("the group", "it")."""
        if not self.armed_counts:
            return None
        return max(self.armed_counts, key=lambda k: self.armed_counts[k])


def _locative(before: str) -> tuple[str | None, int]:
    """The preposition that makes the next word a place, and where the place's
    words begin: "... at a base in northwestern Jordan" -> ("in", start of "northwestern")."""
    for m in reversed(list(LOCATIVE_PREP_RE.finditer(before))):
        tail_text = before[m.end() :]
        if m.group(1) == "to" and not re.fullmatch(r"(?:(?:the|a|an)\s+)?", tail_text):
            continue  # "to strike Israel": a verb, not a destination
        if LOCATIVE_TAIL_RE.fullmatch(tail_text):
            tail = re.match(r"(?:(?:the|its|their|a|an)\s+)?", before[m.end() :])
            return m.group(1), m.end() + (tail.end() if tail else 0)
    return None, len(before)


class TriggerMatcher:
    """The triggers of data/event_types.yaml compiled once for fast matching.

    Triggers are lowercase ASCII, so they run case-sensitively on the folded
    text (lib/casefold.py), which finds the spans re.IGNORECASE finds on the
    original, several times faster. Before any pattern runs, the words it
    needs are looked up in the sentence's words (lib/textwords.py): most
    sentences lack them.

    Each trigger keeps its own pattern: a pattern's matches do not overlap,
    two patterns' may."""

    def __init__(self, types: dict[str, EventType]):
        sources = [src for t in types.values() for src in t.sources]
        self.folded = all(foldable(src) for src in sources)
        flags = 0 if self.folded else re.I
        wrapped = {t.id: [rf"\b(?:{src})\b" for src in t.sources] for t in types.values()}
        self.patterns = {tid: [re.compile(w, flags) for w in ws] for tid, ws in wrapped.items()}
        # Which triggers a sentence's words allow, keyed (type id, position in the type).
        self.index = WordIndex({(tid, i): WordRequirement.of(w, re.I) for tid, ws in wrapped.items() for i, w in enumerate(ws)})

    def prepare(self, text: str) -> str:
        """The text the patterns run on (offsets are those of ``text``)."""
        return fold(text) if self.folded else text

    def possible(self, sentence: str) -> dict[str, list[re.Pattern]]:
        """The triggers that may match in ``sentence``, by type, in file order."""
        out: dict[str, list[re.Pattern]] = {}
        keys = self.index.possible(words_of(sentence))
        if not keys:
            return out
        for tid, i in sorted(keys):  # within a type, in file order
            out.setdefault(tid, []).append(self.patterns[tid][i])
        return out


class _Once:
    """A value worked out on first use."""

    def __init__(self, make: Callable):
        self.make, self.done = make, False
        self.value: Any = None

    def __call__(self):
        if not self.done:
            self.value, self.done = self.make(), True
        return self.value


class _LastPlace:
    """Where the article's latest report with a place happened, for a later
    "there". A dropped report's place is worked out only if asked for:
    ``later(place_of)`` keeps ``place_of(previous)`` (``previous()``: the
    place before) until then."""

    def __init__(self):
        self.value: str | None = None
        self.pending: list[Callable] = []  # oldest first

    def set(self, place_id: str | None) -> None:
        if place_id:
            self.value, self.pending = place_id, []

    def later(self, place_of: Callable) -> None:
        self.pending.append(place_of)

    def get(self) -> str | None:
        for place_of in self.pending:
            value = self.value
            self.value = place_of(lambda: value) or value
        self.pending = []
        return self.value


class _ClauseTriggers:
    """The trigger matches in one clause, type by type, found once: the clause's
    trigger and the places near any trigger both need them."""

    def __init__(self, matcher: TriggerMatcher, clause: str, possible: dict[str, list[re.Pattern]]):
        self.prepared, self.possible = matcher.prepare(clause), possible
        self.length = len(clause)
        self._by_type: dict[str, list[re.Match]] = {}

    def of(self, type_id: str) -> list[re.Match]:
        found = self._by_type.get(type_id)
        if found is None:
            # Pattern by pattern: a pattern's matches do not overlap, two patterns' may.
            found = self._by_type[type_id] = [m for p in self.possible.get(type_id, ()) for m in p.finditer(self.prepared)]
        return found


@lru_cache(maxsize=4)
def _trigger_matcher(path: str) -> TriggerMatcher:
    return TriggerMatcher(_event_types(path))


def _quoted_spans(sent: str) -> list[tuple[int, int]]:
    """Quotations: names inside a quote are the speaker's words, not the event's actors."""
    out: list[tuple[int, int]] = []
    if "“" not in sent and '"' not in sent:
        return out
    for m in QUOTE_RE.finditer(sent):
        if len(m.group()) > 40:  # short quoted names ("Sarem") stay
            out.append(m.span())
    return out


def _weapon(seg: str) -> str | None:
    words = Words(seg)  # its own: the window may cut a word
    for (name, pat), needs in zip(WEAPONS, WEAPON_NEEDS):
        if needs.may_match(words) and pat.search(seg):
            return name
    return None


def _precision(p: Period) -> str:
    if p.granularity in ("day", "week", "month", "year"):
        return p.granularity
    days = (p.end - p.start).days if p.start and p.end else 9999
    return "day" if days == 0 else "week" if days <= 7 else "month" if days <= 31 else "year"


def _periods_for(seg: str, periods: list[Period], trigger_at: int) -> list[Period]:
    """The date(s) of the event in a clause: a list joined by "and" ("in April
    and October") is one event per date; otherwise the date nearest the trigger."""
    if len(periods) > 1 and all(re.fullmatch(r"\s*(?:,|and|, and)\s*", seg[p.span[1] : q.span[0]]) for p, q in zip(periods, periods[1:])):
        return periods
    return [min(periods, key=lambda p: min(abs(p.span[0] - trigger_at), abs(p.span[1] - trigger_at)))]


# ---------------------------------------------------------------- merging
def _lineage(actor: str | None, reg) -> set[str]:
    seen, todo = set(), [actor] if actor else []
    while todo:
        a = todo.pop()
        if a in seen or a not in reg.actors:
            continue
        seen.add(a)
        todo.extend(p for p, rel in reg.actors[a].parents if rel == "part_of")
    return seen


def _related(a: str | None, b: str | None, reg) -> bool:
    """Same actor, or one is part of the other (al-Sudani and the Government of Iraq)."""
    if not a or not b:
        return False
    return a == b or a in _lineage(b, reg) or b in _lineage(a, reg)


def _span(r, known: dict[str, KnownEvent]) -> tuple[date, date] | None:
    if r.date is not None:
        return r.date, r.date_end or r.date
    if r.known and r.known in known:
        d = known[r.known].date
        return d, d
    return None


def _overlap(x, y) -> bool:
    return x is not None and y is not None and x[0] <= y[1] and y[0] <= x[1]


def _type_compatible(a: Report, b: Report, types) -> bool:
    if types[a.type].family != types[b.type].family:
        return False
    if a.type == b.type or types[a.type].family != VIOLENCE:
        return a.type == b.type
    pair = {a.type, b.type}
    if "killing" in pair or pair == {"strike", "operation"}:
        return True
    # An attack and a strike: one report may just not say who struck.
    return a.source is None or b.source is None


def _conflict(a: Report, b: Report, ctx) -> bool:
    reg, places = ctx.registry, load_places()
    if a.known and b.known and a.known != b.known:
        return True
    for x, y in ((a.killed, b.killed), (a.injured, b.injured)):
        if x is not None and y is not None and x != y:
            return True
    if a.weapon and b.weapon and a.weapon != b.weapon and "air strike" not in (a.weapon, b.weapon):
        return True
    if not places.compatible(a.place, b.place):
        return True
    for sx, sy in ((a.source, b.source), (a.target, b.target)):
        if sx and sy and not _related(sx, sy, reg):
            return True
    return False


def _shares_specifics(a: Report, b: Report, ctx) -> bool:
    """Something specific in common beyond the date."""
    reg, places = ctx.registry, load_places()
    if a.known and a.known == b.known:
        return True
    if a.killed is not None and a.killed == b.killed:
        return True
    if a.place and b.place and a.place == b.place and places.places[a.place].type != "country":
        return True
    return bool(a.source and b.source and _related(a.source, b.source, reg))


def _specifics(r: Report, ctx) -> set[tuple]:
    """Keys two reports share whenever ``_shares_specifics`` holds for them: the known
    event, the number killed, a place finer than a country, and the source and every
    actor it is part of (related sources share the one that is part of the other)."""
    places = load_places()
    keys: set[tuple] = set()
    if r.known:
        keys.add(("known", r.known))
    if r.killed is not None:
        keys.add(("killed", r.killed))
    if r.place and places.places[r.place].type != "country":
        keys.add(("place", r.place))
    if r.source:
        keys.add(("source", r.source))  # an actor outside the registry has no lineage, but is itself
        keys.update(("source", a) for a in _lineage(r.source, ctx.registry))
    return keys


def _bare(r: Report) -> bool:
    return not (r.source or r.target or r.killed or r.injured or r.known)


def _absorb(into: Report, other: Report, places: Gazetteer) -> None:
    """Fold ``other`` into ``into``: more sentences, the more precise date, the more specific place."""
    for sid, ev in zip(other.sent_ids, other.evidence):
        if sid not in into.sent_ids:
            into.sent_ids.append(sid)
            into.evidence.append(ev)
    if other.date is not None and (into.date is None or PRECISION_RANK[other.precision] < PRECISION_RANK[into.precision]):
        into.date, into.date_end, into.precision = other.date, other.date_end, other.precision
        into.date_text, into.date_basis = other.date_text, other.date_basis
    for f in ("source", "target", "origin", "weapon", "killed", "injured", "known"):
        if getattr(into, f) is None:
            setattr(into, f, getattr(other, f))
    better = places.most_specific([p for p in (into.place, other.place) if p])
    if better and better != into.place:
        into.place, into.place_text = better, other.place_text
    if into.type != other.type and (other.type == "killing" or (into.type == "attack" and other.type in ("strike", "operation") and into.source is None)):
        into.type = other.type
    into.actors = list(dict.fromkeys(into.actors + other.actors))
    into.mentioned |= other.mentioned
    into.places_named |= other.places_named


def _resolve_relative(reports: list[Report]) -> list[Report]:
    """"The following day" after a dated report; "days before the talks" before the talks."""
    for i, r in enumerate(reports):
        if not r.needs_relative:
            continue
        earlier = [(q.date, q) for q in reports[:i] if q.date is not None and q.precision == "day"]
        if r.needs_relative == "next_day":
            if earlier and earlier[-1][1].sent_ids[-1] >= r.sent_ids[0] - 2:
                day_before, q = earlier[-1]
                d = day_before + timedelta(days=1)
                r.date, r.date_end, r.precision = d, d, "day"
                r.date_basis = f"“{r.date_text}”: the day after {day_before} (sentence {q.sent_ids[0]})"
        else:
            _, span, noun = r.needs_relative.split(":", 2)
            stem = noun[:6]
            anchor = [(day, q) for day, q in earlier if any(stem in ev.lower() for ev in q.evidence)]
            if anchor:
                d, q = anchor[-1]
                back = {"hours": 1, "a day": 1, "weeks": 21}.get(span, 7)
                r.date, r.date_end = d - timedelta(days=back), d - timedelta(days=1)
                r.precision = "day" if back == 1 else "week" if back <= 7 else "month"
                r.date_basis = f"“{r.date_text}”: before the {noun} of {d} (sentence {q.sent_ids[0]})"
        r.needs_relative = None
    return reports


def _merge_continuations(reports: list[Report], ctx) -> list[Report]:
    """An undated clause right after a report continues it: "It deployed a
    Qasef-2K drone to strike the US Harir base" after "its first operation on
    October 17, 2023"; "General Qassim Suleimani, ... during a drone strike"
    after "in 2020 ... assassinated"."""
    types, places = load_event_types(), load_places()
    out: list[Report] = []
    for r in reports:
        prev = out[-1] if out else None
        if (
            r.date is None and prev is not None and prev.date is not None
            and r.sent_ids[0] == prev.sent_ids[-1] + 1
            and types[r.type].family == types[prev.type].family
            and (r.anaphoric or r.paragraph == prev.paragraph)
            and not _conflict(prev, r, ctx)
        ):
            _absorb(prev, r, places)
            continue
        out.append(r)
    return out


class _KnownIndex:
    """Which known events name an actor or a place: a report is compared only
    with the events it shares one with (in file order, which breaks ties)."""

    def __init__(self, known: dict[str, KnownEvent]):
        self.events = list(known.values())
        self.actors = [frozenset(k.actors) for k in self.events]
        self.places = [frozenset(k.places) for k in self.events]
        self.by_actor: dict[str, list[int]] = {}
        self.by_place: dict[str, list[int]] = {}
        for i, k in enumerate(self.events):
            for a in self.actors[i]:
                self.by_actor.setdefault(a, []).append(i)
            for p in self.places[i]:
                self.by_place.setdefault(p, []).append(i)

    def sharing(self, actors: set[str], places: set[str]) -> list[int]:
        """Positions of the events naming one of ``actors`` or ``places``, in file order."""
        found = {i for a in actors for i in self.by_actor.get(a, ())}
        found.update(i for p in places for i in self.by_place.get(p, ()))
        return sorted(found)


@lru_cache(maxsize=4)
def _known_index(path: str) -> _KnownIndex:
    return _KnownIndex(_known_events(path))


def _match_known(r: Report, known: dict[str, KnownEvent], index: _KnownIndex | None = None) -> str | None:
    """The known event this report describes, if any."""
    if r.known:
        return r.known
    index = index or _KnownIndex(known)
    places = load_places()
    named = set(r.places_named) | {a for p in r.places_named for a in places.ancestors(p)}
    if r.place:
        named |= {r.place, *places.ancestors(r.place)}
    actors = set(r.mentioned) | set(r.actors)
    best, best_score = None, None
    text = None
    # The set and date tests are cheap and usually fail: run them before the regexes.
    for i in index.sharing(actors, named):
        k = index.events[i]
        if r.date is None:
            if not k.undated_ok:
                continue
            distance = 0
        else:
            lo, hi = k.date - timedelta(days=k.window_days), k.date + timedelta(days=k.window_days)
            if not _overlap((r.date, r.date_end or r.date), (lo, hi)):
                continue
            distance = 0 if (r.date <= k.date <= (r.date_end or r.date)) else min(abs((r.date - k.date).days), abs(((r.date_end or r.date) - k.date).days))
        if text is None:
            text = " ".join(r.evidence)
        if not any(t.search(text) for t in k.triggers):
            continue
        score = (k.type == r.type, bool(actors & index.actors[i]) + bool(named & index.places[i]), -distance)
        if best_score is None or score > best_score:
            best, best_score = k.id, score
    return best


def _align_with_known(r: Report, k: KnownEvent) -> None:
    """A report of a known event names its victim as the subject sometimes
    ("General Qassim Suleimani, ... during a drone strike"): the victim is the
    target, not the one who struck."""
    if r.source and r.source == k.target_actor:
        r.source = None
    if r.target is None and k.target_actor in r.mentioned:
        r.target = k.target_actor
    if k.type == "killing" and load_event_types()[r.type].family == VIOLENCE:
        r.type = "killing"


def _merge_within_article(reports: list[Report], ctx, known) -> list[Report]:
    """"Last week's attack", "Friday's killing of 16" and "a US attack ... killed
    16 Iraqis last week" in one article are one event."""
    types, places = load_event_types(), load_places()
    # Most precise first, so vaguer references fold into them.
    order = sorted(range(len(reports)), key=lambda i: (PRECISION_RANK[reports[i].precision], i))
    kept: list[Report] = []
    for i in order:
        r = reports[i]
        for k in kept:
            same_known = bool(r.known and r.known == k.known)
            if same_known or (
                _type_compatible(k, r, types) and _overlap(_span(k, known), _span(r, known))
                and not _conflict(k, r, ctx)
                and (_shares_specifics(k, r, ctx) or _bare(r) or _bare(k))
            ):
                _absorb(k, r, places)
                break
        else:
            kept.append(r)
    return sorted(kept, key=lambda r: r.sent_ids[0])


# ---------------------------------------------------------------- rows
def _row(r: Report, k: int, article: dict) -> dict:
    places = load_places()
    place = places.places.get(r.place) if r.place else None
    order = sorted(range(len(r.sent_ids)), key=lambda i: r.sent_ids[i])
    return {
        "event_id": f"{r.article_id}:{r.sent_ids[0]}:{k}",
        "cluster_id": None,
        "article_id": r.article_id,
        "sent_id": r.sent_ids[0],  # the sentence that dates the report
        "sent_ids": [r.sent_ids[i] for i in order],
        "event_type": r.type,
        "trigger": r.trigger,
        "date": r.date,
        "date_end": r.date_end,
        "date_precision": r.precision if r.date is not None else "undated",
        "date_text": r.date_text,
        "date_basis": r.date_basis or ("No date in the text; dated by the known event it names" if r.known else None),
        "source_actor": r.source,
        "target_actor": r.target,
        "actors": list(r.actors),
        "place_id": r.place,
        "place": place.name if place else None,
        "place_text": r.place_text,
        "origin_place_id": r.origin,
        "weapon": r.weapon,
        "killed": r.killed,
        "injured": r.injured,
        "known_event": r.known,
        "evidence": " … ".join(r.evidence[i] for i in order),
        "start": r.start,
        "end": r.end,
        "raw_start": r.raw_start,
        "raw_end": r.raw_end,
        "reporter": article.get("original_publisher") or article.get("outlet"),
    }


# What linking reads of a row (_report_from_row, and the ids), and the columns it writes (_cluster_fields).
_REPORT_COLUMNS = ["article_id", "sent_id", "sent_ids", "event_id", "evidence", "event_type", "trigger", "start", "end", "raw_start",
                   "raw_end", "date", "date_end", "date_precision", "source_actor", "target_actor", "actors", "place_id", "weapon",
                   "killed", "injured", "known_event"]
_CLUSTER_COLUMNS = frozenset({"cluster_id", "cluster_title", "cluster_type", "cluster_date", "cluster_date_end", "cluster_precision",
                              "cluster_source_actor", "cluster_target_actor", "cluster_place_id", "cluster_place", "lat", "lon",
                              "cluster_killed", "cluster_injured", "n_sources"})


def _report_rows(table: pa.Table, *more: str):
    """The rows of ``table`` as dicts of what ``_report_from_row`` reads (and ``more``), a batch
    at a time: a dict of every report at once took 0.5 GB at 100,000 articles."""
    for batch in table.select([*_REPORT_COLUMNS, *more]).to_batches(max_chunksize=8192):
        yield from batch.to_pylist()


def _report_from_row(row: dict) -> Report:
    """Enough of a Report to compare rows across articles."""
    return Report(
        article_id=row["article_id"], sent_ids=list(row["sent_ids"] or [row["sent_id"]]), evidence=[row["evidence"]],
        type=row["event_type"], trigger=row["trigger"], start=row["start"], end=row["end"], raw_start=row["raw_start"],
        raw_end=row["raw_end"], paragraph=0, date=row["date"], date_end=row["date_end"], precision=row["date_precision"],
        source=row["source_actor"], target=row["target_actor"], actors=list(row["actors"] or []), place=row["place_id"],
        weapon=row["weapon"], killed=row["killed"], injured=row["injured"], known=row["known_event"],
    )


def link_across_articles(rows: list[dict], ctx) -> list[dict]:
    """Give every report a ``cluster_id``: reports of one event share it, and
    carry the cluster's date, place, title and number of sources."""
    if not rows:
        return rows
    return link_table(schema.to_table("events", rows), ctx).to_pylist()


def link_table(table: pa.Table, ctx) -> pa.Table:
    """``link_across_articles`` on an events table, in the same order, without a dict per
    row held throughout. The rows were read as dicts, each came back as a new dict with its
    cluster's fields, and both were held with the reports: linking 193,229 reports (100,000
    articles) peaked at 2.17 GB, 1.42 GB now. Each row is read as a dict only long enough
    to make its Report, and the clusters' fields become columns."""
    n = table.num_rows
    if n == 0:
        return table
    reps: list[Report] = []
    ids: list[tuple] = []  # (article, sentence, report id) of each row
    for row in _report_rows(table):
        reps.append(_report_from_row(row))
        ids.append((row["article_id"], row["sent_id"], row["event_id"]))
    of_row: list[dict] = [{}] * n  # each row's cluster fields (one dict per cluster)
    rank = [0] * n  # each row's place in the clusters' order, members in report order
    for position, (i, fields) in enumerate((i, fields) for members, fields in _clusters(reps, ids, ctx) for i in members):
        of_row[i], rank[i] = fields, position
    del reps
    target = schema.SCHEMAS["events"]
    columns = [pa.array([f[name] for f in of_row], target.field(name).type) if name in _CLUSTER_COLUMNS else table[name]
               for name in target.names]
    order = sorted(range(n), key=lambda i: (of_row[i]["cluster_date"] or date.max, of_row[i]["cluster_id"], ids[i][0], rank[i]))
    return pa.Table.from_arrays(columns, schema=target).take(pa.array(order, pa.int64()))


def _clusters(reps: list[Report], ids: list[tuple], ctx) -> list[tuple[list[int], dict]]:
    """The reports' events: each as its members (indices into ``reps``, in report order)
    and the fields its rows share. ``ids``: each report's (article, sentence, report id)."""
    types, places, known = load_event_types(), load_places(), load_known_events()
    parent = list(range(len(reps)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Reports naming the same known event are one event.
    first_of: dict[str, int] = {}
    for i, r in enumerate(reps):
        if r.known:
            parent[find(i)] = find(first_of.setdefault(r.known, i))
    # Otherwise only reports dated to the day or week can merge: sweep them by date,
    # comparing each with those starting before it ends (a week at most). Two reports
    # merge only when they share something specific (_shares_specifics), so each is
    # compared only with those sharing one of its specifics: at 100,000 articles every
    # report of a week against every other took 47 s of a build's one serial step.
    dated = sorted((r.date, i) for i, r in enumerate(reps) if r.date is not None and PRECISION_RANK[r.precision] <= 1)
    by_specific: dict[tuple, list[tuple[date, int]]] = {}
    for d, i in dated:  # in date order, so each list is too
        for key in _specifics(reps[i], ctx):
            by_specific.setdefault(key, []).append((d, i))
    for sharing in by_specific.values():
        for n, (a_date, i) in enumerate(sharing):
            a = reps[i]
            a_end = a.date_end or a_date
            for b_date, j in sharing[n + 1 :]:
                if b_date > a_end:
                    break
                b = reps[j]
                if a.article_id == b.article_id or find(i) == find(j) or (a.known and b.known):
                    continue
                if _type_compatible(a, b, types) and not _conflict(a, b, ctx) and _shares_specifics(a, b, ctx):
                    parent[find(j)] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(reps)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        # A cluster's fields break ties between its reports by their order: make it the
        # reports' own (article, then place in it), not the order they came in, so that
        # linking a few clusters again (link_added, unlink_removed) gives what a build gives.
        members.sort(key=lambda i: _report_order(ids[i][0], ids[i][2]))
        out.append((members, _cluster_fields([ids[i] for i in members], [reps[i] for i in members], ctx, types, places, known)))
    return out


def _report_order(article_id: str | None, event_id: str | None) -> tuple[str, int]:
    """Article id, then the report's place among the article's reports (its id's last part)."""
    k = str(event_id or "").rpartition(":")[2]
    return article_id or "", int(k) if k.isdigit() else 0


def _links(a: Report, b: Report, ctx, types) -> bool:
    """Whether the sweep in ``link_across_articles`` would join two reports directly
    (the same test, both dated to the day or week and within each other's span)."""
    if a.article_id == b.article_id or (a.known and b.known):
        return False
    if a.date is None or b.date is None or PRECISION_RANK[a.precision] > 1 or PRECISION_RANK[b.precision] > 1:
        return False
    if b.date > (a.date_end or a.date) or a.date > (b.date_end or b.date):
        return False
    return _type_compatible(a, b, types) and not _conflict(a, b, ctx) and _shares_specifics(a, b, ctx)


def link_added(stored: pa.Table, added: list[dict], ctx) -> pa.Table:
    """The events table once ``added`` (the reports of newly added articles) are linked
    into ``stored`` (a linked events table): the same clusters as linking everything
    again, but only the clusters the added reports join are read as rows and linked
    again; the others stay as stored. Linking all 193,000 reports of a 100,000-article
    store again, as rows, took 9.5 GB and most of a minute to add one article."""
    return link_changed(stored, added, set(), ctx)


def unlink_removed(stored: pa.Table, removed: set[str], ctx) -> pa.Table:
    """The events table once the articles ``removed`` are taken out of ``stored``: the
    clusters they were in are linked again from their other reports (one may split in
    two); the others stay as stored. The same clusters as linking everything again."""
    return link_changed(stored, [], removed, ctx)


def link_changed(stored: pa.Table, added: list[dict], removed: set[str], ctx) -> pa.Table:
    """``unlink_removed`` then ``link_added`` in one pass (an article changed is removed and
    added again): the clusters the removed reports were in and those the added ones join
    are linked again together. Done one after the other, each read and linked the table
    again: 5 s each at 100,000 articles."""
    if not added and not removed:
        return stored
    touched: set[str] = set()
    if removed:
        gone = pc.fill_null(pc.is_in(stored["article_id"], value_set=pa.array(sorted(removed), pa.string())), False)
        touched.update(pc.unique(stored.filter(gone)["cluster_id"]).drop_null().to_pylist())
    if added:
        touched |= _joined_clusters(stored, added, ctx)
    return _relink(stored, pa.array(sorted(touched), pa.string()), ctx, add=added, drop=removed)


def _joined_clusters(stored: pa.Table, added: list[dict], ctx) -> set[str]:
    """The stored clusters that reports ``added`` would join."""
    types = load_event_types()
    new = [_report_from_row(r) for r in added]
    # Stored reports the added ones could join: the same known event, or dated within a week of one.
    conditions = []
    knowns = {r.known for r in new if r.known}
    if knowns:
        conditions.append(pc.is_in(stored["known_event"], value_set=pa.array(sorted(knowns), pa.string())))
    swept = [(d, r) for r in new if (d := _sweep_date(r)) is not None]
    if swept:
        conditions.append(_dated_within(stored["date"], [(d - timedelta(days=31), r.date_end or d) for d, r in swept]))
    touched: set[str] = set()
    if not conditions:
        return touched
    # Each stored report is compared only with the added ones sharing one of its specifics
    # and dated near it, as the build's sweep compares them (link_across_articles): against
    # every added report, 2,000 articles added to 10,000 took 50 million comparisons (40 s).
    nearby = _by_specific_and_date(swept, ctx)
    reach = max(((r.date_end or d) - d for d, r in swept), default=timedelta(0))
    mask = conditions[0] if len(conditions) == 1 else pc.or_(conditions[0], conditions[1])
    for row in _report_rows(stored.filter(pc.fill_null(mask, False)), "cluster_id"):
        if is_acled_event(row):
            continue  # ACLED events sit beside the articles' events, never merged with them
        old = _report_from_row(row)
        start = _sweep_date(old)
        if old.known and old.known in knowns:
            touched.add(row["cluster_id"])
        elif start is not None:
            lo, hi = start - reach, old.date_end or start  # an added report starting then could overlap it
            if any(_links(n, old, ctx, types) for key in _specifics(old, ctx) if key in nearby
                   for n in nearby[key][1][bisect_left(nearby[key][0], lo) : bisect_right(nearby[key][0], hi)]):
                touched.add(row["cluster_id"])
    return touched


def _dated_within(dates: pa.ChunkedArray, spans: list[tuple[date, date]]) -> pa.Array:
    """Whether each of ``dates`` falls in one of ``spans`` (first, last day). An added report
    can join a stored one dated from a month before it (a stored report dated to the day or
    week spans a week at most) to its own last day. One window from the earliest to the
    latest of them took nearly every stored report when an article's reports were years
    apart (92,000 of 193,000 at 100,000 articles: 1.2 s to read them, for one article)."""
    merged: list[list[int]] = []  # the spans as days since 1970 (date32's unit), overlapping ones merged
    for first, last in sorted(((a - _EPOCH).days, (b - _EPOCH).days) for a, b in spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    days = pc.fill_null(pc.cast(dates, pa.int32()), np.iinfo(np.int32).min).to_numpy()  # undated: before every span
    firsts, lasts = np.array([m[0] for m in merged]), np.array([m[1] for m in merged])
    at = np.searchsorted(firsts, days, side="right") - 1  # the last span starting on or before each date
    return pa.array((at >= 0) & (days <= lasts[np.maximum(at, 0)]))


_EPOCH = date(1970, 1, 1)


def _sweep_date(r: Report) -> date | None:
    """The date of a report dated to the day or week (the only ones the sweep links by date), else None."""
    return r.date if r.date is not None and PRECISION_RANK[r.precision] <= 1 else None


def _by_specific_and_date(swept: list[tuple[date, Report]], ctx) -> dict[tuple, tuple[list[date], list[Report]]]:
    """Specific key -> (dates, reports) of ``swept`` (date, report) that have it, in date order."""
    out: dict[tuple, tuple[list[date], list[Report]]] = {}
    for d, r in sorted(swept, key=lambda dr: dr[0]):
        for key in _specifics(r, ctx):
            dates, held = out.setdefault(key, ([], []))
            dates.append(d)
            held.append(r)
    return out


def _relink(stored: pa.Table, touched: pa.Array, ctx, *, add: Sequence[dict] = (), drop: AbstractSet[str] = frozenset()) -> pa.Table:
    """``stored`` with the clusters ``touched`` linked again from their reports, less those
    of the articles ``drop``, plus the reports ``add``; every other row as stored."""
    in_touched = pc.fill_null(pc.is_in(stored["cluster_id"], value_set=touched), False)
    relinked = link_table(pa.concat_tables([without_articles(stored.filter(in_touched), drop), schema.to_table("events", list(add))]), ctx)
    return _in_cluster_order(pa.concat_tables([stored.filter(pc.invert(in_touched)), relinked]))


def _in_cluster_order(table: pa.Table) -> pa.Table:
    """Rows in the order link_across_articles gives: by cluster date (undated last), cluster, article."""
    keys = [("cluster_date", "ascending", "at_end"), ("cluster_id", "ascending", "at_end"), ("article_id", "ascending", "at_end")]
    return table.take(pc.sort_indices(table, sort_keys=keys))


def _cluster_fields(ids, reps, ctx, types, places: Gazetteer, known) -> dict:
    reg = ctx.registry
    k = known.get(reps[0].known) if reps[0].known else None
    dated = [r for r in reps if r.date is not None]
    if k is not None:
        d0 = d1 = k.date
        precision = "day"
    elif dated:
        best = min(dated, key=lambda r: (PRECISION_RANK[r.precision], ((r.date_end or r.date) - r.date).days))
        d0, d1, precision = best.date, best.date_end or best.date, best.precision
    else:
        d0 = d1 = None
        precision = "undated"
    place_id = (k.place if k and k.place in places.places else None) or places.most_specific([r.place for r in reps if r.place])
    place = places.places.get(place_id) if place_id else None
    if k is not None:
        ctype = k.type
    else:
        ranked = sorted(reps, key=lambda r: ("killing", "strike", "operation", "attack").index(r.type) if r.type in ("killing", "strike", "operation", "attack") else 9)
        ctype = ranked[0].type
    source = (k.source_actor if k else None) or next((r.source for r in reps if r.source), None)
    target = (k.target_actor if k else None) or next((r.target for r in reps if r.target), None)
    killed = max((r.killed for r in reps if r.killed is not None), default=None)
    injured = max((r.injured for r in reps if r.injured is not None), default=None)
    title = k.name if k else _title(ctype, source, target, place, types, reg)
    # Named by its first report (article, sentence, report in the sentence), which is in no
    # other event. The article id's first three characters ("u_3" for every added article)
    # and the sentence alone gave 566 pairs of events at 10,000 articles one id.
    report = min(ids)[2].replace(":", "-")
    cid = k.id if k else f"{d0:%Y-%m-%d}-{ctype}-{report}" if d0 else f"undated-{ctype}-{report}"
    return {
        "cluster_id": cid,
        "cluster_title": title,
        "cluster_type": ctype,
        "cluster_date": d0,
        "cluster_date_end": d1,
        "cluster_precision": precision,
        "cluster_source_actor": source,
        "cluster_target_actor": target,
        "cluster_place_id": place_id,
        "cluster_place": place.name if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "cluster_killed": killed,
        "cluster_injured": injured,
        "n_sources": len({r.article_id for r in reps}),
    }


def _title(ctype, source, target, place, types, reg) -> str:
    name = lambda a: reg.actors[a].name if a in reg.actors else a  # noqa: E731
    label = types[ctype].label if ctype in types else ctype
    if ctype in ("meeting", "agreement"):
        who = " and ".join(name(a) for a in (source, target) if a)
        head = f"{label}: {who}" if who else label
    else:
        head = label + (f" by {name(source)}" if source else "") + (f" on {name(target)}" if target else "")
    # "Attack by Hamas on Israel", not "…on Israel, Israel": a place already named as an actor is not repeated
    return head + (f", {place.name}" if place and place.name not in (name(source), name(target)) else "")
