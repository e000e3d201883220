"""Presentation mode, bad links and access control under AppTest."""
import re
from pathlib import Path

from tests.app.helpers import chart_specs, frame_with

ROOT = Path(__file__).resolve().parents[2]


def test_present_mode_hides_controls(run_page):
    at = run_page("pages/attacks.py", {"present": "1"})
    css = "".join(h.proto.body for h in at.get("html"))
    assert "stSidebar" in css and "display:none" in css and "font-size:22px" in css
    assert len(chart_specs(at)) == 3  # the panels are still there
    # each chart gets a screen: the rule names the element static/plotly_chart.js draws into
    drawn_into = re.search(r'className = "([\w-]+)"', (ROOT / "static" / "plotly_chart.js").read_text(encoding="utf-8")).group(1)
    assert f".{drawn_into}," in css and "min-height:80vh" in css


def test_present_mode_draws_every_chart_of_a_tabbed_page(run_page):
    """In a tab only the open tab's chart is sent; presenting, every one, one per screen."""
    assert len(chart_specs(run_page("pages/timeline.py"))) == 1
    assert len(chart_specs(run_page("pages/timeline.py", {"present": "1"}))) == 2
    assert len(chart_specs(run_page("pages/attacks.py"))) == 1


def test_normal_mode_has_no_presentation_css(run_page):
    at = run_page("pages/attacks.py")
    assert "font-size:22px" not in "".join(h.proto.body for h in at.get("html"))


def test_unknown_values_in_a_link_are_reported_not_fatal(run_page):
    at = run_page("pages/attacks.py", {"claimant": "Nobody Ever", "from": "not-a-date"})
    notes = " ".join(w.value for w in at.warning)
    assert "claimant = Nobody Ever" in notes.replace("\\", "")
    assert "from = not-a-date" in notes.replace("\\", "")
    # The view falls back to everything instead of an empty or broken page.
    assert len(frame_with(at, "claim", "claimant")) == 18


def test_password_gate_shows_no_data(run_page_raw, monkeypatch):
    monkeypatch.setenv("CROSSCURRENTS_PASSWORD", "s3cret")
    at = run_page_raw()
    assert not at.exception
    assert at.title[0].value == "Crosscurrents"
    assert len(at.dataframe) == 0 and len(chart_specs(at)) == 0 and len(at.metric) == 0
    at.text_input(key="access_password").input("wrong").run()
    assert len(at.dataframe) == 0 and at.error[0].value == "That password is not right."
    at.text_input(key="access_password").input("s3cret").run()
    assert len(at.dataframe) > 0 and not at.exception


def test_no_password_means_open(run_page_raw, monkeypatch):
    monkeypatch.delenv("CROSSCURRENTS_PASSWORD", raising=False)
    at = run_page_raw()
    assert len(at.dataframe) > 0
