"""The Timeline & Map page's tables and charts, built from the events table.

The events table has one row per report (an article's account of an event);
``event_clusters`` makes one row per event with its sources. Everything shown
from article text is escaped: hover text, card HTML, labels.
"""
from __future__ import annotations

import html
import math

import pandas as pd
import plotly.graph_objects as go

from lib.chart_labels import place_labels
from lib.events import load_event_types
from lib.frames import isin, records
from lib.highlight import reader_href

OTHER_COLOR = "#8c8c8c"
MAX_HOVER_SOURCES = 6
MAX_LABELLED = 200  # events whose number of sources is written beside the marker
PRECISION_WORDS = {"day": "day", "week": "within a week", "month": "month", "year": "year", "undated": "no date in the text"}
CLUSTER_COLUMNS = [
    "cluster_id", "title", "type", "type_label", "date", "date_end", "precision", "date_label", "place", "place_id",
    "lat", "lon", "killed", "injured", "n_sources", "sources", "source_actor", "target_actor", "n_reports",
]


def type_colors() -> dict[str, str]:
    return {t.id: t.color for t in load_event_types().values()}


def type_labels() -> dict[str, str]:
    return {t.id: t.label for t in load_event_types().values()}


def with_cluster_fields(events: pd.DataFrame) -> pd.DataFrame:
    """Reports with the cluster columns filled for rows that have none (events
    imported without linking, e.g. ACLED's, are each their own event)."""
    df = events.copy()
    if df.empty:
        return df
    df["cluster_id"] = df["cluster_id"].fillna(df["event_id"])
    df["cluster_type"] = df["cluster_type"].fillna(df["event_type"])
    df["cluster_date"] = df["cluster_date"].fillna(df["date"])
    df["cluster_date_end"] = df["cluster_date_end"].fillna(df["date_end"]).fillna(df["cluster_date"])
    df["cluster_precision"] = df["cluster_precision"].fillna(df["date_precision"])
    df["cluster_place"] = df["cluster_place"].fillna(df["place"])
    df["cluster_killed"] = df["cluster_killed"].fillna(df["killed"])
    df["cluster_injured"] = df["cluster_injured"].fillna(df["injured"])
    df["cluster_source_actor"] = df["cluster_source_actor"].fillna(df["source_actor"])
    df["cluster_target_actor"] = df["cluster_target_actor"].fillna(df["target_actor"])
    df["n_sources"] = df["n_sources"].fillna(1)
    labels = type_labels()
    missing = df["cluster_title"].isna()
    df.loc[missing, "cluster_title"] = [_untitled(t, p, labels) for t, p in zip(df.loc[missing, "cluster_type"], df.loc[missing, "cluster_place"])]
    df["reporter"] = df["reporter"].fillna("imported data")
    return df


def _untitled(event_type, place, labels: dict[str, str]) -> str:
    """The title of an event that has none: its type, and its place when known."""
    return f"{labels.get(event_type, event_type)}" + (f", {place}" if isinstance(place, str) and place else "")


def date_label(start, end, precision: str | None) -> str:
    if start is None or pd.isna(start):
        return "undated"
    s = pd.Timestamp(start)
    e = pd.Timestamp(end) if end is not None and not pd.isna(end) else s
    if precision == "day" or s == e:
        return f"{s:%Y-%m-%d}"
    if precision == "month":
        return f"{s:%B %Y}" + (" (to date)" if e.day != e.days_in_month else "")
    if precision == "year":
        return f"{s:%Y}"
    return f"{s:%Y-%m-%d} to {e:%Y-%m-%d}"


def event_clusters(reports: pd.DataFrame) -> pd.DataFrame:
    """One row per event: title, date, place, casualties and its sources, by date."""
    if reports.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    labels = type_labels()
    rows = []
    for cid, group in reports_by_cluster(reports).items():
        first = group[0]
        sources = []
        for r in sorted(group, key=lambda r: r["article_id"]):
            own = r["date_text"] if isinstance(r["date_text"], str) else PRECISION_WORDS["undated"]
            sources.append(f"{r['reporter']} ({own})")
        rows.append({
            "cluster_id": cid,
            "title": first["cluster_title"],
            "type": first["cluster_type"],
            "type_label": labels.get(first["cluster_type"], first["cluster_type"]),
            "date": first["cluster_date"],
            "date_end": first["cluster_date_end"],
            "precision": first["cluster_precision"],
            "date_label": date_label(first["cluster_date"], first["cluster_date_end"], first["cluster_precision"]),
            "place": first["cluster_place"],
            "place_id": first["cluster_place_id"],
            "lat": first["lat"],
            "lon": first["lon"],
            "killed": first["cluster_killed"],
            "injured": first["cluster_injured"],
            "n_sources": len({r["article_id"] for r in group if isinstance(r["article_id"], str)}) or 1,
            "sources": "; ".join(sources),
            "source_actor": first["cluster_source_actor"],
            "target_actor": first["cluster_target_actor"],
            "n_reports": len(group),
        })
    df = pd.DataFrame(rows, columns=CLUSTER_COLUMNS)
    df["_sort"] = pd.to_datetime(df["date"])
    return df.sort_values(["_sort", "cluster_id"], na_position="last").drop(columns="_sort").reset_index(drop=True)


def event_labels(clusters: pd.DataFrame) -> dict[str, str]:
    """Cluster id -> "2024-01-28 — Drone attack on Tower 22 ...", unique (the page's link carries it)."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for cid, d, t in zip(clusters["cluster_id"], clusters["date_label"], clusters["title"]):
        label = f"{d} — {t}"
        if label in seen:
            label = f"{label} ({cid})"
        seen.add(label)
        out[cid] = label
    return out


def event_choices(all_ids, offered, keep=()) -> list[str]:
    """The events a picker offers, in the order of ``all_ids``: those ``offered`` (the events
    drawn) and those to ``keep`` (the one already picked, or named by a link, even if hidden)."""
    wanted = set(offered) | {k for k in keep if k is not None}
    return [c for c in all_ids if c in wanted]


def casualties(killed, injured) -> float:
    k = 0 if killed is None or pd.isna(killed) else float(killed)
    i = 0 if injured is None or pd.isna(injured) else float(injured)
    return k + i


def marker_size(killed, injured, *, crowded: bool = False) -> float:
    """10 px with no casualties stated, growing with the square root of the toll. ``crowded``
    (more events than MAX_LABELLED): 6 to 26 px, so that hundreds of events side by side
    stay points instead of merging into a band of 110 px diamonds."""
    if crowded:
        return 6 + 2 * math.sqrt(min(casualties(killed, injured), 100))
    return 10 + 5 * math.sqrt(min(casualties(killed, injured), 400))


def hover_text(cluster: dict, reports: pd.DataFrame, actor_names: dict[str, str]) -> str:
    """The event and each source's own words, escaped, for a plotly hover box."""
    e = html.escape
    lines = [f"<b>{e(str(cluster['title']))}</b>", f"{e(cluster['date_label'])} · {e(str(cluster['type_label']))}"]
    if isinstance(cluster.get("place"), str):
        lines.append(f"Place: {e(cluster['place'])}")
    who = [actor_names.get(a, a) for a in (cluster.get("source_actor"), cluster.get("target_actor")) if isinstance(a, str)]
    if who:
        lines.append(e(" → ".join(who)))
    k = cluster.get("killed")
    i = cluster.get("injured")
    toll = ", ".join(x for x in (f"{k:g} killed" if k is not None and not pd.isna(k) else "", f"{i:g} injured" if i is not None and not pd.isna(i) else "") if x)
    if toll:
        lines.append(e(toll) + " (as stated)")
    lines.append(f"<b>{int(cluster['n_sources'])} source{'s' if cluster['n_sources'] != 1 else ''}</b>:")
    rows = records(reports) if isinstance(reports, pd.DataFrame) else list(reports)
    # ``reports`` may hold only the first few (hover_reports_in_store); the cluster row counts them all.
    n_reports = cluster.get("n_reports")
    n_reports = len(rows) if n_reports is None or pd.isna(n_reports) else int(n_reports)
    for r in rows[:MAX_HOVER_SOURCES]:
        own = r["date_text"] if isinstance(r["date_text"], str) else "undated"
        ev = str(r["evidence"])
        ev = ev[:157] + "…" if len(ev) > 160 else ev
        lines.append(f"· {e(str(r['reporter']))} [{e(own)}, {e(str(r['date_precision']))}]: <i>{e(ev)}</i>")
    if n_reports > MAX_HOVER_SOURCES:
        lines.append(f"· …and {n_reports - MAX_HOVER_SOURCES} more (select the event to see them)")
    return "<br>".join(lines)


def most_reported(clusters: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The events a chart draws when there are too many to draw: those reported by
    the most articles, then the deadliest, then the latest (the table keeps them all)."""
    if len(clusters) <= limit:
        return clusters
    toll = clusters["killed"].fillna(0) + clusters["injured"].fillna(0)
    order = clusters.assign(_toll=toll).sort_values(["n_sources", "_toll", "date", "cluster_id"], ascending=[False, False, False, True], na_position="last")
    return order.head(limit).drop(columns="_toll").sort_index()


def reports_by_cluster(reports: pd.DataFrame) -> dict[str, list[dict]]:
    """Each event's reports as plain dicts (row-wise pandas access is slow on large tables)."""
    out: dict[str, list[dict]] = {}
    for r in records(reports):
        out.setdefault(r["cluster_id"], []).append(r)
    return out


def timeline_figure(clusters: pd.DataFrame, reports: pd.DataFrame, actor_names: dict[str, str], *, height: int | None = None) -> go.Figure:
    """Events on a time axis, one row per type, sized by casualties; a bar shows a date known only to the week, month or year."""
    fig = go.Figure()
    dated = clusters[clusters["date"].notna()]
    if dated.empty:
        fig.add_annotation(text="No dated events match the filters.", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        return _layout(fig, height or 260)
    colors, labels = type_colors(), type_labels()
    order = [t for t in labels if t in set(dated["type"])] + sorted(set(dated["type"]) - set(labels))
    by_cluster = reports_by_cluster(reports)
    labelled = len(dated) <= MAX_LABELLED  # above a few hundred events the labels only overprint each other
    for t in order:
        g = dated[dated["type"] == t]
        label = labels.get(t, t)
        # Ranges first, under the markers: "in January" spans the month.
        xs, ys = [], []
        for c in records(g):
            if c["precision"] in ("week", "month", "year") and pd.notna(c["date_end"]) and c["date_end"] != c["date"]:
                xs += [pd.Timestamp(c["date"]), pd.Timestamp(c["date_end"]), None]
                ys += [label, label, None]
        if xs:
            fig.add_scatter(x=xs, y=ys, mode="lines", line=dict(color=colors.get(t, OTHER_COLOR), width=6), opacity=0.35,
                            hoverinfo="skip", showlegend=False)
        fig.add_scatter(
            # "markers", not "markers+text" with no text: plotly lays out an empty text layer per point (about 0.2 s of 1 s at 1,500 events)
            x=pd.to_datetime(g["date"]), y=[label] * len(g), mode="markers+text" if labelled else "markers", name=label,
            marker=dict(size=[marker_size(k, i, crowded=not labelled) for k, i in zip(g["killed"], g["injured"])], color=colors.get(t, OTHER_COLOR),
                        symbol=["diamond" if n > 1 else "circle" for n in g["n_sources"]], line=dict(color="white", width=1 if labelled else 0.5),
                        opacity=1 if labelled else 0.6),
            # Without labels the hover says it.
            text=[f"{n} sources" if n > 1 else "" for n in g["n_sources"]] if labelled else None, textposition="top center",
            hovertext=[hover_text(c, by_cluster.get(c["cluster_id"], []), actor_names) for c in records(g)],
            hoverinfo="text", customdata=g["cluster_id"],
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed([labels.get(t, t) for t in order])), title=None)
    fig.update_xaxes(title="date of the event (◆ = reported by several articles; size = people killed or injured, as stated)")
    return place_labels(_layout(fig, height or max(260, 130 + 55 * len(order))))  # placed in the plot the layout sizes


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(t=30, l=10, r=10, b=50), hoverlabel=dict(align="left"),
        # No legend: each type has its own row, named on the axis. A legend drew each type with
        # its first event's shape and size, which mean sources and casualties, not the type.
        showlegend=False, clickmode="event+select",
    )
    return fig


def source_card_html(report: dict, article: dict | None, actor_names: dict[str, str]) -> str:
    """One source's report of an event, in its own words, as escaped HTML."""
    e = html.escape
    outlet = report.get("reporter") or "unknown"
    published = article.get("published") if article else None
    pub_precision = article.get("date_precision") if article else None
    own = report.get("date_text") if isinstance(report.get("date_text"), str) else None
    precision = report.get("date_precision")
    resolved = date_label(report.get("date"), report.get("date_end"), precision)
    rows = [
        ("Published", f"{published} ({pub_precision})" if published is not None and not pd.isna(published) else "unknown"),
        ("Its words for the date", f"“{own}”" if own else "none (no date in the text)"),
        ("Resolved to", f"{resolved} ({PRECISION_WORDS.get(str(precision), precision)})"),
    ]
    if isinstance(report.get("date_basis"), str):
        rows.append(("How", report["date_basis"]))
    if isinstance(report.get("place_text"), str):
        rows.append(("Its words for the place", f"“{report['place_text']}” → {report.get('place') or ''}"))
    who = [f"{role}: {actor_names.get(a, a)}" for role, a in (("by", report.get("source_actor")), ("against", report.get("target_actor"))) if isinstance(a, str)]
    if who:
        rows.append(("Actors", "; ".join(who)))
    toll = [f"{v:g} {u}" for u, v in (("killed", report.get("killed")), ("injured", report.get("injured"))) if v is not None and not pd.isna(v)]
    if toll:
        rows.append(("Casualties stated", ", ".join(toll)))
    table = "".join(f"<tr><th style='text-align:left;padding-right:.6em;vertical-align:top;font-weight:600'>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
    link = ""
    if isinstance(report.get("article_id"), str) and report.get("sent_id") is not None and not pd.isna(report.get("sent_id")):
        href = reader_href(report["article_id"], report["sent_id"])
        link = f'<p><a href="{e(href)}" target="_self">Open in the article reader</a></p>'
    return (
        "<div style='border:1px solid #ddd;border-radius:6px;padding:.7em .9em;height:100%'>"
        f"<h4 style='margin:.1em 0 .4em 0'>{e(str(outlet))}</h4>"
        f"<table style='font-size:.88em;margin-bottom:.5em'>{table}</table>"
        f"<blockquote style='margin:0;padding-left:.7em;border-left:3px solid #bbb;font-size:.95em'>{e(str(report.get('evidence') or ''))}</blockquote>"
        f"{link}</div>"
    )


def cluster_export(clusters: pd.DataFrame) -> pd.DataFrame:
    """The events as shown, for CSV: one row per event with its sources."""
    cols = ["cluster_id", "title", "type", "date", "date_end", "precision", "place", "lat", "lon", "killed", "injured", "n_sources", "sources", "source_actor", "target_actor"]
    return clusters[cols].copy()


def reports_export(reports: pd.DataFrame) -> pd.DataFrame:
    """Every report behind the events shown: one row per source, in its own words."""
    cols = ["cluster_id", "event_id", "article_id", "sent_id", "reporter", "event_type", "date", "date_end", "date_precision",
            "date_text", "date_basis", "source_actor", "target_actor", "place", "place_text", "weapon", "killed", "injured", "evidence"]
    return reports[[c for c in cols if c in reports.columns]].copy()


# --- the same, computed by the store -----------------------------------------
# ``query(sql, params, frames=None, arrow=False)`` runs SQL over the store (lib.loaders.query):
# the page holds one row per event, and reads reports (with their evidence) only for
# the events it draws, the one selected, or an export.

# Each report's event fields, filled as ``with_cluster_fields`` fills them.
_FILLED_SQL = """
    coalesce(cluster_id, event_id) AS cluster_id, row_order, article_id, coalesce(reporter, 'imported data') AS reporter, date_text,
    cluster_title AS title, coalesce(cluster_type, event_type) AS type, coalesce(cluster_date, date) AS date,
    coalesce(cluster_date_end, date_end, cluster_date, date) AS date_end, coalesce(cluster_precision, date_precision) AS precision,
    coalesce(cluster_place, place) AS place, cluster_place_id AS place_id, lat, lon,
    coalesce(cluster_killed, killed) AS killed, coalesce(cluster_injured, injured) AS injured,
    coalesce(cluster_source_actor, source_actor) AS source_actor, coalesce(cluster_target_actor, target_actor) AS target_actor"""
# The columns an event's reports are read with: its cards, the exports, and what with_cluster_fields fills from.
REPORT_COLUMNS = [
    "event_id", "article_id", "sent_id", "event_type", "date", "date_end", "date_precision", "date_text", "date_basis",
    "source_actor", "target_actor", "place_id", "place", "place_text", "weapon", "killed", "injured", "evidence", "reporter",
    "cluster_id", "cluster_title", "cluster_type", "cluster_date", "cluster_date_end", "cluster_precision", "cluster_source_actor",
    "cluster_target_actor", "cluster_place_id", "cluster_place", "lat", "lon", "cluster_killed", "cluster_injured", "n_sources",
]


def clusters_in_store(query) -> pd.DataFrame:
    """``event_clusters(with_cluster_fields(events))``, computed by the store: each event's
    fields from its first report (in the store's order), its sources in article order."""
    df = query(f"""
        WITH reports AS (SELECT {_FILLED_SQL} FROM events_rows),
        firsts AS (SELECT * EXCLUDE (row_order, article_id, reporter, date_text) FROM reports
                   QUALIFY row_number() OVER (PARTITION BY cluster_id ORDER BY row_order) = 1),
        counted AS (SELECT cluster_id, count(*) AS n_reports, greatest(count(DISTINCT article_id), 1) AS n_sources,
                           string_agg(reporter || ' (' || coalesce(date_text, ?) || ')', '; ' ORDER BY article_id, row_order) AS sources
                    FROM reports GROUP BY cluster_id)
        SELECT * FROM firsts JOIN counted USING (cluster_id)""", [PRECISION_WORDS["undated"]], arrow=True)
    if df.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    labels = type_labels()
    missing = df["title"].isna()
    df.loc[missing, "title"] = [_untitled(t, p, labels) for t, p in zip(df.loc[missing, "type"], df.loc[missing, "place"])]
    df["type_label"] = [labels.get(t, t) for t in df["type"]]
    df["date_label"] = [date_label(a, b, p) for a, b, p in zip(df["date"], df["date_end"], df["precision"])]
    df = df[CLUSTER_COLUMNS]
    df["_sort"] = pd.to_datetime(df["date"])
    return _as_built(df.sort_values(["_sort", "cluster_id"], na_position="last").drop(columns="_sort").reset_index(drop=True))


def clusters_among(clusters: pd.DataFrame, cluster_ids) -> pd.DataFrame:
    """The rows of these events, exactly as ``event_clusters`` builds them from their reports alone."""
    df = clusters[isin(clusters["cluster_id"], set(cluster_ids))]
    if len(df) == len(clusters):
        return clusters
    if df.empty:
        return pd.DataFrame(columns=CLUSTER_COLUMNS)
    return _as_built(df.reset_index(drop=True))


def _as_built(clusters: pd.DataFrame) -> pd.DataFrame:
    """A text column with no value is float NaN in event_clusters' frames (pandas infers it from
    its rows): the same here, so the table a page sends has the same column types."""
    empty = [c for c in clusters.columns if isinstance(clusters[c].dtype, pd.StringDtype) and clusters[c].isna().all()]
    return clusters.astype({c: "float64" for c in empty}) if empty else clusters


def event_choices_in_store(query) -> tuple[list[str], list[str]]:
    """Every actor taking part in an event (ids, sorted) and every event type (sorted)."""
    actors = query("""SELECT DISTINCT a FROM (SELECT unnest([source_actor, target_actor, cluster_source_actor, cluster_target_actor]) AS a
                      FROM events) WHERE a IS NOT NULL""")["a"]
    types = query("SELECT DISTINCT coalesce(cluster_type, event_type) AS t FROM events WHERE t IS NOT NULL")["t"]
    return sorted(actors), sorted(types)


def hover_reports_in_store(query, cluster_ids) -> pd.DataFrame:
    """The first reports (in the store's order) of each of these events, as many as a hover box shows."""
    wanted = pd.DataFrame({"cluster_id": pd.Series(list(cluster_ids), dtype=object)})
    return query("""
        SELECT cluster_id, reporter, date_text, date_precision, evidence FROM (
            SELECT coalesce(cluster_id, event_id) AS cluster_id, coalesce(reporter, 'imported data') AS reporter,
                   date_text, date_precision, evidence, row_order,
                   row_number() OVER (PARTITION BY coalesce(cluster_id, event_id) ORDER BY row_order) AS k
            FROM events_rows WHERE coalesce(cluster_id, event_id) IN (SELECT cluster_id FROM wanted))
        WHERE k <= ? ORDER BY row_order""", [MAX_HOVER_SOURCES], frames={"wanted": wanted}, arrow=True)


def reports_in_store(query, ids_sql: str, params=()) -> pd.DataFrame:
    """Every report of the events whose ids ``ids_sql`` selects (e.g. ``Filters.events_sql()``,
    or ``"?"`` and one id), in the store's order, filled by ``with_cluster_fields``."""
    cols = ", ".join(f'"{c}"' for c in REPORT_COLUMNS)
    df = query(f"SELECT {cols} FROM events_rows WHERE coalesce(cluster_id, event_id) IN ({ids_sql}) ORDER BY row_order", list(params), arrow=True)
    # An integer column with a null anywhere in the table is float in the table read whole (the CSV writes 31.0): the same here.
    ints = [c for c in df.columns if pd.api.types.is_integer_dtype(df[c])]
    if ints:
        nulls = query("SELECT " + ", ".join(f'coalesce(bool_or("{c}" IS NULL), FALSE) AS "{c}"' for c in ints) + " FROM events")
        df = df.astype({c: "float64" for c in ints if bool(nulls[c].iloc[0])})
    return with_cluster_fields(df)


def source_articles_in_store(query, article_ids) -> dict[str, dict]:
    """Article id -> its publication date and precision, for the source cards."""
    ids = sorted({a for a in article_ids if isinstance(a, str)})
    if not ids:
        return {}
    df = query("SELECT article_id, published, date_precision FROM articles WHERE list_contains(?::VARCHAR[], article_id)", [ids], arrow=True)
    return {r["article_id"]: r for r in records(df)}
