"""The one HTTP helper every collector uses.

- ``requests.Session`` with a User-Agent naming the project and a contact URL;
- connect and read timeouts; a cap on the body size;
- retries with exponential backoff on connection errors, timeouts and 5xx;
- ``Retry-After`` honoured on 429 and 503, up to a cap (a longer wait is a failure, not a sleep);
- conditional requests (``If-None-Match`` / ``If-Modified-Since``) from remembered validators;
- robots.txt fetched once per host and respected (a missing robots.txt allows everything);
- one lock per host: requests to the same host are serialized and spaced by the host's
  ``min_interval_s``; different hosts run concurrently (``fetch_many`` uses a thread pool);
- redirects are followed by hand, at most ``MAX_REDIRECTS`` (5) hops, and every hop goes through
  the politeness gate (lock, spacing, robots.txt) of the host it goes to — a server that redirects
  to itself cannot make us bypass its rate limit. A robots.txt redirect is followed on the same
  host only; a robots.txt that redirects elsewhere counts as missing;
- one deadline per response (``total_timeout_s``, default 120 s): connect, headers and the whole
  body must arrive within it, so a server dripping bytes cannot hold us; a response over the
  deadline or over the size cap is not retried (it would only happen again).

Failures are raised as :class:`FetchError` with a message in plain words; nothing here prints.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import os
import threading
import time
import urllib.robotparser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

PROJECT = "service-pledge-tracker"
VERSION = "0.1"
# The address a publisher can use to reach us; the workflow sets PLEDGES_CONTACT_URL to the repository.
DEFAULT_CONTACT_URL = "https://github.com/service-pledge-tracker"
ROBOTS_AGENT = "service-pledge-tracker"
MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 5
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


def split_url(url: str):
    """``urlsplit`` that refuses what is not an http(s) address with a FetchError instead of a ValueError."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise FetchError(f"{url!r} is not a valid address ({exc}) — fix the URL", url, final=True) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url!r} is not an http(s) address — fix the URL in the source's params", url, final=True)
    return parts


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
    total_timeout_s: float = 120.0  # one response, connect to last byte: a server dripping bytes cannot hold us
    respect_robots: bool = True

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
    def from_params(cls, params: dict | None) -> "Policy":
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
    retrieved: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))
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


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    interval: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_checked: bool = False
    session: requests.Session | None = None


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
        when = when.replace(tzinfo=timezone.utc)
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


class HttpClient:
    """Thread-safe: one lock and one Session per host."""

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self.requests_made = 0

    def close(self) -> None:
        for host in self._hosts.values():
            if host.session is not None:
                host.session.close()

    def _host(self, netloc: str) -> _Host:
        with self._hosts_lock:
            host = self._hosts.get(netloc)
            if host is None:
                host = self._hosts[netloc] = _Host()
                session = requests.Session()
                session.headers["User-Agent"] = user_agent()
                adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=2, max_retries=0)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
                host.session = session
            return host

    # ------------------------------------------------------------------ public

    def get(
        self,
        url: str,
        *,
        policy: Policy | None = None,
        validator: Validator | None = None,
        accept: str | None = None,
    ) -> Response:
        """GET one URL politely. A 304 comes back as a Response with ``not_modified``; errors raise FetchError.

        Redirects are followed here, hop by hop, each through the gate of its own host."""
        policy = policy or Policy()
        headers = {}
        if accept:
            headers["Accept"] = accept
        if validator is not None and validator.url == url:
            if validator.etag:
                headers["If-None-Match"] = validator.etag
            if validator.last_modified:
                headers["If-Modified-Since"] = validator.last_modified
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            try:
                parts = split_url(current)
                host = self._host(parts.netloc)
                with host.lock:
                    host.interval = max(host.interval, policy.min_interval_s)
                    if policy.respect_robots:
                        self._check_robots(host, parts, current, policy)
                    response = self._get_with_retries(host, current, headers, policy)
            except FetchError as exc:
                if hop:
                    exc.message = f"{exc.message} (reached by a redirect from {url})"
                    exc.args = (exc.message,)
                raise
            if response.status not in REDIRECTS:
                response.final_url = current
                response.url = url
                return response
            location = (response.headers.get("location") or "").strip()
            if not location:
                raise FetchError(f"{_describe_status(response.status)} from {current} names no Location to go to", url, response.status)
            current = urljoin(current, location)
        raise FetchError(
            f"{url} redirects more than {MAX_REDIRECTS} times (the last hop to {current}) — "
            "put the final address in the source's params",
            url,
            final=True,
        )

    def fetch_many(
        self, jobs: Iterable[tuple[str, dict]], *, max_workers: int = 16, stop_on_error: bool = False
    ) -> list[Response | FetchError]:
        """Fetch many URLs: different hosts concurrently, the same host in order. Keeps the input order.

        ``jobs`` are ``(url, keyword arguments for get)``. Each result is a Response or the FetchError.
        With ``stop_on_error`` the first failure stops the rest: URLs not yet started come back as a
        FetchError with ``skipped`` set (the job fails anyway, so why keep the publisher busy).
        """
        jobs = list(jobs)
        by_host: dict[str, list[int]] = {}
        for index, (url, _) in enumerate(jobs):
            by_host.setdefault(_netloc(url), []).append(index)
        results: list[Response | FetchError | None] = [None] * len(jobs)
        failed = threading.Event()

        def run_chain(indexes: list[int]) -> None:
            for index in indexes:
                url, kwargs = jobs[index]
                if stop_on_error and failed.is_set():
                    results[index] = FetchError(f"{url} was not fetched: another address failed first", url, skipped=True)
                    continue
                try:
                    results[index] = self.get(url, **kwargs)
                except FetchError as exc:
                    results[index] = exc
                    failed.set()

        workers = max(1, min(max_workers, len(by_host)))
        if workers == 1:
            for chain in by_host.values():
                run_chain(chain)
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
                list(pool.map(run_chain, by_host.values()))
        return results  # type: ignore[return-value]

    # ------------------------------------------------------------------ internals

    def _wait_turn(self, host: _Host) -> None:
        """Space requests to one host by its interval (called with the host lock held)."""
        now = self._clock()
        if host.next_start > now:
            self._sleep(host.next_start - now)
        host.next_start = self._clock() + host.interval

    def _check_robots(self, host: _Host, parts, url: str, policy: Policy) -> None:
        if not host.robots_checked:
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            parser = urllib.robotparser.RobotFileParser(robots_url)
            response = None
            current = robots_url
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    response = self._get_with_retries(host, current, {}, replace(policy, retries=min(policy.retries, 1)), robots=True)
                    if response.status not in REDIRECTS:
                        break
                    target = urljoin(current, (response.headers.get("location") or "").strip())
                    if _netloc(target) != parts.netloc or not target.startswith(("http://", "https://")):
                        response = None  # robots.txt elsewhere: followed on the same host only, else missing
                        break
                    current = target
            except FetchError:
                response = None
            if response is not None and response.status == 200:
                parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
                host.robots = parser
            else:
                host.robots = None  # missing or unreadable robots.txt: allowed
            host.robots_checked = True
        if host.robots is not None and not host.robots.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(
                f"robots.txt of {parts.netloc} does not allow {ROBOTS_AGENT} to fetch {parts.path or '/'} — "
                "ask the publisher or use another address",
                url,
            )

    def _get_with_retries(self, host: _Host, url: str, headers: dict, policy: Policy, *, robots: bool = False) -> Response:
        attempt = 0
        while True:
            self._wait_turn(host)
            wait: float | None = None
            try:
                response = self._once(host, url, headers, policy)
            except FetchError as exc:
                if exc.final:
                    raise
                if attempt >= policy.retries:
                    extra = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise FetchError(f"{exc.message}{extra}", url) from None
                wait = policy.backoff_s * (2**attempt)
            else:
                status = response.status
                if robots and 400 <= status < 500 and status != 429:
                    return response
                if status in REDIRECTS and response.headers.get("location"):
                    return response  # get() follows it through the next host's gate
                if status < 400 and status != 300 and status not in REDIRECTS:
                    return response
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
            attempt += 1
            if wait > 0:
                # Never let the host's next request start earlier than this wait.
                host.next_start = max(host.next_start, self._clock() + wait)

    def _once(self, host: _Host, url: str, headers: dict, policy: Policy) -> Response:
        self.requests_made += 1
        retrieved = datetime.now(timezone.utc).replace(microsecond=0)
        deadline = policy.total_timeout_s
        started = time.monotonic()

        def over_deadline() -> FetchError:
            return FetchError(
                f"the response from {url} took over {deadline:g} s (connect to last byte) — giving up", url, final=True
            )

        try:
            with host.session.get(  # type: ignore[union-attr]
                url,
                headers=headers,
                timeout=(min(policy.connect_timeout_s, deadline), min(policy.read_timeout_s, deadline)),
                stream=True,
                allow_redirects=False,
            ) as raw:
                announced = raw.headers.get("content-length", "")
                if announced.isdigit() and int(announced) > MAX_BODY_BYTES:
                    raise FetchError(
                        f"the response from {url} announces {int(announced):,} bytes, over the "
                        f"{MAX_BODY_BYTES // 1_000_000} MB cap — refusing it",
                        url,
                        final=True,
                    )
                chunks = []
                size = 0
                reader = raw.raw
                while True:
                    if time.monotonic() - started > deadline:
                        raise over_deadline()
                    # read1: whatever has arrived (≤ 64 KiB), so a slow drip is noticed between reads
                    chunk = reader.read1(65536, decode_content=True)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise FetchError(
                            f"the response from {url} is over the {MAX_BODY_BYTES // 1_000_000} MB cap — refusing it", url, final=True
                        )
                    chunks.append(chunk)
                if time.monotonic() - started > deadline:
                    raise over_deadline()
                return Response(
                    url=url,
                    status=raw.status_code,
                    body=b"".join(chunks),
                    headers={k.lower(): v for k, v in raw.headers.items()},
                    retrieved=retrieved,
                )
        except FetchError:
            raise
        except requests.exceptions.ConnectTimeout:
            raise FetchError(f"connecting to {_netloc(url)} timed out after {policy.connect_timeout_s:g} s", url) from None
        except (requests.exceptions.ReadTimeout, requests.exceptions.Timeout, urllib3.exceptions.ReadTimeoutError):
            if time.monotonic() - started >= deadline:
                raise over_deadline() from None
            raise FetchError(f"the server did not answer {url} within {policy.read_timeout_s:g} s (read timeout)", url) from None
        except requests.exceptions.ConnectionError as exc:
            raise FetchError(f"connection to {_netloc(url)} failed ({_short_reason(exc)})", url) from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, urllib3.exceptions.HTTPError) as exc:
            raise FetchError(f"the response from {url} was cut off ({_short_reason(exc)})", url) from None
        except requests.exceptions.ChunkedEncodingError as exc:
            raise FetchError(f"the response from {url} was cut off ({_short_reason(exc)})", url) from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"request to {url} failed ({_short_reason(exc)})", url) from None


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


__all__ = ["HttpClient", "Policy", "Response", "Validator", "FetchError", "user_agent", "split_url", "MAX_REDIRECTS"]
