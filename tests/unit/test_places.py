"""The gazetteer, place names in text, places never read as actors, and the offline map."""
import json
from datetime import date

import pytest

from lib.geo import BOUNDARIES, boundary_trace, events_geojson, load_boundaries, map_caption, map_figure, view_bounds
from lib.mentions import find_mentions
from lib.places import load_places
from lib.registry import tokenize
from lib.sentences import split_sentences
from lib.timeline import event_clusters, with_cluster_fields

GEO_BBOX = (24.0, 10.0, 64.0, 43.0)


@pytest.fixture(scope="module")
def gaz():
    return load_places()


def test_gazetteer_is_well_formed(gaz):
    assert len(gaz.places) >= 90
    owners = {}
    for p in gaz.places.values():
        assert p.type in gaz.types
        for parent in gaz.ancestors(p.id):
            assert parent in gaz.places
        # Every place lies inside the shipped boundaries, so it can be drawn.
        assert GEO_BBOX[0] <= p.lon <= GEO_BBOX[2] and GEO_BBOX[1] <= p.lat <= GEO_BBOX[3], p.id
        for alias in (p.name, *p.aliases):
            key = tuple(t.norm for t in tokenize(alias))
            assert owners.setdefault(key, p.id) == p.id, f"{alias!r} belongs to {owners[key]} and {p.id}"


@pytest.mark.parametrize("text,place", [
    ("in Baghdad", "baghdad"), ("inside Baghdad airport", "baghdad_airport"), ("in Erbil", "erbil"),
    ("the US Harir base", "harir_base"), ("in western Iraq", "western_iraq"), ("a base in north-eastern Jordan", "north_east_jordan"),
    ("at Tower 22", "tower_22"), ("Eilat", "eilat"), ("Haifa", "haifa"), ("Tel Aviv", "tel_aviv"), ("Tiberias", "tiberias"),
    ("the Golan Heights", "golan_heights"), ("the Jordan Valley", "jordan_valley"), ("the vital port of Hodeidah", "hodeidah"),
    ("the Gaza Strip", "gaza_strip"), ("Gaza", "gaza_strip"), ("Lebanon", "lebanon"), ("in Iraq's western desert", "iraq_western_desert"),
    ("on Iraqi soil", "iraq"), ("Ain al-Asad", "ain_al_asad"), ("Al Udeid", "al_udeid"), ("Albu Kamal", "albu_kamal"),
])
def test_corpus_places_are_found(gaz, text, place):
    assert [m.place for m in gaz.find(text)] == [place]


def test_no_false_place_hits(gaz):
    found = gaz.find("the western desert of Egypt was calm; jordan, gaza and taji in lower case are not names")
    assert [m.place for m in found] == ["egypt"]  # "western desert" alone is not Iraq's


def test_most_specific_place(gaz):
    found = [m.place for m in gaz.find("It deployed a drone to strike the US Harir base in Erbil.")]
    assert found == ["harir_base", "erbil"]
    assert gaz.most_specific(found) == "harir_base"
    assert gaz.ancestors("harir_base") == ["erbil", "kurdistan_region", "iraq"]
    assert gaz.compatible("baghdad_airport", "iraq") and not gaz.compatible("baghdad_airport", "erbil")


def test_places_are_not_actors(processed, ctx):
    """"Jordan Valley" is not Jordan, "Baghdad airport" is not the Government of Iraq,
    "western Iraq" is not the Iraqi state; "Baghdad" alone still is the government."""
    def actors(seed, sent):
        return [(m["surface"], m["actor"]) for m in processed[seed]["mentions"] if m["sent_id"] == sent]

    assert ("Jordan", "jordan") not in actors("002", 4)
    assert ("Baghdad", "government_of_iraq") not in actors("003", 20)
    assert ("Baghdad", "government_of_iraq") in actors("003", 3)
    assert ("Iraq", "iraq") not in actors("004", 7)  # "in Iraq's western desert"
    text = "Drones hit the Jordan Valley and Baghdad airport; Baghdad protested, and Jordan closed its airspace."
    found, _ = find_mentions(text, split_sentences(text), ctx.registry, date(2024, 11, 21))
    assert [(m["surface"], m["actor"]) for m in found] == [("Baghdad", "government_of_iraq"), ("Jordan", "jordan")]


# ------------------------------------------------------------------ the map
def test_boundaries_are_shipped_and_cover_the_region():
    names = {n for n, _ in load_boundaries()}
    assert {"Iraq", "Iran", "Syria", "Jordan", "Israel", "Lebanon", "Saudi Arabia", "Kuwait", "Turkey", "Yemen"} <= names
    fc = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    for f in fc["features"]:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                assert ring[0] == ring[-1]
                assert all(GEO_BBOX[0] <= x <= GEO_BBOX[2] and GEO_BBOX[1] <= y <= GEO_BBOX[3] for x, y in ring)
    assert BOUNDARIES.stat().st_size < 200_000
    assert (BOUNDARIES.parent / "README.md").read_text().count("public domain") >= 1


def test_map_uses_no_geo_or_tile_traces(processed, ctx):
    from lib import events as ev
    import pandas as pd

    rows = ev.link_across_articles([r for s in sorted(processed) for r in processed[s]["events"]], ctx)
    reports = with_cluster_fields(pd.DataFrame(rows))
    clusters = event_clusters(reports)
    fig = map_figure(clusters, reports, {})
    spec = fig.to_plotly_json()
    assert {t["type"] for t in spec["data"]} == {"scatter"}  # no scattergeo / scattermap: nothing fetched
    assert not any(k.startswith(("geo", "mapbox", "map")) for k in spec["layout"])
    assert spec["data"][0]["fill"] == "toself" and spec["data"][0]["hoverinfo"] == "skip"
    assert spec["layout"]["yaxis"]["scaleanchor"] == "x"
    markers = [t for t in spec["data"] if t.get("customdata") is not None]
    located = {c for t in markers for c in t["customdata"]}
    assert {"soleimani_killing", "tower_22_drone_attack", "us_strikes_2024_02_02", "golan_drone_attack_2024_10_04"} <= located
    assert len(located) == int(clusters["lat"].notna().sum()) == 13
    x0, y0, x1, y1 = view_bounds(clusters)
    assert x0 < 34.48 and x1 > 44.353 and y0 < 31.208 and y1 > 36.537  # Gaza envelope to Harir
    gj = events_geojson(clusters, reports)
    soleimani = next(f for f in gj["features"] if f["id"] == "soleimani_killing")
    assert soleimani["geometry"] == {"type": "Point", "coordinates": [44.235, 33.262]}
    assert soleimani["properties"]["n_sources"] == 3
    assert sorted(s["date_text"] or "" for s in soleimani["properties"]["sources"]) == ["", "in 2020", "in January"]


def test_boundary_trace_is_one_path():
    t = boundary_trace()
    assert t.fill == "toself" and t.x.count(None) == sum(len(r) for _, r in load_boundaries())


def test_a_sentences_tokens_are_the_articles_there(processed, gaz):
    # lib/events.py finds a sentence's places with the article's tokens (Tokens.window), not its own.
    from lib.registry import Tokens

    checked = 0
    for rows in processed.values():
        whole = Tokens(rows["articles"][0]["text"])
        for s in rows["sentences"]:
            part, alone = whole.window(s["start"], s["end"]), Tokens(s["text"])
            assert (part.norms, part.texts, part.starts) == (alone.norms, alone.texts, alone.starts)
            assert gaz.find(s["text"], part) == gaz.find(s["text"])
            checked += len(alone)
    assert checked > 3000
    # "Harir base" inside its sentence: offsets relative to the window's start
    text = "Officials met. Rockets hit Harir base in Erbil."
    window = Tokens(text).window(15, len(text))
    assert [(p.place, p.start, p.end) for p in gaz.find(text[15:], window)] == [("harir_base", 12, 22), ("erbil", 26, 31)]
    assert window.starts[:3] == [0, 8, 12] and window.texts[:3] == ["Rockets", "hit", "Harir"]


def test_the_map_caption_counts_located_events_and_those_drawn():
    import pandas as pd

    clusters = pd.DataFrame({"cluster_id": ["a", "b", "c", "d"], "lat": [33.3, None, 36.2, 31.0]})
    every = map_caption(clusters, ["a", "b", "c", "d"])
    assert every.startswith("3 of 4 events have a place in the gazetteer (data/places.yaml) and are on the map. Boundaries: Natural Earth")
    some = map_caption(clusters, ["a", "b"])
    assert some.startswith("3 of 4 events have a place in the gazetteer (data/places.yaml); the map draws the 1 of them among the 2 events drawn. ")
    assert map_caption(clusters.iloc[:0], []).startswith("0 of 0 events have a place")
