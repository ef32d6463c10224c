"""The HTTP layer's typed values and errors: the politeness Policy, remembered Validators, the Response, and
FetchError with the plain-words explanation of a failure. ``http`` re-exports every name."""

from __future__ import annotations

import email.utils
import functools
import hashlib
import http.client
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import SplitResult, urlsplit

import requests
import urllib3

from ..urls import UrlFault, url_problem

PROJECT = "service-pledge-tracker"
VERSION = "0.1"
# The address a publisher can use to reach us; the workflow sets PLEDGES_CONTACT_URL to the repository.
DEFAULT_CONTACT_URL = "https://github.com/service-pledge-tracker"
ROBOTS_AGENT = "service-pledge-tracker"
REDIRECTS = (301, 302, 303, 307, 308)


def user_agent() -> str:
    contact = os.environ.get("PLEDGES_CONTACT_URL") or DEFAULT_CONTACT_URL
    return f"{PROJECT}/{VERSION} (+{contact}; open-data collector)"


class FetchError(Exception):
    """A request that failed for good, explained in plain words."""

    def __init__(self, message: str, url: str = "", status: int | None = None, *, final: bool = False, skipped: bool = False):
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status
        self.final = final  # retrying cannot help (size cap, deadline, too many redirects)
        self.skipped = skipped  # not fetched because another address of the same job failed first


class DeadlineError(FetchError):
    """No complete answer within the request's total deadline."""


class AddressRefused(FetchError):
    """The host is (or resolves to) an address we do not fetch from: nothing was sent."""


def split_url(url: str) -> SplitResult:
    """``urlsplit`` that refuses what is not an http(s) address with a FetchError instead of a ValueError."""
    problem = url_problem(url)
    if problem is not None and problem.fault is UrlFault.malformed:
        raise FetchError(f"{url!r} is not a valid address ({problem}) — fix the URL", url, final=True)
    if problem is not None:
        raise FetchError(f"{url!r} is not an http(s) address — fix the URL in the source's params", url, final=True)
    return urlsplit(url)


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc
    except ValueError:
        return url


@dataclass(frozen=True)
class Policy:
    """Politeness and patience for one host. Sources set these in ``params``; env vars can shrink them in tests."""

    min_interval_s: float = 1.0
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 60.0
    retries: int = 3
    backoff_s: float = 2.0
    retry_after_cap_s: float = 120.0
    total_timeout_s: float = 120.0  # one request, DNS to last byte: a server dripping bytes cannot hold us
    respect_robots: bool = True
    # The addresses this source was configured with (set by the runner, never from params): a loopback
    # IP written in them may be fetched. None: the URL given to ``get`` is the one pointed at.
    pointed_at: tuple[str, ...] | None = None

    ENV = {
        "min_interval_s": "PLEDGES_HTTP_MIN_INTERVAL",
        "connect_timeout_s": "PLEDGES_HTTP_CONNECT_TIMEOUT",
        "read_timeout_s": "PLEDGES_HTTP_READ_TIMEOUT",
        "retries": "PLEDGES_HTTP_RETRIES",
        "backoff_s": "PLEDGES_HTTP_BACKOFF",
        "retry_after_cap_s": "PLEDGES_HTTP_RETRY_AFTER_CAP",
        "total_timeout_s": "PLEDGES_HTTP_TOTAL_TIMEOUT",
    }

    @classmethod
    def from_params(cls, params: dict | None) -> Policy:
        """Read the politeness keys of a source's ``params``; PLEDGES_HTTP_* env vars override them."""
        params = params or {}
        values: dict = {}
        for name in cls.ENV:
            raw = os.environ.get(cls.ENV[name], params.get(name))
            if raw is None:
                continue
            try:
                number = float(raw)
            except (TypeError, ValueError):
                raise FetchError(f"parameter {name} is {raw!r}, not a number — write a number of seconds") from None
            if number < 0:
                raise FetchError(f"parameter {name} is negative ({number}) — write zero or more")
            values[name] = int(number) if name == "retries" else number
        if "respect_robots" in params:
            values["respect_robots"] = bool(params["respect_robots"])
        return cls(**values)


@dataclass
class Validator:
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Response:
    url: str  # the exact URL requested, query included
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    retrieved: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    final_url: str = ""  # where the answer came from after redirects ("" = url)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @functools.cached_property
    def sha256(self) -> str:
        # Cached: collectors stamp it on every figure (thousands per workbook); the body never changes.
        return hashlib.sha256(self.body).hexdigest()

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def validator(self, previous: Validator | None = None) -> Validator | None:
        """What to send next time; a 304 keeps the previous validator."""
        if self.not_modified:
            return previous
        etag = self.headers.get("etag")
        modified = self.headers.get("last-modified")
        if not etag and not modified:
            return None
        return Validator(self.url, etag, modified)


def _retry_after_seconds(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


REASONS = {
    400: "bad request",
    401: "needs a login",
    403: "access refused",
    404: "not found",
    410: "gone",
    429: "too many requests",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def _describe_status(status: int) -> str:
    return f"HTTP {status} ({REASONS.get(status, 'error')})"


def _plain_error(exc: BaseException, url: str, policy: Policy) -> FetchError:
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FetchError(f"connecting to {_netloc(url)} timed out after {policy.connect_timeout_s:g} s", url)
    if isinstance(exc, (requests.exceptions.Timeout, urllib3.exceptions.ReadTimeoutError, TimeoutError)):
        return FetchError(f"the server did not answer {url} within {policy.read_timeout_s:g} s (read timeout)", url)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return FetchError(f"connection to {_netloc(url)} failed ({_short_reason(exc)})", url)
    if isinstance(exc, (urllib3.exceptions.HTTPError, requests.exceptions.ChunkedEncodingError, http.client.HTTPException)):
        return FetchError(f"the response from {url} was cut off ({_short_reason(exc)})", url)
    return FetchError(f"request to {url} failed ({_short_reason(exc)})", url)


PLAIN_REASONS = {
    "Connection reset by peer": "the server reset the connection",
    "Connection refused": "connection refused",
    "Connection aborted": "the connection was cut",
    "Remote end closed connection": "the server closed the connection without an answer",
    "Read timed out": "read timeout",
    "IncompleteRead": "fewer bytes arrived than announced",
    "Name or service not known": "the host name could not be found",
    "Temporary failure in name resolution": "the host name could not be found",
    "timed out": "timed out",
}


def _short_reason(exc: BaseException) -> str:
    text = str(exc)
    for marker, words in PLAIN_REASONS.items():
        if marker in text:
            return words
    return (type(exc).__name__ + (f": {text[:160]}" if text else "")).strip()


def _is_answer(response: Response, *, robots: bool) -> bool:
    """A response to hand back as it is (a redirect is followed by get() through the next host's gate)."""
    status = response.status
    if robots and 400 <= status < 500 and status != 429:
        return True
    if status in REDIRECTS and response.headers.get("location"):
        return True
    return status < 400 and status != 300 and status not in REDIRECTS


def _status_wait(response: Response, url: str, policy: Policy, attempt: int) -> float:
    """How long to wait before retrying an error status, or the FetchError when it is not retried."""
    status = response.status
    wait: float | None = None
    if status in (429, 503):
        asked = _retry_after_seconds(response.headers.get("retry-after"), time.time())
        if asked is not None and asked > policy.retry_after_cap_s:
            raise FetchError(
                f"{_describe_status(status)} from {url}: the server asks to wait {asked:.0f} s, longer than "
                f"the {policy.retry_after_cap_s:.0f} s we wait — the next scheduled run will try again",
                url,
                status,
            )
        wait = asked if asked is not None else policy.backoff_s * (2**attempt)
    elif status >= 500:
        wait = policy.backoff_s * (2**attempt)
    if wait is None or attempt >= policy.retries:
        extra = f" (after {attempt + 1} attempts)" if attempt else ""
        raise FetchError(f"{_describe_status(status)} from {url}{extra}", url, status)
    return wait
