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

import email.utils
import functools
import hashlib
import heapq
import http.client
import ipaddress
import itertools
import os
import socket
import sys
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


class DeadlineError(FetchError):
    """No complete answer within the request's total deadline."""


class AddressRefused(FetchError):
    """The host is (or resolves to) an address we do not fetch from: nothing was sent."""


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
    robots_error: str | None = None  # robots.txt gave no complete answer in time: the host is not fetched this run
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


# ------------------------------------------------------------------ addresses we fetch from

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV6_LOOPBACK = ipaddress.IPv6Address("::1")


def _embedded_ipv4(address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv6 one (mapped, 6to4, Teredo, NAT64, IPv4-compatible), if any:
    ``::ffff:127.0.0.1`` reaches 127.0.0.1 and must be judged as 127.0.0.1."""
    if address.version != 6:
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if any(address in net for net in _NAT64) or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address) -> str | None:
    """None for a public address; else what it is, in words ("loopback", "private", ...)."""
    for candidate in (_embedded_ipv4(address), address):
        if candidate is None:
            continue
        if candidate.is_unspecified:
            return "unspecified"
        if candidate.is_loopback:
            return "loopback"
        if candidate.is_link_local:
            return "link-local"
        if candidate.is_multicast:
            return "multicast"
        if candidate.is_private:
            return "private"
        if candidate.is_reserved:
            return "reserved"
        if getattr(candidate, "is_site_local", False):
            return "site-local"
        if not candidate.is_global:
            return "non-public"
    return None


def _ip_literal(host: str):
    """The address when ``host`` is written as a plain IP (``127.0.0.1``, ``::1``), else None.
    Numeric forms such as ``2130706433``, ``0x7f000001`` or ``127.1`` are not literals here: they
    count as names, so the address they resolve to has to be public."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


@dataclass(frozen=True)
class _Allowed:
    """Non-public addresses one request may connect to: these exact IPs when the host is written as
    that IP, and any address of these host names (the ``--endpoint``'s, given on the command line)."""

    addresses: frozenset = frozenset()
    names: frozenset = frozenset()


# ------------------------------------------------------------------ the total deadline
#
# requests/urllib3 timeouts apply to each socket operation, so a server that sends one byte a second
# never trips them. The deadline is enforced by a watchdog thread that shuts down the request's socket
# when the time is up: a blocked read — status line, headers, body, TLS handshake — returns at once,
# whatever the layer above it (http.client, ssl, urllib3) is doing. That is more robust than setting
# the socket timeout to the remaining time before each read, which needs a hook in every layer that
# reads (ssl reads bypass a wrapped socket). The watchdog shuts down a duplicate of the socket's file
# descriptor (shutdown acts on the socket, not the descriptor), because ssl takes over the original
# socket object when it wraps it. The DNS look-up (which cannot be interrupted) runs in a helper
# thread that we stop waiting for at the deadline; connects get at most the remaining time.


class _Guard:
    """One request's deadline and allowed addresses; the connections it uses register with it."""

    def __init__(self, url: str, seconds: float, allowed: _Allowed):
        self.url = url
        self.seconds = seconds
        self.allowed = allowed
        self.deadline = time.monotonic() + seconds
        self.fired = False
        self.done = False
        self._lock = threading.Lock()
        self._connections: list = []

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def expired(self) -> bool:
        return self.fired or self.remaining() <= 0

    def error(self) -> DeadlineError:
        return DeadlineError(
            f"no complete answer within {self.seconds:g} s from {self.url}: it took over {self.seconds:g} s "
            "(connect to last byte) — giving up, the next scheduled run will try again",
            self.url,
            final=True,
        )

    def watch(self, connection) -> None:
        # Under the guard's lock: once ``finish`` has run, the connection may serve another request.
        with self._lock:
            if self.done:
                return
            if connection not in self._connections:
                self._connections.append(connection)
            if self.fired:
                connection._cut()

    def expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.fired = True
            for connection in self._connections:
                connection._cut()

    def finish(self) -> bool:
        """The request is over; True if the deadline passed first."""
        with self._lock:
            self.done = True
            self._connections.clear()
            return self.fired or self.remaining() <= 0


class _Watchdog:
    """One thread for all requests: expires each guard at its deadline (a heap, earliest first)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap: list = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, guard: _Guard) -> None:
        with self._cond:
            heapq.heappush(self._heap, (guard.deadline, next(self._order), guard))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pledges-http-deadline", daemon=True)
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                guard = heapq.heappop(self._heap)[2]
            guard.expire()


_WATCHDOG = _Watchdog()
_REQUEST = threading.local()  # the guard of the request this thread is making


def _current_guard() -> _Guard:
    guard = getattr(_REQUEST, "guard", None)
    # A connection made outside HttpClient._once: no allowance; DNS and connect bounded by the default deadline.
    return guard if guard is not None else _Guard("", Policy().total_timeout_s, _Allowed())


def _resolve(host: str, port: int, guard: _Guard) -> list:
    """getaddrinfo within the guard's remaining time (a hung resolver is left behind in its daemon
    thread; it ends by itself when the resolver gives up)."""
    if _ip_literal(host) is not None:
        return socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    box: dict = {}
    done = threading.Event()

    def look_up() -> None:
        try:
            box["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=look_up, name="pledges-dns", daemon=True).start()
    if not done.wait(max(0.0, guard.remaining())):
        raise guard.error()
    if "error" in box:
        raise box["error"]
    return box["infos"]


def _refuse_unless_allowed(host: str, infos: list, guard: _Guard) -> None:
    name = host.strip("[]").lower().rstrip(".")
    if name in guard.allowed.names:
        return
    literal = _ip_literal(name)
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        kind = address_kind(address)
        if kind is None:
            continue
        if literal is not None and literal == address and address in guard.allowed.addresses:
            continue
        inner = _embedded_ipv4(address)
        shown = f"{address} (IPv4 {inner} inside IPv6)" if inner is not None else str(address)
        what = f"{shown} is" if literal is not None and literal == address else f"{host} resolves to {shown},"
        article = "an" if kind[0] in "aeiou" else "a"
        raise AddressRefused(
            f"refusing to fetch {guard.url}: {what} {article} {kind} address — only public addresses are fetched; "
            "to collect from a local or internal server on purpose, pass its address with --endpoint",
            guard.url,
            final=True,
        )


class _GuardedConnection:
    """Mixed into urllib3's connection classes: resolve the host ourselves, refuse non-public
    addresses, connect to exactly the address checked (no second look-up that DNS could answer
    differently) within the remaining time, and let the request's guard cut the socket."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._watch_lock = threading.Lock()
        self._watch: socket.socket | None = None

    def _new_conn(self) -> socket.socket:
        guard = _current_guard()
        host = self._dns_host.rstrip(".")
        try:
            infos = _resolve(host, self.port, guard)
        except socket.gaierror as exc:
            raise urllib3.exceptions.NameResolutionError(self.host, self, exc) from exc
        _refuse_unless_allowed(host, infos, guard)
        timeout = self.timeout if isinstance(self.timeout, (int, float)) else None
        last: OSError | None = None
        for family, kind, proto, _, sockaddr in infos:
            remaining = guard.remaining()
            if remaining <= 0:
                raise guard.error()
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(remaining if timeout is None else min(timeout, remaining))
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            with self._watch_lock:
                if self._watch is not None:
                    self._watch.close()
                self._watch = sock.dup()
            guard.watch(self)
            sys.audit("http.client.connect", self, self.host, self.port)
            return sock
        if isinstance(last, TimeoutError):
            raise urllib3.exceptions.ConnectTimeoutError(self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})")
        raise urllib3.exceptions.NewConnectionError(self, f"Failed to establish a new connection: {last}")

    def request(self, *args, **kwargs):
        guard = getattr(_REQUEST, "guard", None)
        if guard is not None:
            guard.watch(self)  # a kept-alive connection: its socket exists already
        return super().request(*args, **kwargs)

    def _cut(self) -> None:
        """Called by the watchdog: every blocked read on this connection returns now."""
        with self._watch_lock:
            if self._watch is not None:
                try:
                    self._watch.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        try:
            super().close()
        finally:
            with self._watch_lock:
                if self._watch is not None:
                    self._watch.close()
                    self._watch = None


class _HTTPConnection(_GuardedConnection, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_GuardedConnection, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


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
        host = _hostname(endpoint) if endpoint else ""
        literal = _ip_literal(host) if host else None
        self._endpoint = _Allowed(
            frozenset([literal]) if literal is not None else frozenset(),
            frozenset([host.lower()]) if host and literal is None else frozenset(),
        )

    def _allowed(self, pointed_at: Iterable[str]) -> _Allowed:
        """The endpoint's addresses, and loopback IPs written literally in the configured addresses
        (a test or a local mirror); a name in them must resolve to a public address (its DNS is not ours)."""
        loopback = set()
        for url in pointed_at:
            literal = _ip_literal(_hostname(url))
            if literal is not None and ((literal.version == 4 and literal.is_loopback) or literal == _IPV6_LOOPBACK):
                loopback.add(literal)
        return _Allowed(self._endpoint.addresses | loopback, self._endpoint.names)

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
                adapter = _Adapter(pool_connections=1, pool_maxsize=2, max_retries=0)
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

    def _check_robots(self, host: _Host, parts, url: str, policy: Policy, allowed: _Allowed) -> None:
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
        self, host: _Host, url: str, headers: dict, policy: Policy, allowed: _Allowed, *, robots: bool = False
    ) -> Response:
        attempt = 0
        while True:
            self._wait_turn(host)
            wait: float | None = None
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

    def _once(self, host: _Host, url: str, headers: dict, policy: Policy, allowed: _Allowed) -> Response:
        self.requests_made += 1
        retrieved = datetime.now(timezone.utc).replace(microsecond=0)
        deadline = policy.total_timeout_s
        guard = _Guard(url, deadline, allowed)
        _REQUEST.guard = guard  # the connection (same thread) finds its deadline and allowance here
        _WATCHDOG.add(guard)
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
            _REQUEST.guard = None


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


__all__ = [
    "HttpClient", "Policy", "Response", "Validator", "FetchError", "DeadlineError", "AddressRefused",
    "user_agent", "split_url", "address_kind", "MAX_REDIRECTS",
]
