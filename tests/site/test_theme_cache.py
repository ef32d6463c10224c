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

from pledges.site import theme_cache
from pledges.site.skeletons import PageSkeletons, slots_of
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
    filled = int(log.split("filled ")[1].split()[0])
    assert reused > 0 and filled > 0  # the caches did work: bulk pages took their parts, or whole skeletons, from a sibling


def _bulk(url: str, title: str, content: str, feeds=None, **meta) -> SimpleNamespace:
    return SimpleNamespace(url=url, toc=[], content=content, canonical_url=None,
                           meta={"title": title, "feeds": feeds or [], **meta})


def _skeletons(main_html: str) -> PageSkeletons:
    import jinja2

    skeletons = PageSkeletons(PartCache(NAV))
    skeletons.env = jinja2.Environment(loader=jinja2.DictLoader({"main.html": main_html}))
    skeletons.env.globals["pt_page"] = theme_cache.pt_page
    return skeletons


def _render(skeletons: PageSkeletons, page: SimpleNamespace) -> str:
    assert skeletons.env is not None
    theme_cache._skeletons = skeletons  # what on_nav and on_env set up in a build
    return skeletons.env.from_string("{{ pt_page() }}").render(page=page, base_url="..")


MAIN = ("<title>{{ page.meta.title }}</title><a href='{{ base_url }}/nl/{{ page.url }}'>nl</a>"
        "{% for f in page.meta.feeds %}<link href='{{ f.href }}' title='{{ f.title }}'>{% endfor %}"
        "{% if '<h1' not in page.content %}<h1>{{ page.title }}</h1>{% endif %}{{ page.content }}")


def test_sibling_pages_fill_one_skeleton_with_their_own_values() -> None:
    skeletons = _skeletons(MAIN)
    pages = [_bulk(f"providers/p-{i}/", f"Provider {i}", f"<p>text {i}</p>",
                   feeds=[{"href": f"../feeds/p-{i}.xml", "title": f"Feed {i}"}]) for i in range(3)]
    for page in pages:
        page.title = page.meta["title"]
    out = [_render(skeletons, page) for page in pages]
    assert out[2] == ("<title>Provider 2</title><a href='../nl/providers/p-2/'>nl</a>"
                      "<link href='../feeds/p-2.xml' title='Feed 2'><h1>Provider 2</h1><p>text 2</p>")
    assert skeletons.filled == 2 and len(skeletons.skeletons) == 1
    # a content with its own heading is another shape (the template branches on it)
    with_h1 = _bulk("providers/p-9/", "Provider 9", "<h1>Own</h1>")
    with_h1.title = "Provider 9"
    assert _render(skeletons, with_h1) == "<title>Provider 9</title><a href='../nl/providers/p-9/'>nl</a><h1>Own</h1>"
    assert len(skeletons.skeletons) == 2


def test_a_skeleton_that_does_not_give_the_page_back_is_not_used() -> None:
    # a filter changes the title: the filled skeleton would differ from the page, so every page renders as usual
    skeletons = _skeletons("<title>{{ page.meta.title | upper }}</title>{{ page.content }}")
    out = [_render(skeletons, _bulk(f"a/p{i}/", f"Name {i}", "x")) for i in range(3)]
    assert out == ["<title>NAME 0</title>x", "<title>NAME 1</title>x", "<title>NAME 2</title>x"]
    assert skeletons.filled == 0 and list(skeletons.skeletons.values()) == [None]


def test_values_a_filter_could_change_render_as_usual() -> None:
    assert slots_of(_bulk("a/b/", "Plain name", "x")) is not None
    assert slots_of(_bulk("a/b/", "AT&T <b>", "x")) is None  # markup characters in the title
    assert slots_of(_bulk("a/b/", "Name", "text \ue000pt-url\ue001")) is None  # a slot mark in the content
    assert slots_of(_bulk("a/b%20c/", "Name", "x")) is None  # an unusual URL segment
    assert slots_of(_bulk("a/b/", "Name", "x", feeds=[{"href": "f.xml"}])) is None  # a feed without a title
    assert PageSkeletons(PartCache(NAV)).wants(_bulk("providers/", "Hub", "x")) is False  # a navigation page


def test_a_region_page_keeps_nothing_between_render_and_write_and_notices_a_changed_file(tmp_path) -> None:
    from pledges.site.rawhtml import RAW_END, RAW_START
    from pledges.site.theme_cache import on_page_markdown

    source = tmp_path / "p.md"
    body = f"\n{RAW_START}\n<div><table><tr><td>1</td><td>2</td></tr></table></div>\n{RAW_END}\n"
    source.write_text("---\ntitle: P\nsearch:\n  exclude: true\n---\n" + body, encoding="utf-8")
    class File:
        src_uri = "p.md"

        @property
        def content_string(self) -> str:
            return source.read_text(encoding="utf-8")

    page = SimpleNamespace(url="a/p/", toc=[], meta={"title": "P", "search": {"exclude": True}}, markdown=body,
                           file=File())
    on_page_markdown(body, page, None, None)
    page.render(None, None)  # the region's render: no Markdown
    html = page.content
    assert html == "<div><table><tr><td>1</td><td>2</td></tr></table></div>"
    page.content = on_page_content(html, page, None, None)
    assert page.content == "" and getattr(page, "pt_compressed", None) is None  # nothing held: read again later
    on_page_context({}, page, None, None)
    assert page.content == html
    # the file changed under the build: it says so instead of writing another page's text
    on_page_markdown(body, page, None, None)
    page.render(None, None)
    page.content = on_page_content(page.content, page, None, None)
    source.write_text(source.read_text(encoding="utf-8").replace("<td>2</td>", "<td>3</td>"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="changed while MkDocs"):
        on_page_context({}, page, None, None)


def test_search_indexes_every_page_and_strips_attributes_only_where_there_are_some() -> None:
    """QuickSearchContext stands in for Material's search handler: the same index entries, and a page holding a
    ``data-search-*`` attribute still loses it (the plugin's own method runs for it)."""
    from material.plugins.search.plugin import SearchIndex, SearchPlugin
    from mkdocs.plugins import PluginCollection

    plugins = PluginCollection()
    search = SearchPlugin()
    search.load_config({})
    plugins["material/search"] = search
    search.search_index = SearchIndex(**search.config)  # what the plugin's on_config makes
    theme_cache.quicken_search_context(plugins)
    theme_cache.quicken_search_context(plugins)  # a second build in one process: wrapped once, not twice
    handlers = [h for h in plugins.events["page_context"] if isinstance(h, theme_cache.QuickSearchContext)]
    assert len(handlers) == 1 and plugins._event_origins[handlers[0]] == "material/search"

    def page(url: str, content: str) -> SimpleNamespace:
        return SimpleNamespace(url=url, content=content, toc=[], meta={}, title=url)

    plain = page("a/", '<h1 id="a">A</h1><p>keep "this" as it is</p>')
    marked = page("b/", '<h1 id="b">B</h1><p data-search-exclude="yes">hidden</p><p>shown</p>')
    before = plain.content
    for each in (plain, marked):
        plugins.on_page_context({}, page=each, config=None, nav=None)  # type: ignore[arg-type]
    assert plain.content == before  # nothing to strip: the same string
    assert marked.content == '<h1 id="b">B</h1><p>hidden</p><p>shown</p>'  # stripped, as the plugin does
    entries = search.search_index.entries
    assert [entry["location"] for entry in entries] == ["a/", "b/"]
    assert "keep" in entries[0]["text"] and entries[1]["text"] == "<p>shown</p>"  # the marked paragraph left out


def test_fill_is_one_replace_after_the_other():
    """skeletons.fill in one pass gives what replacing each mark in turn gives. No text holds a mark's first
    character, and a skeleton holds marks only whole (the stand-in page's values), so no replace makes a new one."""
    import random

    from pledges.site.skeletons import _mark, fill

    rng = random.Random(7)
    marks = [_mark("title"), _mark("content") + "\u003ch1", _mark("url"), _mark("feed-href-0"), _mark("feed-href-1"),
             _mark("feed-title-1"), _mark("feed-href-10")]
    words = ["<p>", "a", "\u003ch1", "é", "\n", "{{", "pt-", "\ue001"]
    for _ in range(300):
        chosen = rng.sample(marks, rng.randint(1, len(marks)))
        skeleton = "".join(rng.choice(words + chosen * 2) for _ in range(rng.randint(0, 40)))
        fills = tuple((mark, rng.choice(["", "T", "<b>x</b>", "pt-url", "\u003ch1>Title"])) for mark in chosen)
        expected = skeleton
        for mark, text in fills:
            expected = expected.replace(mark, text)
        assert fill(skeleton, fills) == expected
