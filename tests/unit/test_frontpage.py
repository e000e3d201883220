"""The Overview's latest figures: each says who claims it and links to where it comes from."""
import pandas as pd

from lib.frontpage import figure_line


def test_an_extracted_figure_links_to_its_sentence():
    line = figure_line({"count": 90.0, "unit": "drone attacks", "period_start": "2024-10-01", "period_end": "2024-10-31",
                        "claimant": "Maariv", "reporter": "Shafaq News", "article_id": "002_2f6602b0745822a4", "sent_id": 12, "citation": None})
    assert line == ("- **90** drone attacks (2024\\-10\\-01 to 2024\\-10\\-31): Maariv, via Shafaq News "
                    "([sentence](./?article=002_2f6602b0745822a4&sent=12#reader))")


def test_a_figure_keeps_its_qualifier_and_a_rate_says_so():
    line = figure_line({"count": 5.0, "unit": "launches", "period_start": "2024-11-01", "period_end": "2024-11-21", "claimant": "American security official",
                        "reporter": "Shafaq News", "qualifier": "approximately", "granularity": "rate", "article_id": "002_x", "sent_id": 30})
    assert line.startswith("- **≈ 5** launches a day (2024\\-11\\-01 to 2024\\-11\\-21): American security official, via Shafaq News")
    assert figure_line({"count": 160.0, "unit": "attacks", "period_start": None, "period_end": "2024-02-06", "claimant": "X", "reporter": "X",
                        "qualifier": "at_least", "granularity": "cumulative"}).startswith("- **≥ 160** attacks (up to 2024\\-02\\-06): X")


def test_a_curated_figure_gives_its_citation_and_text_is_escaped():
    line = figure_line({"count": 35.0, "unit": "attacks", "period_start": None, "period_end": "2024-09-30", "claimant": "Militia *Spotlight*",
                        "reporter": "Militia *Spotlight*", "article_id": None, "sent_id": float("nan"), "citation": "[x](javascript:alert(1))"})
    assert line == "- **35** attacks (up to 2024\\-09\\-30): Militia \\*Spotlight\\*; source: \\[x\\]\\(javascript:alert\\(1\\)\\)"
    assert figure_line({"count": 2.0, "unit": "killed", "period_start": pd.NaT, "period_end": pd.NaT, "claimant": "Israel",
                        "reporter": "Israel"}) == "- **2** killed (period not stated): Israel"


def test_a_claim_relayed_by_a_report_names_the_group_the_report_and_the_outlet():
    line = figure_line({"count": 6.0, "unit": "attacks", "period_start": None, "period_end": "2024-11-21", "claimant": "Group linked to Saudi Arabia",
                        "relayed_by": "The Washington Institute for Near East Policy", "reporter": "Shafaq News", "granularity": "cumulative"})
    assert line == ("- **6** attacks (up to 2024\\-11\\-21): Group linked to Saudi Arabia, in a report by The Washington Institute for Near East Policy, "
                    "via Shafaq News")


def test_the_reader_picker_keeps_the_first_rows_and_a_linked_article_the_filters_keep():
    from lib.frontpage import reader_choices

    ids = [f"a{i}" for i in range(10)]
    assert reader_choices(ids, None, 3) == ["a0", "a1", "a2"]
    assert reader_choices(ids, "a1", 3) == ["a0", "a1", "a2"]
    assert reader_choices(ids, "a7", 3) == ["a0", "a1", "a2", "a7"]
    assert reader_choices(ids, "not-shown", 3) == ["a0", "a1", "a2"]  # filtered out: the page says nothing matches it
    assert reader_choices(ids[:2], "a7", 3) == ["a0", "a1"]
