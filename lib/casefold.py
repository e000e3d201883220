"""Case-insensitive matching without re.IGNORECASE, for cheap prefilters.

re.IGNORECASE makes every character comparison slow. Lowering the text once
and matching a case-sensitive pattern is several times faster and finds the
same spans, provided the pattern is ASCII without capitals: its letters can
then only be matched by ASCII letters or by the four non-ASCII letters that
re.IGNORECASE equates with ASCII ones (İ ı ſ K), and ``fold`` maps those the
same way. Folding keeps the length, so offsets in the folded text are offsets
in the original.
"""
from __future__ import annotations

import re

# str.lower() turns "İ" into two characters and leaves "ı" and "ſ": fold those by table.
_FOLD_TABLE = str.maketrans({**{chr(c): chr(c + 32) for c in range(65, 91)}, "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def fold(text: str) -> str:
    """``text`` lowered for matching lowercase ASCII patterns, same length and offsets."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        return text.translate(_FOLD_TABLE)
    return text.lower()  # no other character lowers to ASCII or changes its \\w, \\s, \\d class


def foldable(pattern: str) -> bool:
    """True when ``pattern`` on folded text matches what it matches with re.IGNORECASE on the original."""
    return pattern.isascii() and pattern == pattern.lower()


class AnyPattern:
    """Does a text hold a match of any of several case-insensitive patterns?"""

    def __init__(self, patterns: list[str]):
        joined = "|".join(f"(?:{p})" for p in patterns) or r"(?!)"
        self.folded = all(foldable(p) for p in patterns)
        self.pattern = re.compile(joined) if self.folded else re.compile(joined, re.I)

    def search(self, text: str, folded: str | None = None) -> bool:
        """``folded`` is ``fold(text)`` when the caller has it already."""
        if not self.folded:
            return self.pattern.search(text) is not None
        return self.pattern.search(fold(text) if folded is None else folded) is not None
