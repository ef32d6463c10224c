"""`pledges fmt` never changes what a record means, and neither fmt nor new writes through a link
(issue 13, finding 6). SYNTHETIC records only."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from benchmarks import synthetic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges import cli
from pledges import models as m
from pledges.dataset import load_dataset
from pledges.pii import find_personal_data
from pledges.yamlio import FORBIDDEN_IN_TEXT, YamlProblem, dump_data, dump_record, parse_yaml, record_data

from .helpers import tree_hashes

TODAY = date(2026, 12, 1)


@pytest.fixture()
def data(tmp_path) -> Path:
    root = tmp_path / "data"
    synthetic.dataset(root, providers=2, pledges_each=1, quarters=2, metrics=2)
    return root


def run(capsys, *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def typed(value):
    """A value with the type of every part, so True == 1 and 1 == 1.0 do not hide a change."""
    if isinstance(value, dict):
        return ("dict", tuple((k, typed(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(typed(v) for v in value))
    return (type(value).__name__, value)


# --------------------------------------------------------------------------- the exact examples


def test_nel_is_refused_not_turned_into_a_space(data, capsys):
    path = data / "providers" / "provider-00000.yaml"
    path.write_text(path.read_text().replace("name: Synthetic Provider 0", "name: Synthetic\x85Provider 0"), encoding="utf-8")
    before = tree_hashes(data)
    code, output = run(capsys, "fmt", "--data", str(data))
    assert code == 1 and f"{path}:2:16: " in output and "NEXT LINE" in output, output
    assert tree_hashes(data) == before


@pytest.mark.parametrize("params", [
    {"enabled": None}, {"files": []}, {"headers": {}},
    {"a": None, "b": [], "c": {}, "d": "", "e": [None, [], {}], "f": {"g": None, "h": {"i": []}}},
    {"flag": False, "zero": 0, "empty_text": ""},
])
def test_fmt_keeps_null_and_empty_params(data, capsys, params):
    path = data / "sources" / "synthetic-source.yaml"
    path.write_text(path.read_text() + dump_data({"params": params}))
    code, output = run(capsys, "fmt", "--data", str(data))
    assert code == 0, output
    assert typed(parse_yaml(path.read_text()).data["params"]) == typed(params)
    code, output = run(capsys, "fmt", "--check", "--data", str(data))
    assert code == 0, output


def test_explicit_null_param_stays_off_after_fmt(data, capsys):
    path = data / "sources" / "synthetic-source.yaml"
    path.write_text(path.read_text() + "params:\n  robots: null\n  retries: ~\n  limit:\n")
    run(capsys, "fmt", "--data", str(data))
    assert parse_yaml(path.read_text()).data["params"] == {"robots": None, "retries": None, "limit": None}


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
def test_crlf_is_reported_by_fmt_check_and_normalised_by_fmt(data, capsys, ending):
    path = data / "providers" / "provider-00000.yaml"
    canonical = path.read_bytes()
    path.write_bytes(canonical.replace(b"\n", ending))
    before = tree_hashes(data)
    code, output = run(capsys, "fmt", "--check", "--data", str(data))
    assert code == 1
    assert f"{path}:1:1: the file has CRLF (Windows) or CR line endings — run `pledges fmt`" in output, output
    assert tree_hashes(data) == before, "--check must not write"
    code, output = run(capsys, "fmt", "--data", str(data))
    assert code == 0, output
    assert path.read_bytes() == canonical
    assert run(capsys, "fmt", "--check", "--data", str(data))[0] == 0


def test_byte_order_mark_is_reported_and_removed(data, capsys):
    path = data / "providers" / "provider-00000.yaml"
    canonical = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + canonical)
    code, output = run(capsys, "fmt", "--check", "--data", str(data))
    assert code == 1 and "byte-order mark" in output
    run(capsys, "fmt", "--data", str(data))
    assert path.read_bytes() == canonical


def _messy(path: Path) -> bytes:
    path.write_text("# not canonical\n" + path.read_text())
    return path.read_bytes()


def test_fmt_does_not_write_through_a_linked_kind_folder(data, capsys, tmp_path):
    outside = tmp_path / "outside"
    (data / "providers").rename(outside)
    (data / "providers").symlink_to(outside, target_is_directory=True)
    outside_bytes = _messy(outside / "provider-00000.yaml")
    inside_bytes = _messy(data / "sources" / "synthetic-source.yaml")
    code, output = run(capsys, "fmt", "--data", str(data))
    assert code == 1
    assert "symbolic link" in output and "nothing written" in output, output
    assert (outside / "provider-00000.yaml").read_bytes() == outside_bytes
    assert (data / "sources" / "synthetic-source.yaml").read_bytes() == inside_bytes, "fmt wrote although it refused"


def test_fmt_does_not_write_through_a_linked_subfolder(data, capsys, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (data / "providers" / "provider-00001.yaml").rename(outside / "provider-00001.yaml")
    (data / "providers" / "more").symlink_to(outside, target_is_directory=True)
    outside_bytes = _messy(outside / "provider-00001.yaml")
    code, output = run(capsys, "fmt", "--data", str(data))
    assert code == 1 and "symbolic link" in output
    assert (outside / "provider-00001.yaml").read_bytes() == outside_bytes


def test_fmt_does_not_replace_a_linked_record(data, capsys, tmp_path):
    target = tmp_path / "elsewhere.yaml"
    path = data / "providers" / "provider-00000.yaml"
    target.write_bytes(_messy(path))
    path.unlink()
    path.symlink_to(target)
    code, output = run(capsys, "fmt", "--data", str(data))
    assert code == 1
    assert path.is_symlink() and target.read_text().startswith("# not canonical")


def test_new_does_not_write_through_a_dangling_link(data, capsys, tmp_path):
    target = tmp_path / "outside" / "created.yaml"
    target.parent.mkdir()
    (data / "providers" / "my-new-provider.yaml").symlink_to(target)
    code, output = run(capsys, "new", "provider", "my-new-provider", "--data", str(data))
    assert code == 1 and "symbolic link" in output, output
    assert not target.exists()


@pytest.mark.parametrize("dangling", [False, True])
def test_new_does_not_write_through_a_linked_kind_folder(data, capsys, tmp_path, dangling):
    outside = tmp_path / "outside"
    if not dangling:
        outside.mkdir()
    (data / "reports").symlink_to(outside, target_is_directory=True)
    code, output = run(capsys, "new", "report", "my-report", "--data", str(data))
    assert code == 1 and "symbolic link" in output, output
    assert not (outside / "my-report.yaml").exists()


def test_new_still_writes_into_a_fresh_folder(data, capsys):
    code, output = run(capsys, "new", "report", "my-report", "--data", str(data))
    assert code == 0, output
    assert (data / "reports" / "my-report.yaml").read_text().count("TODO") > 1


# --------------------------------------------------------------------------- properties

YAML_WORDS = ["yes", "no", "Yes", "NO", "on", "off", "true", "False", "null", "Null", "~", "y", "n", "1", "0", "-1",
              "1.5", "1e5", "1:30", "1:30:00.5", "0x1F", "017", "0o17", "1_000", ".5", "+.5", ".inf", ".nan", "-",
              "- a", "? a", ": a", "a: b", "a #b", "#x", "'", '"', "''", "[", "]", "{", "}", "*a", "&a", "!x", "%x",
              "@x", "`x", "|", ">", "---", "...", " lead", "trail ", " both ", "2026-01-15", "2026-01-15T10:00:00Z",
              "é ü ß", "日本語", "\U0001f600", "a\tb", "\t", "a\nb", "a\n\nb\n", "\nlead", "trail\n", "a \nb", "a\n b",
              "\u200f\u05e9\u05dc\u05d5\u05dd", "\u00a0", "\u200b", "<b>&amp;", "http://x", "x" * 150 + " " + "y" * 150]


def _text_ok(text: str) -> bool:
    return not FORBIDDEN_IN_TEXT.search(text)


raw_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60).filter(_text_ok)
words = st.lists(st.sampled_from(YAML_WORDS) | raw_text, min_size=1, max_size=5).map(" ".join)
long_lines = st.lists(st.sampled_from(["word", "colon:", "#hash", "'q'", '"dq"', " ", "  "]), min_size=40,
                      max_size=120).map("".join)
# Only texts a record may hold: `pledges check` refuses personal data (a digit run reads as a phone number), and fmt
# formats only records that pass it.
text = (st.sampled_from(YAML_WORDS) | raw_text | words | long_lines).filter(lambda t: t != "" and not find_personal_data(t))
short_text = text.filter(lambda t: "\n" not in t and len(t) <= 300)

params_scalar = (st.none() | st.booleans() | st.integers(-(10 ** 30), 10 ** 30)
                 | st.floats(allow_nan=False, allow_infinity=True) | text | st.just("") | st.dates()
                 | st.datetimes(timezones=st.just(UTC)))
param_keys = st.sampled_from(YAML_WORDS) | st.text(alphabet=string.ascii_letters + "_-.:# ", min_size=1, max_size=12)
params = st.recursive(params_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(param_keys, inner, max_size=3),
                      max_leaves=12)

provenance = st.builds(
    dict, publisher=short_text, url=st.just("https://example.org/x?a=1#b"), title=st.none() | short_text,
    published=st.none() | st.just(date(2020, 1, 1)),
    retrieved=st.sampled_from([date(2026, 1, 15), datetime(2026, 1, 15, 10, 0, tzinfo=UTC),
                               datetime(2026, 1, 15, 10, 0, 0, 123456)]),
    licence=short_text, collected_by=st.just("contributor:someone"), note=st.none() | text,
)


def _clean(**fields):
    return {k: v for k, v in fields.items() if v is not None}


providers = st.builds(
    lambda **f: m.Provider(**_clean(**f)),
    id=st.just("p"), name=short_text, country=st.just("GB"), sectors=st.just(["telecoms"]), group=st.none() | short_text,
    legal_entities=st.lists(short_text, max_size=2), brands=st.lists(short_text, max_size=2),
    source_names=st.lists(st.builds(dict, source=st.just("s"), name=short_text), max_size=2), note=st.none() | text,
    provenance=provenance.map(lambda p: _clean(**p)),
)
pledges = st.builds(
    lambda **f: m.Pledge(**_clean(**f)),
    id=st.just("pl"), provider=st.just("p"), title=short_text, kind=st.just("guarantee"), category=st.just("repair"),
    text=text, language=st.just("en"), translation=st.none() | text, channels=st.just(["phone"]), note=st.none() | text,
    terms=st.lists(st.builds(dict, event=short_text, metric=st.just("repair-time"), comparator=st.just("<="),
                             threshold=st.floats(0, 1e9), unit=st.just("working-days"),
                             exclusions=st.lists(text, max_size=2)), max_size=2),
    provenance=provenance.map(lambda p: _clean(**p)),
)
sources = st.builds(
    lambda **f: m.Source(**_clean(**f)),
    id=st.just("s"), name=short_text, publisher=short_text, url=st.just("https://example.org/"), licence=short_text,
    cadence=st.just("quarterly"), expected_update_days=st.integers(1, 10 ** 6),
    params=st.dictionaries(param_keys, params, max_size=4), note=st.none() | text,
)
records = providers | pledges | sources

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def reparse(record, text_: str):
    return type(record).model_validate(parse_yaml(text_).data)


@PROPERTY
@given(records)
def test_fmt_keeps_meaning_and_is_idempotent(record):
    once = dump_record(record)
    back = reparse(record, once)
    assert back == record
    assert typed(record_data(back)) == typed(record_data(record))  # params: None, [], {} and types kept
    assert dump_record(back) == once  # fmt(fmt(x)) == fmt(x)


def _surface_forms(record) -> list[str]:
    """The same record written in other valid YAML styles than the canonical one."""
    data = record_data(record)
    forms = [yaml.dump(data, Dumper=yaml.SafeDumper, default_style=style, allow_unicode=unicode, sort_keys=sort, width=width)
             for style, unicode, sort, width in [('"', False, False, 80), ("'", True, True, 40), (None, False, True, 20)]]
    forms.append(yaml.dump(data, Dumper=yaml.SafeDumper, default_flow_style=True, allow_unicode=True, width=1000))
    canonical = dump_record(record)
    forms.append("# a comment\n\n" + canonical.replace("\n", "\r\n"))
    return forms


@PROPERTY
@given(records)
def test_any_accepted_text_formats_to_the_same_record(record):
    """parse(fmt(x)) == parse(x) and fmt(fmt(x)) == fmt(x) for texts that are not canonical yet."""
    for form in _surface_forms(record):
        try:
            parsed = reparse(record, form)
        except YamlProblem:
            continue  # a style that writes a refused form (e.g. a tag); nothing to format
        formatted = dump_record(parsed)
        assert reparse(record, formatted) == parsed
        assert typed(record_data(reparse(record, formatted))) == typed(record_data(parsed))
        assert dump_record(reparse(record, formatted)) == formatted


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(record=sources)
def test_fmt_command_keeps_meaning_on_disk(tmp_path_factory, record):
    root = tmp_path_factory.mktemp("fmt") / "data"
    (root / "sources").mkdir(parents=True)
    path = root / "sources" / "s.yaml"
    path.write_text(yaml.dump(record_data(record), Dumper=yaml.SafeDumper, default_style='"', allow_unicode=False, sort_keys=False),
                    encoding="utf-8")
    before = m.Source.model_validate(parse_yaml(path.read_text(encoding="utf-8")).data)
    assert cli.main(["fmt", "--data", str(root)]) == 0
    after_text = path.read_text(encoding="utf-8")
    assert m.Source.model_validate(parse_yaml(after_text).data) == before
    assert typed(parse_yaml(after_text).data.get("params", {})) == typed(record.params)
    assert cli.main(["fmt", "--check", "--data", str(root)]) == 0
    assert not [p for p in load_dataset(root, TODAY).problems if "text contains" in p.message]
