"""The files a source names in its params (or links to from a page): which to fetch, and for which period."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .context import Context
from .errors import CollectError
from .http import Response
from .readers import check_html_size, decode_text

# --------------------------------------------------------------------------- files named in params


@dataclass
class FileTarget:
    url: str
    period: str | None = None


PERIOD_GROUPS = re.compile(r"(?P<year>\d{4})\D{0,3}(?:(?P<h>h[12])|(?P<q>q[1-4]))", re.IGNORECASE)


def period_from_text(text: str) -> str | None:
    match = PERIOD_GROUPS.search(text)
    if not match:
        return None
    part = (match.group("h") or match.group("q")).upper()
    return f"{match.group('year')}-{part}"


def file_targets(ctx: Context, what: str) -> list[FileTarget]:
    """The files to fetch: ``params.files`` ([{path or url, period}]) or links on the ``base_url`` page
    whose address matches ``params.link_pattern`` (the newest ``params.latest``, default 1)."""
    files = ctx.params.get("files")
    if files:
        if not isinstance(files, list):
            raise CollectError("params.files must be a list of {path, period} entries")
        targets = []
        for index, entry in enumerate(files):
            if not isinstance(entry, dict) or not (entry.get("path") or entry.get("url")):
                raise CollectError(f"params.files[{index}] needs `path` (relative to base_url) or `url`")
            url = ctx.url(str(entry.get("path") or entry.get("url")))
            period = entry.get("period")
            targets.append(FileTarget(url, str(period) if period else period_from_text(url)))
        return targets
    pattern = ctx.params.get("link_pattern")
    if not pattern:
        raise CollectError(
            f"params names no {what}: add `files: [{{path: ..., period: ...}}]` or a `link_pattern` for links on {ctx.base_url}"
        )
    return discover_links(ctx, str(pattern), int(ctx.params.get("latest", 1)), what)


def discover_links(ctx: Context, pattern: str, latest: int, what: str) -> list[FileTarget]:
    from urllib.parse import urljoin

    from bs4 import BeautifulSoup  # only the link-discovering collectors need it

    page = ctx.fetch(ctx.base_url, accept="text/html", conditional=False)
    check_html_size(page, ctx.limits.budget(page.url))
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise CollectError(f"params.link_pattern is not a valid regular expression ({exc})") from None
    soup = BeautifulSoup(decode_text(page), "html.parser")
    found: dict[str, FileTarget] = {}
    for link in soup.find_all("a", href=True):
        url = urljoin(page.url, str(link["href"]))
        if regex.search(url):
            found.setdefault(url, FileTarget(url, period_from_text(url.rsplit("/", 1)[-1])))
    if not found:
        raise CollectError(f"expected links to {what} matching {pattern!r} on {page.url}; found none — the page may have changed")
    targets = sorted(found.values(), key=lambda t: (t.period or "", t.url))
    return targets[-max(1, latest):]



def load_files(ctx: Context, what: str, accept: str | None = None) -> list[tuple[str | None, Response]]:
    """Fetch the files a source lists (or links to): (period given in params or None, response)."""
    targets = file_targets(ctx, what)
    kwargs = {"accept": accept} if accept else {}
    responses = ctx.fetch_many([t.url for t in targets], **kwargs)
    return [(t.period, r) for t, r in zip(targets, responses, strict=True)]  # one response per address, in order


