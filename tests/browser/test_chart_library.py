"""The app's own plotly.js build draws the chart only a large corpus sends: the casualties'
monthly boxes (past 200 figures), which the seeds never reach in a page."""
from playwright.sync_api import expect

from lib import attack_charts
from lib.paths import PLOTLY_JS, STATIC_DIR
from pages.charts import figure_json
from tests.unit.test_chart_budget import casualty_table


def test_the_casualty_boxes_draw_with_the_apps_plotly_build(browser, monkeypatch):
    monkeypatch.setattr(attack_charts, "MAX_LABELLED", 3)
    table = casualty_table([("killed", "2024-01-03", 2, "day"), ("killed", "2024-01-25", 4, "day"), ("killed", "2024-01-28", 6, "day"),
                            ("killed", "2024-03-01", 5, "day"), ("injured", "2024-01-09", 7, "day")])
    figure = figure_json(attack_charts.casualty_chart(table, {}))
    context = browser.new_context(offline=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_content("<div id='chart' style='width:900px;height:500px'></div>")
    page.add_script_tag(path=STATIC_DIR / PLOTLY_JS)
    page.evaluate("text => { const spec = JSON.parse(text); return Plotly.newPlot('chart', spec.data, spec.layout); }", figure)
    # one box a month and unit: killed in January and March, injured in January
    expect(page.locator("g.trace.boxes path.box")).to_have_count(3, timeout=10_000)
    heights = page.locator("g.trace.boxes path.box").evaluate_all("els => els.map(e => e.getBBox().height)")
    # January's three killed claims span 2–6; a month of one claim is a flat box at it
    assert sorted(h > 0 for h in heights) == [False, False, True], heights
    assert errors == []
    context.close()
