"""`make bench-scale`: one build at 10,000 SYNTHETIC providers (benchmarks/synthetic.py), and what a reader gets.

Prints ``name: value`` lines:
- site_build_s_10000, site_peak_rss_mb_10000   our full build (both languages), wall clock and peak memory
  (site_peak_pss_mb_10000: the same peak with memory shared by forked processes counted once)
- site_vs_material_floor_ratio_10000           over a bare Material build of the same pages (benchmarks/floor.py)
- home_html_kb_10000, largest_page_html_kb_10000  uncompressed HTML of the English home page and of the largest page
- finder_ms_10000                               Chromium, keystroke to results shown, median of 20 queries

One run (BENCH_SCALE_PROVIDERS changes the size, for a quick try).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from . import synthetic
from .bench_site import build_once
from .floor import floor_once

QUERIES = ["provider 1", "vider 23", "synthetic provider 99", "p", "prov", "ider 4567", "9", "88", "provider 5000",
           "tic pro", "provider 12", "vid", "3", "synthetic", "ovider 7", "provider 999", "1234", "der 6", "s", "42"]
# In the page: type one query as a keystroke would (the input event), then wait for the frame that shows it.
MEASURE = """async (q) => {
  const input = document.getElementById('pt-finder-q'), list = document.querySelector('.pt-finder-results');
  input.value = ''; input.dispatchEvent(new Event('input')); await new Promise(r => setTimeout(r, 30));
  const t0 = performance.now();
  input.value = q; input.dispatchEvent(new Event('input'));
  while (list.hidden || !list.children.length) {
    if (performance.now() - t0 > 10000) throw new Error('no results for ' + q);  // a query must find someone
    await new Promise(r => setTimeout(r, 0));
  }
  await new Promise(r => requestAnimationFrame(() => r()));
  return performance.now() - t0;
}"""


def matching(site: Path, queries: list[str]) -> list[str]:
    """The queries that find somebody in this build (a smaller BENCH_SCALE_PROVIDERS has no provider 5000)."""
    rows = json.loads((site / "data" / "finder.json").read_text(encoding="utf-8"))
    keys = [k.lower() for r in rows for k in [r["name"], *r["brands"]]]
    return [q for q in queries if any(q.strip() in k for k in keys)]


def finder_ms(site: Path) -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "site"))
    # the test suite's localhost server and Debian chromium
    from browser import browser, serve

    with serve(site) as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(base + "en/methodology/", wait_until="networkidle")
        page.locator("#pt-finder-q").focus()  # loads the index once, as a reader's first focus does
        page.evaluate(MEASURE, "provider")  # the first call also waits for the index
        times = [page.evaluate(MEASURE, q) for q in matching(site, QUERIES)]
    return statistics.median(times)


def main() -> int:
    providers = int(os.environ.get("BENCH_SCALE_PROVIDERS", "10000"))
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = Path(tmp)
        data = root / "data"
        synthetic.dataset(data, providers=providers, pledges_each=5, quarters=12, metrics=3)
        os.sync()
        result = build_once(data, root / "run")
        os.sync()
        floor, pages = floor_once(root / "run" / "build", root / "floor")
        site = root / "run" / "site"
        pages_html = [p for lang in ("en", "nl") for p in (site / lang).rglob("*.html")]
        largest = max(pages_html, key=lambda p: p.stat().st_size)
        figures = {
            f"site_build_s_{providers}": round(result["seconds"], 1),
            f"site_peak_rss_mb_{providers}": round(result["rss_mb"], 0),
            f"site_peak_pss_mb_{providers}": round(result["pss_mb"], 0),
            f"site_vs_material_floor_ratio_{providers}": round(result["seconds"] / floor, 3),
            f"material_floor_s_{providers}": round(floor, 1),
            f"site_pages_per_language_{providers}": pages,
            f"home_html_kb_{providers}": round((site / "en" / "index.html").stat().st_size / 1024, 1),
            f"largest_page_html_kb_{providers}": round(largest.stat().st_size / 1024, 1),
            f"finder_index_kb_{providers}": round((site / "data" / "finder.json").stat().st_size / 1024, 1),
            f"finder_ms_{providers}": round(finder_ms(site), 2),
        }
        print(f"# largest page: {largest.relative_to(site)}", file=sys.stderr)
    for name, value in figures.items():
        print(f"{name}: {value}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
