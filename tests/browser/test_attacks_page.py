"""The Attacks page in a real headless Chromium: the charts draw, nothing leaves localhost."""
import pytest
from playwright.sync_api import expect

from drawn_labels import label_boxes, overlapping, within
from tests.fixtures.datadir import ROOT, env_for, make_template


def test_attack_charts_draw(page_probe):
    page = page_probe.goto("/attacks")
    charts = page.locator(".js-plotly-plot")
    charts.first.wait_for(state="visible", timeout=30_000)
    assert charts.count() == 1  # one chart per tab: only the open one is drawn
    # Bars of the monthly chart are drawn as SVG paths: Maariv + Militia Spotlight series.
    bars = page.locator(".js-plotly-plot").first.locator("g.trace.bars")
    assert bars.count() == 2
    texts = page.locator(".js-plotly-plot").first.locator("text.bartext").evaluate_all("els => els.map(e => e.textContent)")
    assert {"6", "31", "90", "13", "35"} <= {t.replace(" (partial)", "") for t in texts}
    expect(page.get_by_text("September 2024: 31 drone attacks per Maariv")).to_have_count(1, timeout=30_000)
    page.screenshot(path="/tmp/attacks.png", full_page=True)
    # The other charts draw when their tab is opened, and the tab goes into the link.
    page.get_by_role("tab", name="Casualties").click()
    page.wait_for_url("**atk_chart=Casualties**", timeout=30_000)
    page.locator(".js-plotly-plot .gtitle", has_text="Casualties reported").wait_for(state="visible", timeout=30_000)
    page_probe.wait_for_app()  # the closed tab's chart goes when the run ends, not when the new one draws
    assert charts.count() == 1
    page_probe.assert_clean()


def test_clicking_a_bar_shows_its_sentence(page_probe):
    """A chart point links back to the sentence it came from: click Maariv's 90 and read it."""
    page = page_probe.goto("/attacks")
    bar = page.locator(".js-plotly-plot g.trace.bars g.point", has=page.locator("text.bartext", has_text="90")).locator("path")
    bar.wait_for(state="visible", timeout=30_000)
    bar.click(force=True)  # plotly.js takes the click on the layer above the bars
    said = page.locator('[data-testid="stAlert"]', has_text="claimed by Maariv, reported by Shafaq News")
    said.wait_for(state="visible", timeout=30_000)
    text = said.inner_text()
    assert "90 drone attacks" in text and "October 2024" in text and "90 in October" in text
    assert said.get_by_role("link", name="Open in the reader").count() == 1
    page_probe.assert_clean()


def test_attacks_link_reproduces_the_filter(page_probe):
    page = page_probe.goto("/attacks?claimant=Maariv")
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    assert page.locator(".js-plotly-plot").first.locator("g.trace.bars").count() == 1
    page_probe.assert_clean()


def test_filters_matching_no_figure_draw_an_empty_view(page_probe):
    # Maariv's figures come through Shafaq News alone; with Al-Fassel's articles none is left.
    page = page_probe.goto("/attacks?claimant=Maariv&outlet=Al-Fassel")
    page.locator(".js-plotly-plot .annotation-text", has_text="No monthly attack counts match the filters.").wait_for(state="visible", timeout=30_000)
    expect(page.get_by_text("Showing 0 of")).to_have_count(1, timeout=30_000)
    assert page.locator(".js-plotly-plot .xtick").count() == 0  # no empty axes
    page_probe.assert_clean()


def test_csv_is_written_when_clicked(page_probe, tmp_path):
    """Downloads are made on click (not on every rerun): the file still holds every figure shown."""
    page_probe.goto("/attacks?claimant=Maariv")
    path = tmp_path / "figures.csv"
    page_probe.download("Download these figures (CSV)", path)
    import pandas as pd

    csv = pd.read_csv(path)
    monthly = csv[(csv["granularity"] == "month") & (csv["unit"] == "drone attacks")]
    assert sorted(monthly["count"]) == [6, 31, 65, 90]
    assert set(csv["claimant"]) == {"Maariv"} and set(monthly["reporter"]) == {"Shafaq News"}
    page_probe.assert_clean()


def test_point_labels_stay_inside_the_chart_and_apart(page_probe):
    """Labels near the plot's edge used to be cut off, and two points close together
    printed their labels over each other (Casualties: "16 killed (Iraq)" on "16 killed
    (Iraqi Armed Forces)"): every label is drawn whole, inside the chart, alone."""
    for tab, expected in (("Casualties", 6), ("Cumulative+and+rates", 4)):
        page = page_probe.goto(f"/attacks?atk_chart={tab}")
        boxes, frame, plot_area = label_boxes(page.locator(".js-plotly-plot").first)
        assert len(boxes) == expected, boxes
        for b in boxes:
            assert within(b, frame), (tab, b, frame)
            assert not b["clipped"] or within(b, plot_area), (tab, b, plot_area)  # a clip path would cut what crosses the axes
        assert overlapping(boxes) == [], tab
    page_probe.assert_clean()


def test_the_briefing_pack_holds_all_three_charts(page_probe, tmp_path):
    """Only the open tab's chart is built for the page; the pack, made when its button is
    clicked, builds the other two."""
    page = page_probe.goto("/attacks")
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=30_000)
    path = tmp_path / "pack.html"
    page_probe.download("Briefing pack (HTML)", path)
    pack = path.read_text(encoding="utf-8")
    assert pack.count('class="plotly-graph-div"') == 3
    for title in ("Monthly attack counts by claimant", "Cumulative claims", "Casualties reported", "Every figure shown"):
        assert f"<h2>{title}" in pack, title
    assert "claimed by \\u003cb\\u003eMaariv\\u003c\\u002fb\\u003e, reported by Shafaq News" in pack
    page_probe.assert_clean()


# Maariv's months as the seed's Shafaq News article reports them, reported again by Ynet;
# Ynet gives October as 88 where Shafaq News gives 90.
MAARIV_AGAIN = (
    "2024-11-23 09:10:00 - From: Ynet\n\nDrones from Iraq keep coming\n\n"
    "Israel has tracked 65 drone attacks originating from Iraq since early November, according to the Israeli "
    "newspaper Maariv. The newspaper highlighted a sharp increase in attacks over recent months, from six in "
    "August to 31 in September, and 88 in October.\n"
)


def test_a_claimants_month_reported_twice_is_never_drawn_as_one_summed_bar(streamlit_launcher, probe_factory, tmp_path_factory):
    """Plotly stacks a trace's bars that share a month: Maariv's September reported by Shafaq
    News and by Ynet was drawn 62 high, its October 90 + 88 = 178. Now the same claim is one
    bar naming both reports, and a competing count stands beside it."""
    data = make_template(tmp_path_factory.mktemp("maariv-twice") / "data", {"zz_maariv_via_ynet.txt": MAARIV_AGAIN})
    probe = probe_factory(streamlit_launcher(ROOT / "app.py", env=env_for(data)).url)
    page = probe.goto("/attacks?claimant=Maariv")
    chart = page.locator(".js-plotly-plot").first
    chart.locator("g.trace.bars g.point path").first.wait_for(state="visible", timeout=30_000)
    drawn = chart.evaluate("""el => ({
        top: el._fullLayout.yaxis.range[1],
        bars: Array.from(el.querySelectorAll('g.trace.bars g.point')).map(p => ({
            label: p.querySelector('text.bartext')?.textContent, height: p.querySelector('path').getBoundingClientRect().height}))})""")
    heights = {b["label"]: b["height"] for b in drawn["bars"]}
    assert sorted(heights) == ["31", "6", "65 (partial)", "88", "90"]  # one bar a claim: 6, 31 and 65 reported twice
    assert drawn["top"] < 120  # 90 and its label; stacked, October alone reached 178
    for label, count in (("31", 31), ("88", 88), ("6", 6)):  # every bar as high as its own count
        assert heights[label] / heights["90"] == pytest.approx(count / 90, abs=0.02), label
    chart.locator("g.trace.bars g.point", has=page.locator("text.bartext", has_text="31")).locator("path").click(force=True)
    said = page.locator('[data-testid="stAlert"]', has_text="31 drone attacks")
    said.first.wait_for(state="visible", timeout=30_000)
    probe.wait_for_app()
    assert sorted(t.split("reported by ")[1].split(":")[0] for t in said.all_inner_texts()) == ["Shafaq News", "Ynet"]
    probe.assert_clean()


def test_the_charts_camera_button_downloads_a_png(page_probe, tmp_path):
    """The chart's PNG export (plotly.js's toImage, drawn in the browser from the app's own
    plotly.js build): a real image of the chart, under the name the page gives it."""
    page = page_probe.goto("/attacks")
    chart = page.locator(".js-plotly-plot").first
    chart.locator("g.trace.bars path").first.wait_for(state="attached", timeout=30_000)
    chart.hover()
    camera = chart.locator(".modebar-btn[data-title^='Download plot']")
    with page.expect_download(timeout=30_000) as info:
        camera.click()
    path = tmp_path / "chart.png"
    info.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000, len(data)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    box = chart.bounding_box()
    assert (width, height) == (round(box["width"]), round(box["height"])), (width, height, box)
    assert info.value.suggested_filename == "crosscurrents-monthly-chart.png"
    page_probe.assert_clean()
