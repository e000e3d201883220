"""The actor network: edges from the processed tables, a networkx graph with
centrality and communities, an offline vis-network page, and exports.

Three kinds of edge:
  * relations (lib/relations.py): typed and directed, weighted by the number of
    sentences that state them; hedged and negated ones are left out unless asked;
  * co-mentions: two actors named in the same sentence, weighted by sentence count;
  * registry links (part_of, affiliated_with, facade_of, brand_of) from data/actors.yaml.

Rendering uses pyvis only to hold the nodes, edges and options; the page itself
is written here, with vis-network's JS and CSS (shipped inside the pyvis
package) inlined and every URL scheme removed, because pyvis's own template
fetches Bootstrap from a CDN even with ``cdn_resources="in_line"``, switches
every tooltip to HTML when any title contains "href", and inserts the heading
unescaped. Labels are drawn on a canvas (text only); tooltips are plain strings,
which vis-network 9.1 sets with ``innerText``; the graph data are JSON with
``<``, ``>`` and ``&`` escaped so no article text can close the script.
"""
from __future__ import annotations

import html
import io
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Callable, NamedTuple
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa

from lib.frames import joined
from lib.relations import load_lexicon
from lib.style import CAMP_COLORS, camp_color

CO_MENTION = "co_mention"
STRUCTURAL = ("part_of", "affiliated_with", "facade_of", "brand_of")
CO_MENTION_STYLE = {"label": "named in the same sentence", "color": "#b8b8b8"}
# vis-network shapes whose size follows `size` and whose label sits below.
TYPE_SHAPES = {
    "state": ("square", False), "government body": ("hexagon", False), "armed forces": ("triangle", False),
    "armed group": ("diamond", False), "facade group": ("triangleDown", False), "person": ("dot", False),
    "party/coalition": ("star", False), "international body": ("hexagon", True), "media outlet": ("square", True),
    "institution": ("dot", True),
}
PHYSICS_NODE_LIMIT = 300  # above this the layout is computed here and physics stays off
STABILIZATION_ITERATIONS = 200
MAX_TOOLTIP_EVIDENCE = 3
EVIDENCE_CHARS = 220


# ---------------------------------------------------------------- edges
def relation_styles() -> dict[str, dict]:
    """relation -> {label, color, directed} for every relation and structural link."""
    lex = load_lexicon()
    out = {k: {"label": v["label"], "color": v["color"], "directed": bool(v.get("directed", True))} for k, v in lex.relations.items()}
    out.update({k: {"label": v["label"], "color": v["color"], "directed": True} for k, v in lex.structural.items()})
    out[CO_MENTION] = {**CO_MENTION_STYLE, "directed": False}
    return out


def outlet_label(outlet: str | None, original_publisher: str | None) -> str:
    """ "The New York Times (via Unknown aggregator)": who wrote it, then who carried it."""
    if original_publisher and isinstance(original_publisher, str):
        return f"{original_publisher} (via {outlet})"
    return outlet or "Unknown outlet"


def relation_rows(relations: pd.DataFrame, articles: pd.DataFrame, *, include_hedged=False, include_negated=False) -> pd.DataFrame:
    """Relation rows (already filtered, see Filters.relations) with the outlet and date of their article.
    Hedged and negated relations are dropped unless asked for."""
    df = relations
    if not include_hedged:
        df = df[~df["hedged"].fillna(False).astype(bool)]
    if not include_negated:
        df = df[~df["negated"].fillna(False).astype(bool)]
    meta = articles[["article_id", "published"]].assign(reported_by=reported_by(articles))
    return joined(df, meta, "article_id", ["published", "reported_by"])


def reported_by(articles: pd.DataFrame) -> list[str]:
    """``outlet_label`` of each row of a frame with the articles' outlet and original publisher
    (lists first: pandas 3 boxes Arrow strings one by one); the frame's own ``reported_by``
    column when it has one (an actor's profile labels 100,000 articles once, not three times)."""
    if "reported_by" in articles:
        return articles["reported_by"].tolist()
    return [outlet_label(o, p) for o, p in zip(articles["outlet"].tolist(), articles["original_publisher"].tolist())]


RELATION_COLUMNS = ["article_id", "sent_id", "source", "target", "relation", "negated", "hedged", "evidence", "trigger"]


def relation_rows_in_store(query, f, articles: pd.DataFrame, *, loose: bool, involving: tuple[str, ...] = (),
                           with_evidence: bool = True) -> pd.DataFrame:
    """``relation_rows`` of the relations passing the Filters ``f`` (and involving these actors),
    read by the store; ``loose`` keeps hedged and negated ones; ``with_evidence=False`` leaves
    the sentences in the store. Through Arrow: the same frame as
    DuckDB's own conversion, which took 1.8 instead of 0.25 s for 832,002 relations. Hedged and
    negated ones are left out by the store: pandas took 0.6 s to drop them from 832,002."""
    columns = RELATION_COLUMNS if with_evidence else [c for c in RELATION_COLUMNS if c != "evidence"]
    rows = query(*f.relations_sql(columns, involving, stated_only=not loose), arrow=True)
    return relation_rows(rows, articles, include_hedged=True, include_negated=True)


def aggregate_relations(rows: pd.DataFrame) -> pd.DataFrame:
    """One edge per (source, target, relation): weight = sentences stating it."""
    cols = ["source", "target", "relation", "weight", "articles", "outlets", "triggers", "evidence", "hedged", "negated"]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.copy()
    # Reciprocal relations ("negotiates") are one edge whichever actor the sentence named first.
    directed = {r: style.get("directed", True) for r, style in relation_styles().items()}
    undirected = ~rows["relation"].map(directed).fillna(True).astype(bool)
    swap = undirected & (rows["source"] > rows["target"])
    rows.loc[swap, ["source", "target"]] = rows.loc[swap, ["target", "source"]].to_numpy()
    rows["sentence"] = rows["article_id"].astype(str) + "#" + rows["sent_id"].astype(str)
    for flag in ("hedged", "negated"):
        rows[flag] = rows[flag].fillna(False).astype(bool)
    g = rows.groupby(["source", "target", "relation"], sort=True)
    out = g.agg(weight=("sentence", "nunique"), articles=("article_id", "nunique"), hedged=("hedged", "sum"), negated=("negated", "sum")).reset_index()
    # Distinct values per edge, found by pandas (in order of appearance) rather than a Python set per edge.
    present = lambda values: [v for v in values if not pd.isna(v)]  # noqa: E731
    out["outlets"] = [sorted(present(v)) for v in g["reported_by"].unique()]
    out["triggers"] = [sorted(present(v), key=str.lower) for v in g["trigger"].unique()]
    out["evidence"] = [present(v) for v in g["evidence"].unique()]
    out["hedged"] = out["hedged"].astype(int)
    out["negated"] = out["negated"].astype(int)
    return out[["source", "target", "relation", "weight", "articles", "outlets", "triggers", "evidence", "hedged", "negated"]]


_AGGREGATE_SQL = """
WITH r AS (
    SELECT CASE WHEN swap THEN target ELSE source END AS source, CASE WHEN swap THEN source ELSE target END AS target,
           relation, article_id, sent_id, hedged, negated, reported_by, trigger, evidence, pos
    FROM (SELECT r.*, NOT coalesce(d.directed, true) AND r.source > r.target AS swap FROM rows r LEFT JOIN directed d USING (relation))
    WHERE source IS NOT NULL AND target IS NOT NULL AND relation IS NOT NULL),  -- as pandas' groupby leaves such rows out
edges AS (
    SELECT source, target, relation, count(DISTINCT (article_id, sent_id)) FILTER (WHERE article_id IS NOT NULL AND sent_id IS NOT NULL) AS weight,
           count(DISTINCT article_id) AS articles,
           sum(coalesce(hedged, false)::INT) AS hedged, sum(coalesce(negated, false)::INT) AS negated,
           list(DISTINCT reported_by) FILTER (WHERE reported_by IS NOT NULL) AS outlets
    FROM r GROUP BY source, target, relation),
firsts AS (  -- each distinct trigger and sentence of an edge, with the first row stating it
    SELECT source, target, relation, 't' AS what, trigger AS value, min(pos) AS first FROM r WHERE trigger IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT source, target, relation, 'e', evidence, min(pos) FROM r WHERE evidence IS NOT NULL GROUP BY ALL),
lists AS (
    SELECT source, target, relation, list(value ORDER BY first) FILTER (WHERE what = 't') AS triggers,
           list(value ORDER BY first) FILTER (WHERE what = 'e') AS evidence
    FROM firsts GROUP BY ALL)
SELECT e.source, e.target, e.relation, e.weight, e.articles, e.outlets, l.triggers, l.evidence, e.hedged, e.negated
FROM edges e LEFT JOIN lists l USING (source, target, relation) ORDER BY e.source, e.target, e.relation
"""


def aggregate_relations_in_store(query, rows: pd.DataFrame) -> pd.DataFrame:
    """``aggregate_relations``, the same edges, grouped by DuckDB (``query``): pandas took 1.0-1.6 s
    for the 750,000 relations of 100,000 articles, DuckDB 0.4 s. Only the short per-edge lists
    of outlets and words are sorted in Python, as ``aggregate_relations`` sorts them."""
    if rows.empty:
        return aggregate_relations(rows)
    directed = pd.DataFrame([(r, bool(style.get("directed", True))) for r, style in relation_styles().items()], columns=["relation", "directed"])
    columns = ["source", "target", "relation", "article_id", "sent_id", "hedged", "negated", "reported_by", "trigger", "evidence"]
    table = pa.Table.from_pandas(rows[columns], preserve_index=False).append_column("pos", pa.array(np.arange(len(rows))))
    out = query(_AGGREGATE_SQL, frames={"rows": table, "directed": directed}, arrow=True)
    present = lambda values: [] if values is None else [v for v in values if v is not None]  # noqa: E731
    out["outlets"] = [sorted(present(v)) for v in out["outlets"]]
    out["triggers"] = [sorted(present(v), key=str.lower) for v in out["triggers"]]
    out["evidence"] = [present(v) for v in out["evidence"]]
    for flag in ("hedged", "negated"):
        out[flag] = out[flag].astype(int)
    return out


def co_mention_edges(mentions: pd.DataFrame, article_ids) -> pd.DataFrame:
    """Actors named in the same sentence: weight = number of such sentences."""
    m = mentions[mentions["article_id"].isin(set(article_ids))][["article_id", "sent_id", "actor"]].drop_duplicates()
    counts: dict[tuple[str, str], int] = {}
    arts: dict[tuple[str, str], set] = {}
    for (aid, _), actors in m.groupby(["article_id", "sent_id"])["actor"]:
        for a, b in combinations(sorted(set(actors)), 2):
            counts[(a, b)] = counts.get((a, b), 0) + 1
            arts.setdefault((a, b), set()).add(aid)
    rows = [{"source": a, "target": b, "relation": CO_MENTION, "weight": n, "articles": len(arts[(a, b)])} for (a, b), n in counts.items()]
    return pd.DataFrame(rows, columns=["source", "target", "relation", "weight", "articles"])


def co_mention_edges_in_store(query, where: str, params) -> pd.DataFrame:
    """``co_mention_edges`` computed by the store over the mentions passing ``where``
    (Filters.in_articles_sql); rows in the order ``co_mention_edges`` gives them
    (by the first sentence naming both, then by name). Sentences and actors are joined
    and grouped as numbers, numbered in the order of their ids, so every comparison
    and the order are those of the ids: at 100,000 articles 1.2 s, against 2.5 s on the
    strings themselves."""
    df = query(f"""
        WITH arts AS (SELECT article_id, row_number() OVER (ORDER BY article_id) AS art FROM (SELECT DISTINCT article_id FROM mentions WHERE {where})),
        actors AS (SELECT actor, row_number() OVER (ORDER BY actor) AS act FROM (SELECT DISTINCT actor FROM mentions WHERE actor IS NOT NULL)),
        m AS (SELECT DISTINCT a.art * 4294967296 + sent_id AS sentence, a.art, c.act FROM mentions JOIN arts a USING (article_id)
              JOIN actors c USING (actor) WHERE sent_id IS NOT NULL AND {where}),
        pairs AS (SELECT x.sentence, x.art, x.act AS s, y.act AS t FROM m x JOIN m y ON x.sentence = y.sentence AND x.act < y.act),
        edges AS (SELECT s, t, count(*) AS weight, count(DISTINCT art) AS articles, min(sentence) AS first_sentence FROM pairs GROUP BY s, t)
        SELECT a.actor AS source, b.actor AS target, weight, articles FROM edges JOIN actors a ON a.act = s JOIN actors b ON b.act = t
        ORDER BY first_sentence, source, target""", [*params, *params])
    df["relation"] = CO_MENTION
    return df[["source", "target", "relation", "weight", "articles"]].reset_index(drop=True)


def mention_counts_in_store(query, where: str, params) -> dict[str, int]:
    """Mentions per actor in the articles passing ``where``."""
    df = query(f"SELECT actor, count(*) AS n FROM mentions WHERE actor IS NOT NULL AND {where} GROUP BY actor", params)
    return dict(zip(df["actor"], df["n"].astype(int)))


def registry_edges(registry, actors=None) -> pd.DataFrame:
    """part_of / affiliated_with / facade_of / brand_of links, between ``actors`` only when given."""
    keep = set(actors) if actors is not None else set(registry.actors)
    rows = [{"source": a.id, "target": p, "relation": rel, "weight": 1, "articles": 0}
            for a in registry.actors.values() for p, rel in a.parents if a.id in keep and p in keep]
    return pd.DataFrame(rows, columns=["source", "target", "relation", "weight", "articles"])


def graph_edges(relation_rows_: pd.DataFrame, mentions: pd.DataFrame, article_ids, registry, *, co_mentions=False,
                registry_links=False) -> pd.DataFrame:
    """All the edges the graph draws: relations, and optionally co-mentions and registry links
    (among the actors named in these articles)."""
    co = co_mention_edges(mentions, article_ids) if co_mentions else None
    named = mentions.loc[mentions["article_id"].isin(set(article_ids)), "actor"].unique() if registry_links else None
    return _all_edges(aggregate_relations(relation_rows_), co, named, registry)


def _with_other_edges(relations: pd.DataFrame, query, where: str, params, registry, co_mentions: bool, registry_links: bool) -> pd.DataFrame:
    co = co_mention_edges_in_store(query, where, params) if co_mentions else None
    named = query(f"SELECT DISTINCT actor FROM mentions WHERE actor IS NOT NULL AND {where}", params)["actor"] if registry_links else None
    return _all_edges(relations, co, named, registry)


def _all_edges(relations: pd.DataFrame, co_edges, named, registry) -> pd.DataFrame:
    """The relation edges (``aggregate_relations``), then co-mentions and registry links among the ``named`` actors, if given."""
    parts = [relations]
    if co_edges is not None:
        parts.append(co_edges)
    if named is not None:
        parts.append(registry_edges(registry, named))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return relations  # no edge at all: the relations' (empty) table, with its columns
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- graph
@dataclass(frozen=True)
class GraphOptions:
    """What the graph shows beyond the article filters (kept hashable for caching)."""

    camps: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    min_weight: int = 1
    top_n: int = 150


def build_graph(edges: pd.DataFrame, registry, mention_counts: dict[str, int], options: GraphOptions = GraphOptions()) -> nx.MultiDiGraph:
    """A MultiDiGraph of actors: one edge per (source, target, relation), with
    degree and betweenness centrality and a community on every node. The top_n
    most central actors are kept (the rest dropped) so large graphs stay usable."""
    G = nx.MultiDiGraph()
    keep_actor = lambda a: a in registry.actors and (not options.camps or registry.actors[a].camp in options.camps) and (
        not options.actor_types or registry.actors[a].type in options.actor_types)
    for r in edges.itertuples(index=False):
        structural = r.relation in STRUCTURAL
        if (r.weight < options.min_weight and not structural) or r.source == r.target or not (keep_actor(r.source) and keep_actor(r.target)):
            continue
        attrs = {"relation": r.relation, "weight": int(r.weight), "articles": int(getattr(r, "articles", 0) or 0)}
        for flag in ("hedged", "negated"):
            v = getattr(r, flag, 0)
            if isinstance(v, (int, float)) and v == v and v > 0:
                attrs[flag] = int(v)
        for col in ("outlets", "triggers", "evidence"):
            v = getattr(r, col, None)
            if isinstance(v, (list, tuple)):
                attrs[col] = list(v)
        G.add_edge(r.source, r.target, key=r.relation, **attrs)
    if G.number_of_nodes() == 0:
        return G
    simple = _weighted_simple(G)
    degree = nx.degree_centrality(simple) if simple.number_of_nodes() > 1 else {n: 0.0 for n in simple}
    strength = dict(simple.degree(weight="weight"))
    if len(G) > options.top_n:
        ranked = sorted(G.nodes, key=lambda n: (-degree[n], -strength[n], n))[: options.top_n]
        G = G.subgraph(ranked).copy()
        simple = _weighted_simple(G)
        degree = nx.degree_centrality(simple) if simple.number_of_nodes() > 1 else {n: 0.0 for n in simple}
    n = simple.number_of_nodes()
    k = None if n <= 500 else 200  # sampled betweenness keeps big graphs fast
    between = nx.betweenness_centrality(simple, k=k, seed=0, weight=None)
    communities = nx.community.louvain_communities(simple, weight="weight", seed=0) if simple.number_of_edges() else [{x} for x in simple]
    community = {node: i for i, c in enumerate(sorted(communities, key=lambda c: (-len(c), min(c)))) for node in c}
    for node in G.nodes:
        a = registry.actors[node]
        G.nodes[node].update(
            label=a.name, type=a.type, camp=a.camp, camp_label=registry.camp_labels.get(a.camp, a.camp),
            mentions=int(mention_counts.get(node, 0)), degree=round(degree.get(node, 0.0), 4),
            betweenness=round(between.get(node, 0.0), 4), community=community.get(node, -1),
        )
    return G


def _weighted_simple(G: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph()
    simple.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = d.get("weight", 1)
        if simple.has_edge(u, v):
            simple[u][v]["weight"] += w
        else:
            simple.add_edge(u, v, weight=w)
    return simple


def edge_filters(f):
    """The part of the Filters ``f`` that decides a graph's edges. Camps, actor types and
    the minimum weight only choose which of them the graph draws (``GraphOptions``), and
    labels only name things in captions, so graphs differing in those alone can share
    their edges, the costly part to read (a cache's key counts every field)."""
    return replace(f, camps=(), actor_types=(), min_weight=None, labels={})


class GraphEdges(NamedTuple):
    edges: pd.DataFrame
    mention_counts: dict[str, int]  # mentions per actor in the articles shown


def edges_in_store(query, f, articles: pd.DataFrame, registry, *, co_mentions: bool, registry_links: bool, loose: bool,
                   relation_edges: pd.DataFrame | None = None) -> GraphEdges:
    """The graph's edges for the Filters ``f``, read from the store (``query``): the relations
    of the articles shown (``loose``: hedged and negated ones too), and optionally co-mentions and
    registry links; with mentions per actor. ``relation_edges``: the relations' edges, if already
    read for these filters (the costly part: about 1.5 s at 100,000 articles, where
    ``build_graph`` over the edges takes 0.02 s)."""
    if relation_edges is None:
        relation_edges = aggregate_relations_in_store(query, relation_rows_in_store(query, f, f.articles_in_store(articles, query), loose=loose))
    where, params = f.in_articles_sql()
    edges = _with_other_edges(relation_edges, query, where, params, registry, co_mentions, registry_links)
    return GraphEdges(edges, mention_counts_in_store(query, where, params))


def graph_from_edges(found: GraphEdges, registry, options: GraphOptions, focus: str | None = None) -> nx.MultiDiGraph:
    """``build_graph``, and with ``focus`` only that actor's neighbourhood in it."""
    G = build_graph(found.edges, registry, found.mention_counts, options)
    return neighbourhood(G, focus) if focus is not None else G


def neighbourhood(G: nx.MultiDiGraph, actor: str, radius: int = 1) -> nx.MultiDiGraph:
    if actor not in G:
        return nx.MultiDiGraph()
    keep = nx.single_source_shortest_path_length(G.to_undirected(as_view=True), actor, cutoff=radius)
    return G.subgraph(keep).copy()


def node_table(G: nx.MultiDiGraph) -> pd.DataFrame:
    rows = [{"actor": n, **{k: d.get(k) for k in ("label", "type", "camp_label", "mentions", "degree", "betweenness", "community")}}
            for n, d in G.nodes(data=True)]
    cols = ["actor", "label", "type", "camp_label", "mentions", "degree", "betweenness", "community"]
    return pd.DataFrame(rows, columns=cols).sort_values(["degree", "mentions"], ascending=False, ignore_index=True)


def edge_table(G: nx.MultiDiGraph, names: dict[str, str] | None = None) -> pd.DataFrame:
    names = names or {}
    styles = relation_styles()
    rows = []
    for u, v, d in G.edges(data=True):
        rel = d["relation"]
        rows.append({
            "source": u, "source_name": names.get(u, u), "relation": rel,
            "relation_label": styles.get(rel, {}).get("label", rel), "target": v, "target_name": names.get(v, v),
            "weight": d.get("weight", 1), "articles": d.get("articles", 0), "outlets": "; ".join(d.get("outlets", [])),
            "triggers": "; ".join(d.get("triggers", [])),
        })
    cols = ["source", "source_name", "relation", "relation_label", "target", "target_name", "weight", "articles", "outlets", "triggers"]
    return pd.DataFrame(rows, columns=cols).sort_values(["weight", "source_name"], ascending=[False, True], ignore_index=True)


# ---------------------------------------------------------------- layout
def precomputed_layout(G: nx.MultiDiGraph, scale: float = 1000.0) -> dict[str, tuple[float, float]]:
    """Positions for graphs too big for in-browser physics (computed once, cached by the caller)."""
    simple = _weighted_simple(G)
    if simple.number_of_nodes() == 0:
        return {}
    iters = 30 if simple.number_of_nodes() <= 1000 else 15
    pos = nx.forceatlas2_layout(simple, seed=0, max_iter=iters, weight="weight")
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
    x0, y0, span = float(min(xs)), float(min(ys)), float(span)
    return {n: (round((float(p[0]) - x0) / span * scale, 1), round((float(p[1]) - y0) / span * scale, 1)) for n, p in pos.items()}


# ---------------------------------------------------------------- rendering
def _tooltip_node(d: dict) -> str:
    return "\n".join([
        d.get("label", ""), f"{d.get('type', '')} · {d.get('camp_label', '')}", f"mentions: {d.get('mentions', 0)}",
        f"degree centrality: {d.get('degree', 0):.3f} · betweenness: {d.get('betweenness', 0):.3f}",
        f"community {d.get('community', -1) + 1}",
    ])


def _clip(s: str, n: int = EVIDENCE_CHARS) -> str:
    s = " ".join(str(s).split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _tooltip_edge(u_label: str, v_label: str, d: dict, style: dict) -> str:
    lines = [f"{u_label} — {style['label']} — {v_label}", f"{d.get('weight', 1)} sentence(s) in {d.get('articles', 0)} article(s)"]
    flagged = [f"{d[k]} {k}" for k in ("hedged", "negated") if d.get(k)]
    if flagged:
        lines.append("of which " + ", ".join(flagged) + " (hypothetical or denied)")
    if d.get("outlets"):
        lines.append("outlets: " + ", ".join(d["outlets"]))
    if d.get("triggers"):
        lines.append("words: " + ", ".join(d["triggers"][:8]))
    for ev in (d.get("evidence") or [])[:MAX_TOOLTIP_EVIDENCE]:
        lines.append("“" + _clip(ev) + "”")
    return "\n".join(lines)


def to_pyvis(G: nx.MultiDiGraph, *, positions: dict | None = None, height: int = 640):
    """A pyvis Network with nodes and edges filled directly (``from_nx`` is ~70x slower on big graphs)."""
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="remote")
    styles = relation_styles()
    max_m = max([d.get("mentions", 0) for _, d in G.nodes(data=True)] + [1])
    for n, d in G.nodes(data=True):
        shape, dashed = TYPE_SHAPES.get(d.get("type"), ("dot", False))
        node = {
            "id": n, "label": d.get("label", n), "title": _tooltip_node(d), "shape": shape,
            "color": camp_color(d.get("camp")), "size": round(8 + 28 * math.sqrt(d.get("mentions", 0) / max_m), 1),
            "borderWidth": 2 if dashed else 1, "shapeProperties": {"borderDashes": [4, 3] if dashed else False},
            # a white outline keeps a label readable where it crosses edges or another label
            "font": {"size": 17, "strokeWidth": 4, "strokeColor": "#ffffff"},
        }
        if positions and n in positions:
            node["x"], node["y"] = positions[n]
        net.nodes.append(node)
        net.node_ids.append(n)
        net.node_map[n] = node
    max_w = max([d.get("weight", 1) for *_, d in G.edges(data=True)] + [1])
    between: dict[frozenset, int] = {}  # edges already drawn between two actors, either way
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        style = styles.get(d["relation"], {"label": d["relation"], "color": "#888888", "directed": True})
        edge = {
            "id": f"e{i}", "from": u, "to": v, "title": _tooltip_edge(G.nodes[u].get("label", u), G.nodes[v].get("label", v), d, style),
            "color": style["color"], "width": round(1 + 5 * math.log1p(d.get("weight", 1)) / math.log1p(max_w), 2),
            "arrows": "to" if style["directed"] else "", "dashes": d["relation"] == CO_MENTION,
        }
        # The first edge between two actors is straight; each further one (another relation, or
        # the other way: "US attacks PMF" beside "PMF opposes US") bends more, so none is drawn
        # over another and every arrowhead shows its own direction.
        k = between.get(frozenset((u, v)), 0)
        between[frozenset((u, v))] = k + 1
        if k:
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": round(0.2 * k, 2)}
        net.edges.append(edge)
    big = positions is not None
    net.options = {
        "physics": {
            "enabled": not big, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -110, "springLength": 150, "avoidOverlap": 0.6},
            "stabilization": {"enabled": not big, "iterations": STABILIZATION_ITERATIONS, "updateInterval": 50, "fit": True},
        },
        "edges": {"smooth": False, "selectionWidth": 2, "arrows": {"to": {"scaleFactor": 0.6}}},
        "nodes": {"font": {"face": "sans-serif"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(G) > 150, "navigationButtons": False},
        "layout": {"improvedLayout": len(G) <= 100, "randomSeed": 7},
    }
    return net


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the pyvis package, with no URL left in them."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # The SVG namespace is an identifier, never fetched; "\/" keeps it byte-for-byte
    # the same string in JS while the page text holds no "http://" at all.
    js = js.replace('"http://www.w3.org/2000/svg"', '"http:\\/\\/www.w3.org/2000/svg"')
    # What remains are licence and error-message links: keep the text, drop the scheme.
    js = re.sub(r"https?://", "", js)
    js = re.sub(r"//# sourceMappingURL=\S*", "", js)  # devtools would ask the page's origin for the map
    css = re.sub(r"https?://", "", css)
    assert "http://" not in js + css and "https://" not in js + css
    return js, css


def _script_json(value) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' can end the element or open a comment."""
    s = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _legend_shape_svg(shape: str, dashed: bool, color: str = "#777") -> str:
    dash = ' stroke-dasharray="3,2"' if dashed else ""
    common = f'fill="{color}" stroke="#333" stroke-width="1"{dash}'
    pts = {
        "square": "3,3 15,3 15,15 3,15", "diamond": "9,1 17,9 9,17 1,9", "triangle": "9,2 17,16 1,16",
        "triangleDown": "1,2 17,2 9,16", "hexagon": "5,2 13,2 17,9 13,16 5,16 1,9",
        "star": "9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7",
    }
    body = f'<circle cx="9" cy="9" r="7" {common}/>' if shape == "dot" else f'<polygon points="{pts[shape]}" {common}/>'
    return f'<svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true">{body}</svg>'


def legend_html(G: nx.MultiDiGraph, camp_labels: dict[str, str]) -> str:
    """Camps (colour), types (shape), relations (edge colour) present in the graph; all text escaped."""
    e = html.escape
    camps = sorted({d.get("camp") for _, d in G.nodes(data=True)}, key=lambda c: list(CAMP_COLORS).index(c) if c in CAMP_COLORS else 99)
    types = sorted({d.get("type") for _, d in G.nodes(data=True)})
    styles = relation_styles()
    rels = sorted({d["relation"] for *_, d in G.edges(data=True)}, key=lambda r: list(styles).index(r) if r in styles else 99)
    items = ['<span class="lg-h">Camp (colour)</span>']
    items += [f'<span class="lg"><i style="background:{e(camp_color(c))}"></i>{e(camp_labels.get(c, c or ""))}</span>' for c in camps]
    items.append('<span class="lg-h">Type (shape)</span>')
    items += [f'<span class="lg">{_legend_shape_svg(*TYPE_SHAPES.get(t, ("dot", False)))}{e(t or "")}</span>' for t in types]
    items.append('<span class="lg-h">Relation (edge)</span>')
    for r in rels:
        st = styles.get(r, {"label": r, "color": "#888", "directed": True})
        arrow = " →" if st["directed"] else ""
        dash = "border-top:2px dashed" if r == CO_MENTION else "border-top:3px solid"
        items.append(f'<span class="lg"><b style="{dash} {e(st["color"])}"></b>{e(st["label"])}{arrow}</span>')
    items.append('<span class="lg-h">Size = mentions; width = sentences</span>')
    return '<div id="legend">' + "".join(items) + "</div>"


def frame_height(graph_height: int) -> int:
    """The height of a frame showing ``graph_html(..., height=graph_height)`` whole: the graph,
    its heading and status line, and a legend wrapped onto up to six lines in a narrow column."""
    return graph_height + 200


PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">
<title>__TITLE__</title>
<style>__CSS__</style>
<style>
body{margin:0;font-family:sans-serif;color:#222}
h1{font-size:15px;font-weight:600;margin:4px 6px}
#network{width:100%;box-sizing:border-box;height:__HEIGHT__px;border:1px solid #ddd;background:#fff;position:relative}
#status{font-size:12px;color:#666;margin:2px 6px}
#legend{font-size:12px;display:flex;flex-wrap:wrap;gap:4px 12px;margin:6px;align-items:center}
#legend .lg{display:inline-flex;align-items:center;gap:4px}
#legend .lg-h{font-weight:600;margin-left:6px}
#legend i{display:inline-block;width:12px;height:12px;border-radius:6px}
#legend b{display:inline-block;width:22px;height:0}
div.vis-tooltip{white-space:pre-wrap;max-width:440px;font-family:sans-serif;font-size:12px;line-height:1.35}
</style></head>
<body>
<h1>__HEADING__</h1>
<div id="network" data-nodes="__N_NODES__" data-edges="__N_EDGES__"></div>
<div id="status">__STATUS__</div>
__LEGEND__
<script>__JS__</script>
<script>
(function () {
  var data = __DATA__;
  var container = document.getElementById("network");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  var status = document.getElementById("status");
  function freeze() {
    network.setOptions({physics: {enabled: false}});
    container.setAttribute("data-stable", "1");
    status.textContent = status.textContent.replace(" Laying out…", "");
  }
  if (data.options.physics && data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", freeze);
    setTimeout(freeze, 15000);  // never keep the CPU busy for good
  } else {
    container.setAttribute("data-stable", "1");
  }
  window.crosscurrentsNetwork = network;
})();
</script>
</body></html>
"""


def graph_html(G: nx.MultiDiGraph, *, heading: str = "", camp_labels: dict[str, str] | None = None, height: int = 640,
               positions: dict | None = None) -> str:
    """A standalone HTML page drawing ``G`` with vis-network, with no external URL."""
    if positions is None and len(G) > PHYSICS_NODE_LIMIT:
        positions = precomputed_layout(G)
    net = to_pyvis(G, positions=positions, height=height)
    nodes, edges, _, _, _, options = net.get_network_data()
    js, css = _vis_assets()
    laying = " Laying out…" if positions is None and len(G) else ""
    status = f"{len(G)} actors, {G.number_of_edges()} edges. Hover for details; drag to move; scroll to zoom.{laying}"
    data = {"nodes": nodes, "edges": edges, "options": json.loads(options) if isinstance(options, str) else options}
    values = {
        "__TITLE__": html.escape(heading or "Actor network"), "__HEADING__": html.escape(heading),
        "__HEIGHT__": str(int(height)), "__N_NODES__": str(len(G)), "__N_EDGES__": str(G.number_of_edges()),
        "__STATUS__": html.escape(status), "__LEGEND__": legend_html(G, camp_labels or {}),
        "__CSS__": css, "__DATA__": _script_json(data), "__JS__": js,
    }
    # One pass over the template: inserted text is never scanned for placeholders again.
    return re.sub(r"__[A-Z_]+__", lambda m: values[m.group(0)], PAGE_TEMPLATE)


# ---------------------------------------------------------------- exports
def _flat(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Copy with only scalar attributes (GraphML and GEXF take no lists)."""
    H = nx.MultiDiGraph()
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: v for k, v in d.items() if isinstance(v, (str, int, float, bool))})
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs: dict[str, str | int | float | bool] = {}
        for a, val in d.items():
            if isinstance(val, (list, tuple)):
                attrs[a] = " | ".join(map(str, val))
            elif isinstance(val, (str, int, float, bool)):
                attrs[a] = val
        H.add_edge(u, v, key=k, **attrs)
    return H


def to_graphml(G: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(_flat(G), buf, encoding="utf-8")
    return buf.getvalue()


def to_gexf(G: nx.MultiDiGraph) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(_flat(G), buf, encoding="utf-8")
    return buf.getvalue()


def to_edge_csv(G: nx.MultiDiGraph, names: dict[str, str] | None = None) -> bytes:
    return edge_table(G, names).to_csv(index=False).encode("utf-8")


class Export(NamedTuple):
    key: str  # names the download button
    label: str
    data: bytes | str | Callable[[], bytes | str]  # or a function making them when the button is clicked
    file_name: str
    mime: str


def exports(G: nx.MultiDiGraph, html: str, names: dict[str, str]) -> list[Export]:
    """Each download of a graph."""
    return [
        Export("graphml", "GraphML (Gephi, yEd)", lambda: to_graphml(G), "crosscurrents-network.graphml", "application/graphml+xml"),
        Export("gexf", "GEXF (Gephi)", lambda: to_gexf(G), "crosscurrents-network.gexf", "application/xml"),
        Export("csv", "Edge list (CSV)", lambda: to_edge_csv(G, names), "crosscurrents-edges.csv", "text/csv"),
        Export("html", "Graph (standalone HTML)", html.encode("utf-8"), "crosscurrents-network.html", "text/html"),
    ]


# ---------------------------------------------------------------- evidence
def edge_evidence_in_store(edge, query, f, articles: pd.DataFrame, sentences, *, loose: bool) -> pd.DataFrame:
    """``edge_evidence`` for one row of ``edge_table``, reading from the store only that
    edge's relations and its two actors' mentions, with the Filters ``f``."""
    rows = relation_rows_in_store(query, replace(f, relation_types=(edge["relation"],)), articles, loose=loose, involving=(edge["source"],))
    where, params = f.in_articles_sql()
    pair = query(f"SELECT article_id, sent_id, actor FROM mentions_rows WHERE actor IN (?, ?) AND {where} ORDER BY row_order",
                 [edge["source"], edge["target"], *params], arrow=True)
    return edge_evidence(edge["source"], edge["target"], edge["relation"], rows, pair, sentences, articles)


def edge_evidence(source: str, target: str, relation: str, rows: pd.DataFrame, mentions: pd.DataFrame,
                  sentences, articles: pd.DataFrame) -> pd.DataFrame:
    """The sentences behind one edge, each with its outlet, date and a link to it in the reader.

    ``sentences``: the sentences table, or a function from (article_id, sent_id)
    keys to their rows (the app reads only the sentences it shows)."""
    from lib.highlight import reader_hrefs

    cols = ["outlet", "published", "words", "flags", "sentence", "reader"]
    if relation == CO_MENTION:
        m = mentions[mentions["article_id"].isin(articles["article_id"])]
        a = m[m["actor"] == source][["article_id", "sent_id"]].drop_duplicates()
        b = m[m["actor"] == target][["article_id", "sent_id"]].drop_duplicates()
        both = a.merge(b)
        texts = sentences(both) if callable(sentences) else sentences
        both = both.merge(texts[["article_id", "sent_id", "text"]], how="left")
        both = both.rename(columns={"text": "evidence"}).assign(trigger="", negated=False, hedged=False)
        meta = articles[["article_id", "outlet", "original_publisher", "published"]]
        both = both.merge(meta, how="left")
        both["reported_by"] = reported_by(both)
        r = both
    else:
        directed = relation_styles().get(relation, {}).get("directed", True)
        same = (rows["source"] == source) & (rows["target"] == target)
        if not directed:
            same |= (rows["source"] == target) & (rows["target"] == source)
        r = rows[same & (rows["relation"] == relation)]
    if r.empty:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame({
        "outlet": r["reported_by"].to_numpy(),
        "published": r["published"].to_numpy(),
        "words": r["trigger"].fillna("").to_numpy(),
        "flags": [", ".join(f for f, on in (("negated", n), ("hedged", h)) if on) for n, h in zip(r["negated"].fillna(False), r["hedged"].fillna(False))],
        "sentence": r["evidence"].to_numpy(),
        "reader": reader_hrefs(r["article_id"].tolist(), r["sent_id"].tolist()),
    })
    return out.drop_duplicates(subset=["sentence", "reader"]).sort_values(["outlet", "published"], ignore_index=True)


def text_relation_types() -> list[str]:
    """Relation types read from text, in lexicon order (structural links and co-mentions excluded)."""
    return list(load_lexicon().relations)
