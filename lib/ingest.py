"""Adding articles: read, validate, preview, detect duplicates, commit atomically.

    python -m lib.ingest PATH... [--outlet NAME] [--published DATE] [--perspective P]
                                 [--url URL] [--author NAME] [--language CODE] [--title TEXT]
                                 [--dry-run] [--link-duplicates | --keep-duplicates] [--user NAME]
    python -m lib.ingest --remove ARTICLE_ID [--user NAME]

The steps, shared by this CLI and the Add articles page:

1. ``read_upload``: bytes -> articles (.txt, .md, .html via trafilatura, .json),
   with a clear ``IngestError`` naming the file for anything unusable (empty,
   binary, over the size limit, malformed metadata) and a notice for what was
   repaired (text converted from cp1256 / latin-1, scripts removed from HTML).
2. ``prepare``: metadata merged and validated, the article run through the
   engine (the preview), and compared with the corpus: an exact copy is
   refused, a near-duplicate (a republished copy) is flagged with the original
   and a similarity, and can be linked to it rather than counted twice.
3. ``commit`` / ``remove``: under the store's writer lock, the corpus files are
   written (temp file + os.replace) and the store updated incrementally: the
   new article's rows are appended to the current tables, the corpus-level
   steps (pipeline.finalize) rerun, and a new build written with a manifest
   whose input hash matches the corpus, so no full rebuild follows. If the
   store write fails the corpus files are restored, leaving both as they were.
   Every change is appended to the audit log (data/audit.log.jsonl).

Nothing here writes anything before ``commit``/``remove``.
"""
from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import os
import re
import sys
import time
import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from lib import corpus, fingerprints, paths, pipeline, store, update, yamlfile
from lib.corpus import ArticleSource, BadArticle, content_hash
from lib.fingerprints import shingles, similarity

AUDIT_FILE = "audit.log.jsonl"
REMOVED_DIR = "removed"
ENABLE_ENV = "CROSSCURRENTS_ALLOW_INGEST"
KINDS = {".txt": "text", ".md": "text", ".html": "html", ".htm": "html", ".json": "json"}
MAX_FILE_BYTES = 10_000_000  # an HTML page or a JSON batch; each article's text is held to corpus.MAX_ARTICLE_BYTES
NEAR_DUPLICATE = 0.5  # share of the shorter text's word triples found in the other
CONVERTIBLE = ("cp1256", "cp1252", "latin_1")  # Arabic Windows, Western Windows, ISO latin-1
ENCODING_NAMES = {"cp1256": "windows-1256 (Arabic)", "cp1252": "windows-1252 (Western European)", "latin_1": "latin-1 (ISO-8859-1)"}
MAGIC = {b"%PDF": "a PDF", b"PK\x03\x04": "a ZIP or Word/OpenDocument file", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image", b"\xd0\xcf\x11\xe0": "an old Word/Excel file"}
SYSTEM_FIELDS = ("linked_to", "added_by", "added_at")
USER_FIELDS = tuple(sorted(corpus.META_FIELDS - set(SYSTEM_FIELDS)))
ONE_LINE_FIELDS = {"outlet": 200, "original_publisher": 200, "author": 300, "title": 500, "url": 2048, "language": 16, "perspective": 64}
URL_RE = re.compile(r"https?://[^\s<>\"']+", re.I)
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?")
# JSON: our own field names, plus trafilatura's JSON output (its extras are ignored).
JSON_TEXT_KEYS = ("text", "body", "content")
JSON_ALIASES = {"date": "published", "sitename": "outlet", "source-hostname": "outlet"}  # "source": a URL, else the outlet
JSON_IGNORED = {"hostname", "fingerprint", "id", "license", "comments", "raw_text", "image", "pagetype", "filedate", "categories", "tags", "excerpt", "description"}


class IngestError(ValueError):
    """Input that cannot be added; the message names the file and the problem."""


def enabled_by_env() -> bool:
    return os.environ.get(ENABLE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# --------------------------------------------------------------------------- 1. reading
@dataclass
class Extracted:
    """One article read from an upload, before metadata and processing."""

    name: str  # the file (and item) it came from, for messages
    text: str  # the article text as it will be stored
    stated: dict = field(default_factory=dict)  # metadata the file itself states
    basis: str = ""  # where ``stated`` came from
    notices: list[str] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @property
    def article_id(self) -> str:
        return "u_" + self.content_hash[:12]


def decode_text(name: str, data: bytes, limit: int = MAX_FILE_BYTES) -> tuple[str, list[str]]:
    """Bytes -> text. UTF-8, or cp1256 / cp1252 / latin-1 converted with a notice."""
    if len(data) > limit:
        raise IngestError(f"{name}: {len(data):,} bytes is over the {limit:,}-byte limit")
    if not data.strip():
        raise IngestError(f"{name}: empty file")
    for magic, what in MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"{name}: binary data ({what}), not text; save it as .txt, .md, .html or .json")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), [f"{name}: UTF-16; converted to UTF-8"]
        except UnicodeDecodeError:
            raise IngestError(f"{name}: marked as UTF-16 but cannot be decoded as UTF-16") from None
    try:
        return corpus.decode_article(data, name, limit=limit), []
    except BadArticle as err:
        if "not UTF-8" not in str(err):
            raise IngestError(str(err)) from None
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CONVERTIBLE)).best()
    if best is None:
        raise IngestError(f"{name}: not UTF-8, and not readable as {', '.join(ENCODING_NAMES.values())}")
    text = str(best)
    label = ENCODING_NAMES.get(best.encoding, best.encoding)
    return text, [f"{name}: not UTF-8; converted from {label}. Check the preview reads correctly."]


def read_upload(name: str, data: bytes) -> list[Extracted]:
    """An uploaded or pasted file -> its article(s). Raises IngestError."""
    kind = KINDS.get(Path(name).suffix.lower())
    if kind is None:
        raise IngestError(f"{name}: unsupported file type; add .txt, .md, .html or .json files")
    limit = corpus.MAX_ARTICLE_BYTES if kind == "text" else MAX_FILE_BYTES
    text, notices = decode_text(name, data, limit)
    if kind == "text" and re.match(r"\s*(?:<!doctype html|<html)", text, re.I):
        kind = "html"
        notices.append(f"{name}: is an HTML page; reduced to its article text")
    if kind == "html":
        items = [_from_html(name, text)]
    elif kind == "json":
        items = _from_json(name, text)
    else:
        items = [_from_text(name, text)]
    for item in items:
        item.notices[:0] = notices
        size = len(item.text.encode("utf-8"))
        if size > corpus.MAX_ARTICLE_BYTES:
            raise IngestError(f"{item.name}: {size:,} bytes of text is over the {corpus.MAX_ARTICLE_BYTES:,}-byte limit for one article")
        if not item.text.strip():
            raise IngestError(f"{item.name}: no article text")
    return items


def _from_text(name: str, text: str) -> Extracted:
    """Plain text or Markdown, with optional YAML front matter between --- lines."""
    m = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", text, re.S)
    if not m:
        return Extracted(name, text)
    try:
        stated = yamlfile.load(m.group(1))
    except yaml.YAMLError as err:
        raise IngestError(f"{name}: front matter is not valid YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(stated, dict):
        raise IngestError(f"{name}: front matter must be a mapping of field: value")
    _check_fields(stated, name)
    return Extracted(name, text[m.end():].lstrip("\r\n"), stated, "front matter")


def _from_html(name: str, html: str) -> Extracted:
    import trafilatura  # ~0.3 s to import: only when an HTML file arrives

    def extract(**options):
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, **options)
        # a Document, unless asked for a dict (as_dict=True, which we never pass)
        return doc if doc is not None and not isinstance(doc, dict) and (doc.text or "").strip() else None

    scripts = len(re.findall(r"<script\b", html, re.I))
    doc = extract(include_tables=False) or extract(favor_recall=True)
    if doc is None:
        why = f" ({scripts} <script> element(s) were ignored: a page that builds its text with JavaScript cannot be read)" if scripts else ""
        raise IngestError(f"{name}: no article text found in the HTML{why}")
    lines = [ln.strip() for ln in (doc.text or "").splitlines() if ln.strip()]
    if doc.title and lines and lines[0] != doc.title.strip():
        lines.insert(0, doc.title.strip())
    stated = {"title": doc.title, "author": doc.author, "published": doc.date, "url": doc.url,
              "outlet": doc.sitename if doc.sitename and doc.sitename != doc.hostname else None}
    lang = re.search(r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", html, re.I)
    if lang:
        stated["language"] = lang.group(1).lower()
    notices = [f"{name}: reduced to the article's main text ({len(lines)} paragraphs) with trafilatura"]
    if scripts:
        notices.append(f"{name}: {scripts} <script> element(s) removed; only the article's text is kept")
    return Extracted(name, "\n\n".join(lines) + "\n", {k: v for k, v in stated.items() if v}, "HTML metadata", notices)


def _from_json(name: str, text: str) -> list[Extracted]:
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as err:
        raise IngestError(f"{name}: not valid JSON ({err.msg} at line {err.lineno}, column {err.colno})") from None
    items = spec if isinstance(spec, list) else [spec]
    if not items:
        raise IngestError(f"{name}: an empty JSON list")
    out = []
    for i, item in enumerate(items, start=1):
        label = f"{name} item {i}" if isinstance(spec, list) else name
        if not isinstance(item, dict):
            raise IngestError(f"{label}: must be an object with a \"text\" field")
        keys = [k for k in JSON_TEXT_KEYS if k in item]
        body = item.get(keys[0]) if keys else None
        if not isinstance(body, str) or not body.strip():
            raise IngestError(f"{label}: no article text (a non-empty \"text\" field)")
        stated = {}
        for k, v in item.items():
            if k in JSON_TEXT_KEYS or k in JSON_IGNORED:
                continue
            key = JSON_ALIASES.get(k, k)
            if k == "source":
                key = "url" if isinstance(v, str) and URL_RE.fullmatch(v) else "outlet"
            if v not in (None, "") and key not in stated:
                stated[key] = v
        _check_fields(stated, label)
        out.append(Extracted(label, body, stated, "JSON fields"))
    return out


def _check_fields(stated: dict, label: str) -> None:
    system = sorted(set(stated) & set(SYSTEM_FIELDS))
    if system:
        raise IngestError(f"{label}: field(s) {', '.join(system)} are set when the article is added, not by the file")
    unknown = sorted(set(stated) - set(USER_FIELDS))
    if unknown:
        raise IngestError(f"{label}: unknown metadata field(s) {', '.join(unknown)}; allowed: {', '.join(USER_FIELDS)}")


# --------------------------------------------------------------------------- 2. metadata
def validate_meta(meta: dict, name: str, outlets, user_given: AbstractSet[str] = frozenset()) -> dict:
    """Check submitted metadata; return it normalised (dates as dates). Raises IngestError."""
    meta = {k: v for k, v in meta.items() if v not in (None, "")}
    _check_fields(meta, name)
    try:
        corpus.validate_meta(meta, name)
    except BadArticle as err:
        raise IngestError(str(err)) from None
    for key, limit in ONE_LINE_FIELDS.items():
        v = meta.get(key)
        if v is None:
            continue
        if "\n" in v or "\r" in v or any(ord(c) < 32 for c in v):
            raise IngestError(f"{name}: {key} must be one line of text")
        if len(v) > limit:
            raise IngestError(f"{name}: {key} is {len(v)} characters long; at most {limit}")
        meta[key] = v.strip()
    if "published" in meta:
        day = corpus.parse_date(meta["published"])
        if day is None:  # corpus.validate_meta refuses what does not parse; said again for a caller that skips it
            raise IngestError(f"{name}: published is not a date: {meta['published']!r}")
        if day > date.today():
            raise IngestError(f"{name}: published date {day} is in the future")
        if day.year < 1900:
            raise IngestError(f"{name}: published date {day} is before 1900")
        meta["published"] = day
    if "url" in meta and not URL_RE.fullmatch(meta["url"]):
        raise IngestError(f"{name}: url {meta['url']!r} is not a web address (http:// or https://)")
    if "language" in meta:
        meta["language"] = meta["language"].lower()
        if not LANGUAGE_RE.fullmatch(meta["language"]):
            raise IngestError(f"{name}: language {meta['language']!r} is not a language code such as en, ar or fa")
    if "perspective" in meta and meta["perspective"] not in outlets.perspectives:
        raise IngestError(f"{name}: perspective {meta['perspective']!r} is not one of {', '.join(outlets.perspectives)}")
    if "outlet" in user_given and "perspective" not in meta and not outlets.resolve(meta["outlet"]):
        raise IngestError(
            f"{name}: outlet {meta['outlet']!r} is not in the outlet registry (data/outlets.yaml); "
            f"give its perspective, one of {', '.join(outlets.perspectives)}"
        )
    return meta


# --------------------------------------------------------------------------- duplicates
@dataclass
class Duplicate:
    kind: str  # "exact" or "near"
    of: str  # the original's article_id
    similarity: float  # 1.0 for an exact copy
    title: str | None = None
    in_batch: bool = False  # the original is an earlier file of the same batch

    def describe(self) -> str:
        title = f" ({self.title})" if self.title else ""
        if self.kind == "exact":
            return f"an exact copy of {self.of}, {'earlier in this batch' if self.in_batch else 'already in the corpus'}"
        share = int(self.similarity * 100)  # rounded down: a near copy never reads as 100%
        return f"a near-duplicate of {self.of}{title}: {share}% of its word sequences are shared"


@dataclass
class KnownArticle:
    """An earlier article of the same batch, for duplicate checks within it."""
    article_id: str
    title: str | None
    content_hash: str
    shingles: set[str]
    in_batch: bool = False


class StoredArticles:
    """What is in a build of the store, for duplicate checks: exact copies by content
    hash; near copies through the ``fingerprints`` table (lib/fingerprints.py), the best
    candidates then compared exactly from their text. Holds only ids, titles and hashes."""

    def __init__(self, build: Path | None):
        self.build = build
        self.by_hash: dict[str, tuple[str, str | None]] = {}
        if build is not None:
            t = store.read_arrow("articles", columns=["article_id", "title", "content_hash"], build=build)
            self.by_hash = {h: (a, title) for a, title, h in zip(t["article_id"].to_pylist(), t["title"].to_pylist(), t["content_hash"].to_pylist())}

    def exact(self, content_hash: str) -> Duplicate | None:
        hit = self.by_hash.get(content_hash)
        return Duplicate("exact", hit[0], 1.0, hit[1]) if hit else None

    def near(self, clean_text: str) -> Duplicate | None:
        mine = shingles(clean_text)
        kept = fingerprints.sampled_hashes(mine)
        if self.build is None or not kept:
            return None
        ids = self._candidates(kept)
        if not ids:
            return None
        texts = store.read_arrow("articles", columns=["article_id", "title", "text"], build=self.build, where=pc.field("article_id").isin(ids)).to_pylist()
        scored = sorted(((similarity(mine, shingles(r["text"] or "")), r["article_id"], r["title"]) for r in texts), key=lambda x: (-x[0], x[1]))
        if scored and scored[0][0] >= NEAR_DUPLICATE:
            return Duplicate("near", scored[0][1], round(scored[0][0], 3), scored[0][2])
        return None

    def find(self, content_hash: str, clean_text: str) -> Duplicate | None:
        return self.exact(content_hash) or self.near(clean_text)

    def _candidates(self, kept: list[int]) -> list[str]:
        """The stored articles sharing the most kept triples with a text, most first."""
        assert self.build is not None
        if store.table_in_build(self.build, "fingerprints").exists():
            rows = store.read_arrow("fingerprints", columns=["article_id", "hash"], build=self.build, where=pc.field("hash").isin(kept))
        else:  # a store built before the table existed: its texts, a batch at a time (slow, never all in memory)
            mine, found = set(kept), list[tuple[str, int]]()
            for batch in store.read_batches("articles", ["article_id", "text"], build=self.build):
                for aid, text in zip(batch["article_id"].to_pylist(), batch["text"].to_pylist()):
                    found.extend((aid, h) for h in mine.intersection(fingerprints.kept_hashes(text or "")))
            rows = pa.table({"article_id": pa.array([a for a, _ in found], pa.string()), "hash": pa.array([h for _, h in found], pa.int64())})
        if rows.num_rows == 0:
            return []
        shared = rows.group_by("article_id").aggregate([("hash", "count")]).sort_by([("hash_count", "descending"), ("article_id", "ascending")])
        return shared["article_id"].to_pylist()[: fingerprints.CANDIDATES]


def known_articles(store_dir=None) -> StoredArticles:
    """What is in the store now, for duplicate checks."""
    build = store.current_build(store_dir or paths.STORE_DIR)
    return _stored_in_build(str(build)) if build else StoredArticles(None)


@lru_cache(maxsize=2)
def _stored_in_build(build: str) -> StoredArticles:
    # A build directory never changes once written, so its name is a safe cache key.
    return StoredArticles(Path(build))


def find_duplicate(content_hash: str, clean_text: str, known: list[KnownArticle] | StoredArticles) -> Duplicate | None:
    """An exact or near copy of the text among ``known``: the store, or the batch's earlier articles."""
    if isinstance(known, StoredArticles):
        return known.find(content_hash, clean_text)
    for k in known:
        if k.content_hash == content_hash:
            return Duplicate("exact", k.article_id, 1.0, k.title, k.in_batch)
    mine = shingles(clean_text)
    best = max(((similarity(mine, k.shingles), k) for k in known), key=lambda p: p[0], default=(0.0, None))
    if best[1] is not None and best[0] >= NEAR_DUPLICATE:
        return Duplicate("near", best[1].article_id, round(best[0], 3), best[1].title, best[1].in_batch)
    return None


# --------------------------------------------------------------------------- 2. preparing (the preview)
@dataclass
class Draft:
    """An article ready to commit: its text, sidecar metadata and what the engine extracts."""

    source: Extracted
    meta: dict
    rows: dict[str, list[dict]]
    duplicate: Duplicate | None
    notices: list[str]

    @property
    def article_id(self) -> str:
        return self.source.article_id

    @property
    def article(self) -> dict:
        return self.rows["articles"][0]

    def counts(self) -> dict[str, int]:
        return {
            "actors": len(self.article["actors"]), "figures": len(self.rows["figures"]), "relations": len(self.rows["relations"]),
            "quotes": len(self.rows["quotes"]), "unknown-actor candidates": len(self.rows["candidates"]),
        }


def prepare(item: Extracted, ctx, given: dict | None = None, known: StoredArticles | None = None, corpus_dir=None) -> Draft:
    """Metadata merged (what the user gave over what the file states) and
    validated, the engine run on the article, duplicates looked up. Raises
    IngestError for bad metadata or an exact duplicate; writes nothing."""
    given = {k: v for k, v in (given or {}).items() if v not in (None, "")}
    meta = dict(item.stated)
    notices = list(item.notices)
    if item.stated.get("published") and "published" not in given:
        meta.setdefault("date_basis", f"Stated in the {item.basis}")
    elif "published" in given:
        meta["date_basis"] = "Given when the article was added"
    meta.update(given)
    meta = validate_meta(meta, item.name, ctx.outlets, set(given))
    if meta.get("outlet") and not ctx.outlets.resolve(meta["outlet"]) and "perspective" not in meta:
        notices.append(f"{item.name}: outlet {meta['outlet']!r} is not in the outlet registry; its perspective is unknown until you give one")
    cdir = Path(corpus_dir or paths.CORPUS_DIR)
    src = ArticleSource(item.article_id, cdir / f"{item.article_id}.txt", item.text, meta)
    rows = pipeline.process_article(src, ctx)
    dup = find_duplicate(item.content_hash, rows["articles"][0]["text"], known or StoredArticles(None))
    if dup and dup.kind == "exact":
        raise IngestError(f"{item.name}: duplicate: {dup.describe()}")
    return Draft(item, meta, rows, dup, notices)


def try_prepare(item: Extracted, ctx, given: dict | None = None) -> tuple[Draft | None, str | None]:
    """``prepare`` against the current store, as (draft, None) or (None, the error message)."""
    try:
        return prepare(item, ctx, given, known_articles()), None
    except IngestError as err:
        return None, str(err)


def within_batch(drafts: list[Draft]) -> tuple[list[Draft], list[str]]:
    """Each draft checked against the earlier ones of its batch: an exact
    copy is refused, a near-duplicate flagged (if nothing in the corpus was)."""
    kept: list[Draft] = []
    errors: list[str] = []
    earlier: list[KnownArticle] = []
    for d in drafts:
        dup = find_duplicate(d.source.content_hash, d.article["text"], earlier)
        if dup and dup.kind == "exact":
            errors.append(f"{d.source.name}: duplicate: {dup.describe()}")
            continue
        if dup and d.duplicate is None:
            d = replace(d, duplicate=dup)  # a copy: the caller may cache the draft it passed in
        kept.append(d)
        earlier.append(KnownArticle(d.article_id, d.article.get("title"), d.source.content_hash, shingles(d.article["text"]), in_batch=True))
    return kept, errors


def _read_or_error(name: str, data: bytes) -> tuple[list[Extracted], str | None]:
    try:
        return read_upload(name, data), None
    except IngestError as err:
        return [], str(err)


def read_uploads(uploads: list[tuple[str, bytes]]) -> tuple[list[Extracted], list[str]]:
    """The articles in the (name, bytes) uploads, and a message for each upload that cannot be read."""
    read = [_read_or_error(name, data) for name, data in uploads]
    return [item for items, _ in read for item in items], [err for _, err in read if err]


def prepare_batch(uploads: list[tuple[str, bytes]], ctx, given: dict | None = None, store_dir=None, corpus_dir=None, progress=None) -> tuple[list[Draft], list[str]]:
    """Every upload read and prepared; (drafts, error messages in upload order). ``progress(done, total, name)``."""
    known = known_articles(store_dir)
    drafts, errors = [], []
    for i, (name, data) in enumerate(uploads):
        if progress:
            progress(i, len(uploads), name)
        items, err = _read_or_error(name, data)
        if err:
            errors.append(err)
        for item in items:
            try:
                drafts.append(prepare(item, ctx, given, known, corpus_dir))
            except IngestError as err:
                errors.append(str(err))
    if progress:
        progress(len(uploads), len(uploads), "")
    drafts, batch_errors = within_batch(drafts)
    return drafts, errors + batch_errors


def form_defaults(draft: Draft) -> dict:
    """What the metadata form starts with: what the engine made of the file."""
    a = draft.article
    return {
        "outlet": a["outlet"] if a["outlet"] != "Unknown outlet" else None,
        "perspective": draft.meta.get("perspective"),
        "published": a["published"], "url": a["url"], "author": a["author"], "language": a["language"],
    }


def changed_fields(values: dict, defaults: dict) -> dict:
    """The form fields a person changed: these override what the file states."""
    return {k: v for k, v in values.items() if v not in (None, "") and v != defaults.get(k)}


def preview_tables(draft: Draft, registry) -> dict:
    """What the engine extracted, as small DataFrames for a person to check."""
    import pandas as pd

    name = lambda a: registry.actors[a].name if a in registry.actors else (a or "")  # noqa: E731
    counts: dict[str, int] = {}
    for m in draft.rows["mentions"]:
        counts[m["actor"]] = counts.get(m["actor"], 0) + 1
    cands: dict[str, int] = {}
    for c in draft.rows["candidates"]:
        cands[c["surface"]] = cands.get(c["surface"], 0) + 1
    return {
        "actors": pd.DataFrame([{"actor": name(a), "mentions": counts[a]} for a in draft.article["actors"]], columns=["actor", "mentions"]),
        "figures": pd.DataFrame([{
            "count": f"{f['count']:g}", "unit": f["unit"], "period": f"{f['period_start'] or ''} to {f['period_end'] or ''}",
            "claimant": f["claimant"], "from": name(f["origin"]), "against": name(f["target"]), "evidence": f["evidence"],
        } for f in draft.rows["figures"]], columns=["count", "unit", "period", "claimant", "from", "against", "evidence"]),
        "relations": pd.DataFrame([{
            "source": name(r["source"]), "relation": r["relation"], "target": name(r["target"]), "evidence": r["evidence"],
        } for r in draft.rows["relations"]], columns=["source", "relation", "target", "evidence"]),
        "quotes": pd.DataFrame([{"speaker": q["speaker"], "quote": q["quote"]} for q in draft.rows["quotes"]], columns=["speaker", "quote"]),
        "unknown-actor candidates": pd.DataFrame(sorted(cands.items(), key=lambda kv: (-kv[1], kv[0])), columns=["name", "times"]),
    }


# --------------------------------------------------------------------------- 3. committing
@dataclass
class Change:
    """What one commit writes: files (bytes, or None to delete), articles to add or drop."""

    files: dict[Path, bytes | None]
    add: list[ArticleSource] = field(default_factory=list)
    drop: set[str] = field(default_factory=set)
    detail: object = None
    audit: list[dict] = field(default_factory=list)


@dataclass
class CommitResult:
    build: str
    mode: str  # "incremental", or "full rebuild" when the store was out of date
    article_ids: list[str]
    detail: object
    seconds: float
    warnings: list[str] = field(default_factory=list)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def apply_change(make_change, *, kind: str, user: str, via: str, corpus_dir=None, store_dir=None, data_dir=None, lock_timeout: float = 30.0) -> CommitResult:
    """Run ``make_change()`` and write what it returns, all under the store lock.

    ``make_change`` is called with the lock held, so its checks (duplicates,
    ids) see the latest corpus. On any failure the files are put back as they
    were and the store is left on its previous build.
    """
    corpus_dir = Path(corpus_dir or paths.CORPUS_DIR)
    store_dir = Path(store_dir or paths.STORE_DIR)
    data_dir = Path(data_dir or paths.DATA_DIR)
    t0 = time.perf_counter()
    try:
        with store.lock(store_dir, timeout=lock_timeout):
            base = store.read_manifest(store_dir)
            fresh = pipeline.built_from(base, pipeline.input_hash(corpus_dir))
            change = make_change()
            backups = {p: (p.read_bytes() if p.exists() else None) for p in change.files}
            try:
                for p, data in change.files.items():
                    if data is None:
                        p.unlink(missing_ok=True)
                    else:
                        _write_atomic(p, data)
                tables, why_full = (update.tables_with(change.add, change.drop, change.files, corpus_dir, store_dir) if fresh
                                    else (None, "the store was out of date"))
                if tables is not None and base is not None:  # (tables come only from a fresh store, which has a manifest)
                    info = {"kind": kind, "added": [s.article_id for s in change.add], "removed": sorted(change.drop)}
                    build = update.publish(tables, base, info, corpus_dir, store_dir, time.perf_counter() - t0).name
                    mode = "incremental"
                else:
                    pipeline.build(corpus_dir, store_dir, force=True, log=lambda *_: None, hold_lock=False)
                    build = store.current_build_name(store_dir)
                    mode = f"full rebuild ({why_full})"
            except BaseException as err:
                _restore(backups)
                if isinstance(err, IngestError) or not isinstance(err, Exception):
                    raise
                raise IngestError(f"commit failed, nothing was changed: {type(err).__name__}: {err}") from err
            result = CommitResult(build, mode, [s.article_id for s in change.add] or sorted(change.drop), change.detail, round(time.perf_counter() - t0, 3))
            try:
                write_audit(change.audit or [{"action": kind}], user=user, via=via, build=build, data_dir=data_dir)
            except OSError as err:
                result.warnings.append(f"committed, but the audit log could not be written: {err}")
            return result
    except store.StoreLocked as err:
        raise IngestError(f"not committed: {err}") from None


def _restore(backups: dict[Path, bytes | None]) -> None:
    for p, data in backups.items():
        if data is None:
            p.unlink(missing_ok=True)
        else:
            _write_atomic(p, data)


def _sidecar_bytes(meta: dict) -> bytes:
    head = "# Metadata sidecar, written by lib/ingest.py when the article was added.\n"
    return (head + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)).encode("utf-8")


def commit(drafts: list[Draft], *, user: str, via: str, decisions: dict[str, str] | None = None, corpus_dir=None, store_dir=None, data_dir=None, lock_timeout: float = 30.0) -> CommitResult:
    """Add the drafts to the corpus and the store, all or none.

    ``decisions`` says, for each near-duplicate (by article_id), "link" (keep
    it as a copy of its original, counted once) or "separate".
    """
    decisions = decisions or {}
    corpus_dir = Path(corpus_dir or paths.CORPUS_DIR)
    if not drafts:
        raise IngestError("nothing to commit")
    for d in drafts:
        if d.duplicate and d.duplicate.kind == "near" and decisions.get(d.article_id) not in ("link", "separate"):
            raise IngestError(f"{d.source.name}: {d.duplicate.describe()}; choose to link it to {d.duplicate.of} or to add it as a separate article")

    def make_change() -> Change:
        # Checked again with the lock held: another session may have added a copy since the preview.
        known = known_articles(store_dir)
        files: dict[Path, bytes | None] = {}
        sources, entries, seen = [], [], set()
        added_at = datetime.now().astimezone().isoformat(timespec="seconds")
        for d in drafts:
            aid, digest = d.article_id, d.source.content_hash
            txt = corpus_dir / f"{aid}.txt"
            copy = known.exact(digest)
            if copy or txt.exists() or aid in seen:
                other = copy.of if copy else aid
                raise IngestError(f"{d.source.name}: duplicate: an exact copy of {other}, already in the corpus")
            if not d.duplicate and aid not in decisions:
                late = known.near(d.article["text"])
                if late:
                    raise IngestError(f"{d.source.name}: became {late.describe()}, added meanwhile; check it again")
            seen.add(aid)
            meta = dict(d.meta)
            if d.duplicate and d.duplicate.kind == "near" and decisions[aid] == "link":
                meta["linked_to"] = d.duplicate.of
            meta.update(added_by=user, added_at=added_at)
            side = corpus.sidecar_path(txt)
            files[side] = _sidecar_bytes(meta)  # the sidecar first: a .txt is never read without it
            files[txt] = d.source.text.encode("utf-8")
            sources.append(ArticleSource(aid, txt, d.source.text, meta, side))
            entries.append({
                "action": "add", "article_id": aid, "file": d.source.name, "sha256": digest,
                "outlet": meta.get("outlet"), "published": str(meta["published"]) if meta.get("published") else None,
                "linked_to": meta.get("linked_to"), "duplicate_of": d.duplicate.of if d.duplicate else None,
            })
        return Change(files, add=sources, detail=len(sources), audit=entries)

    return apply_change(make_change, kind="add", user=user, via=via, corpus_dir=corpus_dir, store_dir=store_dir, data_dir=data_dir, lock_timeout=lock_timeout)


def added_articles(corpus_dir=None) -> list[dict]:
    """Articles added through ingest (their sidecar says who added them): the ones that can be removed here."""
    out = []
    for path in corpus.article_files(Path(corpus_dir or paths.CORPUS_DIR)):
        side = corpus.sidecar_path(path)
        try:
            meta = corpus.load_sidecar(side) if side.exists() else {}
        except BadArticle:
            continue
        if meta.get("added_by"):
            out.append({"article_id": path.stem, **{k: meta.get(k) for k in ("title", "outlet", "published", "linked_to", "added_by", "added_at")}})
    return out


def remove(article_id: str, *, user: str, via: str, corpus_dir=None, store_dir=None, data_dir=None, lock_timeout: float = 30.0) -> CommitResult:
    """Remove an added article from the corpus and the store (a copy is kept in data/removed/)."""
    corpus_dir = Path(corpus_dir or paths.CORPUS_DIR)
    data_dir = Path(data_dir or paths.DATA_DIR)

    def make_change() -> Change:
        txt = corpus_dir / f"{article_id}.txt"
        side = corpus.sidecar_path(txt)
        if not re.fullmatch(r"[\w.-]+", article_id) or not txt.exists():
            raise IngestError(f"{article_id}: no such article in the corpus")
        added = {a["article_id"]: a for a in added_articles(corpus_dir)}
        if article_id not in added:
            raise IngestError(f"{article_id}: not an added article (seed articles are not removed here)")
        copies = sorted(a for a, m in added.items() if m.get("linked_to") == article_id)
        if copies:
            raise IngestError(f"{article_id}: is the original of {', '.join(copies)}; remove the copies first")
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
        keep = data_dir / REMOVED_DIR
        raw = txt.read_bytes()
        files = {keep / f"{stamp}-{txt.name}": raw, txt: None, side: None}
        if side.exists():
            files = {keep / f"{stamp}-{side.name}": side.read_bytes(), **files}
        entry = {"action": "remove", "article_id": article_id, "sha256": hashlib.sha256(raw).hexdigest(), "kept_in": str(keep / f"{stamp}-{txt.name}")}
        return Change(files, drop={article_id}, detail=1, audit=[entry])

    return apply_change(make_change, kind="remove", user=user, via=via, corpus_dir=corpus_dir, store_dir=store_dir, data_dir=data_dir, lock_timeout=lock_timeout)


# --------------------------------------------------------------------------- audit log
def write_audit(entries: list[dict], *, user: str, via: str, build: str, data_dir=None) -> None:
    """Append one JSON line per change. A .jsonl file is not a build input
    (pipeline.dictionary_files reads .yaml/.yml/.csv/.json only)."""
    path = Path(data_dir or paths.DATA_DIR) / AUDIT_FILE
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    lines = "".join(json.dumps({"at": at, "who": user, "via": via, **e, "build": build}, ensure_ascii=False, default=str) + "\n" for e in entries)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, lines.encode("utf-8"))  # one write: entries of concurrent writers never interleave
        os.fsync(fd)
    finally:
        os.close(fd)


def read_audit(data_dir=None) -> list[dict]:
    path = Path(data_dir or paths.DATA_DIR) / AUDIT_FILE
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a torn last line after a crash
    return out


# --------------------------------------------------------------------------- CLI
def describe(draft: Draft, registry) -> str:
    """A plain-text preview for the terminal."""
    a = draft.article
    name = lambda x: registry.actors[x].name if x in registry.actors else (x or "?")  # noqa: E731
    lines = [f"{draft.article_id}  {draft.source.name}"]
    lines.append(f"  outlet: {a['outlet']} ({a['perspective_label']})   published: {a['published'] or 'unknown'}   author: {a['author'] or '-'}   language: {a['language']}")
    if a.get("title"):
        lines.append(f"  title: {a['title']}")
    t = preview_tables(draft, registry)
    for label, df in t.items():
        if label == "actors":
            items = [f"{r.actor} ×{r.mentions}" for r in df.itertuples()]
        elif label == "figures":
            items = [f"{f['count']:g} {f['unit']} ({f['claimant'] or 'claimant not stated'}; {name(f['origin'])} -> {name(f['target'])})" for f in draft.rows["figures"]]
        elif label == "relations":
            items = [f"{r.source} {r.relation} {r.target}" for r in df.itertuples()]
        elif label == "quotes":
            items = [f"{r.speaker}: “{r.quote[:60]}”" for r in df.itertuples()]
        else:
            items = list(df["name"])
        shown = ", ".join(items[:8]) + (", …" if len(items) > 8 else "")
        lines.append(f"  {label} ({len(items)}){': ' + shown if items else ''}")
    for n in draft.notices:
        lines.append(f"  note: {n}")
    if draft.duplicate:
        lines.append(f"  DUPLICATE? {draft.duplicate.describe()}")
    return "\n".join(lines)


def _expand(paths_: list[Path]) -> list[Path]:
    out = []
    for p in paths_:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in KINDS))
        else:
            out.append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m lib.ingest", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="*", type=Path, help=".txt, .md, .html or .json files, or directories of them")
    for f in ("outlet", "published", "perspective", "url", "author", "language", "title"):
        ap.add_argument(f"--{f}", default=None, help=f"{f} of every article given (overrides what the file states)")
    ap.add_argument("--dry-run", action="store_true", help="validate and preview; write nothing")
    dup = ap.add_mutually_exclusive_group()
    dup.add_argument("--link-duplicates", action="store_true", help="add near-duplicates as copies linked to their original (counted once)")
    dup.add_argument("--keep-duplicates", action="store_true", help="add near-duplicates as separate articles")
    ap.add_argument("--remove", metavar="ARTICLE_ID", help="remove an added article")
    ap.add_argument("--user", default=None, help="who is adding (for the audit log); default: the OS user")
    args = ap.parse_args(argv)
    user = args.user or os_user()
    if args.remove:
        try:
            r = remove(args.remove, user=user, via="cli")
        except IngestError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        print(f"removed {args.remove}; store updated ({r.mode}) -> {r.build}")
        return 0
    if not args.paths:
        ap.error("give at least one PATH (or --remove ID)")
    uploads, errors = [], []
    for p in _expand(args.paths):
        try:
            uploads.append((p.name, p.read_bytes()))
        except OSError as err:
            errors.append(f"{p}: cannot be read ({err.strerror})")
    given = {f: getattr(args, f) for f in ("outlet", "published", "perspective", "url", "author", "language", "title")}
    ctx = pipeline.load_context()
    drafts, bad = prepare_batch(uploads, ctx, given, progress=lambda i, n, name: print(f"[{i + 1}/{n}] {name}", file=sys.stderr) if name else None)
    errors += bad
    for d in drafts:
        print(describe(d, ctx.registry))
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    if errors:
        print("nothing written: fix the files above and run again", file=sys.stderr)
        return 2
    choice = "link" if args.link_duplicates else "separate" if args.keep_duplicates else None
    near = [(d, d.duplicate) for d in drafts if d.duplicate]
    if near and choice is None and not args.dry_run:
        for d, duplicate in near:
            print(f"error: {d.source.name}: {duplicate.describe()}", file=sys.stderr)
        print("nothing written: rerun with --link-duplicates (count each once) or --keep-duplicates (add as separate articles)", file=sys.stderr)
        return 2
    if args.dry_run:
        print(f"dry run: {len(drafts)} article(s) valid; nothing written")
        return 0
    try:
        r = commit(drafts, user=user, via="cli", decisions={d.article_id: choice for d in drafts} if choice else {}, lock_timeout=120)
    except IngestError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"added {len(r.article_ids)} article(s): {', '.join(r.article_ids)}; store updated ({r.mode}, {r.seconds:.2f} s) -> {r.build}")
    for w in r.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
