"""The engine's floor: a bare MkDocs + Material build of as many pages as ours, for the same run.

SYNTHETIC: every page is a one-line Markdown file. The floor copies our build's shape, not its content:
for each language the same page paths (so the same page count and folders), the same navigation (the hub
pages; everything else not in the nav), the same theme and search plugin, and the same pages excluded from
search (front matter ``search: exclude``), and both languages are built in parallel, as ours are. What is
left between our build and the floor is what we add: loading, scoring, generating, and the size of our pages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

from pledges.site.i18n import REPO_ROOT

EXCLUDED = "search:\n  exclude: true\n"


def write_floor(gen_docs: Path, floor_docs: Path) -> int:
    """Mirror every Markdown page under gen_docs as a trivial page under floor_docs; returns pages written."""
    count = 0
    for page in gen_docs.rglob("*.md"):
        rel = page.relative_to(gen_docs)
        head = page.read_text(encoding="utf-8")[:400]
        front = "---\ntitle: Page\n" + (EXCLUDED if EXCLUDED in head else "") + "---\n"
        target = floor_docs / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{front}\n# Page {count}\n\nA trivial page.\n", encoding="utf-8")
        count += 1
    return count


def floor_config(floor_docs: Path, site_dir: Path, lang: str) -> Path:
    ours = yaml.safe_load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": "Floor", "docs_dir": str(floor_docs), "site_dir": str(site_dir), "use_directory_urls": True,
        "theme": {"name": "material", "font": False, "language": lang, "features": ours["theme"]["features"]},
        "plugins": ["search"], "nav": ours["nav"], "not_in_nav": ours["not_in_nav"],
    }
    path = floor_docs.parent / f"floor.{lang}.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def floor_once(gen_root: Path, workdir: Path, languages: tuple[str, ...] = ("en", "nl")) -> tuple[float, int]:
    """(seconds, pages per language) of the bare build of our generated tree's page list."""
    configs, pages = [], 0
    for lang in languages:
        docs = workdir / "floor" / lang
        pages = write_floor(gen_root / "docs" / lang, docs)
        configs.append(floor_config(docs, workdir / "floor-site" / lang, lang))
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0")
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--clean", "-q", "-f", str(c)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) for c in configs]
    for proc in procs:
        output, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"floor build failed:\n{output[-2000:]}")
    return time.perf_counter() - started, pages
