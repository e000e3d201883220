"""Playwright harness for Crosscurrents' browser tests.

Every test under tests/browser gets ``pytest.mark.browser`` automatically.

Fixtures
--------
``app_url`` (session)
    Base URL (``http://127.0.0.1:PORT``, no trailing slash) of ONE
    ``streamlit run app.py`` server started from the repo root for the whole
    session.  The environment is passed through, so e.g.
    ``CROSSCURRENTS_STORE`` reaches the app.
``browser`` (session)
    Playwright sync ``Browser`` on Debian's /usr/bin/chromium (headless).
    Fails -- never skips -- when chromium is missing (``make chromium``).
``page_probe`` (function)
    A ``Probe`` bound to ``app_url``: fresh browser context + page that
    records external requests (and aborts them), console errors and page
    errors.  ``probe.goto("/")`` then ``probe.assert_clean()``.
``streamlit_launcher`` (session)
    ``launch(script_path, *, cwd=REPO_ROOT, env=None, timeout=60.0)`` starts
    another streamlit server on a free port and returns a
    ``StreamlitServer`` (``.url``, ``.port``, ``.logs()``, ``.stop()``); all
    servers it started are stopped at session end.
``probe_factory`` (function)
    ``make(base_url) -> Probe`` for servers other than ``app_url``.

Probe API: ``.page``, ``.context``, ``.base_url``, ``.external_requests``
(list of "METHOD URL" / "WEBSOCKET URL" strings), ``.console_errors``,
``.page_errors``, ``.goto(path="/", timeout=30.0)``,
``.wait_for_app(timeout=30.0)`` (use after an interaction that reruns the
script), ``.exceptions()`` (texts of rendered ``stException`` boxes) and
``.assert_clean(allow_exceptions=False)``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0
APP_RUN_TIMEOUT = 30.0

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_NON_NETWORK_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}

# Console errors that are known-benign noise and carry no signal: (message
# substring, regex the error's source URL must match). Keep this minimal.
# - Opening a page's own URL (/attacks): Streamlit's frontend first probes
#   whether the app is served under that path as a base URL, asking
#   /attacks/_stcore/health and /_stcore/host-config; the 404s are expected
#   and it then connects at the root. Only those two endpoints are excused.
BENIGN_CONSOLE_ERRORS: tuple[tuple[str, str], ...] = (
    ("status of 404", r"^https?://[^/]+/[\w-]+/_stcore/(health|host-config)$"),
)


# --------------------------------------------------------------------------
# markers
# --------------------------------------------------------------------------
_THIS_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected item of the session, so filter by path.
    for item in items:
        try:
            path = Path(str(item.path)).resolve()
        except AttributeError:  # pragma: no cover - very old pytest
            path = Path(str(item.fspath)).resolve()
        if _THIS_DIR in path.parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------
# streamlit server helper
# --------------------------------------------------------------------------
def is_local_url(url: str) -> bool:
    """True for loopback http(s)/ws(s) URLs and for non-network schemes."""
    parts = urlsplit(url)
    if parts.scheme in _NON_NETWORK_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    return host in _LOCAL_HOSTS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _streamlit_cmd() -> list[str]:
    exe = REPO_ROOT / ".venv" / "bin" / "streamlit"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "streamlit"]


class StreamlitServer:
    """A ``streamlit run`` subprocess listening on 127.0.0.1:port."""

    def __init__(self, script: Path, *, cwd: Path, env: dict[str, str] | None):
        self.script = Path(script).resolve()
        self.cwd = Path(cwd)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._terminated = False
        self._logdir = Path(tempfile.mkdtemp(prefix="st-server-"))
        self._stdout = open(self._logdir / "stdout.log", "wb")
        self._stderr = open(self._logdir / "stderr.log", "wb")
        full_env = dict(os.environ)
        full_env.update(env or {})
        full_env.setdefault("PYTHONUNBUFFERED", "1")
        cmd = _streamlit_cmd() + [
            "run",
            str(self.script),
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # Tests never edit sources while running: no file watcher threads.
            "--server.fileWatcherType", "none",
        ]
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(self.cwd),
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
            start_new_session=True,  # own process group: clean stop below
        )

    def logs(self) -> str:
        for f in (self._stdout, self._stderr):
            try:
                f.flush()
            except ValueError:
                pass
        out = (self._logdir / "stdout.log").read_text(errors="replace")
        err = (self._logdir / "stderr.log").read_text(errors="replace")
        return f"--- streamlit stderr ---\n{err}\n--- streamlit stdout ---\n{out}"

    def wait_for_log(self, text: str, timeout: float = 120) -> bool:
        """Whether ``text`` appears in the server's output within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while text not in self.logs():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.5)
        return True

    def wait_healthy(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        health = f"{self.url}/_stcore/health"
        last = "no answer yet"
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                pytest.fail(
                    f"streamlit exited with code {rc} before becoming healthy "
                    f"({self.script})\n{self.logs()}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as resp:
                    body = resp.read().decode(errors="replace").strip()
                    if resp.status == 200 and body == "ok":
                        return
                    last = f"HTTP {resp.status}: {body[:200]!r}"
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                last = repr(exc)
            time.sleep(0.1)
        self.stop()
        pytest.fail(
            f"streamlit did not answer 'ok' on {health} within {timeout:.0f}s "
            f"(last: {last})\n{self.logs()}",
            pytrace=False,
        )

    def terminate(self) -> None:
        """Ask the server to stop, without waiting: the session's servers are asked
        together, then waited for (0.5-1 s each; one by one they took 12 s of a run)."""
        if self.proc.poll() is None and not self._terminated:
            self._terminated = True
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        for f in (self._stdout, self._stderr):
            f.close()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self._logdir, ignore_errors=True)


def start_streamlit(
    script: str | os.PathLike,
    *,
    cwd: str | os.PathLike = REPO_ROOT,
    env: dict[str, str] | None = None,
    timeout: float = SERVER_START_TIMEOUT,
) -> StreamlitServer:
    """Start ``streamlit run SCRIPT`` on a free loopback port, wait for health."""
    script = Path(script)
    if not script.is_file():
        pytest.fail(f"streamlit script not found: {script}", pytrace=False)
    server = StreamlitServer(script, cwd=Path(cwd), env=env)
    server.wait_healthy(timeout)
    return server


@pytest.fixture(scope="session")
def streamlit_launcher():
    servers: list[StreamlitServer] = []

    def launch(script, *, cwd=REPO_ROOT, env=None, timeout=SERVER_START_TIMEOUT):
        server = start_streamlit(script, cwd=cwd, env=env, timeout=timeout)
        servers.append(server)
        return server

    yield launch
    for server in servers:
        server.terminate()
    for server in servers:
        server.cleanup()


@pytest.fixture(scope="session")
def app_url(streamlit_launcher):
    server = streamlit_launcher(REPO_ROOT / "app.py")
    yield server.url


# --------------------------------------------------------------------------
# browser
# --------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's chromium. "
            "Run `make chromium` (apt-get install -y chromium).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception:
        pw.stop()
        raise
    yield browser
    browser.close()
    pw.stop()


class Probe:
    """One browser context + page, watching for leaks and errors."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url.rstrip("/")
        self.external_requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []  # every URL the page asked for, in order
        self.context = browser.new_context(
            viewport={"width": 1366, "height": 900},
            locale="en-US",
            timezone_id="UTC",
            service_workers="block",  # every request goes through our route
        )
        self.context.route(lambda url: not is_local_url(url), self._abort_external)
        self.context.route_web_socket(
            lambda url: not is_local_url(url), self._close_external_ws
        )
        self.page = self.context.new_page()
        self.page.on("request", self._on_request)
        self.page.on("websocket", self._on_websocket)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_pageerror)

    # -- recorders ---------------------------------------------------------
    def _record_external(self, entry: str) -> None:
        if entry not in self.external_requests:
            self.external_requests.append(entry)

    def _abort_external(self, route) -> None:
        req = route.request
        self._record_external(f"{req.method} {req.url}")
        route.abort("blockedbyclient")

    def _close_external_ws(self, ws_route) -> None:
        # Not calling connect_to_server(): the socket never leaves the machine.
        self._record_external(f"WEBSOCKET {ws_route.url}")
        ws_route.close()

    def _on_request(self, request) -> None:
        self.requests.append(request.url)
        if not is_local_url(request.url):
            self._record_external(f"{request.method} {request.url}")

    def _on_websocket(self, ws) -> None:
        if not is_local_url(ws.url):
            self._record_external(f"WEBSOCKET {ws.url}")

    def _on_console(self, msg) -> None:
        if msg.type != "error":
            return
        text = msg.text
        loc = msg.location or {}
        if any(b in text and re.match(url_re, loc.get("url", "")) for b, url_re in BENIGN_CONSOLE_ERRORS):
            return
        where = loc.get("url", "")
        if where:
            where = f" @ {where}:{loc.get('lineNumber', '?')}"
        self.console_errors.append(f"{text}{where}")

    def _on_pageerror(self, exc) -> None:
        stack = getattr(exc, "stack", None) or ""
        self.page_errors.append(f"{exc}" + (f"\n{stack}" if stack else ""))

    # -- navigation --------------------------------------------------------
    def goto(self, path: str = "/", timeout: float = APP_RUN_TIMEOUT):
        url = self.base_url + "/" + path.lstrip("/")
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        self.wait_for_app(timeout)
        return self.page

    def download(self, button_name: str, to, timeout: float = 60_000) -> str:
        """Click the (last) download button named ``button_name``, save what it sends at
        ``to`` and return the file name it suggests."""
        button = self.page.get_by_role("button", name=button_name).last
        button.wait_for(state="visible", timeout=30_000)
        with self.page.expect_download(timeout=timeout) as info:
            button.click()
        info.value.save_as(to)
        return info.value.suggested_filename

    def wait_for_app(self, timeout: float = APP_RUN_TIMEOUT, settle: float = 0.3):
        """Wait until the Streamlit script run is over and nothing shows Running."""
        page = self.page
        deadline = time.monotonic() + timeout
        app = page.locator('[data-testid="stApp"]')
        app.wait_for(state="attached", timeout=timeout * 1000)
        running = page.locator(
            '[data-testid="stStatusWidget"]:has-text("Running"), '
            '[data-testid="stStatusWidgetRunningIcon"]'
        )
        idle_since = None
        state = conn = None
        while True:
            conn = app.get_attribute("data-test-connection-state")
            # "initial" until the first run has an id; "notRunning" after it.
            state = app.get_attribute("data-test-script-state")
            if conn == "DISCONNECTED_FOREVER":
                raise AssertionError(f"Streamlit app lost its server at {page.url}")
            idle = (
                conn == "CONNECTED"
                and state in ("notRunning", "compilationError")
                and running.count() == 0
            )
            now = time.monotonic()
            if idle:
                idle_since = idle_since or now
                # Idle for a while, not just between two runs: a page that calls
                # st.rerun (ensure_navigation on a fresh server) is briefly idle.
                if now - idle_since >= 0.6:
                    break
            else:
                idle_since = None
            if now > deadline:
                raise AssertionError(
                    f"Streamlit app at {page.url} still running after {timeout:.0f}s "
                    f"(connection={conn}, script={state}, "
                    f"running-indicators={running.count()})"
                )
            page.wait_for_timeout(100)
        if settle:
            page.wait_for_timeout(settle * 1000)
        return page

    # -- checks ------------------------------------------------------------
    def exceptions(self) -> list[str]:
        boxes = self.page.locator('[data-testid="stException"]')
        return [boxes.nth(i).inner_text() for i in range(boxes.count())]

    def assert_clean(self, allow_exceptions: bool = False) -> None:
        problems = []
        if self.external_requests:
            problems.append(
                "external requests (aborted):\n  " + "\n  ".join(self.external_requests)
            )
        if self.console_errors:
            problems.append("console errors:\n  " + "\n  ".join(self.console_errors))
        if self.page_errors:
            problems.append("page errors:\n  " + "\n  ".join(self.page_errors))
        if not allow_exceptions:
            exc = self.exceptions()
            if exc:
                problems.append("rendered st.exception boxes:\n  " + "\n  ".join(exc))
        if problems:
            raise AssertionError(
                f"page {self.page.url} is not clean:\n" + "\n".join(problems)
            )

    def close(self) -> None:
        try:
            self.context.close()
        except Exception:
            pass


@pytest.fixture
def probe_factory(browser):
    probes: list[Probe] = []

    def make(base_url: str) -> Probe:
        probe = Probe(browser, base_url)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.close()


@pytest.fixture
def page_probe(probe_factory, app_url):
    return probe_factory(app_url)
