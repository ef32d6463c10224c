"""The command: selection, summaries, annotations, and crash safety under SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from pledges.dataset import load_dataset

from .conftest import FIXTURES, make_data, provider, run_cli, serve_robots, snapshot, source
from .servers import RawServer

CA = "citizens-advice-star-rating"
CFPB = "cfpb-complaint-database"
CA_CSV = (FIXTURES / "ca_star_rating_panel_q4_2025_q1_2026_tidy.csv").read_bytes()


def two_sources(root, ca_base: str, cfpb_base: str):
    return make_data(
        root,
        [source(CA, "citizens_advice_csv", {"base_url": ca_base, "files": [{"path": "ca.csv"}]}),
         source(CFPB, "cfpb", {"base_url": cfpb_base, "trailing_quarters": 1}, cadence="daily")],
        [provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy"),
         provider("octopus-energy", "Octopus Energy", {CA: "Octopus Energy"}, sector="energy"),
         provider("citibank", "Citibank, N.A.", {CFPB: "CITIBANK, N.A."}, country="US")],
    )


def test_unknown_source_is_a_usage_error(tmp_path, capsys):
    root = make_data(tmp_path / "data", [], [])
    assert run_cli("--data", str(root), "--source", "nope") == 2
    err = capsys.readouterr().err
    assert "no source 'nope'" in err and "Traceback" not in err


def test_summary_goes_to_file_and_step_summary_with_annotations(tmp_path, httpserver, monkeypatch, capsys):
    serve_robots(httpserver)
    httpserver.expect_request("/ca/ca.csv").respond_with_data(CA_CSV, content_type="text/csv")
    httpserver.expect_request("/api/v1/").respond_with_data("oops", status=500)
    root = two_sources(tmp_path / "data", httpserver.url_for("/ca/"), httpserver.url_for("/api/v1/"))
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run_cli("--data", str(root), "--summary", str(tmp_path / "s.md")) == 1
    for path in (step, tmp_path / "s.md"):
        text = path.read_text()
        assert "| Source | Collector | Result | Files written | Detail |" in text
        assert f"| `{CA}` | citizens_advice_csv | ✅ updated | 9 |" in text
        assert f"| `{CFPB}` | cfpb | ❌ failed | 0 | HTTP 500 (server error)" in text
    out = capsys.readouterr().out
    assert f"::error title=collect {CFPB}::HTTP 500" in out


def test_sigkill_while_server_stalls_leaves_every_file_whole(tmp_path, httpserver):
    """A collector killed mid-run: the finished source's files are whole, the stalled one's untouched."""
    serve_robots(httpserver)
    httpserver.expect_request("/ca/ca.csv").respond_with_data(CA_CSV, content_type="text/csv")
    stall = RawServer("stall")
    root = two_sources(tmp_path / "data", httpserver.url_for("/ca/"), stall.url("/api/v1/"))
    before = snapshot(root)
    env = {**os.environ, "PLEDGES_HTTP_READ_TIMEOUT": "60", "PLEDGES_HTTP_RETRIES": "0", "PLEDGES_HTTP_MIN_INTERVAL": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "pledges", "collect", "--data", str(root)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (root / "status" / f"{CA}.yaml").exists():
            time.sleep(0.05)
        while time.monotonic() < deadline and stall.stalled < 1:  # the data request is being held
            time.sleep(0.05)
        assert proc.poll() is None, "the collector should still be waiting on the stalled server"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        stall.close()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    ds = load_dataset(root)
    assert ds.problems == []  # every YAML file parses and passes the checks
    assert len([s for s in ds.statistics.values() if s.source == CA]) == 16
    assert not (root / "status" / f"{CFPB}.yaml").exists()
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing that existed was changed
    assert not [p for p in root.rglob("*.tmp")]


def test_sigkill_at_random_moments_never_leaves_a_half_written_file(tmp_path, httpserver):
    """Many sources writing many files; the process is killed at several moments of the run."""
    import random

    from pledges.yamlio import read_yaml_file

    serve_robots(httpserver)
    httpserver.expect_request("/ca/ca.csv").respond_with_data(CA_CSV, content_type="text/csv")
    names = ["British Gas", "Octopus Energy", "EDF Energy", "Ovo Energy", "E.ON Next", "Utilita"]
    sources = [source(f"ca-copy-{i}", "citizens_advice_csv", {"base_url": httpserver.url_for("/ca/"), "files": [{"path": "ca.csv"}]})
               for i in range(12)]
    providers = [provider(f"{n.lower().replace(' ', '-').replace('.', '')}-{i}", n, {f"ca-copy-{i}": n}, sector="energy")
                 for i in range(12) for n in names]
    env = {**os.environ, "PLEDGES_HTTP_MIN_INTERVAL": "0"}
    rng = random.Random(7)
    for attempt in range(3):
        root = make_data(tmp_path / f"data{attempt}", sources, providers)
        proc = subprocess.Popen([sys.executable, "-m", "pledges", "collect", "--data", str(root)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any((root / "series").iterdir()):
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.3))  # somewhere in the middle of the writes
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        for path in root.rglob("*.yaml"):
            read_yaml_file(path)  # raises on a half-written file
        assert load_dataset(root).problems == []


def test_endpoint_rebases_absolute_file_addresses_onto_the_mirror(tmp_path, httpserver, monkeypatch):
    """A source that lists its files by absolute address (the FCA's workbooks) is fetched from the
    --endpoint by file name: a run pointed at a mirror never reaches the publisher's host."""
    import socket

    tried: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        tried.append(str(host))
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    serve_robots(httpserver)
    name = "firm-level-complaints-data-2024-h2.xlsx"
    httpserver.expect_request(f"/mirror/{name}").respond_with_data(
        (FIXTURES / name).read_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    root = make_data(tmp_path / "data", [source(
        "fca-firm-level-complaints", "fca_firm_xlsx",
        {"base_url": "https://www.fca.org.uk/data/complaints-data/firm-level",
         "files": [{"url": f"https://www.fca.org.uk/publication/data/{name}", "period": "2024-H2"}]},
        cadence="half-yearly")], [])
    assert run_cli("--data", str(root), "--endpoint", httpserver.url_for("/mirror/")) == 0
    assert "www.fca.org.uk" not in tried
    releases = load_dataset(root).releases
    assert [r.url for r in releases.values()] == [httpserver.url_for(f"/mirror/{name}")]
