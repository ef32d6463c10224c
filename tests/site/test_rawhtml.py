"""The raw-region Markdown extension (pledges.site.rawhtml): same HTML as Markdown's own raw block handling,
markers gone, ids still anchors for MkDocs, and nothing outside the markers changed."""

from __future__ import annotations

import markdown
from markdown.preprocessors import Preprocessor

from pledges.site.rawhtml import RAW_END, RAW_START, RawHtmlExtension

BLOCK = ('<div class="pt-page">\n<h2 id="scores">Scores</h2>\n\n<table>\n<tr><td>a *not emphasis* [not](a-link)'
         '</td></tr>\n</table>\n\n<p id="last">x &amp; y</p>\n</div>')


def _convert(text: str, raw: bool) -> str:
    return markdown.markdown(text, extensions=[RawHtmlExtension()] if raw else [])


def _lines(html: str) -> list[str]:
    return [line for line in html.split("\n") if line.strip()]


def test_marked_region_renders_as_markdown_renders_the_same_html_block() -> None:
    plain = _convert(f"# Title\n\n{BLOCK}\n\nAfter *this*.\n", raw=False)
    marked = _convert(f"# Title\n\n{RAW_START}\n{BLOCK}\n{RAW_END}\n\nAfter *this*.\n", raw=True)
    # the same lines; only a blank line between blocks may differ (invisible to a reader)
    assert _lines(marked) == _lines(plain)
    assert "pt-raw" not in marked
    assert "*not emphasis*" in marked and "<em>this</em>" in marked  # inside kept verbatim, outside still Markdown


def test_ids_in_a_region_reach_mkdocs_anchor_collector() -> None:
    class Collector(Preprocessor):  # stands in for MkDocs' _RawHTMLPreprocessor (same name, same attribute)
        present_anchor_ids: set[str] = set()

        def run(self, lines: list[str]) -> list[str]:
            self.present_anchor_ids = set()
            return lines

    md = markdown.Markdown(extensions=[RawHtmlExtension()])
    collector = Collector(md)
    md.preprocessors.register(collector, "mkdocs_raw_html", 21)
    md.convert(f"{RAW_START}\n{BLOCK}\n{RAW_END}\n")
    assert collector.present_anchor_ids == {"scores", "last"}


def test_an_unclosed_marker_leaves_the_text_to_markdown() -> None:
    text = f"{RAW_START}\n\nSome *text*.\n"
    assert "<em>text</em>" in _convert(text, raw=True)


def test_a_page_of_one_region_is_what_markdown_makes_of_it() -> None:
    from pledges.site.rawhtml import whole_region

    page = f"\n{RAW_START}\n{BLOCK}\n{RAW_END}\n"
    assert whole_region(page) == _convert(page, raw=True) == BLOCK
    # anything Markdown would treat differently goes through Markdown
    assert whole_region(f"Intro.\n\n{RAW_START}\n{BLOCK}\n{RAW_END}\n") is None  # text outside the region
    assert whole_region(f"{RAW_START}\n{BLOCK}\n{RAW_END}\n\n{RAW_START}\n<div></div>\n{RAW_END}") is None  # two
    assert whole_region(page.replace("<table>", "<table>\t")) is None  # a tab: Markdown expands it
    assert whole_region(page.replace("\n\n<p", "\n   \n<p")) is None  # a line of spaces: Markdown empties it
    assert whole_region(f"{RAW_START}\n<p>not a div</p>\n{RAW_END}") is None


def test_normalisation_check_answers_as_the_regex_it_replaced() -> None:
    """normalisation_changes gives what ``[\\t\\r\\x02\\x03]|\\n +\\n`` gives, on every string built from the characters
    that matter (and others around them)."""
    import itertools
    import re

    from pledges.site.rawhtml import normalisation_changes

    regex = re.compile("[\t\r\x02\x03]|\n +\n")
    alphabet = ["\n", " ", "a", "\t", "\r", "\x02", "\x03", "<", "\u00a0"]
    strings = ["", "\n \n", "\n  \n", "\n a\n", "a\n \n", "\n\n", " \n ", "\n \u00a0\n"]
    strings += ["".join(parts) for size in range(1, 5) for parts in itertools.product(alphabet, repeat=size)]
    disagree = [s for s in strings if normalisation_changes(s) != (regex.search(s) is not None)]
    assert disagree == [] and len(strings) > 7000
    assert normalisation_changes("<div>\n  <p>x</p>\n</div>") is False  # indentation alone is not a line of spaces
    assert normalisation_changes("<div>\n   \n</div>") is True
