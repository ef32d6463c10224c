"""Dutch pages in a real browser (issue 8): the text a reader sees on the Dutch home page, a Dutch provider page
and a Dutch pledge page has no English sentence outside elements marked lang="en".

Reads what chromium renders (visible text nodes only, grouped by their block), so text the HTML walk cannot
judge — hidden elements, what the theme adds at run time — is checked as the reader gets it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from board_fixtures import BROWSER_MARKS
from english import english_sentences

pytestmark = BROWSER_MARKS  # and the shared board_chromium / board_real fixtures (tests/site/conftest.py)

# Visible text outside lang="en", <code>, <script> and <style>, one string per block element.
VISIBLE_TEXT = """() => {
  const skip = '[lang^="en"], code, script, style, svg, template, textarea';  // textarea: an embed snippet (code)
  const block = 'p, li, td, th, h1, h2, h3, h4, h5, h6, dd, dt, figcaption, caption, summary, label, button, a, small, div';
  const chunks = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !node.textContent.trim()) continue;
    if (!parent.getClientRects().length) continue;  // not rendered (display: none, collapsed details …)
    const owner = parent.closest(block) || parent;
    chunks.set(owner, (chunks.get(owner) || '') + node.textContent);
  }
  return [...chunks.values()].map(text => text.replace(/\\s+/g, ' ').trim()).filter(Boolean);
}"""
MARKED_ENGLISH = "() => [...document.querySelectorAll('[lang^=\"en\"]')].map(e => e.textContent.trim()).filter(Boolean).length"




def _pages(real_site: Path) -> dict[str, str]:
    """The Dutch home page, and the provider and pledge pages with the most English source text to mark."""
    def richest(folder: str) -> str:
        sizes = {p.parent.name: p.read_text(encoding="utf-8").count('lang="en"')
                 for p in (real_site / "nl" / folder).glob("*/index.html")}
        return max(sorted(sizes), key=lambda name: sizes[name])
    return {"home": "nl/", "provider": f"nl/providers/{richest('providers')}/", "pledge": f"nl/pledges/{richest('pledges')}/"}


@pytest.mark.parametrize("kind", ["home", "provider", "pledge"])
def test_dutch_page_shows_no_unmarked_english(board_chromium, board_real, real_site, kind):
    rel = _pages(real_site)[kind]
    page = board_chromium.new_page()
    page.goto(board_real + rel, wait_until="networkidle")
    assert page.evaluate("() => document.documentElement.lang") == "nl"
    chunks = page.evaluate(VISIBLE_TEXT)
    marked = page.evaluate(MARKED_ENGLISH)
    page.close()
    assert len(chunks) > 10, chunks  # the page rendered its content
    if kind != "home":
        assert marked > 0  # the page quotes English source text, and marks it
    english = english_sentences(chunks)
    assert not english, f"{rel}: " + " | ".join(english[:20])
