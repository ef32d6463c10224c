"""Limits of the HTTP helper on real localhost servers: redirects pass the politeness gate, the size
cap and the whole-response deadline are not retried, bad addresses are plain errors (no traceback)."""

from __future__ import annotations

import socket
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response as WResponse

from pledges.collect import http as http_module
from pledges.collect.http import MAX_REDIRECTS, FetchError, HttpClient, Policy
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
