"""The Network page in a real headless Chromium: the vis-network canvas draws the
seed graph with nothing fetched off the machine, the reader's actor links open the
profile, and an article full of script payloads shows them as text, running none."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.fixtures.datadir import ROOT, env_for, make_template

PAYLOAD_ARTICLE = """Militias strike US base near Erbil

Kataib Hezbollah attacked US forces near Erbil on Monday <script>window.__xss=1</script> <img src="http://evil.example/x.png" onerror="window.__xss=2"> <img src=x onerror=window.__xss=5> according to officials.

Iran-backed militias threatened Israel again </script><script>window.__xss=3</script><svg/onload="window.__xss=4"> in a statement.
"""
PAYLOAD_META = """outlet: "Payload Outlet <b onmouseover=window.__xss=6>x</b>"
published: 2024-03-01
date_precision: day
perspective: iraqi
language: en
"""


def graph_frames(page, count: int, timeout_ms: int = 50_000) -> list:
    """The frames holding vis-network graphs, once ``count`` of them have come to rest
    (a page's second graph can come after its first)."""
    page.locator("iframe").first.wait_for(state="attached", timeout=timeout_ms)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        stable = []
        for frame in page.frames:
            try:
                if frame.locator('#network[data-stable="1"]').count():
                    stable.append(frame)
            except Exception:  # a frame navigating away while we look
                continue
        if len(stable) >= count:
            return stable
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(stable)} vis-network graph(s) at rest on the page, not {count}")
        page.wait_for_timeout(200)


def graph_frame(page, timeout_ms: int = 50_000):
    """The frame holding the vis-network graph, once its layout has come to rest."""
    return graph_frames(page, 1, timeout_ms)[0]


def test_graph_draws_offline(page_probe):
    page = page_probe.goto("/network")
    frame = graph_frame(page)
    canvas = frame.locator("#network canvas")
    assert canvas.count() == 1
    box = canvas.bounding_box()
    assert box["width"] > 600 and box["height"] > 500
    assert frame.evaluate("window.crosscurrentsNetwork.body.data.nodes.length") == 22
    assert frame.evaluate("window.crosscurrentsNetwork.body.data.edges.length") == 44
    # physics was switched off once the layout came to rest
    assert frame.evaluate("window.crosscurrentsNetwork.physics.physicsEnabled") is False
    assert "Iran-aligned / Axis of Resistance" in frame.locator("#legend").inner_text()
    page.screenshot(path="/tmp/network.png", full_page=True)
    page_probe.assert_clean()


def test_reader_link_opens_the_profile(page_probe):
    page = page_probe.goto("/network?actor=pmf")
    page.get_by_text("members and units:").first.wait_for(timeout=30_000)
    assert "actor=Popular+Mobilization+Forces" in page.url
    frames = graph_frames(page, 2)  # the profile's own graph, and the whole network's
    assert sorted(f.evaluate("window.crosscurrentsNetwork.body.data.nodes.length") for f in frames) == [4, 22]
    for f in frames:  # each frame shows its graph and legend whole: nothing cut at the bottom or the right
        fits = f.evaluate("""() => {
            const root = document.documentElement, legend = document.getElementById("legend").getBoundingClientRect();
            const graph = document.getElementById("network").getBoundingClientRect();
            return {legend_bottom: legend.bottom, graph_right: graph.right, height: root.clientHeight, width: root.clientWidth};
        }""")
        assert fits["legend_bottom"] <= fits["height"] and fits["graph_right"] <= fits["width"], fits
    page_probe.assert_clean()


def test_a_link_by_id_with_filters_keeps_them_in_the_link(page_probe):
    # The id is turned into the picker's name before the sidebar's widgets are drawn: after
    # them, Streamlit refused to set their keys in the rewritten link and the page stopped.
    page = page_probe.goto("/network?actor=pmf&outlet=Shafaq+News&from=2024-01-01")
    page.get_by_text("members and units:").first.wait_for(timeout=30_000)
    assert "actor=Popular+Mobilization+Forces" in page.url and "outlet=Shafaq+News" in page.url and "from=2024-01-01" in page.url, page.url
    expect(page.get_by_text("from Shafaq News; dated from 2024-01-01").first).to_be_attached(timeout=30_000)
    page_probe.assert_clean()
    # Back to the link as first opened, in the same session: the picker is bound by then,
    # and rewriting the link again stopped the page. The profile shows, the link names it.
    page.go_back()
    page.wait_for_url("**actor=Popular+Mobilization+Forces**", timeout=30_000)
    page_probe.wait_for_app()
    page.get_by_text("members and units:").first.wait_for(timeout=30_000)
    assert "from=2024-01-01" in page.url and page.get_by_text("which is not available here").count() == 0
    page_probe.assert_clean()


def test_profile_csv_holds_every_relation_with_its_sentence(page_probe, tmp_path):
    """The profile shows its first relations, their sentences read for them; the CSV, made
    when clicked, reads every one of them with its sentence."""
    import pandas as pd

    from lib import store
    from lib.paths import STORE_DIR

    page_probe.goto("/network?actor=pmf")
    path = tmp_path / "relations.csv"
    assert page_probe.download("Download CSV", path) == "crosscurrents-pmf-relations.csv"
    csv = pd.read_csv(path)
    r = store.read_table("relations", STORE_DIR)
    r = r[r["article_id"].notna() & ((r["source"] == "pmf") | (r["target"] == "pmf"))]
    assert len(csv) == len(r) > 3
    assert sorted(csv["sentence"]) == sorted(r["evidence"])
    assert list(csv.columns) == ["relation", "direction", "other", "outlet", "words", "flags", "sentence", "reader"]
    page_probe.assert_clean()


@pytest.fixture(scope="module")
def payload_server(streamlit_launcher, tmp_path_factory):
    data = make_template(tmp_path_factory.mktemp("browser-network") / "data",
                         {"900_payload.txt": PAYLOAD_ARTICLE, "900_payload.meta.yaml": PAYLOAD_META})
    return streamlit_launcher(ROOT / "app.py", env=env_for(data))


def test_script_payloads_in_an_article_do_not_run(payload_server, probe_factory):
    probe = probe_factory(payload_server.url)
    page = probe.goto("/network?outlet=Payload+Outlet+%3Cb+onmouseover%3Dwindow.__xss%3D6%3Ex%3C%2Fb%3E")
    frame = graph_frame(page)
    assert frame.evaluate("window.crosscurrentsNetwork.body.data.nodes.length") == 5  # KH, US forces, Iran, the militias, Israel
    # Hover the middle of the edge whose tooltip quotes the payload sentence.
    point = frame.evaluate("""() => {
        const net = window.crosscurrentsNetwork;
        const edge = net.body.data.edges.get({filter: e => e.from === "kataib_hezbollah" && e.to === "us_armed_forces"})[0];
        const p = net.getPositions([edge.from, edge.to]);
        const mid = net.canvasToDOM({x: (p[edge.from].x + p[edge.to].x) / 2, y: (p[edge.from].y + p[edge.to].y) / 2});
        const box = document.getElementById("network").getBoundingClientRect();
        return {x: box.left + mid.x, y: box.top + mid.y};
    }""")
    graph = page.locator("iframe").first
    graph.scroll_into_view_if_needed()  # the mouse can only hover what is on the screen
    frame_box = graph.bounding_box()
    page.mouse.move(frame_box["x"] + point["x"] + 2, frame_box["y"] + point["y"] + 2)
    tooltip = frame.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible", timeout=10_000)
    text = tooltip.inner_text()
    assert "<script>window.__xss=1</script>" in text and "Payload Outlet <b onmouseover=window.__xss=6>x</b>" in text
    assert set(tooltip.evaluate("el => [...el.querySelectorAll('*')].map(e => e.tagName)")) <= {"BR"}
    page.wait_for_timeout(500)
    for f in page.frames:
        assert f.evaluate("typeof window.__xss") == "undefined", f.url
    assert not any("evil.example" in r for r in probe.external_requests)
    page.screenshot(path="/tmp/network_payload.png", full_page=True)
    probe.assert_clean()
