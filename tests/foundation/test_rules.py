"""Rules of `pledges check` on small SYNTHETIC datasets (not real data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks import synthetic
from pledges.dataset import load_dataset
from pledges.pii import find_personal_data
from pledges.yamlio import YamlProblem, dump_record, parse_yaml

TODAY = date(2026, 11, 23)


@pytest.fixture()
def data(tmp_path) -> Path:
    root = tmp_path / "data"
    synthetic.dataset(root, providers=2, pledges_each=1, quarters=2, metrics=2)
    assert load_dataset(root, TODAY).problems == []
    return root


def messages(root: Path, today: date = TODAY) -> list[str]:
    return [str(p) for p in load_dataset(root, today).problems]


def set_field(path: Path, field: str, value: str) -> None:
    lines = path.read_text().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"{field}:"):
            lines[i] = f"{field}: {value}"
            break
    else:
        lines.append(f"{field}: {value}")
    path.write_text("\n".join(lines) + "\n")


def a_statistic(root: Path) -> Path:
    return sorted((root / "statistics").glob("*timely*.yaml"))[0]


def test_percentage_out_of_range(data):
    set_field(a_statistic(data), "value", "120")
    assert any("outside 0–100" in m for m in messages(data))


def test_period_must_fit_cadence(data):
    set_field(a_statistic(data), "period", "2024-03")
    found = messages(data)
    assert any("does not fit the quarterly cadence" in m for m in found), found


def test_future_dates_use_overridable_today(data):
    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    set_field(pledge, "published", "2026-06-01")
    assert messages(data, TODAY) == []
    found = messages(data, date(2026, 5, 1))
    assert any("in the future (today is 2026-05-01)" in m for m in found), found


def test_period_not_started(data):
    set_field(a_statistic(data), "period", "2027-Q1")
    assert any("has not started yet" in m for m in messages(data))


def test_unit_must_match_metric(data):
    set_field(a_statistic(data), "unit", "seconds")
    assert any("does not fit metric" in m and "use `percent`" in m for m in messages(data))


def test_id_must_equal_file_name(data):
    path = sorted((data / "providers").glob("*.yaml"))[0]
    path.rename(path.with_name("renamed.yaml"))
    found = messages(data)
    assert any("differs from the file name 'renamed'" in m for m in found)


def test_dangling_source_reference(data):
    set_field(a_statistic(data), "source", "synthetic-sourse")
    assert any("did you mean 'synthetic-source'?" in m for m in messages(data))


def test_every_problem_in_one_run(data):
    set_field(a_statistic(data), "value", "120")
    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    pledge.write_text(pledge.read_text() + "colour: red\n")
    (data / "providers" / "bad.yaml").write_text("id: bad\nname: [\n")
    found = messages(data)
    assert len({m.split(":")[0] for m in found}) == 3


def test_yml_extension_and_stray_files(data):
    (data / "providers" / "x.yml").write_text("id: x\n")
    (data / "loose.yaml").write_text("id: loose\n")
    found = messages(data)
    assert any("use the extension .yaml" in m for m in found)
    assert any("outside the record folders" in m for m in found)


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", '"java\\tscript:alert(1)"', "gopher://127.0.0.1:25/x", "not a url",
              '"http://[www.example.org/api/"', "data:text/html,hi"],
)
def test_source_params_addresses_must_be_http(data, value):
    source = data / "sources" / "synthetic-source.yaml"
    source.write_text(source.read_text() + f"params:\n  base_url: {value}\n")
    assert any("must be a valid http(s) URL" in m for m in messages(data)), value


def test_source_params_other_text_is_free(data):
    source = data / "sources" / "synthetic-source.yaml"
    source.write_text(source.read_text() + "params:\n  base_url: https://example.org/x\n  sheet: 'Upheld: %'\n")
    assert messages(data) == []


def test_malformed_url_in_a_url_field(data):
    path = sorted((data / "providers").glob("*.yaml"))[0]
    path.write_text(path.read_text().replace("url: https://example.org/synthetic", "url: http://[example.org/x"))
    assert any("not a valid web address" in m for m in messages(data))


def test_count_must_be_whole(data):
    path = sorted((data / "statistics").glob("*timely*.yaml"))[0]
    text = path.read_text().replace("timely-response-pct", "complaints-count").replace("unit: percent", "unit: count")
    path.write_text(text.replace("value: ", "value: 1", 1).replace("\nvalue: 1", "\nvalue: 12.5\n#", 1))
    found = messages(data)
    assert any("whole number" in m for m in found), found


# --------------------------------------------------------------------------- YAML reading


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "merge keys"),
        ("a: !!python/object:os.system {}\n", "unsupported YAML tag"),
        ("a: !custom 1\n", "unsupported YAML tag"),
        ("a: !!binary aGVsbG8=\n", "unsupported YAML tag"),
        ("a: &x [1]\nb: *x\n", "aliases"),
        ("a: &x [*x]\n", "aliases"),
        ("", "empty"),
        ("a: b: c\n", "YAML syntax error"),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
        ("a: " + "[" * 400_000 + "]" * 400_000 + "\n", "nested more than"),  # crashed libyaml's composer
        ("a:\n" + "".join(" " * i + "b:\n" for i in range(1, 1000)), "nested more than"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(text, expected):
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(text)
    assert expected in caught.value.message


def test_positions_point_at_values_and_keys():
    doc = parse_yaml("id: x\nterms:\n  - event: repair\n    threshold: two\n")
    assert doc.position(("terms", 0, "threshold")) == (4, 16)
    assert doc.position(("terms", 0, "threshold"), key=True) == (4, 5)
    assert doc.position(("terms", 0, "missing")) == (3, 5)  # falls back to the enclosing item


# --------------------------------------------------------------------------- personal data


@pytest.mark.parametrize(
    "text",
    [
        "mail me at piet.puk@example.nl",
        "call +44 20 7946 0958 after six",
        "bel 06-12345678",
        "my IBAN is NL91 ABNA 0417 1643 00",
        "GB82WEST12345698765432",
        "sort code 20-00-00 12345678",
        "account number 12345678",
        "(555) 123-4567",
    ],
)
def test_personal_data_found(text):
    assert find_personal_data(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Complaints per 100,000 customers fell from 11 to 8 in 2025-Q4.",
        "Effective from 2019-04-01 until 2021-11-03.",
        "98% of switches within 5 working days; 2010-2025 series.",
        "£9.98 for each extra day, paid within 30 days",
        "sha 5e05a8b8e95a1e2e5e9b8b0bbdae4a22",
    ],
)
def test_ordinary_figures_are_not_personal_data(text):
    assert find_personal_data(text) == []


def test_dump_record_round_trips(data):
    from pledges import models as m

    for kind, model in m.KINDS.items():
        for path in (data / kind).glob("*.yaml") if (data / kind).is_dir() else []:
            record = model.model_validate(parse_yaml(path.read_text()).data)
            again = model.model_validate(parse_yaml(dump_record(record)).data)
            assert again == record
