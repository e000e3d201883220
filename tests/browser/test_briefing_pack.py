"""The briefing pack opens from disk with the network off and draws its charts."""
from tests.unit.test_briefing import make_pack


def test_pack_opens_offline(browser, tmp_path, processed, ctx):
    path = tmp_path / "pack.html"
    path.write_text(make_pack(processed, ctx), encoding="utf-8")
    context = browser.new_context(offline=True)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:", "about:")) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.locator(".js-plotly-plot").first.wait_for(state="visible", timeout=20_000)
    assert page.locator(".js-plotly-plot g.trace.bars").count() == 2
    assert "claimed by Maariv, reported by Shafaq News" in page.inner_text("body")
    assert requests == [] and errors == []
    context.close()
