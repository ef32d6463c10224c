"""The shared HTTP helper: per-host serialization and spacing, hosts in parallel, conditional requests."""

from __future__ import annotations

import threading
import time
from datetime import UTC

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response as WResponse

from pledges.collect.http import DeadlineError, FetchError, HttpClient, Policy, Validator, user_agent

FAST = Policy(min_interval_s=0, retries=0, backoff_s=0.01, read_timeout_s=2, connect_timeout_s=1)


class Timed:
    def __init__(self, server: HTTPServer, delay: float = 0.0):
        self.spans: list[tuple[float, float]] = []
        self.delay = delay
        server.expect_request("/robots.txt").respond_with_data("", status=404)
        server.expect_request("/data").respond_with_handler(self.handle)

    def handle(self, request):
        start = time.monotonic()
        time.sleep(self.delay)
        self.spans.append((start, time.monotonic()))
        return WResponse(b"ok", headers={"ETag": '"e1"'})


@pytest.fixture
def two_servers():
    servers = [HTTPServer(host="127.0.0.1", port=0), HTTPServer(host="127.0.0.1", port=0)]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.clear()
        server.stop()


def test_same_host_is_spaced_by_min_interval(httpserver):
    timed = Timed(httpserver)
    client = HttpClient()
    policy = Policy(min_interval_s=0.3, retries=0)
    for _ in range(3):
        client.get(httpserver.url_for("/data"), policy=policy)
    starts = [s for s, _ in timed.spans]
    assert all(b - a >= 0.28 for a, b in zip(starts, starts[1:], strict=False))


def test_different_hosts_run_concurrently_same_host_in_order(two_servers):
    a, b = (Timed(s, delay=0.3) for s in two_servers)
    client = HttpClient()
    urls = [two_servers[0].url_for("/data"), two_servers[1].url_for("/data")] * 2
    results = client.fetch_many([(url, {"policy": FAST}) for url in urls])
    assert all(r.status == 200 for r in results)
    # the two hosts overlapped in time ...
    assert a.spans[0][0] < b.spans[0][1] and b.spans[0][0] < a.spans[0][1]
    # ... while each host saw its requests one after another
    for timed in (a, b):
        assert timed.spans[1][0] >= timed.spans[0][1] - 0.01


def test_conditional_request_gives_304(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)

    def handle(request):
        if request.headers.get("If-None-Match") == '"e1"' or request.headers.get("If-Modified-Since"):
            return WResponse(status=304)
        return WResponse(b"body", headers={"ETag": '"e1"', "Last-Modified": "Mon, 02 Nov 2026 10:00:00 GMT"})

    httpserver.expect_request("/data").respond_with_handler(handle)
    client = HttpClient()
    url = httpserver.url_for("/data")
    first = client.get(url, policy=FAST)
    assert first.status == 200 and first.validator() == Validator(url, '"e1"', "Mon, 02 Nov 2026 10:00:00 GMT")
    second = client.get(url, policy=FAST, validator=first.validator())
    assert second.not_modified and second.body == b""
    assert second.validator(first.validator()) == first.validator()


def test_5xx_is_retried_with_backoff_then_succeeds(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    calls = []

    def handle(request):
        calls.append(time.monotonic())
        return WResponse(b"fail", status=502) if len(calls) < 3 else WResponse(b"ok")

    httpserver.expect_request("/data").respond_with_handler(handle)
    response = HttpClient().get(httpserver.url_for("/data"), policy=Policy(min_interval_s=0, retries=3, backoff_s=0.1))
    assert response.body == b"ok" and len(calls) == 3
    assert calls[2] - calls[1] >= calls[1] - calls[0] - 0.02  # exponential: the second wait is not shorter


def test_404_is_not_retried(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/data").respond_with_data("no", status=404)
    with pytest.raises(FetchError, match=r"HTTP 404 \(not found\)"):
        HttpClient().get(httpserver.url_for("/data"), policy=Policy(min_interval_s=0, retries=3, backoff_s=0.01))
    assert len([r for r, _ in httpserver.log if r.path == "/data"]) == 1


def test_robots_fetched_once_per_host(httpserver):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private\n")
    httpserver.expect_request("/data").respond_with_data("ok")
    client = HttpClient()
    for _ in range(3):
        client.get(httpserver.url_for("/data"), policy=FAST)
    with pytest.raises(FetchError, match="robots.txt"):
        client.get(httpserver.url_for("/private/x"), policy=FAST)
    assert len([r for r, _ in httpserver.log if r.path == "/robots.txt"]) == 1


def test_user_agent_names_project_and_contact(monkeypatch):
    monkeypatch.setenv("PLEDGES_CONTACT_URL", "https://github.com/example/pledges")
    assert user_agent().startswith("service-pledge-tracker/")
    assert "+https://github.com/example/pledges" in user_agent()


def test_policy_from_params_and_env(monkeypatch):
    monkeypatch.delenv("PLEDGES_HTTP_MIN_INTERVAL", raising=False)
    assert Policy.from_params({"min_interval_s": 3}).min_interval_s == 3
    monkeypatch.setenv("PLEDGES_HTTP_MIN_INTERVAL", "0")
    assert Policy.from_params({"min_interval_s": 3}).min_interval_s == 0
    monkeypatch.delenv("PLEDGES_HTTP_RETRIES", raising=False)
    with pytest.raises(FetchError, match="not a number"):
        Policy.from_params({"retries": "many"})


def test_a_dripping_server_cannot_hold_the_collector():
    from .servers import RawServer

    drip = RawServer("drip")
    try:
        policy = Policy(min_interval_s=0, retries=0, read_timeout_s=1, total_timeout_s=0.5, respect_robots=False)
        with pytest.raises(FetchError, match="took over 0.5 s"):
            HttpClient().get(drip.url("/slow.csv"), policy=policy)
    finally:
        drip.close()


def test_a_body_shorter_than_announced_is_a_cut_off_not_a_crash():
    from .servers import RawServer

    short = RawServer("short")
    try:
        with pytest.raises(FetchError, match="cut off"):
            HttpClient().get(short.url("/data.json"), policy=Policy(min_interval_s=0, retries=0, respect_robots=False))
    finally:
        short.close()


def test_retry_after_forms():
    from datetime import datetime, timedelta
    from email.utils import format_datetime

    from pledges.collect.http import _retry_after_seconds

    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert _retry_after_seconds("7", now.timestamp()) == 7
    assert _retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now.timestamp()) == pytest.approx(30)
    assert _retry_after_seconds("soon", now.timestamp()) is None
    assert _retry_after_seconds(None, now.timestamp()) is None


# ------------------------------------------------------------------ the total deadline


def test_a_silent_server_is_given_up_at_the_deadline_not_the_read_timeout():
    """Accepts, reads the request, says nothing: the 1 s total deadline ends it, not the 30 s read timeout."""
    from .servers import RawServer

    silent = RawServer("stall")
    try:
        policy = Policy(min_interval_s=0, retries=3, backoff_s=0.01, read_timeout_s=30, total_timeout_s=1)
        started = time.monotonic()
        with pytest.raises(DeadlineError, match=r"^no complete answer within 1 s from http://127\.0\.0\.1:\d+/data"):
            HttpClient().get(silent.url("/data"), policy=policy)
        assert time.monotonic() - started < 1 + 5
        assert silent.stalled == 1  # not retried
    finally:
        silent.close()


@pytest.mark.parametrize("mode", ["status-drip", "header-drip"])
def test_a_status_line_or_headers_dripping_at_one_byte_a_second_are_cut_at_the_deadline(mode):
    from .servers import RawServer

    drip = RawServer(mode)
    try:
        policy = Policy(min_interval_s=0, retries=3, backoff_s=0.01, read_timeout_s=30, total_timeout_s=1.5)
        started = time.monotonic()
        with pytest.raises(DeadlineError, match="no complete answer within 1.5 s"):
            HttpClient().get(drip.url("/data"), policy=policy)
        assert time.monotonic() - started < 1.5 + 5
        assert drip.requests == [b"GET /robots.txt HTTP/1.1", b"GET /data HTTP/1.1"]
    finally:
        drip.close()


def test_the_dns_look_up_counts_against_the_deadline(monkeypatch):
    """A resolver that hangs (here: 10 s) cannot hold the request past its 1 s deadline."""
    import socket

    real = socket.getaddrinfo
    release = threading.Event()

    def hanging(host, *args, **kwargs):
        if host == "slow-dns.test":
            release.wait(10)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", hanging)
    try:
        started = time.monotonic()
        with pytest.raises(DeadlineError, match="no complete answer within 1 s from http://slow-dns.test/data"):
            HttpClient().get("http://slow-dns.test/data", policy=Policy(min_interval_s=0, retries=2, total_timeout_s=1, respect_robots=False))
        assert time.monotonic() - started < 1 + 3
    finally:
        release.set()


def test_a_robots_txt_that_never_ends_fails_the_host_for_the_rest_of_the_run():
    from .servers import RawServer

    drip = RawServer("robots-drip")
    try:
        client = HttpClient()
        policy = Policy(min_interval_s=0, retries=3, backoff_s=0.01, read_timeout_s=30, total_timeout_s=1)
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"robots.txt of 127.0.0.1:\d+ was not read: no complete answer within 1 s"):
            client.get(drip.url("/a.csv"), policy=policy)
        with pytest.raises(FetchError, match="earlier in this run"):  # a second page does not wait again
            client.get(drip.url("/b.csv"), policy=policy)
        assert time.monotonic() - started < 1 + 5
        assert drip.accepted == 1
    finally:
        drip.close()
