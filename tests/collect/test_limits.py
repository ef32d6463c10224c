"""Limits on real localhost servers: of the HTTP helper (redirects pass the politeness gate, the size
cap and the whole-response deadline are not retried, bad addresses are plain errors, no traceback),
and of the collectors' parsing (the bounds on what one file may hold: rows, columns, cells, cell and
line sizes, zip parts and unzipped size, shared strings, JSON size and depth, HTML tags, parse time)."""

from __future__ import annotations

import io
import re
import socket
import subprocess
import sys
import time
import zipfile

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response as WResponse

from pledges import models as m
from pledges.collect import http as http_module
from pledges.collect.http import MAX_REDIRECTS, AddressRefused, FetchError, HttpClient, Policy
from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from . import hostile
from .conftest import FIXTURES, REPO, make_data, provider, run_cli, serve_robots, snapshot, source, write
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
    assert all(b - a >= 0.14 for a, b in zip(hits, hits[1:], strict=False)), [round(b - a, 3) for a, b in zip(hits, hits[1:], strict=False)]


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


# ------------------------------------------------------------------ bounds on what one file may hold
#
# Hostile files (tests/collect/hostile.py) served by the localhost server through the whole collector
# path. Each world first collects a good file, so "byte-identical afterwards" covers real statistics.
# The heavy attacks run `pledges collect` in a subprocess that reports its own peak memory: before
# the bounds, the nine-million-row workbook took 292 s and 815 MB, the ten-million-row CSV 1.27 GB.

FCA = "fca-firm-level-complaints"
OFCOM = "ofcom-telecoms-complaints"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFCOM_CSV = (FIXTURES / "ofcom_complaints_2025_multitable_layout.csv").read_bytes()
OFCOM_HEAD = b"Fixed broadband: complaints per 100,000 customers\n,2025 Q1\n"
CA_HEAD = b"supplier,quarter,star_rating,call_wait_s,email_resp_pct,complaints_per_10k\n"
PEAK_MB = 500
WITHIN_S = 30


class Served:
    """One address whose body the test swaps between runs (good file first, then the hostile one)."""

    def __init__(self, server, path: str, body: bytes, content_type: str):
        self.body, self.content_type = body, content_type
        server.expect_request(path).respond_with_handler(lambda request: WResponse(self.body, content_type=self.content_type))


def fca_bounds_world(tmp_path, httpserver, **params):
    serve_robots(httpserver)
    served = Served(httpserver, "/fca/fca.xlsx", FCA_XLSX_BYTES, XLSX_TYPE)
    base = {"base_url": httpserver.url_for("/fca/"), "files": [{"path": "fca.xlsx", "period": "2024-H2"}]}
    root = make_data(
        tmp_path / "data",
        [source(FCA, "fca_firm_xlsx", {**base, **params}, cadence="half-yearly")],
        [provider("barclays-bank-uk", "Barclays Bank UK", {FCA: "Barclays Bank UK PLC"})],
    )
    assert run_cli("--data", str(root)) == 0  # the good workbook first
    assert load_dataset(root).statistics["barclays-bank-uk--fca-firm-level-complaints--complaints-count--banking-and-credit-cards--2024-h2"].value == 62061
    return root, served


def csv_bounds_world(tmp_path, httpserver, kind: str, **params):
    serve_robots(httpserver)
    good = OFCOM_CSV if kind == "ofcom" else CA_CSV
    served = Served(httpserver, "/csv/file.csv", good, "text/csv")
    base = {"base_url": httpserver.url_for("/csv/"), "files": [{"path": "file.csv"}]}
    sid, collector = (OFCOM, "ofcom_csv") if kind == "ofcom" else (CA, "citizens_advice_csv")
    prov = provider("bt", "BT", {OFCOM: "BT"}, sector="telecoms") if kind == "ofcom" else \
        provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy")
    root = make_data(tmp_path / "data", [source(sid, collector, {**base, **params})], [prov])
    assert run_cli("--data", str(root)) == 0
    assert load_dataset(root).statistics  # something real to keep intact
    return root, served, sid


FCA_XLSX_BYTES = (FIXTURES / "firm-level-complaints-data-2024-h2.xlsx").read_bytes()

SUBPROCESS = """
import resource, sys
from pledges.cli import main
code = main(["collect", "--data", sys.argv[1]])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def collect_in_subprocess(root) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak resident MB, output) of `pledges collect` in a fresh interpreter."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", SUBPROCESS, str(root)], capture_output=True, text=True, timeout=150)
    seconds = time.monotonic() - started
    peak = re.search(r"PEAK_KB (\d+)", proc.stderr)
    assert peak, proc.stderr[-2000:]
    return proc.returncode, seconds, int(peak.group(1)) / 1024, proc.stdout + proc.stderr


def assert_refused(root, sid: str, before: dict, words: list[str], output: str = "") -> str:
    assert snapshot(root, skip_status=sid) == before
    error = read_yaml_file(root / "status" / f"{sid}.yaml").data["last_error"]
    for word in words:
        assert word in error, error
    assert "Traceback" not in output and "internal error" not in error, output or error
    return error


def refused_in_bounds(root, sid: str, words: list[str]) -> str:
    before = snapshot(root, skip_status=sid)
    code, seconds, peak, output = collect_in_subprocess(root)
    assert code == 1, output
    error = assert_refused(root, sid, before, words, output)
    print(f"{sid}: refused in {seconds:.1f} s, peak {peak:.0f} MB")  # shown with pytest -s
    assert seconds < WITHIN_S, (seconds, error)
    assert peak < PEAK_MB, (peak, error)
    return error


@pytest.fixture(scope="module")
def nine_million_row_workbook(tmp_path_factory) -> bytes:
    path = hostile.workbook_with(tmp_path_factory.mktemp("xlsx") / "rows.xlsx", {hostile.OPENED: hostile.nine_million_rows})
    body = path.read_bytes()
    assert 1_000_000 < len(body) < 2_500_000  # like the attack: ~1.7 MB on the wire
    return body


def test_a_nine_million_row_workbook_is_refused_by_its_unzipped_size(tmp_path, httpserver, nine_million_row_workbook):
    root, served = fca_bounds_world(tmp_path, httpserver)
    served.body = nine_million_row_workbook
    error = refused_in_bounds(root, FCA, ["'xl/worksheets/sheet3.xml'", "unzips to 234.", "the limit is 20 MB", "params.max_part_mb",
                                          f"data/sources/{FCA}.yaml"])
    assert error.startswith("the part 'xl/worksheets/sheet3.xml' of the workbook http://127.0.0.1:")


def test_a_nine_million_row_workbook_stops_at_the_row_bound(tmp_path, httpserver, nine_million_row_workbook):
    """With the size bounds raised, the streaming scan itself stops at max_rows: fast and small."""
    root, served = fca_bounds_world(tmp_path, httpserver, max_part_mb=1000, max_unzipped_mb=1000)
    served.body = nine_million_row_workbook
    refused_in_bounds(root, FCA, ["sheet 'Opened'", "more than 200,000 rows", "the limit is 200,000", "params.max_rows"])


def test_a_zip_bomb_is_refused_before_it_is_unzipped(tmp_path, httpserver):
    """Shared strings of 600 MB from under 3 MB: refused by the size the zip declares, unzipping nothing."""
    entry = b"<si><t>x</t></si>"
    bomb = hostile.repeated(f'<sst xmlns="{hostile.MAIN_NS}">'.encode(), entry * 100_000, 350, b"</sst>")
    path = hostile.workbook_with(tmp_path / "bomb.xlsx", {hostile.SHARED_STRINGS: bomb})
    assert path.stat().st_size < 3_000_000
    root, served = fca_bounds_world(tmp_path, httpserver)
    served.body = path.read_bytes()
    refused_in_bounds(root, FCA, ["'xl/sharedStrings.xml'", "unzips to 595.", "params.max_part_mb"])


def test_huge_shared_strings_stop_at_their_bound_while_streaming(tmp_path, httpserver):
    entry = b"<si><t>x</t></si>"
    bomb = hostile.repeated(f'<sst xmlns="{hostile.MAIN_NS}">'.encode(), entry * 100_000, 350, b"</sst>")
    path = hostile.workbook_with(tmp_path / "bomb.xlsx", {hostile.SHARED_STRINGS: bomb})
    root, served = fca_bounds_world(tmp_path, httpserver, max_part_mb=1000, max_unzipped_mb=1000)
    served.body = path.read_bytes()
    refused_in_bounds(root, FCA, ["shared-string table", "more than 1,000,000 entries", "params.max_shared_strings"])


def test_a_part_lying_about_its_size_cannot_unzip_past_it(tmp_path, httpserver):
    cell = b"<c><v>1</v></c>"
    part = hostile.sheet([b"<row>" + cell * 10 + b"</row>"] * 200_000)  # 35 MB of sheet declared as 1 MB
    path = hostile.lie_about_size(hostile.workbook_with(tmp_path / "lie.xlsx", {hostile.OPENED: part}), hostile.OPENED, 1_000_000)
    root, served = fca_bounds_world(tmp_path, httpserver)
    served.body = path.read_bytes()
    before = snapshot(root, skip_status=FCA)
    assert run_cli("--data", str(root)) == 1
    assert_refused(root, FCA, before, ["openpyxl cannot read (BadZipFile)"])


@pytest.mark.parametrize("part,content,words", [
    (hostile.SHARED_STRINGS, f'<sst xmlns="{hostile.MAIN_NS}"><si><t>'.encode() + b"x" * 10_000_000 + b"</t></si></sst>",
     ["a cell or string in part 'xl/sharedStrings.xml'", "more than 100,000 characters", "params.max_cell_chars"]),
    (hostile.OPENED, hostile.sheet([hostile.inline_row(2, "Barclays Bank UK PLC", "y" * 10_000_000)]),
     ["row 2 of sheet 'Opened'", "more than 100,000 characters", "params.max_cell_chars"]),
    (hostile.OPENED, hostile.sheet([b'<row r="2"><c r="XFD2"><v>1</v></c></row>']),
     ["row 2 of sheet 'Opened'", "cell in column XFD (16,384)", "the limit is 1,000", "params.max_columns"]),
    (hostile.OPENED, hostile.sheet([b"<row><c><v>1</v></c></row>"] + [b'<row r="9000000"><c r="A9000000"><v>1</v></c></row>']),
     ["sheet 'Opened'", "row numbered 9,000,000", "past the last row a spreadsheet can have (1,048,576)"]),
    (hostile.OPENED, hostile.sheet([b"<row>" + b"<c/>" * 4_000_000 + b"</row>"]),  # 16 MB: under the part bound
     ["row 2 of sheet 'Opened'", "cell in column 1,001", "the limit is 1,000", "params.max_columns"]),
    (hostile.OPENED, b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]><worksheet xmlns="x"><sheetData/></worksheet>',
     ["declares a DTD"]),
    (hostile.OPENED, hostile.SHEET_HEAD + hostile.HEADER + b"</sheetData><mergeCells>" + b'<mergeCell ref="A1:B2"/>' * 200_000
     + b"</mergeCells></worksheet>", ["sheet 'Opened'", "more than 100,000 elements besides its rows and cells"]),
    (hostile.OPENED, hostile.sheet([b"<junk/>" * 200_000]), ["sheet 'Opened'", "more than 100,000 elements besides its rows and cells"]),
    (hostile.SHARED_STRINGS, f'<sst xmlns="{hostile.MAIN_NS}"><si>'.encode() + b"<r><t>x</t></r>" * 500_000 + b"</si></sst>",
     ["part 'xl/sharedStrings.xml'", "more than 1,000 elements"]),
], ids=["10MB-shared-string", "10MB-inline-cell", "column-XFD", "row-9000000", "4M-cells-in-a-row", "dtd", "merged-cells",
        "junk-in-sheet-data", "500k-rich-text-runs"])
def test_a_workbook_over_a_bound_fails_that_source_only(tmp_path, httpserver, capsys, part, content, words):
    path = hostile.workbook_with(tmp_path / "bad.xlsx", {part: content})
    root, served = fca_bounds_world(tmp_path, httpserver)
    served.body = path.read_bytes()
    before = snapshot(root, skip_status=FCA)
    started = time.monotonic()
    assert run_cli("--data", str(root)) == 1
    assert time.monotonic() - started < WITHIN_S
    assert_refused(root, FCA, before, words, "".join(capsys.readouterr()))


def test_a_workbook_with_thousands_of_parts_is_refused(tmp_path, httpserver):
    parts = {f"xl/media/junk{i}.bin": b"" for i in range(1_500)}
    path = hostile.workbook_with(tmp_path / "parts.xlsx", parts)
    root, served = fca_bounds_world(tmp_path, httpserver)
    served.body = path.read_bytes()
    before = snapshot(root, skip_status=FCA)
    assert run_cli("--data", str(root)) == 1
    assert_refused(root, FCA, before, ["parts in its zip", "the limit is 1,000", "params.max_parts"])


def test_the_last_row_excel_allows_is_read_without_trusting_the_dimension(tmp_path, httpserver):
    """Like the FCA's real 2023-H1 workbook (234 rows, <dimension ref="A1:J1048571"/>, one formatted row
    numbered 1,048,571): the gap is not materialised as a million rows, and the figures are the same."""
    with zipfile.ZipFile(io.BytesIO(FCA_XLSX_BYTES)) as archive:
        opened = archive.read(hostile.OPENED)
    opened = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048571"/>', opened)
    opened = opened.replace(b"</sheetData>", b'<row r="1048571"><c r="E1048571" s="5"/><c r="I1048571" s="5"/></row></sheetData>')
    path = hostile.workbook_with(tmp_path / "gap.xlsx", {hostile.OPENED: opened})
    root, served = fca_bounds_world(tmp_path, httpserver)
    served.body = path.read_bytes()
    started = time.monotonic()
    assert run_cli("--data", str(root)) == 0
    assert time.monotonic() - started < WITHIN_S
    assert load_dataset(root).statistics["barclays-bank-uk--fca-firm-level-complaints--complaints-count--banking-and-credit-cards--2024-h2"].value == 62061


@pytest.mark.parametrize("kind", ["ofcom", "ca"])
def test_a_ten_million_row_csv_is_refused_fast_and_small(tmp_path, httpserver, kind):
    # Ofcom: ten million provider rows (50 MB). Citizens Advice rows need a quarter ("X,2026Q1" …), too long for
    # ten million under the download cap, so its ten million rows are empty records (",,": 30 MB).
    head, row = (OFCOM_HEAD, b"BT,1\n") if kind == "ofcom" else (CA_HEAD, b",,\n")
    path = hostile.stream_csv(tmp_path / "rows.csv", head, row, 10_000_000)
    assert path.stat().st_size < 64_000_000  # under the download cap: the parse bound is what is tested
    root, served, sid = csv_bounds_world(tmp_path, httpserver, kind)
    served.body = path.read_bytes()
    refused_in_bounds(root, sid, ["more than 200,000 rows", "the limit is 200,000", "params.max_rows"])


@pytest.mark.parametrize("kind", ["ofcom", "ca"])
def test_a_five_million_column_csv_is_refused_before_it_is_split(tmp_path, httpserver, kind):
    head = OFCOM_HEAD if kind == "ofcom" else CA_HEAD
    path = hostile.stream_csv(tmp_path / "wide.csv", head, b"1,", 5_000_000)
    root, served, sid = csv_bounds_world(tmp_path, httpserver, kind)
    served.body = path.read_bytes() + b"\n"
    line = 3 if kind == "ofcom" else 2
    refused_in_bounds(root, sid, [f"line {line} of", "more than 1,000,000 characters", "params.max_line_chars"])


@pytest.mark.parametrize("body,words", [
    (OFCOM_HEAD + b"BT," + b"1," * 1_499 + b"1\n", ["line 3 of", "has 1,501 columns", "the limit is 1,000", "params.max_columns"]),
    (OFCOM_HEAD + b'BT,"' + b"y" * 120_000 + b'"\n', ["a cell on line 3", "has 120,000 characters", "the limit is 100,000",
                                                      "params.max_cell_chars"]),
    (OFCOM_HEAD + b'BT,"' + (b"y" * 99 + b"\n") * 100_000 + b'"\n', ["a cell ending on line", "more than 100,000 characters",
                                                                    "params.max_cell_chars"]),
    (OFCOM_HEAD + b'BT,"' + b"y" * 10_000_000 + b'"\n', ["line 3 of", "more than 1,000,000 characters", "params.max_line_chars"]),
], ids=["1501-columns", "120k-cell", "10MB-cell-over-many-lines", "10MB-cell-on-one-line"])
def test_a_csv_over_a_bound_fails_that_source_only(tmp_path, httpserver, capsys, body, words):
    root, served, sid = csv_bounds_world(tmp_path, httpserver, "ofcom")
    served.body = body
    before = snapshot(root, skip_status=sid)
    assert run_cli("--data", str(root)) == 1
    assert_refused(root, sid, before, words, "".join(capsys.readouterr()))


def test_params_raise_or_lower_a_bound_and_bad_values_are_plain_errors(tmp_path, httpserver, capsys):
    root, served, sid = csv_bounds_world(tmp_path, httpserver, "ca")
    rows = CA_CSV.count(b"\n")
    for value, words in [(rows - 5, [f"more than {rows - 5:,} rows", "params.max_rows"]),
                         ("lots", ["params.max_rows is 'lots'", "whole number above zero", "200,000"]),
                         (0, ["params.max_rows is 0"]), (2.5, ["params.max_rows is 2.5"])]:
        record = read_yaml_file(root / "sources" / f"{sid}.yaml").data
        record["params"]["max_rows"] = value
        write(root, "sources", m.Source.model_validate(record))
        before = snapshot(root, skip_status=sid)
        assert run_cli("--data", str(root)) == 1
        assert_refused(root, sid, before, words, "".join(capsys.readouterr()))
    # raised above the file: collects again
    record["params"]["max_rows"] = rows + 5
    write(root, "sources", m.Source.model_validate(record))
    assert run_cli("--data", str(root)) == 0


def test_the_parse_deadline_is_checked_inside_the_loop(tmp_path, httpserver, capsys):
    root, served, sid = csv_bounds_world(tmp_path, httpserver, "ofcom", parse_timeout_s=0.001)
    served.body = OFCOM_HEAD + b"BT,1\n" * 50_000
    time.sleep(0.01)
    before = snapshot(root, skip_status=sid)
    assert run_cli("--data", str(root)) == 1
    assert_refused(root, sid, before, ["took over 0.001 s (stopped at line", "params.parse_timeout_s"], "".join(capsys.readouterr()))


# ----- JSON (CFPB) and HTML pages


def cfpb_bounds_world(tmp_path, httpserver, body_holder):
    serve_robots(httpserver)
    httpserver.expect_request("/api/v1/").respond_with_handler(
        lambda request: WResponse(body_holder[0], content_type="application/json"))
    root = make_data(
        tmp_path / "data",
        [source(CFPB, "cfpb", {"base_url": httpserver.url_for("/api/v1/"), "trailing_quarters": 1}, cadence="daily")],
        [provider("citibank", "Citibank, N.A.", {CFPB: "CITIBANK, N.A."}, country="US")],
    )
    assert run_cli("--data", str(root)) == 0
    return root


AGGS = (FIXTURES / "cfpb_get_aggs_size0.json").read_bytes()


@pytest.mark.parametrize("body,words", [
    (b'{"pad": "' + b"x" * 11_000_000 + b'"}', ["is 11.0 MB", "the limit is 10 MB", "params.max_json_mb"]),
    (b'{"hits": ' + b'{"a": ' * 100 + b"1" + b"}" * 100 + b"}", ["nested more than 64 levels deep", "params.max_json_depth"]),
    (b"[" * 200_000 + b"]" * 200_000, ["nested more than 1,000 levels deep", "params.max_json_depth"]),
], ids=["11MB", "depth-101", "depth-200000"])
def test_a_cfpb_answer_over_a_bound_fails_cleanly(tmp_path, httpserver, capsys, body, words):
    holder = [AGGS]
    root = cfpb_bounds_world(tmp_path, httpserver, holder)
    holder[0] = body
    before = snapshot(root, skip_status=CFPB)
    assert run_cli("--data", str(root)) == 1
    assert_refused(root, CFPB, before, words, "".join(capsys.readouterr()))


def test_a_pledge_page_with_too_many_tags_is_refused_before_parsing(tmp_path, httpserver, capsys):
    from .test_pledge_page import PAGE_V1, pledge_world
    from .test_pledge_page import SID as PAGES

    root = pledge_world(tmp_path, httpserver)
    holder = [PAGE_V1]
    httpserver.expect_request("/promise").respond_with_handler(lambda request: WResponse(holder[0], content_type="text/html"))
    assert run_cli("--data", str(root)) == 0
    holder[0] = b"<html><body>" + b"<p>x</p>" * 200_000 + b"</body></html>"
    before = snapshot(root, skip_status=PAGES)
    started = time.monotonic()
    assert run_cli("--data", str(root)) == 1
    assert time.monotonic() - started < 5  # refused before html.parser (which needs ~10 s and 600 MB for this)
    assert_refused(root, PAGES, before, ["has 400,004 tags", "the limit is 100,000", "params.max_html_tags"], "".join(capsys.readouterr()))


# ----- the defaults against the real files, and the notes that state them


def test_the_defaults_are_far_above_the_real_files():
    from pledges.collect import common, fca_firm_xlsx
    from pledges.collect.http import Response

    limits = common.Limits(source_id="x")
    budget = limits.budget("fixture")
    workbook = common.open_workbook(Response(url="fixture", status=200, body=FCA_XLSX_BYTES), "2024-H2", budget)
    sheets = fca_firm_xlsx.find_sheets(list(workbook.sheetnames))
    wanted = {g: fca_firm_xlsx._group_test(g) for g in fca_firm_xlsx.PRODUCT_GROUPS}
    rows = {role: len(fca_firm_xlsx.read_table(workbook, sheets[role], "fixture", wanted, budget).rows)
            for role in ("opened", "within_3", "within_8_after_3", "upheld")}
    assert rows == {"opened": 220, "within_3": 219, "within_8_after_3": 219, "upheld": 219}
    for name in ("ofcom_complaints_2025_multitable_layout.csv", "ca_star_rating_panel_q4_2025_q1_2026_tidy.csv"):
        body = (FIXTURES / name).read_bytes()
        rows = list(common.read_csv_rows(Response(url=name, status=200, body=body), "CSV", budget))
        assert len(rows) == body.strip().count(b"\n") + 1 - body.count(b"\n\n")


def test_the_source_notes_state_the_bounds():
    from pledges.collect import common

    for sid in (FCA, OFCOM, CA, CFPB):
        note = " ".join(read_yaml_file(REPO / "data" / "sources" / f"{sid}.yaml").data["note"].split())
        if sid == CFPB:
            expected = [f"{common.MAX_JSON_MB:g} MB", f"{common.MAX_JSON_DEPTH} levels", "params.max_json_mb"]
        else:
            expected = [f"{common.MAX_ROWS:,} rows", f"{common.MAX_COLUMNS:,} columns", f"{common.MAX_CELL_CHARS:,} characters",
                        f"{common.PARSE_TIMEOUT_S:g} s", "params.max_rows"]
            if sid == FCA:
                expected += [f"{common.MAX_PART_MB:g} MB", f"{common.MAX_UNZIPPED_MB:g} MB"]
            else:
                expected += [f"{common.MAX_LINE_CHARS:,} characters"]
        for words in expected:
            assert words in note, (sid, words, note)
