"""The provider finder: a small JSON index and a script on every page; a brand name finds its provider."""

from __future__ import annotations

import json
import unicodedata

import pytest
from board_fixtures import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def unique_brand(rows: list[dict]) -> tuple[str, dict]:
    """A brand that is not part of its provider's name and that no other provider's name or brand contains."""
    for row in rows:
        for brand in row["brands"]:
            folded = fold(brand)
            if len(folded) < 4 or folded in fold(row["name"]):
                continue
            others = [r for r in rows if r is not row and any(folded in fold(k) for k in [r["name"], *r["brands"]])]
            if not others:
                return brand, row
    raise AssertionError("no provider in data/ has a brand of its own")


def test_index_is_small_and_names_every_provider(real_site):
    rows = json.loads((real_site / "data" / "finder.json").read_text(encoding="utf-8"))
    providers = json.loads((real_site / "data" / "providers.json").read_text(encoding="utf-8"))
    assert {r["url"] for r in rows} == {f"providers/{p['id']}/" for p in providers}
    assert all(set(r) == {"name", "brands", "url"} for r in rows)
    size = (real_site / "data" / "finder.json").stat().st_size
    assert size < 1000 * len(rows), size  # name, trading names and address: never the full-text index


def test_finder_finds_a_provider_by_a_brand_name(board_chromium, board_real, real_site):
    rows = json.loads((real_site / "data" / "finder.json").read_text(encoding="utf-8"))
    brand, row = unique_brand(rows)
    page = board_chromium.new_page()
    page.goto(board_real + "nl/sectors/", wait_until="networkidle")  # any page, any language
    box = page.locator("#pt-finder-q")
    assert box.is_visible()
    box.click()
    box.press_sequentially(brand[:-1].swapcase(), delay=5)  # case and the last letter do not matter
    first = page.locator(".pt-finder-results li a").first
    first.wait_for()
    assert first.text_content() == row["name"]
    assert brand in page.locator(".pt-finder-results li").first.text_content()
    box.press("Enter")
    page.wait_for_url(board_real + "nl/" + row["url"])
    assert page.locator("h1").first.text_content() == row["name"]
    page.close()


def test_without_javascript_the_a_to_z_list_is_linked(board_chromium, board_real):
    context = board_chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(board_real + "en/methodology/")
    assert not page.locator("#pt-finder-q").is_visible()
    link = page.locator("a.pt-finder-az")
    assert link.is_visible()
    link.click()
    assert page.url == board_real + "en/providers/"
    assert page.locator("#providers-table tbody tr").count() > 10
    context.close()


@pytest.mark.parametrize("query", ["acme", "<script"])
def test_hostile_names_show_as_text(board_chromium, board_hostile, query):
    page = board_chromium.new_page()
    page.goto(board_hostile + "en/", wait_until="networkidle")
    page.locator("#pt-finder-q").fill(query)
    first = page.locator(".pt-finder-results li a").first
    first.wait_for()
    assert "<script>" in first.text_content()  # the name's markup is shown, not run
    assert page.evaluate("window.__xss") is None
    assert page.locator(".pt-finder-results script, .pt-finder-results img").count() == 0
    page.close()


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_finder_shows_its_whole_placeholder(board_chromium, board_real, lang, width):
    """The box's hint ("Naam van aanbieder of merk") fits in the box: it was cut off in Dutch."""
    page = board_chromium.new_page(viewport={"width": width, "height": 800})
    page.goto(board_real + f"{lang}/", wait_until="networkidle")
    room, needed = page.evaluate("""() => {
      const box = document.getElementById('pt-finder-q'), style = getComputedStyle(box);
      const ctx = document.createElement('canvas').getContext('2d');
      ctx.font = [style.fontStyle, style.fontWeight, style.fontSize, style.fontFamily].join(' ');  // .font is '' here
      const room = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return [room, ctx.measureText(box.placeholder).width];
    }""")
    assert needed > 50 and needed <= room, (lang, width, room, needed)
    page.close()
