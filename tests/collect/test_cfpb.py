"""CFPB collector against a real localhost server serving a real CFPB API response."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.wrappers import Response as WResponse

from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from .conftest import FIXTURES, make_data, provider, run_cli, serve_robots, snapshot, source

SID = "cfpb-complaint-database"
AGGS = (FIXTURES / "cfpb_get_aggs_size0.json").read_bytes()


def cfpb_data(root, **params):
    params = {"base_url": "https://www.consumerfinance.gov/data-research/consumer-complaints/search/api/v1/",
              "trailing_quarters": 2, "min_interval_s": 3.0, **params}
    return make_data(
        root,
        [source(SID, "cfpb", params, cadence="daily", publisher="Consumer Financial Protection Bureau (CFPB)")],
        [provider("citibank", "Citibank, N.A.", {SID: "CITIBANK, N.A."}, country="US"),
         provider("equifax", "Equifax", {SID: "EQUIFAX, INC."}, country="US")],
    )


class CfpbServer:
    """Serves the real aggregation response with an ETag; answers 304 to a matching If-None-Match."""

    def __init__(self, server, body: bytes = AGGS, etag: str = '"v1"'):
        self.body, self.etag, self.requests = body, etag, []
        serve_robots(server)
        server.expect_request("/api/v1/").respond_with_handler(self.handle)

    def handle(self, request):
        raw = request.host_url.rstrip("/") + request.environ.get("RAW_URI", request.full_path)
        self.requests.append((raw, dict(request.headers)))
        if request.headers.get("If-None-Match") == self.etag:
            return WResponse(status=304, headers={"ETag": self.etag})
        return WResponse(self.body, status=200, content_type="application/json", headers={"ETag": self.etag})


def test_statistics_equal_the_buckets_with_provenance(tmp_path, httpserver, capsys):
    root = cfpb_data(tmp_path / "data")
    srv = CfpbServer(httpserver)
    endpoint = httpserver.url_for("/api/v1/")
    assert endpoint.startswith("http://127.0.0.1:")
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", endpoint, "--summary", str(tmp_path / "summary.md")) == 0

    data = json.loads(AGGS)
    total = data["hits"]["total"]["value"]
    timely = {b["key"]: b["doc_count"] for b in data["aggregations"]["timely"]["timely"]["buckets"]}
    answers = {b["key"]: b["doc_count"] for b in data["aggregations"]["company_response"]["company_response"]["buckets"]}
    ds = load_dataset(root)
    assert ds.problems == []
    stats = ds.statistics
    assert len(stats) == 2 * 2 * 6  # providers × quarters × metrics
    stat = stats["citibank--cfpb-complaint-database--timely-response-pct--2026-q3"]
    assert stat.value == pytest.approx(timely["Yes"] / total * 100, abs=0.005)
    assert stat.sample_size == total
    assert stats["citibank--cfpb-complaint-database--complaints-count--2026-q3"].value == total
    expected = {
        "closed-with-monetary-relief-pct": "Closed with monetary relief",
        "closed-with-non-monetary-relief-pct": "Closed with non-monetary relief",
        "closed-with-explanation-pct": "Closed with explanation",
        "in-progress-pct": "In progress",
    }
    for metric, key in expected.items():
        assert stats[f"equifax--cfpb-complaint-database--{metric}--2026-q2"].value == pytest.approx(answers[key] / total * 100, abs=0.005)

    # provenance: the exact URL asked (query included), the time, the sha256 of the body
    asked = {url for url, _ in srv.requests if "company=" in url}
    assert len(asked) == 4
    for stat in stats.values():
        prov = stat.provenance
        assert prov.url in asked
        assert prov.sha256 == __import__("hashlib").sha256(AGGS).hexdigest()
        assert prov.retrieved.tzinfo is not None
        assert prov.collected_by == "collector:cfpb"
    q = parse_qs(urlsplit(stats["citibank--cfpb-complaint-database--complaints-count--2026-q3"].provenance.url).query)
    assert q == {"size": ["0"], "no_highlight": ["true"], "company": ["CITIBANK, N.A."],
                 "date_received_min": ["2026-07-01"], "date_received_max": ["2026-09-30"]}
    # the User-Agent names the project and a contact URL
    ua = srv.requests[0][1]["User-Agent"]
    assert "service-pledge-tracker" in ua and "+http" in ua
    status = read_yaml_file(root / "status" / f"{SID}.yaml").data
    assert status["consecutive_failures"] == 0 and "last_error" not in status
    assert len(status["validators"]) == 4 and all(v["etag"] == '"v1"' for v in status["validators"])
    from pledges.cli import main

    assert main(["fmt", "--check", "--data", str(root)]) == 0  # collected files are in the canonical format
    summary = (tmp_path / "summary.md").read_text()
    assert "| `cfpb-complaint-database` | cfpb | ✅ updated | 16 |" in summary


def test_second_run_with_304_changes_no_file(tmp_path, httpserver):
    root = cfpb_data(tmp_path / "data")
    srv = CfpbServer(httpserver)
    endpoint = httpserver.url_for("/api/v1/")
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", endpoint) == 0
    git = ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    before = snapshot(root)
    mtimes = {p: p.stat().st_mtime_ns for p in root.rglob("*.yaml")}
    srv.requests.clear()
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", endpoint) == 0
    conditional = [h for url, h in srv.requests if "company=" in url]
    assert len(conditional) == 4 and all(h.get("If-None-Match") == '"v1"' for h in conditional)
    assert snapshot(root) == before
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*.yaml")} == mtimes  # not even touched
    porcelain = subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout
    assert porcelain == ""


def test_shape_without_consumer_disputed_is_accepted(tmp_path, httpserver):
    data = json.loads(AGGS)
    del data["aggregations"]["consumer_disputed"], data["aggregations"]["consumer_consent_provided"]
    body = json.dumps(data).encode()
    root = cfpb_data(tmp_path / "data", trailing_quarters=1)
    CfpbServer(httpserver, body=body)
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/api/v1/")) == 0
    assert load_dataset(root).statistics["equifax--cfpb-complaint-database--in-progress-pct--2026-q3"].value == pytest.approx(
        14834 / 1194155 * 100, abs=0.005)


def test_trailing_window_of_complete_quarters():
    from datetime import date

    from pledges.collect.cfpb import quarter_bounds, window

    assert window(date(2026, 11, 23), 4, False) == [(2025, 4), (2026, 1), (2026, 2), (2026, 3)]
    assert window(date(2026, 2, 1), 2, True) == [(2025, 4), (2026, 1)]
    assert quarter_bounds(2024, 1) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds(2025, 4) == (date(2025, 10, 1), date(2025, 12, 31))


def test_politeness_default_is_within_twenty_a_minute(tmp_path):
    """The repository's CFPB source record keeps within the API's 20 requests a minute."""
    from pledges.collect.http import Policy
    from pledges.yamlio import read_yaml_file as read

    from .conftest import REPO

    path = REPO / "data" / "sources" / f"{SID}.yaml"
    if not path.exists():
        pytest.skip("no CFPB source record in data/")
    params = read(path).data.get("params", {})
    assert float(params.get("min_interval_s", Policy().min_interval_s)) >= 3.0


def test_a_response_with_hits_is_read_the_same_way(tmp_path, httpserver):
    """The other real shape (a search that also returns hits): only hits.total and the buckets count."""
    body = (FIXTURES / "cfpb_search_excerpt.json").read_bytes()
    root = cfpb_data(tmp_path / "data", trailing_quarters=1)
    CfpbServer(httpserver, body=body)
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/api/v1/")) == 0
    stats = load_dataset(root).statistics
    assert stats["citibank--cfpb-complaint-database--complaints-count--2026-q3"].value == 5273
    assert stats["citibank--cfpb-complaint-database--timely-response-pct--2026-q3"].value == pytest.approx(5058 / 5273 * 100, abs=0.005)
    assert stats["citibank--cfpb-complaint-database--closed-with-non-monetary-relief-pct--2026-q3"].value == pytest.approx(663 / 5273 * 100, abs=0.005)


def _drifted(change) -> bytes:
    data = json.loads(AGGS)
    change(data)
    return json.dumps(data).encode()


def test_zero_complaints_without_stored_figures_is_a_count_of_zero(tmp_path, httpserver):
    """A company with no complaints in a quarter (and none stored before) is a real 0, not an error."""

    def empty(data):
        data["hits"]["total"]["value"] = 0
        for name in ("timely", "company_response"):
            data["aggregations"][name][name]["buckets"] = []

    root = cfpb_data(tmp_path / "data", trailing_quarters=1)
    CfpbServer(httpserver, body=_drifted(empty))
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/api/v1/")) == 0
    stats = load_dataset(root).statistics
    assert {s.value for s in stats.values()} == {0}
    assert sorted(stats) == ["citibank--cfpb-complaint-database--complaints-count--2026-q3", "equifax--cfpb-complaint-database--complaints-count--2026-q3"]


def test_only_a_yes_bucket_that_counts_everything_is_accepted(tmp_path, httpserver):
    """Terms buckets with no documents are left out by the API: "Yes" alone is fine when it equals the total."""

    def all_timely(data):
        total = data["hits"]["total"]["value"]
        data["aggregations"]["timely"]["timely"]["buckets"] = [{"key": "Yes", "doc_count": total}]

    root = cfpb_data(tmp_path / "data", trailing_quarters=1)
    CfpbServer(httpserver, body=_drifted(all_timely))
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/api/v1/")) == 0
    assert load_dataset(root).statistics["citibank--cfpb-complaint-database--timely-response-pct--2026-q3"].value == 100


def test_one_failed_address_stops_the_rest_of_the_source(tmp_path, httpserver):
    """2 providers × 2 quarters = 4 queries; the first fails for good, the other 3 are not sent."""
    root = cfpb_data(tmp_path / "data", min_interval_s=0)
    serve_robots(httpserver)
    httpserver.expect_request("/api/v1/").respond_with_data("gone", status=404)
    before = snapshot(root)
    assert run_cli("--data", str(root), "--source", SID, "--endpoint", httpserver.url_for("/api/v1/")) == 1
    assert len([r for r, _ in httpserver.log if r.path == "/api/v1/"]) == 1
    error = read_yaml_file(root / "status" / f"{SID}.yaml").data["last_error"]
    assert "HTTP 404" in error and "3 other address(es) of this source not fetched" in error
    assert snapshot(root, skip_status=SID) == {k: v for k, v in before.items() if k != f"status/{SID}.yaml"}
