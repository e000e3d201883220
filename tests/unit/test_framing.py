"""Labels, event phrases, tone and quotes on the seed articles (lib/framing.py, lib/quotes.py, lib/tone.py)."""
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from lib import schema, tone
from lib.quotes import quote_spans


def labels_of(processed, seed, actor, kind=None):
    return [r["label"] for r in processed[seed]["labels"] if r["actor"] == actor and (kind is None or r["kind"] == kind)]


def quotes_of(processed, seed):
    return processed[seed]["quotes"]


def quote_starting(quotes, start):
    found = [q for q in quotes if q["quote"].startswith(start)]
    assert len(found) == 1, (start, [q["quote"][:40] for q in quotes])
    return found[0]


# ---------------------------------------------------------------- tone
def test_tone_is_exactly_vader_on_every_seed_sentence(processed):
    reference = SentimentIntensityAnalyzer()
    sentences = [s["text"] for rows in processed.values() for s in rows["sentences"]]
    assert len(sentences) == 198
    assert [tone.compound(s) for s in sentences] == [reference.polarity_scores(s)["compound"] for s in sentences]


@pytest.mark.parametrize("text", [
    "The food is not good but the service is GREAT!!",
    "It was not bad at all, but not good either??",
    "No problem, no worries, kind of happy :)",
    "At least it is the least bad, never so good, without doubt excellent.",
])
def test_tone_agrees_with_vader_on_its_rules(text):
    assert tone.compound(text) == SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


def test_label_rows_carry_their_sentence_tone(processed):
    rows = processed["003"]["labels"]
    violent = next(r for r in rows if r["label"] == "a violent force")
    assert violent["tone"] == tone.compound(violent["evidence"]) == -0.9062
    assert set(rows[0]) <= {f.name for f in schema.LABELS}


# ---------------------------------------------------------------- labels (issue acceptance)
def test_000_calls_the_pmf_popular_forces_and_defensive(processed):
    names = labels_of(processed, "000", "pmf", "name")
    assert names.count("popular forces") == 4
    assert {"popular armed forces", "popular defense forces", "popular Iraqi forces", "Popular Mobilization Forces"} <= set(names)
    assert labels_of(processed, "000", "pmf", "predicate") == ["entirely defensive and legal", "part of Iraq’s military"]


def test_003_calls_the_pmu_a_violent_force(processed):
    rows = [r for r in processed["003"]["labels"] if r["actor"] == "pmf"]
    by_label = {r["label"]: r for r in rows}
    assert by_label["a violent force"]["kind"] == "predicate"
    assert by_label["a violent force"]["resolved"] == "back-reference"  # "..., they have become a violent force"
    assert by_label["vehemently anti-American militias"]["kind"] == "modifier"  # "These vehemently anti-American militias"
    assert by_label["critical to Iran’s terrorism-exporting enterprise"]["kind"] == "predicate"
    assert by_label["Iranian-backed militias"]["kind"] == "apposition"  # "Iranian-backed militias known as the PMU"
    assert labels_of(processed, "003", "isis") == ["ISIS"]  # the back-references do not go to ISIS


def test_004_calls_the_militias_proxies(processed):
    names = labels_of(processed, "004", "iran_aligned_iraqi_militias", "name")
    assert names[0] == "Iranian regime's proxies"
    assert "proxy militias" in names
    assert labels_of(processed, "004", "harakat_al_nujaba", "modifier") == ["Iran-aligned Iraqi militia", "Iran-aligned Iraqi militia"]
    # "The militias defy ..." and "These groups have ..." point back to the proxies, not to US forces
    refs = [(r["label"], r["actor"]) for r in processed["004"]["labels"] if r["resolved"] == "back-reference"]
    assert ("militias", "iran_aligned_iraqi_militias") in refs and ("groups", "iran_aligned_iraqi_militias") in refs
    assert not any(a == "us_armed_forces" for _, a in refs)


def test_appositions_and_titles(processed):
    assert labels_of(processed, "001", "qassem_soleimani", "apposition") == ["a widely respected figure"]
    assert labels_of(processed, "001", "iran", "apposition") == ["a U.S. enemy"]
    assert labels_of(processed, "001", "united_states", "predicate") == ["a mortal enemy"]
    assert labels_of(processed, "002", "kazem_al_fartousi", "apposition") == ["spokesman for the Kataeb Sayyid al-Shuhada"]
    assert labels_of(processed, "002", "mukhallad_al_darb", "modifier") == ["security expert"]
    assert labels_of(processed, "002", "islamic_resistance_in_iraq", "modifier") == ["Iran-aligned"]
    assert labels_of(processed, "003", "mohammad_bagher_ghalibaf", "modifier") == ["Iran’s new Parliament Speaker"]
    assert labels_of(processed, "003", "qassem_soleimani", "modifier") == ["top Iranian General"]


def test_no_label_from_clauses_or_lists(processed):
    all_labels = {r["label"] for rows in processed.values() for r in rows["labels"]}
    assert "the group expanded its attacks to Israeli sites" not in all_labels  # "..., the group expanded ..." is a clause
    assert "General Ismail Qaani" not in all_labels  # "the Quds Force, General Ismail Qaani": another name
    # "terrorist groups ... those groups" in 000 is not the PMF
    assert "groups" not in labels_of(processed, "000", "pmf")


def test_soleimani_killing_is_one_event_in_each_outlets_words(processed):
    phrases = {
        seed: [r["label"] for r in rows["labels"] if r["event"] == "soleimani_killing"]
        for seed, rows in processed.items()
    }
    assert phrases == {
        "000": ["cowardly assassination", "painful assassination"],
        "001": ["assassinated", "during a drone strike"],
        "002": [],
        "003": ["US airstrike that killed"],
        "004": [],
    }
    rows = [r for rows in processed.values() for r in rows["labels"] if r["event"] == "soleimani_killing"]
    assert {r["actor"] for r in rows} == {"qassem_soleimani"} and {r["kind"] for r in rows} == {"event"}


# ---------------------------------------------------------------- quotes
def test_quote_marks_pair_within_a_paragraph():
    text = 'He said "one" and “two.”\nA stray ” mark, then "three'
    assert [text[a:b] for a, b in quote_spans(text)] == ["one", "two."]


def test_002_quotes_go_to_al_jazaeri_and_al_fartousi(processed):
    quotes = quotes_of(processed, "002")
    jazaeri = quote_starting(quotes, "The Iraqi people, government, and resista")
    assert (jazaeri["speaker_actor"], jazaeri["affiliation"], jazaeri["kind"]) == ("salam_al_jazaeri", "asaib_ahl_al_haq", "direct")
    assert jazaeri["role"] == "a member of the political bureau of the Asa'ib Ahl al-Haq movement"
    assert jazaeri["quote"].endswith("to defend the country's security.")  # the quote runs on into the next sentence
    assert quote_starting(quotes, "The resistance is ready and will respond ")["speaker_actor"] == "salam_al_jazaeri"  # "..., he said"
    fartousi = quote_starting(quotes, "When the resistance factions entered the ")
    assert (fartousi["speaker_actor"], fartousi["affiliation"], fartousi["role"]) == (
        "kazem_al_fartousi", "kataib_sayyid_al_shuhada", "spokesman for the Kataeb Sayyid al-Shuhada")
    assert quote_starting(quotes, "Military efforts are also crucial, andthe")["speaker_actor"] == "kazem_al_fartousi"  # "He added to Shafaq News"
    speakers = {q["speaker_actor"] for q in quotes}
    assert {"mukhallad_al_darb", "ahmed_al_yasiri", "gideon_saar", "benjamin_netanyahu"} <= speakers


def test_001_quotes_go_to_the_six_people_quoted(processed):
    quotes = quotes_of(processed, "001")
    speakers = {q["speaker_actor"] for q in quotes}
    assert {"renad_mansour", "colin_p_clarke", "rend_al_rahim", "ehsan_al_shimmari", "hadi_al_ameri", "nouri_al_maliki"} <= speakers
    assert quote_starting(quotes, "We do not believe in negotiati")["speaker_actor"] == "hadi_al_ameri"  # "..., he said" after his introduction
    assert quote_starting(quotes, "that the war of words becomes ")["speaker_actor"] == "colin_p_clarke"
    assert quote_starting(quotes, "Then the US attack came on top")["speaker_actor"] == "rend_al_rahim"  # continues her quote
    assert quote_starting(quotes, "Then the US attack came on top")["method"] == "continuation"
    assert quote_starting(quotes, "He is afraid that he now appea")["speaker_actor"] == "ehsan_al_shimmari"
    assert quote_starting(quotes, "Our country and sovereign auth")["speaker_actor"] == "mohammed_shia_al_sudani"  # "... 's office said this"
    maliki = quote_starting(quotes, "it had targeted Iraqis. in col")
    assert (maliki["kind"], maliki["speaker_actor"]) == ("reported", "nouri_al_maliki")
    mansour = quote_starting(quotes, "The problem for both the Iraqi")
    assert mansour["affiliation"] == "chatham_house"
    assert mansour["quote"] == ("The problem for both the Iraqi and US governments … is that neither wants an escalation "
                                "or a continued presence of US troops.")


def test_reported_speech_and_names_in_quotation_marks(processed):
    quotes = quotes_of(processed, "004")
    analysts = next(q for q in quotes if q["speaker"] == "analysts")
    assert analysts["kind"] == "reported" and analysts["quote"].startswith("Iran-aligned militias are undermining Iraqi sovereignty")
    assert not any(q["quote"] == "Islamic State of Iraq and Syria" for q in quotes)  # a name in quotation marks
    maariv = next(q for q in quotes_of(processed, "002") if q["sent_id"] == 30)
    assert (maariv["speaker_actor"], maariv["method"]) == ("maariv", "according to")
    assert maariv["quote"] == "Israel has tracked 65 drone attacks originating from Iraq since early November"
    assert set(quotes[0]) <= {f.name for f in schema.QUOTES}
