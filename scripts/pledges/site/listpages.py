"""Long lists split into pages: the A–Z providers list and the pledges list at 10,000 providers would be
megabytes of HTML in one page (slow to build, slow to open on a phone). Each page holds ``PAGE_ROWS`` rows;
the first page keeps the hub's address (providers/, pledges/), the others are <hub>/list/<n>/, and every
page links to every other by the names it runs from and to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PAGE_ROWS = 1000
# A scoreboard row carries rank, score, counts, rate and trend (about 450 bytes of HTML, more when not ranked):
# 500 rows keep a sector page (and a metric page, one row per series) well under 600 KB however many providers.
BOARD_ROWS = 500


@dataclass(frozen=True)
class ListPage:
    number: int  # from 1
    path: str  # the generated Markdown file
    url: str  # relative to the language root
    rows: Sequence[Any]
    first: str
    last: str


def split(hub: str, rows: Sequence[Any], label: Callable[[Any], str], size: int = PAGE_ROWS,
          first_page: tuple[str, str] | None = None) -> list[ListPage]:
    """The pages of one hub's list (always at least one, so an empty list still has its page).

    ``first_page`` = (path, url) puts the first page somewhere else than the hub's index (a scoreboard's first rows stay
    on its sector page)."""
    chunks = [rows[i:i + size] for i in range(0, len(rows), size)] or [rows]
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        path = f"{hub}/index.md" if number == 1 else f"{hub}/list/{number}.md"
        url = f"{hub}/" if number == 1 else f"{hub}/list/{number}/"
        if number == 1 and first_page:
            path, url = first_page
        first, last = (label(chunk[0]), label(chunk[-1])) if len(chunk) else ("", "")
        pages.append(ListPage(number, path, url, chunk, first, last))
    return pages
