"""Comparison tables on the seed articles (lib/compare.py)."""
import pandas as pd
import pytest

from lib import compare
from lib.framing import event_names
from lib.registry import load_outlets, load_registry


@pytest.fixture(scope="module")
def tables(processed):
    def frame(name):
        return pd.DataFrame([r for rows in processed.values() for r in rows[name]])

    return {name: frame(name) for name in ("articles", "sentences", "mentions", "labels", "quotes")}


@pytest.fixture(scope="module")
def groups(tables):
    return compare.article_groups(tables["articles"], load_outlets().perspectives)


@pytest.fixture(scope="module")
def names():
    return {a.id: a.name for a in load_registry().actors.values()}


def test_republished_pieces_count_for_their_original_outlet(groups):
    g = groups.set_index("article_id")
    assert g.loc["001_e27d6f7108a7fa8b", ["outlet", "via", "perspective"]].tolist() == ["The New York Times", "Unknown aggregator", "US mainstream"]
    assert g.loc["003_c3e4981192742f60", ["outlet", "via", "perspective"]].tolist() == ["The Jerusalem Post", "Unknown aggregator", "Israeli"]
    assert g.loc["002_2f6602b0745822a4", ["outlet", "via"]].tolist() == ["Shafaq News", ""]
    assert compare.group_options(groups, "perspective") == ["Iranian state-aligned", "Iraqi", "Israeli", "US mainstream", "US-government-funded"]
    about_pmf = {"000_49c29a32d8519a87", "002_2f6602b0745822a4", "003_c3e4981192742f60"}
    assert compare.group_options(groups, "outlet", about_pmf) == [
        "Shafaq News", "The Jerusalem Post", "Unknown Iranian outlet", "Al-Fassel", "The New York Times"]


def test_focus_options_put_events_first(tables):
    opts = compare.focus_options(tables["labels"], tables["mentions"], event_names())
    assert opts[:5] == ["event:soleimani_killing", "event:gaza_war", "event:attacks_on_us_forces",
                        "event:us_strikes_on_iraqi_factions", "event:drone_attacks_on_israel"]
    assert opts[5] == "iraq" and "pmf" in opts


def test_column_for_the_pmf_in_iranian_and_israeli_outlets(tables, groups):
    iranian = compare.column_summary("Iranian state-aligned", "perspective", "pmf", groups, tables["labels"], tables["quotes"])
    assert (iranian.n_articles, iranian.n_about, iranian.n_sentences) == (1, 1, 9)
    counts = dict(zip(iranian.labels["label"], iranian.labels["count"]))
    assert counts["popular forces"] == 4 and counts["entirely defensive and legal"] == 1
    assert iranian.labels.iloc[0].tolist() == ["popular forces", "name", 4]
    pmf_sentences = tables["labels"][(tables["labels"]["actor"] == "pmf") & tables["labels"]["article_id"].str.startswith("000")]
    assert iranian.tone == pytest.approx(pmf_sentences.drop_duplicates("sent_id")["tone"].mean())
    israeli = compare.column_summary("Israeli", "perspective", "pmf", groups, tables["labels"], tables["quotes"], with_names=False)
    assert set(israeli.labels["label"]) == {"a violent force", "vehemently anti-American militias",
                                            "critical to Iran’s terrorism-exporting enterprise", "Iranian-backed militias"}
    # key sentences: those that characterise the PMU come first, with a link to the reader
    assert israeli.sentences["sent_id"].tolist()[:2] == [13, 12]
    assert israeli.sentences["link"].iloc[0] == "./?article=003_c3e4981192742f60&sent=13#reader"
    assert israeli.quotes["speaker"].tolist()[0] == "Ali Khamenei"


def test_column_for_an_event(tables, groups):
    col = compare.column_summary("US mainstream", "perspective", "event:soleimani_killing", groups, tables["labels"], tables["quotes"])
    assert sorted(col.labels["label"]) == ["assassinated", "during a drone strike"]
    assert col.n_sentences == 2 and col.n_about == 1


def test_outlet_columns_name_the_republisher(tables, groups):
    nyt = compare.column_summary("The New York Times", "outlet", "qassem_soleimani", groups, tables["labels"], tables["quotes"])
    assert nyt.via == ("Unknown aggregator",)
    assert "a widely respected figure" in set(nyt.labels["label"])
    lines = compare.column_markdown(nyt)
    assert "**Described as**: General · a widely respected figure" in lines
    assert lines[-1].startswith("**Key sentences**\n- General Qassim Suleimani, a widely respected figure at home")
    assert "(The New York Times, tone " in lines[-1].split("\n")[1]
    assert "**Words for the event**: assassinated · during a drone strike" in lines


def test_same_event_different_words(tables, groups):
    cols = compare.group_options(groups, "perspective")
    wide, long = compare.phrases_side_by_side("event:soleimani_killing", groups, tables["labels"], "perspective", cols)
    assert list(wide.columns) == cols
    assert wide["Iranian state-aligned"].tolist() == ["cowardly assassination", "painful assassination"]
    assert wide["Israeli"].tolist() == ["US airstrike that killed", ""]
    assert wide["Iraqi"].tolist() == ["", ""]
    assert set(long["group"]) == {"Iranian state-aligned", "Israeli", "US mainstream"}


def test_framing_matrix_shares_and_tone(tables, groups, names):
    m = compare.framing_matrix(groups, tables["labels"], tables["mentions"], "perspective", names, actors=["pmf", "israel"])
    row = m[(m["group"] == "Israeli") & (m["actor"] == "pmf")].iloc[0]
    n_003 = (tables["mentions"]["article_id"] == "003_c3e4981192742f60").sum()
    assert row["mentions"] == 4 and row["share"] == pytest.approx(4 / n_003)
    assert row["sentences"] == 4
    assert set(m.loc[m["actor"] == "israel", "group"]) == {"Iraqi", "US mainstream"}  # 000, 003 and 004 never name Israel
    fig = compare.matrix_figure(m, groups=["Iranian state-aligned", "Israeli"])
    heat = fig.data[0]
    assert list(heat.y) == ["Popular Mobilization Forces", "Israel"]
    assert heat.text[0][1] == f"{4 / n_003:.0%}" and heat.text[1][0] == ""


def test_blindspots_across_perspectives(tables, groups, names):
    types = {a.id: a.type for a in load_registry().actors.values()}
    only, never = compare.blindspots(groups, tables["mentions"], tables["labels"], "perspective", names, types, event_names())
    only_in = dict(zip(only["id"], only["only in"]))
    assert only_in["mohammad_kazem_al_sadeq"] == "Iranian state-aligned"
    assert only_in["event:drone_attacks_on_israel"] == "Iraqi"
    assert "event:soleimani_killing" not in only_in
    missing = never[never["id"] == "event:soleimani_killing"]
    assert set(missing["never in"]) == {"Iraqi", "US-government-funded"}
    assert only.loc[only["id"] == "mohammad_kazem_al_sadeq", "kind"].item() == "figure"


def test_attention_over_time(tables, groups):
    over = compare.attention_over_time("pmf", groups, tables["labels"], "perspective")
    israeli = over[over["group"] == "Israeli"].iloc[0]
    assert str(israeli["period"].date()) == "2020-06-01"
    assert israeli["attention"] == pytest.approx(4 / 25) and israeli["sentences"] == 4
    assert over.loc[over["group"] == "US mainstream", "attention"].item() == 0
    # a share is drawn against zero; tone on its whole scale
    assert compare.timeline_figure(over, "attention", title="t").layout.yaxis.rangemode == "tozero"
    assert list(compare.timeline_figure(over, "tone", title="t").layout.yaxis.range) == [-1, 1]


def test_aligned_passages_find_the_same_event_elsewhere(tables, groups, names):
    index = compare.PassageIndex(tables["sentences"], tables["mentions"])
    cols = compare.group_options(groups, "perspective")
    aligned = compare.aligned_passages(index, "000_49c29a32d8519a87", 9, groups, "perspective", cols, names=names)
    israeli = aligned[aligned["group"] == "Israeli"].iloc[0]
    assert (israeli["article_id"], israeli["sent_id"]) == ("003_c3e4981192742f60", 7)  # "the US airstrike that killed ... Soleimani"
    assert "Qassem Soleimani" in israeli["shared words"]
    assert "Iranian state-aligned" not in set(aligned["group"])
    assert index.similar("nope", 0) == []


def test_column_markdown_escapes_article_text():
    col = compare.Column(
        group="G", n_articles=1, n_about=1, n_sentences=1, tone=0.0,
        labels=pd.DataFrame({"label": ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))"], "kind": ["name", "predicate"], "count": [1, 2]}),
        quotes=pd.DataFrame({"speaker": ["*Bold*"], "role": ["<b>chief</b>"], "quotes": [1]}),
        sentences=pd.DataFrame({"text": ["**x** <script>"], "outlet": ["<i>Outlet</i>"], "tone": [0.5], "link": ["./?article=a&sent=1"]}),
    )
    lines = compare.column_markdown(col)
    joined = "\n".join(lines)
    assert "<img" not in joined and "<script>" not in joined and "<b>" not in joined and "<i>" not in joined
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\) ×2" in joined
    assert "\\*Bold\\* (&lt;b&gt;chief&lt;/b&gt;)" in joined


def test_passage_sources_offer_first_the_articles_about_the_focus(monkeypatch):
    shown = pd.DataFrame({"article_id": ["synth-001", "synth-002", "synth-003", "synth-004"], "outlet": ["X", "Y", "Y", "Z"],
                          "published": pd.to_datetime(["2024-10-05", None, "2024-01-02", "2024-03-04"]), "title": ["One", None, " ", "T" * 80]})
    about = pd.DataFrame({"article_id": ["synth-003", "synth-002", "synth-003"], "sent_id": [7, 4, 2]})
    titles = compare.passage_sources(shown, about)
    # two untitled articles of one outlet stay apart; the focus's articles come first, each part in the order shown
    assert list(titles) == ["Y · undated — untitled [synth-002]", "Y · 2024-01-02 — untitled [synth-003]", "X · 2024-10-05 — One [synth-001]",
                            f"Z · 2024-03-04 — {'T' * 69}… [synth-004]"]
    assert list(titles.values()) == ["synth-002", "synth-003", "synth-001", "synth-004"]
    assert list(compare.passage_sources(shown, about.iloc[0:0]).values()) == list(shown["article_id"])
    monkeypatch.setattr(compare, "MAX_PASSAGE_SOURCES", 2)
    assert list(compare.passage_sources(shown, about).values()) == ["synth-002", "synth-003"]
    assert compare.first_focus_sentence(about, "synth-003") == 2 and compare.first_focus_sentence(about, "synth-001") == 0


def test_a_key_sentence_said_word_for_word_again_is_shown_once():
    """A republished copy or a wire story run twice would fill a column with one sentence."""
    sents = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "sent_id": [1, 1, 2, 3], "tone": [-0.9, -0.9, -0.5, 0.1]})
    texts = {("a", 1): "Same words.", ("b", 1): "Same words.", ("c", 2): "Other words.", ("d", 3): "Third."}
    lookup = lambda keys: pd.DataFrame([{"article_id": a, "sent_id": s, "text": texts[a, s]} for a, s in zip(keys["article_id"], keys["sent_id"])])
    lab = pd.DataFrame({"article_id": [], "sent_id": [], "kind": []})
    groups = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "outlet": ["X", "Y", "X", "Z"]})
    shown = compare.key_sentences_of(sents, lab, groups, 2, lookup)
    assert shown[["article_id", "outlet", "text"]].values.tolist() == [["a", "X", "Same words."], ["c", "X", "Other words."]]
    assert compare.key_sentences_of(sents, lab, groups, 2)[["article_id", "outlet"]].values.tolist() == [["a", "X"], ["b", "Y"]]  # no texts to compare: as ranked
    assert compare.key_sentences_of(sents, lab, groups, 4, lookup)["outlet"].tolist() == ["X", "X", "Z"]  # each sentence's own outlet
