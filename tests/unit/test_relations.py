"""Typed relations read from sentences (lib/relations.py): exact expectations on the seeds,
and one sentence per rule (passive, compounds, coordination, attribution, negation, hedging)."""
from __future__ import annotations

import pytest

from lib import relations
from lib.mentions import find_mentions
from lib.sentences import split_sentences


def triples(rows, **flags):
    """{(source, relation, target)} of the rows whose flags match (default: asserted, not hedged)."""
    want = {"negated": False, "hedged": False, **flags}
    return {(r["source"], r["relation"], r["target"]) for r in rows if all(bool(r.get(k)) == v for k, v in want.items())}


def in_sentence(rows, sent_id):
    return [r for r in rows if r["sent_id"] == sent_id]


@pytest.fixture(scope="module")
def rel(processed):
    return {k: v["relations"] for k, v in processed.items()}


def read(text: str, ctx) -> list[dict]:
    """Relations of a one-paragraph text, through the same mention finder as the pipeline."""
    spans = split_sentences(text)
    mentions, _ = find_mentions(text, spans, ctx.registry, None)
    sentences = [{"article_id": "t", "sent_id": i, "start": s, "end": e, "text": text[s:e]} for i, (s, e) in enumerate(spans)]
    for m in mentions:
        m["article_id"] = "t"
    return relations.extract({"article_id": "t"}, sentences, mentions, ctx)


# ---------------------------------------------------------------- the seeds
def test_000_iran_supports_the_pmf_and_the_resistance(rel):
    r = rel["000"]
    assert triples(in_sentence(r, 18)) == {("iran", "supports", "pmf")}  # "played a role in the establishment of these popular defense forces"
    assert triples(in_sentence(r, 15)) == {("iran", "supports", "islamic_resistance_in_iraq")}  # "Iran's support for Iraqi resistance groups"
    assert triples(in_sentence(r, 16)) == {("iran", "supports", "axis_of_resistance")}
    assert triples(in_sentence(r, 8)) == {("iran", "supports", "government_of_iraq")}  # "Iran stood by the Iraqi government"


def test_000_assassination_pressure_and_mediation(rel):
    r = rel["000"]
    assert triples(in_sentence(r, 9)) == {("united_states", "kills", "qassem_soleimani")}  # "assassination of ... by the United States"
    assert triples(in_sentence(r, 2)) == {("united_states", "demands", "mohammed_shia_al_sudani")}  # "US pressure on the government of ..."
    assert triples(in_sentence(r, 7)) == {("pmf", "opposes", "united_states")}  # "popular armed forces, which strongly condemn any US action"
    # "Baghdad could use these ties to mediate between Tehran and Washington": kept, but hedged
    assert triples(in_sentence(r, 28)) == set()
    assert triples(in_sentence(r, 28), hedged=True) == {("government_of_iraq", "mediates", "iran"), ("government_of_iraq", "mediates", "united_states")}


def test_001_iran_backed_groups_attack_us_forces_and_the_us_strikes_militias(rel):
    r = rel["001"]
    got = triples(r)
    assert ("iran_aligned_iraqi_militias", "attacks", "us_armed_forces") in got
    assert ("united_states", "attacks", "iran_aligned_iraqi_militias") in got
    # "... the Iran-backed armed groups in Iraq that have attacked US camps and bases": relative clause, past a locative
    assert triples(in_sentence(r, 20)) == {("iran", "supports", "iran_aligned_iraqi_militias"), ("iran_aligned_iraqi_militias", "attacks", "us_armed_forces")}
    # "A US attack on one of those militias killed 16 Iraqis": anaphor, and the killer is the attack's author
    assert triples(in_sentence(r, 5)) == {("united_states", "attacks", "iran_aligned_iraqi_militias"), ("united_states", "kills", "iraq")}
    assert triples(in_sentence(r, 22)) == {("iran", "supports", "iran_aligned_iraqi_militias"), ("iran_aligned_iraqi_militias", "kills", "us_armed_forces")}
    # "American and Iranian-backed forces have clashed": each attacks the other
    assert {("us_armed_forces", "attacks", "iran_aligned_iraqi_militias"), ("iran_aligned_iraqi_militias", "attacks", "us_armed_forces")} <= triples(in_sentence(r, 4))


def test_001_compounds_say_iran_supports_the_militias(rel):
    compound = [x for x in rel["001"] if x["method"] == "compound"]
    assert {x["sent_id"] for x in compound} == {0, 4, 8, 20, 22, 39}
    assert {(x["source"], x["relation"], x["target"]) for x in compound} == {("iran", "supports", "iran_aligned_iraqi_militias")}
    assert {x["trigger"] for x in compound} == {"Iranian-backed", "Iran-backed"}


def test_001_pressure_from_iran_and_a_mortal_enemy(rel):
    r = rel["001"]
    assert triples(in_sentence(r, 18)) == {("iran", "demands", "iraq"), ("iran", "opposes", "united_states")}
    assert triples(in_sentence(r, 36)) == {("iran", "demands", "mohammed_shia_al_sudani"), ("united_states", "demands", "mohammed_shia_al_sudani")}


def test_002_the_iri_attacks_israel_and_us_forces(rel):
    r = rel["002"]
    # "Initially targeting US military bases in Iraq and Syria, the group expanded its attacks to Israeli sites"
    assert triples(in_sentence(r, 4)) == {("islamic_resistance_in_iraq", "attacks", "us_armed_forces"), ("islamic_resistance_in_iraq", "attacks", "israel")}
    assert triples(in_sentence(r, 3)) == {("iran", "supports", "islamic_resistance_in_iraq")}  # "The Iran-aligned Islamic Resistance in Iraq"


def test_002_israel_threatens_and_accuses_iraq(rel):
    r = rel["002"]
    assert triples(in_sentence(r, 22)) == {("israel", "threatens", "iraq")}  # "its foreign minister sending a letter warning Iraq"
    # "Israel has accused Iraq of enabling Iran to strike Israel": the accusation, and what it claims
    s16 = in_sentence(r, 16)
    assert triples(s16) == {("israel", "opposes", "iraq"), ("iraq", "supports", "iran"), ("iran", "attacks", "israel")}
    claimed = {(x["source"], x["target"]): x["claimed_by"] for x in s16}
    assert claimed == {("israel", "iraq"): None, ("iraq", "iran"): "israel", ("iran", "israel"): "israel"}


def test_002_washington_targeting_the_pmf(rel):
    assert triples(in_sentence(rel["002"], 11)) == {("united_states", "attacks", "pmf")}


def test_002_negated_and_hypothetical_sentences_give_no_asserted_relation(rel):
    r = rel["002"]
    # "the agreement does not commit the US to defend Iraq"
    assert triples(in_sentence(r, 49)) == set()
    assert triples(in_sentence(r, 49), negated=True) == {("united_states", "supports", "iraq")}
    # "allows the US to protect Iraq in the event of any external aggression"
    assert triples(in_sentence(r, 47)) == set()
    assert triples(in_sentence(r, 47), hedged=True) == {("united_states", "supports", "iraq")}
    # "drones launched daily from Iraq were targeting Israel": a place is not an attacker
    assert in_sentence(r, 17) == []


def test_003_crackdown_talks_and_anti_american_militias(rel):
    r = rel["003"]
    assert triples(in_sentence(r, 11)) == {("mustafa_al_kadhimi", "opposes", "iran_aligned_iraqi_militias"), ("iran", "supports", "iran_aligned_iraqi_militias")}
    assert triples(in_sentence(r, 0)) == {("united_states", "negotiates", "iraq")}  # "US-Iraq strategic talks"
    assert triples(in_sentence(r, 13)) == {("iran_aligned_iraqi_militias", "opposes", "united_states")}  # "These vehemently anti-American militias"
    assert triples(in_sentence(r, 7)) == {("united_states", "kills", "qassem_soleimani")}  # "the US airstrike that killed ..."


def test_004_exact(rel):
    """Every asserted relation of seed 004, and nothing else."""
    assert triples(rel["004"]) == {
        ("iran", "supports", "iran_aligned_iraqi_militias"),
        ("iran", "supports", "harakat_al_nujaba"),  # "Iran-aligned Iraqi militia Harakat al-Nujaba"
        ("iran_aligned_iraqi_militias", "attacks", "us_armed_forces"),
        ("iran_aligned_iraqi_militias", "threatens", "us_armed_forces"),  # "threatening and attacking US forces"
        ("global_coalition", "attacks", "isis"),
        ("iraq", "negotiates", "united_states"),
        ("united_states", "kills", "isis"),  # "with US and Iraqi forces killing 15 ISIS fighters"
        ("iraqi_armed_forces", "kills", "isis"),
        ("united_states", "supports", "iraqi_armed_forces"),
        ("united_states", "negotiates", "iraq"),
    }
    s7 = in_sentence(rel["004"], 7)
    assert {x["claimed_by"] for x in s7} == {"afp"}  # "..., AFP reported."


def test_rows_carry_offsets_of_their_trigger(processed):
    for k, tables in processed.items():
        text = tables["articles"][0]["text"]
        for r in tables["relations"]:
            if r["method"] != "compound":
                assert text[r["start"] : r["end"]] == r["trigger"], (k, r)
            assert r["evidence"] == tables["sentences"][r["sent_id"]]["text"]


# ---------------------------------------------------------------- one rule at a time
def test_passive_voice_takes_the_agent(ctx):
    rows = read("US forces were attacked by Kataib Hezbollah near Erbil.", ctx)
    assert triples(rows) == {("kataib_hezbollah", "attacks", "us_armed_forces")}
    assert rows[0]["method"] == "passive"


def test_coordinated_subjects_and_objects(ctx):
    assert triples(read("Iran and Syria support Hezbollah.", ctx)) == {("iran", "supports", "hezbollah"), ("syria", "supports", "hezbollah")}
    assert triples(read("Kataib Hezbollah attacked US and Iraqi forces.", ctx)) == {
        ("kataib_hezbollah", "attacks", "united_states"), ("kataib_hezbollah", "attacks", "iraqi_armed_forces")}


@pytest.mark.parametrize("text", [
    "Iran did not arm the Houthis.",
    "Iran has never armed the Houthis.",
    "Tehran denied arming the Houthis.",
])
def test_negation(ctx, text):
    rows = read(text, ctx)
    assert triples(rows) == set()
    assert triples(rows, negated=True) == {("iran", "supports", "houthis")}


@pytest.mark.parametrize("text", [
    "Iran could attack Israel.",
    "If Israel strikes Iraq, the region will burn.",
    "Israel may strike Iraq.",
])
def test_hypothetical(ctx, text):
    rows = read(text, ctx)
    assert triples(rows) == set()
    assert len(triples(rows, hedged=True)) == 1


def test_compounds(ctx):
    rows = read("Pro-Iranian factions and Iran-funded militias rallied. The Iran-aligned Islamic Resistance in Iraq fired drones.", ctx)
    got = {(x["source"], x["relation"], x["target"], x["method"]) for x in rows}
    assert ("iran", "supports", "iran_aligned_iraqi_militias", "compound") in got
    assert ("iran", "supports", "islamic_resistance_in_iraq", "compound") in got


def test_words_between_actors_are_not_enough(ctx):
    # No trigger, no relation; a bare verb form after a noun ("setting the country back") is no trigger either.
    assert read("Iran and the United States were mentioned together.", ctx) == []
    assert read("Iraqi militias are setting Iraq back in the fight against ISIS.", ctx) == []


def test_registry_rows(ctx):
    rows = relations.registry_rows(ctx.registry)
    got = {(r["source"], r["relation"], r["target"]) for r in rows}
    assert ("kataib_hezbollah", "part_of", "pmf") in got
    assert ("ashab_al_kahf", "facade_of", "kataib_hezbollah") in got
    assert all(r["method"] == "registry" and r["article_id"] is None for r in rows)


def test_lexicon_loads_every_relation_of_the_issue():
    lex = relations.load_lexicon()
    assert set(lex.relations) == {"attacks", "kills", "supports", "opposes", "threatens", "negotiates", "mediates", "demands"}
    assert set(lex.structural) == {"part_of", "affiliated_with", "facade_of", "brand_of"}
    assert lex.directed["negotiates"] is False
