"""The theme-part cache (scripts/pledges/site/theme_cache.py) changes how fast pages are made, never what they say.

The strong test builds one language of a generated site twice, with the cache and with PLEDGES_THEME_CACHE=0,
and compares every file byte for byte: a part reused on a page where it differs (a nav page's active link, a
folder's relative links, a table of contents) would show up as a difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from pledges.site.theme_cache import PartCache, in_search, on_page_content, on_page_context

NAV = ("", "providers/", "sectors/", "about/")


def _page(url: str, toc=(), meta=None) -> SimpleNamespace:
    return SimpleNamespace(url=url, toc=list(toc), meta=meta or {})


def test_siblings_share_a_part_and_nav_pages_do_not() -> None:
    cache = PartCache(NAV)
    rendered: list[str] = []

    def render(text: str):
        def caller() -> str:
            rendered.append(text)
            return text
        return caller

    first = cache.render("site_nav", _page("providers/a/"), render("nav for providers/a"))
    second = cache.render("site_nav", _page("providers/b/"), render("nav for providers/b"))
    assert first == second == "nav for providers/a" and cache.hits == 1
    # another folder: links are relative to it, so the part is rendered again
    assert cache.render("site_nav", _page("pledges/x/"), render("nav for pledges/x")) == "nav for pledges/x"
    # a navigation page marks itself active: never reused, never stored
    assert cache.render("site_nav", _page("providers/"), render("nav A")) == "nav A"
    assert cache.render("site_nav", _page("about/"), render("nav B")) == "nav B"
    assert rendered == ["nav for providers/a", "nav for pledges/x", "nav A", "nav B"]


def test_keys_keep_apart_what_may_differ() -> None:
    cache = PartCache(NAV)
    assert cache.key("x", None) is None  # the 404 page has no page
    assert cache.key("x", _page("")) is None
    # a page of the navigation lies inside this page's folder: a link to it is shorter from here
    assert PartCache(("guide/part/",)).key("x", _page("guide/")) is None
    plain, with_toc = cache.key("x", _page("a/b/")), cache.key("x", _page("a/c/", toc=[_toc("Heading")]))
    assert plain is not None and with_toc is not None and plain != with_toc
    assert cache.key("x", _page("a/b/")) != cache.key("x", _page("a/c/", meta={"hide": ["toc"]}))
    assert cache.key("x", _page("a/b/")) == cache.key("x", _page("a/c/"))
    assert PartCache(NAV, enabled=False).key("x", _page("a/b/")) is None


def _toc(title: str) -> SimpleNamespace:
    return SimpleNamespace(title=title, url="#" + title.lower(), level=2, children=[])


def test_cells_are_spaced_only_where_search_reads_them() -> None:
    html = "<tr><td>12</td><td>kept</td></tr>"
    assert _round_trip(html, _page("a/")) == "<tr><td>12</td> <td>kept</td> </tr>"
    excluded = _page("a/", meta={"search": {"exclude": True}})
    assert not in_search(excluded) and _round_trip(html, excluded) == html


def _round_trip(html: str, page: SimpleNamespace) -> str:
    """What the page's HTML is when the theme and the search plugin read it (on_page_context)."""
    page.content = on_page_content(html, page, None, None)
    assert page.content == "" and page.markdown == ""  # held compressed in between
    on_page_context({}, page, None, None)
    return page.content


def _mkdocs(generated_config: Path, site_dir: Path, cache: str) -> str:
    config = site_dir.parent / f"{site_dir.name}.yml"
    config.write_text(yaml.safe_dump({"INHERIT": str(generated_config), "site_dir": str(site_dir)}), encoding="utf-8")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0", PLEDGES_THEME_CACHE=cache)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("which,lang", [("hostile_site", "nl"), ("real_site", "en")])
def test_cached_build_is_byte_identical(which, lang, request, tmp_path) -> None:
    site = request.getfixturevalue(which)
    generated = site.parent / "build" / f"mkdocs.{lang}.yml"  # the generated tree beside a site/ folder
    assert generated.is_file()
    log = _mkdocs(generated, tmp_path / "cached", "1")
    _mkdocs(generated, tmp_path / "uncached", "0")
    cached, uncached = _files(tmp_path / "cached"), _files(tmp_path / "uncached")
    assert cached.keys() == uncached.keys() and len(cached) > 20
    different = [name for name in cached if cached[name] != uncached[name]]
    assert different == []
    # the sidebar names every hub page (a lost page title would read "None" there)
    import re

    page = next(name for name in cached if name.startswith("providers/") and name.count("/") == 2)
    labels = re.findall(r'<span class="md-ellipsis">\s*([^<]*?)\s*</span>', cached[page].decode("utf-8"))
    assert len(labels) >= 12 and "None" not in labels and "" not in labels, labels
    reused = int(log.split("reused ")[1].split()[0])
    assert reused > 0  # the cache did work: bulk pages took their parts from a sibling
