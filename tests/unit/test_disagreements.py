"""Claimants disagreeing on one month's count are spelled out month by month, claimant by claimant."""
import pandas as pd

from lib.attack_charts import disagreements


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
        "September 2024: 31 drone attacks per Maariv (reported by Shafaq News), 35 drone attacks per Militia Spotlight, 30 drone attacks per Ynet, partial month.",
        "October 2024: 90 drone attacks per Maariv (reported by Shafaq News), 47 drone attacks per Militia Spotlight.",
    ]
    assert disagreements(table[table["claimant"] == "Maariv"]) == []
