"""Charts: one geometry for every chart, single periods in words, and each chart as its own SVG file."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from board_fixtures import BROWSER_MARKS, provider_with_most_charts

from pledges.site import charts

NS = "{http://www.w3.org/2000/svg}"
PERIODS = ["2024-H1", "2024-H2", "2025-H1"]


def view_box(svg: str) -> str:
    return ET.fromstring(svg).get("viewBox")


def test_every_chart_has_the_same_geometry_whatever_its_title_and_numbers():
    small = charts.line_chart("a", PERIODS, [1.0, 2.0, 3.0], [None] * 3, "t", "d", "us", "avg")
    big = charts.line_chart("b", [f"20{y:02d}-Q{q}" for y in range(10, 26) for q in range(1, 5)],
                            [62059.8 + i for i in range(64)], [60000.0] * 64, "A much longer title " * 5, "d", "us", "avg")
    assert view_box(small) == view_box(big) == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    sizes = {m for svg in (small, big) for m in re.findall(r"font-size:(\d+)px", svg)}
    assert sizes <= {str(charts.FONT_PX)}  # type size is set by the class, the same everywhere
    # readable at a 320 px screen (about 288 px of column)
    assert charts.FONT_PX * 288 / charts.WIDTH >= 11


def test_a_single_period_is_not_drawn_and_a_flat_series_starts_at_zero():
    assert charts.line_chart("a", ["2025-H1"], [62060.5], [None], "t", "d", "us", "avg") == ""
    low, high, _ = charts.axis_range([62060.5, 62060.5])
    assert low == 0 and high >= 62060.5
    low, high, step = charts.axis_range([3.1, 4.5])
    assert low <= 3.1 and high >= 4.5 and low > 0 and step in (0.5, 1.0)


def test_period_labels_never_overlap():
    periods = [f"20{y:02d}-Q{q}" for y in range(10, 26) for q in range(1, 5)]
    for count in (2, 3, 5, 6, 9, 17, 64):
        svg = ET.fromstring(charts.line_chart("a", periods[:count], [1.0] * count, [None] * count, "t", "d", "u", "a"))
        labels = [t for t in svg.iter(f"{NS}text") if t.text in periods]
        assert labels[0].text == periods[0] and labels[-1].text == periods[count - 1]
        width = charts.CHAR_W * len(periods[0])
        shift = {"start": 0.0, "middle": -width / 2, "end": -width}
        boxes = sorted((float(t.get("x")) + shift[t.get("text-anchor")],) * 2 for t in labels)
        for (left, _), (right, _) in zip(boxes, boxes[1:], strict=False):
            assert right - left >= width, (count, boxes)  # each label ends before the next begins


def test_standalone_chart_carries_its_attribution():
    svg = charts.line_chart("a", PERIODS, [1.0, 2.0, 3.0], [None] * 3, "t", "d", "us", "avg",
                            attribution="Source: Publisher <X>, licence OGL-UK-3.0. Chart: Tracker, https://x/en/p/")
    root = ET.fromstring(svg)
    assert root.get("width") == str(charts.WIDTH) and int(root.get("height")) > charts.HEIGHT
    text = " ".join(t.text or "" for t in root.iter(f"{NS}text"))
    assert "Publisher <X>" in text and "OGL-UK-3.0" in text
    assert root.find(f"{NS}style") is not None  # draws itself without the site's stylesheet


@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_each_embed_svg_renders_on_its_own(board_chromium, board_real, real_site):
    files = sorted((real_site / "charts").rglob("*.svg"))
    assert files
    sample = files[:: max(1, len(files) // 12)]
    page = board_chromium.new_page()
    for path in sample:
        rel = path.relative_to(real_site).as_posix()
        response = page.goto(board_real + rel)
        assert response.ok and response.headers["content-type"].startswith("image/svg")
        svg = page.locator("svg").first
        box = svg.bounding_box()
        assert box and round(box["width"]) == charts.WIDTH
        line = page.locator("path.pt-line")
        assert line.evaluate("p => p.getTotalLength()") > 10
        assert line.evaluate("p => getComputedStyle(p).stroke") == "rgb(31, 79, 191)"  # its own styles
        credit = page.locator("svg").text_content()
        assert "Service Pledge Tracker" in credit and "/providers/" in credit  # the attribution travels with it
    page.close()


@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_every_chart_on_a_provider_page_has_the_same_size(board_chromium, board_real, real_site):
    provider = provider_with_most_charts(real_site)
    page = board_chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(board_real + f"en/providers/{provider}/", wait_until="networkidle")
    sizes = page.eval_on_selector_all("svg.pt-chart", """els => els.map(e => {
        const r = e.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; })""")
    assert len(sizes) >= 3
    assert len({tuple(s) for s in sizes}) == 1, sizes
    # the embed snippet names an image that exists, with the chart's attribution beside it
    snippet = page.locator(".pt-embed textarea").first.input_value()
    src = re.search(r'src="/(charts/[^"]+)"', snippet).group(1)
    assert (real_site / src).is_file()
    assert "Source:" in snippet
    page.close()
