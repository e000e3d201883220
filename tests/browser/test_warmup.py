"""The warm-up visit (lib/loaders.py): it opens every page of a running server the way a
new reader does, and says which pages failed; `make run` sends one once the server is up.

Against real `streamlit run` servers (no browser needed: the visit speaks the app's WebSocket).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

from lib import loaders, store
from tests.fixtures.datadir import ROOT, env_for, make_template
from tests.unit.test_refresh import NEW_ARTICLE

WARMED = f"{len(loaders.WARM_VIEWS)} of {len(loaders.WARM_VIEWS)} views"
APP_TITLES = {"": "Crosscurrents", "attacks": "Attacks", "timeline": "Timeline & Map", "search": "Search",
              "compare": "Compare", "network": "Actor network"}


def test_every_page_a_reader_lands_on_is_warmed():
    """The pages listed in app.py, except Add (a form that computes nothing), each with its default view."""
    listed = re.findall(r'st\.Page\("pages/\w+\.py", title="[^"]+", url_path="(\w+)"', (ROOT / "app.py").read_text(encoding="utf-8"))
    default = re.search(r'url_path="(\w+)", default=True', (ROOT / "app.py").read_text(encoding="utf-8")).group(1)
    default_views = [v for v in loaders.WARM_VIEWS if "?" not in v]
    assert sorted(default_views) == sorted("" if p == default else p for p in listed if p != "add")


def test_a_warm_up_visit_runs_each_view_to_its_end(app_url):
    visits = loaders.visit_pages(app_url)
    assert [v.view for v in visits] == list(loaders.WARM_VIEWS)
    assert [v.error for v in visits] == [None] * len(visits)
    # Each page drew its own heading: the visit ran that page, not the default one.
    assert {v.view: v.title for v in visits} == {view: APP_TITLES[view.partition("?")[0]] for view in loaders.WARM_VIEWS}
    assert loaders.warm_report(visits, "build-x").startswith(f"crosscurrents: warm-up for build-x opened {WARMED} in ")


def test_a_views_query_reaches_the_page(app_url):
    """A visit to "search?q=drone" runs the search (its hits drawn), one to "search" does not."""
    plain, searched = loaders.visit_pages(app_url, views=("search", "search?q=drone"))
    assert plain.error is None and searched.error is None
    assert searched.elements > plain.elements


def test_a_page_that_is_missing_or_raises_is_reported(app_url, streamlit_launcher, tmp_path):
    missing = loaders.visit_pages(app_url, views=("no-such-page",))
    assert missing[0].error == "page not found: 'no-such-page'"
    broken = tmp_path / "broken.py"
    broken.write_text('import streamlit as st\nst.title("Before")\nraise ValueError("a page that raises")\n', encoding="utf-8")
    server = streamlit_launcher(broken, cwd=tmp_path)
    visit = loaders.visit_pages(server.url, views=("",))[0]
    assert (visit.title, visit.error) == ("Before", "ValueError on the page")  # the app's own config would hide the type
    assert "opened 0 of 1 views" in loaders.warm_report([visit]) and "(overview: ValueError on the page)" in loaders.warm_report([visit])


def test_the_command_line_waits_for_the_server_and_says_what_it_did(app_url, capsys):
    assert loaders.main(["warm", "--url", app_url, "--wait", "5"]) == 0
    assert f"opened {WARMED}" in capsys.readouterr().err
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    assert loaders.main(["warm", "--url", dead, "--wait", "1"]) == 1
    assert "did not answer within 1 s" in capsys.readouterr().err


def test_a_build_published_elsewhere_is_warmed_once_the_server_serves_it(streamlit_launcher, tmp_path_factory):
    """A replica (CROSSCURRENTS_REBUILD=0) whose store gets a new build from outside: the
    first reader to be served it sets off the warm-up of the other pages; the first build the
    server serves does not: the warm-up visit that opened it first claimed it."""
    data = make_template(tmp_path_factory.mktemp("warm-replica") / "data")
    server = streamlit_launcher(ROOT / "app.py", env={**env_for(data), "CROSSCURRENTS_REBUILD": "0"})
    assert loaders.visit_pages(server.url, views=("attacks",))[0].error is None
    (data / "corpus" / "zz_added_by_hand.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "lib.pipeline", "build"], cwd=ROOT, env={**os.environ, **env_for(data)},
                   check=True, capture_output=True)
    rebuilt = store.current_build_name(data / "processed")
    time.sleep(5.5)  # the pages' few seconds' pin on a build (lib/loaders.py)
    assert loaders.visit_pages(server.url, views=("search",))[0].error is None
    assert server.wait_for_log(f"crosscurrents: warm-up for {rebuilt} opened {WARMED} in ")
    assert server.logs().count("crosscurrents: warm-up") == 1  # the first build served was not warmed, this one once


def test_a_servers_first_reader_sets_off_the_warm_up_of_its_first_build(streamlit_launcher, probe_factory, tmp_path_factory):
    """A server no warm-up visit reached at start (a hosted deployment wakes for its first
    reader; `streamlit run` by hand): once the first reader's page is drawn, in a real
    browser, the server opens every view itself, once for all its readers."""
    data = make_template(tmp_path_factory.mktemp("warm-first-reader") / "data")
    server = streamlit_launcher(ROOT / "app.py", env=env_for(data))
    build = store.current_build_name(data / "processed")
    reader = probe_factory(server.url)
    reader.goto("/attacks")
    assert server.wait_for_log(f"crosscurrents: warm-up for {build} opened {WARMED} in ")
    probe_factory(server.url).goto("/network")  # another reader, another session
    reader.goto("/")
    time.sleep(1)
    assert server.logs().count("crosscurrents: warm-up") == 1
    reader.assert_clean()


def test_a_warm_up_visit_at_start_leaves_the_server_nothing_to_warm(streamlit_launcher, probe_factory, tmp_path_factory):
    """`make run`'s warm-up visit comes first: its visits claim the build, and a reader after it
    sets off no second warm-up in the server."""
    data = make_template(tmp_path_factory.mktemp("warm-by-visit") / "data")
    server = streamlit_launcher(ROOT / "app.py", env=env_for(data))
    assert loaders.visit_pages(server.url, views=("",))[0].error is None
    probe_factory(server.url).goto("/attacks")
    # The server's own warm-up of the seeds takes 2-4 s: given 10, it would have said so.
    assert not server.wait_for_log("crosscurrents: warm-up", timeout=10)
