"""The profile's mentions-over-time chart: a lone month reads as a month, many
outlets fold into one series, and no mention is lost on the way."""
import pandas as pd

from lib.actor_profile import MAX_OUTLETS_DRAWN, mentions_chart


def test_a_lone_month_is_one_bar_with_a_month_axis():
    fig = mentions_chart(pd.DataFrame({"month": [pd.Timestamp("2024-11-01")], "reported_by": ["Shafaq News"], "mentions": [1]}))
    [bar] = fig.data
    assert list(bar.x) == [pd.Timestamp("2024-11-15")] and bar.width == 24 * 86_400_000  # mid-month, most of a month wide
    axis = fig.layout.xaxis
    assert axis.dtick == "M1" and axis.tickformat == "%b %Y" and axis.ticklabelmode == "period"
    assert [pd.Timestamp(x) for x in axis.range] == [pd.Timestamp("2024-10-22"), pd.Timestamp("2024-12-11")]
    assert fig.layout.yaxis.dtick == 1


def test_outlets_beyond_the_largest_fold_into_one_series_and_keep_every_mention():
    months = pd.date_range("2020-01-01", periods=30, freq="MS")
    rows = [{"month": m, "reported_by": f"Outlet {o:02d}", "mentions": o + 1} for m in months for o in range(12)]
    by_month = pd.DataFrame(rows)
    fig = mentions_chart(by_month)
    names = [t.name for t in fig.data]
    assert len(names) == MAX_OUTLETS_DRAWN + 1
    assert names[:3] == ["Outlet 11", "Outlet 10", "Outlet 09"] and names[-1] == f"{12 - MAX_OUTLETS_DRAWN} other outlets"
    assert sum(sum(t.y) for t in fig.data) == by_month["mentions"].sum()
    assert list(fig.data[-1].y) == [1 + 2 + 3 + 4] * 30  # the four smallest outlets, month by month
    assert fig.layout.xaxis.dtick is None  # 30 months: the axis picks its own ticks


def test_nine_outlets_are_all_drawn():
    rows = [{"month": pd.Timestamp("2024-01-01"), "reported_by": f"Outlet {o}", "mentions": 1} for o in range(MAX_OUTLETS_DRAWN + 1)]
    assert len(mentions_chart(pd.DataFrame(rows)).data) == MAX_OUTLETS_DRAWN + 1


def test_an_outlet_name_is_shown_as_text_not_markup():
    hostile = "<a href='https://example.org'>Daily</a>"
    fig = mentions_chart(pd.DataFrame({"month": [pd.Timestamp("2024-01-01")], "reported_by": [hostile], "mentions": [2]}))
    assert fig.data[0].name == "&lt;a href='https://example.org'&gt;Daily&lt;/a&gt;"  # plotly reads <a>, <b>… in names


def test_mentions_by_month_count_each_mention_once():
    from datetime import date

    from lib.actor_profile import mentions_by_month, mentions_per_article
    articles = pd.DataFrame({
        "article_id": ["a", "b", "c", "d"], "outlet": ["Ynet", "Ynet", "Alhurra", "Ynet"], "original_publisher": [None, None, None, "AP"],
        "published": [date(2024, 1, 5), date(2024, 1, 30), date(2024, 1, 9), None], "title": ["A", "B", "C", "D"],
    }).astype({"article_id": "str", "outlet": "str", "original_publisher": "str", "title": "str"})
    mentions = pd.DataFrame({"article_id": ["a", "a", "b", "c", "c", "c", "d", "a"], "actor": ["pmf"] * 7 + ["iran"],
                             "sent_id": range(8)}).astype({"article_id": "str", "actor": "str"})
    got = mentions_by_month(mentions_per_article("pmf", mentions), articles)
    assert got.values.tolist() == [[pd.Timestamp("2024-01-01"), "Alhurra", 3], [pd.Timestamp("2024-01-01"), "Ynet", 3]]  # d has no date
    assert mentions_by_month(mentions_per_article("hezbollah", mentions), articles).empty
