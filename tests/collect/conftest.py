"""Helpers for the collector tests: a small data folder built per test, fast HTTP settings, snapshots."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from pledges import models as m
from pledges.yamlio import dump_record, write_atomic

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
SEED_PROVENANCE = dict(
    publisher="Test suite",
    url="https://example.org/test-data",
    retrieved=date(2026, 1, 1),
    licence="CC0-1.0",
    collected_by="contributor:test-suite",
    note="synthetic test record",
)


@pytest.fixture(autouse=True)
def fast_http(monkeypatch):
    """Short timeouts and backoffs, no politeness delay: tests stay fast."""
    for name, value in {
        "PLEDGES_HTTP_MIN_INTERVAL": "0",
        "PLEDGES_HTTP_RETRIES": "1",
        "PLEDGES_HTTP_BACKOFF": "0.05",
        "PLEDGES_HTTP_CONNECT_TIMEOUT": "1",
        "PLEDGES_HTTP_READ_TIMEOUT": "0.5",
        "PLEDGES_HTTP_RETRY_AFTER_CAP": "5",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("PLEDGES_TODAY", raising=False)


@pytest.fixture(scope="session")
def httpserver_listen_address():
    return ("127.0.0.1", 0)


def provider(pid: str, name: str, names: dict[str, str], sector: str = "banking", country: str = "GB") -> m.Provider:
    return m.Provider(
        id=pid,
        name=name,
        country=country,
        sectors=[sector],
        source_names=[{"source": s, "name": n} for s, n in names.items()],
        provenance=SEED_PROVENANCE,
    )


def source(sid: str, collector: str, params: dict, cadence: str = "quarterly", **extra) -> m.Source:
    return m.Source(
        id=sid,
        name=extra.pop("name", f"Test source {sid}"),
        publisher=extra.pop("publisher", "Test Publisher"),
        url="https://example.org/source",
        licence="CC0-1.0",
        cadence=cadence,
        expected_update_days=30,
        collector=collector,
        params=params,
        **extra,
    )


def write(root: Path, kind: str, record) -> Path:
    path = root / kind / f"{record.id}.yaml"
    write_atomic(path, dump_record(record))
    return path


def make_data(root: Path, sources: list[m.Source], providers: list[m.Provider], pledges: list[m.Pledge] = ()) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for kind in ("providers", "sources", "releases", "series", "pledges", "status"):
        (root / kind).mkdir(exist_ok=True)
    for record in sources:
        write(root, "sources", record)
    for record in providers:
        write(root, "providers", record)
    for record in pledges:
        write(root, "pledges", record)
    return root


def snapshot(root: Path, *, skip_status: str | None = None) -> dict[str, str]:
    """sha256 of every file under root (optionally leaving out one source's status file)."""
    result = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            if skip_status and rel == f"status/{skip_status}.yaml":
                continue
            result[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def serve_robots(server, body: str | None = None) -> None:
    if body is None:
        server.expect_request("/robots.txt").respond_with_data("not found", status=404)
    else:
        server.expect_request("/robots.txt").respond_with_data(body, content_type="text/plain")


def run_cli(*argv: str) -> int:
    from pledges.cli import main

    return main(["collect", *argv])
