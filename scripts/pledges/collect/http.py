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
- one total deadline per request (``total_timeout_s``, default 120 s) from the DNS look-up to the
  last byte — connect, status line, headers and body; robots.txt gets its own — enforced by a
  watchdog that shuts the socket, so a server that drips one byte a second, sends headers forever
  or accepts and says nothing cannot hold a run; a request over the deadline or over the size cap
  is not retried (it would only happen again);
- only public addresses: every connection (first address, redirect hops, robots.txt, links found
  on a page) resolves the host itself and refuses a loopback, private, link-local, unspecified,
  multicast or reserved address (IPv4, IPv6, IPv4 inside IPv6, numeric forms) before connecting.
  Allowed are the address the run was pointed at on purpose: the ``--endpoint`` (``HttpClient(endpoint=…)``,
  any address, a name included) and a loopback IP written literally in the configured address
  (``Policy.pointed_at``: the source's base URL; without it the URL given to ``get``).

Failures are raised as :class:`FetchError` with a message in plain words; nothing here prints.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin

import requests
import urllib3

from .addresses import (
    IPV6_LOOPBACK,
    REQUEST,
    WATCHDOG,
    Allowed,
    Guard,
    GuardedAdapter,
    address_kind,
    hostname_of,
    ip_literal,
)
from .http_types import (
    DEFAULT_CONTACT_URL,
    PROJECT,
    REDIRECTS,
    ROBOTS_AGENT,
    VERSION,
    AddressRefused,
    DeadlineError,
    FetchError,
    Policy,
    Response,
    Validator,
    _describe_status,
    _is_answer,
    _netloc,
    _plain_error,
    _retry_after_seconds,
    _status_wait,
    split_url,
    user_agent,
)

MAX_BODY_BYTES = 64 * 1024 * 1024
MAX_REDIRECTS = 5


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_start: float = 0.0
    interval: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    robots_checked: bool = False
    robots_error: str | None = None  # robots.txt gave no complete answer in time: the host is not fetched this run
    session: requests.Session | None = None


class HttpClient:
    """Thread-safe: one lock and one Session per host.

    ``endpoint``: the address the run was pointed at on purpose (``--endpoint``); its host may be a
    loopback, private or internal address, or a name resolving to one."""

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        endpoint: str | None = None,
    ):
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self.requests_made = 0
        host = hostname_of(endpoint) if endpoint else ""
        literal = ip_literal(host) if host else None
        self._endpoint = Allowed(
            frozenset([literal]) if literal is not None else frozenset(),
            frozenset([host.lower()]) if host and literal is None else frozenset(),
        )

    def _allowed(self, pointed_at: Iterable[str]) -> Allowed:
        """The endpoint's addresses, and loopback IPs written literally in the configured addresses
        (a test or a local mirror); a name in them must resolve to a public address (its DNS is not ours)."""
        loopback = set()
        for url in pointed_at:
            literal = ip_literal(hostname_of(url))
            if literal is not None and ((literal.version == 4 and literal.is_loopback) or literal == IPV6_LOOPBACK):
                loopback.add(literal)
        return Allowed(self._endpoint.addresses | loopback, self._endpoint.names)

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
                # No proxies or .netrc from the environment: the address check must see the address we
                # really connect to, and a proxy would resolve the publisher's host behind our back.
                session.trust_env = False
                session.headers["User-Agent"] = user_agent()
                adapter = GuardedAdapter(pool_connections=1, pool_maxsize=2, max_retries=0)
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

        Redirects are followed here, hop by hop, each through the gate of its own host; every hop may
        only reach a public address or one the run was pointed at (see the module's notes)."""
        policy = policy or Policy()
        allowed = self._allowed(policy.pointed_at if policy.pointed_at is not None else (url,))
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
                        self._check_robots(host, parts, current, policy, allowed)
                    response = self._get_with_retries(host, current, headers, policy, allowed)
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

    def _check_robots(self, host: _Host, parts, url: str, policy: Policy, allowed: Allowed) -> None:
        if host.robots_error:
            raise FetchError(f"{host.robots_error} (earlier in this run; nothing else is fetched from {parts.netloc})", url, final=True)
        if not host.robots_checked:
            robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
            parser = urllib.robotparser.RobotFileParser(robots_url)
            response = None
            current = robots_url
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    # its own total deadline (each attempt has one), so robots.txt cannot eat the page's
                    response = self._get_with_retries(
                        host, current, {}, replace(policy, retries=min(policy.retries, 1)), allowed, robots=True
                    )
                    if response.status not in REDIRECTS:
                        break
                    target = urljoin(current, (response.headers.get("location") or "").strip())
                    if _netloc(target) != parts.netloc or not target.startswith(("http://", "https://")):
                        response = None  # robots.txt elsewhere: followed on the same host only, else missing
                        break
                    current = target
            except DeadlineError as exc:
                # A server that cannot finish robots.txt in time would only hold us again on the page.
                host.robots_error = f"robots.txt of {parts.netloc} was not read: {exc.message}"
                raise FetchError(host.robots_error, url, final=True) from None
            except FetchError:
                response = None  # unreachable or refused robots.txt: allowed (a refused host fails on the page)
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

    def _get_with_retries(
        self, host: _Host, url: str, headers: dict, policy: Policy, allowed: Allowed, *, robots: bool = False
    ) -> Response:
        attempt = 0
        while True:
            self._wait_turn(host)
            wait: float
            try:
                response = self._once(host, url, headers, policy, allowed)
            except FetchError as exc:
                if exc.final:
                    raise
                if attempt >= policy.retries:
                    extra = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise FetchError(f"{exc.message}{extra}", url) from None
                wait = policy.backoff_s * (2**attempt)
            else:
                if _is_answer(response, robots=robots):
                    return response
                wait = _status_wait(response, url, policy, attempt)
            attempt += 1
            if wait > 0:
                # Never let the host's next request start earlier than this wait.
                host.next_start = max(host.next_start, self._clock() + wait)

    def _once(self, host: _Host, url: str, headers: dict, policy: Policy, allowed: Allowed) -> Response:
        self.requests_made += 1
        retrieved = datetime.now(UTC).replace(microsecond=0)
        deadline = policy.total_timeout_s
        guard = Guard(url, deadline, allowed)
        REQUEST.guard = guard  # the connection (same thread) finds its deadline and allowance here
        WATCHDOG.add(guard)
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
                    if guard.expired():
                        raise guard.error()
                    # read1: whatever has arrived (≤ 64 KiB); a cut socket reads as the end
                    chunk = reader.read1(65536, decode_content=True)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > MAX_BODY_BYTES:
                        raise FetchError(
                            f"the response from {url} is over the {MAX_BODY_BYTES // 1_000_000} MB cap — refusing it", url, final=True
                        )
                    chunks.append(chunk)
                if guard.finish():  # an end of body caused by the watchdog is no end
                    raise guard.error()
                return Response(
                    url=url,
                    status=raw.status_code,
                    body=b"".join(chunks),
                    headers={k.lower(): v for k, v in raw.headers.items()},
                    retrieved=retrieved,
                )
        except FetchError:
            raise
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            # Whatever broke the exchange (a cut socket shows as a reset, an EOF, a bad status line or
            # an SSL error), past the deadline it is the deadline.
            if guard.expired():
                raise guard.error() from None
            raise _plain_error(exc, url, policy) from None
        finally:
            guard.finish()
            REQUEST.guard = None



# The typed values and errors (http_types) and the address guard (addresses) stay importable from here.
__all__ = [
    "HttpClient", "Policy", "Response", "Validator", "FetchError", "DeadlineError", "AddressRefused",
    "user_agent", "split_url", "address_kind", "MAX_REDIRECTS", "MAX_BODY_BYTES", "PROJECT", "VERSION",
    "DEFAULT_CONTACT_URL", "ROBOTS_AGENT", "REDIRECTS", "_retry_after_seconds",
]
