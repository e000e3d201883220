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

from lib import yamlfile
from lib.casefold import fold
from lib.paths import DATA_DIR
from lib.textwords import WordRequirement, Words, article_memo, words_of

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
MONTH_RE = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
WEEKDAY_RE = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# Every month name and abbreviation starts with one of these (folded, lib/casefold.py).
MONTH_PREFIXES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Cheap tests for what the patterns below need (see find_periods). A month
# written with a capital first letter, the rest in any case:
CAPITALISED_MONTH_RE = re.compile("|".join(f"{p[0].upper()}(?i:{p[1:]})" for p in MONTH_PREFIXES))
MONTH_WORDS = frozenset(m.encode("ascii") for m in MONTHS)  # as lib/textwords.py spells words
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
# The words these need (lib/textwords.py).
LAST_MONTH_NEEDS, LAST_YEAR_NEEDS, YESTERDAY_NEEDS, LAST_WEEK_NEEDS, WEEKDAY_NEEDS = (
    WordRequirement.of(p.pattern, p.flags) for p in (LAST_MONTH_RE, LAST_YEAR_RE, YESTERDAY_RE, LAST_WEEK_RE, WEEKDAY_PHRASE_RE)
)


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
        if 1 <= day <= calendar.monthrange(year, month)[1]:  # "January 0" in a text is no date
            d = date(year, month, day)
            if d <= ref:
                return d
    return None


@lru_cache(maxsize=2)
def anchors() -> list[tuple[re.Pattern, date, str]]:
    path = DATA_DIR / "anchors.yaml"
    spec = yamlfile.load_file(path) if path.exists() else {"anchors": []}
    out = []
    for a in spec["anchors"]:
        pat = "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in a["phrases"])
        out.append((re.compile(rf"\bsince (?:the (?:start|beginning|outbreak) of )?(?:the )?(?:{pat})", re.I), date.fromisoformat(str(a["date"])), a["name"]))
    return out


def _month_period(y: int, m: int, ref: date, text: str, span) -> Period:
    end = month_end(y, m)
    partial = ref is not None and ref < end and (ref.year, ref.month) == (y, m)
    return Period(date(y, m, 1), min(end, ref) if partial else end, "month", text, span, partial)


def may_hold_period(words: Words) -> bool:
    """Could a text with these words (lib/textwords.py) hold a time expression?
    If not, no part of it can either: the tests of _find_periods, in one."""
    if not words.plain or words.digits or b"since" in words.tokens or not MONTH_WORDS.isdisjoint(words.tokens):
        return True
    return any(needs.may_match(words) for needs in (LAST_MONTH_NEEDS, LAST_YEAR_NEEDS, YESTERDAY_NEEDS, LAST_WEEK_NEEDS, WEEKDAY_NEEDS))


def find_periods(sentence: str, ref: date | None) -> list[Period]:
    """Every time expression in ``sentence``, resolved against ``ref``."""
    if ref is None:
        return []
    return list(_find_periods(sentence, ref))


def _find_periods(sentence: str, ref: date) -> tuple[Period, ...]:
    # Figures and events both read a sentence's dates, figures the paragraph's
    # again: found once per article (Periods are immutable).
    memo = article_memo("periods")
    if memo is None:
        return _read_periods(sentence, ref)
    key = (sentence, ref)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _read_periods(sentence, ref)
    return found


def _read_periods(sentence: str, ref: date) -> tuple[Period, ...]:
    out: list[Period] = []
    # Each group of patterns below needs words that are usually absent: look
    # them up first (a necessary condition, so skipping changes nothing).
    words = words_of(sentence)
    if not may_hold_period(words):
        return ()
    has_since = not words.plain or b"since" in words.tokens  # all "since ..." patterns begin so
    # The month patterns but "since ..." need a month name written with a capital
    # (WORD_MONTH_RE matches any case but keeps only those), all but the pair a number too.
    first_month = (not words.plain or not MONTH_WORDS.isdisjoint(words.tokens)) and CAPITALISED_MONTH_RE.search(sentence)
    has_capitalised_month = bool(first_month)
    # Those patterns' matches begin at most a few words ("during ") before their
    # month: they are looked for from there (\b still sees the text before).
    month_from = max(0, first_month.start() - len("during ")) if first_month else 0
    has_digit = words.may_hold_digit()

    def add(p: Period):
        if not any(q.span[0] < p.span[1] and p.span[0] < q.span[1] for q in out):
            out.append(p)

    for pat, d, name in anchors() if has_since else ():
        for m in pat.finditer(sentence):
            add(Period(d, ref, "cumulative", m.group(), m.span()))
    for m in SINCE_MONTH_RE.finditer(sentence) if has_since and any(p in fold(sentence) for p in MONTH_PREFIXES) else ():
        mon = MONTHS[m.group(2).lower().rstrip(".")]
        y = int(m.group(3)) if m.group(3) else latest_month(mon, ref)
        start = date(y, mon, 1)
        if (y, mon) == (ref.year, ref.month):
            add(Period(start, ref, "month", m.group(), m.span(), partial=True))
        else:
            add(Period(start, ref, "cumulative", m.group(), m.span()))
    for m in MONTH_DAY_YEAR_RE.finditer(sentence, month_from) if has_capitalised_month and has_digit else ():
        try:
            d = date(int(m.group(3)), MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)))
        except ValueError:  # "June 31, 2024" is not a date
            continue
        add(Period(d, d, "day", m.group(), m.span()))
    for m in MONTH_DAY_RE.finditer(sentence, month_from) if has_capitalised_month and has_digit else ():
        day = latest_day(MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)), ref)
        if day is not None:
            add(Period(day, day, "day", m.group(), m.span()))
    for m in MONTH_YEAR_RE.finditer(sentence, month_from) if has_capitalised_month and has_digit else ():
        add(_month_period(int(m.group(2)), MONTHS[m.group(1).lower().rstrip(".")], ref, m.group(), m.span()))
    # Before month_from it finds only small-letter months, which it skips; and
    # none of its matches begins inside another, so the rest are found alike.
    for m in WORD_MONTH_RE.finditer(sentence, month_from) if has_capitalised_month else ():
        if not m.group(2)[0].isupper():
            continue
        mon = MONTHS[m.group(2).lower().rstrip(".")]
        word = m.group(1).lower()
        y = latest_month(mon, ref, inclusive=word != "last")
        add(_month_period(y, mon, ref, m.group(), m.span()))
    # "in April and October": the second month of a pair stands on its own.
    for m in MONTH_PAIR_RE.finditer(sentence, month_from) if has_capitalised_month and " and " in sentence else ():
        mon = MONTHS[m.group(2).lower().rstrip(".")]
        add(_month_period(latest_month(mon, ref), mon, ref, sentence[m.start(2):m.end()], (m.start(2), m.end())))
    for m in LAST_MONTH_RE.finditer(sentence) if LAST_MONTH_NEEDS.may_match(words) else ():
        first = date(ref.year, ref.month, 1)
        if m.group(1).lower() == "last":
            prev = first - timedelta(days=1)
            add(_month_period(prev.year, prev.month, ref, m.group(), m.span()))
        else:
            add(_month_period(ref.year, ref.month, ref, m.group(), m.span()))
    for m in LAST_YEAR_RE.finditer(sentence) if LAST_YEAR_NEEDS.may_match(words) else ():
        y = ref.year - 1 if m.group(1).lower() == "last" else ref.year
        add(Period(date(y, 1, 1), min(date(y, 12, 31), ref), "year", m.group(), m.span()))
    for m in YESTERDAY_RE.finditer(sentence) if YESTERDAY_NEEDS.may_match(words) else ():
        d = ref - timedelta(days=1)
        add(Period(d, d, "day", m.group(), m.span()))
    for m in LAST_WEEK_RE.finditer(sentence) if LAST_WEEK_NEEDS.may_match(words) else ():
        this_monday = ref - timedelta(days=ref.weekday())
        add(Period(this_monday - timedelta(days=7), this_monday - timedelta(days=1), "week", m.group(), m.span()))
    for m in WEEKDAY_PHRASE_RE.finditer(sentence) if WEEKDAY_NEEDS.may_match(words) else ():
        wd = WEEKDAYS[m.group(1).lower()]
        back = (ref.weekday() - wd) % 7 or 7
        d = ref - timedelta(days=back)
        add(Period(d, d, "day", m.group(), m.span()))
    for m in IN_YEAR_RE.finditer(sentence) if has_digit else ():
        y = int(m.group(1))
        if 1900 < y <= ref.year:
            if m.group().lower().startswith("since"):
                add(Period(date(y, 1, 1), ref, "cumulative", m.group(), m.span()))
            else:
                add(Period(date(y, 1, 1), min(date(y, 12, 31), ref), "year", m.group(), m.span()))
    return tuple(sorted(out, key=lambda p: p.span))
