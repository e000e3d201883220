"""The store is rebuilt in the background when its inputs change; pages keep the last build meanwhile."""
from __future__ import annotations

import time

from lib import refresh, store
from lib.paths import ROOT

NEW_ARTICLE = (
    "Drone strikes on US bases\n\n"
    "BAGHDAD, March 1, 2024 - Kataib Hezbollah claimed a drone attack on a US base in eastern Syria on Friday, "
    "the group said in a statement. The Popular Mobilization Forces did not comment.\n"
)


def article_ids(build_name: str, store_dir) -> set[str]:
    return set(store.read_arrow("articles", columns=["article_id"], build=store_dir / build_name)["article_id"].to_pylist())


def rebuilding_started(r: refresh.Refresher, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if r.state().rebuilding_since is not None:
            return True
        if r.wait(0.01):
            return False
    return False


def test_a_changed_corpus_is_rebuilt_in_the_background_while_the_last_build_is_served(data):
    store_dir = data / "processed"
    served = store.current_build_name(store_dir)
    (data / "corpus" / "zz_added_by_hand.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    published = []  # the build CURRENT names when the app is told (it warms that build's caches)
    r = refresh.Refresher(data / "corpus", store_dir, data, interval=0,
                          on_published=lambda: published.append(store.current_build_name(store_dir)))
    with store.lock(store_dir):  # the rebuild waits for it: it is "under way" for as long as the test needs
        started = time.monotonic()
        r.poke()
        assert time.monotonic() - started < 0.5  # the caller does not wait for the check, let alone the build
        assert rebuilding_started(r)
        assert store.current_build_name(store_dir) == served  # still serving the last build
        kind, text = refresh.notice(r.state(), "2026-11-24T02:05:14+0200")
        assert kind == "info" and "being rebuilt" in text and "the build of 2026-11-24 00:05 UTC" in text
        assert published == []
    assert r.wait(300)
    rebuilt = store.current_build_name(store_dir)
    assert rebuilt != served
    assert published == [rebuilt]
    assert "zz_added_by_hand" in article_ids(rebuilt, store_dir)
    assert "zz_added_by_hand" not in article_ids(served, store_dir)
    assert r.state() == refresh.RefreshState() and refresh.notice(r.state(), None) is None
    r.poke()  # current now: checked, not rebuilt
    assert r.wait(60)
    assert r.builds_started == 1 and store.current_build_name(store_dir) == rebuilt
    assert published == [rebuilt]  # nothing new published, nothing to warm


def test_a_failed_rebuild_is_reported_not_retried_and_the_last_build_stays(data):
    store_dir = data / "processed"
    served = store.current_build_name(store_dir)
    actors = data / "actors.yaml"
    good = actors.read_text(encoding="utf-8")
    actors.write_text("actors: [unclosed\n", encoding="utf-8")
    published = []
    r = refresh.Refresher(data / "corpus", store_dir, data, interval=0, on_published=lambda: published.append(store.current_build_name(store_dir)))
    r.poke()
    assert r.wait(300)
    state = r.state()
    assert state.rebuilding_since is None
    assert state.error.startswith("yaml.parser.ParserError: ") and "actors.yaml" in state.error  # what failed, where
    kind, text = refresh.notice(state, None)
    assert kind == "warning" and text.startswith("The store could not be rebuilt: ") and "the last build" in text
    assert store.current_build_name(store_dir) == served
    assert published == []  # nothing new to warm
    r.poke()  # the same inputs would fail again: not retried
    assert r.wait(60)
    assert r.builds_started == 1 and r.state().error == state.error
    actors.write_text(good + "\n", encoding="utf-8")  # fixed (and changed): rebuilt
    r.poke()
    assert r.wait(300)
    assert r.builds_started == 2 and r.state() == refresh.RefreshState()
    assert store.current_build_name(store_dir) != served
    assert published == [store.current_build_name(store_dir)]


def test_the_interval_bounds_how_often_the_inputs_are_checked(data, monkeypatch):
    checks = []
    monkeypatch.setattr(refresh.pipeline, "input_hash", lambda corpus: checks.append(corpus) or "unchanged")
    monkeypatch.setattr(refresh.store, "read_manifest", lambda store_dir: {"input_hash": "unchanged", "schema_version": store.SCHEMA_VERSION})
    r = refresh.Refresher(data / "corpus", data / "processed", data, interval=3600)
    for _ in range(5):
        r.poke()
        r.wait(10)
    assert len(checks) == 1 and r.builds_started == 0


def test_the_rebuild_runs_the_pipeline_cli_at_lower_priority(data, monkeypatch):
    seen = {}

    class Done:
        returncode, stderr = 0, ""

    def run(cmd, **kwargs):
        seen.update(cmd=cmd, **kwargs)
        return Done()

    monkeypatch.setattr(refresh.subprocess, "run", run)
    r = refresh.Refresher(data / "corpus", data / "processed", data)
    assert r._rebuild() is None
    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "lib.pipeline", "build"] and cmd[cmd.index("--nice") + 1] == str(refresh.BUILD_NICENESS)
    assert cmd[cmd.index("--out") + 1] == str(data / "processed") and seen["cwd"] == ROOT
    assert seen["env"]["CROSSCURRENTS_DATA"] == str(data)


def test_inputs_that_cannot_be_read_are_reported_and_checked_again(data, monkeypatch):
    r = refresh.Refresher(data / "corpus", data / "processed", data, interval=0)
    real = refresh.pipeline.input_hash
    monkeypatch.setattr(refresh.pipeline, "input_hash", lambda corpus: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    r.poke()
    assert r.wait(10)
    kind, text = refresh.notice(r.state(), None)
    assert kind == "warning" and text.startswith("The store could not be rebuilt: its inputs could not be read (PermissionError: ")
    monkeypatch.setattr(refresh.pipeline, "input_hash", real)
    r.poke()
    assert r.wait(60)
    assert r.state() == refresh.RefreshState() and r.builds_started == 0
