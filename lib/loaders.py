"""The app's cached loaders: the one module in lib/ that imports streamlit.

Tables are cached with ``st.cache_resource`` keyed by the build directory, so
every session shares one read-only copy (``st.cache_data`` would pickle and
copy a DataFrame for every caller). Callers must never mutate what they get.
Pages ask only for the columns they draw; large text (article bodies,
sentences) is read through DuckDB with the filter pushed down to Parquet, so
no session holds whole text tables in memory.

When a new build is served, every cache is emptied and each page is opened
once over the app's own WebSocket (the warm-up, at the end of this module), so
readers neither wait for a page's first computation nor keep old builds in memory.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lib import pipeline, refresh, store
from lib.paths import CORPUS_DIR, DATA_DIR, STORE_DIR
from lib.registry import load_outlets, load_registry


# Not an st.cache_resource: a refresher is a service of the process, not a computed value,
# and the caches are emptied whenever a new build is served (see _warm_now).
_refreshers: dict[tuple[Path, Path, Path], refresh.Refresher] = {}
_refreshers_lock = threading.Lock()


def refresher() -> refresh.Refresher | None:
    """The store's one background refresher in this process (lib/refresh.py); None on
    replicas that serve a store built elsewhere (a build cluster writing to shared
    storage), which set CROSSCURRENTS_REBUILD=0 and serve whatever CURRENT names."""
    if os.environ.get("CROSSCURRENTS_REBUILD", "1") == "0":
        return None
    key = (CORPUS_DIR, STORE_DIR, DATA_DIR)
    with _refreshers_lock:
        if key not in _refreshers:
            _refreshers[key] = refresh.Refresher(*key, on_published=warm_in_background)
        return _refreshers[key]


# A few seconds' pin keeps a rerun's tables from one build, and picks up a new build
# (published by a rebuild, an upload or a build cluster) within that time.
@st.cache_resource(ttl=5, show_spinner="Building the processed store…")
def current_build_id() -> str:
    """The build being served. A stale store is rebuilt in the background while the
    pages keep serving this one; only a store with no build at all is built first."""
    background = refresher()
    if background is not None:
        if store.current_build(STORE_DIR) is None:
            pipeline.build(CORPUS_DIR, STORE_DIR, log=lambda *_: None)
        background.poke()
    served = store.current_build_name(STORE_DIR)
    _note_served(served)
    return served


def refresh_state() -> refresh.RefreshState:
    background = refresher()
    return background.state() if background is not None else refresh.RefreshState()


@st.cache_resource(max_entries=48, show_spinner=False)
def _table(name: str, build_id: str, columns: tuple[str, ...] | None):
    return store.read_table(name, columns=list(columns) if columns else None, build=STORE_DIR / build_id)


def table(name: str, columns=None):
    """A processed table, or some of its columns (shared, read-only)."""
    return _table(name, current_build_id(), tuple(columns) if columns else None)


# Each cache is keyed by a build and reads that build, not whichever CURRENT names when
# it is filled: a rebuild published in between would otherwise mix two builds' rows.
@st.cache_resource(max_entries=2, show_spinner=False)
def _duck(build_id: str):
    return store.duckdb_connection(build=STORE_DIR / build_id)


def query(sql: str, params=(), frames: dict | None = None, arrow: bool = False):
    """Run SQL over the store's tables (views named like the tables; ``frames``:
    name -> DataFrame, registered as tables for this query; ``arrow``: typed like
    ``table()``'s frames, see ``store.run_query``)."""
    return store.run_query(_duck(current_build_id()), sql, params, frames, arrow)


def query_in(build_id: str):
    """``query`` pinned to one build: for work done later (a download when it is clicked)
    that must read the build the page was drawn from, even if a newer one is published."""
    return lambda sql, params=(), frames=None, arrow=False: store.run_query(_duck(build_id), sql, params, frames, arrow)


def query_arrow(sql: str, params=(), frames: dict | None = None):
    """``query``'s result as an Arrow table (for results kept in memory: no pandas objects)."""
    return store.run_query_arrow(_duck(current_build_id()), sql, params, frames)


def sentence_texts(keys, run=None):
    """The text of the sentences at ``keys`` (article_id, sent_id), read from the
    store for just those rows: pages that show a few sentences never hold them all.
    ``run``: the query to read them with (``query`` unless given)."""
    return (run or query)("SELECT s.article_id, s.sent_id, s.text FROM sentences s JOIN wanted w USING (article_id, sent_id)",
                          frames={"wanted": keys[["article_id", "sent_id"]].drop_duplicates()})


def sentence_texts_in(build_id: str):
    """``sentence_texts`` pinned to one build, as ``query_in`` pins ``query``: a view cached for
    one build must not read its sentences from a newer one, whose ids may differ."""
    pinned = query_in(build_id)
    return lambda keys: sentence_texts(keys, pinned)


@st.cache_resource(max_entries=2, show_spinner=False)
def _mentioned_actors(build_id: str) -> tuple[str, ...]:
    return tuple(query("SELECT DISTINCT actor FROM mentions WHERE actor IS NOT NULL ORDER BY actor")["actor"])


def mentioned_actors() -> tuple[str, ...]:
    """Every actor the corpus names (ids, sorted)."""
    return _mentioned_actors(current_build_id())


def article_text(article_id: str) -> str:
    df = query("SELECT text FROM articles WHERE article_id = ?", [article_id])
    return df["text"].iloc[0] if len(df) else ""


def manifest() -> dict:
    current_build_id()
    return store.read_manifest(STORE_DIR) or {}


@st.cache_resource(show_spinner=False)
def registry():
    return load_registry()


@st.cache_resource(show_spinner=False)
def outlets():
    return load_outlets()


# ---------------------------------------------------------------------------
# Warm-up: every page's first visitor after a server start or a new build used
# to wait while that page's view was computed for the build (at 100,000
# articles 1-7 s on the server: Compare 6.8 s, Network 3.4 s). A warm-up visit
# opens each page once, as a new reader would, so the caches are filled before
# a reader comes. It goes through the app's own WebSocket rather than calling
# the pages' functions, so it fills exactly the cache entries a reader's first
# visit asks for (same page code, same default widgets, same URL).

# The views opened, as "page?query": every page a reader lands on ("" is the default page,
# Overview; not Add, whose form computes nothing), and the other views whose first
# computation took seconds at 100,000 articles (the co-mention network 5.5 s, aligned
# passages 4.0 s, of which 1.5 s are the corpus's term weights that every passage
# shares, the framing matrix 1.4 s; every other tab 0.2-0.4 s).
WARM_VIEWS = ("", "attacks", "timeline", "search", "compare", "network",
              "compare?cmp_tab=Framing+matrix", "network?net_co=true", "compare?cmp_tab=Aligned+passages")
# A warm-up visit's User-Agent: the server tells it from a reader by it (warm_after_first_reader).
WARM_UP_AGENT = "crosscurrents-warm-up"


@dataclass(frozen=True)
class PageVisit:
    view: str
    seconds: float
    title: str | None  # the page's first heading, as drawn
    error: str | None  # an exception on the page, a page not found, no answer
    elements: int = 0  # how many elements the page drew


def visit_pages(base_url: str, views=WARM_VIEWS, timeout: float = 600) -> list[PageVisit]:
    """Open each view ("page?query") of the app at ``base_url`` once, in a new session of
    its own, and wait for its script to finish (one at a time: a warm-up never takes both cores)."""
    return [_visit(base_url, view, timeout) for view in views]


def _visit(base_url: str, view: str, timeout: float) -> PageVisit:
    # Imported here: only a warm-up speaks the protocol; the pages never need it.
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect
    from websockets.typing import Subprotocol

    started = time.perf_counter()
    title, error, elements = None, None, 0
    try:
        with connect(base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream", subprotocols=[Subprotocol("streamlit")],
                     user_agent_header=WARM_UP_AGENT, max_size=None, open_timeout=30) as ws:
            ask = BackMsg()
            page, _, ask.rerun_script.query_string = view.partition("?")
            ask.rerun_script.page_name = page
            ws.send(ask.SerializeToString())
            while True:
                msg = ForwardMsg()
                msg.ParseFromString(ws.recv(timeout=max(0.1, timeout - (time.perf_counter() - started))))
                kind = msg.WhichOneof("type")
                if kind == "page_not_found":
                    error = f"page not found: {page!r}"
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    element = msg.delta.new_element
                    elements += 1
                    if element.WhichOneof("type") == "exception":
                        error = error or f"{element.exception.type or 'an exception'} on the page"  # the details stay in the server log
                    elif element.WhichOneof("type") == "heading" and title is None and element.heading.tag == "h1":
                        title = element.heading.body
                elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        error = error or "the page's script did not compile"
                    break
    except Exception as err:  # noqa: BLE001  refused, timed out, closed mid-visit: said in the visit, never raised into the server
        error = f"no answer: {type(err).__name__}: {err}"
    return PageVisit(view, round(time.perf_counter() - started, 3), title, error, elements)


def own_url() -> str:
    """This server's address as seen from its own machine."""
    address = st.get_option("server.address") or ""
    host = "127.0.0.1" if address in ("", "0.0.0.0", "::", "localhost") else address
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{st.get_option('server.port')}" + (f"/{base}" if base else "")


_warming = threading.Lock()
_seen_lock = threading.Lock()
_builds_seen: set[str] = set()  # builds this process has served or warmed
_builds_warmed: set[str] = set()


def _note_served(build: str) -> None:
    """Warm a build served for the first time after another: one published by anything
    other than this process's refresher (the Add page, `python -m lib.ingest`, a build
    cluster writing to a replica's store). The first build a server serves is warmed by
    `make run`'s visit, or after its first reader's page (warm_after_first_reader)."""
    with _seen_lock:
        new_after_another = build not in _builds_seen and bool(_builds_seen)
        _builds_seen.add(build)
    if new_after_another:
        warm_in_background()


def _claim_warm_up(build: str) -> bool:
    """Whether ``build`` is still to be warmed, marking it as warmed (each build is warmed once)."""
    with _seen_lock:
        if build in _builds_warmed:
            return False
        _builds_seen.add(build)  # the visits that warm it serve it: not warmed twice
        _builds_warmed.add(build)
        return True


def warm_after_first_reader() -> None:
    """At the end of each run of the app's script: the first reader of a server's first
    build sets off the warm-up of the other views, once that reader's page is drawn.

    A server that no warm-up visit reaches at start (a hosted deployment, which wakes for
    its first reader; `streamlit run` by hand) left every page's first computation to the
    first reader to open it (at 10,000 articles, Attacks 2.8 s and Timeline 3.2 s, against
    1.9-2.5 and 2.2-2.7 s once the server had warmed them). A warm-up visit claims the build
    for itself instead (`make run` sends one), and AppTest, whose sessions have no client,
    warms nothing."""
    headers = st.context.headers
    if not headers.get("Host"):
        return
    build = current_build_id()
    if not _claim_warm_up(build) or headers.get("User-Agent") == WARM_UP_AGENT:
        return
    threading.Thread(target=_warm_now, args=(build,), name="crosscurrents-warm", daemon=True).start()


def warm_in_background() -> None:
    """After a new build is published: fill its caches for every page, in a thread."""
    threading.Thread(target=_warm_now, name="crosscurrents-warm", daemon=True).start()


def _warm_now(claimed: str | None = None) -> None:
    """Warm the build being served (``claimed``: the first build, already claimed, whose caches
    hold what its first reader's page computed: kept)."""
    with _warming:  # one warm-up at a time; one asked for meanwhile still runs, for the newer build
        build = store.current_build_name(STORE_DIR)
        if claimed is not None and build != claimed:
            return  # a newer build was published meanwhile: its own warm-up fills it
        if claimed is None:
            if not _claim_warm_up(build):
                return  # asked twice (published here, then seen served by a reader first)
            # Every cache, not only the build pin (which would keep the old build for up to 5 s):
            # the old builds' tables and views stayed until evicted, and the server grew by
            # 0.45 GB with each new build at 100,000 articles (4.25 GB after six); and the
            # registry and outlets are read again, since a rebuild may come from changed dictionaries.
            st.cache_resource.clear()
        url = own_url()
        if not _wait_until_up(url, 0):
            return  # no server to visit (an AppTest run, a server stopping)
        print(warm_report(visit_pages(url), build), file=sys.stderr, flush=True)


def warm_report(visits: list[PageVisit], build: str | None = None) -> str:
    failed = [f"{v.view or 'overview'}: {v.error}" for v in visits if v.error]
    what = f"for {build} " if build else ""
    head = f"crosscurrents: warm-up {what}opened {len(visits) - len(failed)} of {len(visits)} views in {sum(v.seconds for v in visits):.1f} s"
    return head + (" (" + "; ".join(failed) + ")" if failed else "")


def _wait_until_up(base_url: str, wait: float) -> bool:
    """Whether the server answers its health check, asked at once and then each second for ``wait`` s."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(base_url.rstrip("/") + "/_stcore/health", timeout=5) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    """``python -m lib.loaders warm --url URL [--wait S]``: a warm-up visit to a server
    just started (``make run`` sends one), so its first readers find the caches filled."""
    parser = argparse.ArgumentParser(prog="python -m lib.loaders")
    sub = parser.add_subparsers(dest="command", required=True)
    warm = sub.add_parser("warm", help="open every page of a running app once")
    warm.add_argument("--url", default="http://127.0.0.1:8501")
    warm.add_argument("--wait", type=float, default=0, help="seconds to wait for the server to come up")
    args = parser.parse_args(argv)
    if args.wait and not _wait_until_up(args.url, args.wait):
        print(f"crosscurrents: warm-up skipped: {args.url} did not answer within {args.wait:.0f} s", file=sys.stderr)
        return 1
    visits = visit_pages(args.url)
    print(warm_report(visits), file=sys.stderr)
    return 1 if any(v.error for v in visits) else 0


if __name__ == "__main__":
    sys.exit(main())
