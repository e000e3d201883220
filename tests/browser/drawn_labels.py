"""What the browser drew of a chart's point labels, for the tests that check they
are whole, inside the chart and apart."""


def label_boxes(chart) -> tuple[list[dict], dict, dict]:
    """The drawn point labels' boxes (and whether a clip path cuts them at the plot
    area), the chart's own box and its plot area's, in page pixels."""
    chart.locator("g.textpoint text").first.wait_for(state="attached", timeout=30_000)
    # Plotly hides (display: none) the labels of points outside the axes' ranges.
    boxes = chart.locator("g.textpoint text").evaluate_all(
        "els => els.filter(e => e.textContent && e.getBoundingClientRect().width > 0 && getComputedStyle(e).display !== 'none')"
        ".map(e => { const r = e.getBoundingClientRect();"
        " return {text: e.textContent, clipped: e.closest('[clip-path]') !== null,"
        " left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })")
    frame = chart.locator(".main-svg").first.bounding_box()
    plot_area = chart.locator(".draglayer .nsewdrag").first.bounding_box()
    return boxes, frame, plot_area


def within(box: dict, area: dict) -> bool:
    return (area["x"] - 0.5 <= box["left"] and box["right"] <= area["x"] + area["width"] + 0.5
            and area["y"] - 0.5 <= box["top"] and box["bottom"] <= area["y"] + area["height"] + 0.5)


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """The pairs of labels drawn over each other."""
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]]
