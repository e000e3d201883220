"""Raw article text -> clean text, metadata read from the text, and an offset map.

Rules are general (see data/boilerplate.yaml): page furniture is recognised by
the families it belongs to, the leading section label and site slogan by their
shape, and glued words by word frequencies.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

from lib import yamlfile
from lib.offsets import OffsetMap, TextBuilder
from lib.paths import DATA_DIR
from lib.vocab import TOKEN_RE, Vocabulary

LONG_PARAGRAPH_WORDS = 25
MAX_TOKEN_TO_SPLIT = 30


@dataclass
class CleanText:
    text: str
    offsets: OffsetMap
    title: str | None = None
    found: dict = field(default_factory=dict)  # metadata stated in the text
    removed: list[tuple[str, str]] = field(default_factory=list)  # (kind, line)
    repairs: list[tuple[str, str]] = field(default_factory=list)  # (glued, repaired)
    oov_before: int = 0  # out-of-vocabulary tokens in the raw file
    oov_after: int = 0  # ... and in the clean text


@dataclass(frozen=True)
class Boilerplate:
    line_patterns: tuple[tuple[str, re.Pattern], ...]
    metadata: dict[str, re.Pattern]
    lead_ins: tuple[re.Pattern, ...]
    # All line patterns as one: most lines are article text, and one regex says
    # no pattern matches faster than each pattern in turn. None: ask each.
    any_line_pattern: re.Pattern | None = None


@lru_cache(maxsize=4)
def load_boilerplate(path: str | None = None) -> Boilerplate:
    spec = yamlfile.load_file(path or DATA_DIR / "boilerplate.yaml")
    lines = tuple(
        (kind, re.compile(p, re.IGNORECASE))
        for kind, pats in spec["line_patterns"].items()
        for p in pats
    )
    meta = {k: re.compile(p, re.IGNORECASE) for k, p in spec["metadata_patterns"].items()}
    # Byline names must start with a capital: keep that pattern case-sensitive after "By".
    meta["byline"] = re.compile(spec["metadata_patterns"]["byline"].replace("^by", "^(?i:by)"))
    lead = tuple(re.compile(p) for p in spec["lead_in_patterns"])
    return Boilerplate(lines, meta, lead, _any_of([p for _, p in lines]))


def _any_of(patterns: list[re.Pattern]) -> re.Pattern | None:
    """One pattern that matches where any of ``patterns`` does, or None when
    joining them could change their meaning (numbered backreferences) or fails."""
    if not patterns or any(re.search(r"\\[1-9]", p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.IGNORECASE)
    except re.error:
        return None


def _words(line: str, up_to: int) -> int:
    """How many words ``line`` has, counted up to ``up_to`` (enough to compare with it:
    a long paragraph is not split into all its words)."""
    return len(line.split(None, up_to - 1))


def _is_slogan(line: str) -> bool:
    """A site tagline: short, a sentence, and no proper noun after its first word."""
    words = line.split()
    return (
        1 < len(words) <= 8
        and line.rstrip().endswith((".", "!"))
        and not any(w[:1].isupper() for w in words[1:])
        and not any(ch.isdigit() for ch in line)
    )


def _is_section_label(line: str) -> bool:
    words = line.split()
    return len(words) <= 2 and not re.search(r"[.!?:,\"“”]$", line.strip()) and line[:1].isupper()


def _classify(lines: list[tuple[int, str]], bp: Boilerplate) -> tuple[list[str | None], dict]:
    """Label each line: None for article text, else the kind of debris or metadata."""
    labels: list[str | None] = [None] * len(lines)
    found: dict = {}
    for i, (_, line) in enumerate(lines):
        s = line.strip()
        if not s:
            labels[i] = "blank"
            continue
        for kind, pat in bp.metadata.items():
            m = pat.match(s)
            if m:
                labels[i] = f"metadata:{kind}"
                for k, v in m.groupdict().items():
                    if v and k not in found:
                        found[k] = v.strip()
                break
        if labels[i] or (bp.any_line_pattern is not None and not bp.any_line_pattern.match(s)):
            continue
        for kind, pat in bp.line_patterns:
            if pat.match(s):
                labels[i] = kind
                break
    # Repeated lines (photo captions printed twice, menus) keep their first copy.
    seen = set()
    for i, (_, line) in enumerate(lines):
        s = line.strip()
        if labels[i] is None:
            if s in seen and _words(s, 4) > 3:
                labels[i] = "duplicate"
            seen.add(s)
    # Leading furniture: before the first real paragraph, a section label or a site
    # slogan that precedes another short line (the headline).
    content = [i for i, lab in enumerate(labels) if lab is None]
    lead = []
    for i in content:
        if _words(lines[i][1], LONG_PARAGRAPH_WORDS) >= LONG_PARAGRAPH_WORDS:
            break
        lead.append(i)
    for pos, i in enumerate(lead[:-1]):
        s = lines[i][1].strip()
        if pos == 0 and _is_slogan(s):
            labels[i] = "tagline"
        elif _is_section_label(s):
            labels[i] = "section_label"
        else:
            break
    return labels, found


def clean(raw: str, vocab: Vocabulary, boilerplate: Boilerplate | None = None) -> CleanText:
    bp = boilerplate or load_boilerplate()
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        lines.append((pos, body))
        pos += len(line)
    labels, found = _classify(lines, bp)
    # No token crosses a line break: the raw file's tokens are its lines' tokens,
    # read once here for the counts and again only for a paragraph that changes.
    line_tokens = [TOKEN_RE.findall(line) for _, line in lines]
    raw_tokens = list(chain.from_iterable(line_tokens))
    unknown = vocab.unknown(set(raw_tokens))
    unknown_counts = _counts_of(unknown, raw_tokens)
    glued = _glued_words(unknown_counts, vocab)
    # A paragraph is a stripped part of a line, so its glued punctuation is the raw file's.
    punct_glue = _has_punct_glue(raw)
    clean_tokens: list[str] = []  # the clean text's tokens, gathered paragraph by paragraph
    tokens_reread = False  # has any paragraph tokens other than its line's?

    out = TextBuilder()
    removed: list[tuple[str, str]] = []
    repairs: list[tuple[str, str]] = []
    title = None
    for (start, line), label, tokens in zip(lines, labels, line_tokens):
        if label is not None:
            if label != "blank":
                removed.append((label, line.strip()))
            continue
        lstripped = len(line) - len(line.lstrip())
        body = line.strip()
        offset = start + lstripped
        for pat in bp.lead_ins:
            m = pat.match(body)
            if m:
                found.setdefault("outlet", m.group("outlet").strip())
                removed.append(("lead_in", m.group(0)))
                offset += m.end()
                body = body[m.end():]
                tokens = TOKEN_RE.findall(body)
                tokens_reread = True
                break
        if title is None and _words(body, LONG_PARAGRAPH_WORDS) < LONG_PARAGRAPH_WORDS:
            title = body
        if len(out):
            out.insert("\n")
        if (glued and not glued.keys().isdisjoint(tokens)) or (punct_glue and _has_punct_glue(body)):
            _copy_repairing(body, offset, out, glued, repairs, clean_tokens)
            tokens_reread = True
        else:  # most paragraphs: nothing to repair
            out.copy(body, offset)
            clean_tokens += tokens
    # Paragraphs are joined by newlines, which no token crosses: the clean text's
    # tokens are the paragraphs' tokens, so nothing is tokenized twice.
    # Tokens all from the lines are some of the raw file's: their unknown words are among its.
    unknown_after = vocab.unknown(set(clean_tokens)) if tokens_reread else unknown
    return CleanText(out.text(), out.map, title, found, removed, repairs,
                     oov_before=sum(unknown_counts.values()), oov_after=sum(_counts_of(unknown_after, clean_tokens).values()))


FEW_WORDS = 8


def _counts_of(words: set[str], tokens: list[str]) -> dict[str, int]:
    """How often each of ``words`` occurs in ``tokens``."""
    if len(words) <= FEW_WORDS:  # the usual handful of unknown words: counting each beats counting every token
        return {w: tokens.count(w) for w in words}
    counts = Counter(tokens)
    return {w: counts[w] for w in words}


def _glued_words(unknown_counts: dict[str, int], vocab: Vocabulary) -> dict[str, list[str]]:
    """The article's tokens that split into words, with their pieces. Only an unknown
    token can split, and the same way wherever it stands (``repeated`` is per article)."""
    glued = {}
    for token, n in unknown_counts.items():
        if len(token) > MAX_TOKEN_TO_SPLIT:
            continue
        pieces = vocab.split_glued(token, repeated=n > 1)
        if pieces:
            glued[token] = pieces
    return glued


# Punctuation that lost the space after it: "2023,citing", "factions.Israel", "fronts,”including".
# Each branch starts with its punctuation mark (the lookbehinds come after it) so
# the regex engine can skip ahead to the next . , or ” instead of trying every position.
PUNCT_GLUE_BRANCHES = (r"\.(?<=[a-z]{2}\.)(?=[A-Z][a-z])", r",(?<=[A-Za-z0-9],)(?=[A-Za-z])", r"”(?=[A-Za-z])")
PUNCT_GLUE = f"(?P<punct>{'|'.join(PUNCT_GLUE_BRANCHES)})"
TOKEN_OR_PUNCT = re.compile(f"(?P<token>{TOKEN_RE.pattern})|{PUNCT_GLUE}")
PUNCT_GLUE_RE = re.compile(PUNCT_GLUE)
# The branches one by one: a search for a pattern that starts with one literal
# character is several times faster than for one that starts with a choice of three.
PUNCT_GLUE_BRANCH_RES = tuple(re.compile(b) for b in PUNCT_GLUE_BRANCHES)


def _has_punct_glue(text: str) -> bool:
    """``PUNCT_GLUE_RE.search(text) is not None``, faster."""
    return any(p.search(text) for p in PUNCT_GLUE_BRANCH_RES)


def _copy_repairing(
    body: str, raw_start: int, out: TextBuilder, glued: dict[str, list[str]], repairs: list, clean_tokens: list[str],
) -> None:
    """Copy a paragraph, inserting the spaces that scraping lost; add the
    copied paragraph's tokens to ``clean_tokens``."""
    para_start = len(out)
    cursor = 0
    for m in TOKEN_OR_PUNCT.finditer(body):
        if m.group("punct"):
            out.copy(body[cursor:m.end()], raw_start + cursor)
            out.insert(" ")
            cursor = m.end()
            continue
        token = m.group()
        pieces = glued.get(token)
        if not pieces:
            continue
        out.copy(body[cursor:m.start()], raw_start + cursor)
        at = m.start()
        for k, piece in enumerate(pieces):
            if k:
                out.insert(" ")
            out.copy(piece, raw_start + at)
            at += len(piece)
        cursor = m.end()
        repairs.append((token, " ".join(pieces)))
    out.copy(body[cursor:], raw_start + cursor)
    clean_tokens += TOKEN_RE.findall(out.text()[para_start:])
