"""One Filters object that both filters the data and says in words what is shown.

Modelled on datasette: every page builds a Filters from its widgets, applies it
to the tables it draws, and uses ``describe`` for the caption, so what a chart
says it shows and what it shows cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class Filters:
    outlets: tuple[str, ...] = ()
    perspectives: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    actors: tuple[str, ...] = ()
    # Figures only
    units: tuple[str, ...] = ()
    claimants: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    labels: dict = field(default_factory=dict, compare=False, hash=False)  # id -> display name

    def is_empty(self) -> bool:
        return all(not getattr(self, f.name) for f in fields(self) if f.name != "labels")

    # --- filtering -------------------------------------------------------
    def articles(self, articles: pd.DataFrame, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
        """Articles passing the outlet, perspective, date and actor filters."""
        df = articles
        if self.outlets:
            df = df[df["outlet"].isin(self.outlets)]
        if self.perspectives:
            df = df[df["perspective"].isin(self.perspectives)]
        if self.date_from is not None or self.date_to is not None:
            pub = pd.to_datetime(df["published"])
            keep = pub.notna()
            if self.date_from is not None:
                keep &= pub >= pd.Timestamp(self.date_from)
            if self.date_to is not None:
                keep &= pub <= pd.Timestamp(self.date_to)
            df = df[keep]
        if self.actors and mentions is not None:
            with_actor = mentions.loc[mentions["actor"].isin(self.actors), "article_id"].unique()
            df = df[df["article_id"].isin(with_actor)]
        return df

    def figures(self, figures: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
        """Figures passing every filter. Curated figures (no article) pass the
        article filters when their claimant or reporter is a selected outlet,
        or when no outlet/perspective filter is set; dates filter the period."""
        df = figures
        if self.outlets or self.perspectives:
            kept = set(self.articles(articles)["article_id"]) if (self.outlets or self.perspectives) else set()
            curated_ok = df["reporter"].isin(self.outlets) if self.outlets else pd.Series(False, index=df.index)
            df = df[df["article_id"].isin(kept) | (df["article_id"].isna() & curated_ok)]
        if self.date_from is not None:
            end = pd.to_datetime(df["period_end"])
            df = df[end.isna() | (end >= pd.Timestamp(self.date_from))]
        if self.date_to is not None:
            start = pd.to_datetime(df["period_start"])
            df = df[start.isna() | (start <= pd.Timestamp(self.date_to))]
        for col, values in (("unit", self.units), ("claimant", self.claimants), ("origin", self.origins), ("target", self.targets)):
            if values:
                df = df[df[col].isin(values)]
        if self.actors:
            df = df[df["origin"].isin(self.actors) | df["target"].isin(self.actors) | df["claimant_actor"].isin(self.actors)]
        return df

    # --- words -------------------------------------------------------------
    def _names(self, values) -> str:
        names = [self.labels.get(v, v) for v in values]
        if len(names) <= 2:
            return " and ".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]

    def describe(self, noun: str, shown: int | None = None, total: int | None = None) -> str:
        """'Showing 3 of 5 articles from Shafaq News, Iraqi perspective, published 2024-01-01 to 2024-12-31.'"""
        if shown is not None and total is not None and shown != total:
            head = f"Showing {shown:,} of {total:,} {noun}"
        elif shown is not None:
            head = f"Showing all {shown:,} {noun}"
        else:
            head = f"Showing {noun}"
        parts = []
        if self.units:
            parts.append(f"counting {self._names(self.units)}")
        if self.claimants:
            parts.append(f"claimed by {self._names(self.claimants)}")
        if self.origins:
            parts.append(f"from {self._names(self.origins)}")
        if self.targets:
            parts.append(f"against {self._names(self.targets)}")
        if self.outlets:
            parts.append(f"from {self._names(self.outlets)}")
        if self.perspectives:
            parts.append(f"{self._names(self.perspectives)} perspective{'s' if len(self.perspectives) > 1 else ''}")
        if self.actors:
            parts.append(f"mentioning {self._names(self.actors)}")
        if self.date_from and self.date_to:
            parts.append(f"dated {self.date_from:%Y-%m-%d} to {self.date_to:%Y-%m-%d}")
        elif self.date_from:
            parts.append(f"dated from {self.date_from:%Y-%m-%d}")
        elif self.date_to:
            parts.append(f"dated up to {self.date_to:%Y-%m-%d}")
        if not parts:
            return head + " (no filters)."
        return head + ", " + "; ".join(parts) + "."
