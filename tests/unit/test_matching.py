"""Actor matching: aliases, variants, roles, and no false hits on ordinary words."""
from datetime import date

import pytest

from lib.mentions import find_mentions
from lib.registry import load_registry
from lib.sentences import split_sentences


def actors_in(text, published=date(2024, 11, 21)):
    reg = load_registry()
    mentions, _ = find_mentions(text, split_sentences(text), reg, published)
    return [(m["surface"], m["actor"]) for m in mentions]


def ids(processed, seed):
    return {m["actor"] for m in processed[seed]["mentions"]}


def test_seed_002_actors(processed):
    found = ids(processed, "002")
    for actor in ["kataib_sayyid_al_shuhada", "asaib_ahl_al_haq", "kataib_hezbollah", "pmf", "islamic_resistance_in_iraq",
                  "maariv", "gideon_saar", "benjamin_netanyahu", "ali_al_sistani", "mohammed_shia_al_sudani"]:
        assert actor in found, actor
    reg = load_registry()
    assert reg.actors["maariv"].type == "media outlet"
    kh = [m for m in processed["002"]["mentions"] if m["actor"] == "kataib_hezbollah"]
    assert [m["surface"] for m in kh] == ["Hezbollah Brigades"]


@pytest.mark.parametrize("surface,actor", [
    ("Kata'ib Hezbollah", "kataib_hezbollah"), ("Kataib Hezbollah", "kataib_hezbollah"), ("Kataeb Hezbollah", "kataib_hezbollah"),
    ("KH", "kataib_hezbollah"), ("Hezbollah Brigades", "kataib_hezbollah"),
    ("PMF", "pmf"), ("PMU", "pmf"), ("Hashd al-Shaabi", "pmf"), ("popular forces", "pmf"), ("Popular Mobilization Units", "pmf"),
    ("Qassem Soleimani", "qassem_soleimani"), ("Qasem Soleimani", "qassem_soleimani"), ("Qassim Suleimani", "qassem_soleimani"),
    ("al-Sudani", "mohammed_shia_al_sudani"), ("Al-Sudani's", "mohammed_shia_al_sudani"), ("Mr Sudani", "mohammed_shia_al_sudani"),
])
def test_alias_variants(surface, actor):
    found = actors_in(f"Officials said {surface} was mentioned.")
    assert actor in [a for _, a in found], found


def test_possessive_and_apostrophes():
    found = actors_in("Kata’ib Hezbollah’s statement and Asaib Ahl al Haq’s reply.")
    assert [a for _, a in found] == ["kataib_hezbollah", "asaib_ahl_al_haq"]


def test_no_false_hits_on_ordinary_words():
    text = ("Let us be clear: the state is not a coalition, and popular music forces nobody. "
            "The resistance of the material is high; the framework is new; kh is a sound; "
            "a washing machine; said the man in Sudan.")
    assert actors_in(text) == []


def test_acronyms_only_in_capitals():
    assert [a for _, a in actors_in("The US and the UN met.")] == ["united_states", "united_nations"]
    assert actors_in("Tell us, un-named source.") == []


def test_role_resolved_by_date():
    text = "The Iraqi prime minister spoke to reporters."
    assert [a for _, a in actors_in(text, date(2024, 11, 21))] == ["mohammed_shia_al_sudani"]
    assert [a for _, a in actors_in(text, date(2021, 3, 1))] == ["mustafa_al_kadhimi"]


def test_role_not_resolved_for_former_or_named():
    assert "mohammed_shia_al_sudani" not in [a for _, a in actors_in("A former prime minister of Iraq spoke.")]
    found = actors_in("Iraqi Prime Minister Mohammed Shia al-Sudani spoke.")
    assert [a for _, a in found] == ["mohammed_shia_al_sudani"]


def test_facade_linked_not_merged():
    reg = load_registry()
    mibh = [a for a in reg.actors.values() if a.type == "facade group" and "MIBH" in a.aliases]
    assert mibh, "the MIBH facade group is in the registry"
    assert any(rel == "facade_of" for _, rel in mibh[0].parents)
    kh = reg.actors["kataib_hezbollah"]
    assert ("pmf", "part_of") in kh.parents
    assert "islamic_resistance_in_iraq" in [p for p, _ in kh.parents]


def test_candidates_found(processed):
    cands = {c["surface"] for rows in processed.values() for c in rows["candidates"]}
    # Anything reported as a candidate is a capitalised multi-word name, never a registry alias.
    reg = load_registry()
    aliases = {x.lower() for a in reg.actors.values() for x in (a.name, *a.aliases)}
    assert not {c.lower() for c in cands} & aliases


def test_candidate_for_unknown_person(ctx):
    text = "Abu Zaynab al-Lami, a commander, said the attack was planned."
    _, cands = find_mentions(text, split_sentences(text), ctx.registry, date(2024, 1, 1))
    assert [c["surface"] for c in cands] == ["Abu Zaynab al-Lami"]


def test_a_capital_is_its_government_unless_used_as_a_place(ctx):
    from lib.mentions import find_mentions

    def actors(text):
        mentions, _ = find_mentions(text, [(0, len(text))], ctx.registry, None)
        return [m["actor"] for m in mentions]

    assert actors("Baghdad condemned the strike.") == ["government_of_iraq"]
    assert actors("Washington granted a waiver to Baghdad.") == ["united_states", "government_of_iraq"]
    assert actors("A correspondent contributed reporting from Baghdad.") == []
    assert actors("The head of the council was in Baghdad on Monday.") == []
    assert actors("The fighters were advancing toward Baghdad.") == []
    assert actors("He said so during a recent visit to Tehran.") == []
    assert actors("Tehran respects the decisions of the Iraqi people.") == ["iran"]
