"""The events map, drawn with no network.

plotly's geo traces fetch TopoJSON from a CDN, and map tiles come from tile
servers; neither is allowed here. Instead the country boundaries shipped in
data/geo/ (Natural Earth, public domain) are drawn as ordinary filled line
traces on longitude/latitude axes, with the y axis scaled by 1/cos(latitude)
so the region keeps its shape (an equirectangular projection true at the
map's middle latitude). Events are markers on the same axes.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from lib import chart_labels
from lib.frames import records
from lib.paths import ROOT
from lib.places import load_places
from lib.timeline import MAX_LABELLED, OTHER_COLOR, hover_text, marker_size, reports_by_cluster, type_colors, type_labels

BOUNDARIES = ROOT / "data" / "geo" / "middle_east_countries_50m.geojson"
LAND, SEA, BORDER = "#f3f0e8", "#d7e6f2", "#a39e93"
DEFAULT_VIEW = (34.0, 27.0, 56.0, 39.5)  # lon_min, lat_min, lon_max, lat_max: Levant to Iran
MIN_SPAN = 6.0  # degrees: never zoom in further than this on load
PAD = 2.0
LABELLED_COUNTRIES = ("iraq", "iran", "syria", "jordan", "saudi_arabia", "turkey", "israel", "lebanon", "kuwait", "yemen", "egypt", "qatar", "united_arab_emirates", "oman")


@lru_cache(maxsize=2)
def load_boundaries(path: str | None = None) -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(country name, rings) for every country in the shipped GeoJSON."""
    fc = json.loads(Path(path or BOUNDARIES).read_text(encoding="utf-8"))
    out = []
    for f in fc["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings = tuple(tuple((x, y) for x, y in ring) for poly in polys for ring in poly)
        out.append((f["properties"].get("name") or "", rings))
    return tuple(out)


def boundary_trace(path: str | None = None) -> go.Scatter:
    """All country outlines as one filled line trace (None between rings)."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for _name, rings in load_boundaries(path):
        for ring in rings:
            xs.extend(x for x, _ in ring)
            ys.extend(y for _, y in ring)
            xs.append(None)
            ys.append(None)
    return go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=LAND, line=dict(color=BORDER, width=0.7),
                      hoverinfo="skip", showlegend=False, name="boundaries")


def view_bounds(clusters: pd.DataFrame) -> tuple[float, float, float, float]:
    """The box to show: every located event with a margin, at least MIN_SPAN wide."""
    located = clusters.dropna(subset=["lat", "lon"]) if not clusters.empty else clusters
    if located.empty:
        return DEFAULT_VIEW
    x0, x1 = located["lon"].min() - PAD, located["lon"].max() + PAD
    y0, y1 = located["lat"].min() - PAD, located["lat"].max() + PAD
    if x1 - x0 < MIN_SPAN:
        mid = (x0 + x1) / 2
        x0, x1 = mid - MIN_SPAN / 2, mid + MIN_SPAN / 2
    if y1 - y0 < MIN_SPAN * 0.6:
        mid = (y0 + y1) / 2
        y0, y1 = mid - MIN_SPAN * 0.3, mid + MIN_SPAN * 0.3
    return float(x0), float(y0), float(x1), float(y1)


def spread(lons: list[float], lats: list[float], step: float = 0.22) -> tuple[list[float], list[float]]:
    """Events at one place side by side on a small circle rather than on top of each other."""
    seen: dict[tuple[float, float], int] = {}
    totals: dict[tuple[float, float], int] = {}
    for p in zip(lons, lats):
        totals[p] = totals.get(p, 0) + 1
    xs, ys = [], []
    for lon, lat in zip(lons, lats):
        n = totals[(lon, lat)]
        k = seen.get((lon, lat), 0)
        seen[(lon, lat)] = k + 1
        if n == 1:
            xs.append(lon)
            ys.append(lat)
            continue
        angle = 2 * math.pi * k / n
        xs.append(lon + step * math.cos(angle) / math.cos(math.radians(lat)))
        ys.append(lat + step * math.sin(angle))
    return xs, ys


def map_figure(clusters: pd.DataFrame, reports: pd.DataFrame, actor_names: dict[str, str], *, height: int = 560,
               boundaries: str | None = None) -> go.Figure:
    """Located events over the shipped boundaries, coloured by type, sized by casualties."""
    x0, y0, x1, y1 = view_bounds(clusters)
    mid_lat = (y0 + y1) / 2
    fig = go.Figure()
    fig.add_trace(boundary_trace(boundaries))
    places = load_places()
    names = [(places.places[c].lon, places.places[c].lat, places.places[c].name) for c in LABELLED_COUNTRIES if c in places.places]
    # No country label under an event placed at that country's point: the place label says it.
    taken = set(zip(clusters["lon"], clusters["lat"])) if not clusters.empty else set()
    names = [n for n in names if (n[0], n[1]) not in taken]
    if names:
        fig.add_scatter(x=[n[0] for n in names], y=[n[1] for n in names], text=[n[2].upper() for n in names], mode="text",
                        textfont=dict(color="#9b9486", size=11), hoverinfo="skip", showlegend=False, name="countries")
    located = clusters.dropna(subset=["lat", "lon"]) if not clusters.empty else clusters
    if not located.empty:
        colors, labels = type_colors(), type_labels()
        xs, ys = spread(list(located["lon"]), list(located["lat"]))
        located = located.assign(x=xs, y=ys)
        by_cluster = reports_by_cluster(reports)
        crowded = len(located) > MAX_LABELLED  # as on the timeline: small points past the label budget
        order = [t for t in labels if t in set(located["type"])] + sorted(set(located["type"]) - set(labels))
        for t in order:
            g = located[located["type"] == t]
            fig.add_scatter(
                x=g["x"], y=g["y"], mode="markers", name=labels.get(t, t),
                marker=dict(size=[marker_size(k, i, crowded=crowded) + 2 for k, i in zip(g["killed"], g["injured"])], color=colors.get(t, OTHER_COLOR),
                            symbol=["diamond" if n > 1 else "circle" for n in g["n_sources"]], line=dict(color="white", width=1.2), opacity=0.9),
                hovertext=[hover_text(c, by_cluster.get(c["cluster_id"], []), actor_names) for c in records(g)],
                hoverinfo="text", customdata=g["cluster_id"],
            )
        spots = place_names(located)
        fig.add_scatter(x=[s[0] for s in spots], y=[s[1] for s in spots], text=[s[2] for s in spots], mode="text",
                        textfont=dict(size=10, color="#333"), hoverinfo="skip", showlegend=False, name="places")
    # The x range widens to fill the chart's width; the y axis keeps the shape.
    fig.update_xaxes(range=[x0, x1], showgrid=False, zeroline=False, ticksuffix="°E", title=None)
    fig.update_yaxes(range=[y0, y1], showgrid=False, zeroline=False, ticksuffix="°N", title=None,
                     scaleanchor="x", scaleratio=1 / math.cos(math.radians(mid_lat)))
    fig.update_layout(
        height=height, margin=dict(t=30, l=10, r=10, b=10), plot_bgcolor=SEA, hoverlabel=dict(align="left"),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, itemsizing="constant"), clickmode="event+select", dragmode="pan",
    )
    # Place names keep clear of each other and of the country names, which stay put;
    # where places crowd, the names that find no room are left to the hover.
    return chart_labels.place_labels(fig, keep=("countries",), hide_crowded=True)


def place_names(located: pd.DataFrame, near: float = 0.6) -> list[tuple[float, float, str]]:
    """One label per place, places closer than ``near`` degrees sharing one ("Baghdad · Baghdad International Airport")."""
    out: list[list] = []
    for lon, lat, name in located.drop_duplicates("place_id")[["lon", "lat", "place"]].itertuples(index=False):
        for spot in out:
            if abs(spot[0] - lon) < near and abs(spot[1] - lat) < near:
                spot[2] += f" · {name}"
                break
        else:
            out.append([lon, lat, str(name)])
    return [tuple(s) for s in out]


def map_caption(clusters: pd.DataFrame, drawn_ids) -> str:
    """What the map shows of the events ``clusters`` (one row per event, ``lat`` empty when
    unplaced), when only the events ``drawn_ids`` are drawn, and where its boundaries come from."""
    drawn = set(drawn_ids)
    located = int(clusters["lat"].notna().sum()) if not clusters.empty else 0
    drawn_located = int(clusters.loc[clusters["cluster_id"].isin(drawn), "lat"].notna().sum()) if not clusters.empty else 0
    on_map = (f"; the map draws the {drawn_located:,} of them among the {len(drawn):,} events drawn" if len(drawn) < len(clusters) else " and are on the map")
    return (f"{located:,} of {len(clusters):,} events have a place in the gazetteer (data/places.yaml){on_map}. "
            "Boundaries: Natural Earth 1:50m (public domain), shipped with the app; the map loads nothing from the network. "
            "A point at a region or a country is only as precise as the text.")


def events_geojson(clusters: pd.DataFrame, reports: pd.DataFrame) -> dict:
    """Located events as a GeoJSON FeatureCollection, each with its sources' own words."""
    features = []
    by_cluster = reports_by_cluster(reports) if not reports.empty else {}
    for c in records(clusters.dropna(subset=["lat", "lon"])) if not clusters.empty else []:
        sources = []
        for r in by_cluster.get(c["cluster_id"], []):
            sources.append({
                "article_id": r["article_id"], "reporter": r["reporter"], "date_text": _plain(r["date_text"]),
                "date": _iso(r["date"]), "date_precision": r["date_precision"], "place_text": _plain(r["place_text"]),
                "killed": _num(r["killed"]), "injured": _num(r["injured"]), "evidence": r["evidence"],
            })
        features.append({
            "type": "Feature",
            "id": c["cluster_id"],
            "geometry": {"type": "Point", "coordinates": [round(float(c["lon"]), 4), round(float(c["lat"]), 4)]},
            "properties": {
                "title": c["title"], "type": c["type"], "date": _iso(c["date"]), "date_end": _iso(c["date_end"]),
                "date_precision": c["precision"], "place": _plain(c["place"]), "killed": _num(c["killed"]),
                "injured": _num(c["injured"]), "n_sources": int(c["n_sources"]), "sources": sources,
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _iso(d):
    return None if d is None or pd.isna(d) else pd.Timestamp(d).date().isoformat()


def _num(v):
    return None if v is None or pd.isna(v) else float(v)


def _plain(v):
    return v if isinstance(v, str) else None
