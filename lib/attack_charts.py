"""Attack-count charts and their tables, built from the figures table.

Claimants are never merged: every series is one claimant's counts, bars for
the same month sit side by side (past 24 months, points), partial months are
drawn hatched (open points) and say so, cumulative claims ("more
than 160 since October 2023") go on their own chart as markers, never as monthly
bars, and casualties past 200 figures are a month's spread, never a sum.
"""
from __future__ import annotations

import html
import math
from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go

from lib.chart_labels import place_labels
from lib.frames import is_missing, records
from lib.highlight import reader_hrefs
from lib.style import CLAIMANT_PALETTE

ATTACK_UNITS = ("attacks", "drone attacks", "rocket attacks", "missile attacks", "strikes", "launches")
CASUALTY_UNITS = ("killed", "injured")
QUALIFIER_SIGNS = {"exact": "", "at_least": "≥ ", "approximately": "≈ ", "at_most": "≤ "}
# What a chart sends to the browser is bounded whatever the corpus size: a few
# megabytes of points made the page take tens of seconds to draw at 10,000
# articles, and 80 claimants side by side cannot be read anyway. The table and
# the CSV always carry every figure.
MAX_CLAIMANTS = 12  # series drawn: reference series (curated, ACLED), then the claimants with the most figures
MAX_POINTS = 1500  # points drawn per chart; each series' largest counts first
MAX_LABELLED = 200  # above this many points, values are in the hover only
MAX_BAR_MONTHS = 24  # months the monthly chart draws as grouped bars; past them, as points
LEGEND_ROW = 21  # px a row of the legend takes
NOTE_LINE = 16  # px a line of a chart's note takes


def claim_text(qualifier: str | None, count: float) -> str:
    """A count as claimed: "≈ 5", "≥ 160", "31" (never shown as more exact than its claim)."""
    return f"{QUALIFIER_SIGNS.get(qualifier or 'exact', '')}{count:g}"


def relayed_text(relayed_by) -> str:
    """", in a report by X" when the claim came to the reporter through X (a report
    saying that a group claimed the attacks), else nothing."""
    return f", in a report by {relayed_by}" if isinstance(relayed_by, str) and relayed_by else ""


def claimant_colors(claimants) -> dict[str, str]:
    return {c: CLAIMANT_PALETTE[i % len(CLAIMANT_PALETTE)] for i, c in enumerate(sorted(set(claimants)))}


def drawn_colors(colors: dict[str, str], drawn) -> dict[str, str]:
    """The page's colours when the claimants a chart draws all have different ones (a
    claimant keeps its colour from chart to chart); else, past the palette's length,
    the palette given out again among the drawn ones only."""
    drawn = sorted(set(drawn))
    given = [colors.get(c) for c in drawn]
    if None not in given and len(set(given)) == len(given):
        return colors
    return claimant_colors(drawn)


def _day(value):
    """A period's (known) start or end as something with strftime: the store holds dates,
    other frames may hold timestamps or ISO strings."""
    return value if hasattr(value, "strftime") else pd.Timestamp(value)


def _period_text(r) -> str:
    start, end = r["period_start"], r["period_end"]
    has_start, has_end = pd.notna(start), pd.notna(end)
    start = _day(start) if has_start else start
    end = _day(end) if has_end else end
    if r["granularity"] == "month" and has_start:
        label = start.strftime("%B %Y")
        if r["partial"]:
            label += f" (partial: {start:%d} to {end:%d %b})" if has_end else " (partial)"
        return label
    if r["granularity"] == "day" and has_start:
        return start.strftime("%Y-%m-%d")
    if r["granularity"] == "rate":
        base = f"per day, {start:%B %Y}" if has_start else "per day"
        return base
    if has_start:
        return f"{start:%Y-%m-%d} to {end:%Y-%m-%d}" if has_end else f"from {start:%Y-%m-%d}"
    return f"up to {end:%Y-%m-%d}" if has_end else "period not stated"


def period_texts(figures: pd.DataFrame) -> list[str]:
    """``_period_text`` of every row, each distinct period written once (8,225 periods
    among 48,066 figures of a year and a half at 100,000 articles)."""
    columns = ["granularity", "period_start", "period_end", "partial"]
    distinct = figures[columns].drop_duplicates()
    texts = dict(zip(zip(*(distinct[c].tolist() for c in columns)), (_period_text(r) for r in records(distinct))))
    # a key holding NaN (not equal to itself) is not found: its text is made again
    return [texts.get(k) or _period_text(dict(zip(columns, k))) for k in zip(*(figures[c].tolist() for c in columns))]


# The figure table's columns, whether or not any figure matches the filters: the pages
# drop and read them by name (an empty table that lacked five of them stopped the
# Attacks page for every filter matching no figure).
FIGURE_TABLE_COLUMNS = ["claim", "count", "unit", "period", "claimant", "relayed_by", "reporter", "qualifier", "granularity", "origin", "target",
                        "source", "evidence", "reader", "citation", "figure_id", "article_id", "sent_id", "period_start", "period_end", "partial"]


def figure_table(figures: pd.DataFrame, actor_names: dict[str, str], articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows behind every chart point, with provenance, in reading order."""
    if figures.empty:
        return pd.DataFrame(columns=FIGURE_TABLE_COLUMNS)
    df = figures.copy()
    df["period"] = period_texts(df)
    # Claims and article links repeat across figures: each distinct one is written once.
    # Columns go through tolist() first: iterating a pandas 3 Arrow column boxes one value at a time.
    claims: dict[tuple, str] = {}
    df["count_text"] = [claims.get(k) or claims.setdefault(k, claim_text(*k)) for k in zip(df["qualifier"].tolist(), df["count"].tolist())]
    for side in ("origin", "target"):
        df[side] = [actor_names.get(a, a) if isinstance(a, str) else "" for a in df[side].tolist()]
    df["reader"] = reader_hrefs(df["article_id"].tolist(), df["sent_id"].tolist())
    df = df.sort_values(["period_start", "claimant"], na_position="last")
    if "relayed_by" not in df:  # a store built before the column existed
        df["relayed_by"] = None
    return df.rename(columns={"count_text": "claim"})[FIGURE_TABLE_COLUMNS]


def within_budget(df: pd.DataFrame, by: str = "claimant", series: tuple[str, ...] = ()) -> tuple[pd.DataFrame, str]:
    """The rows a chart draws, and a note saying what was left out ("" if nothing).
    Past MAX_POINTS, each series (``by`` and ``series`` columns) keeps its largest counts,
    taken in turn: the largest overall would leave out whole claimants, and every
    daily rate beside cumulative counts in the hundreds."""
    notes = []
    if df[by].nunique() > MAX_CLAIMANTS:
        sizes = df.groupby(by).size().reset_index(name="n").sort_values(["n", by], ascending=[False, True])
        reference = list(dict.fromkeys(df.loc[df["source"] != "extracted", by]))[:MAX_CLAIMANTS]
        keep = set(reference) | set([c for c in sizes[by] if c not in reference][: MAX_CLAIMANTS - len(reference)])
        notes.append(f"{len(keep)} of {len(sizes):,} claimants are drawn (reference series, then those with the most figures); "
                     "pick others in the Claimant filter")
        df = df[df[by].isin(keep)]
    if len(df) > MAX_POINTS:
        notes.append(f"{MAX_POINTS:,} of {len(df):,} figures are drawn, the largest of each series first")
        ordered = df.sort_values(["count", "figure_id"], ascending=[False, True])
        turn = ordered.groupby([by, *series], sort=False, dropna=False).cumcount()  # 0 for each series' largest, 1 for the next…
        ordered = ordered.assign(_turn=turn.to_numpy()).sort_values(["_turn", "count", "figure_id"], ascending=[True, False, True], kind="stable").drop(columns="_turn")
        df = ordered.head(MAX_POINTS)
    note = "; ".join(notes)
    return df, (note[:1].upper() + note[1:] + "; the table below has every figure.") if notes else ""


def _empty(fig: go.Figure, text: str, title: str) -> go.Figure:
    """A chart with nothing to draw says so, without empty axes running from -1 to 6."""
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font=dict(size=14))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, "")


def _note(fig: go.Figure, note: str) -> go.Figure:
    """Say above the plot what the chart leaves out (one line per clause)."""
    if note:
        fig.add_annotation(text=html.escape(note).replace("; ", ";<br>"), showarrow=False, align="left", x=0, y=1.0, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                           font=dict(size=11, color="#555"))
        grow = NOTE_LINE * (note.count("; ") + 1)
        fig.update_layout(margin_t=fig.layout.margin.t + grow, height=fig.layout.height + grow)
    return fig


def _labels(df: pd.DataFrame, texts: list[str]) -> list[str] | None:
    return texts if len(df) <= MAX_LABELLED else None


def _marker_mode(df: pd.DataFrame) -> str:
    # "markers+text" with no text still lays out an empty label per point
    return "markers+text" if len(df) <= MAX_LABELLED else "markers"


def _hover(r) -> str:
    ev = html.escape(str(r["evidence"]))
    if len(ev) > 220:
        ev = ev[:217] + "…"
    return (
        f"<b>{html.escape(r['claim'])} {html.escape(r['unit'])}</b> · {html.escape(r['period'])}<br>"
        f"claimed by <b>{html.escape(str(r['claimant']))}</b>{html.escape(relayed_text(r.get('relayed_by')))}, reported by {html.escape(str(r['reporter']))}<br>"
        f"{_sides(r)}qualifier: {r['qualifier']} · {r['source']}<br><i>{ev}</i>"
    )


def _sides(r) -> str:
    """'by Kata'ib Hezbollah, against US Armed Forces<br>': what tells apart two bars of one
    claimant's month with the same count (ACLED counts a month by attacker and target)."""
    said = [f"{word} {html.escape(str(r[side]))}" for word, side in (("by", "origin"), ("against", "target")) if not is_missing(r.get(side))]
    return ", ".join(said) + "<br>" if said else ""


_HOVER_COLUMNS = ["claim", "unit", "period", "claimant", "relayed_by", "reporter", "origin", "target", "qualifier", "source", "evidence"]


def _hovers(df: pd.DataFrame) -> list[str]:
    """``_hover`` of every row, reading only the columns it shows: a row of every column
    took a third of the monthly chart at 100,000 articles."""
    return [_hover(r) for r in records(df[[c for c in _HOVER_COLUMNS if c in df.columns]])]


def monthly_chart(table: pd.DataFrame, colors: dict[str, str]) -> go.Figure:
    """Grouped bars: one series per claimant and unit, side by side per month."""
    df = table[(table["granularity"] == "month") & table["unit"].isin(ATTACK_UNITS)].copy()
    fig = go.Figure()
    if df.empty:
        return _empty(fig, "No monthly attack counts match the filters.", "Monthly attack counts by claimant")
    df, note = within_budget(df, series=("unit",))
    colors = drawn_colors(colors, df["claimant"].dropna())
    df["month"] = pd.to_datetime(df["period_start"]).dt.strftime("%Y-%m")
    # Each series' claims, month by month: the same claim reported again is one bar or point.
    df = df.sort_values("month", kind="stable")
    series = {key: _claims_by_month(records(g), _hovers(g)) for key, g in df.groupby(["claimant", "unit"], sort=True)}
    if df["month"].nunique() > MAX_BAR_MONTHS:
        return _note(_monthly_points(series, colors), note)
    placed = _placed_bars(series)
    for (claimant, unit), bars in placed.items():
        fig.add_bar(
            x=[b["month"] for b in bars], y=[b["count"] for b in bars], name=html.escape(f"{claimant} — {unit}", quote=False),  # plotly reads tags in names
            offset=[b["offset"] for b in bars], width=[b["width"] for b in bars],
            marker=dict(color=colors.get(claimant), pattern=dict(shape=["/" if b["partial"] else "" for b in bars])),
            text=_labels(df, [f"{b['claim']}{' (partial)' if b['partial'] else ''}" for b in bars]), textposition="outside",
            hovertext=[b["hover"] for b in bars], hoverinfo="text",
            customdata=[b["ids"] for b in bars],  # every figure the bar stands for, one id a line
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", categoryorder="category ascending", title="month")
    return _note(_layout(fig, "Monthly attack counts by claimant (hatched = partial month)", "count"), note)


# What makes two reports the same claim: a claimant's count for a month, passed on by the same
# report, about the same attackers and target. Origin and target count: ACLED's rows for one
# month are parts of it, by origin and target, never one claim reported twice.
CLAIM_KEY = ("claim", "unit", "claimant", "relayed_by", "origin", "target", "partial")
BAR_ROOM = 0.8  # of a month's width on the axis, what its bars share


def _claims_by_month(rows: list[dict], hovers: list[str] | None = None) -> dict:
    """Month -> its claims, each the list of reports making it (rows, with their hover if
    given), in the order the rows come."""
    months: dict = {}
    for n, r in enumerate(rows):
        key = tuple(None if is_missing(r.get(c)) else r.get(c) for c in CLAIM_KEY)  # NaN is no dict key: it equals nothing
        months.setdefault(r["month"], {}).setdefault(key, []).append(r if hovers is None else {**r, "hover": hovers[n]})
    return {month: sorted(claims.values(), key=len, reverse=True) for month, claims in months.items()}  # stable: most reported first


def _placed_bars(series: dict) -> dict:
    """Each series' bars with their place in their month: plotly stacks a trace's bars that
    share a month, so a claimant's month reported twice (31 via Shafaq News, 30 via another
    outlet; or one 31 in two articles) was drawn one bar 61 high. Every claim is a bar of its
    own (the same claim reported again is its bar's hover), the bars of a month side by side,
    all as wide as the most crowded month allows; a bar given its place is drawn where it is
    told, and takes no room in months where its series has none."""
    months: dict = {}
    for key, by_month in series.items():
        for month, claims in by_month.items():
            months.setdefault(month, []).extend((key, claim) for claim in claims)
    width = BAR_ROOM / max(len(bars) for bars in months.values())
    placed: dict = {key: [] for key in series}
    for month in sorted(months):
        bars = months[month]
        left = -width * len(bars) / 2
        for k, (key, reports) in enumerate(bars):
            placed[key].append({**_claim_mark(reports), "offset": left + k * width, "width": width})
    return placed


def _claim_mark(reports: list[dict]) -> dict:
    """One claim's bar or point: its first report's values and hover, the others named in
    the hover, every report's figure id (one a line: an ACLED id holds its unit, spaces and all)."""
    first = reports[0]
    return {"month": first["month"], "period_start": first["period_start"], "count": first["count"], "claim": first["claim"],
            "partial": bool(first["partial"]), "hover": first["hover"] + _more_reports(reports), "ids": "\n".join(r["figure_id"] for r in reports)}


def _reporters(reports: list[dict]) -> list[str]:
    """Who reported a claim, each once, in the order of their reports."""
    return list(dict.fromkeys("unknown" if is_missing(r["reporter"]) else str(r["reporter"]) for r in reports))


def _some(names: list[str], most: int = 4) -> str:
    """'Shafaq News and Ynet'; 'Shafaq News, Ynet, Rudaw, Alhurra and 3 more'."""
    if len(names) > most:
        return ", ".join(names[:most]) + f" and {len(names) - most:,} more"
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def _more_reports(reports: list[dict]) -> str:
    if len(reports) == 1:
        return ""
    n = len(reports) - 1
    return "<br>" + html.escape(f"The same claim in {n:,} more report{'s' if n > 1 else ''}, by {_some(_reporters(reports[1:]))}", quote=False)


UNIT_SYMBOLS = {"attacks": "circle", "drone attacks": "diamond", "rocket attacks": "square", "missile attacks": "triangle-up", "strikes": "cross", "launches": "star"}


def _monthly_points(series: dict, colors: dict[str, str]) -> go.Figure:
    """Past MAX_BAR_MONTHS months, grouped bars are hairlines: a point per claim on a time
    axis, its colour the claimant's, its shape the unit's, open for a partial month. No
    lines: a claimant's counts for one month can come through several reporters, and a
    line would join competing reports as if they were a series."""
    fig = go.Figure()
    for (claimant, unit), by_month in series.items():
        shape = UNIT_SYMBOLS.get(unit, "circle")
        # The same claim reported again is its point's hover: its points lay one on another, and the hover named one report.
        points = [_claim_mark(reports) for claims in by_month.values() for reports in claims]
        fig.add_scatter(
            x=[pd.Timestamp(p["period_start"]) for p in points], y=[p["count"] for p in points], mode="markers", name=html.escape(f"{claimant} — {unit}", quote=False),
            marker=dict(color=colors.get(claimant), size=8, opacity=0.8, symbol=[f"{shape}-open" if p["partial"] else shape for p in points]),
            hovertext=[p["hover"] for p in points], hoverinfo="text", customdata=[p["ids"] for p in points],
        )
    fig.update_xaxes(title="month")
    return _layout(fig, "Monthly attack counts by claimant (shape = unit; open = partial month)", "count")


def cumulative_chart(table: pd.DataFrame, colors: dict[str, str]) -> go.Figure:
    """Cumulative and undated claims as markers at the date they run to."""
    df = table[table["unit"].isin(ATTACK_UNITS) & table["granularity"].isin(["cumulative", "rate"])].copy()
    fig = go.Figure()
    if df.empty:
        return _empty(fig, "No cumulative claims match the filters.", "Cumulative and rate claims")
    df, note = within_budget(df, series=("granularity",))
    colors = drawn_colors(colors, df["claimant"].dropna())
    for claimant, g in df.groupby("claimant", sort=True):
        fig.add_scatter(
            x=pd.to_datetime(g["period_end"]), y=g["count"], mode=_marker_mode(df), name=html.escape(str(claimant), quote=False),
            # see-through: a marker at the same point ("≈ 5 a day" and "6 attacks", November 2024) shows through
            marker=dict(size=14, symbol=["diamond" if gr == "rate" else "triangle-up" for gr in g["granularity"]], color=colors.get(claimant), opacity=0.75),
            # a rate's period already says "per day, November 2024"
            text=_labels(df, [f"{c} {u} · {p}" for c, u, p in zip(g["claim"], g["unit"], g["period"])]),
            textposition="top center", hovertext=_hovers(g), hoverinfo="text", customdata=g["figure_id"],
        )
    fig.update_xaxes(title="as of (end of the counted period)")
    # Labels are placed once the layout (and the note) has sized the plot they are placed in.
    return place_labels(_note(_layout(fig, "Cumulative claims (▲, counted from the period start) and daily rates (◆)", "count"), note))


def casualty_chart(table: pd.DataFrame, colors: dict[str, str]) -> go.Figure:
    df = table[table["unit"].isin(CASUALTY_UNITS)].copy()
    fig = go.Figure()
    if df.empty:
        return _empty(fig, "No casualty figures match the filters.", "Casualties reported")
    df["when"] = pd.to_datetime(df["period_start"].fillna(df["period_end"]))
    if len(df) > MAX_LABELLED:
        return _casualty_summary(df, fig)
    for unit, g in df.groupby("unit", sort=True):
        fig.add_scatter(
            x=g["when"], y=g["count"], mode="markers+text", name=unit,
            marker=dict(size=[10 + min(c, 40) for c in g["count"]], symbol="x" if unit == "killed" else "circle", color=UNIT_COLORS.get(unit)),
            text=[f"{c} {unit} ({t or 'unknown'})" for c, t in zip(g["claim"], g["target"])], textposition="top center",
            hovertext=_hovers(g), hoverinfo="text", customdata=g["figure_id"],
        )
    fig.update_xaxes(title="date of the event (or of the period)")
    fig.update_yaxes(rangemode="tozero")  # "2 killed" sat on the bottom edge, read against nothing
    return place_labels(_layout(fig, "Casualties reported, by event date", "people"))


UNIT_COLORS = {"killed": "#a8445e", "injured": "#d9a441"}
BRIEF_PERIODS = ("day", "week", "month")  # casualty claims the monthly summary can place in one month
UNIT_DAY = {"killed": 9, "injured": 21}  # where in its month a unit's box stands
BOX_DAYS = 10  # a box's width


def _spread_by_month(df: pd.DataFrame) -> pd.DataFrame:
    """``df.groupby("month")["count"].describe()``'s count, min, quartiles and max, each
    computed for every month at once: ``describe`` runs once a month in Python (154
    months took 0.5 s of a filtered Attacks page at 100,000 articles)."""
    by = df.groupby("month", sort=True)["count"]
    quartiles = by.quantile([0.25, 0.5, 0.75]).unstack()
    return pd.DataFrame({"count": by.count(), "min": by.min(), "25%": quartiles[0.25], "50%": quartiles[0.5], "75%": quartiles[0.75], "max": by.max()})


def _casualty_summary(df: pd.DataFrame, fig: go.Figure) -> go.Figure:
    """Past MAX_LABELLED figures one marker each is a block nobody can read (and the
    largest 1,500 of them would all be "killed"): each month's claims for each unit
    become one box, spanning their middle half, with their median and the lowest and
    highest claim. The claims are shown as a spread, never added up or averaged. Claims
    over a longer period ("600 killed since 2003") are not one month's casualties: they
    stay in the table, and the note says how many."""
    brief = df["granularity"].isin(BRIEF_PERIODS)
    longer = int((~brief).sum())
    df = df[brief].copy()
    if df.empty:
        fig.add_annotation(text="No casualty figures for a day, a week or a month match the filters.", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    df["month"] = df["when"].dt.to_period("M").dt.to_timestamp()
    for unit, g in df.groupby("unit", sort=True):
        stats = _spread_by_month(g)
        months = [m.strftime("%B %Y") for m in stats.index]
        n = stats["count"].astype(int).tolist()
        # Each unit has its own place in the month (killed early, injured late), the box and
        # the median dot that carries the hover at the same x: "group" mode would shift the
        # boxes but not the dots.
        x = stats.index + pd.Timedelta(days=UNIT_DAY.get(unit, 15))
        # Plotly's precomputed-box form: one box per x, from these statistics.
        fig.add_box(
            x=x, q1=stats["25%"], median=stats["50%"], q3=stats["75%"], lowerfence=stats["min"], upperfence=stats["max"],
            name=unit, marker_color=UNIT_COLORS.get(unit), line_width=1, hoverinfo="skip", width=BOX_DAYS * 86_400_000,
        )
        fig.add_scatter(
            x=x, y=stats["50%"], mode="markers", marker=dict(size=5, color=UNIT_COLORS.get(unit)), showlegend=False, name=unit,
            hovertext=[f"<b>{month}</b> · {unit}: {k:,} figure{'s' if k != 1 else ''}<br>lowest {lo:g}, median {med:g}, highest {hi:g}"
                       for month, k, lo, med, hi in zip(months, n, stats["min"], stats["50%"], stats["max"])],
            hoverinfo="text",
        )
    fig.update_layout(boxmode="overlay")
    fig.update_yaxes(rangemode="tozero")
    fig.update_xaxes(title="month of the event (or of the period)")
    note = (f"{len(df):,} figures for a day, a week or a month, summarised by month: a box spans the middle half of a month's claims, "
            "its line is their median, its whiskers reach the lowest and highest claim; "
            + (f"{longer:,} claims over longer periods (since a date, over a year) are left out; " if longer else "")
            + "the table below has every figure.")
    return _note(_layout(fig, "Casualties reported, by month of the event", "people"), note)


def _legend_rows(fig: go.Figure) -> int:
    """Rows the legend takes: two entries a row (names like "Militia Spotlight (Washington
    Institute) — drone attacks" leave room for no more); the figure grows by the rows
    past the first, so the plot keeps its height."""
    entries = sum(1 for t in fig.data if t.showlegend is not False)
    return max(1, math.ceil(entries / 2))


def _layout(fig: go.Figure, title: str, ytitle: str) -> go.Figure:
    fig.update_layout(
        # The title stays at the top when a note above the plot pushes the top margin down,
        # and the legend sits at the bottom of the figure, under the axis title, however many rows it takes.
        title=dict(text=title, y=1, yref="container", yanchor="top", pad=dict(t=8)), yaxis_title=ytitle, height=420 + LEGEND_ROW * (_legend_rows(fig) - 1),
        margin=dict(t=60, l=50, r=20, b=50),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0), hoverlabel=dict(align="left"),
    )
    return fig


def clicked_figure_ids(points: list[dict]) -> set[str]:
    """The figures behind the points a reader clicked: a bar stands for every report of its
    claim, one id a line (an ACLED id holds its unit, spaces and all)."""
    return {i for p in points for i in str(p.get("customdata") or "").split("\n") if i}


class Disagreement(NamedTuple):
    period: str  # "September 2024"
    text: str  # the whole line, period first


MAX_CLAIMS_SHOWN = 6  # claims spelled out for one period; a month at 10,000 articles had 55 (a 3,000-character banner)


def disagreements(table: pd.DataFrame, max_claims: int = MAX_CLAIMS_SHOWN) -> list[Disagreement]:
    """Where two claimants give different counts for the same month:
    'September 2024: 31 drone attacks per Maariv (reported by Shafaq News), 35 attacks per Militia Spotlight'.
    The same claim reported in several articles is said once, with how many reports made it;
    past ``max_claims``, the claims made most often, then how many more there are (the table has every one)."""
    df = table[(table["granularity"] == "month") & table["unit"].isin(ATTACK_UNITS)].copy()
    if df.empty:
        return []
    df["month"] = pd.to_datetime(df["period_start"]).dt.to_period("M")
    # The months with two claimants and two counts found for all months at once, and their rows
    # read in one pass: a pass per month took 0.25 s of a filtered Attacks page at 100,000 articles.
    by = df.groupby("month")
    df = df[(by["claimant"].transform("nunique") >= 2) & (by["count"].transform("nunique") >= 2)]
    found = []
    for month, claims in _claims_by_month(records(df.sort_values(["month", "claimant"], kind="stable"))).items():
        shown = _banner_claims(claims, max(max_claims, 2))
        left = len(claims) - len(shown)
        more = f", and {left:,} more claim{'s' if left > 1 else ''}" if left else ""
        period = month.strftime("%B %Y")
        found.append(Disagreement(period, f"{period}: {', '.join(_claim_said(c) for c in shown)}{more}."))
    return found


def _banner_claims(claims: list[list[dict]], most: int) -> list[list[dict]]:
    """The claims a banner names, in the order they come (most reported first): each
    claimant's most reported claim, then the next most reported; two different counts
    among them, as the period has."""
    first_of: dict = {}
    for k, c in enumerate(claims):
        first_of.setdefault(c[0]["claimant"], k)
    firsts = set(first_of.values())
    picked = (sorted(firsts) + [k for k in range(len(claims)) if k not in firsts])[:most]
    if len({claims[k][0]["count"] for k in picked}) < 2:
        other = next((k for k, c in enumerate(claims) if c[0]["count"] != claims[picked[0]][0]["count"]), None)
        if other is not None:
            picked[-1] = other
    return [claims[k] for k in sorted(picked)]


def _claim_said(reports: list[dict]) -> str:
    """'31 drone attacks per Maariv (reported by Shafaq News)'; '… (3 reports, by Shafaq News and Ynet)'."""
    r = reports[0]
    others = [name for name in _reporters(reports) if name != r["claimant"]]
    if len(reports) == 1:
        via = f" (reported by {others[0]})" if others else ""
    else:
        via = f" ({len(reports):,} reports" + (f", by {_some(others)}" if others else "") + ")"
    partial = ", partial month" if r["partial"] else ""
    return f"{r['claim']} {r['unit']} per {r['claimant']}{relayed_text(r.get('relayed_by'))}{via}{partial}"
