"""axe-core on the scoreboard's pages at a desktop and a phone width: no serious or critical violation."""

from __future__ import annotations

import json

import pytest
from board_fixtures import BROWSER_MARKS, provider_with_most_charts

pytestmark = BROWSER_MARKS


def address(real_site, kind: str) -> str:
    if kind == "home":
        return "en/"
    if kind == "home-nl":
        return "nl/"
    if kind == "provider":
        return f"en/providers/{provider_with_most_charts(real_site)}/"
    if kind == "pledge":
        return f"en/pledges/{sorted(p.name for p in (real_site / 'en' / 'pledges').iterdir() if p.is_dir())[0]}/"
    rows = json.loads((real_site / "data" / "sectors" / "banking.json").read_text(encoding="utf-8"))
    ids = list(dict.fromkeys(r["provider"] for r in rows))[:4]
    return f"en/compare/?sector=banking&p={','.join(ids)}"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("kind", ["home", "home-nl", "provider", "pledge", "compare"])
def test_axe_finds_no_serious_or_critical_violation(board_chromium, board_real, real_site, kind, width):
    from axe_playwright_python.sync_playwright import Axe

    page = board_chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(board_real + address(real_site, kind), wait_until="networkidle")
    if kind == "compare":
        page.locator("#pt-compare-table").wait_for()
    page.locator("#pt-finder-q").fill("bank")  # the finder's open list is part of the page too
    page.locator(".pt-finder-results li").first.wait_for()
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    page.close()
    assert not bad, bad
