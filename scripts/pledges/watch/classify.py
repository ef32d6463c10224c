"""One fetched page (or failed fetch) and one pledge → what the watcher concludes.

- 404 / 410: gone. 401 / 403 / 451 and a robots.txt refusal: blocked, could not be checked.
- other failures (network, time-outs, 5xx after retries): an error; the last state is kept.
- an answer that is not HTML (PDF, image, JSON …) or is over the page bounds: could not be checked.
- the wording found: published. A similar wording (similarity ≥ ``SIMILAR_ENOUGH``): changed.
- otherwise: a redirect to a generic page (the home page, another path) or a page that no longer
  holds it is gone; a JavaScript shell, or a pledge recorded at a site's home page, could not be checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..collect.common import (
    CollectError,
    Limits,
    Response,
    check_html_size,
    decode_text,
    looks_like_html,
)
from ..collect.http import FetchError
from .compare import SIMILAR_ENOUGH, Match, compare
from .extract import PageText, page_text
from .models import WatchState

GONE_STATUSES = (404, 410)
BLOCKED_STATUSES = (401, 403, 407, 451)
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Page:
    """What one fetch gave, read once and shared by every pledge on that page."""

    url: str
    response: Response | None
    error: FetchError | None = None
    text: PageText | None = None
    problem: tuple[WatchState, str] | None = None  # gone / unreadable before any text is compared
    network_error: str | None = None  # the fetch failed in a way a later run may not: keep the last state


@dataclass
class Verdict:
    state: WatchState | None  # None: a network error, keep the last state
    detail: str | None = None
    match: Match | None = None


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/")


def read_page(url: str, response: Response | None, error: FetchError | None, limits: Limits) -> Page:
    page = Page(url, response, error)
    if error is not None:
        if error.status in GONE_STATUSES:
            page.problem = (WatchState.gone, f"the page answers HTTP {error.status}")
        elif error.status in BLOCKED_STATUSES:
            page.problem = (WatchState.unreadable, f"the publisher refuses the request (HTTP {error.status})")
        elif "robots.txt" in error.message and "does not allow" in error.message:
            page.problem = (WatchState.unreadable, "the publisher's robots.txt does not allow fetching the page")
        elif error.final and error.status is None and "cap" in error.message:
            page.problem = (WatchState.unreadable, error.message)
        else:
            page.network_error = error.message
        return page
    assert response is not None
    if response.not_modified:
        return page
    if response.content_type not in HTML_TYPES and not looks_like_html(response.body):
        shown = response.content_type or "no content type"
        page.problem = (WatchState.unreadable, f"the page is not HTML ({shown}); its text cannot be read")
        return page
    try:
        check_html_size(response, limits.budget(response.url))
    except CollectError as exc:
        page.problem = (WatchState.unreadable, exc.message)
        return page
    page.text = page_text(decode_text(response), response.body)
    return page


def _best(pledge_text: str, text: PageText) -> Match:
    main = compare(pledge_text, text.main_tokens)
    if main.found:
        return main
    visible = compare(pledge_text, text.visible_tokens)
    return visible if visible.found or visible.similarity > main.similarity else main


def judge(page: Page, pledge_text: str, recorded_url: str, rebased: bool) -> Verdict:
    if page.network_error is not None:
        return Verdict(None, page.network_error)
    if page.problem is not None:
        return Verdict(*page.problem)
    if page.response is None or page.text is None:  # 304: the page is as it was; the last state stands
        return Verdict(None, None)
    match = _best(pledge_text, page.text)
    if match.found:
        return Verdict(WatchState.published, None, match)
    final = page.response.final_url or page.response.url
    redirected = _path(final) != _path(page.response.url)
    if match.similarity >= SIMILAR_ENOUGH and not (redirected and _path(final) == ""):
        return Verdict(WatchState.changed, None, match)
    if redirected:
        return Verdict(WatchState.gone, f"the page redirects to {final}, which does not hold the wording", match)
    if page.text.scripted:
        return Verdict(WatchState.unreadable, "the page builds its text with JavaScript; no readable text holds the wording", match)
    if not rebased and _path(recorded_url) == "":
        # A pledge recorded at a site's home page (the article's own address was not found): that page
        # cannot tell whether the promise is still published elsewhere on the site.
        return Verdict(WatchState.unreadable, "the recorded address is the site's home page, not the page holding the wording", match)
    return Verdict(WatchState.gone, "the page no longer holds the wording", match)
