"""The curated dictionaries (actors, outlets) and the alias matcher.

Matching works on normalised tokens: case, apostrophes, hyphens and
possessives are folded ("Kata'ib" = "Kataib", "Al-Sudani's" = "al Sudani"),
genuine spelling variants are aliases in data/actors.yaml. Acronyms (all
capitals, up to five letters) match only in capitals so "US" never matches
"us"; a one-word proper-noun alias must be capitalised in the text.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import accumulate, compress, count
from pathlib import Path

from lib import yamlfile
from lib.paths import DATA_DIR

# A token: an acronym with dots ("U.S."), else letters and digits with any apostrophe
# parts ("Kata'ib"): ``(?:[A-Za-z]\.){2,}|[A-Za-z0-9]+(?:['’ʼ`][A-Za-z]+)*`` written to
# start with its first character, so the regex engine skips to the next letter or
# digit instead of trying every position, and with possessive quantifiers where
# giving characters back can never help (nothing follows them).
TOKEN_RE = re.compile(r"[A-Za-z0-9](?:(?<=[A-Za-z])(?:\.[A-Za-z])+\.|[A-Za-z0-9]*+(?:['’ʼ`][A-Za-z]++)*+)")
TOKEN_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")  # one group: re.split keeps the tokens between the gaps
APOSTROPHES = re.compile(r"['’ʼ`]")
DROP_APOSTROPHES = str.maketrans("", "", "'’ʼ`")
NOT_ALNUM_RE = re.compile(r"[^a-z0-9]")
MAX_ALIAS_TOKENS = 9
# Words that make a role title refer to someone else than the holder.
ROLE_BLOCKERS = {"former", "ex", "late", "then", "previous", "next", "future", "deputy", "acting", "new"}


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    type: str
    camp: str
    parents: tuple[tuple[str, str], ...] = ()
    aliases: tuple[str, ...] = ()
    roles: tuple[dict, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Token:
    norm: str
    text: str
    start: int
    end: int


class Tokens:
    """The tokens of a text as parallel lists; Token objects are made on demand
    (matching looks at every normalised form but builds few tokens)."""

    __slots__ = ("norms", "texts", "starts")

    def __init__(self, text: str | None):
        if text is None:  # filled by window()
            return
        # Splitting on the token pattern gives [gap, token, gap, ..., token, gap]: the running
        # sum of their lengths gives every token's start without a match object per token.
        parts = TOKEN_SPLIT_RE.split(text)
        self.texts = parts[1::2]
        self.starts = list(accumulate(map(len, parts)))[0:-1:2]
        self.norms = list(map(str.lower, self.texts))
        # Only tokens with a dot or an apostrophe need more than lowering: a few,
        # found by list searches (in C) rather than a Python loop over every token.
        alnum = list(map(str.isalnum, self.texts))
        i = -1
        for _ in range(alnum.count(False)):
            i = alnum.index(False, i + 1)
            t = self.texts[i]
            if "." in t:  # U.S. -> US
                self.norms[i] = t.replace(".", "").lower()
                continue
            norm = t.translate(DROP_APOSTROPHES).lower()
            if norm.endswith("s") and t[-2] in "'’ʼ`":
                norm = norm[:-1]  # possessive: Sudani's -> sudani
                self.texts[i] = t[:-2]
            self.norms[i] = norm

    def __len__(self) -> int:
        return len(self.norms)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        t = self.texts[i]
        return Token(self.norms[i], t, self.starts[i], self.starts[i] + len(t))

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.texts[i])

    def window(self, start: int, end: int) -> "Tokens":
        """The tokens of ``text[start:end]``, offsets relative to ``start``. Equal to
        ``tokenize(text[start:end])`` when no token crosses ``start`` or ``end``
        (true of sentence spans: whitespace or a text edge lies on both sides)."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        out = Tokens(None)
        out.norms, out.texts = self.norms[lo:hi], self.texts[lo:hi]
        out.starts = [s - start for s in self.starts[lo:hi]]
        return out


_last_tokens: tuple[str, Tokens] | None = None


def tokenize(text: str) -> Tokens:
    """Tokens of ``text``. The last text's tokens are kept: the pipeline
    tokenizes an article once for mentions and again for places in events."""
    global _last_tokens
    last = _last_tokens
    if last is not None and last[0] == text:
        return last[1]
    toks = Tokens(text)
    _last_tokens = (text, toks)
    return toks


@dataclass
class AliasEntry:
    target: str  # actor id, or "role:<title>"
    alias: str
    acronym: bool
    proper: bool  # one capitalised word: must be capitalised in the text
    # Worked out once, not at every match: an acronym as the text must spell it
    # once dots are dropped ("U.S." and "US" -> "US"), and how a match was made.
    bare: str = field(init=False, repr=False, compare=False)
    method: str = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.bare = self.alias.replace(".", "").replace(" ", "")
        self.method = "role" if self.target.startswith("role:") else ("acronym" if self.acronym else "alias")


@dataclass(slots=True)
class Match:
    target: str
    surface: str
    start: int
    end: int
    method: str
    first_token: int
    last_token: int


class AliasMatcher:
    """Finds registry aliases in text by longest match over normalised tokens."""

    def __init__(self, entries: list[AliasEntry]):
        # A trie over normalised tokens: each node is {token: child}, and the
        # entries ending at a node sit under the key None.
        self.trie: dict = {}
        for e in entries:
            key = [t.norm for t in tokenize(e.alias)]
            if not key or len(key) > MAX_ALIAS_TOKENS:
                continue
            node = self.trie
            for tok in key:
                node = node.setdefault(tok, {})
            node.setdefault(None, []).append(e)

    def find(self, text: str, tokens: Tokens | None = None) -> list[Match]:
        toks = tokens if tokens is not None else Tokens(text)  # not tokenize(): keep its one-article cache
        # Work on the parallel lists: building a Token per step was most of the cost.
        norms, texts, starts = toks.norms, toks.texts, toks.starts
        out: list[Match] = []
        n = len(norms)
        trie = self.trie
        i = 0  # the first token not yet inside a match
        # Only tokens that begin some alias can start a match: find them in one pass.
        for first in compress(count(), map(trie.__contains__, norms)):
            if first < i:
                continue
            node = trie[norms[first]]
            hit = None
            j = first
            # Walk the trie as far as the tokens go, remembering the longest
            # accepted alias; aliases never cross a sentence or clause break.
            while True:
                entries = node.get(None)
                if entries:
                    for e in entries:
                        # Acronyms match only as spelt (capitals, dots aside); a one-word
                        # proper noun only capitalised. (Inline: this runs for most tokens.)
                        if e.acronym:
                            ok = "".join(texts[first : j + 1]).replace(".", "") == e.bare
                        else:
                            ok = not e.proper or texts[first][:1].isupper()
                        if ok:
                            hit, last = e, j
                            break
                j += 1
                if j >= n:
                    break
                node = node.get(norms[j])
                if node is None:
                    break
                gap = text[starts[j - 1] + len(texts[j - 1]) : starts[j]]
                if gap != " " and _is_break_gap(gap, texts[j - 1], norms[j - 1]):
                    break
            if hit is None:
                continue
            start, end = starts[first], starts[last] + len(texts[last])
            out.append(Match(hit.target, text[start:end], start, end, hit.method, first, last))
            i = last + 1
        return out


NAME_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "st", "lt", "col", "sheikh", "prof"}


BREAK_CHARS = frozenset(".,;:!?()\n\"“”")


def _is_break(text: str, a: Token, b: Token) -> bool:
    return _is_break_gap(text[a.end : b.start], a.text, a.norm)


def _is_break_gap(gap: str, a_text: str, a_norm: str) -> bool:
    """Does ``gap``, the text after the word ``a_text``, break a name?"""
    if gap == " " or not BREAK_CHARS.intersection(gap):
        return False
    stripped = gap.strip()
    if stripped in ("-", "–"):
        return False
    # "Colin P. Clarke", "Mr. Mansour": a full stop after an initial or a title is no break.
    if stripped == "." and (len(a_text) == 1 and a_text.isupper() or a_norm in NAME_ABBREVIATIONS):
        return False
    return True


@dataclass
class Registry:
    actors: dict[str, Actor]
    roles: list[dict]
    type_labels: list[str]
    camp_labels: dict[str, str]
    matcher: AliasMatcher = field(repr=False)

    def holder(self, title: str, on: date | None) -> str | None:
        """The actor who held ``title`` on ``on`` (date-bounded roles)."""
        if on is None:
            return None
        for a in self.actors.values():
            for r in a.roles:
                if r.get("title") != title:
                    continue
                start = _as_date(r.get("start"))
                end = _as_date(r.get("end"))
                if (start is None or start <= on) and (end is None or on < end):
                    return a.id
        return None

    def words(self) -> set[str]:
        """Every token of every alias: the vocabulary of names."""
        words: set[str] = set()
        for a in self.actors.values():
            for alias in (a.name, *a.aliases):
                words.update(t.text for t in tokenize(alias))
        for r in self.roles:
            for alias in r.get("aliases", []):
                words.update(t.text for t in tokenize(alias))
        return words


def _as_date(v) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, date):
        return v
    s = str(v)
    if re.fullmatch(r"\d{4}", s):
        return date(int(s), 1, 1)
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return date(int(s[:4]), int(s[5:]), 1)
    return date.fromisoformat(s[:10])


def _is_acronym(alias: str) -> bool:
    bare = alias.replace(".", "").replace(" ", "")
    return bare.isalpha() and bare.isupper() and len(bare) <= 5


def build_entries(actors: dict[str, Actor], roles: list[dict]) -> list[AliasEntry]:
    entries = []
    for a in actors.values():
        for alias in dict.fromkeys((a.name, *a.aliases)):
            proper = len(tokenize(alias)) == 1 and alias[:1].isupper()
            entries.append(AliasEntry(a.id, alias, _is_acronym(alias), proper))
    for r in roles:
        for alias in r.get("aliases", []):
            entries.append(AliasEntry("role:" + r["title"], alias, False, False))
    return entries


@lru_cache(maxsize=4)
def load_registry(path: str | None = None) -> Registry:
    spec = yamlfile.load_file(path or DATA_DIR / "actors.yaml")
    actors = {}
    for row in spec["actors"]:
        actors[row["id"]] = Actor(
            id=row["id"],
            name=row["name"],
            type=row["type"],
            camp=row["camp"],
            parents=tuple((p["id"], p.get("relation", "affiliated_with")) for p in row.get("parents") or []),
            aliases=tuple(row.get("aliases") or []),
            roles=tuple(row.get("roles") or []),
            description=row.get("description") or "",
        )
    roles = spec.get("roles") or []
    return Registry(actors, roles, spec.get("types", []), spec.get("camps", {}), AliasMatcher(build_entries(actors, roles)))


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    ownership: str
    perspective: str
    basis: str
    url: str | None


@dataclass
class Outlets:
    outlets: dict[str, Outlet]
    perspectives: dict[str, str]
    _by_name: dict | None = field(default=None, repr=False)

    def resolve(self, name: str | None) -> Outlet | None:
        """The outlet a free-text name ("jpost", "Shafaq News Agency") refers to."""
        if not name:
            return None
        if self._by_name is None:
            self._by_name = {}
            for o in self.outlets.values():
                for a in (o.name, *o.aliases):
                    self._by_name.setdefault(_fold(a), o)
        return self._by_name.get(_fold(name))


def _fold(s: str) -> str:
    return NOT_ALNUM_RE.sub("", APOSTROPHES.sub("", s.lower()).removeprefix("the "))


@lru_cache(maxsize=4)
def load_outlets(path: str | None = None) -> Outlets:
    spec = yamlfile.load_file(path or DATA_DIR / "outlets.yaml")
    outlets = {}
    for row in spec["outlets"]:
        outlets[row["id"]] = Outlet(
            id=row["id"],
            name=row["name"],
            aliases=tuple(row.get("aliases") or []),
            country=row.get("country") or "",
            ownership=row.get("ownership") or "",
            perspective=row.get("perspective") or "other",
            basis=row.get("basis") or "",
            url=row.get("url"),
        )
    return Outlets(outlets, spec.get("perspectives", {}))


def dictionary_paths() -> list[Path]:
    return [DATA_DIR / n for n in ("actors.yaml", "outlets.yaml", "boilerplate.yaml")]
