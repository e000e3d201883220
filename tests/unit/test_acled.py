"""ACLED import (lib/acled.py) on a hand-written export (tests/fixtures/acled_sample.csv)."""
from __future__ import annotations

from datetime import date

import pytest

from lib import acled, ingest, pipeline, store
from tests.fixtures.datadir import ROOT, assert_same_tables, tree_hash

SAMPLE = ROOT / "tests" / "fixtures" / "acled_sample.csv"

# (month, unit, origin, target) -> count: every monthly figure the sample makes.
EXPECTED_FIGURES = {
    ("2024-01", "strikes", "us_armed_forces", "kataib_hezbollah"): 1,
    ("2024-01", "killed", "us_armed_forces", "kataib_hezbollah"): 2,
    ("2024-01", "strikes", "islamic_resistance_in_iraq", "us_armed_forces"): 2,
    ("2024-01", "rocket attacks", "islamic_resistance_in_iraq", "us_armed_forces"): 1,
    ("2024-01", "attacks", "iraqi_armed_forces", "isis"): 1,
    ("2024-01", "killed", "iraqi_armed_forces", "isis"): 3,
    ("2024-02", "strikes", "us_armed_forces", "kataib_hezbollah"): 3,
    ("2024-02", "killed", "us_armed_forces", "kataib_hezbollah"): 19,
    ("2024-02", "attacks", None, "iraq"): 1,
    ("2024-02", "killed", None, "iraq"): 1,
    ("2024-02", "strikes", "islamic_resistance_in_iraq", "israel_defense_forces"): 1,
}


def _key(f):
    actor = lambda a: a if isinstance(a, str) else None  # noqa: E731  (a DataFrame has NaN for None)
    return (f"{f['period_start']:%Y-%m}", f["unit"], actor(f["origin"]), actor(f["target"]))


def _sample_with(transform) -> bytes:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(transform(lines)).encode("utf-8")


def test_plan_counts_and_actor_mapping(data, ctx):
    plan = acled.plan_import("acled_sample.csv", SAMPLE.read_bytes(), ctx)
    assert len(plan.events) == 12 and plan.duplicates == 0
    assert {_key(f): f["count"] for f in plan.figures} == EXPECTED_FIGURES
    assert plan.mapped == {
        "Civilians (Iraq)": None,
        "Islamic Resistance in Iraq": "islamic_resistance_in_iraq",
        "Islamic State (Iraq)": "isis",
        "Kataib Hezbollah": "kataib_hezbollah",
        "Military Forces of Iraq (2022-)": "iraqi_armed_forces",
        "Military Forces of Israel (2022-)": "israel_defense_forces",
        "Military Forces of the United States (2021-)": "us_armed_forces",
        "Protesters (Iraq)": None,
        "Unidentified Armed Group (Iraq)": None,
    }
    assert plan.summary() == (
        "acled_sample.csv: 12 new event(s), 2024-01 to 2024-02; 0 already imported; 11 monthly figure(s); "
        "6 of 9 actor name(s) mapped to the registry (not mapped: Civilians (Iraq), Protesters (Iraq), Unidentified Armed Group (Iraq))."
    )


def test_import_adds_figures_and_events_with_provenance(data, ctx):
    plan = acled.plan_import("acled_sample.csv", SAMPLE.read_bytes(), ctx)
    r = acled.commit_import(plan, user="analyst", via="test")
    assert r.mode == "incremental" and r.detail == 12
    assert len(acled.load_events(data)) == 12
    figures = store.read_table("figures", data / "processed")
    ours = figures[figures["source"] == "acled"]
    assert {_key(f): f["count"] for f in ours.to_dict("records")} == EXPECTED_FIGURES
    assert set(ours["claimant"]) == {"ACLED"} and set(ours["granularity"]) == {"month"}
    feb = ours.set_index("figure_id").loc["acled:2024-02:us_armed_forces:kataib_hezbollah:strikes"]
    assert feb["citation"] == "ACLED (source: Associated Press; Reuters)"
    assert feb["evidence"] == ("ACLED: 3 events (Air/drone strike) in February 2024 by Military Forces of the United States (2021-) "
                               "against Kataib Hezbollah at Akashat, Al Qaim, Baghdad - Al Mashtal.")
    assert (feb["period_start"], feb["period_end"]) == (date(2024, 2, 1), date(2024, 2, 29))
    # The article-derived and curated figures are all still there, beside ACLED's.
    assert (figures["source"] != "acled").sum() == store.read_manifest(data / "processed")["counts"]["figures"] - 11
    events = store.read_table("events", data / "processed")
    mine = events[events["event_id"].str.startswith("acled:")].set_index("event_id")
    assert len(mine) == 10  # the protest and the strategic development are not violent events
    e = mine.loc["acled:IRQ900007"]
    assert (e["event_type"], e["source_actor"], e["target_actor"], e["killed"]) == ("strike", "us_armed_forces", "kataib_hezbollah", 16.0)
    assert e["evidence"] == "ACLED (source: Reuters): Invented test event: airstrikes on militia positions, 16 killed."
    assert mine.loc["acled:IRQ900002", "event_type"] == "attack"  # a militia's drone, not a state's strike
    assert mine.loc["acled:IRQ900005", "event_type"] == "operation"  # a clash by a state's forces
    assert not pipeline.is_stale(data / "corpus", data / "processed")
    (entry,) = ingest.read_audit(data)
    assert (entry["who"], entry["action"], entry["file"], entry["events"]) == ("analyst", "import_acled", "acled_sample.csv", 12)


def test_imports_equal_a_full_rebuild_and_read_only_figures_and_events(data, ctx, monkeypatch, tmp_path):
    """Only ACLED's own figures and events change with an import: the two tables are read
    (ACLED's rows replaced), every other table is streamed into the new build, and the
    corpus-level steps (linking every article's events again) do not run."""
    read_whole = []
    real_read, real_finalize = store.read_arrow, pipeline.finalize
    monkeypatch.setattr(store, "read_arrow", lambda name, *a, **k: read_whole.append(name) or real_read(name, *a, **k))
    monkeypatch.setattr(pipeline, "finalize", lambda *a: pytest.fail("an ACLED import ran the corpus-level steps"))
    for export in (_sample_with(lambda lines: lines[:7]), SAMPLE.read_bytes()):  # then the rest of the events
        r = acled.commit_import(acled.plan_import("acled_sample.csv", export, ctx), user="analyst", via="test")
        assert r.mode == "incremental"
    assert sorted(read_whole) == ["events", "events", "figures", "figures"]
    monkeypatch.setattr(store, "read_arrow", real_read)
    monkeypatch.setattr(pipeline, "finalize", real_finalize)
    pipeline.build(data / "corpus", tmp_path / "full", force=True, log=lambda *_: None)
    assert_same_tables(data / "processed", tmp_path / "full")
    assert len(store.read_table("events", data / "processed").query("event_id.str.startswith('acled:')")) == 10


def test_reimport_is_a_duplicate_and_overlap_adds_only_new(data, ctx):
    first_six = _sample_with(lambda lines: lines[:7])
    acled.commit_import(acled.plan_import("first.csv", first_six, ctx), user="t", via="test")
    plan = acled.plan_import("acled_sample.csv", SAMPLE.read_bytes(), ctx)
    assert (len(plan.events), plan.duplicates) == (6, 6)
    acled.commit_import(plan, user="t", via="test")
    assert [e["event_id_cnty"] for e in acled.load_events(data)] == [f"IRQ9000{i:02d}" for i in range(1, 13)]
    before = tree_hash(data)
    with pytest.raises(ingest.IngestError, match=r"^acled_sample.csv: duplicate: all 12 event\(s\) were already imported; nothing to add$"):
        acled.plan_import("acled_sample.csv", SAMPLE.read_bytes(), ctx)
    assert tree_hash(data) == before


BAD = [
    ("missing", lambda ls: [ls[0].replace(",fatalities", "").replace(",source,", ",")] + ls[1:],
     "export.csv: not an ACLED export: missing column(s) fatalities, source. Export from ACLED with at least: event_date,"),
    ("renamed", lambda ls: [ls[0].replace("event_date", "date").replace("fatalities", "deaths")] + ls[1:],
     "export.csv: not an ACLED export: missing column(s) event_date, fatalities; 'date' looks like a renamed 'event_date'"),
    ("bad-date", lambda ls: ls[:3] + [ls[3].replace("2024-01-15", "15/01/2024")] + ls[4:],
     "export.csv line 4: event_date '15/01/2024' is not a date (ACLED uses YYYY-MM-DD or '02 February 2024')"),
    ("bad-fatalities", lambda ls: ls[:5] + [ls[5].replace(",3,,1705000000", ",many,,1705000000")] + ls[6:],
     "export.csv line 6: fatalities 'many' is not a whole number"),
    ("bad-latitude", lambda ls: ls[:2] + [ls[2].replace("36.2376", "136.2376")] + ls[3:],
     "export.csv line 3: latitude 136.2376 is out of range"),
    ("twice", lambda ls: ls + [ls[1]], "export.csv line 14: event IRQ900001 appears twice in the file"),
    ("header-only", lambda ls: ls[:1], "export.csv: the export has a header but no events"),
    ("empty", lambda ls: [], "export.csv: empty file"),
]


@pytest.mark.parametrize("label, transform, message", BAD, ids=[b[0] for b in BAD])
def test_bad_export_refused_nothing_written(data, ctx, label, transform, message):
    before = tree_hash(data)
    with pytest.raises(ingest.IngestError) as err:
        acled.plan_import("export.csv", _sample_with(transform), ctx)
    assert str(err.value).startswith(message), str(err.value)
    assert tree_hash(data) == before


def test_crash_mid_import_leaves_everything_as_it_was(data, ctx, monkeypatch):
    before = tree_hash(data)
    plan = acled.plan_import("acled_sample.csv", SAMPLE.read_bytes(), ctx)
    monkeypatch.setattr(store, "write_parts", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(ingest.IngestError, match="commit failed, nothing was changed: OSError"):
        acled.commit_import(plan, user="t", via="test")
    assert not acled.events_path(data).exists()
    assert tree_hash(data) == before


def test_cli_dry_run_then_import(data, capsys):
    before = tree_hash(data)
    assert acled.main([str(SAMPLE), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("acled_sample.csv: 12 new event(s), 2024-01 to 2024-02;") and out.rstrip().endswith("dry run: nothing written")
    assert tree_hash(data) == before
    assert acled.main([str(SAMPLE), "--user", "cli"]) == 0
    assert "imported 12 event(s) into" in capsys.readouterr().out
    assert acled.main([str(SAMPLE)]) == 2
    assert "error: acled_sample.csv: duplicate: all 12 event(s) were already imported" in capsys.readouterr().err


def test_older_export_date_format(ctx):
    assert acled.parse_event_date("02 February 2024") == date(2024, 2, 2)
    assert acled.parse_event_date("2024-02-02") == date(2024, 2, 2)


def test_actor_mapping(ctx):
    mapping = acled.load_mapping()
    m = lambda name: acled.map_actor(name, ctx.registry, mapping)  # noqa: E731
    assert m("Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps") == "irgc"
    assert m("Kataib Sayyid al-Shuhada") == "kataib_sayyid_al_shuhada"
    assert m("Unidentified Armed Group (Iraq)") is None
    assert m("Iraq") == "iraq" and m("") is None
