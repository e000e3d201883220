"""Keeping the served store current without making readers wait for a rebuild.

Pages read whatever build ``CURRENT`` names. A change to the corpus, the
dictionaries or the code makes the store stale. Before, the first session to
notice rebuilt it on its own script thread while every session waited for it:
35 s at 10,000 articles, 6-7 minutes at 100,000, for a curator's new alias in
``data/actors.yaml``; and the staleness check itself (``pipeline.input_hash``,
0.7 s at 100,000 articles) was paid every 30 s by whichever rerun came next.

A ``Refresher`` does both in the background: at most every ``interval``
seconds a daemon thread checks the inputs and, when they changed, runs the
rebuild as a separate process at a lower priority (``python -m lib.pipeline
build --nice``), so the server's own process keeps serving the last build at
full speed until the new one is published. A rebuild that fails is not retried
for the same inputs (it would fail again every interval); its error is kept for
the pages to show. A store with no build at all is not this module's business:
there is nothing to serve until the first build exists.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lib import pipeline, store
from lib.paths import ROOT

CHECK_INTERVAL_S = 30.0
BUILD_NICENESS = 10  # the rebuild yields the cores to the server's readers


@dataclass(frozen=True)
class RefreshState:
    """What a page says about the store: a rebuild under way since ``rebuilding_since``
    (a time.time()), or the last rebuild's ``error`` (it is still serving the build before)."""

    rebuilding_since: float | None = None
    error: str | None = None


class Refresher:
    def __init__(self, corpus_dir: Path, store_dir: Path, data_dir: Path, interval: float = CHECK_INTERVAL_S,
                 on_published: Callable[[], None] | None = None):
        """``on_published``: called in the background thread after a rebuild is published
        (the app warms the new build's caches with it, so no reader waits for them)."""
        self.corpus_dir, self.store_dir, self.data_dir = Path(corpus_dir), Path(store_dir), Path(data_dir)
        self.interval = interval
        self.on_published = on_published
        self.builds_started = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._checked_at = float("-inf")
        self._since: float | None = None
        self._error: str | None = None
        self._failed_inputs: str | None = None

    def poke(self) -> None:
        """Check the inputs in the background unless a check ran within ``interval``
        or is still running (a rebuild included). Returns at once."""
        with self._lock:
            if (self._thread is not None and self._thread.is_alive()) or time.monotonic() - self._checked_at < self.interval:
                return
            self._checked_at = time.monotonic()
            self._thread = threading.Thread(target=self._check, name="crosscurrents-refresh", daemon=True)
            self._thread.start()

    def state(self) -> RefreshState:
        return RefreshState(self._since, self._error)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running check (and rebuild) to end; False if it is still running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _check(self) -> None:
        try:
            inputs = pipeline.input_hash(self.corpus_dir)
            manifest = store.read_manifest(self.store_dir)
        except (OSError, ValueError) as err:  # a corpus folder gone, a manifest cut short: said, checked again later
            self._error = f"its inputs could not be read ({type(err).__name__}: {err})"
            return
        if manifest is None or pipeline.built_from(manifest, inputs):
            self._error, self._failed_inputs = None, None  # current (or not built yet: built before any page, elsewhere)
            return
        if inputs == self._failed_inputs:
            return
        self._since = time.time()
        self.builds_started += 1
        try:
            self._error = self._rebuild()
        finally:
            self._since = None
        self._failed_inputs = inputs if self._error else None
        if self._error is None and self.on_published is not None:
            self.on_published()

    def _rebuild(self) -> str | None:
        """Run the build in its own process; what it said went wrong (``failure``), if it failed."""
        cmd = [sys.executable, "-m", "lib.pipeline", "build", "--corpus", str(self.corpus_dir), "--out", str(self.store_dir),
               "--nice", str(BUILD_NICENESS)]
        env = {**os.environ, "CROSSCURRENTS_DATA": str(self.data_dir), "CROSSCURRENTS_CORPUS": str(self.corpus_dir),
               "CROSSCURRENTS_STORE": str(self.store_dir)}
        try:
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
        except OSError as err:
            return f"the rebuild could not start: {err}"
        if done.returncode == 0:
            return None
        return failure(done.stderr) or f"the rebuild exited with status {done.returncode}"


ERROR_LINE_RE = re.compile(r"error: |[A-Za-z_][\w.]*(?:Error|Exception|Failed|Locked)\b")


def failure(stderr: str) -> str | None:
    """What a failed build said: its error line (the CLI's "error: ...", or a
    traceback's exception) and the lines after it, on one line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    for i in range(len(lines) - 1, -1, -1):
        if ERROR_LINE_RE.match(lines[i]):
            return " ".join(line.strip() for line in lines[i:])[:600]
    return lines[-1].strip()[:600] if lines else None


def notice(state: RefreshState, served_built_at: str | None) -> tuple[str, str] | None:
    """(kind, text) for the pages while a rebuild runs ("info") or after one failed
    ("warning"); None when the store is current. ``served_built_at``: the served
    build's manifest ``built_at``."""
    served = f"the build of {_utc_minute(served_built_at)} UTC" if served_built_at else "the last build"
    if state.rebuilding_since is not None:
        since = time.strftime("%H:%M:%S", time.gmtime(state.rebuilding_since))
        return "info", (f"The corpus, dictionaries or code changed: the store is being rebuilt (since {since} UTC). "
                        f"Until the new build is ready, the pages show {served}.")
    if state.error:
        return "warning", f"The store could not be rebuilt: {state.error}. The pages show {served}, from before the change."
    return None


def _utc_minute(built_at: str) -> str:
    """A manifest's ``built_at`` (local time with its offset) in UTC, to the minute."""
    try:
        return datetime.strptime(built_at, "%Y-%m-%dT%H:%M:%S%z").astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return built_at
