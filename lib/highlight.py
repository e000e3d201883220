"""Escaped HTML for article text with highlighted spans.

Article text is untrusted: every character of it goes through html.escape, and
only the markup this module writes is emitted unescaped.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass
class Span:
    start: int
    end: int
    color: str = "#ffe08a"
    title: str = ""
    href: str | None = None
    anchor: str | None = None


def highlight(text: str, spans: list[Span]) -> str:
    """``text`` as HTML with each span marked; overlapping spans keep the first."""
    out, cursor = [], 0
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if s.start < cursor or s.end <= s.start:
            continue
        out.append(_escape(text[cursor:s.start]))
        inner = _escape(text[s.start:s.end])
        attrs = f' style="background:{html.escape(s.color)}33;border-bottom:2px solid {html.escape(s.color)};padding:0 1px"'
        if s.title:
            attrs += f' title="{html.escape(s.title)}"'
        if s.anchor:
            attrs += f' id="{html.escape(s.anchor)}"'
        mark = f"<mark{attrs}>{inner}</mark>"
        if s.href:
            mark = f'<a href="{html.escape(s.href)}" target="_self" style="text-decoration:none;color:inherit">{mark}</a>'
        out.append(mark)
        cursor = s.end
    out.append(_escape(text[cursor:]))
    return "".join(out)


def _escape(s: str) -> str:
    return html.escape(s).replace("\n", "<br>\n")


# The default page lives at the app's root URL: Streamlit does not route its url_path.
DEFAULT_PAGE = "overview"


# the characters urllib's quote() leaves as they are (its default safe "/" included)
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~/-]+")


def _quoted(value) -> str:
    """``quote(str(value))``; a value it would leave as it is (every id the pipeline
    makes) is not run through it: quoting took half the time of 48,000 figures'
    reader links at 100,000 articles."""
    text = str(value)
    return text if _UNQUOTED.fullmatch(text) else quote(text)


def page_href(page: str, **params) -> str:
    """A relative link to another page of the app carrying its state in the URL."""
    query = "&".join(f"{k}={_quoted(v)}" for k, v in params.items() if v not in (None, ""))
    return ("./" if page == DEFAULT_PAGE else f"./{page}") + (f"?{query}" if query else "")


# The reader's heading on the Overview: a link to a sentence lands there, not at the
# top of the page (the corpus table and the front page stood between them).
READER_ANCHOR = "reader"


def reader_href(article_id: str, sent: int | None = None) -> str:
    """A link that opens the article in the Overview's reader, scrolled to the reader,
    with the sentence ``sent`` marked."""
    return page_href(DEFAULT_PAGE, article=article_id, sent=None if sent is None else int(sent)) + "#" + READER_ANCHOR


def reader_hrefs(article_ids, sent_ids) -> list[str | None]:
    """``reader_href`` for many sentences at once, each article's part quoted once
    (380,000 of Iran's relations at 100,000 articles took 2.7 s one link at a time);
    None where there is no sentence (a curated figure has none) or no article."""
    prefix: dict[str, str] = {}
    out: list[str | None] = []
    for a, s in zip(article_ids, sent_ids):
        if not isinstance(a, str) or not a or s is None or s != s:  # s != s: NaN
            out.append(None)
            continue
        start = prefix.get(a)
        if start is None:
            start = prefix[a] = page_href(DEFAULT_PAGE, article=a)
        out.append(f"{start}&sent={int(s)}#{READER_ANCHOR}")
    return out


def escape_markdown(s: str) -> str:
    """Untrusted text for st.markdown: HTML escaped and markdown syntax neutralised."""
    s = html.escape(str(s), quote=False)
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$" else ch for ch in s)


def share_link_html(url: str) -> str:
    """A read-only box holding a view's link, to select and copy (no script: st.html strips it).

    The URL carries user-typed filter values, so it is escaped like any untrusted text."""
    return (
        '<input type="text" readonly aria-label="Link to this view" value="' + html.escape(url, quote=True) + '" '
        'style="width:100%;font-size:0.8rem;padding:0.35rem 0.5rem;border:1px solid #D9DCDA;border-radius:4px;'
        'background:#FFFFFF;color:#1E2326;box-sizing:border-box">'
    )


def with_query(url: str, params: dict[str, list[str]]) -> str:
    """``url`` with ``params`` (name -> values, repeated names kept) as its query string."""
    query = urlencode([(name, value) for name, values in params.items() for value in values])
    return f"{url}?{query}" if query else url
