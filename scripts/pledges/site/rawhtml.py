"""A Markdown extension that passes our generated HTML through without parsing it (``pledges.site.rawhtml``).

Why: our page templates emit finished, escaped HTML. Python-Markdown still runs every raw HTML block through
``html.parser`` twice per page (MkDocs' anchor collector and Markdown's own block extractor): a Python call per
tag, most of MkDocs' time on our pages (cProfile in the README's Performance section). Between the marker lines
``RAW_START`` and ``RAW_END`` (each alone on a line, written by the templates) the text is stashed as one block
and comes out byte for byte as it went in, as Markdown would have emitted it; element ids in it are still
registered as anchors, so MkDocs' link validation sees the same page. Outside the markers nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown  # type: ignore[import-untyped]  # no stubs are locked for Markdown
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]  # no stubs are locked for Markdown
from markdown.treeprocessors import Treeprocessor  # type: ignore[import-untyped]  # no stubs are locked for Markdown

RAW_START = "<!-- pt-raw -->"
RAW_END = "<!-- /pt-raw -->"
# Our templates quote every attribute with double quotes (jinja2 autoescape), so one pattern finds every id.
ID = re.compile(r"""\sid="([^"]+)\"""")


class RawBlocks(Preprocessor):
    """Replace each marked region with one placeholder of Markdown's HTML stash."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.ids: set[str] = set()

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line.strip() == RAW_START:
                    block = []
                else:
                    out.append(line)
            elif line.strip() == RAW_END:
                out.extend(self._stash(block))
                block = None
            else:
                block.append(line)
        if block is not None:  # an unclosed region: leave it to Markdown as it was
            out.append(RAW_START)
            out.extend(block)
        return out

    def _stash(self, block: list[str]) -> list[str]:
        html = "\n".join(block).strip("\n")
        self.ids.update(ID.findall(html))
        # a placeholder alone in its paragraph is replaced by the raw text, without a <p> around it
        return ["", self.md.htmlStash.store(html), ""]


class RawAnchors(Treeprocessor):
    """Hand the ids of the stashed regions to MkDocs' anchor collector (it never saw them)."""

    def __init__(self, md: Markdown, blocks: RawBlocks) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, root: Any) -> None:
        if "mkdocs_raw_html" in self.md.preprocessors:
            collector = self.md.preprocessors["mkdocs_raw_html"]
            found = getattr(collector, "present_anchor_ids", None)
            if isinstance(found, set):
                found.update(self.blocks.ids)
        return None


class RawHtmlExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        blocks = RawBlocks(md)
        # after whitespace normalisation (30), before MkDocs' anchor collector (21) and Markdown's html_block (20)
        md.preprocessors.register(blocks, "pt_raw_html", 25)
        md.treeprocessors.register(RawAnchors(md, blocks), "pt_raw_anchors", 1)


# What Python-Markdown's whitespace normalisation would change in a region (then the page goes through Markdown):
# a tab, a carriage return, its placeholder marks STX and ETX, or a line of spaces only.
_NORMALISED_CHARACTERS = ("\t", "\r", "\x02", "\x03")
_SPACES_LINE = re.compile("\n +\n")


def normalisation_changes(html: str) -> bool:
    """Whether Python-Markdown's whitespace normalisation would change ``html``. The same answer as the regex
    ``[\\t\\r\\x02\\x03]|\\n +\\n``, which no literal anchors: that one tried both branches at every character of
    every page (a second a language at 1,000 providers); ``in`` scans for one character at memchr's speed, and
    the line regex runs only where a newline is followed by a space."""
    return any(character in html for character in _NORMALISED_CHARACTERS) or (
        "\n " in html and _SPACES_LINE.search(html) is not None)


def whole_region(markdown: str) -> str | None:
    """The HTML Python-Markdown makes of a page whose whole text is one marked region, or None for another page.

    Such a page (every bulk page: its template writes one region) comes out of Markdown as the region, byte for byte,
    with no table of contents and no title of its own: the region is stashed whole, the only paragraph holds its
    placeholder, and a placeholder alone in a paragraph before a block-level tag is replaced by the raw text.
    So the theme hook skips Markdown for it (theme_cache.on_page_markdown). Only regions that start with a
    ``<div>`` and that whitespace normalisation would leave as they are qualify."""
    text = markdown.strip("\n")
    if not (text.startswith(RAW_START + "\n<div") and text.endswith("\n" + RAW_END)):
        return None
    html = text[len(RAW_START) + 1: -len(RAW_END) - 1]
    if RAW_START in html or RAW_END in html or html != html.strip() or normalisation_changes(html):
        return None
    return html


def makeExtension(**kwargs: Any) -> RawHtmlExtension:  # noqa: N802 - the entry point Python-Markdown looks for
    return RawHtmlExtension(**kwargs)
