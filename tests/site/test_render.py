"""Small pieces of the generator: SVG charts, diffs, links, number formats."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pledges.site.charts import line_chart
from pledges.site.generate import fmt_num, front_matter, html_link, safe_href, word_diff


def test_chart_is_valid_svg_with_title_and_desc():
    svg = line_chart("c1", ["2025-Q1", "2025-Q2", "2025-Q3"], [10.0, None, 12.5], [11.0, 11.2, None],
                     "Complaints <b>&</b>", "values <script>", "us", "average")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Complaints <b>&</b>"
    assert root.find(f"{ns}desc").text == "values <script>"
    assert root.get("role") == "img"
    assert len(root.findall(f".//{ns}path")) == 2
    assert line_chart("c2", [], [], [], "t", "d", "a", "b") == ""


def test_word_diff_escapes_and_marks_changes():
    html = str(word_diff("within <three> days", "within two days"))
    assert html == "within <del>&lt;three&gt;</del> <ins>two</ins> days"
    assert str(word_diff("no more than 21 days", "no more than 7 days after")) == (
        "no more than <del>21</del> <ins>7</ins> days <ins>after</ins>"
    )


def test_only_http_links_become_links():
    assert safe_href("javascript:alert(1)") is None
    assert safe_href(" JAVASCRIPT:alert(1)") is None
    assert safe_href("data:text/html,x") is None
    assert safe_href("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert str(html_link("javascript:alert(1)", "<x>")) == "&lt;x&gt;"
    assert str(html_link("https://e.org/", "<x>")) == '<a href="https://e.org/" rel="nofollow noopener">&lt;x&gt;</a>'


def test_numbers_per_language_and_titles():
    assert fmt_num(1234.5, "en") == "1,234.5"
    assert fmt_num(1234.5, "nl") == "1.234,5"
    assert fmt_num(None, "nl") == "—"
    assert str(front_matter('A "b" <c>')) == '---\n{"title": "A &quot;b&quot; &lt;c&gt;"}\n---'
