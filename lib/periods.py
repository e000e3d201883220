"""Time expressions resolved against an article's date.

"in August" (the most recent August up to the article), "since October",
"since early November", "last week", "last month", "last year", "yesterday",
"on January 28", "Friday's", "In
November 2024", "October 4, 2024", "last October", "in 2020", and named
anchors from data/anchors.yaml ("since the start of the war between Hamas and
Israel" -> 2023-10-07).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import yaml

from lib.casefold import fold
from lib.paths import DATA_DIR

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
MONTH_RE = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
WEEKDAY_RE = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Every month name and abbreviation starts with one of these (folded, lib/casefold.py).
MONTH_PREFIXES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SINCE_MONTH_RE = re.compile(rf"\bsince (early |late |mid-?)?{MONTH_RE}(?:,? (\d{{4}}))?", re.I)
MONTH_DAY_YEAR_RE = re.compile(rf"\b{MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b")
MONTH_DAY_RE = re.compile(rf"\b(?:on |last )?{MONTH_RE} (\d{{1,2}})(?:st|nd|rd|th)?\b(?!,? \d{{4}})")
MONTH_YEAR_RE = re.compile(rf"\b(?:in |of |during )?{MONTH_RE},? (\d{{4}})\b")
WORD_MONTH_RE = re.compile(rf"\b(in|last|this|during|of|by|mid-?|early|late) {MONTH_RE}\b", re.I)
MONTH_PAIR_RE = re.compile(rf"\b(?:in|during|of|by) {MONTH_RE} and {MONTH_RE}\b(?!,? \d{{4}})")
LAST_MONTH_RE = re.compile(r"\b(?:just )?(last|this) month\b", re.I)
LAST_YEAR_RE = re.compile(r"\b(last|this) year\b", re.I)
YESTERDAY_RE = re.compile(r"\byesterday\b", re.I)
LAST_WEEK_RE = re.compile(r"\blast week\b", re.I)
WEEKDAY_PHRASE_RE = re.compile(rf"\b(?:on |last )?{WEEKDAY_RE}(?:'s|’s)?\b")
IN_YEAR_RE = re.compile(r"\b(?:in|since|during) (\d{4})\b")


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    granularity: str  # day | month | year | cumulative | week
    text: str
    span: tuple[int, int]
    partial: bool = False


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def latest_month(month: int, ref: date, inclusive: bool = True) -> int:
    """Year of the most recent ``month`` on or before ``ref``."""
    if month < ref.month or (inclusive and month == ref.month):
        return ref.year
    return ref.year - 1


def latest_day(month: int, day: int, ref: date) -> date | None:
    """The most recent ``month``/``day`` on or before ``ref``; None if no such day."""
    for year in (ref.year, ref.year - 1, ref.year - 2, ref.year - 3, ref.year - 4):
        if day <= calendar.monthrange(year, month)[1]:
            d = date(year, month, day)
            if d <= ref:
                return d
    return None


@lru_cache(maxsize=2)
def anchors() -> list[tuple[re.Pattern, date, str]]:
    path = DATA_DIR / "anchors.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {"anchors": []}
    out = []
    for a in spec["anchors"]:
        pat = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in a["phrases"])
        out.append((re.compile(rf"\bsince (?:the (?:start|beginning|outbreak) of )?(?:the )?(?:{pat})", re.I), date.fromisoformat(str(a["date"])), a["name"]))
    return out


def _month_period(y: int, m: int, ref: date, text: str, span) -> Period:
    end = month_end(y, m)
    partial = ref is not None and ref < end and (ref.year, ref.month) == (y, m)
    return Period(date(y, m, 1), min(end, ref) if partial else end, "month", text, span, partial)


def find_periods(sentence: str, ref: date | None) -> list[Period]:
    """Every time expression in ``sentence``, resolved against ``ref``."""
    if ref is None:
        return []
    out: list[Period] = []
    # Each group of patterns below needs a word that is usually absent: test
    # for it first (a necessary condition, so skipping changes nothing).
    folded = fold(sentence)
    has_since = "since" in folded
    has_month = any(p in folded for p in MONTH_PREFIXES)

    def add(p: Period):
        if not any(q.span[0] < p.span[1] and p.span[0] < q.span[1] for q in out):
            out.append(p)

    for pat, d, name in anchors() if has_since else ():
        for m in pat.finditer(sentence):
            add(Period(d, ref, "cumulative", m.group(), m.span()))
    for m in SINCE_MONTH_RE.finditer(sentence) if has_since and has_month else ():
        mon = MONTHS[m.group(2).lower().rstrip(".")]
        y = int(m.group(3)) if m.group(3) else latest_month(mon, ref)
        start = date(y, mon, 1)
        if (y, mon) == (ref.year, ref.month):
            add(Period(start, ref, "month", m.group(), m.span(), partial=True))
        else:
            add(Period(start, ref, "cumulative", m.group(), m.span()))
    for m in MONTH_DAY_YEAR_RE.finditer(sentence) if has_month else ():
        try:
            d = date(int(m.group(3)), MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)))
        except ValueError:  # "June 31, 2024" is not a date
            continue
        add(Period(d, d, "day", m.group(), m.span()))
    for m in MONTH_DAY_RE.finditer(sentence) if has_month else ():
        d = latest_day(MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)), ref)
        if d is not None:
            add(Period(d, d, "day", m.group(), m.span()))
    for m in MONTH_YEAR_RE.finditer(sentence) if has_month else ():
        add(_month_period(int(m.group(2)), MONTHS[m.group(1).lower().rstrip(".")], ref, m.group(), m.span()))
    for m in WORD_MONTH_RE.finditer(sentence) if has_month else ():
        if not m.group(2)[0].isupper():
            continue
        mon = MONTHS[m.group(2).lower().rstrip(".")]
        word = m.group(1).lower()
        y = latest_month(mon, ref, inclusive=word != "last")
        add(_month_period(y, mon, ref, m.group(), m.span()))
    # "in April and October": the second month of a pair stands on its own.
    for m in MONTH_PAIR_RE.finditer(sentence) if has_month else ():
        mon = MONTHS[m.group(2).lower().rstrip(".")]
        add(_month_period(latest_month(mon, ref), mon, ref, sentence[m.start(2):m.end()], (m.start(2), m.end())))
    for m in LAST_MONTH_RE.finditer(sentence) if "month" in folded else ():
        first = date(ref.year, ref.month, 1)
        if m.group(1).lower() == "last":
            prev = first - timedelta(days=1)
            add(_month_period(prev.year, prev.month, ref, m.group(), m.span()))
        else:
            add(_month_period(ref.year, ref.month, ref, m.group(), m.span()))
    for m in LAST_YEAR_RE.finditer(sentence) if "year" in folded else ():
        y = ref.year - 1 if m.group(1).lower() == "last" else ref.year
        add(Period(date(y, 1, 1), min(date(y, 12, 31), ref), "year", m.group(), m.span()))
    for m in YESTERDAY_RE.finditer(sentence) if "yesterday" in folded else ():
        d = ref - timedelta(days=1)
        add(Period(d, d, "day", m.group(), m.span()))
    for m in LAST_WEEK_RE.finditer(sentence) if "last week" in folded else ():
        this_monday = ref - timedelta(days=ref.weekday())
        add(Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1), "week", m.group(), m.span()))
    for m in WEEKDAY_PHRASE_RE.finditer(sentence) if "day" in sentence else ():
        wd = WEEKDAYS[m.group(1).lower()]
        back = (ref.weekday() - wd) % 7 or 7
        d = ref - timedelta(days=back)
        add(Period(d, d, "day", m.group(), m.span()))
    for m in IN_YEAR_RE.finditer(sentence):
        y = int(m.group(1))
        if 1900 < y <= ref.year:
            if m.group().lower().startswith("since"):
                add(Period(date(y, 1, 1), ref, "cumulative", m.group(), m.span()))
            else:
                add(Period(date(y, 1, 1), min(date(y, 12, 31), ref), "year", m.group(), m.span()))
    return sorted(out, key=lambda p: p.span)
