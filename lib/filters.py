"""One Filters object that both filters the data and says in words what is shown.

Modelled on datasette: every page builds a Filters from its widgets, applies it
to the tables it draws, and uses ``describe`` for the caption, so what a chart
says it shows and what it shows cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date

import pandas as pd

from lib.frames import isin
from lib.sql import marks


# How each selection reads in a caption, in the order captions list them.
GRAPH_PHRASES = (
    ("event_types", "of type {}"), ("relation_types", "relations: {}"),
    ("camps", "actors of camp {}"), ("actor_types", "actors of type {}"),
)
SELECTION_PHRASES = (
    ("units", "counting {}"), ("claimants", "claimed by {}"), ("origins", "from {}"),
    ("targets", "against {}"), ("outlets", "from {}"),
)


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
    # Events only
    event_types: tuple[str, ...] = ()
    # Network only
    relation_types: tuple[str, ...] = ()
    camps: tuple[str, ...] = ()
    actor_types: tuple[str, ...] = ()
    min_weight: int | None = None  # None: every edge
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

    # --- the same filters as SQL over the store (DuckDB views named like the tables) ---
    def filters_articles(self) -> bool:
        return bool(self.outlets or self.perspectives or self.date_from is not None or self.date_to is not None or self.actors)

    def articles_sql(self) -> tuple[str, list]:
        """A condition on the ``articles`` table passing the same articles as ``articles()``
        (outlet, perspective, date and actor filters), and its parameters."""
        conds: list[str] = []
        params: list = []
        for column, values in (("outlet", self.outlets), ("perspective", self.perspectives)):
            if values:
                conds.append(f"{column} IN ({marks(values)})")
                params += list(values)
        # An undated article fails any date filter, as in articles(): NULL compares false.
        if self.date_from is not None:
            conds.append("published >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            conds.append("published <= ?")
            params.append(self.date_to)
        if self.actors:
            conds.append(f"article_id IN (SELECT article_id FROM mentions WHERE actor IN ({marks(self.actors)}))")
            params += list(self.actors)
        return " AND ".join(conds) or "TRUE", params

    def in_articles_sql(self, column: str = "article_id") -> tuple[str, list]:
        """A condition keeping the rows of any table whose ``column`` is an article passing
        the article filters ('TRUE' when nothing filters articles), and its parameters."""
        if not self.filters_articles():
            return "TRUE", []
        where, params = self.articles_sql()
        return f"{column} IN (SELECT article_id FROM articles WHERE {where})", params

    def articles_in_store(self, articles: pd.DataFrame, query) -> pd.DataFrame:
        """``articles()`` with the actor filter answered by the store (``query(sql, params)``
        runs SQL), so no caller has to hold the mentions table for it."""
        df = self.articles(articles)
        if self.actors:
            named = query(f"SELECT DISTINCT article_id FROM mentions WHERE actor IN ({marks(self.actors)})", list(self.actors))
            df = df[df["article_id"].isin(named["article_id"])]
        return df

    def figures(self, figures: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
        """Figures passing every filter. Curated figures (no article) pass the
        article filters when their claimant or reporter is a selected outlet,
        or when no outlet/perspective filter is set; dates filter the period."""
        df = figures
        if self.outlets or self.perspectives:
            kept = set(self.articles(articles)["article_id"]) if (self.outlets or self.perspectives) else set()
            curated_ok = df["reporter"].isin(self.outlets) if self.outlets else pd.Series(False, index=df.index)
            df = df[isin(df["article_id"], kept) | (df["article_id"].isna() & curated_ok)]
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

    def events(self, events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
        """Reports of the events passing every filter, all reports of each.

        An event passes when one of its reports comes from an article passing
        the outlet/perspective filters (events with no article, e.g. imported
        ones, pass only without those filters), its date range meets the date
        filter, its type is selected and a selected actor took part. Every
        report of a passing event is kept, so reports can be compared side by side."""
        df = events
        if df.empty:
            return df
        cid = df["cluster_id"].fillna(df["event_id"])
        keep = pd.Series(True, index=df.index)
        if self.outlets or self.perspectives:
            kept = set(self.articles(articles)["article_id"])
            keep &= isin(df["article_id"], kept)
        start = pd.to_datetime(df["cluster_date"].fillna(df["date"]))
        end = pd.to_datetime(df["cluster_date_end"].fillna(df["date_end"]).fillna(df["cluster_date"]).fillna(df["date"]))
        if self.date_from is not None:
            keep &= end.isna() | (end >= pd.Timestamp(self.date_from))
        if self.date_to is not None:
            keep &= start.isna() | (start <= pd.Timestamp(self.date_to))
        if self.event_types:
            keep &= df["cluster_type"].fillna(df["event_type"]).isin(self.event_types)
        if self.actors:
            wanted = set(self.actors)
            took_part = [
                bool(wanted & ({s, t, cs, ct} | set(a if a is not None and not isinstance(a, float) else [])))
                for s, t, cs, ct, a in zip(df["source_actor"], df["target_actor"], df["cluster_source_actor"], df["cluster_target_actor"], df["actors"])
            ]
            keep &= pd.Series(took_part, index=df.index)
        if keep.all():
            return df  # the same frame: callers can reuse what they derived from it
        passing = set(cid[keep])
        return df[isin(cid, passing)]

    def events_sql(self) -> tuple[str, list]:
        """A query for the ids of the events ``events()`` keeps (``cluster_id``: the report's
        cluster, or its own ``event_id`` when it has none), and its parameters. As there,
        one report must pass every filter at once for its event to pass."""
        conds, params = [], []
        if self.outlets or self.perspectives:
            # events() reads the article filters without the actor one (dates on publication included).
            where, p = replace(self, actors=()).articles_sql()
            conds.append(f"article_id IN (SELECT article_id FROM articles WHERE {where})")
            params += p
        # An undated event passes any date filter.
        if self.date_from is not None:
            conds.append("coalesce(coalesce(cluster_date_end, date_end, cluster_date, date) >= ?, TRUE)")
            params.append(self.date_from)
        if self.date_to is not None:
            conds.append("coalesce(coalesce(cluster_date, date) <= ?, TRUE)")
            params.append(self.date_to)
        if self.event_types:
            conds.append(f"coalesce(cluster_type, event_type) IN ({marks(self.event_types)})")
            params += list(self.event_types)
        if self.actors:
            took_part = [f"{c} IN ({marks(self.actors)})" for c in ("source_actor", "target_actor", "cluster_source_actor", "cluster_target_actor")]
            conds.append("(" + " OR ".join(took_part) + " OR coalesce(list_has_any(actors, ?::VARCHAR[]), FALSE))")
            params += list(self.actors) * 4 + [list(self.actors)]
        return f"SELECT DISTINCT coalesce(cluster_id, event_id) AS cluster_id FROM events WHERE {' AND '.join(conds) or 'TRUE'}", params

    def relations(self, relations: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame | None = None) -> pd.DataFrame:
        """Relation rows from articles passing the article filters, of the selected types,
        involving a selected actor (camp and type filters apply to nodes, in lib/network.py)."""
        df = relations[relations["article_id"].isin(self.articles(articles, mentions)["article_id"])]
        if self.relation_types:
            df = df[df["relation"].isin(self.relation_types)]
        if self.actors:
            df = df[df["source"].isin(self.actors) | df["target"].isin(self.actors)]
        return df

    def relations_sql(self, columns, involving: tuple[str, ...] = (), stated_only: bool = False) -> tuple[str, list]:
        """A query for the relation rows ``relations()`` keeps (``columns`` of them), in the store's
        order; with ``involving``, only those whose source or target is one of these actors; with
        ``stated_only``, none that is hedged or negated."""
        conds, params = [], []
        if stated_only:
            conds.append("NOT coalesce(hedged, false) AND NOT coalesce(negated, false)")
        where, p = self.in_articles_sql()
        conds.append(where)
        params += p
        if self.relation_types:
            conds.append(f"relation IN ({marks(self.relation_types)})")
            params += list(self.relation_types)
        for actors in (self.actors, involving):  # a selected actor, and (if given) one of these, took part
            if actors:
                conds.append(f"(source IN ({marks(actors)}) OR target IN ({marks(actors)}))")
                params += list(actors) * 2
        cols = ", ".join(f'"{c}"' for c in columns)
        return f"SELECT {cols} FROM relations_rows WHERE {' AND '.join(conds)} ORDER BY row_order", params

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
        parts = [phrase.format(self._names(getattr(self, field))) for field, phrase in GRAPH_PHRASES if getattr(self, field)]
        if self.min_weight and self.min_weight > 1:
            parts.append(f"edges of at least {self.min_weight} sentences")
        parts += [phrase.format(self._names(getattr(self, field))) for field, phrase in SELECTION_PHRASES if getattr(self, field)]
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
