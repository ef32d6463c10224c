"""FCA firm-level complaints collector on the FCA's own workbooks (2022 H1 – 2025 H1), served on localhost.

The expected figures are read from the workbooks independently here (openpyxl in normal mode, the
2024 H2 sheet names and columns written out), so the collector's sheet finding, header finding,
row bounding and matching are checked against the cells themselves."""

from __future__ import annotations

import csv
import io
import json
import time

import openpyxl
import pytest

from pledges import models as m
from pledges.collect.fca_firm_xlsx import MAX_ROWS, find_sheets
from pledges.dataset import load_dataset
from pledges.yamlio import read_yaml_file

from .conftest import FIXTURES, REPO, make_data, provider, run_cli, serve_robots, snapshot, source

FCA = "fca-firm-level-complaints"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
H2_2024 = FIXTURES / "firm-level-complaints-data-2024-h2.xlsx"
WORKBOOKS = {
    "2022-H1": FIXTURES / "fca" / "firm-level-complaints-data-2022-h1.xlsx",
    "2023-H1": FIXTURES / "fca" / "firm-level-complaints-data-2023-h1.xlsx",
    "2023-H2": FIXTURES / "fca" / "firm-level-complaints-data-2023-h2.xlsx",
    "2024-H1": FIXTURES / "fca" / "firm-level-complaints-data-2024-h1.xlsx",
    "2024-H2": H2_2024,
    "2025-H1": FIXTURES / "fca" / "firm-level-complaints-data-2025-h1.xlsx",
}
GROUPS = ["Banking and credit cards", "Decumulation & pensions", "Home finance", "Insurance & pure protection", "Investments"]


def path_of(period: str) -> str:
    return f"/publication/data/firm-level-complaints-data-{period.lower()}.xlsx"


def fca_world(tmp_path, httpserver, bodies: dict[str, bytes], providers=()):
    """A data folder whose FCA source lists the given periods' workbooks, served by httpserver."""
    serve_robots(httpserver)
    for period, body in bodies.items():
        httpserver.expect_request(path_of(period)).respond_with_data(body, content_type=XLSX)
    params = {"base_url": "https://www.fca.org.uk/data/complaints-data/firm-level",
              "files": [{"path": path_of(p), "period": p} for p in bodies]}
    return make_data(tmp_path / "data", [source(FCA, "fca_firm_xlsx", params, cadence="half-yearly",
                                                 publisher="Financial Conduct Authority (FCA)")], list(providers))


def collect(root, httpserver) -> int:
    return run_cli("--data", str(root), "--endpoint", httpserver.url_for("/"))


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def expected_2024_h2() -> dict[tuple[str, str, str], float]:
    """(firm, metric, segment) → value, read cell by cell from the 2024 H2 workbook."""
    wb = openpyxl.load_workbook(H2_2024, data_only=True)
    out: dict[tuple[str, str, str], float] = {}

    def rows(sheet):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2, values_only=True):
            if row[0] and str(row[0]).strip():
                yield str(row[0]).strip(), dict(zip(header, row, strict=False))

    for sheet, metric in (("Opened", "complaints-count"), ("Closed", "complaints-closed-count")):
        for firm, row in rows(sheet):
            for g in GROUPS:
                if not blank(row[g]):
                    out[(firm, metric, g)] = int(row[g])
    for sheet, metric in (("Closed within 3 days", "closed-within-3-days-pct"), ("Upheld", "upheld-by-firm-pct")):
        for firm, row in rows(sheet):
            for g in GROUPS:
                if not blank(row[g]) and 0 <= row[g] <= 1:  # an impossible proportion is no figure
                    out[(firm, metric, g)] = round(row[g] * 100, 2)
    after = {firm: row for firm, row in rows("After 3 days within 8 weeks")}
    for firm, row in rows("Closed within 3 days"):
        for g in GROUPS:
            if not blank(row[g]) and firm in after and not blank(after[firm][g]) and row[g] + after[firm][g] <= 1.0005:
                out[(firm, "closed-within-8-weeks-pct", g)] = round((row[g] + after[firm][g]) * 100, 2)
    for sheet, kind in (("Context - Provision", "provision"), ("Context - Intermediation", "intermediation")):
        for firm, row in rows(sheet):
            for g in GROUPS:
                if g in row and not blank(row[g]):
                    out[(firm, "complaints-per-1k-accounts", f"{g} ({kind})")] = row[g]
    for firm, row in rows("Consumer Credit"):
        for column, metric in (("Complaints Received", "complaints-count"), ("Complaints Closed", "complaints-closed-count")):
            if not blank(row[column]):
                out[(firm, metric, "Consumer credit")] = int(row[column])
        if not blank(row["Complaints Upheld (%)"]) and row["Complaints Upheld (%)"] <= 1:  # Honda: 7.83
            out[(firm, "upheld-by-firm-pct", "Consumer credit")] = round(row["Complaints Upheld (%)"] * 100, 2)
    return out


def collected(root) -> dict[tuple[str, str, str], float]:
    """The same keys from the collected data: firm name via the provider's source names."""
    dataset = load_dataset(root)
    names = {p.id: [e.name for e in p.source_names if e.source == FCA] for p in dataset.providers.values()}
    out = {}
    for stat in dataset.statistics.values():
        if stat.source != FCA or stat.period != "2024-H2":
            continue
        firm = next(n for n in names[stat.provider] if n in stat.note)  # the point note names the row's firm
        out[(firm, stat.metric.value, stat.segment)] = stat.value
    return out


@pytest.fixture(scope="module")
def expected():
    return expected_2024_h2()


def test_every_firm_and_cell_of_2024_h2_equals_the_workbook(tmp_path, httpserver, expected):
    root = fca_world(tmp_path, httpserver, {"2024-H2": H2_2024.read_bytes()})
    assert collect(root, httpserver) == 0
    got = collected(root)
    assert len(expected) > 2500  # every firm, every mapped cell (not only known providers)
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-9), key
    dataset = load_dataset(root)
    assert not dataset.problems
    barclays = next(p for p in dataset.providers.values() if p.name == "Barclays Bank UK PLC")
    assert barclays.id == "barclays-bank-uk-plc"
    assert [(i.scheme.value, i.value) for i in barclays.identifiers] == [("fca-frn", "759676")]
    assert "Barclaycard" in barclays.brands and barclays.group == "BARCLAYS PLC"
    assert barclays.provenance.collected_by == "collector:fca_firm_xlsx"
    assert barclays.provenance.sha256 == "aa763117d5090f3e6920ed5e9f4203e6dc7d4e33f2a3cf7e2d357b0d85bbd010"
    assert {s.value for s in barclays.sectors} >= {"banking", "insurance", "investments", "pensions", "consumer-credit"}
    monzo = next(s for s in dataset.statistics.values()
                 if s.provider == "monzo-bank-ltd" and s.metric.value == "complaints-count" and s.segment == GROUPS[0])
    assert "2024-04-01 to 2024-09-30" in monzo.note  # the firm's own reporting period is kept
    # The DISP 1.6 rule for every firm with closed-within-8-weeks figures.
    with_8_weeks = {s.provider for s in dataset.statistics.values() if s.metric.value == "closed-within-8-weeks-pct"}
    rules = {p.provider: p for p in dataset.pledges.values() if p.kind == m.PledgeKind.rule}
    assert set(rules) == with_8_weeks and len(rules) > 200
    rule = rules["barclays-bank-uk-plc"]
    assert rule.id == "barclays-bank-uk-plc--fca-disp-8-week-final-response"
    assert "by the end of eight weeks after its receipt of the complaint" in rule.text
    term = rule.terms[0]
    assert (term.metric.value, term.comparator.value, term.threshold, term.unit.value, term.target_share_pct) == \
        ("complaint-resolution-time", "<=", 56, "calendar-days", 100)


def test_repository_data_match_the_2024_h2_workbook(expected):
    """The imported data/ (hand-made seed series re-collected into the same files): every 2024-H2 point
    equals the workbook cell, and no firm has two providers or a figure twice."""
    dataset = load_dataset(REPO / "data")
    names = {p.id: [e.name for e in p.source_names if e.source == FCA] for p in dataset.providers.values()}
    firms = [n for ns in names.values() for n in ns]
    assert len(firms) == len(set(firms))  # one provider per firm name
    got = {}
    for stat in dataset.statistics.values():
        if stat.source == FCA and stat.period == "2024-H2":
            firm = next(n for n in names[stat.provider] if n in (stat.note or "")) if len(names[stat.provider]) > 1 \
                else names[stat.provider][0]
            key = (firm, stat.metric.value, stat.segment)
            assert key not in got, key
            got[key] = stat.value
    assert set(got) == set(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-9), key
    assert dataset.providers["barclays-bank-uk"].source_names[0].name == "Barclays Bank UK PLC"  # seed ids kept


@pytest.mark.parametrize("period", list(WORKBOOKS))
def test_every_real_workbook_parses(tmp_path, httpserver, period):
    root = fca_world(tmp_path, httpserver, {period: WORKBOOKS[period].read_bytes()})
    assert collect(root, httpserver) == 0
    dataset = load_dataset(root)
    assert not dataset.problems
    stats = [s for s in dataset.statistics.values() if s.period == period]
    metrics = {s.metric.value for s in stats}
    assert metrics == {"complaints-count", "complaints-closed-count", "closed-within-3-days-pct", "closed-within-8-weeks-pct",
                       "upheld-by-firm-pct", "complaints-per-1k-accounts"}
    assert len(dataset.providers) > 250 and len(stats) > 2000
    # Every firm of the Opened sheet became (or matched) one provider.
    wb = openpyxl.load_workbook(WORKBOOKS[period], read_only=True, data_only=True)
    opened = next(n for n in wb.sheetnames if n.strip().lower() == "opened")
    firms = {str(r[0]).strip() for r in wb[opened].iter_rows(min_row=2, max_row=2000, values_only=True) if r[0]}
    known = {e.name for p in dataset.providers.values() for e in p.source_names}
    assert firms <= known


def test_2022_h1_consumer_credit_counts_and_an_impossible_cell(tmp_path, httpserver):
    """2022 H1 gives consumer-credit complaints upheld as a count (353 of 864) and one '% closed in 3 days'
    cell of 2 (The Co-operative Bank, Investments): the share is derived, the impossible cell gives no figure."""
    root = fca_world(tmp_path, httpserver, {"2022-H1": WORKBOOKS["2022-H1"].read_bytes()})
    assert collect(root, httpserver) == 0
    stats = load_dataset(root).statistics
    upheld = stats["247-money-group-limited--fca-firm-level-complaints--upheld-by-firm-pct--consumer-credit--2022-h1"]
    assert upheld.value == round(100 * 353 / 864, 2)
    assert "353 upheld of 864 closed" in upheld.note
    coop = "the-co-operative-bank-plc--fca-firm-level-complaints"
    assert f"{coop}--closed-within-3-days-pct--investments--2022-h1" not in stats
    assert f"{coop}--closed-within-8-weeks-pct--investments--2022-h1" not in stats
    assert "outside the 0–1 proportion" in stats[f"{coop}--complaints-closed-count--investments--2022-h1"].note
    assert stats[f"{coop}--closed-within-3-days-pct--home-finance--2022-h1"].value == 23.1


def _edited(path, edit) -> bytes:
    wb = openpyxl.load_workbook(path)
    edit(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _values(root) -> dict[str, float]:
    return {sid: s.value for sid, s in load_dataset(root).statistics.items()}


DRIFT = {  # 2024 H2 names → spellings of other periods (fca_firm_level_source_inventory.csv)
    "Context - Provision": "Context A Provision", "Context - Intermediation": "Context – Intermediation",
    "Opened": "opened", "Closed within 3 days": "% closed in 3 days", "After 3 days within 8 weeks": "closed >3 days and less than 8 ",
    "Upheld": "% upheld ", "Trading Names": "Other Trading Names",
}


def test_sheet_name_drift_and_order_give_the_same_figures(tmp_path, httpserver):
    (tmp_path / "a").mkdir()
    root = fca_world(tmp_path / "a", httpserver, {"2024-H2": H2_2024.read_bytes()})
    assert collect(root, httpserver) == 0
    before = _values(root)

    def drift(wb):
        for old in DRIFT:
            wb[old].title = f"x {old}"  # via a temporary name: openpyxl refuses a title equal to another ignoring case
        for old, new in DRIFT.items():
            wb[f"x {old}"].title = new
        wb._sheets.reverse()  # 2025 H1 reorders the sheets
        wb["opened"].insert_rows(1)  # the header moves down under a title row
        wb["opened"]["A1"] = "Complaints opened"
        wb["opened"]["A2"] = "\ufeffFirm Name"
    httpserver.clear()
    (tmp_path / "b").mkdir()
    root = fca_world(tmp_path / "b", httpserver, {"2024-H2": _edited(H2_2024, drift)})
    assert collect(root, httpserver) == 0
    assert _values(root) == before


def test_every_inventoried_sheet_layout_resolves():
    with open(FIXTURES / "fca_firm_level_source_inventory.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    for row in rows:
        roles = find_sheets(json.loads(row["sheet_names"]))
        assert set(roles) == {"context_provision", "context_intermediation", "opened", "closed", "within_3",
                              "within_8_after_3", "upheld", "consumer_credit", "trading_names"}, row["reporting_period"]


def test_a_sheet_claiming_a_million_rows_is_read_quickly(tmp_path, httpserver):
    wb = openpyxl.load_workbook(WORKBOOKS["2023-H1"], read_only=True)
    assert wb["Closed within 3 days"].max_row == 1_048_571  # the real file's claim
    root = fca_world(tmp_path, httpserver, {"2023-H1": WORKBOOKS["2023-H1"].read_bytes()})
    start = time.monotonic()
    assert collect(root, httpserver) == 0
    assert time.monotonic() - start < 60  # about 5 s on a laptop
    stats = load_dataset(root).statistics
    assert sum(s.metric.value == "closed-within-3-days-pct" for s in stats.values()) > 250


def test_data_after_the_row_bound_fail(tmp_path, httpserver, monkeypatch):
    import pledges.collect.fca_firm_xlsx as fca

    monkeypatch.setattr(fca, "MAX_ROWS", 100)
    root = fca_world(tmp_path, httpserver, {"2024-H2": H2_2024.read_bytes()})
    before = snapshot(root, skip_status=FCA)
    assert collect(root, httpserver) == 1
    assert snapshot(root, skip_status=FCA) == before
    assert "has data beyond row 100" in read_yaml_file(root / "status" / f"{FCA}.yaml").data["last_error"]
    assert MAX_ROWS >= 100_000


def test_renamed_firm_keeps_one_provider_by_frn(tmp_path, httpserver):
    """Monzo Bank Ltd in 2024 H2 is 'Monzo Bank Limited' in a later copy: the FRN joins them."""
    def rename(wb):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                if row[0].value == "Monzo Bank Ltd":
                    row[0].value = "Monzo Bank Limited"
    bodies = {"2024-H2": H2_2024.read_bytes(), "2025-H1": _edited(H2_2024, rename)}
    root = fca_world(tmp_path, httpserver, bodies, [provider("monzo", "Monzo", {FCA: "Monzo Bank Ltd"})])
    assert collect(root, httpserver) == 0
    dataset = load_dataset(root)
    monzo = [p for p in dataset.providers.values() if any("Monzo" in e.name for e in p.source_names)]
    assert [p.id for p in monzo] == ["monzo"]  # the existing provider keeps its id
    assert [e.name for e in monzo[0].source_names] == ["Monzo Bank Ltd", "Monzo Bank Limited"]
    assert [(i.scheme.value, i.value) for i in monzo[0].identifiers] == [("fca-frn", "730427")]
    series = dataset.series["monzo--fca-firm-level-complaints--complaints-count"]
    assert [(p.period, p.value) for p in series.points if p.segment == "Banking and credit cards"] == [
        ("2024-H2", 50586), ("2025-H1", 50586)]


def test_blank_cells_produce_no_point(tmp_path, httpserver):
    def blanks(wb):
        for row in wb["Opened"].iter_rows():
            if row[0].value == "Barclays Bank UK PLC":
                row[8].value = " "  # 2022 H1 writes a space for "not reported"
                row[5].value = None
    root = fca_world(tmp_path, httpserver, {"2024-H2": _edited(H2_2024, blanks)})
    assert collect(root, httpserver) == 0
    stats = load_dataset(root).statistics
    key = "barclays-bank-uk-plc--fca-firm-level-complaints--complaints-count--{}--2024-h2"
    assert stats[key.format("banking-and-credit-cards")].value == 62061
    assert key.format("investments") not in stats and key.format("decumulation-pensions") not in stats
    # Monzo reports no pensions or upheld home-finance figure: blank, not zero.
    assert "monzo-bank-ltd--fca-firm-level-complaints--upheld-by-firm-pct--home-finance--2024-h2" not in stats


@pytest.mark.parametrize("edit,words", [
    (lambda wb: wb["Upheld"].__setitem__("A1", "Firm"), ["'Firm Name'", "'Upheld'"]),
    (lambda wb: setattr(wb["Upheld"], "title", "Complaints"), ["expected sheets", "'Upheld'"]),
    (lambda wb: [c.__setattr__("value", c.value * 100) for r in wb["Upheld"].iter_rows(min_row=2) for c in r[4:9]
                 if isinstance(c.value, (int, float))], ["outside the 0–1 proportion", "'Upheld'"]),
    (lambda wb: wb["Opened"].delete_rows(2, 400), ["table is empty"]),
    (lambda wb: setattr(wb["Closed"], "title", "Upheld (2)"), ["both look like the upheld table"]),
], ids=["renamed-column", "missing-sheet", "percent-not-fraction", "empty-table", "two-upheld-sheets"])
def test_format_drift_fails_loudly(tmp_path, httpserver, capsys, edit, words):
    root = fca_world(tmp_path, httpserver, {"2024-H2": _edited(H2_2024, edit)})
    before = snapshot(root, skip_status=FCA)
    assert collect(root, httpserver) == 1
    assert snapshot(root, skip_status=FCA) == before
    error = read_yaml_file(root / "status" / f"{FCA}.yaml").data["last_error"]
    for word in words:
        assert word in error, error
    assert "Traceback" not in "".join(capsys.readouterr())
