"""A new visitor on a phone: at 375 px every table that is wider than the screen says so and scrolls, and
chart text is at least 11 px; at 320 px too for the charts."""

from __future__ import annotations

import pytest
from board_fixtures import BROWSER_MARKS, provider_with_most_charts

pytestmark = BROWSER_MARKS

# For each table: is it wider than what shows, and if so, does its scroll wrapper scroll and carry a hint
# that a reader can see (on screen, with text)?
CLIPPED = """() => [...document.querySelectorAll('article table')].map(table => {
  let wrap = table.closest('.md-typeset__scrollwrap') || table.parentElement;
  const style = getComputedStyle(wrap);
  const wide = table.getBoundingClientRect().width > wrap.clientWidth + 1;
  const scrolls = ['auto', 'scroll'].includes(style.overflowX);
  const hint = wrap.previousElementSibling;
  const visible = !!hint && hint.classList.contains('pt-scroll-hint') && !hint.hidden
    && hint.getBoundingClientRect().height > 0 && hint.textContent.trim().length > 0;
  return {id: table.id || table.caption?.textContent || '', wide, scrolls, visible};
}).filter(t => t.wide && !(t.scrolls && t.visible))"""

CHART_TEXT_PX = """() => [...document.querySelectorAll('svg.pt-chart text')].map(t => {
  const scale = t.ownerSVGElement.getScreenCTM().a;
  return parseFloat(getComputedStyle(t).fontSize) * scale;
})"""


def pages(real_site):
    provider = provider_with_most_charts(real_site)
    pledge = sorted(p.name for p in (real_site / "en" / "pledges").iterdir() if p.is_dir())[0]
    return ["en/", "nl/", f"en/providers/{provider}/", f"nl/providers/{provider}/", f"en/pledges/{pledge}/"]


@pytest.mark.parametrize("index", range(5))
def test_no_table_is_clipped_without_a_visible_scroll_hint_at_375(board_chromium, board_real, real_site, index):
    rel = pages(real_site)[index]
    page = board_chromium.new_page(viewport={"width": 375, "height": 800})
    page.goto(board_real + rel, wait_until="networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the page itself never scrolls sideways
    tables = page.locator("article table").count()
    assert tables
    bad = page.evaluate(CLIPPED)
    assert not bad, (rel, bad)
    wide = page.locator(".pt-scroll-hint:not([hidden])").count()
    if rel in ("en/", "nl/"):
        assert wide  # six columns never fit 375 px: the test would prove nothing if nothing were wide
    page.close()


def test_a_wide_screen_shows_no_scroll_hint(board_chromium, board_real, real_site):
    page = board_chromium.new_page(viewport={"width": 1600, "height": 900})
    page.goto(board_real + "en/", wait_until="networkidle")
    assert page.locator(".pt-scroll-hint:not([hidden])").count() == 0
    page.close()


@pytest.mark.parametrize("width", [375, 320])
def test_chart_text_is_at_least_11_px(board_chromium, board_real, real_site, width):
    provider = provider_with_most_charts(real_site)
    page = board_chromium.new_page(viewport={"width": width, "height": 800})
    page.goto(board_real + f"en/providers/{provider}/", wait_until="networkidle")
    sizes = page.evaluate(CHART_TEXT_PX)
    assert sizes and min(sizes) >= 11, min(sizes)
    page.close()
