"""Find English sentences in the visible text of a Dutch page (shared by the HTML walk and the browser test).

Heuristic: a sentence with at least two English-only function words is English. Words Dutch shares are left out
("of" is Dutch "or", "been" a leg, "in", "is", "over" …), so a Dutch sentence with an English name in it passes.
Text inside an element marked lang="en" (a verbatim English quote), <code>, <script> or <style> is not looked at.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ENGLISH_ONLY = frozenset({"the", "and", "with", "which", "this", "that", "are", "were", "has", "have", "because",
                          "their", "would", "only", "than", "from", "not", "for", "to", "when", "there", "its",
                          "no", "yet", "been"} - {"been"})  # "been" is Dutch too (a leg)
SKIPPED = frozenset({"code", "script", "style", "head", "svg", "template", "textarea"})  # textarea: an embed snippet (code)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr"})
BLOCKS = frozenset({"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                    "nav", "header", "footer", "main", "summary", "details", "caption", "figcaption", "label",
                    "button", "option", "dt", "dd", "table", "ul", "ol", "blockquote", "small", "a"})
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
# Identifiers (record ids, slugs, file names) are not prose: a token joined by - _ / . is skipped whole.
TOKEN = re.compile(r"\S+")
IDENTIFIER = re.compile(r"\w+(?:[-_/.]+\w+)+")
WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


class _Visible(HTMLParser):
    """Collects text outside skipped elements and outside any lang="en" subtree, one chunk per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.chunks: list[str] = [""]

    def hidden(self) -> bool:
        return any(hide for _tag, hide in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.chunks.append("")
        if tag in VOID:
            return
        lang = (dict(attrs).get("lang") or "").lower()
        self.stack.append((tag, tag in SKIPPED or lang.startswith("en")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.chunks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.chunks.append("")
        for index in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed <p>, <li> …
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden():
            self.chunks[-1] += data


def visible_chunks(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return [" ".join(c.split()) for c in parser.chunks if c.strip()]


def english_sentences(chunks: list[str]) -> list[str]:
    """The sentences among ``chunks`` (visible text blocks) that read as English."""
    found = []
    for chunk in chunks:
        for sentence in SENTENCE_END.split(chunk):
            words = [w.lower() for token in TOKEN.findall(sentence) if not IDENTIFIER.fullmatch(token.strip(".,;:()"))
                     for w in WORD.findall(token)]
            if sum(1 for w in words if w in ENGLISH_ONLY) >= 2:
                found.append(sentence.strip())
    return found
