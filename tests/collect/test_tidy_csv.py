"""tidy_csv on the real derived copies of Ofcom's complaints and the Citizens Advice star rating.

The tests run the project's own source records (data/sources/) and providers (data/providers/), with
only the address moved to the local server: so they prove that the committed column mapping and
source names read every row of the real files, and that drift fails without touching the data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil

import pytest

from pledges import models as m
from pledges.dataset import load_dataset
from pledges.yamlio import dump_record, read_yaml_file, write_atomic

from .conftest import FIXTURES, REPO, run_cli, serve_robots, snapshot

OFCOM = "ofcom-telecoms-complaints"
CA = "citizens-advice-star-rating"
OFCOM_CSV = (FIXTURES / "ofcom_complaints_tidy_be65874.csv").read_bytes()
CA_CSV = (FIXTURES / "ca_panel_tidy_be65874.csv").read_bytes()
FILES = {OFCOM: "ofcom_complaints.csv", CA: "ca_panel.csv"}


def world(tmp_path, httpserver, source_id: str, body: bytes, **params):
    """A data folder with the repository's providers and the real source record, served locally."""
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "providers", root / "providers")
    (root / "sources").mkdir()
    record = m.Source.model_validate(read_yaml_file(REPO / "data" / "sources" / f"{source_id}.yaml").data)
    record.params = {**record.params, "base_url": httpserver.url_for("/real/"), "min_interval_s": 0, **params}
    write_atomic(root / "sources" / f"{source_id}.yaml", dump_record(record))
    serve_robots(httpserver)
    httpserver.expect_request(f"/real/{FILES[source_id]}").respond_with_data(body, content_type="text/csv")
    return root


def rows_of(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def points(root, source_id):
    dataset = load_dataset(root)
    return dataset, [(s, p) for s in dataset.series.values() if s.source == source_id for p in s.points]


# --------------------------------------------------------------------------- Ofcom


def test_ofcom_every_landline_and_broadband_row_is_one_point(tmp_path, httpserver):
    root = world(tmp_path, httpserver, OFCOM, OFCOM_CSV)
    assert run_cli("--data", str(root)) == 0
    dataset, found = points(root, OFCOM)
    rows = [r for r in rows_of(OFCOM_CSV) if r["service"] in ("Landline", "Fixed broadband") and r["provider"] != "Industry Average"]
    assert len(rows) == 850 and len(found) == len(rows)  # 492 + 480 rows less 61 + 61 industry-average rows
    assert {p.segment for _, p in found} == {"landline", "fixed broadband"}  # pay TV and mobile are left out
    stats = dataset.statistics
    first = stats["bt--ofcom-telecoms-complaints--complaints-per-100k--landline--2010-q4"]
    assert first.value == 25.0 and first.provenance.sha256 == hashlib.sha256(OFCOM_CSV).hexdigest()
    fb = {"bt": 8, "ee": 8, "plusnet": 5, "sky": 7, "talktalk": 10, "virgin-media": 5, "vodafone": 11}
    for provider, value in fb.items():
        figure = stats[f"{provider}--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband--2025-q4"]
        assert (figure.value, figure.industry_average) == (value, 7.0), provider
    assert stats["bt--ofcom-telecoms-complaints--complaints-per-100k--landline--2025-q4"].industry_average == 3.0
    # both of Ofcom's labels for the Post Office are one provider
    assert stats["post-office--ofcom-telecoms-complaints--complaints-per-100k--landline--2017-q3"].value == 24.0
    assert any(s.provider == "post-office" and p.segment == "fixed broadband" for s, p in found)
    release = dataset.releases[first.release]
    assert release.derived and release.checked_against
    assert release.url == httpserver.url_for("/real/ofcom_complaints.csv")
    # the committed release of the same file (its id carries the day it was read, so find it by hash)
    committed = next(r for r in load_dataset(REPO / "data").releases.values() if r.sha256 == release.sha256)
    assert committed.url == "https://raw.githubusercontent.com/ALAGBE-OLUWAPELUMI/ai-customer-service-uk/" \
        "be65874c83afb9179c79e84b566d9d17135274a4/data/real/ofcom_complaints.csv"
    assert committed.sha256 == release.sha256 and committed.derived


def test_ofcom_pay_tv_and_mobile_rows_are_never_read(tmp_path, httpserver):
    """Rows of the skipped services are not parsed at all: even a broken value there changes nothing."""
    body = OFCOM_CSV.replace(b"Pay TV,Sky,2010 Q4,", b"Pay TV,Sky,2010 Q4,n/k", 1)
    assert body != OFCOM_CSV
    root = world(tmp_path, httpserver, OFCOM, body)
    assert run_cli("--data", str(root)) == 0
    _, found = points(root, OFCOM)
    assert not any(s.provider in ("o2", "three-uk") or p.segment not in ("landline", "fixed broadband") for s, p in found)


# Independent figures the derived copy was checked against (the release's checked_against lists them).
OFCOM_CHECKS = [  # (service, provider label, quarter, published value, where)
    ("Landline", "EE", "2015 Q3", 34, "Ofcom media release 15 Dec 2015"),
    ("Landline", "Plusnet", "2015 Q3", 33, "Ofcom media release 15 Dec 2015"),
    ("Fixed broadband", "TalkTalk Group", "2017 Q3", 30, "Silicon UK"),
    ("Fixed broadband", "Industry Average", "2017 Q3", 18, "Silicon UK"),
    ("Fixed broadband", "Sky", "2017 Q3", 7, "Silicon UK"),
    ("Landline", "Post Office HomePhone", "2017 Q3", 24, "Silicon UK"),
    ("Landline", "Industry Average", "2017 Q3", 13, "Silicon UK"),
    ("Fixed broadband", "BT", "2017 Q1", 34, "Mobile News 28 Jun 2017"),
    ("Fixed broadband", "Sky", "2017 Q1", 8, "Mobile News 28 Jun 2017"),
    ("Landline", "TalkTalk Group", "2017 Q1", 22, "Mobile News 28 Jun 2017"),
]


def test_ofcom_copy_matches_the_independently_published_figures():
    table = {(r["service"], r["provider"], r["quarter"]): float(r["complaints_per_100k"]) for r in rows_of(OFCOM_CSV)}
    for service, label, quarter, value, where in OFCOM_CHECKS:
        assert table[(service, label, quarter)] == value, (service, label, quarter, where)
    # The one figure that does not match, recorded as such on the release: Mobile News has Sky landline
    # Q1 2017 at 7, the copy at 8.
    assert table[("Landline", "Sky", "2017 Q1")] == 8.0
    source = m.Source.model_validate(read_yaml_file(REPO / "data" / "sources" / f"{OFCOM}.yaml").data)
    checked = " ".join(source.params["release"]["checked_against"])
    assert "NOT matched" in checked and "landline Sky is 7" in checked


def test_seed_2025_figures_equal_the_full_copy():
    """The seed series merged into the collected ones: every stored point with the seed release equals the file."""
    dataset = load_dataset(REPO / "data")
    ofcom = {(r["service"].lower(), r["provider"], r["quarter"]): float(r["complaints_per_100k"]) for r in rows_of(OFCOM_CSV)}
    names = {(sn.source, p.id): sn.name for p in dataset.providers.values() for sn in p.source_names}
    seed = [(s, p) for s in dataset.series.values() for p in s.points if p.release.endswith("--2026-07-16")]
    assert len(seed) > 100
    columns = {"star-rating": "star_rating", "call-wait-seconds": "call_wait_s",
               "email-reply-2-working-days-pct": "email_resp_pct", "complaints-per-10k": "complaints_per_10k"}
    ca = {(r["supplier"], r["quarter"]): r for r in rows_of(CA_CSV)}
    for series, point in seed:
        year, q = point.period.split("-")
        if series.source == OFCOM:
            label = names[(OFCOM, series.provider)]
            assert ofcom[(point.segment, label, f"{year} {q}")] == point.value, series.id
        else:
            row = ca[(names[(CA, series.provider)], f"{q} {year}")]
            assert float(row[columns[series.metric.value]]) == point.value, series.id


# --------------------------------------------------------------------------- Citizens Advice


def test_ca_every_supplier_row_and_value_is_one_point(tmp_path, httpserver):
    root = world(tmp_path, httpserver, CA, CA_CSV)
    assert run_cli("--data", str(root)) == 0
    dataset, found = points(root, CA)
    rows = rows_of(CA_CSV)
    cells = sum(1 for r in rows for c in ("star_rating", "call_wait_s", "email_resp_pct", "complaints_per_10k") if r[c])
    assert len(rows) == 864 and len(found) == cells
    assert len({s.provider for s, _ in found}) == len({r["supplier"] for r in rows}) == 56
    stats = dataset.statistics
    octopus = {metric: stats[f"octopus-energy--citizens-advice-star-rating--{metric}--2026-q1"].value
               for metric in ("star-rating", "call-wait-seconds", "email-reply-2-working-days-pct", "complaints-per-10k")}
    assert octopus == {"star-rating": 3.67, "call-wait-seconds": 77.0, "email-reply-2-working-days-pct": 86.12, "complaints-per-10k": 21.3}
    assert stats["british-gas--citizens-advice-star-rating--star-rating--2017-q4"].value == 4.05
    assert stats["british-gas--citizens-advice-star-rating--call-wait-seconds--2017-q4"].value == 120.64
    versions = {p: stats[f"british-gas--citizens-advice-star-rating--star-rating--{p}"].series_version
                for p in ("2017-q4", "2021-q1", "2023-q3", "2026-q1")}
    assert versions == {"2017-q4": None, "2021-q1": "method-2020-12", "2023-q3": "method-2023-q3", "2026-q1": "method-2025-q4"}
    bulb = dataset.providers["bulb-energy"]
    assert bulb.events[0].kind.value == "acquired" and bulb.events[0].successor == "octopus-energy"
    assert dataset.releases[stats["british-gas--citizens-advice-star-rating--star-rating--2017-q4"].release].derived


# --------------------------------------------------------------------------- drift


DRIFT = [
    (OFCOM, OFCOM_CSV.replace(b"complaints_per_100k", b"complaints_per_100000", 1), ["expected columns", "'complaints_per_100k'"]),
    (OFCOM, OFCOM_CSV.replace(b"Landline,BT,2010 Q4,", b"Landline,BT,Q4 2010,", 1), ["row 2", "'Q4 2010'", "'YYYY Qn'"]),
    (OFCOM, OFCOM_CSV.replace(b"Landline,BT,2010 Q4,25.0", b"Landline,BT,2010 Q4,n/k", 1), ["row 2", "expected a number", "'n/k'"]),
    (OFCOM, OFCOM_CSV.replace(b"Landline,BT,2010 Q4,", b"Home phone,BT,2010 Q4,", 1), ["row 2", "'Home phone'", "not a segment"]),
    (OFCOM, OFCOM_CSV.replace(b"Landline,BT,2010 Q4,", b"Landline,BT Group,2010 Q4,", 1), ["row 2", "'BT Group'", "source_names"]),
    (OFCOM, OFCOM_CSV.replace(b"Landline,BT,2010 Q4,25.0", b"Landline,BT,2010 Q4,-25.0", 1), ["row 2", "negative"]),
    (CA, CA_CSV.replace(b"Avro Energy,Q4 2017,", b"Avro Energy,2017 Q4,", 1), ["row 2", "'2017 Q4'", "'Qn YYYY'"]),
    (CA, CA_CSV.replace(b"supplier,", b"Supplier name,", 1), ["expected columns", "'supplier'"]),
    (CA, CA_CSV.replace(b"Avro Energy,Q4 2017,1.4", b"Avro Energy,Q4 2017,1,4 stars", 1), ["row 2", "expected a number"]),
    (CA, CA_CSV.splitlines(keepends=True)[0], ["header but no data rows"]),
]


@pytest.mark.parametrize(("source_id", "body", "words"), DRIFT)
def test_format_drift_fails_plainly_and_leaves_data_intact(tmp_path, httpserver, capsys, source_id, body, words):
    root = world(tmp_path, httpserver, source_id, body)
    before = snapshot(root, skip_status=source_id)
    assert run_cli("--data", str(root)) == 1
    assert snapshot(root, skip_status=source_id) == before
    error = read_yaml_file(root / "status" / f"{source_id}.yaml").data["last_error"]
    for word in words:
        assert word in error, (word, error)
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(("params", "words"), [
    ({"period_format": "YYYYQn"}, ["params.period_format"]),
    ({"values": {"complaints_per_100k": "complaints-per-million"}}, ["params.values", "complaints-per-million"]),
    ({"release": {"derived": True, "checked_agianst": ["x"]}}, ["params.release", "checked_agianst"]),
])
def test_broken_mapping_fails_plainly(tmp_path, httpserver, params, words):
    root = world(tmp_path, httpserver, OFCOM, OFCOM_CSV, **params)
    before = snapshot(root, skip_status=OFCOM)
    assert run_cli("--data", str(root)) == 1
    assert snapshot(root, skip_status=OFCOM) == before
    error = read_yaml_file(root / "status" / f"{OFCOM}.yaml").data["last_error"]
    assert all(word in error for word in words), error
