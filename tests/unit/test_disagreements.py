"""Claimants disagreeing on one month's count are spelled out month by month, claimant by claimant."""
import pandas as pd

from lib.attack_charts import Disagreement, disagreements


def _row(month: str, claimant: str, count: int, reporter: str | None = None, unit: str = "drone attacks", partial: bool = False, granularity: str = "month") -> dict:
    return {"period_start": pd.Timestamp(month), "claimant": claimant, "reporter": reporter or claimant, "count": count, "claim": str(count),
            "unit": unit, "partial": partial, "granularity": granularity, "relayed_by": None}


def test_months_where_claimants_give_different_counts():
    table = pd.DataFrame([
        _row("2024-10-01", "Maariv", 90, "Shafaq News"), _row("2024-10-01", "Militia Spotlight", 47),
        _row("2024-08-01", "Maariv", 6, "Shafaq News"), _row("2024-08-01", "Militia Spotlight", 6),  # they agree
        _row("2024-09-01", "Militia Spotlight", 35), _row("2024-09-01", "Maariv", 31, "Shafaq News"), _row("2024-09-01", "Ynet", 30, partial=True),
        _row("2024-11-01", "Maariv", 5), _row("2024-11-01", "Maariv", 9),  # one claimant
        _row("2024-12-01", "Maariv", 5), _row("2024-12-01", "Ynet", 8, granularity="day"),  # not a month's count
        _row("2024-12-01", "Ynet", 4, unit="killed"),  # not an attack count
    ])
    assert disagreements(table) == [
        Disagreement("September 2024", "September 2024: 31 drone attacks per Maariv (reported by Shafaq News), 35 drone attacks per Militia Spotlight, 30 drone attacks per Ynet, partial month."),
        Disagreement("October 2024", "October 2024: 90 drone attacks per Maariv (reported by Shafaq News), 47 drone attacks per Militia Spotlight."),
    ]
    assert disagreements(table[table["claimant"] == "Maariv"]) == []


def test_a_claim_reported_many_times_is_said_once_with_its_reports_and_a_long_month_is_cut_short():
    """At 10,000 articles one month had 55 claims and one banner 3,000 characters: the claims
    made most often come first, the rest are counted, and the table keeps every one."""
    rows = [_row("2024-09-01", "Maariv", 31, "Shafaq News")] * 3 + [_row("2024-09-01", "Militia Spotlight", 35)] * 2
    rows += [_row("2024-09-01", f"Outlet {i:02d}", 40 + i) for i in range(8)]
    [said] = disagreements(pd.DataFrame(rows), max_claims=4)
    assert said.text == ("September 2024: 31 drone attacks per Maariv (3 reports, by Shafaq News), "
                         "35 drone attacks per Militia Spotlight (2 reports), 40 drone attacks per Outlet 00, "
                         "41 drone attacks per Outlet 01, and 6 more claims.")


def test_a_claim_carried_by_several_outlets_names_them_once_each():
    rows = [_row("2024-09-01", "Maariv", 31, r) for r in ("Shafaq News", "Ynet", "Shafaq News", "Maariv")] + [_row("2024-09-01", "Militia Spotlight", 35)]
    [said] = disagreements(pd.DataFrame(rows))
    assert said.text == "September 2024: 31 drone attacks per Maariv (4 reports, by Shafaq News and Ynet), 35 drone attacks per Militia Spotlight."


def test_a_banner_names_every_claimant_before_a_second_claim_of_one():
    """AFP's three counts for a month, each reported more often than Ynet's, filled a banner
    of two with AFP alone."""
    rows = [_row("2024-09-01", "AFP", c, r) for c in (129, 36) for r in ("Diyaruna", "Alhurra")] + [_row("2024-09-01", "Ynet", 40)]
    [said] = disagreements(pd.DataFrame(rows), max_claims=2)
    assert said.text == "September 2024: 129 drone attacks per AFP (2 reports, by Diyaruna and Alhurra), 40 drone attacks per Ynet, and 1 more claim."


def test_the_claims_shown_for_a_long_month_always_disagree():
    # The four claims made most often agree on 6; the month is listed for the 9 that came once.
    rows = [_row("2024-08-01", f"Claimant {i}", 6, "Shafaq News") for i in range(4)] * 2 + [_row("2024-08-01", "Ynet", 9)]
    [said] = disagreements(pd.DataFrame(rows), max_claims=4)
    assert said.text.count("6 drone attacks") == 3 and "9 drone attacks per Ynet" in said.text and said.text.endswith("and 1 more claim.")
