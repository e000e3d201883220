"""The place gazetteer (data/places.yaml) and place names in text.

Places are matched with the actor registry's matcher (lib/registry.py
AliasMatcher), so the same folding rules apply: case, apostrophes, hyphens and
possessives fold, one-word names must be capitalised, short all-capital names
match only in capitals. A place can lie in another (``parent``): "the Harir
base in Erbil" names two places but means the more specific one.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lib import yamlfile
from lib.paths import DATA_DIR
from lib.registry import AliasEntry, AliasMatcher, Tokens, _is_acronym, tokenize

# How specific each type is: a base beats its city, a city its region, a region its country.
SPECIFICITY = {
    "base": 5, "airport": 5, "port": 5, "facility": 5,
    "district": 4, "city": 3,
    "region": 2, "feature": 2,
    "territory": 1, "country": 0,
}


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    type: str
    lat: float
    lon: float
    country: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    precision: str | None = None
    note: str = ""


@dataclass(frozen=True)
class PlaceMatch:
    place: str  # place id
    surface: str
    start: int
    end: int


class GazetteerError(ValueError):
    pass


class Gazetteer:
    def __init__(self, places: dict[str, Place], types: list[str]):
        self.places = places
        self.types = types
        entries = []
        for p in places.values():
            for alias in dict.fromkeys((p.name, *p.aliases)):
                proper = len(tokenize(alias)) == 1 and alias[:1].isupper()
                entries.append(AliasEntry(p.id, alias, _is_acronym(alias), proper))
        self.matcher = AliasMatcher(entries)
        # Asked for again and again when events are compared: worked out once per place.
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._specificity: dict[str, int] = {}

    def find(self, text: str, tokens: Tokens | None = None) -> list[PlaceMatch]:
        """Every place named in ``text``, leftmost-longest, with offsets."""
        return [PlaceMatch(m.target, m.surface, m.start, m.end) for m in self.matcher.find(text, tokens)]

    def ancestors(self, place_id: str) -> list[str]:
        """The place's parents, nearest first (Harir base -> Erbil -> Kurdistan Region -> Iraq)."""
        return list(self._ancestor_ids(place_id))

    def _ancestor_ids(self, place_id: str) -> tuple[str, ...]:
        found = self._ancestors.get(place_id)
        if found is None:
            out, seen = [], {place_id}
            p = self.places.get(place_id)
            while p is not None and p.parent and p.parent not in seen:
                out.append(p.parent)
                seen.add(p.parent)
                p = self.places.get(p.parent)
            found = self._ancestors[place_id] = tuple(out)
        return found

    def within(self, inner: str, outer: str) -> bool:
        """True when ``inner`` is ``outer`` or lies in it."""
        return inner == outer or outer in self._ancestor_ids(inner)

    def compatible(self, a: str | None, b: str | None) -> bool:
        """Two place references can describe one event: one lies in the other, or either is unknown."""
        return a is None or b is None or self.within(a, b) or self.within(b, a)

    def specificity(self, place_id: str) -> int:
        found = self._specificity.get(place_id)
        if found is None:
            p = self.places[place_id]
            found = self._specificity[place_id] = SPECIFICITY.get(p.type, 0) * 100 + len(self._ancestor_ids(place_id))
        return found

    def most_specific(self, place_ids) -> str | None:
        """The most specific of several places ("Harir base" over "Erbil"); first one on ties."""
        ids = [p for p in place_ids if p in self.places]
        if not ids:
            return None
        return max(ids, key=lambda p: (self.specificity(p), -ids.index(p)))


def load_places(path: Path | str | None = None) -> Gazetteer:
    if not path:
        return _load_from(DATA_DIR)  # the usual call, many times per article: no path to build
    return _load(str(path))


@lru_cache(maxsize=4)
def _load_from(data_dir: Path) -> Gazetteer:
    return _load(str(data_dir / "places.yaml"))


@lru_cache(maxsize=4)
def _load(path: str) -> Gazetteer:
    p = Path(path)
    if not p.exists():
        return Gazetteer({}, [])
    spec = yamlfile.load_file(p) or {}
    types = list(spec.get("types") or SPECIFICITY)
    places: dict[str, Place] = {}
    for row in spec.get("places") or []:
        pid = row.get("id")
        if not pid or pid in places:
            raise GazetteerError(f"{p.name}: missing or duplicate place id {pid!r}")
        if row.get("type") not in types:
            raise GazetteerError(f"{p.name}: {pid}: type {row.get('type')!r} is not one of {types}")
        lat, lon = float(row["lat"]), float(row["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GazetteerError(f"{p.name}: {pid}: latitude/longitude out of range")
        places[pid] = Place(
            id=pid, name=row["name"], type=row["type"], lat=lat, lon=lon,
            country=row.get("country"), aliases=tuple(row.get("aliases") or []),
            parent=row.get("parent"), precision=row.get("precision"), note=row.get("note") or "",
        )
    for pl in places.values():
        if pl.parent and pl.parent not in places:
            raise GazetteerError(f"{p.name}: {pl.id}: unknown parent {pl.parent!r}")
    return Gazetteer(places, types)
