"""Attack figures: exact values for every acceptance example in the shared README."""
from datetime import date

import pytest

from lib.figures import CuratedFigureError, curated_rows, find_numbers


def figs(processed, seed):
    return processed[seed]["figures"]


def one(rows, **where):
    hits = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(hits) == 1, (where, [(r["count"], r["unit"], r["period_start"]) for r in rows])
    return hits[0]


@pytest.mark.parametrize("count,start,end", [(6, date(2024, 8, 1), date(2024, 8, 31)), (31, date(2024, 9, 1), date(2024, 9, 30)), (90, date(2024, 10, 1), date(2024, 10, 31))])
def test_maariv_monthly_drone_attacks(processed, count, start, end):
    r = one(figs(processed, "002"), count=count, unit="drone attacks", period_start=start)
    assert (r["period_end"], r["granularity"], r["qualifier"], r["partial"]) == (end, "month", "exact", False)
    assert r["claimant"] == "Maariv" and r["claimant_actor"] == "maariv"
    assert r["reporter"] == "Shafaq News"
    assert (r["origin"], r["target"]) == ("iraq", "israel")
    assert "from six in August to 31 in September, and 90 in October" in r["evidence"]


def test_maariv_partial_november(processed):
    r = one(figs(processed, "002"), count=65)
    assert (r["unit"], r["qualifier"], r["claimant"], r["reporter"]) == ("drone attacks", "exact", "Maariv", "Shafaq News")
    assert (r["period_start"], r["period_end"], r["granularity"], r["partial"]) == (date(2024, 11, 1), date(2024, 11, 21), "month", True)
    assert (r["origin"], r["target"]) == ("iraq", "israel")


def test_daily_launches_rate(processed):
    r = one(figs(processed, "002"), count=5)
    assert (r["unit"], r["qualifier"], r["granularity"]) == ("launches", "approximately", "rate")
    assert r["claimant"] == "American security official" and r["claimant_actor"] == "united_states"
    assert (r["period_start"], r["period_end"]) == (date(2024, 11, 1), date(2024, 11, 21))
    assert r["target"] == "israel"


def test_facade_group_attacks_claimed_per_washington_institute(processed):
    # The shared README: "six attacks on Israel" claimed by a Saudi-linked facade group
    # (Washington Institute report). The group claims, the institute's report relays, Shafaq reports.
    r = one(figs(processed, "002"), count=6, unit="attacks")
    assert (r["claimant"], r["claimant_actor"]) == ("Group linked to Saudi Arabia", None)  # unnamed; Saudi Arabia claimed nothing
    assert r["relayed_by"] == "The Washington Institute for Near East Policy" and r["reporter"] == "Shafaq News"
    assert (r["granularity"], r["target"]) == ("cumulative", "israel")


def test_only_a_claim_inside_a_report_is_relayed(processed):
    relayed = [(r["count"], r["unit"]) for rows in processed.values() for r in rows["figures"] if r["relayed_by"]]
    assert relayed == [(6, "attacks")]


def test_a_named_group_claiming_inside_a_report_is_the_claimant():
    from lib.figures import _Attribution
    from lib.pipeline import load_context

    ctx = load_context()
    sent = "A statement from the Pentagon said that the Kataib Hezbollah group claimed responsibility for 12 attacks."
    start = sent.index("Kataib Hezbollah")
    local = [{"actor": "us_department_of_defense", "ls": sent.index("Pentagon"), "le": sent.index("Pentagon") + 8},
             {"actor": "kataib_hezbollah", "ls": start, "le": start + len("Kataib Hezbollah")}]
    attribution = _Attribution(sent, local, ctx, lambda: None)
    at = sent.index("12")
    assert attribution.claimant(at) == ("Kata'ib Hezbollah", "kataib_hezbollah")
    assert attribution.relayed_by(at) == ctx.registry.actors["us_department_of_defense"].name


def test_two_israeli_soldiers_killed(processed):
    r = one(figs(processed, "002"), unit="killed")
    assert (r["count"], r["period_start"], r["granularity"], r["claimant"]) == (2, date(2024, 10, 4), "day", "Israel")
    assert (r["origin"], r["target"]) == ("iraq", "israel")


def test_more_than_160_attacks_cumulative(processed):
    r = one(figs(processed, "001"), count=160)
    assert (r["qualifier"], r["unit"], r["granularity"]) == ("at_least", "attacks", "cumulative")
    assert (r["period_start"], r["period_end"]) == (date(2023, 10, 7), date(2024, 2, 6))
    assert r["reporter"] == "The New York Times" and r["claimant"] == "The New York Times"
    assert (r["origin"], r["target"]) == ("iran_aligned_iraqi_militias", "us_armed_forces")


def test_us_strike_killed_16(processed):
    killed = [r for r in figs(processed, "001") if r["unit"] == "killed" and r["count"] == 16]
    assert {(r["period_start"], r["granularity"]) for r in killed} == {(date(2024, 1, 29), "week"), (date(2024, 2, 2), "day")}
    assert {r["origin"] for r in killed} == {"united_states"}


def test_jordan_drone_attack_killed_three(processed):
    r = one(figs(processed, "001"), unit="killed", count=3)
    assert (r["period_start"], r["granularity"]) == (date(2024, 1, 28), "day")
    assert (r["origin"], r["target"]) == ("iran_aligned_iraqi_militias", "us_armed_forces")


def test_29th_attack_since_october(processed):
    r = one(figs(processed, "003"), count=29)
    assert (r["unit"], r["granularity"], r["qualifier"]) == ("attacks", "cumulative", "exact")
    assert (r["period_start"], r["period_end"]) == (date(2019, 10, 1), date(2020, 6, 15))
    assert r["reporter"] == "The Jerusalem Post" and r["target"] == "us_armed_forces"


def test_joint_operation_casualties(processed):
    rows = figs(processed, "004")
    k = one(rows, unit="killed")
    i = one(rows, unit="injured")
    assert (k["count"], k["period_start"], k["target"]) == (15, date(2024, 8, 29), "isis")
    assert (i["count"], i["period_start"], i["target"]) == (7, date(2024, 8, 29), "us_armed_forces")
    assert k["claimant_actor"] == "afp" and k["reporter"] == "Al-Fassel"


def test_non_figures_stay_out(processed):
    all_rows = [r for rows in processed.values() for r in rows["figures"]]
    counts = {(r["article_id"][:3], r["count"]) for r in all_rows}
    assert ("003", 16000) not in counts and ("003", 120) not in counts  # COVID infections, 120-day waiver
    assert not [r for r in figs(processed, "002") if r["count"] == 7]  # seven fronts, seven key areas
    assert figs(processed, "000") == []  # "hundreds of martyrs" is vague
    assert len(figs(processed, "003")) == 1


def test_every_seed_figure_is_expected(processed):
    """No stray numbers: the full set of extracted figures per seed."""
    got = {k: sorted((r["count"], r["unit"]) for r in rows["figures"]) for k, rows in processed.items()}
    assert got == {
        "000": [],
        "001": [(3, "killed"), (16, "killed"), (16, "killed"), (160, "attacks")],
        "002": [(2, "killed"), (5, "launches"), (6, "attacks"), (6, "drone attacks"), (31, "drone attacks"), (65, "drone attacks"), (90, "drone attacks")],
        "003": [(29, "attacks")],
        "004": [(7, "injured"), (15, "killed")],
    }


def test_numbers_in_words_and_digits():
    vals = [(h.value, h.ordinal) for h in find_numbers("from six in August to 31 in September, a dozen rockets, twenty-one drones, the 29th attack, 16,000 cases, in 2023, on October 17")]
    assert vals == [(6, False), (31, False), (12, False), (21, False), (29, True), (16000, False)]


def test_curated_militia_spotlight_counts():
    rows = curated_rows()
    got = sorted((r["period_start"], r["count"], r["partial"]) for r in rows)
    assert got == [(date(2024, 7, 1), 13, False), (date(2024, 8, 1), 6, False), (date(2024, 9, 1), 35, False), (date(2024, 10, 1), 47, True)]
    assert all(r["source"] == "curated" and "Tripling of Iraqi Militia Claimed Attacks" in r["citation"] for r in rows)
    assert {r["claimant"] for r in rows} == {"Militia Spotlight (Washington Institute)"}


def test_curated_file_errors_name_the_problem(tmp_path):
    bad = tmp_path / "figures_curated.csv"
    bad.write_text("claimant,count\nX,3\n")
    with pytest.raises(CuratedFigureError, match="missing column"):
        curated_rows(bad)


def test_impossible_dates_are_not_periods():
    from lib.periods import find_periods

    assert find_periods("on February 30 and on June 31, 2024", date(2024, 11, 21)) == []
    assert [p.start for p in find_periods("on February 29", date(2025, 3, 1))] == [date(2024, 2, 29)]


def test_an_impossible_day_is_no_date():
    """'January 0' (a typo or a scrape error) must not stop a build: it is simply not a date."""
    from datetime import date

    from lib.periods import find_periods, latest_day

    assert latest_day(1, 0, date(2024, 5, 1)) is None
    assert latest_day(1, 28, date(2024, 5, 1)) == date(2024, 1, 28)
    find_periods("on January 0 the group claimed 3 attacks", date(2024, 5, 1))  # raised ValueError before
