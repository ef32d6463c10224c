"""A page's text, two ways: trafilatura's main text and, as the fall-back, all its visible text.

trafilatura (locked in requirements.lock) finds the article body among menus, cookie banners and
footers; its hash and passage are what a snapshot keeps. It can miss text a provider lays out oddly
(a promise in a table cell, a short list item it takes for boilerplate) or return nothing, so the
search also runs over the page's whole visible text (scripts, styles and templates removed, block
elements kept apart): a promise found in either is still published.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from .normalise import Tokens, normalise, tokens

BLOCKS = (
    "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
)
INVISIBLE = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas")
# A page with fewer visible words than this around its scripts is a JavaScript shell, not a page.
MIN_WORDS = 25
_NOSCRIPT_JS = re.compile(rb"<noscript[^>]*>(?:(?!</noscript>).){0,2000}javascript", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL)
# The empty element a single-page app mounts itself on (React, Vue, Next.js, Nuxt, Angular, Svelte).
_MOUNT = re.compile(
    rb"<(?:div|main|app-root)\b[^>]*\bid=[\"']?(?:root|app|__next|__nuxt|svelte|main-app)[\"']?[^>]*>\s*</(?:div|main|app-root)>",
    re.IGNORECASE,
)


@dataclass
class PageText:
    main: str  # trafilatura's main text, normalised ("" when it found none)
    visible: str  # every visible word of the page, normalised
    main_tokens: Tokens
    visible_tokens: Tokens
    scripted: bool  # the page looks like a shell that builds its text with JavaScript

    @property
    def kept(self) -> str:
        """The text a snapshot hashes: the main text, or the visible text when trafilatura found none."""
        return self.main or self.visible


def _visible(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(INVISIBLE):
        tag.decompose()
    for tag in soup.select("[hidden]"):
        tag.decompose()
    for tag in soup.find_all(BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    return normalise(soup.get_text(""))


def _main(html: str) -> str:
    import trafilatura

    # trafilatura logs every page it finds no body in; that outcome is reported by the watcher itself.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        text = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
        )
    except Exception:  # noqa: BLE001 - a page trafilatura chokes on still has its visible text
        text = None
    return normalise(text or "")


def _scripted(body: bytes, visible_chars: int, visible_words: int) -> bool:
    """Signs that the page's text is built by scripts: next to no visible words, an empty mount point,
    a <noscript> asking for JavaScript, or inline scripts outweighing the visible text several times."""
    if visible_words < MIN_WORDS or _MOUNT.search(body) or _NOSCRIPT_JS.search(body):
        return True
    script_bytes = sum(len(m.group(1)) for m in _SCRIPT.finditer(body))
    return script_bytes > 3 * visible_chars


def page_text(html: str, body: bytes) -> PageText:
    visible = _visible(html)
    main = _main(html)
    visible_tokens = tokens(visible)
    scripted = _scripted(body, len(visible), len(visible_tokens))
    return PageText(main, visible, tokens(main), visible_tokens, scripted)
