"""FOS, Ofcom and Citizens Advice collectors on real samples (FOS: a synthetic-layout workbook). FCA: test_fca.py."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from .conftest import FIXTURES, make_data, provider, run_cli, serve_robots, snapshot, source

FOS = "fos-business-complaints"
OFCOM = "ofcom-telecoms-complaints"
CA = "citizens-advice-star-rating"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def synthetic_fos_workbook() -> bytes:
    """SYNTHETIC: the FOS layout as described in docs/sources notes; names and numbers are made up
    except the one real pair quoted there (AA Underwriting Insurance Company Limited, 140 cases, 0.4569)."""
    wb = openpyxl.Workbook()
    new = wb.active
    new.title = "New cases"
    new.append(["Business", "New cases by product", None, None])
    new.append(["Business name", "Banking and credit", "Insurance", "Total"])
    new.append(["AA Underwriting Insurance Company Limited", 0, 140, 140])
    new.append(["Example Bank PLC (synthetic)", 250, 10, 260])
    new.append(["TOTALS", 250, 150, 400])
    new.append(["Total (45/ 45 Threshold)", 1, 1, 2])
    new.append(["* Businesses with fewer than 30 cases are not named", None, None, None])
    res = wb.create_sheet("Resolved cases")
    res.append(["Business name", "Resolved cases", "% of cases upheld"])
    res.append(["AA Underwriting Insurance Company Limited", 151, 0.4569])
    res.append(["Example Bank PLC (synthetic)", 240, "31.25%"])
    res.append(["TOTALS", 391, 0.37])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_fos_synthetic_layout(tmp_path, httpserver):
    serve_robots(httpserver)
    httpserver.expect_request("/fos/h1-2025.xlsx").respond_with_data(synthetic_fos_workbook(), content_type=XLSX)
    root = make_data(
        tmp_path / "data",
        [source(FOS, "fos_xlsx", {"base_url": httpserver.url_for("/fos/"), "files": [{"path": "h1-2025.xlsx", "period": "2025-H1"}]},
                cadence="half-yearly")],
        [provider("aa-underwriting", "AA Underwriting", {FOS: "AA Underwriting Insurance Company Limited"}, sector="insurance"),
         provider("example-bank", "Example Bank", {FOS: "Example Bank PLC (synthetic)"})],
    )
    assert run_cli("--data", str(root)) == 0
    stats = load_dataset(root).statistics
    assert stats["aa-underwriting--fos-business-complaints--ombudsman-new-cases--2025-h1"].value == 140
    assert stats["aa-underwriting--fos-business-complaints--ombudsman-upheld-pct--2025-h1"].value == pytest.approx(45.69)
    assert stats["example-bank--fos-business-complaints--ombudsman-upheld-pct--2025-h1"].value == pytest.approx(31.25)
    assert len(stats) == 4  # TOTALS, threshold and footnote rows skipped


def ofcom_world(tmp_path, httpserver, body: bytes):
    serve_robots(httpserver)
    httpserver.expect_request("/ofcom/complaints.csv").respond_with_data(body, content_type="text/csv")
    return make_data(
        tmp_path / "data",
        [source(OFCOM, "ofcom_csv", {"base_url": httpserver.url_for("/ofcom/"), "files": [{"path": "complaints.csv"}]})],
        [provider("bt", "BT", {OFCOM: "BT"}, sector="telecoms"),
         provider("talktalk", "TalkTalk", {OFCOM: "TalkTalk Group"}, sector="telecoms"),
         provider("now-broadband", "NOW Broadband", {OFCOM: "NOW Broadband"}, sector="telecoms")],
    )


OFCOM_CSV = (FIXTURES / "ofcom_complaints_2025_multitable_layout.csv").read_bytes()


def test_ofcom_multitable_layout(tmp_path, httpserver):
    root = ofcom_world(tmp_path, httpserver, OFCOM_CSV)
    assert run_cli("--data", str(root)) == 0
    stats = load_dataset(root).statistics
    q1 = stats["bt--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband--2025-q1"]
    assert (q1.value, q1.industry_average, q1.segment) == (11.0, 10.0, "fixed broadband")
    assert stats["bt--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband--2025-q4"].value == 8.0
    assert stats["talktalk--ofcom-telecoms-complaints--complaints-per-100k--landline--2025-q1"].value == 8.0
    assert stats["bt--ofcom-telecoms-complaints--complaints-per-100k--landline--2025-q4"].industry_average == 3.0
    assert "now-broadband--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband--2025-q4" not in stats  # blank: not published
    # the real values agree with the tidy sample they came from
    with open(FIXTURES / "ofcom_complaints_fixed_broadband_2025_tidy.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["provider"] == "BT":
                period = row["quarter"].replace(" ", "-").lower()
                assert stats[f"bt--ofcom-telecoms-complaints--complaints-per-100k--fixed-broadband--{period}"].value == float(row["complaints_per_100k"])


@pytest.mark.parametrize("body,words", [
    (b"Provider,2025 Q1\nBT,11\n", ["title row containing 'per 100,000'"]),
    (OFCOM_CSV.replace(b",2025 Q1,2025 Q2,2025 Q3,2025 Q4", b",Jan,Feb,Mar,Apr"), ["quarter labels", "'Jan'"]),
    (OFCOM_CSV.replace(b"BT,11,9,9,8", b"BT,11,n/k,9,8"), ["expected a number", "'n/k'"]),
    (b"Fixed broadband: complaints per 100,000 customers\n,2025 Q1\nIndustry average,10\n", ["table is empty"]),
], ids=["no-title", "renamed-labels", "text-in-value", "empty-table"])
def test_ofcom_unexpected_layout_fails_loudly(tmp_path, httpserver, body, words):
    root = ofcom_world(tmp_path, httpserver, body)
    before = snapshot(root, skip_status=OFCOM)
    assert run_cli("--data", str(root)) == 1
    assert snapshot(root, skip_status=OFCOM) == before
    error = read_yaml_file(root / "status" / f"{OFCOM}.yaml").data["last_error"]
    for word in words:
        assert word in error, error


def test_citizens_advice_values_and_method_break(tmp_path, httpserver):
    from pledges import models as m

    serve_robots(httpserver)
    httpserver.expect_request("/ca/panel.csv").respond_with_data(
        (FIXTURES / "ca_star_rating_panel_q4_2025_q1_2026_tidy.csv").read_bytes(), content_type="text/csv")
    breaks = [m.MethodBreak(period="2023-Q3", series_version="method-2023-q3", description="d"),
              m.MethodBreak(period="2025-Q4", series_version="method-2025-q4", description="d")]
    root = make_data(
        tmp_path / "data",
        [source(CA, "citizens_advice_csv", {"base_url": httpserver.url_for("/ca/"), "files": [{"path": "panel.csv"}]},
                method_breaks=breaks)],
        [provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy")],
    )
    assert run_cli("--data", str(root)) == 0
    stats = load_dataset(root).statistics
    assert stats["british-gas--citizens-advice-star-rating--star-rating--2026-q1"].value == 2.61
    assert stats["british-gas--citizens-advice-star-rating--call-wait-seconds--2026-q1"].value == 51.0
    assert stats["british-gas--citizens-advice-star-rating--email-reply-2-working-days-pct--2026-q1"].value == 97.94
    assert stats["british-gas--citizens-advice-star-rating--complaints-per-10k--2025-q4"].value == 73.5
    assert stats["british-gas--citizens-advice-star-rating--star-rating--2026-q1"].series_version == "method-2025-q4"


def test_records_failing_pledges_check_are_not_written(tmp_path, httpserver):
    """The collector's records go through check_records first: a period that has not started fails."""
    serve_robots(httpserver)
    body = (FIXTURES / "ca_star_rating_panel_q4_2025_q1_2026_tidy.csv").read_bytes().replace(
        b"British Gas,Q1 2026,", b"British Gas,Q1 2099,")
    httpserver.expect_request("/ca/panel.csv").respond_with_data(body, content_type="text/csv")
    root = make_data(
        tmp_path / "data",
        [source(CA, "citizens_advice_csv", {"base_url": httpserver.url_for("/ca/"), "files": [{"path": "panel.csv"}]})],
        [provider("british-gas", "British Gas", {CA: "British Gas"}, sector="energy")],
    )
    assert run_cli("--data", str(root)) == 1
    error = read_yaml_file(root / "status" / f"{CA}.yaml").data["last_error"]
    assert "do not pass the checks of `pledges check`" in error and "2099-Q1 has not started yet" in error, error
    assert not list((root / "series").iterdir()) and not list((root / "releases").iterdir())  # not even the good rows: a source is all or nothing


def test_every_collector_module_has_the_load_process_shape():
    import importlib

    from pledges.collect.runner import COLLECTORS

    for name in COLLECTORS:
        module = importlib.import_module(f"pledges.collect.{name}")
        assert callable(module.load) and callable(module.process), name
        assert module.__doc__ and "params" in module.__doc__.lower() or name == "citizens_advice_csv", name
