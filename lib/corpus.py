"""Reading the corpus: article files, their metadata sidecars, and validation.

An article is ``<id>.txt`` (or ``.md``) with an optional ``<id>.meta.yaml``.
What a sidecar does not say is recovered from the text where the text states
it (dateline, "Source » jpost", byline) and otherwise marked unknown.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from lib import yamlfile

MAX_ARTICLE_BYTES = 2_000_000
ARTICLE_SUFFIXES = (".txt", ".md")
DATE_PRECISIONS = ("day", "month", "year", "estimated", "unknown")
META_FIELDS = {
    "outlet", "original_publisher", "author", "url", "title", "published", "date_precision",
    "date_basis", "perspective", "perspective_basis", "language", "linked_to", "added_by", "added_at",
}


class BadArticle(ValueError):
    """An article file that cannot be used; the message names the problem."""


@dataclass
class ArticleSource:
    article_id: str
    path: Path
    raw: str
    meta: dict = field(default_factory=dict)
    meta_path: Path | None = None


def article_files(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in Path(corpus_dir).iterdir() if p.suffix in ARTICLE_SUFFIXES and p.is_file())


def sidecar_path(article_path: Path) -> Path:
    return article_path.with_name(article_path.stem + ".meta.yaml")


def decode_article(data: bytes, name: str = "article", limit: int = MAX_ARTICLE_BYTES) -> str:
    """Bytes -> text, or BadArticle saying exactly why not."""
    if not data.strip():
        raise BadArticle(f"{name}: empty file")
    if len(data) > limit:
        raise BadArticle(f"{name}: {len(data):,} bytes is over the {limit:,}-byte limit for one {'article' if limit == MAX_ARTICLE_BYTES else 'file'}")
    if b"\x00" in data[:8192] or _control_share(data[:8192]) > 0.1:
        raise BadArticle(f"{name}: binary data, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        guess = guess_encoding(data)
        hint = f" (looks like {guess})" if guess else ""
        raise BadArticle(f"{name}: not UTF-8{hint}: byte {err.start} cannot be decoded; convert it to UTF-8 or add it with `python -m lib.ingest`, which converts") from None
    if not text.strip():
        raise BadArticle(f"{name}: empty file")
    return text


def guess_encoding(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return best.encoding if best else None


def _control_share(chunk: bytes) -> float:
    if not chunk:
        return 0.0
    bad = sum(1 for b in chunk if b < 32 and b not in (9, 10, 13))
    return bad / len(chunk)


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}", s):
        return date(int(s[:4]), int(s[5:7]), 1)
    if re.fullmatch(r"\d{4}", s):
        return date(int(s), 1, 1)
    return datetime.fromisoformat(s.replace("Z", "")).date()


def load_sidecar(path: Path) -> dict:
    name = path.name
    try:
        meta = yamlfile.load_file(path)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise BadArticle(f"{name}: metadata is not valid YAML ({str(err).splitlines()[0]})") from None
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise BadArticle(f"{name}: metadata must be a mapping of field: value")
    validate_meta(meta, name)
    return meta


def validate_meta(meta: dict, name: str) -> None:
    unknown = set(meta) - META_FIELDS
    if unknown:
        raise BadArticle(f"{name}: unknown metadata field(s) {', '.join(sorted(unknown))}")
    try:
        parse_date(meta.get("published"))
    except (ValueError, TypeError):
        raise BadArticle(f"{name}: published date {meta.get('published')!r} is not a date (use YYYY-MM-DD)") from None
    prec = meta.get("date_precision")
    if prec is not None and prec not in DATE_PRECISIONS:
        raise BadArticle(f"{name}: date_precision {prec!r} must be one of {', '.join(DATE_PRECISIONS)}")
    for key in ("outlet", "author", "title", "url", "perspective", "language"):
        v = meta.get(key)
        if v is not None and not isinstance(v, str):
            raise BadArticle(f"{name}: {key} must be text, not {type(v).__name__}")


def read_text(path: Path) -> str:
    """One article's text (no sidecar), raising BadArticle with the reason."""
    return decode_article(Path(path).read_bytes(), Path(path).name)


def read_article(path: Path) -> ArticleSource:
    """Read one article and its sidecar, raising BadArticle with the reason."""
    path = Path(path)
    raw = read_text(path)
    side = sidecar_path(path)
    meta = load_sidecar(side) if side.exists() else {}
    return ArticleSource(path.stem, path, raw, meta, side if side.exists() else None)


def content_hash(text: str) -> str:
    """What the store keeps of an article's text to know it again (``articles.content_hash``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_or_reason(path: Path) -> tuple[ArticleSource | None, str | None]:
    """An article, or (None, why it cannot be used)."""
    try:
        return read_article(path), None
    except BadArticle as err:
        return None, str(err)
    except OSError as err:
        return None, f"{Path(path).name}: cannot be read ({err.strerror})"


def read_articles(paths) -> tuple[list[ArticleSource], list[tuple[str, str]]]:
    """The readable articles of ``paths``, and ``(file, reason)`` for each one skipped."""
    good, bad = [], []
    for path in map(Path, paths):
        src, why = read_or_reason(path)
        if src is None:
            bad.append((path.name, str(why)))
        else:
            good.append(src)
    return good, bad


def read_corpus(corpus_dir: Path) -> tuple[list[ArticleSource], list[tuple[str, str]]]:
    """All readable articles, and ``(file, reason)`` for each one skipped."""
    return read_articles(article_files(corpus_dir))
