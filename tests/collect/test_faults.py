"""Under each injected fault: data byte-identical, status names the error, exit code 1, no traceback."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug.wrappers import Response as WResponse

from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from .conftest import FIXTURES, make_data, provider, run_cli, serve_robots, snapshot, source
from .servers import RawServer

CFPB = "cfpb-complaint-database"
CA = "citizens-advice-star-rating"
AGGS = (FIXTURES / "cfpb_get_aggs_size0.json").read_bytes()
CA_CSV = (FIXTURES / "ca_star_rating_panel_q4_2025_q1_2026_tidy.csv").read_bytes()
HTML = b"<!DOCTYPE html><html><head><title>Service unavailable</title></head><body>Try later</body></html>"


class FaultServer:
    """One localhost server, two sources; ``mode[path]`` picks the answer."""

    def __init__(self, server):
        self.server = server
        self.mode = {"/api/v1/": "ok", "/ca/ca.csv": "ok"}
        self.hits: dict[str, list[float]] = {"/api/v1/": [], "/ca/ca.csv": []}
        serve_robots(server)
        for path in self.mode:
            server.expect_request(path).respond_with_handler(self.handler(path))

    def handler(self, path):
        good = AGGS if path == "/api/v1/" else CA_CSV
        kind = "application/json" if path == "/api/v1/" else "text/csv"

        def handle(request):
            self.hits[path].append(time.monotonic())
            mode = self.mode[path]
            if mode == "ok":
                return WResponse(good, content_type=kind)
            if mode in ("ok-took", "range-changed"):
                data = json.loads(good)
                data["took"] += 1
                if mode == "range-changed":
                    buckets = data["aggregations"]["timely"]["timely"]["buckets"]
                    buckets[0]["doc_count"] -= 1000
                    buckets[1]["doc_count"] += 1000
                return WResponse(json.dumps(data).encode(), content_type=kind)
            if mode == "timeout":
                time.sleep(1.0)
                return WResponse(good, content_type=kind)
            if mode == "500":
                return WResponse(b"oops", status=500)
            if mode == "429":
                return WResponse(b"slow down", status=429, headers={"Retry-After": "1"})
            if mode == "429-long":
                return WResponse(b"slow down", status=503, headers={"Retry-After": "3600"})
            if mode == "truncated":
                return WResponse(good[: len(good) // 2], content_type=kind)
            if mode == "html":
                return WResponse(HTML, content_type="text/html")
            if mode == "renamed":
                return WResponse(good.replace(b"star_rating", b"overall_rating", 1), content_type=kind)
            if mode == "empty":
                return WResponse(good.split(b"\n", 1)[0] + b"\n", content_type=kind)
            if mode == "range":
                return WResponse(good.replace(b"British Gas,Q1 2026,2.61", b"British Gas,Q1 2026,7.61"), content_type=kind)
            if mode == "negative-bucket":
                data = json.loads(good)
                data["aggregations"]["timely"]["timely"]["buckets"][0]["doc_count"] = 10**9
                return WResponse(json.dumps(data).encode(), content_type=kind)
            if mode in CFPB_DRIFT:
                data = json.loads(good)
                CFPB_DRIFT[mode](data)
                return WResponse(json.dumps(data).encode(), content_type=kind)
            raise AssertionError(mode)

        return handle


def _aggs(data, name):
    return data["aggregations"][name][name]["buckets"]


def _set(data, name, key, value):
    for bucket in _aggs(data, name):
        if bucket["key"] == key:
            bucket["doc_count"] = value


def _zero_total(data):
    data["hits"]["total"]["value"] = 0
    for name in ("timely", "company_response"):
        data["aggregations"][name][name]["buckets"] = []


def _rename_timely(data):
    for bucket in _aggs(data, "timely"):
        bucket["key"] = bucket["key"].upper()


# SYNTHETIC drift of the real CFPB response (tests/collect/fixtures/cfpb_get_aggs_size0.json):
# each must fail the source, not write wrong figures.
CFPB_DRIFT = {
    "timely-missing": lambda d: d["aggregations"].pop("timely"),
    "timely-empty": lambda d: d["aggregations"]["timely"]["timely"].update(buckets=[]),
    "timely-renamed": _rename_timely,
    "timely-sum": lambda d: _set(d, "timely", "No", 14225 + 7),
    "answers-empty": lambda d: d["aggregations"]["company_response"]["company_response"].update(buckets=[]),
    "answers-sum": lambda d: _set(d, "company_response", "Closed with monetary relief", 37032 + 200000),
    "negative-count": lambda d: _set(d, "company_response", "In progress", -1),
    "float-count": lambda d: _set(d, "company_response", "In progress", 14834.5),
    "string-count": lambda d: _set(d, "timely", "Yes", "1179930"),
    "timed-out": lambda d: d.update(timed_out=True),
    "aggs-null": lambda d: d.update(aggregations=None),
    "zero-total": _zero_total,
}


@pytest.fixture
def world(tmp_path, httpserver):
    srv = FaultServer(httpserver)
    root = make_data(
        tmp_path / "data",
        [
            source(CFPB, "cfpb", {"base_url": httpserver.url_for("/api/v1/"), "trailing_quarters": 1}, cadence="daily"),
            source(CA, "citizens_advice_csv", {"base_url": httpserver.url_for("/ca/"), "files": [{"path": "ca.csv"}]}),
        ],
        [
            provider("citibank", "Citibank, N.A.", {CFPB: "CITIBANK, N.A."}, country="US"),
            provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy"),
            provider("octopus-energy", "Octopus Energy", {CA: "Octopus Energy"}, sector="energy"),
        ],
    )
    # a first good run, so there is good data to keep
    assert run_cli("--data", str(root)) == 0
    assert len(load_dataset(root).statistics) == 6 + 16
    return root, srv


FAULTS = [
    (CFPB, "timeout", ["did not answer", "read timeout"]),
    (CFPB, "500", ["HTTP 500"]),
    (CFPB, "429", ["HTTP 429", "too many requests"]),
    (CFPB, "429-long", ["HTTP 503", "3600"]),
    (CFPB, "truncated", ["invalid JSON", "truncated"]),
    (CFPB, "html", ["HTML page", "Service unavailable"]),
    (CFPB, "negative-bucket", ["out of range"]),
    (CFPB, "timely-missing", ["expected aggregations.timely.timely.buckets", "no such aggregation"]),
    (CFPB, "timely-empty", ["expected aggregations.timely buckets", "found no buckets"]),
    (CFPB, "timely-renamed", ['expected timely buckets "Yes" and "No"', "'YES'", "'NO'"]),
    (CFPB, "timely-sum", ['"Yes" + "No" = hits.total (1,194,155)', "1,179,930 + 14,232 = 1,194,162"]),
    (CFPB, "answers-empty", ["expected aggregations.company_response buckets", "found no buckets"]),
    (CFPB, "answers-sum", ["at most hits.total (1,194,155)", "found 1,394,153"]),
    (CFPB, "negative-count", ["non-negative doc_count", "'In progress'", "found -1"]),
    (CFPB, "float-count", ["whole, non-negative doc_count", "found 14834.5"]),
    (CFPB, "string-count", ["whole, non-negative doc_count", "found '1179930'"]),
    (CFPB, "timed-out", ['expected "timed_out": false', "found true"]),
    (CFPB, "aggs-null", ["expected `aggregations` to be an object", "found null"]),
    (CFPB, "zero-total", ["stored count is 1,194,155", "found hits.total 0", "no rows"]),
    (CA, "html", ["HTML page"]),
    (CA, "500", ["HTTP 500"]),
    (CA, "renamed", ["expected columns", "star_rating", "overall_rating"]),
    (CA, "empty", ["table is empty"]),
    (CA, "range", ["out of range", "7.61"]),
]


@pytest.mark.parametrize("sid,fault,words", FAULTS, ids=[f"{s.split('-')[0]}-{f}" for s, f, _ in FAULTS])
def test_fault_keeps_data_and_records_error(world, sid, fault, words, capsys):
    root, srv = world
    capsys.readouterr()
    path = "/api/v1/" if sid == CFPB else "/ca/ca.csv"
    srv.mode[path] = fault
    before = snapshot(root, skip_status=sid)
    other = CA if sid == CFPB else CFPB
    # the healthy source must go on: give it new content so that it really writes
    srv.mode["/ca/ca.csv" if other == CA else "/api/v1/"] = "ok"
    rc = run_cli("--data", str(root))
    out = capsys.readouterr()
    assert rc == 1
    assert "Traceback" not in out.out + out.err
    after = snapshot(root, skip_status=sid)
    assert after == before
    status = read_yaml_file(root / "status" / f"{sid}.yaml").data
    for word in words:
        assert word in status["last_error"], status["last_error"]
    assert status["consecutive_failures"] == 1
    assert status["last_success"] <= status["last_attempt"]
    assert "last_error" not in read_yaml_file(root / "status" / f"{other}.yaml").data
    assert f"{sid}: failed" in out.err
    assert load_dataset(root).problems == []


def test_retry_after_is_honoured(world):
    root, srv = world
    srv.mode["/api/v1/"] = "429"
    run_cli("--data", str(root), "--source", CFPB)
    first, second = srv.hits["/api/v1/"][-2:]
    assert second - first >= 0.9  # Retry-After: 1


def test_connection_reset(world, capsys):
    root, _ = world
    reset = RawServer("reset")
    try:
        before = snapshot(root, skip_status=CFPB)
        rc = run_cli("--data", str(root), "--source", CFPB, "--endpoint", reset.url("/api/v1/"))
    finally:
        reset.close()
    out = capsys.readouterr()
    assert rc == 1 and "Traceback" not in out.out + out.err
    assert snapshot(root, skip_status=CFPB) == before
    error = read_yaml_file(root / "status" / f"{CFPB}.yaml").data["last_error"]
    assert "connection" in error.lower() and ("reset" in error or "cut" in error), error
    assert reset.accepted >= 2  # robots.txt (allowed when unreachable) and the retried request


def test_consecutive_failures_count_and_recovery(world):
    root, srv = world
    srv.mode["/api/v1/"] = "500"
    run_cli("--data", str(root), "--source", CFPB)
    run_cli("--data", str(root), "--source", CFPB)
    status = read_yaml_file(root / "status" / f"{CFPB}.yaml").data
    assert status["consecutive_failures"] == 2
    srv.mode["/api/v1/"] = "ok"
    assert run_cli("--data", str(root), "--source", CFPB) == 0
    status = read_yaml_file(root / "status" / f"{CFPB}.yaml").data
    assert status["consecutive_failures"] == 0 and "last_error" not in status


def test_unchanged_200_writes_nothing(world):
    root, _ = world
    before = snapshot(root)
    assert run_cli("--data", str(root)) == 0
    assert snapshot(root) == before


def test_robots_disallow_is_respected(tmp_path, httpserver, capsys):
    serve_robots(httpserver, "User-agent: *\nDisallow: /api/\n")
    root = make_data(
        tmp_path / "data",
        [source(CFPB, "cfpb", {"base_url": httpserver.url_for("/api/v1/"), "trailing_quarters": 1}, cadence="daily")],
        [provider("citibank", "Citibank, N.A.", {CFPB: "CITIBANK, N.A."}, country="US")],
    )
    assert run_cli("--data", str(root)) == 1
    assert "robots.txt" in read_yaml_file(root / "status" / f"{CFPB}.yaml").data["last_error"]
    assert not list((root / "series").iterdir()) and not list((root / "releases").iterdir())


def test_same_figures_in_a_different_body_rewrite_nothing(world):
    """CFPB's body changes on every call (`took`); unchanged figures must not churn the files."""
    root, srv = world
    before = snapshot(root)
    srv.mode["/api/v1/"] = "ok-took"
    assert run_cli("--data", str(root)) == 0
    assert snapshot(root) == before
    srv.mode["/api/v1/"] = "range-changed"
    assert run_cli("--data", str(root)) == 0
    after = snapshot(root)
    changed = {k for k in after if after[k] != before.get(k)}
    assert "series/citibank--cfpb-complaint-database--timely-response-pct.yaml" in changed
    assert "series/citibank--cfpb-complaint-database--complaints-count.yaml" not in changed


# ------------------------------------------------------------------ servers that never finish answering

NEVER_DONE = ["status-drip", "header-drip", "body-drip", "silent", "stall", "robots-drip"]


@pytest.mark.parametrize("mode", NEVER_DONE)
def test_a_server_that_never_finishes_fails_its_source_within_the_deadline(tmp_path, httpserver, monkeypatch, capsys, mode):
    """One byte a second (each gap far below the 30 s read timeout) or silence after the accept, on
    the page or on robots.txt: the 2 s total deadline ends the request, the source fails with a plain
    message in its status file, and the source on another host in the same run is collected."""
    monkeypatch.setenv("PLEDGES_HTTP_TOTAL_TIMEOUT", "2")
    monkeypatch.setenv("PLEDGES_HTTP_READ_TIMEOUT", "30")
    monkeypatch.setenv("PLEDGES_HTTP_RETRIES", "3")
    FaultServer(httpserver)
    slow = RawServer(mode, body=CA_CSV)
    root = make_data(
        tmp_path / "data",
        [
            source(CFPB, "cfpb", {"base_url": httpserver.url_for("/api/v1/"), "trailing_quarters": 1}, cadence="daily"),
            source(CA, "citizens_advice_csv", {"base_url": slow.url("/ca/"), "files": [{"path": "ca.csv"}]}),
        ],
        [
            provider("citibank", "Citibank, N.A.", {CFPB: "CITIBANK, N.A."}, country="US"),
            provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy"),
        ],
    )
    try:
        started = time.monotonic()
        rc = run_cli("--data", str(root))
        elapsed = time.monotonic() - started
    finally:
        slow.close()
    out = capsys.readouterr()
    assert rc == 1 and "Traceback" not in out.out + out.err
    assert elapsed < 2 + 5, f"the run took {elapsed:.1f} s"
    error = read_yaml_file(root / "status" / f"{CA}.yaml").data["last_error"]
    assert "no complete answer within 2 s" in error, error
    on_robots = mode in ("robots-drip", "silent")
    assert ("robots.txt of 127.0.0.1" in error) == on_robots, error
    assert slow.accepted == (1 if on_robots else 2)  # robots.txt, then the page once: a deadline is not retried
    assert f"{CA}: failed" in out.err and f"{CFPB}: updated" in out.out
    assert "last_error" not in read_yaml_file(root / "status" / f"{CFPB}.yaml").data
    statistics = load_dataset(root).statistics
    assert len(statistics) == 6 and all(s.source == CFPB for s in statistics.values())
