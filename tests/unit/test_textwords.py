"""lib/textwords.py: the words a text holds, and the words a regex needs.

A requirement may say "maybe" too often (that only costs time) but never
"no" where the regex matches (that would change the extracted rows)."""
import re

import pytest

from lib import events, figures, periods
from lib.textwords import WordIndex, WordRequirement, Words, article_memo, one_article, words_of


def sets(pattern, flags=0):
    r = WordRequirement.of(pattern, flags)
    return None if r.sets is None else sorted(sorted(w.decode() for w in s) for s in r.sets)


def test_words_are_ascii_letter_and_digit_runs_lowered():
    w = Words("The “drone attack” on U.S. forces_x at 10:30, Qasef-2K’s")
    assert sorted(w.tokens) == [b"10", b"2k", b"30", b"at", b"attack", b"drone", b"forces", b"on", b"qasef", b"s", b"the", b"u", b"x"]
    assert (w.digits, w.plain) == (True, True)
    assert (Words("no digits here").digits, Words("no digits here").may_hold_digit()) == (False, False)


@pytest.mark.parametrize("text", ["ſeven attacks", "\u212aILLED", "Iraq ٣ times", "İran"])
def test_a_text_with_a_lookalike_letter_or_a_foreign_digit_is_not_plain(text):
    # re.IGNORECASE matches ſ with s, K (Kelvin) with k, ı and İ with i; \d matches ٣.
    w = Words(text)
    assert not w.plain
    assert WordRequirement.of(r"\bseven\b", re.I).may_match(w) and w.may_hold_digit()


def test_requirements_read_from_the_regex():
    assert sets(r"\b(?:(?:drone |rocket )?attack)\b", re.I) == [["attack"]]
    assert sets(r"\b(?:met with)\b") == [["met", "with"]]
    assert sets(r"\b(?:withdr[ae]w(?:al|n)?)\b") == [["withdraw"], ["withdrawal"], ["withdrawn"], ["withdrew"], ["withdrewal"], ["withdrewn"]]
    assert sets(r"\b(?:was|were) in\b") == [["in", "was"], ["in", "were"]]
    # Look-arounds only narrow the matches; a class or an open repeat is not spelled out.
    assert sets(r"\bassassinat(?:ion(?!s)|ed)\b") == [["assassinated"], ["assassination"]]
    assert sets(r"\bQasef[\w-]*\b") is None
    assert sets(r"\b(?P<n>days|hours)\s+before\s+(?P<noun>[a-z]+)") == [["before", "days"], ["before", "hours"]]
    # Without \b a match's first or last word may be part of a longer one ("counterattack").
    assert sets(r"attack") is None
    assert sets(r"(?:drone )?attack\b") is None


def test_a_requirement_says_no_only_when_the_words_are_missing():
    needs = WordRequirement.of(r"\b(?:the following day|the next day)\b", re.I)
    assert needs.may_match(words_of("The next day, rockets hit the base."))
    assert not needs.may_match(words_of("The next one, and the one after."))  # no "day"
    assert needs.may_match(words_of("the day, and the next one"))  # all its words, if not in order: maybe (the regex decides)


def test_an_index_names_the_requirements_a_text_may_meet():
    index = WordIndex({"a": WordRequirement.of(r"\battack\b"), "b": WordRequirement.of(r"\bmet with\b"), "c": WordRequirement(None)})
    assert index.possible(words_of("They met with him before the attack.")) == {"a", "b", "c"}
    assert index.possible(words_of("Nothing here.")) == {"c"}
    assert index.possible(words_of("ſomething")) == {"a", "b", "c"}


PATTERNS = [
    (p.pattern, p.flags)
    for p in (
        events.NEXT_DAY_RE, events.DAYS_BEFORE_RE, events.THERE_RE, *(w for _, w in events.WEAPONS),
        figures.ACCORDING_RE, figures.REPORT_BY_RE, figures.REPORT_VERB_RE, figures.SENTENCE_UNIT_RE,
        periods.LAST_MONTH_RE, periods.LAST_YEAR_RE, periods.YESTERDAY_RE, periods.LAST_WEEK_RE, periods.WEEKDAY_PHRASE_RE,
    )
] + [(rf"\b(?:{src})\b", re.I) for t in events.load_event_types().values() for src in t.sources]


def test_no_requirement_rejects_a_sentence_its_regex_matches(processed):
    sentences = [s["text"] for rows in processed.values() for s in rows["sentences"]]
    sentences += ["The following day, a drone struck there.", "Days before the talks, hours before the vote", "Last month and this year"]
    checked = 0
    for pattern, flags in PATTERNS:
        needs, regex = WordRequirement.of(pattern, flags), re.compile(pattern, flags)
        for s in sentences:
            if regex.search(s):
                checked += 1
                assert needs.may_match(words_of(s)), (pattern, s)
    assert checked > 100


def test_article_memos_live_for_one_article_only():
    assert article_memo("words") is None  # outside an article: nothing is kept
    assert words_of("Rockets hit the base.") is not words_of("Rockets hit the base.")
    with one_article():
        memo = article_memo("words")
        assert memo == {} and article_memo("words") is memo
        first = words_of("Rockets hit the base.")
        assert words_of("Rockets hit the base.") is first  # worked out once in the article
        assert list(memo) == ["Rockets hit the base."] and sorted(first.tokens) == [b"base", b"hit", b"rockets", b"the"]
        with one_article():  # a nested article starts empty and leaves the outer one as it was
            assert article_memo("words") == {}
            assert words_of("Rockets hit the base.") is not first
        assert article_memo("words") is memo
    assert article_memo("words") is None
    with one_article():
        assert article_memo("words") == {}  # the next article starts afresh


def test_dates_are_read_once_per_article_and_equal_outside_one():
    from datetime import date

    ref = date(2024, 2, 5)
    outside = periods.find_periods("Rockets hit the base on January 28.", ref)
    assert [(p.start, p.end, p.text) for p in outside] == [(date(2024, 1, 28), date(2024, 1, 28), "on January 28")]
    with one_article():
        found = periods.find_periods("Rockets hit the base on January 28.", ref)
        assert found == outside and found is not outside  # a fresh list each time: callers may change it
        assert list(article_memo("periods")) == [("Rockets hit the base on January 28.", ref)]
