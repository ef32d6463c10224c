"""Pledge pages: fetch a provider's page, extract the promise with a CSS selector, keep the history.

params: ``pages: [{pledge: <pledge id>, url: <page URL, or a path under base_url>, selector: <CSS>}]``.
The text of every element the selector matches is joined with single spaces (HTML parsed by
beautifulsoup4's built-in parser, selectors by soupsieve). When the wording differs from the
pledge's ``text`` (whitespace aside), the old text goes to ``previous_versions`` with
``valid_to`` = today and its old provenance, and ``text`` and ``provenance`` take the new wording.
A selector that matches nothing fails (the page layout changed): nothing is written. A page over
``max_html_mb`` or ``max_html_tags`` (see ``common.Limits``) is refused before it is parsed.
"""

from __future__ import annotations

import re

from .. import models as m
from .common import CollectError, Context, Record, Response, check_html_size, decode_text, looks_like_html
from .pipeline import per_file

MODULE = "pledge_page"


def _pages(ctx: Context) -> list[dict]:
    pages = ctx.params.get("pages")
    if not isinstance(pages, list) or not pages:
        raise CollectError("params.pages must list {pledge, url, selector} entries")
    for index, page in enumerate(pages):
        if not isinstance(page, dict) or not all(page.get(k) for k in ("pledge", "url", "selector")):
            raise CollectError(f"params.pages[{index}] needs `pledge`, `url` and `selector`")
        if page["pledge"] not in ctx.dataset.pledges:
            raise CollectError(f"params.pages[{index}] names pledge {page['pledge']!r}, which is not in data/pledges")
    return pages


def load(ctx: Context) -> list[tuple[dict, Response]]:
    pages = _pages(ctx)
    responses = ctx.fetch_many([ctx.url(str(p["url"])) for p in pages], accept="text/html")
    return list(zip(pages, responses, strict=True))  # fetch_many answers every address, in order


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def extract(html: str, selector: str, url: str) -> str:
    from bs4 import BeautifulSoup
    from soupsieve import SelectorSyntaxError

    soup = BeautifulSoup(html, "html.parser")
    try:
        found = soup.select(selector)
    except SelectorSyntaxError as exc:
        raise CollectError(f"the CSS selector {selector!r} is not valid ({str(exc).splitlines()[0]})") from None
    if not found:
        raise CollectError(f"the CSS selector {selector!r} matched nothing on {url} — the page layout may have changed; update the selector")
    text = squash(" ".join(element.get_text(" ", strip=True) for element in found))
    if not text:
        raise CollectError(f"the CSS selector {selector!r} matched only empty elements on {url}")
    return text


def new_version(ctx: Context, pledge: m.Pledge, text: str, response: Response) -> m.Pledge:
    previous = list(pledge.previous_versions)
    valid_from = previous[-1].valid_to if previous else (pledge.effective_from or pledge.published)
    if valid_from and valid_from > ctx.today:
        valid_from = None
    previous.append(m.PledgeVersion(text=pledge.text, valid_from=valid_from, valid_to=ctx.today, provenance=pledge.provenance))
    provider = ctx.dataset.providers.get(pledge.provider)
    provenance = m.Provenance(
        publisher=provider.name if provider else pledge.provenance.publisher,
        url=response.url,
        title=pledge.title,
        retrieved=response.retrieved,
        licence=pledge.provenance.licence,
        sha256=response.sha256,
        collected_by=f"collector:{MODULE}",
        note="wording read from the page by the pledge_page collector",
    )
    data = pledge.model_dump()
    data.update(text=text, previous_versions=[v.model_dump() for v in previous], provenance=provenance.model_dump())
    return m.Pledge.model_validate(data)


def parse(ctx: Context, page: dict, response: Response) -> list[Record]:
    if not looks_like_html(response.body) and response.content_type not in ("text/html", "application/xhtml+xml"):
        raise CollectError(f"expected an HTML page from {response.url}; found {response.content_type or 'no content type'}")
    check_html_size(response, ctx.limits.budget(response.url))
    text = extract(decode_text(response), str(page["selector"]), response.url)
    pledge = ctx.dataset.pledges[page["pledge"]]
    if squash(pledge.text) == text:
        return []
    return [Record("pledges", new_version(ctx, pledge, text, response))]


process = per_file(parse)
