"""Compare: four providers of one sector side by side, from the published JSON; sector links without JS."""

from __future__ import annotations

import json

from board_fixtures import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def four_of_a_sector(site) -> tuple[str, list[dict]]:
    for path in sorted((site / "data" / "sectors").glob("*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        first: dict[str, dict] = {}
        for row in rows:
            first.setdefault(row["provider"], row)
        if len(first) >= 4:
            return path.stem, list(first.values())[:4]
    raise AssertionError("no sector with four providers")


def test_compare_shows_four_providers(board_chromium, board_real, real_site):
    sector, rows = four_of_a_sector(real_site)
    ids = [r["provider"] for r in rows]
    assert len({r["board"] for r in rows}) == 1  # so the first score line is every one's
    page = board_chromium.new_page()
    page.goto(board_real + f"en/compare/?sector={sector}&p={','.join(ids)}", wait_until="networkidle")
    table = page.locator("#pt-compare-table")
    table.wait_for()
    heads = table.locator("thead th a")
    assert heads.all_text_contents() == [r["provider_name"] for r in rows]
    # the score line holds each provider's published score, in the order chosen
    score_row = table.locator("tbody tr", has=page.locator("th", has_text="Score")).first
    cells = score_row.locator("td").all_text_contents()
    assert len(cells) == 4
    for cell, row in zip(cells, rows, strict=True):
        assert cell == ("—" if row["score"] is None else f"{row['score']:,.1f}")
    pledges = json.loads((real_site / "data" / "providers" / ids[0] / "pledges.json").read_text(encoding="utf-8"))
    pledge_cell = table.locator("tbody tr").last.locator("td").first
    assert pledge_cell.locator("li").count() == len(pledges)
    # choosing a provider again is remembered in the address (a permalink of the comparison)
    page.select_option("#pt-compare-p3", "")
    assert page.url.endswith("&p=" + ",".join(ids[:3]))
    page.wait_for_function("document.querySelectorAll('#pt-compare-table thead th a').length === 3")
    page.close()


def test_compare_in_dutch_uses_dutch_words(board_chromium, board_real, real_site):
    sector, rows = four_of_a_sector(real_site)
    page = board_chromium.new_page()
    page.goto(board_real + f"nl/compare/?sector={sector}&p={rows[0]['provider']}", wait_until="networkidle")
    page.locator("#pt-compare-table").wait_for()
    labels = page.locator("#pt-compare-table tbody th").all_text_contents()
    assert any(label.startswith("Plaats") for label in labels) and "Beloftes" in labels
    page.close()


def test_compare_without_javascript_links_the_sector_tables(board_chromium, board_real, real_site):
    context = board_chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(board_real + "en/compare/")
    assert not page.locator("#pt-compare").is_visible()
    links = page.locator(".pt-compare-fallback a")
    sectors = sorted(p.stem for p in (real_site / "data" / "sectors").glob("*.json"))
    assert sorted(h.rstrip("/").split("/")[-1] for h in links.evaluate_all("as => as.map(a => a.getAttribute('href'))")) == sectors
    context.close()


def test_hostile_names_in_compare_are_text(board_chromium, board_hostile):
    page = board_chromium.new_page()
    page.goto(board_hostile + "en/compare/?sector=telecoms&p=acme-telecom,beta-broadband", wait_until="networkidle")
    page.locator("#pt-compare-table").wait_for()
    assert "<script>" in page.locator("#pt-compare-table thead th").first.text_content()
    assert page.evaluate("window.__xss") is None
    page.close()
