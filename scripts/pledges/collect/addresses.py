"""Which addresses we fetch from: every connection resolves its host itself and refuses loopback, private,
link-local, multicast or reserved addresses (IPv4, IPv6, IPv4 inside IPv6, numeric forms) before connecting, under a
watchdog that enforces the request's total deadline. ``HttpClient`` mounts the guarded adapter defined here."""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import socket
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
import urllib3

from .http_types import AddressRefused, DeadlineError, Policy

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
IPV6_LOOPBACK = ipaddress.IPv6Address("::1")


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


def ip_literal(host: str):
    """The address when ``host`` is written as a plain IP (``127.0.0.1``, ``::1``), else None.
    Numeric forms such as ``2130706433``, ``0x7f000001`` or ``127.1`` are not literals here: they
    count as names, so the address they resolve to has to be public."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def hostname_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


@dataclass(frozen=True)
class Allowed:
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


class Guard:
    """One request's deadline and allowed addresses; the connections it uses register with it."""

    def __init__(self, url: str, seconds: float, allowed: Allowed):
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

    def add(self, guard: Guard) -> None:
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


WATCHDOG = _Watchdog()
REQUEST = threading.local()  # the guard of the request this thread is making


def _current_guard() -> Guard:
    guard = getattr(REQUEST, "guard", None)
    # A connection made outside HttpClient._once: no allowance; DNS and connect bounded by the default deadline.
    return guard if guard is not None else Guard("", Policy().total_timeout_s, Allowed())


def _resolve(host: str, port: int, guard: Guard) -> list:
    """getaddrinfo within the guard's remaining time (a hung resolver is left behind in its daemon
    thread; it ends by itself when the resolver gives up)."""
    if ip_literal(host) is not None:
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


def _refuse_unless_allowed(host: str, infos: list, guard: Guard) -> None:
    name = host.strip("[]").lower().rstrip(".")
    if name in guard.allowed.names:
        return
    literal = ip_literal(name)
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


if TYPE_CHECKING:  # the mixin's attributes and super() calls are those of urllib3's connection
    _ConnectionBase = urllib3.connection.HTTPConnection
else:
    _ConnectionBase = object


class _GuardedConnection(_ConnectionBase):
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
        guard = getattr(REQUEST, "guard", None)
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


class GuardedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


