"""Map positions in cleaned text back to the raw file.

Cleaning drops lines and inserts spaces; evidence must still be highlightable in
the untouched original, so every cleaned text carries the runs it copied.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass
class OffsetMap:
    """Runs of cleaned text copied verbatim from the raw text.

    ``runs`` holds ``(clean_start, raw_start, length)`` sorted by ``clean_start``.
    A cleaned position inside an inserted character maps to the raw position of
    the next copied character, so spans stay inside the original's bounds.
    """

    runs: list[tuple[int, int, int]] = field(default_factory=list)
    _starts: list[int] | None = field(default=None, repr=False, compare=False)

    def to_raw(self, pos: int) -> int:
        if not self.runs:
            return pos
        if self._starts is None or len(self._starts) != len(self.runs):
            self._starts = [r[0] for r in self.runs]
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return self.runs[0][1]
        clean_start, raw_start, length = self.runs[i]
        if pos < clean_start + length:
            return raw_start + (pos - clean_start)
        if i + 1 < len(self.runs):
            return self.runs[i + 1][1]
        return raw_start + length

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Raw span covering the cleaned span ``[start, end)``."""
        if end <= start:
            r = self.to_raw(start)
            return r, r
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def spans_to_raw(self, spans) -> list[tuple[int, int]]:
        """``span_to_raw`` of each of ``spans`` (an article's sentences or mentions),
        the run starts looked up once rather than per position."""
        runs = self.runs
        if not runs:
            return [(s, s) if e <= s else (s, e) for s, e in spans]
        starts = [r[0] for r in runs]
        out = []
        for s, e in spans:
            i = bisect.bisect_right(starts, s) - 1
            if i >= 0:
                clean_start, raw_start, length = runs[i]
                if s < e <= clean_start + length:  # the usual span: inside one copied run
                    shift = raw_start - clean_start
                    out.append((s + shift, e + shift))
                    continue
            out.append(self.span_to_raw(s, e))
        return out

    def to_list(self) -> list[list[int]]:
        return [list(r) for r in self.runs]

    @classmethod
    def from_list(cls, runs) -> "OffsetMap":
        return cls([(int(r[0]), int(r[1]), int(r[2])) for r in runs])


class TextBuilder:
    """Accumulates cleaned text while recording where each piece came from."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.map = OffsetMap()

    def __len__(self) -> int:
        return self._len

    def copy(self, text: str, raw_start: int) -> None:
        """Append ``text``, which appears verbatim at ``raw_start`` in the raw file."""
        if not text:
            return
        runs = self.map.runs
        if runs:
            c, r, n = runs[-1]
            if c + n == self._len and r + n == raw_start:
                runs[-1] = (c, r, n + len(text))
                self._parts.append(text)
                self._len += len(text)
                return
        runs.append((self._len, raw_start, len(text)))
        self._parts.append(text)
        self._len += len(text)

    def insert(self, text: str) -> None:
        """Append text that has no counterpart in the raw file (a repaired space)."""
        self._parts.append(text)
        self._len += len(text)

    def text(self) -> str:
        return "".join(self._parts)
