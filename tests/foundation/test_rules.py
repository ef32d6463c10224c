"""Rules of `pledges check` on small SYNTHETIC datasets (not real data)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pledges.dataset import load_dataset
from pledges.pii import find_personal_data
from pledges.yamlio import YamlProblem, dump_record, parse_yaml

TODAY = date(2026, 11, 23)


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
    return sorted((root / "series").glob("*timely*.yaml"))[0]


def set_point(path: Path, field: str, value: str) -> None:
    """Set a field of the first point of a series (points are one-line flow mappings)."""
    text = path.read_text()
    start = text.index("- {")
    end = text.index("}", start)
    point = text[start:end]
    if f"{field}: " in point:
        head, tail = point.split(f"{field}: ", 1)
        rest = tail.split(",", 1)
        point = head + f"{field}: {value}" + ("," + rest[1] if len(rest) > 1 else "")
    else:
        point += f", {field}: {value}"
    path.write_text(text[:start] + point + text[end:])
    assert f"{field}: {value}" in path.read_text()


def test_percentage_out_of_range(data):
    set_point(a_statistic(data), "value", "120")
    assert any("outside 0–100" in m for m in messages(data))


def test_period_must_fit_cadence(data):
    set_point(a_statistic(data), "period", "2024-03")
    found = messages(data)
    assert any("does not fit the quarterly cadence" in m for m in found), found


def test_future_dates_use_overridable_today(data):
    pledge = sorted((data / "pledges").glob("*.yaml"))[0]
    set_field(pledge, "published", "2026-06-01")
    assert messages(data, TODAY) == []
    found = messages(data, date(2026, 5, 1))
    assert any("in the future (today is 2026-05-01)" in m for m in found), found


def test_period_not_started(data):
    set_point(a_statistic(data), "period", "2027-Q1")
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
    set_point(a_statistic(data), "value", "120")
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
    path = sorted((data / "series").glob("*timely*.yaml"))[0]
    text = path.read_text().replace("metric: timely-response-pct", "metric: complaints-count").replace("unit: percent", "unit: count")
    path.write_text(text.replace("id: provider-00000--synthetic-source--timely-response-pct", "id: provider-00000--synthetic-source--complaints-count"))
    path.rename(path.with_name("provider-00000--synthetic-source--complaints-count.yaml"))
    set_point(path.with_name("provider-00000--synthetic-source--complaints-count.yaml"), "value", "12.5")
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
        "I live at 1012 AB 12 in Amsterdam",
        "postcode 3011 AA 5b, Rotterdam",
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
        "landline Q3 2015 EE 34 and Plusnet 33 per 100,000",  # a year and a provider, not a postcode
        "in 2019 BT 45 complaints; since 2020 EE 12",
    ],
)
def test_ordinary_figures_are_not_personal_data(text):
    assert find_personal_data(text) == []


def test_personal_data_is_reported_wherever_it_repeats(tmp_path):
    """The checks remember texts found clean (dates and names repeat thousands of times), never texts with
    personal data: the same number in two pledges, and again after clean texts, is reported at each place."""
    from benchmarks import synthetic

    data = tmp_path / "data"
    synthetic.dataset(data, providers=3, pledges_each=2, quarters=2, metrics=1)  # SYNTHETIC
    pledges = sorted((data / "pledges").glob("*.yaml"))
    for path in pledges[:3]:
        path.write_text(path.read_text(encoding="utf-8") + "note: bel 06-12345678\n", encoding="utf-8")
    pledges[3].write_text(pledges[3].read_text(encoding="utf-8") + "note: bel 06-12345679\n", encoding="utf-8")
    problems = [p for p in load_dataset(data, date(2026, 12, 1)).problems if "phone number" in str(p)]
    assert sorted(Path(p.path).name for p in problems) == sorted(path.name for path in pledges[:4])
    assert all(str(p).count("06-1234567") == 1 for p in problems)


def test_dump_record_round_trips(data):
    from pledges import models as m

    for kind, model in m.KINDS.items():
        for path in (data / kind).glob("*.yaml") if (data / kind).is_dir() else []:
            record = model.model_validate(parse_yaml(path.read_text()).data)
            again = model.model_validate(parse_yaml(dump_record(record)).data)
            assert again == record


# --------------------------------------------------------------------------- series and releases


def _problems(root: Path) -> list:
    return load_dataset(root, TODAY).problems


def test_a_bad_point_is_reported_at_its_own_line(data):
    path = a_statistic(data)
    lines = path.read_text().splitlines()
    third = next(i for i, line in enumerate(lines) if line.startswith("- {")) + 1  # the second point's line
    lines[third] = lines[third].replace("value: ", "value: 1", 1)  # e.g. 95.0 → 195.0: over 100%
    path.write_text("\n".join(lines) + "\n")
    found = [p for p in _problems(data) if "outside 0–100" in p.message]
    assert len(found) == 1 and found[0].line == third + 1, found
    assert found[0].path == str(path)


def test_one_point_per_period(data):
    path = a_statistic(data)
    text = path.read_text()
    first = next(line for line in text.splitlines() if line.startswith("- {"))
    path.write_text(text + first + "\n")
    assert any("appears twice in this series" in m for m in messages(data))


def test_points_in_period_order(data):
    path = a_statistic(data)
    lines = path.read_text().splitlines()
    points = [i for i, line in enumerate(lines) if line.startswith("- {")]
    lines[points[0]], lines[points[1]] = lines[points[1]], lines[points[0]]
    path.write_text("\n".join(lines) + "\n")
    assert any("not in period order" in m for m in messages(data))


def test_point_names_a_known_release_of_its_source(data):
    set_point(a_statistic(data), "release", "synthetic-source--synthetic--2026-01-16")
    assert any("is not a known release" in m and "did you mean 'synthetic-source--synthetic--2026-01-15'" in m
               for m in messages(data))
    other = data / "sources" / "other-source.yaml"
    other.write_text((data / "sources" / "synthetic-source.yaml").read_text().replace("id: synthetic-source", "id: other-source"))
    rel = data / "releases" / "other-source--x--2026-01-15.yaml"
    rel.write_text((data / "releases" / "synthetic-source--synthetic--2026-01-15.yaml").read_text()
                   .replace("id: synthetic-source--synthetic--2026-01-15", "id: other-source--x--2026-01-15")
                   .replace("source: synthetic-source", "source: other-source"))
    set_point(a_statistic(data), "release", "other-source--x--2026-01-15")
    assert any("belongs to source 'other-source'" in m for m in messages(data))


def test_series_id_names_provider_source_metric(data):
    path = a_statistic(data)
    new = path.with_name("provider-00000--timely.yaml")
    new.write_text(path.read_text().replace(f"id: {path.stem}", "id: provider-00000--timely"))
    path.unlink()
    assert any("use 'provider-00000--synthetic-source--timely-response-pct'" in m for m in messages(data))


def test_derived_release_must_say_what_it_was_checked_against(data):
    rel = data / "releases" / "synthetic-source--synthetic--2026-01-15.yaml"
    rel.write_text(rel.read_text().replace("derived: false", "derived: true"))
    assert any("`checked_against` is empty for a derived copy" in m for m in messages(data))


def test_figures_join_points_with_their_release(data):
    ds = load_dataset(data, TODAY)
    figure = ds.statistics["provider-00000--synthetic-source--timely-response-pct--2023-q1"]
    assert figure.provenance.publisher == "Synthetic benchmark publisher"
    assert figure.release == "synthetic-source--synthetic--2026-01-15"
    assert figure.value == 95.0 and figure.period == "2023-Q1"
    assert len(ds.statistics) == 2 * 2 * 2  # providers × metrics × quarters


def test_dropping_the_documents_keeps_every_record(data):
    """What the site build does once the data is good (site/stages.py): the records stay, positions go."""
    dataset = load_dataset(data, TODAY)
    assert not dataset.problems
    item = next(iter(dataset.loaded["pledges"].values()))
    assert item.where(("text",)) != (1, 1)
    before = {kind: dict(dataset.records(kind)) for kind in dataset.loaded}
    figures = len(dataset.statistics)
    dataset.drop_documents()
    assert {kind: dataset.records(kind) for kind in dataset.loaded} == before
    assert len(dataset.statistics) == figures > 0
    assert item.doc.data is None and item.where(("text",)) == (1, 1)
