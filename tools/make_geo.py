"""Build data/geo/middle_east_countries_50m.geojson from world-atlas's TopoJSON.

Run once, by hand, when the boundary data should change:

    cd /tmp && npm pack world-atlas && tar xzf world-atlas-*.tgz
    .venv/bin/python tools/make_geo.py /tmp/package/countries-50m.json

world-atlas 2.0.2 redistributes Natural Earth 4.1.0 (public domain) admin-0
country boundaries as quantized TopoJSON. This script decodes the TopoJSON in
pure Python, clips every country to the region the app maps (so Russia or
Egypt do not ship whole), rounds coordinates to 0.001 degree and writes a
small GeoJSON the app reads at run time. Nothing is fetched.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "geo" / "middle_east_countries_50m.geojson"
# lon_min, lat_min, lon_max, lat_max: the Levant, Iraq, Iran, the Gulf and Yemen.
BBOX = (24.0, 10.0, 64.0, 43.0)
DIGITS = 3


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat arcs from delta-encoded, quantized TopoJSON arcs."""
    tf = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        pts, x, y = [], 0, 0
        for p in arc:
            if tf:
                x, y = x + p[0], y + p[1]
                pts.append((x * tf["scale"][0] + tf["translate"][0], y * tf["scale"][1] + tf["translate"][1]))
            else:
                pts.append((p[0], p[1]))
        arcs.append(pts)
    return arcs


def ring(indices: list[int], arcs) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        # Consecutive arcs share their joining point.
        out.extend(pts[1:] if out else pts)
    return out


def polygons(geom: dict, arcs) -> list[list[list[tuple[float, float]]]]:
    if geom["type"] == "Polygon":
        return [[ring(r, arcs) for r in geom["arcs"]]]
    if geom["type"] == "MultiPolygon":
        return [[ring(r, arcs) for r in poly] for poly in geom["arcs"]]
    return []


def clip_ring(points, bbox):
    """Sutherland-Hodgman clipping of a closed ring to an axis-aligned box."""
    x0, y0, x1, y1 = bbox
    edges = (
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    )
    pts = list(points)
    for inside, cross in edges:
        if not pts:
            break
        out = []
        prev = pts[-1]
        for cur in pts:
            if inside(cur):
                if not inside(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cross(prev, cur))
            prev = cur
        pts = out
    return pts


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def simplify(points):
    """Round, and drop points that round onto the previous one."""
    out = []
    for x, y in points:
        p = (round(x, DIGITS), round(y, DIGITS))
        if not out or p != out[-1]:
            out.append(p)
    if len(out) > 1 and out[0] != out[-1]:
        out.append(out[0])
    return out


def build(topojson_path: Path, bbox=BBOX) -> dict:
    topology = json.loads(Path(topojson_path).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geom in topology["objects"]["countries"]["geometries"]:
        polys = []
        for poly in polygons(geom, arcs):
            rings = [simplify(clip_ring(r, bbox)) for r in poly]
            if len(rings[0]) >= 4:
                polys.append([r for r in rings if len(r) >= 4])
        if polys:
            features.append({
                "type": "Feature",
                "id": geom.get("id"),
                "properties": {"name": (geom.get("properties") or {}).get("name")},
                "geometry": {"type": "MultiPolygon", "coordinates": [[[list(p) for p in r] for r in poly] for poly in polys]},
            })
    features.sort(key=lambda f: f["properties"]["name"] or "")
    return {
        "type": "FeatureCollection",
        "bbox": list(bbox),
        "source": "Natural Earth 4.1.0 admin-0 countries, 1:50m (public domain), via world-atlas 2.0.2 (ISC); clipped to bbox",
        "features": features,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    fc = build(args.topojson)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fc, separators=(",", ":")), encoding="utf-8")
    print(f"{len(fc['features'])} countries -> {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
