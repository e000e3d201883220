"""ACLED event data beside the article-derived claims.

An ACLED CSV export (one row per event: event_date, event_type, sub_event_type,
actor1, actor2, country, location, fatalities, source, notes, ...) is validated
and its new events are appended to data/acled_events.csv. From that file every
build makes

* figures: monthly counts per (month, unit, actor1, target), claimed by
  "ACLED" and citing "ACLED (source: ...)", plus the fatalities of those events
  as "killed" counts; the Attacks page shows them beside the articles' claims;
* events: one row per ACLED event (event_id "acled:<id>"), for the Timeline.

Actors are mapped to the registry where possible (data/acled.yaml, then the
registry's aliases); an unmapped actor keeps its ACLED name in the evidence.

    python -m lib.acled FILE.csv [--dry-run] [--user NAME]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
from calendar import monthrange
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import pyarrow as pa
import pyarrow.compute as pc

from lib import paths, yamlfile

EVENTS_FILE = "acled_events.csv"
MAPPING_FILE = "acled.yaml"
CLAIMANT = "ACLED"
SOURCE = "acled"  # the figures' source column
ID_PREFIX = "acled:"  # of every ACLED figure_id and event_id
MAX_CSV_BYTES = 50_000_000
# The columns of an ACLED export this import reads; exports have more (inter1,
# iso, region, admin2, geo_precision, timestamp, ...), which are ignored.
REQUIRED_COLUMNS = (
    "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "country",
    "admin1", "location", "latitude", "longitude", "fatalities", "source", "notes",
)
OPTIONAL_COLUMNS = ("event_id_cnty", "assoc_actor_2", "time_precision")
OTHER_EXPORT_COLUMNS = (
    "year", "disorder_type", "inter1", "inter2", "interaction", "civilian_targeting", "iso", "region",
    "admin2", "admin3", "geo_precision", "source_scale", "tags", "timestamp",
)
STORED_COLUMNS = ("event_id_cnty", *REQUIRED_COLUMNS, "assoc_actor_2", "time_precision", "imported_from", "imported_at")
TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}
QUALIFIER_RE = re.compile(r"\s*\([^)]*\)")


# --------------------------------------------------------------------------- reading an export
def parse_event_date(value: str) -> date:
    """ACLED writes ISO dates in API exports and "02 February 2024" in older ones."""
    s = value.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y"):
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"event_date {value!r} is not a date (ACLED uses YYYY-MM-DD or '02 February 2024')")


def _renamed_hint(missing: list[str], found: list[str]) -> str:
    from rapidfuzz import fuzz, process

    extra = [c for c in found if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS + OTHER_EXPORT_COLUMNS]
    hints = []
    for col in missing:
        best = process.extractOne(col, extra, scorer=fuzz.WRatio) if extra else None
        if best and best[1] >= 70:
            hints.append(f"'{best[0]}' looks like a renamed '{col}'")
    return ("; " + "; ".join(hints)) if hints else ""


def read_export(name: str, data: bytes, imported_at: str | None = None) -> tuple[list[dict], list[str]]:
    """Validate an export; return its events (STORED_COLUMNS) and notices.

    Raises ingest.IngestError naming the file, and the line where a row is
    bad: one bad row refuses the whole file, so nothing half-imported.
    """
    from lib.ingest import IngestError, decode_text

    if len(data) > MAX_CSV_BYTES:
        raise IngestError(f"{name}: {len(data):,} bytes is over the {MAX_CSV_BYTES:,}-byte limit for an ACLED export")
    text, notices = decode_text(name, data)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as err:
        raise IngestError(f"{name}: not a readable CSV ({err})") from None
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise IngestError(
            f"{name}: not an ACLED export: missing column(s) {', '.join(missing)}{_renamed_hint(missing, header)}. "
            f"Export from ACLED with at least: {', '.join(REQUIRED_COLUMNS)}."
        )
    imported_at = imported_at or datetime.now().astimezone().isoformat(timespec="seconds")
    events, seen = [], set()
    try:
        rows = list(enumerate(reader, start=2))
    except csv.Error as err:
        raise IngestError(f"{name}: not a readable CSV ({err})") from None
    for line, row in rows:
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue  # a blank line
        try:
            event = _event(row, name, imported_at)
        except ValueError as err:
            raise IngestError(f"{name} line {line}: {err}") from None
        if event["event_id_cnty"] in seen:
            raise IngestError(f"{name} line {line}: event {event['event_id_cnty']} appears twice in the file")
        seen.add(event["event_id_cnty"])
        events.append(event)
    if not events:
        raise IngestError(f"{name}: the export has a header but no events")
    return events, notices


def _event(row: dict, name: str, imported_at: str) -> dict:
    get = lambda c: (row.get(c) or "").strip()  # noqa: E731
    day = parse_event_date(get("event_date"))
    for col in ("event_type", "sub_event_type", "actor1", "country"):
        if not get(col):
            raise ValueError(f"{col} is empty")
    try:
        fatalities = int(get("fatalities") or 0)
    except ValueError:
        raise ValueError(f"fatalities {get('fatalities')!r} is not a whole number") from None
    if fatalities < 0:
        raise ValueError(f"fatalities {fatalities} is negative")
    for col, bound in (("latitude", 90), ("longitude", 180)):
        if get(col):
            try:
                v = float(get(col))
            except ValueError:
                raise ValueError(f"{col} {get(col)!r} is not a number") from None
            if abs(v) > bound:
                raise ValueError(f"{col} {v} is out of range")
    event = {c: get(c) for c in STORED_COLUMNS}
    event.update(event_date=day.isoformat(), fatalities=str(fatalities), imported_from=name, imported_at=imported_at)
    if not event["event_id_cnty"]:
        # Exports always carry event_id_cnty; a hand-made file may not: key it on its content.
        core = "|".join(event[c] for c in REQUIRED_COLUMNS)
        event["event_id_cnty"] = "row-" + hashlib.sha256(core.encode()).hexdigest()[:12]
    return event


# --------------------------------------------------------------------------- the stored events
def events_path(data_dir=None):
    from pathlib import Path

    return Path(data_dir or paths.DATA_DIR) / EVENTS_FILE


def load_events(data_dir=None) -> list[dict]:
    path = events_path(data_dir)
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def events_csv(events: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=STORED_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(events)
    return out.getvalue().encode("utf-8")


def load_mapping(data_dir=None) -> dict:
    from pathlib import Path

    path = Path(data_dir or paths.DATA_DIR) / MAPPING_FILE
    spec = yamlfile.load_file(path) if path.exists() else {}
    return {key: dict(spec.get(key) or {}) for key in ("units", "event_types", "actors")}


def map_actor(name: str, registry, mapping: dict) -> str | None:
    """ACLED actor name -> registry id, or None."""
    name = (name or "").strip()
    if not name:
        return None
    bare = QUALIFIER_RE.sub("", name).strip()
    for key in (name, bare):
        if key in mapping["actors"]:
            return mapping["actors"][key]
    matches = registry.matcher.find(bare)
    matches = [m for m in matches if not m.target.startswith("role:")]
    if not matches:
        return None
    best = max(matches, key=lambda m: (m.last_token - m.first_token, -m.start))
    return best.target


# --------------------------------------------------------------------------- rows for the store
def is_acled_event(row: dict) -> bool:
    return str(row.get("event_id") or "").startswith(ID_PREFIX)


def without_acled(figures: pa.Table, events: pa.Table) -> tuple[pa.Table, pa.Table]:
    """Stored figures and events less the rows ACLED made (an import replaces them)."""
    not_figure = pc.fill_null(pc.not_equal(figures["source"], SOURCE), True)
    not_event = pc.invert(pc.fill_null(pc.starts_with(events["event_id"], ID_PREFIX), False))
    return figures.filter(not_figure), events.filter(not_event)


def _citation(sources) -> str:
    names = sorted({s.strip() for src in sources for s in src.split(";") if s.strip()})
    return f"{CLAIMANT} (source: {'; '.join(names) or 'not stated'})"


def figure_rows(ctx, data_dir=None) -> list[dict]:
    """Monthly counts from the imported events, claimed by ACLED."""
    events = load_events(data_dir)
    if not events:
        return []
    mapping = load_mapping(data_dir)
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for e in events:
        unit = mapping["units"].get(e["sub_event_type"])
        if unit is None:
            continue
        day = date.fromisoformat(e["event_date"])
        origin = map_actor(e["actor1"], ctx.registry, mapping)
        target = map_actor(e["actor2"], ctx.registry, mapping) or map_actor(e["country"], ctx.registry, mapping)
        groups[(day.year, day.month, unit, origin, target)].append(e)
    rows = []
    for (year, month, unit, origin, target), group in sorted(groups.items(), key=lambda kv: tuple(str(k) for k in kv[0])):
        killed = sum(int(e["fatalities"] or 0) for e in group)
        start, end = date(year, month, 1), date(year, month, monthrange(year, month)[1])
        base = {
            "article_id": None, "sent_id": None, "qualifier": "exact", "period_start": start, "period_end": end,
            "granularity": "month", "partial": False, "claimant": CLAIMANT, "claimant_actor": None, "relayed_by": None,
            "reporter": CLAIMANT, "origin": origin, "target": target, "source": SOURCE,
            "citation": _citation(e["source"] for e in group),
        }
        key = f"{start:%Y-%m}:{origin or '?'}:{target or '?'}"
        rows.append({**base, "figure_id": f"{ID_PREFIX}{key}:{unit}", "count": float(len(group)), "unit": unit,
                     "evidence": _evidence(group, start), "number_text": str(len(group))})
        if killed:
            rows.append({**base, "figure_id": f"{ID_PREFIX}{key}:{unit}:killed", "count": float(killed), "unit": "killed",
                         "evidence": f"{killed} fatalities. {_evidence(group, start)}", "number_text": str(killed)})
    return rows


def _evidence(group: list[dict], month: date) -> str:
    """'ACLED: 2 events (Air/drone strike) in January 2024 by X against Y at A, B.'"""
    kinds = ", ".join(sorted({e["sub_event_type"] for e in group}))
    by = ", ".join(sorted({e["actor1"] for e in group}))
    against = ", ".join(sorted({e["actor2"] for e in group if e["actor2"]}))
    places = sorted({e["location"] for e in group if e["location"]})
    text = f"ACLED: {len(group)} event{'s' if len(group) != 1 else ''} ({kinds}) in {month:%B %Y} by {by}"
    if against:
        text += f" against {against}"
    if places:
        text += f" at {', '.join(places[:6])}{', …' if len(places) > 6 else ''}"
    return text + "."


STATE_TYPES = ("state", "armed forces", "government body")


def event_rows(ctx, data_dir=None) -> list[dict]:
    """One events-table row per imported event of a violent type, each its
    own cluster: ACLED's events sit beside the articles' reports, never
    merged with them."""
    events = load_events(data_dir)
    if not events:
        return []
    mapping = load_mapping(data_dir)
    rows = []
    for e in events:
        etype = mapping["event_types"].get(e["sub_event_type"])
        if etype is None:
            continue
        source = map_actor(e["actor1"], ctx.registry, mapping)
        target = map_actor(e["actor2"], ctx.registry, mapping)
        if etype == "attack" and source in ctx.registry.actors and ctx.registry.actors[source].type in STATE_TYPES:
            etype = "operation" if e["sub_event_type"] == "Armed clash" else "strike"
        day = date.fromisoformat(e["event_date"])
        precision = TIME_PRECISION.get(e.get("time_precision") or "1", "day")
        place = ", ".join(p for p in (e["location"], e["admin1"], e["country"]) if p)
        killed = float(e["fatalities"] or 0)
        lat, lon = (float(e[c]) if e.get(c) else None for c in ("latitude", "longitude"))
        note = f": {e['notes']}" if e.get("notes") else ""
        eid = f"{ID_PREFIX}{e['event_id_cnty']}"
        rows.append({
            "event_id": eid, "article_id": None, "sent_id": None, "sent_ids": [], "date": day, "date_end": day,
            "date_precision": precision, "date_text": e["event_date"], "date_basis": "ACLED event_date",
            "event_type": etype, "trigger": e["sub_event_type"], "source_actor": source, "target_actor": target,
            "actors": [a for a in (source, target) if a], "place": place, "place_text": place, "killed": killed, "injured": None,
            "evidence": f"{_citation([e['source']])}{note}", "reporter": CLAIMANT,
            # Each ACLED event is a cluster of its own (lib/events.py's cluster fields).
            "cluster_id": eid, "cluster_title": f"{e['sub_event_type']} ({CLAIMANT}): {e['actor1']}" + (f" against {e['actor2']}" if e["actor2"] else ""),
            "cluster_type": etype, "cluster_date": day, "cluster_date_end": day, "cluster_precision": precision,
            "cluster_source_actor": source, "cluster_target_actor": target, "cluster_place": place,
            "lat": lat, "lon": lon, "cluster_killed": killed, "cluster_injured": None, "n_sources": 1,
        })
    return rows


# --------------------------------------------------------------------------- importing
@dataclass
class ImportPlan:
    """What importing one export would add, before anything is written."""

    name: str
    events: list[dict]  # new events only
    duplicates: int  # events of the file already imported
    notices: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)  # monthly counts from the new events alone
    mapped: dict[str, str | None] = field(default_factory=dict)  # ACLED actor name -> registry id

    def summary(self) -> str:
        months = sorted({e["event_date"][:7] for e in self.events})
        span = f", {months[0]} to {months[-1]}" if months else ""
        unmapped = sorted(n for n, a in self.mapped.items() if a is None)
        text = f"{self.name}: {len(self.events)} new event(s){span}; {self.duplicates} already imported; {len(self.figures)} monthly figure(s)"
        text += f"; {len(self.mapped) - len(unmapped)} of {len(self.mapped)} actor name(s) mapped to the registry"
        if unmapped:
            text += f" (not mapped: {', '.join(unmapped)})"
        return text + "."


def preview_table(plan: ImportPlan, registry):
    """The monthly figures an import would add, with actor names, for a person to check."""
    import pandas as pd

    name = lambda a: registry.actors[a].name if a in registry.actors else "(not in the registry)"  # noqa: E731
    return pd.DataFrame([{
        "month": f"{f['period_start']:%Y-%m}", "count": int(f["count"]), "unit": f["unit"], "by": name(f["origin"]),
        "against": name(f["target"]), "citation": f["citation"],
    } for f in plan.figures], columns=["month", "count", "unit", "by", "against", "citation"])


def plan_import(name: str, data: bytes, ctx, data_dir=None) -> ImportPlan:
    """Validate an export and work out what is new. Writes nothing."""
    from lib.ingest import IngestError

    events, notices = read_export(name, data)
    known = {e["event_id_cnty"] for e in load_events(data_dir)}
    new = [e for e in events if e["event_id_cnty"] not in known]
    if not new:
        raise IngestError(f"{name}: duplicate: all {len(events)} event(s) were already imported; nothing to add")
    mapping = load_mapping(data_dir)
    names = sorted({n for e in new for n in (e["actor1"], e["actor2"]) if n})
    mapped = {n: map_actor(n, ctx.registry, mapping) for n in names}
    figures = _figures_of(new, ctx, data_dir)
    return ImportPlan(name, new, len(events) - len(new), notices, figures, mapped)


def _figures_of(events: list[dict], ctx, data_dir) -> list[dict]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / EVENTS_FILE).write_bytes(events_csv(events))
        mapping_src = Path(data_dir or paths.DATA_DIR) / MAPPING_FILE
        if mapping_src.exists():
            (Path(tmp) / MAPPING_FILE).write_bytes(mapping_src.read_bytes())
        return figure_rows(ctx, tmp)


def commit_import(plan: ImportPlan, *, user: str, via: str, corpus_dir=None, store_dir=None, data_dir=None, lock_timeout: float = 30.0):
    """Append the plan's events to data/acled_events.csv and update the store, atomically."""
    from lib import ingest

    path = events_path(data_dir)

    def change():
        # Re-read under the lock: another session may have imported meanwhile.
        current = load_events(data_dir)
        known = {e["event_id_cnty"] for e in current}
        new = [e for e in plan.events if e["event_id_cnty"] not in known]
        if not new:
            raise ingest.IngestError(f"{plan.name}: duplicate: its events were imported meanwhile; nothing to add")
        digest = hashlib.sha256(events_csv(new)).hexdigest()
        entry = {"action": "import_acled", "file": plan.name, "events": len(new), "sha256": digest, "to": EVENTS_FILE}
        return ingest.Change({path: events_csv(current + new)}, detail=len(new), audit=[entry])

    return ingest.apply_change(
        change, kind="import_acled", user=user, via=via, corpus_dir=corpus_dir, store_dir=store_dir,
        data_dir=data_dir, lock_timeout=lock_timeout,
    )


def main(argv: list[str] | None = None) -> int:
    from pathlib import Path

    from lib import ingest
    from lib.pipeline import load_context

    ap = argparse.ArgumentParser(prog="python -m lib.acled", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", type=Path, help="an ACLED CSV export")
    ap.add_argument("--dry-run", action="store_true", help="validate and show what would be added; write nothing")
    ap.add_argument("--user", default=None, help="who is importing (for the audit log); default: the OS user")
    args = ap.parse_args(argv)
    try:
        data = args.csv.read_bytes()
    except OSError as err:
        print(f"error: {args.csv}: cannot be read ({err.strerror})", file=sys.stderr)
        return 2
    try:
        plan = plan_import(args.csv.name, data, load_context())
    except ingest.IngestError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for n in plan.notices:
        print(f"note: {n}")
    print(plan.summary())
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    try:
        result = commit_import(plan, user=args.user or ingest.os_user(), via="cli")
    except ingest.IngestError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"imported {result.detail} event(s) into {events_path()}; store updated ({result.mode}) -> {result.build}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
