"""The Overview page in a real headless Chromium against `streamlit run`."""


def test_overview_table_and_reader(page_probe):
    page = page_probe.goto("/")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for(state="visible", timeout=20_000)
    # The glide data grid draws on a canvas; its accessible table holds the cells.
    assert page.get_by_text("Shafaq News").count() > 0 or grid.locator("text=Shafaq News").count() > 0
    page.locator("mark").first.wait_for(timeout=30_000)  # the reader renders after the tables
    assert page.locator("mark").count() > 50  # highlighted actor mentions in the reader
    page.screenshot(path="/tmp/overview.png", full_page=True)
    page_probe.assert_clean()


def test_shared_link_opens_the_same_article(page_probe):
    page = page_probe.goto("/?article=002_2f6602b0745822a4&sent=40")
    page.get_by_text("Evidence sentence 40").wait_for(timeout=20_000)
    link = page.locator('a[href="./network?actor=Kata%27ib%20Hezbollah"]')
    link.first.wait_for(timeout=30_000)  # the reader renders after the evidence notice
    assert link.count() == 1
    assert link.inner_text() == "Hezbollah Brigades"
    page_probe.assert_clean()


def test_a_sentence_link_lands_on_the_sentence_marked_in_its_article(page_probe):
    # Every chart point and table row links to its sentence: the link used to open the
    # Overview at its top, with the reader below the corpus table.
    page = page_probe.goto("/?article=002_2f6602b0745822a4&sent=40#reader")
    marked = page.locator("#evidence")
    marked.wait_for(timeout=30_000)
    assert marked.inner_text().startswith("Therefore, caution must be taken")
    page.wait_for_function("""() => { const r = document.getElementById("evidence").getBoundingClientRect();
                                      return r.top >= 0 && r.bottom <= window.innerHeight; }""", timeout=10_000)
    page_probe.assert_clean()
