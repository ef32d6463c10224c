"""Limits of the HTTP helper on real localhost servers: redirects pass the politeness gate, the size
cap and the whole-response deadline are not retried, bad addresses are plain errors (no traceback)."""

from __future__ import annotations

import socket
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response as WResponse

from pledges.collect import http as http_module
from pledges.collect.http import MAX_REDIRECTS, AddressRefused, FetchError, HttpClient, Policy
from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from .conftest import FIXTURES, make_data, provider, run_cli, serve_robots, snapshot, source
from .servers import RawServer

CFPB = "cfpb-complaint-database"
CA = "citizens-advice-star-rating"
CA_CSV = (FIXTURES / "ca_star_rating_panel_q4_2025_q1_2026_tidy.csv").read_bytes()


@pytest.fixture
def other_server():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def closed_port() -> int:
    """A localhost port that refuses connections (bound, then closed)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# ------------------------------------------------------------------ redirects


def test_a_redirect_loop_is_stopped_and_every_hop_is_spaced(httpserver):
    """A server answering 302 to itself: at most 1 + MAX_REDIRECTS requests, each waiting min_interval_s."""
    serve_robots(httpserver)
    hits: list[float] = []

    def loop(request):
        hits.append(time.monotonic())
        return WResponse(b"", status=302, headers={"Location": "/loop"})

    httpserver.expect_request("/loop").respond_with_handler(loop)
    with pytest.raises(FetchError, match=f"redirects more than {MAX_REDIRECTS} times"):
        HttpClient().get(httpserver.url_for("/loop"), policy=Policy(min_interval_s=0.15, retries=2, backoff_s=0.01))
    assert len(hits) == MAX_REDIRECTS + 1  # not retried either
    assert all(b - a >= 0.14 for a, b in zip(hits, hits[1:])), [round(b - a, 3) for a, b in zip(hits, hits[1:])]


def test_a_redirect_to_another_host_goes_through_that_hosts_gate(httpserver, other_server):
    serve_robots(other_server, "User-agent: *\nDisallow: /private\n")
    other_server.expect_request("/data.csv").respond_with_data("a,b\n1,2\n", content_type="text/csv", headers={"ETag": '"x"'})
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/moved.csv").respond_with_data("", status=301, headers={"Location": other_server.url_for("/data.csv")})
    httpserver.expect_request("/hidden").respond_with_data("", status=302, headers={"Location": other_server.url_for("/private/x")})
    client = HttpClient()
    url = httpserver.url_for("/moved.csv")
    response = client.get(url, policy=Policy(min_interval_s=0, retries=0))
    assert response.status == 200 and response.body == b"a,b\n1,2\n"
    assert response.url == url  # what we asked for (validators and provenance key on it) ...
    assert response.final_url == other_server.url_for("/data.csv")  # ... and where the answer came from
    assert [r.path for r, _ in other_server.log] == ["/robots.txt", "/data.csv"]  # the other host's robots.txt was read
    with pytest.raises(FetchError, match="robots.txt of 127.0.0.1:"):  # and is obeyed after a redirect
        client.get(httpserver.url_for("/hidden"), policy=Policy(min_interval_s=0, retries=0))


def test_a_redirect_to_a_refusing_host_names_that_host(httpserver):
    port = closed_port()
    serve_robots(httpserver)
    httpserver.expect_request("/data").respond_with_data("", status=302, headers={"Location": f"http://127.0.0.1:{port}/data"})
    url = httpserver.url_for("/data")
    with pytest.raises(FetchError) as caught:
        HttpClient().get(url, policy=Policy(min_interval_s=0, retries=0, respect_robots=False))
    message = caught.value.message
    assert message.startswith(f"connection to 127.0.0.1:{port} failed (connection refused)"), message
    assert f"reached by a redirect from {url}" in message


# ------------------------------------------------------------------ size cap and deadline


def test_a_response_over_the_size_cap_is_not_retried(httpserver, monkeypatch):
    monkeypatch.setattr(http_module, "MAX_BODY_BYTES", 1000)
    serve_robots(httpserver)
    httpserver.expect_request("/big.csv").respond_with_data(b"x" * 5000, content_type="text/csv")
    # no Content-Length: the cap is found while reading
    httpserver.expect_request("/stream.csv").respond_with_handler(lambda r: WResponse(iter([b"y" * 600] * 5), content_type="text/csv"))
    policy = Policy(min_interval_s=0, retries=3, backoff_s=0.01)
    client = HttpClient()
    with pytest.raises(FetchError, match="5,000 bytes, over the 0 MB cap"):
        client.get(httpserver.url_for("/big.csv"), policy=policy)
    with pytest.raises(FetchError, match="over the 0 MB cap"):
        client.get(httpserver.url_for("/stream.csv"), policy=policy)
    paths = [r.path for r, _ in httpserver.log]
    assert paths.count("/big.csv") == 1 and paths.count("/stream.csv") == 1


def test_the_deadline_covers_the_whole_response_and_is_not_retried():
    """A body dripping 1 byte / 50 ms (never silent long enough for the read timeout)."""
    drip = RawServer("drip")
    try:
        policy = Policy(min_interval_s=0, retries=3, backoff_s=0.01, read_timeout_s=5, total_timeout_s=0.4, respect_robots=False)
        started = time.monotonic()
        with pytest.raises(FetchError, match=r"took over 0.4 s \(connect to last byte\)"):
            HttpClient().get(drip.url("/slow.csv"), policy=policy)
        assert time.monotonic() - started < 1.5
        assert drip.accepted == 1
    finally:
        drip.close()


def test_default_deadline_is_two_minutes_and_env_overrides_it(monkeypatch):
    assert Policy().total_timeout_s == 120
    assert Policy.from_params({"total_timeout_s": 30}).total_timeout_s == 30
    monkeypatch.setenv("PLEDGES_HTTP_TOTAL_TIMEOUT", "0.5")
    assert Policy.from_params({"total_timeout_s": 30}).total_timeout_s == 0.5


def test_collect_fails_a_dripping_source_within_the_deadline(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PLEDGES_HTTP_TOTAL_TIMEOUT", "0.4")
    monkeypatch.setenv("PLEDGES_HTTP_READ_TIMEOUT", "5")
    monkeypatch.setenv("PLEDGES_HTTP_RETRIES", "3")
    drip = RawServer("drip")
    root = make_data(
        tmp_path / "data",
        [source(CA, "citizens_advice_csv", {"base_url": drip.url("/ca/"), "files": [{"path": "ca.csv"}], "respect_robots": False})],
        [provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy")],
    )
    before = snapshot(root, skip_status=CA)
    try:
        started = time.monotonic()
        assert run_cli("--data", str(root)) == 1
        assert time.monotonic() - started < 3
    finally:
        drip.close()
    assert "Traceback" not in "".join(capsys.readouterr())
    assert snapshot(root, skip_status=CA) == before
    assert "took over 0.4 s" in read_yaml_file(root / "status" / f"{CA}.yaml").data["last_error"]
    assert drip.accepted == 1


# ------------------------------------------------------------------ malformed addresses


def two_sources(root, cfpb_base: str, ca_base: str):
    return make_data(
        root,
        [
            source(CFPB, "cfpb", {"base_url": cfpb_base, "trailing_quarters": 1}, cadence="daily"),
            source(CA, "citizens_advice_csv", {"base_url": ca_base, "files": [{"path": "ca.csv"}]}),
        ],
        [
            provider("citibank", "Citibank, N.A.", {CFPB: "CITIBANK, N.A."}, country="US"),
            provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy"),
        ],
    )


def test_a_malformed_base_url_fails_that_source_only(tmp_path, httpserver, capsys):
    serve_robots(httpserver)
    httpserver.expect_request("/ca/ca.csv").respond_with_data(CA_CSV, content_type="text/csv")
    root = two_sources(tmp_path / "data", "http://[www.example.org/", httpserver.url_for("/ca/"))
    assert run_cli("--data", str(root)) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    error = read_yaml_file(root / "status" / f"{CFPB}.yaml").data["last_error"]
    assert "params.base_url 'http://[www.example.org/' is not a usable address" in error
    assert "brackets" in error and f"data/sources/{CFPB}.yaml" in error
    assert f"{CA}: updated" in out.out
    assert load_dataset(root).statistics["british-gas--citizens-advice-star-rating--star-rating--2026-q1"].value == pytest.approx(2.61)


@pytest.mark.parametrize("endpoint", ["http://[::1", "ftp://example.org/x", "http://example.org:99999/", "not a url"])
def test_a_malformed_endpoint_is_one_line_and_exit_2(tmp_path, httpserver, capsys, endpoint):
    root = two_sources(tmp_path / "data", httpserver.url_for("/api/v1/"), httpserver.url_for("/ca/"))
    before = snapshot(root)
    assert run_cli("--data", str(root), "--endpoint", endpoint) == 2
    out = capsys.readouterr()
    assert out.out == "" and "Traceback" not in out.err
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"--endpoint {endpoint!r} is not a usable address"), lines
    assert snapshot(root) == before
    assert httpserver.log == []


# ------------------------------------------------------------------ addresses we do not fetch from


@pytest.fixture
def connects(monkeypatch):
    """Every connect the process makes, recorded; one to anything but 127.0.0.1 fails at once without a
    packet, so even a helper that forgot to refuse never reaches a private or metadata address."""
    attempts: list = []
    real = socket.socket.connect

    def connect(sock, address):
        attempts.append(address[:2])
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(111, "Connection refused (blocked by the test)")
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def names(monkeypatch):
    """Host names the test maps to addresses, as a hostile DNS could; other names resolve as usual."""
    table: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in table:
            family = socket.AF_INET6 if ":" in table[host] else socket.AF_INET
            sockaddr = (table[host], int(port), 0, 0) if family == socket.AF_INET6 else (table[host], int(port))
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


# {port} is the test server's port: a loopback target on it would answer if we connected.
REFUSED = [
    ("http://10.0.0.1/data", "10.0.0.1 is a private address"),
    ("http://192.168.1.1/data", "192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
    ("http://[fe80::1]/data", "fe80::1 is a link-local address"),
    ("http://[fc00::1]/data", "fc00::1 is a private address"),
    ("http://100.64.0.1/data", "100.64.0.1 is a non-public address"),
    ("http://224.0.0.1/data", "224.0.0.1 is a multicast address"),
    ("http://[ff02::1]/data", "ff02::1 is a multicast address"),
    ("http://240.0.0.1/data", "240.0.0.1 is a"),
    ("http://0.0.0.0:{port}/data", "0.0.0.0 is an unspecified address"),
    ("http://[::]:{port}/data", ":: is an unspecified address"),
    ("http://[::1]:{port}/data", "::1 is a loopback address"),
    ("http://[::ffff:127.0.0.1]:{port}/data", "(IPv4 127.0.0.1 inside IPv6) is a loopback address"),
    ("http://[::ffff:a9fe:a9fe]/latest", "(IPv4 169.254.169.254 inside IPv6) is a link-local address"),
    ("http://2130706433:{port}/data", "2130706433 resolves to 127.0.0.1, a loopback address"),
    ("http://0x7f000001:{port}/data", "0x7f000001 resolves to 127.0.0.1, a loopback address"),
    ("http://127.1:{port}/data", "127.1 resolves to 127.0.0.1, a loopback address"),
    ("http://localhost:{port}/data", "localhost resolves to 127.0.0.1, a loopback address"),
    ("http://publisher.example:{port}/data", "publisher.example resolves to 127.0.0.1, a loopback address"),
]


@pytest.mark.parametrize("target,words", REFUSED, ids=[t for t, _ in REFUSED])
def test_a_redirect_to_a_non_public_address_is_refused_before_connecting(httpserver, connects, names, target, words):
    """The server we were pointed at (127.0.0.1, allowed) redirects elsewhere: only public addresses
    are followed, judged by the address the host resolves to; the refusal sends nothing anywhere."""
    names["localhost"] = "127.0.0.1"
    names["publisher.example"] = "127.0.0.1"
    target = target.format(port=httpserver.port)
    serve_robots(httpserver)
    httpserver.expect_request("/jump").respond_with_data("", status=302, headers={"Location": target})
    url = httpserver.url_for("/jump")
    with pytest.raises(AddressRefused) as caught:
        HttpClient().get(url, policy=Policy(min_interval_s=0, retries=3, backoff_s=0.01))
    message = caught.value.message
    assert message.startswith(f"refusing to fetch {target}: "), message
    assert words in message and "--endpoint" in message and f"reached by a redirect from {url}" in message, message
    assert set(connects) == {("127.0.0.1", httpserver.port)}  # only the server we were pointed at
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt", "/jump"]


def test_a_host_name_resolving_to_loopback_is_refused_as_the_first_address(httpserver, connects, names):
    names["publisher.example"] = "127.0.0.1"
    serve_robots(httpserver)
    httpserver.expect_request("/data").respond_with_data("secret")
    with pytest.raises(AddressRefused, match="publisher.example resolves to 127.0.0.1, a loopback address"):
        HttpClient().get(f"http://publisher.example:{httpserver.port}/data", policy=Policy(min_interval_s=0))
    assert connects == [] and httpserver.log == []  # not even robots.txt


def test_the_endpoint_given_on_purpose_may_be_local_or_private(httpserver, connects, names):
    """``--endpoint`` (HttpClient(endpoint=…)) allows its own host, by name or address — nothing else."""
    names["mirror.internal"] = "127.0.0.1"
    serve_robots(httpserver)
    httpserver.expect_request("/data").respond_with_data("ok")
    httpserver.expect_request("/away").respond_with_data("", status=302, headers={"Location": f"http://[::1]:{httpserver.port}/data"})
    mirror = f"http://mirror.internal:{httpserver.port}/"
    client = HttpClient(endpoint=mirror)
    assert client.get(mirror + "data", policy=Policy(min_interval_s=0)).body == b"ok"
    with pytest.raises(AddressRefused, match="::1 is a loopback address"):
        client.get(mirror + "away", policy=Policy(min_interval_s=0))
    # A private literal endpoint is allowed too (the connect is blocked by the test, not refused by us).
    with pytest.raises(FetchError, match="connection to 10.0.0.1 failed"):
        HttpClient(endpoint="http://10.0.0.1/").get("http://10.0.0.1/data", policy=Policy(min_interval_s=0, retries=0, respect_robots=False))
    assert ("10.0.0.1", 80) in connects
    connects.clear()
    with pytest.raises(AddressRefused, match="10.0.0.1 is a private address"):  # ... but not without it
        HttpClient().get("http://10.0.0.1/data", policy=Policy(min_interval_s=0, retries=0, respect_robots=False))
    assert connects == []


def test_links_found_on_a_page_are_judged_by_the_address_the_source_was_pointed_at(httpserver, connects):
    """``Policy.pointed_at`` (the runner sets the source's base URL): a loopback IP written there is
    allowed, another loopback address (a link on a page, a redirect) is not."""
    serve_robots(httpserver)
    httpserver.expect_request("/file.csv").respond_with_data("a,b\n")
    policy = Policy(min_interval_s=0, retries=0, pointed_at=(httpserver.url_for("/landing"),))
    client = HttpClient()
    assert client.get(httpserver.url_for("/file.csv"), policy=policy).status == 200
    with pytest.raises(AddressRefused, match="::1 is a loopback address"):
        client.get(f"http://[::1]:{httpserver.port}/file.csv", policy=policy)
    assert set(connects) == {("127.0.0.1", httpserver.port)}


def test_collect_refuses_a_redirect_to_the_metadata_address_and_the_other_source_goes_on(tmp_path, httpserver, connects, capsys):
    serve_robots(httpserver)
    httpserver.expect_request("/ca/ca.csv").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/iam/security-credentials/"}
    )
    httpserver.expect_request("/good/ca.csv").respond_with_data(CA_CSV, content_type="text/csv")
    root = two_sources(tmp_path / "data", "http://10.0.0.1/api/v1/", httpserver.url_for("/ca/"))
    before = snapshot(root, skip_status=CA)
    assert run_cli("--data", str(root)) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    # the status file (IP addresses there are masked like personal data) and the log line
    ca_error = read_yaml_file(root / "status" / f"{CA}.yaml").data["last_error"]
    assert ca_error.startswith("refusing to fetch http://") and "is a link-local address" in ca_error, ca_error
    assert "reached by a redirect from" in ca_error
    assert "refusing to fetch http://169.254.169.254/latest/meta-data/iam/security-credentials/: 169.254.169.254 is a link-local" in out.err
    cfpb_error = read_yaml_file(root / "status" / f"{CFPB}.yaml").data["last_error"]
    assert "is a private address" in cfpb_error  # a private base_url in the data: refused too
    assert "10.0.0.1 is a private address" in out.err
    assert set(connects) == {("127.0.0.1", httpserver.port)}
    assert {k: v for k, v in snapshot(root, skip_status=CA).items() if not k.startswith("status/")} == {
        k: v for k, v in before.items() if not k.startswith("status/")
    }
    # The same run pointed at the loopback server on purpose with --endpoint collects from it.
    assert run_cli("--data", str(root), "--source", CA, "--endpoint", httpserver.url_for("/good/")) == 0
    assert load_dataset(root).statistics["british-gas--citizens-advice-star-rating--star-rating--2026-q1"].value == pytest.approx(2.61)
