"""The actor graph (lib/network.py): edges, centrality, top-N, offline HTML with nothing
unescaped, and exports that Gephi-style readers parse back."""
from __future__ import annotations

import io
import re
from dataclasses import replace

import networkx as nx
import pandas as pd
import pytest

from lib import network
from lib.filters import Filters

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src="http://evil.example/x.png" onerror="window.__xss=2">',
    "</script><script>window.__xss=3</script>",
    '<a href="javascript:window.__xss=4">href</a>',
]


@pytest.fixture(scope="module")
def tables(processed):
    cat = lambda name: pd.DataFrame([r for k in sorted(processed) for r in processed[k][name]])
    return {name: cat(name) for name in ("articles", "mentions", "relations", "sentences")}


@pytest.fixture(scope="module")
def seed_graph(tables, ctx):
    arts = tables["articles"]
    rows = network.relation_rows(Filters().relations(tables["relations"], arts, tables["mentions"]), arts)
    edges = network.graph_edges(rows, tables["mentions"], arts["article_id"], ctx.registry)
    counts = tables["mentions"]["actor"].value_counts().to_dict()
    return network.build_graph(edges, ctx.registry, counts), rows


def synthetic(n: int, registry, seed: int = 0):
    """A random scale-free graph on fake actors registered for the test."""
    from lib.registry import Actor

    g = nx.barabasi_albert_graph(n, 2, seed=seed)
    actors = dict(registry.actors)
    for i in g.nodes:
        actors[f"a{i}"] = Actor(f"a{i}", f"Actor {i}", "armed group", "other")
    reg = replace(registry, actors=actors)
    edges = pd.DataFrame([{"source": f"a{u}", "target": f"a{v}", "relation": "attacks", "weight": 1, "articles": 1} for u, v in g.edges])
    return edges, reg, g


# ---------------------------------------------------------------- edges and graph
def test_seed_graph(seed_graph):
    G, rows = seed_graph
    assert len(G) == 22 and G.number_of_edges() == 44
    assert G["iran"]["iran_aligned_iraqi_militias"]["supports"]["weight"] == 18
    assert G["iran"]["iran_aligned_iraqi_militias"]["supports"]["articles"] == 4
    assert G["islamic_resistance_in_iraq"]["israel"]["attacks"]["outlets"] == ["Shafaq News"]
    assert G.has_edge("israel", "iraq", "threatens")
    # negotiations are one edge whatever order the sentence named the two sides in
    assert G.has_edge("iraq", "united_states", "negotiates") and not G.has_edge("united_states", "iraq", "negotiates")
    assert G["iraq"]["united_states"]["negotiates"]["weight"] == 8
    nodes = network.node_table(G)
    assert nodes.iloc[0]["actor"] == "iran"  # the most central actor of the seeds
    assert set(G.nodes["pmf"]) >= {"label", "type", "camp", "mentions", "degree", "betweenness", "community"}
    assert G.nodes["pmf"]["mentions"] == 16


def test_negated_and_hedged_relations_stay_out_of_the_graph(seed_graph, tables, ctx):
    G, _ = seed_graph
    assert not G.has_edge("united_states", "iraq", "supports")  # only negated (002 s49) or hedged (002 s47)
    arts = tables["articles"]
    loose = network.relation_rows(tables["relations"], arts, include_hedged=True, include_negated=True)
    assert len(loose[(loose["source"] == "united_states") & (loose["target"] == "iraq") & (loose["relation"] == "supports")]) == 2
    edge = network.aggregate_relations(loose).set_index(["source", "target", "relation"]).loc[("united_states", "iraq", "supports")]
    assert (edge["weight"], edge["hedged"], edge["negated"]) == (2, 1, 1)
    G = network.build_graph(network.aggregate_relations(loose), ctx.registry, {})
    title = json.loads(_data_json(network.graph_html(G)))["edges"]
    assert any("of which 1 hedged, 1 negated (hypothetical or denied)" in e["title"] for e in title)


def test_filters_choose_the_relations(tables):
    arts = tables["articles"]
    f = Filters(relation_types=("kills",), outlets=("Al-Fassel",))
    rows = f.relations(tables["relations"], arts, tables["mentions"])
    assert set(rows["relation"]) == {"kills"} and set(rows["article_id"]) == {"004_2274b76a68101a80"}
    assert "relations: kills" in replace(f, labels={"kills": "kills"}).describe("actors", 3, None)
    assert "edges of at least 2 sentences" in Filters(min_weight=2).describe("actors", 3, None)


def test_camps_types_and_min_weight(seed_graph, tables, ctx):
    _, rows = seed_graph
    edges = network.aggregate_relations(rows)
    counts = tables["mentions"]["actor"].value_counts().to_dict()
    G = network.build_graph(edges, ctx.registry, counts, network.GraphOptions(min_weight=2))
    assert all(d["weight"] >= 2 for *_, d in G.edges(data=True)) and G.number_of_edges() == 9
    G = network.build_graph(edges, ctx.registry, counts, network.GraphOptions(camps=("iran_aligned",)))
    assert {d["camp"] for _, d in G.nodes(data=True)} == {"iran_aligned"}
    G = network.build_graph(edges, ctx.registry, counts, network.GraphOptions(actor_types=("state",)))
    assert set(G.nodes) == {"iran", "iraq", "israel", "united_states", "lebanon"}


def test_edges_grouped_by_the_store_are_the_pandas_edges():
    import duckdb

    from lib.store import run_query
    con = duckdb.connect()
    query = lambda sql, params=(), frames=None, arrow=False: run_query(con, sql, params, frames, arrow)  # noqa: E731
    row = lambda a, s, src, tgt, rel, trig, ev, by, hedged=None, negated=False: dict(  # noqa: E731
        article_id=a, sent_id=s, source=src, target=tgt, relation=rel, trigger=trig, evidence=ev, reported_by=by, hedged=hedged, negated=negated)
    rows = pd.DataFrame([
        row("a", 1, "iran", "pmf", "supports", "arms", "S1", "Ynet"),
        row("a", 1, "iran", "pmf", "supports", "Funds", "S1", "Ynet"),  # the same sentence again: one sentence of weight
        row("b", 4, "iran", "pmf", "supports", "funds", "S3", "Al Jazeera", hedged=True),
        row("b", 2, "iran", "pmf", "supports", "arms", "S2", None),
        row("a", 3, "united_states", "iraq", "negotiates", "talks with", "S4", "Ynet"),
        row("c", 0, "iraq", "united_states", "negotiates", None, None, "Alhurra", negated=True),  # the other way round: one undirected edge
        row("c", 1, "pmf", "united_states", "attacks", "struck", "S5", "Alhurra"),
        row("d", 0, None, "pmf", "supports", "arms", "S6", "Ynet"),  # no source, no relation, no sentence: left out as pandas leaves them
        row("d", 1, "iran", "pmf", None, "arms", "S7", "Ynet"),
        row("d", None, "pmf", "united_states", "attacks", "hit", "S8", "Ynet"),
    ]).astype({c: "str" for c in ("article_id", "source", "target", "relation", "trigger", "evidence", "reported_by")})
    expected = network.aggregate_relations(rows)
    got = network.aggregate_relations_in_store(query, rows)
    assert got.astype(str).values.tolist() == expected.astype(str).values.tolist()
    supports = got.set_index(["source", "target", "relation"]).loc[("iran", "pmf", "supports")]
    assert (supports["weight"], supports["articles"], supports["hedged"]) == (3, 2, 1)
    assert supports["triggers"] == ["arms", "Funds", "funds"] and supports["evidence"] == ["S1", "S3", "S2"] and supports["outlets"] == ["Al Jazeera", "Ynet"]
    talks = got.set_index(["source", "target", "relation"]).loc[("iraq", "united_states", "negotiates")]
    assert (talks["weight"], talks["negated"], talks["evidence"]) == (2, 1, ["S4"])
    assert got.set_index(["source", "target", "relation"]).loc[("pmf", "united_states", "attacks"), "weight"] == 1
    assert network.aggregate_relations_in_store(query, rows.iloc[:0]).columns.tolist() == expected.columns.tolist()


def test_co_mentions_count_sentences():
    m = pd.DataFrame([
        {"article_id": "a", "sent_id": 0, "actor": "iran"}, {"article_id": "a", "sent_id": 0, "actor": "iraq"},
        {"article_id": "a", "sent_id": 0, "actor": "iran"},  # twice in one sentence: still one sentence
        {"article_id": "a", "sent_id": 1, "actor": "iraq"}, {"article_id": "a", "sent_id": 1, "actor": "iran"},
        {"article_id": "a", "sent_id": 1, "actor": "israel"},
        {"article_id": "b", "sent_id": 0, "actor": "iran"}, {"article_id": "b", "sent_id": 0, "actor": "iraq"},
    ])
    e = network.co_mention_edges(m, ["a", "b"]).set_index(["source", "target"])
    assert e.loc[("iran", "iraq"), "weight"] == 3 and e.loc[("iran", "iraq"), "articles"] == 2
    assert e.loc[("iran", "israel"), "weight"] == 1 and len(e) == 3
    assert network.co_mention_edges(m, ["b"])["weight"].tolist() == [1]


def test_registry_links_only_between_named_actors(ctx):
    e = network.registry_edges(ctx.registry, ["kataib_hezbollah", "pmf", "ashab_al_kahf"])
    assert set(zip(e["source"], e["relation"], e["target"])) == {
        ("kataib_hezbollah", "part_of", "pmf"), ("ashab_al_kahf", "facade_of", "kataib_hezbollah")}


def test_edge_evidence_links_every_sentence(seed_graph, tables):
    _, rows = seed_graph
    ev = network.edge_evidence("iran_aligned_iraqi_militias", "us_armed_forces", "attacks", rows, tables["mentions"], tables["sentences"], tables["articles"])
    assert len(ev) == 5
    assert all(re.fullmatch(r"\./\?article=00[14]_[0-9a-f]+&sent=\d+#reader", h) for h in ev["reader"])
    co = network.edge_evidence("iran", "united_states", network.CO_MENTION, rows, tables["mentions"], tables["sentences"], tables["articles"])
    assert len(co) == 26  # sentences naming both Iran and the United States


# ---------------------------------------------------------------- large graphs
def test_large_graphs_keep_the_most_central_actors(ctx):
    edges, reg, g = synthetic(1200, ctx.registry)
    G = network.build_graph(edges, reg, {}, network.GraphOptions(top_n=350))
    assert len(G) == 350
    hubs = sorted(g.degree, key=lambda x: -x[1])[:20]
    assert all(f"a{n}" in G for n, _ in hubs)
    html = network.graph_html(G)
    data = json.loads(_data_json(html))
    assert all("x" in n and "y" in n for n in data["nodes"])  # laid out here ...
    assert data["options"]["physics"]["enabled"] is False  # ... so the browser does not simulate


def test_small_graphs_stabilise_then_stop(seed_graph):
    G, _ = seed_graph
    html = network.graph_html(G)
    opts = json.loads(_data_json(html))["options"]
    assert opts["physics"]["enabled"] is True
    assert opts["physics"]["stabilization"]["iterations"] == network.STABILIZATION_ITERATIONS
    assert opts["edges"]["smooth"] is False
    assert 'network.once("stabilizationIterationsDone", freeze)' in html


def test_edges_between_the_same_two_actors_are_drawn_apart(seed_graph):
    """"US attacks PMF" and "PMF opposes US" lay on one line, the arrowhead of one read as the other's."""
    G, _ = seed_graph
    edges = json.loads(_data_json(network.graph_html(G)))["edges"]
    seen: dict = {}
    for e in edges:
        seen.setdefault(frozenset((e["from"], e["to"])), []).append(e.get("smooth"))
    shared = [s for s in seen.values() if len(s) > 1]
    assert shared, "the seed graph has actors joined by several edges"
    for smooths in shared:
        assert smooths[0] is None  # the first is straight, each further one bends more
        assert [s["roundness"] for s in smooths[1:]] == [round(0.2 * k, 2) for k in range(1, len(smooths))]


# ---------------------------------------------------------------- the page is offline and escaped
import json  # noqa: E402


def _data_json(html: str) -> str:
    m = re.search(r"var data = (\{.*?\});\n", html, re.S)
    return m.group(1)


def test_html_has_no_external_url(seed_graph, ctx):
    G, _ = seed_graph
    html = network.graph_html(G, heading="Network", camp_labels=ctx.registry.camp_labels)
    assert "http://" not in html and "https://" not in html
    # Only the SVG namespace (an identifier, never fetched), written "http:\/\/..." inside vis-network's JS strings.
    svg = 'http:\\/\\/www.w3.org/2000/svg"'
    assert [html[m.start() : m.start() + len(svg)] for m in re.finditer(r"https?:", html)] == [svg] * 2
    assert "sourceMappingURL" not in html
    assert "<link" not in html and not re.search(r"<(script|img|iframe)[^>]*\bsrc=", html)
    assert not re.search(r"bootstrap|cdnjs|jsdelivr|unpkg|googleapis", html, re.I)
    assert html.lower().count("</script") == 2  # vis-network's own "<script>" string is written "</"+"script>"


def test_untrusted_text_is_escaped_everywhere(ctx):
    G = nx.MultiDiGraph()
    G.add_node("iran", label="Iran " + PAYLOADS[0], type="state", camp="iran_aligned", camp_label=PAYLOADS[1], mentions=3, degree=1.0, betweenness=0.0, community=0)
    G.add_node("iraq", label=PAYLOADS[2], type=PAYLOADS[3], camp="iraqi_state", camp_label="Iraqi state", mentions=1, degree=1.0, betweenness=0.0, community=0)
    G.add_edge("iran", "iraq", key="supports", relation="supports", weight=1, articles=1, outlets=[PAYLOADS[1]], triggers=[PAYLOADS[0]], evidence=PAYLOADS)
    html = network.graph_html(G, heading=PAYLOADS[0] + PAYLOADS[1], camp_labels={"iran_aligned": PAYLOADS[2]})
    for p in PAYLOADS:
        assert p not in html
    assert not re.search(r"<(img|a|iframe|object|svg)\b[^>]*(onerror|href|src)", html, re.I)
    assert html.lower().count("</script") == 2  # nothing closes the data script early
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html  # heading and legend: HTML-escaped
    data = json.loads(_data_json(html))
    # tooltips stay plain text (vis-network 9.1 sets string titles with innerText)
    assert PAYLOADS[0] in data["nodes"][0]["title"] and PAYLOADS[2] in data["edges"][0]["title"]


# ---------------------------------------------------------------- exports
def test_exports_parse_back(seed_graph):
    G, _ = seed_graph
    gml = nx.read_graphml(io.BytesIO(network.to_graphml(G)))
    assert gml.number_of_nodes() == 22 and gml.number_of_edges() == 44
    assert gml.nodes["pmf"]["label"] == "Popular Mobilization Forces"
    gexf = nx.read_gexf(io.BytesIO(network.to_gexf(G)))
    assert gexf.number_of_nodes() == 22 and gexf.number_of_edges() == 44
    csv = pd.read_csv(io.BytesIO(network.to_edge_csv(G, {"iran": "Iran"})))
    assert len(csv) == 44 and {"source", "relation", "target", "weight", "outlets", "triggers"} <= set(csv.columns)
    assert csv.iloc[0][["source_name", "relation", "weight"]].tolist() == ["Iran", "supports", 18]


def test_every_download_of_the_page_makes_its_file(seed_graph):
    G, _ = seed_graph
    page = "<!DOCTYPE html><p>graph</p>"
    made = {e.key: (e.data() if callable(e.data) else e.data, e.file_name, e.mime) for e in network.exports(G, page, {"iran": "Iran"})}
    assert list(made) == ["graphml", "gexf", "csv", "html"]
    assert nx.read_graphml(io.BytesIO(made["graphml"][0])).number_of_edges() == 44
    assert nx.read_gexf(io.BytesIO(made["gexf"][0])).number_of_nodes() == 22
    assert pd.read_csv(io.BytesIO(made["csv"][0])).iloc[0]["source_name"] == "Iran"
    assert made["html"] == (page.encode("utf-8"), "crosscurrents-network.html", "text/html")
    assert len({name for _, name, _ in made.values()}) == 4


def test_registry_links_are_escaped_markdown(ctx):
    from lib import actor_profile

    facts = actor_profile.registry_facts("kataib_hezbollah", ctx.registry)
    links = actor_profile.registry_links(facts)
    assert any(link.startswith("part of **Popular Mobilization Forces**") for link in links), links
    facts = {"parents": [("*Bold* [x](javascript:y)", "part of", "p")], "children": {"facades": ["<b>F</b>"]}}
    assert actor_profile.registry_links(facts) == [r"part of **\*Bold\* \[x\]\(javascript:y\)**", r"facades: **&lt;b&gt;F&lt;/b&gt;**"]


def test_an_actors_relations_with_a_missing_other_side():
    from lib import actor_profile
    rows = pd.DataFrame({
        "article_id": ["a", "a"], "sent_id": [1, 2], "source": [None, "pmf"], "target": ["pmf", None], "relation": ["attacks", "supports"],
        "negated": [None, True], "hedged": [False, None], "reported_by": ["Ynet", "Ynet"], "trigger": ["hit", "backs"], "evidence": ["S1", "S2"],
    }).astype({c: "str" for c in ("article_id", "source", "target", "relation", "reported_by", "trigger", "evidence")})
    got = actor_profile.relations_of("pmf", rows, {"pmf": "PMF"})
    assert got[["relation", "direction", "flags", "sentence"]].values.tolist() == [
        ["attacks / strikes", "acted on by", "", "S1"], ["supports / backs / arms / funds", "acts on", "negated", "S2"]]
    assert got["other"].isna().all()
