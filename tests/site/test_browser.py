"""The built site in a real browser: Debian's chromium driven by Playwright, served from localhost.

Marked `browser`; skipped when /usr/bin/chromium is missing (`make test` installs it).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from browser import CHROMIUM, browser, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make browser)"),
]


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def real(real_site):
    with serve(real_site) as base:
        yield base


@pytest.fixture(scope="module")
def hostile(hostile_site):
    with serve(hostile_site) as base:
        yield base


class Watch:
    """Records console errors, page errors, dialogs and every request of one page."""

    def __init__(self, page, base: str):
        self.base = base
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("request", self._request)
        page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("dialog", self._dialog)

    def _request(self, request):
        if not request.url.startswith(self.base) and not request.url.startswith("data:"):
            self.foreign.append(request.url)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def test_every_real_page_loads_cleanly(chromium, real, real_site):
    pages = sorted(p.relative_to(real_site).as_posix() for lang in ("en", "nl") for p in (real_site / lang).rglob("index.html"))
    assert len(pages) > 20
    context = chromium.new_context()
    page = context.new_page()
    watch = Watch(page, real)
    problems = []
    for rel in pages:
        page.goto(real + rel, wait_until="load")
        if watch.errors or watch.foreign or watch.failed:
            problems.append(rel)
    page.wait_for_load_state("networkidle")
    context.close()
    assert not (watch.errors or watch.foreign or watch.failed), (problems[:5], watch.errors[:5], watch.foreign[:5],
                                                                 watch.failed[:5])


def test_clicking_a_scoreboard_header_sorts(chromium, real):
    page = chromium.new_page()
    page.goto(real + "en/", wait_until="networkidle")
    index = page.evaluate("""() => [...document.querySelectorAll('table[data-sortable]')].findIndex(t =>
        [...t.querySelectorAll('tbody tr td:nth-child(3)')].filter(c => c.getAttribute('data-sort-value')).length >= 3)""")
    assert index >= 0, "no scoreboard with three scores"
    table = page.locator("table[data-sortable]").nth(index)
    header = table.locator("thead th").nth(2)  # score

    def scores():
        values = table.locator("tbody tr td:nth-child(3)").evaluate_all(
            "cells => cells.map(c => c.getAttribute('data-sort-value'))")
        return [float(v) for v in values if v not in (None, "")]

    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    ascending = scores()
    assert len(ascending) >= 2 and ascending == sorted(ascending)
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "descending"
    descending = scores()
    assert descending == sorted(ascending, reverse=True)
    provider_header = table.locator("thead th").nth(1)
    provider_header.locator("button").click()
    names = table.locator("tbody tr th a").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    page.close()


def test_language_switch_keeps_the_page(chromium, real, real_site):
    provider = sorted(p.name for p in (real_site / "en/providers").iterdir() if p.is_dir())[0]
    page = chromium.new_page()
    page.goto(real + f"en/providers/{provider}/", wait_until="networkidle")
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=nl]").click()
    page.wait_for_load_state("load")
    assert page.url == real + f"nl/providers/{provider}/"
    assert page.locator("html").get_attribute("lang") == "nl"
    page.locator(".md-header__option .md-select").hover()
    page.locator("a.md-select__link[hreflang=en]").click()
    page.wait_for_load_state("load")
    assert page.url == real + f"en/providers/{provider}/"
    page.close()


def test_charts_render(chromium, hostile):
    page = chromium.new_page()
    page.goto(hostile + "en/providers/beta-broadband/", wait_until="networkidle")
    chart = page.locator("svg.pt-chart").first
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 60
    assert chart.locator("title").text_content().startswith("Complaints per 100,000 customers")
    line = chart.locator("path.pt-line")
    assert line.evaluate("p => p.getTotalLength()") > 100
    page.locator("details summary").first.click()
    assert page.locator("details table tbody tr").first.is_visible()
    page.screenshot(path="/tmp/pt-chart.png")
    page.close()


HOSTILE_PAGES = ["en/", "en/providers/acme-telecom/", "en/pledges/acme-repair-guarantee/", "nl/sources/",
                 "en/changelog/", "nl/providers/", "en/pledges/", "en/sectors/telecoms/", "en/metrics/complaints-per-100k/"]


@pytest.mark.parametrize("rel", HOSTILE_PAGES)
def test_contributor_markup_shows_as_text_and_never_runs(chromium, hostile, rel):
    context = chromium.new_context()
    page = context.new_page()
    watch = Watch(page, hostile)
    page.goto(hostile + rel, wait_until="networkidle")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator('a[href^="javascript:" i]').count() == 0
    assert page.locator("img[onerror], [onerror]").count() == 0
    text = page.locator("article").inner_text()
    # the markup and the Markdown link syntax are shown literally, not interpreted
    assert "<script>window.__xss = 1</script>" in text
    assert "[click me](javascript:window.__xss=3)" in text
    for href in page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        lowered = href.strip().lower()
        assert lowered.startswith(("http://", "https://", "#", ".", "/")) or ":" not in lowered.split("/")[0], href
        assert not lowered.startswith(("javascript:", "data:", "vbscript:")), href
    assert not watch.dialogs and not watch.foreign
    assert not [e for e in watch.errors if "__xss" in e]
    context.close()


def test_csv_download_equals_the_data(chromium, hostile, hostile_data):
    from datetime import date

    from pledges.dataset import load_dataset

    dataset = load_dataset(hostile_data, date(2026, 11, 23))
    page = chromium.new_page()
    page.goto(hostile + "en/providers/beta-broadband/", wait_until="networkidle")
    link = page.locator("a[download][href$='statistics.csv']").first
    response = page.request.get(page.url + link.get_attribute("href"))
    assert response.ok
    rows = list(csv.DictReader(io.StringIO(response.text())))
    expected = {s.id: s for s in dataset.statistics.values() if s.provider == "beta-broadband"}
    assert {r["id"] for r in rows} == set(expected)
    for row in rows:
        assert float(row["value"]) == expected[row["id"]].value
        assert row["period"] == expected[row["id"]].period
    page.close()


@pytest.mark.parametrize("kind", ["home", "provider", "pledge"])
def test_axe_finds_no_serious_violations(chromium, real, real_site, kind):
    from axe_playwright_python.sync_playwright import Axe

    if kind == "home":
        rel = "en/"
    else:
        folder = "providers" if kind == "provider" else "pledges"
        first = sorted(p.name for p in (real_site / "en" / folder).iterdir() if p.is_dir())[0]
        rel = f"en/{folder}/{first}/"
    page = chromium.new_page()
    page.goto(real + rel, wait_until="networkidle")
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    page.screenshot(path=f"/tmp/pt-axe-{kind}.png", full_page=True)
    page.close()
    assert not bad, bad


def test_pages_with_feed_links_make_no_failing_request(chromium, real, real_site):
    """Material fetches `sitemap.xml` beside every `<link rel="alternate">` of a page's head, the feed
    autodiscovery links included: each feed folder must answer, or every such page makes a 404 request."""
    pledge = sorted((real_site / "nl" / "pledges").glob("*/index.html"))[0].parent.name
    provider = sorted((real_site / "en" / "providers").glob("*/index.html"))[0].parent.name
    context = chromium.new_context()
    page = context.new_page()
    watch = Watch(page, real)
    for rel in (f"nl/pledges/{pledge}/", f"en/providers/{provider}/", "en/"):
        page.goto(real + rel, wait_until="networkidle")
        assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() >= 1, rel
    context.close()
    assert not (watch.failed or watch.errors or watch.foreign), (watch.failed, watch.errors, watch.foreign)
