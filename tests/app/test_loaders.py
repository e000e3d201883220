"""The cached loaders read only what a page asks for."""
import pandas as pd

from lib import loaders, network, store
from lib.paths import STORE_DIR


def test_sentence_texts_reads_just_the_asked_rows():
    every = store.read_table("sentences", STORE_DIR)
    keys = every.sample(7, random_state=3)[["article_id", "sent_id"]]
    got = loaders.sentence_texts(keys).sort_values(["article_id", "sent_id"], ignore_index=True)
    want = every.merge(keys)[["article_id", "sent_id", "text"]].sort_values(["article_id", "sent_id"], ignore_index=True)
    assert len(got) == 7
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_co_mention_evidence_through_the_loader_equals_the_whole_table():
    tables = {t: store.read_table(t, STORE_DIR) for t in ("mentions", "sentences", "articles")}
    rows = pd.DataFrame(columns=["source", "target", "relation"])
    whole = network.edge_evidence("iran", "united_states", network.CO_MENTION, rows, tables["mentions"], tables["sentences"], tables["articles"])
    lazy = network.edge_evidence("iran", "united_states", network.CO_MENTION, rows, tables["mentions"], loaders.sentence_texts, tables["articles"])
    assert len(whole) > 3
    pd.testing.assert_frame_equal(lazy.reset_index(drop=True), whole.reset_index(drop=True), check_dtype=False)


def test_key_sentences_read_on_demand_equal_the_labels_evidence():
    """Compare loads labels without their sentences and reads the few it shows: same text either way."""
    from lib import compare

    labels = store.read_table("labels", STORE_DIR)
    about = compare.focus_sentences("pmf", labels)
    lazy = compare.with_sentence_text(about.drop(columns=["evidence"]), loaders.sentence_texts, "evidence")
    assert len(about) > 5
    assert list(lazy.columns) == list(about.columns)
    pd.testing.assert_frame_equal(lazy.reset_index(drop=True), about.reset_index(drop=True), check_dtype=False)


def test_the_apps_loaders_do_not_import_the_extraction_vocabulary():
    """The app imports lib.pipeline (to build a missing store, to see a stale one) but never
    reads word frequencies: importing wordfreq there took 0.15-0.2 s of a server's first page."""
    import subprocess
    import sys

    from lib.paths import ROOT

    probe = "import sys, lib.loaders, lib.pipeline; print(sorted(m for m in ('wordfreq', 'trafilatura') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
