"""Whole pages from skeletons, for the theme hook (scripts/pledges/site/theme_cache.py).

Beyond its cached parts, Material's template still costs a bulk page about 1 ms in jinja2's call machinery
(blocks, includes, macros) to print what is the same on every sibling page but four things: the title, the
content, the last segment of the URL and the feed links. So for each shape of page (the parts' key, plus what the
templates branch on) the page is rendered once more with a stand-in page whose four values are slot marks, and the
siblings fill the slots of that skeleton. A skeleton is kept only if it gives, filled with the first page's values,
exactly the page rendered as usual; values that a template filter could change (markup characters in a title) or
that hold a slot mark render as usual.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol

import jinja2
from markupsafe import escape


class PartKeys(Protocol):
    """What a skeleton's key starts from: the theme parts' key of the page (theme_cache.PartCache)."""

    def key(self, name: str, page: Any) -> tuple | None: ...


SKELETON_TEMPLATE = "pt-skeleton.html"  # overrides/pt-skeleton.html: {{ pt_page() }}
_MARK = "\ue000pt-{}\ue001"  # private-use characters: no filter in the theme changes them
SAFE_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]+")


def _mark(name: str) -> str:
    return _MARK.format(name)


class StandIn:
    """The page as the skeleton's render sees it: slot marks in place of its own values, the rest its own."""

    def __init__(self, page: Any, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self._page = page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._page, name)


@dataclass(frozen=True)
class Slots:
    shape: tuple  # what the templates may branch on: pages of one shape share a skeleton
    fills: tuple[tuple[str, str], ...]  # (slot mark, this page's text)
    stand_in: dict[str, Any]  # the stand-in page's own attributes


def slots_of(page: Any) -> Slots | None:
    """The page's slots, or None when it is rendered as usual (a value a filter could change, an unusual URL)."""
    meta = getattr(page, "meta", None)
    content, url = getattr(page, "content", None), getattr(page, "url", None)
    if not isinstance(meta, dict) or not isinstance(content, str) or not isinstance(url, str):
        return None
    title = meta.get("title")
    folder, _, segment = url.rstrip("/").rpartition("/")
    if not isinstance(title, str) or not title or str(escape(title)) != title:
        return None
    if url != f"{folder}/{segment}/" or not SAFE_SEGMENT.fullmatch(segment):
        return None
    feeds = meta.get("feeds") or []
    if not isinstance(feeds, list) or not all(isinstance(f, dict) and set(f) == {"href", "title"}
                                              and isinstance(f["href"], str) and isinstance(f["title"], str)
                                              for f in feeds):
        return None
    canonical = getattr(page, "canonical_url", None)
    if canonical is not None and not (isinstance(canonical, str) and canonical.endswith(url)):
        return None
    h1 = "\u003ch1" in content  # Material's content.html prints its own <h1> when the content has none
    stand_in_url = f"{folder}/{_mark('url')}/"
    fills = [(_mark("title"), title), (_mark("content") + ("\u003ch1" if h1 else ""), content),
             (_mark("url"), segment)]
    stand_in_feeds = []
    for i, feed in enumerate(feeds):
        fills += [(_mark(f"feed-href-{i}"), feed["href"]), (_mark(f"feed-title-{i}"), feed["title"])]
        stand_in_feeds.append({"href": _mark(f"feed-href-{i}"), "title": _mark(f"feed-title-{i}")})
    if any("\ue000" in text for _, text in fills):
        return None
    rest = {k: v for k, v in meta.items() if k not in ("title", "feeds", "template")}
    shape = (json.dumps(rest, sort_keys=True, default=repr), h1, len(feeds), canonical is not None)
    stand_in = {"title": _mark("title"), "content": fills[1][0], "url": stand_in_url,
                "meta": {**meta, "title": _mark("title"), "feeds": stand_in_feeds}}
    if canonical is not None:
        stand_in["canonical_url"] = canonical[: len(canonical) - len(url)] + stand_in_url
    return Slots(shape, tuple(fills), stand_in)


def fill(skeleton: str, fills: tuple[tuple[str, str], ...]) -> str:
    """The skeleton with each slot mark replaced by its text, in one pass over its pieces (a scan of the whole page
    for each mark cost more). No text holds a mark's first character (``slots_of``) and the skeleton holds marks
    only whole (the stand-in's values), so this is what one replace after the other gives."""
    pieces, slots = _pieces(skeleton, tuple(mark for mark, _ in fills))
    texts = [text for _, text in fills]
    out = [pieces[0]]
    for slot, piece in zip(slots, pieces[1:], strict=True):
        out += (texts[slot], piece)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _pieces(skeleton: str, marks: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The skeleton's text between the marks, and which mark stands between each two pieces."""
    found = re.compile("|".join(re.escape(mark) for mark in sorted(marks, key=len, reverse=True)))
    index = {mark: i for i, mark in enumerate(marks)}
    pieces, slots, start = [], [], 0
    for match in found.finditer(skeleton):
        pieces.append(skeleton[start:match.start()])
        slots.append(index[match.group()])
        start = match.end()
    pieces.append(skeleton[start:])
    return tuple(pieces), tuple(slots)


class PageSkeletons:
    """Rendered page skeletons of one build, by the parts' key and the page's shape (None: render as usual)."""

    def __init__(self, parts: PartKeys) -> None:
        self.parts = parts
        self.skeletons: dict[tuple, str | None] = {}
        self.filled = 0
        self.env: jinja2.Environment | None = None

    def wants(self, page: Any) -> bool:
        """Whether the page goes through ``render`` (decided once its HTML is known, before its template is)."""
        meta = getattr(page, "meta", None)
        return (self.parts.key("page", page) is not None and isinstance(meta, dict) and "template" not in meta
                and slots_of(page) is not None)

    def render(self, context: Any) -> str:
        assert self.env is not None
        main = self.env.get_template("main.html")
        variables = dict(context.get_all())
        page = variables.get("page")
        part_key = self.parts.key("page", page)
        slots = slots_of(page) if part_key is not None else None
        if slots is None:
            return main.render(variables)
        key = (part_key, slots.shape)
        skeleton = self.skeletons.get(key, "")
        if skeleton is None:
            return main.render(variables)
        if skeleton:
            self.filled += 1
            return fill(skeleton, slots.fills)
        rendered = main.render(variables)
        skeleton = main.render({**variables, "page": StandIn(page, slots.stand_in)})
        self.skeletons[key] = skeleton if fill(skeleton, slots.fills) == rendered else None
        return rendered
