"""A MkDocs hook: the theme's parts that do not depend on the page are rendered once per folder, not once per page.

Why: Material renders its whole navigation, the search box, the scripts, the styles and the app config into every
page. With 1,000 providers that is 6,000 pages a language, each rendering the same sidebar again: half of the
theme's time on a bulk page (cProfile in the README's Performance section). For a page that is not in the
navigation, none of those parts depends on the page itself, only on the folder it lies in (every link in them is
made relative to the page's folder). So ``overrides/main.html`` wraps each of them in
``{% call pt_cached("name") %}{{ super() }}{% endcall %}``: the first page of a folder renders the part, its
siblings reuse the text.

When a part may differ, it is rendered as usual:
- the page is in the navigation (the sidebar marks it active), or a page of the navigation lies inside its folder
  (a link to it would be written shorter from there);
- the page's table of contents or ``hide`` list is part of the key, because the sidebar part shows the table of
  contents;
- no page (the 404 page), or ``PLEDGES_THEME_CACHE=0`` (what the test compares against: both builds must give
  the same bytes, tests/site/test_theme_cache.py).

A page outside the navigation is rendered from a skeleton of its shape (``pledges.site.skeletons``), and a page
that is one marked region skips Markdown (``on_page_markdown``, ``rawhtml.whole_region``), and our pages' front matter
is read without YAML (``pledges.site.frontmatter``).

The same hook lets MkDocs forget each page's Markdown source once rendered, keeps its HTML compressed until
the page is written and forgets it then (``on_page_content``, ``on_page_context``, ``on_post_page``), and spaces table cells and list items of the pages the search index takes in (``searchtext.spaced``),
so search snippets do not glue neighbouring cells into one word; pages excluded from search skip that work.

``pledges build`` lists this file under ``hooks:`` in each language's generated config (build.language_config).
"""

from __future__ import annotations

import functools
import logging
import os
import zlib
from typing import Any

import jinja2
from markupsafe import Markup
from mkdocs.plugins import event_priority

from pledges.site.frontmatter import read_front_matter
from pledges.site.rawhtml import ID, whole_region
from pledges.site.searchtext import spaced
from pledges.site.skeletons import SKELETON_TEMPLATE, PageSkeletons

DISABLE_ENV = "PLEDGES_THEME_CACHE"  # "0": render every part for every page
# under mkdocs.* so that MkDocs shows it with its own messages
LOG = logging.getLogger("mkdocs.plugins.pledges.theme_cache")


def toc_key(items: Any) -> tuple:
    """What a table of contents shows, as a hashable value (empty for our generated pages)."""
    return tuple((item.title, item.url, item.level, toc_key(item.children)) for item in items or ())


class PartCache:
    """Rendered theme parts of one build, by part name and page folder."""

    def __init__(self, nav_urls: tuple[str, ...] = (), enabled: bool = True) -> None:
        self.nav_urls = nav_urls
        self.enabled = enabled
        self.parts: dict[tuple, Markup] = {}
        self.hits = 0

    def key(self, name: str, page: Any) -> tuple | None:
        """The cache key of ``name`` on ``page``, or None when the part must be rendered for this page."""
        if not self.enabled or page is None:
            return None
        url = getattr(page, "url", None)
        if not isinstance(url, str) or not url or url in self.nav_urls:
            return None
        if any(nav_url.startswith(url) for nav_url in self.nav_urls):
            return None
        folder = url.rstrip("/").rpartition("/")[0]
        meta = getattr(page, "meta", None) or {}
        hide = tuple(meta.get("hide") or ()) if isinstance(meta, dict) else ()
        return (name, folder, toc_key(getattr(page, "toc", None)), hide)

    def render(self, name: str, page: Any, caller: Any) -> Markup:
        key = self.key(name, page)
        if key is None:
            return Markup(caller())
        found = self.parts.get(key)
        if found is None:
            found = self.parts[key] = Markup(caller())
        else:
            self.hits += 1
        return found


_cache = PartCache()

_skeletons = PageSkeletons(_cache)


def on_nav(nav: Any, config: Any, files: Any) -> Any:
    """A new build: forget the last build's parts, remember which pages the navigation lists."""
    global _cache, _skeletons
    urls = tuple(sorted(page.url for page in getattr(nav, "pages", ()) if isinstance(page.url, str)))
    _cache = PartCache(urls, enabled=os.environ.get(DISABLE_ENV, "1") != "0")
    _skeletons = PageSkeletons(_cache)
    read_front_matter_quickly(_cache.enabled)
    if _cache.enabled:
        quicken_search_context(config.plugins)
    return nav


def read_front_matter_quickly(on: bool) -> None:
    """Our pages' one line of JSON front matter read with ``json.loads`` (frontmatter.read_front_matter), or, off,
    every page's with MkDocs' YAML. MkDocs reads the pages after ``on_nav``. Its function is kept on its module:
    MkDocs loads this hook afresh for each build, in one process perhaps several times."""
    from mkdocs.utils import meta

    original = meta.__dict__.setdefault("pt_original_get_data", meta.get_data)
    meta.get_data = functools.partial(read_front_matter, fallback=original) if on else original


# What Material's search plugin strips from a page's HTML once it has indexed the page.
SEARCH_ATTRIBUTE = "data-search-"


class QuickSearchContext:
    """Material's search plugin's ``on_page_context``, without its strip where there is nothing to strip.

    After indexing a page the plugin removes ``data-search-*`` attributes from its HTML with the regex
    ``\\s?data-search-\\w+="[^"]+"``, which no literal anchors: it tries a match at every character of every page
    (a second a language at 1,000 providers), and our pages hold no such attribute. Where the HTML holds no
    ``data-search-``, the regex matches nothing and changes nothing, so this indexes the page as the plugin does and
    skips the strip; any other page goes through the plugin's own method."""

    def __init__(self, plugin: Any, original: Any) -> None:
        self.plugin, self.original = plugin, original

    def __call__(self, context: Any, *, page: Any, config: Any, nav: Any) -> Any:
        content = getattr(page, "content", None)
        if not isinstance(content, str) or SEARCH_ATTRIBUTE in content:
            return self.original(context, page=page, config=config, nav=nav)
        if self.plugin.config.enabled:
            self.plugin.search_index.add_entry_from_context(page)
        return None


def quicken_search_context(plugins: Any) -> None:
    """Put ``QuickSearchContext`` in place of the search plugin's handler, at its place in the event's order."""
    from material.plugins.search.plugin import SearchPlugin

    handlers = getattr(plugins, "events", {}).get("page_context", [])
    for index, handler in enumerate(handlers):
        plugin = getattr(handler, "__self__", None)
        if isinstance(plugin, SearchPlugin) and getattr(handler, "__name__", "") == "on_page_context":
            quick = handlers[index] = QuickSearchContext(plugin, handler)
            origins = getattr(plugins, "_event_origins", None)
            if isinstance(origins, dict) and handler in origins:  # MkDocs names the plugin in its error messages
                origins[quick] = origins[handler]


@jinja2.pass_context
def pt_cached(context: Any, name: str, caller: Any) -> Markup:
    return _cache.render(name, context.get("page"), caller)


@jinja2.pass_context
def pt_page(context: Any) -> str:
    return _skeletons.render(context)


def on_post_build(config: Any) -> None:
    kept = sum(1 for s in _skeletons.skeletons.values() if s is not None)
    LOG.info("theme parts: %d rendered once per folder, reused %d times; page skeletons: %d kept of %d, "
             "filled %d times", len(_cache.parts), _cache.hits, kept, len(_skeletons.skeletons), _skeletons.filled)


def on_env(env: jinja2.Environment, config: Any, files: Any) -> jinja2.Environment:
    env.globals["pt_cached"] = pt_cached
    env.globals["pt_page"] = pt_page
    _skeletons.env = env
    return env


def in_search(page: Any) -> bool:
    """False for a page whose front matter says ``search: exclude: true`` (the search plugin's own rule)."""
    meta = getattr(page, "meta", None) or {}
    search = meta.get("search") if isinstance(meta, dict) else None
    return not (isinstance(search, dict) and search.get("exclude"))


def _render_region(page: Any, html: str, config: Any, files: Any) -> None:
    """What ``Page.render`` leaves on a page whose text is one marked region (rawhtml.whole_region)."""
    from mkdocs.structure.toc import get_toc

    del page.render  # the page's own method again; this one held the HTML
    page.content = page.pt_region_html = html
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set(ID.findall(html))
    if logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() > logging.DEBUG:  # as Page.render
        page.links_to_anchors = {}


@event_priority(100)
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """A page that is one marked region skips Markdown: its render sets what Markdown would have (a tenth of
    MkDocs' time on a bulk page went to building a Markdown parser for it)."""
    html = whole_region(markdown) if _cache.enabled else None
    if html is not None:
        page.render = functools.partial(_render_region, page, html)
        page.pt_source_tail = len(markdown)  # the Markdown is the end of the file's text, after the front matter
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    """Cells spaced where the search index will see them; the page's source let go and its HTML kept compressed.

    MkDocs reads and renders every page before it writes the first one, and keeps each page's Markdown source and
    HTML until then: at 10,000 providers, gigabytes per language. Nothing reads the source after this point, and
    nothing reads the HTML before the page is written (on_page_context below puts it back first), so the source
    goes and the HTML waits compressed (zlib level 1: a sixth of the size, milliseconds a page). A page that is one
    marked region, as its render left it, keeps nothing: on_page_context reads its HTML again from its file."""
    page.markdown = ""  # not None: MkDocs 1.6 reads a None source as "no title yet", and the nav would say None
    region = page.__dict__.pop("pt_region_html", None)
    html = spaced(html) if in_search(page) else html
    page.content = html
    if _skeletons.wants(page):  # MkDocs picks the template before on_page_context: it is chosen here
        page.meta["template"] = SKELETON_TEMPLATE
    if region is not None and region is html:  # no plugin before this one changed it, and no spacing
        page.pt_region_crc = zlib.crc32(html.encode("utf-8"))
    else:
        page.pt_compressed = zlib.compress(html.encode("utf-8"), 1)
    return ""


def _region_again(page: Any) -> str:
    """A region page's HTML, from its file as it was read (the generated files do not change during the build)."""
    html = whole_region(page.file.content_string[-page.pt_source_tail:])
    if html is None or zlib.crc32(html.encode("utf-8")) != page.pt_region_crc:
        raise RuntimeError(f"{page.file.src_uri} changed while MkDocs was building the site: build again")
    return html


@event_priority(100)  # first: the search plugin and the theme read page.content after this
def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """The page's HTML back, just before it is indexed and written."""
    compressed = getattr(page, "pt_compressed", None)
    if compressed is not None:
        page.content = zlib.decompress(compressed).decode("utf-8")
        page.pt_compressed = None
    elif getattr(page, "pt_region_crc", None) is not None:
        page.content = _region_again(page)
        page.pt_region_crc = None
    return context


def on_post_page(output: str, page: Any, config: Any) -> str:
    """The page is written next: its HTML is not read again (the search plugin took its text in on_page_context;
    anchor checks use the links and ids recorded while rendering)."""
    page.content = None
    return output
