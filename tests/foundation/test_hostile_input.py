"""`pledges check` on hostile input (issue 13, findings 5 and 8), on SYNTHETIC data folders.

Every case runs the real CLI entry point in-process (`pledges.cli.main`): an uncaught exception —
what a contributor would see as a traceback — fails the test, and so does "ok" or exit 0.
"""

from __future__ import annotations

import builtins
import os
import re
import socket
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pledges import cli
from pledges import dataset as dataset_module
from pledges.dataset import load_dataset
from pledges.yamlio import FORBIDDEN_IN_TEXT, YamlProblem, parse_yaml

from .helpers import tree_hashes

TODAY = date(2026, 12, 1)


def check(root: Path, capsys, *paths: str) -> tuple[int, str]:
    """Run `pledges check` in-process; (exit code, stdout + stderr)."""
    code = cli.main(["check", "--data", str(root), "--today", TODAY.isoformat(), *paths])
    out = capsys.readouterr()
    return code, out.out + out.err


def refused(root: Path, capsys, path: Path | str, line: int | None = None, words: str = "") -> str:
    before = tree_hashes(root)
    code, output = check(root, capsys)
    assert code == 1, output
    assert "ok:" not in output and "Traceback" not in output
    assert "could not be checked" not in output, output  # a known class has its own message
    assert tree_hashes(root) == before, "check changed a file"
    lines = [text for text in output.splitlines() if text.startswith(f"{path}:")]
    assert lines, f"nothing reported on {path}:\n{output}"
    assert all(" — " in text for text in lines), "every message says how to fix it"
    if line is not None:
        reported = {int(re.match(rf"{re.escape(str(path))}:(\d+):\d+: ", text).group(1)) for text in lines}
        assert line in reported, (line, output)
    if words:
        assert any(words in text for text in lines), output
    return output


def provider(root: Path) -> Path:
    return root / "providers" / "provider-00000.yaml"


def replace_line(path: Path, startswith: str, new: str) -> int:
    """Replace the first line that starts (after indentation) with `startswith`; returns its number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for number, text in enumerate(lines, start=1):
        if text.strip().startswith(startswith):
            indent = text[: len(text) - len(text.lstrip())]
            lines[number - 1] = indent + new
            path.write_text("\n".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"no line {startswith!r} in {path}")


def edit_point(path: Path, field: str, raw: str) -> int:
    """Write the first point of a series in block style, one field a line (`- release: …` first), with
    `field` set to the raw YAML text `raw`; returns the line number of that field."""
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("- {"))
    point = yaml.safe_load(lines[index][2:])
    point[field] = None
    block = [f"- release: {point.pop('release')}"]
    for key, value in point.items():
        block.append(f"  {key}: {raw if key == field else value}")
    lines[index:index + 1] = block
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1 + next(i for i, line in enumerate(block) if line.startswith(f"  {field}:"))


def a_series(root: Path, pattern: str = "*") -> Path:
    return sorted((root / "series").glob(f"{pattern}.yaml"))[0]


def status_record(root: Path, **fields: str) -> Path:
    folder = root / "status"
    folder.mkdir(exist_ok=True)
    path = folder / "synthetic-source.yaml"
    path.write_text("id: synthetic-source\n" + "".join(f"{k}: {v}\n" for k, v in fields.items()), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- finding 5: dates and times


@pytest.mark.parametrize("value", [
    "9999-12-31T23:59:59-23:59",  # year 10000 in UTC
    "0001-01-01T00:00:00+14:00",  # year 0 in UTC
    "0001-01-01T00:00:00.5+00:01",
    "9999-12-31T23:00:00-01:30",
    "9999-12-31 23:59:59 -5",  # YAML's space-separated form, read by PyYAML
    "'9999-12-31T23:59:59-23:59'",  # quoted: pydantic reads the string
    "0001-01-01T00:00:01+23:59",
])
def test_datetime_outside_utc_range_is_refused(data, capsys, value):
    number = replace_line(provider(data), "retrieved:", f"retrieved: {value}")
    refused(data, capsys, provider(data), number, "outside the years 1–9999 in UTC")


@pytest.mark.parametrize("field", ["last_success", "last_attempt"])
@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+14:00"])
def test_status_times_outside_utc_range_are_refused(data, capsys, field, value):
    path = status_record(data, **{field: value})
    refused(data, capsys, path, 2, "outside the years 1–9999")


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+00:01", "9999-12-31T00:00:00-23:59"])
def test_date_field_given_an_edge_datetime_does_not_crash(data, capsys, value):
    replace_line(provider(data), "retrieved:", "retrieved: 2026-01-15")
    path = data / "pledges" / "provider-00000-pledge-0.yaml"
    path.write_text(path.read_text() + f"published: {value}\n")
    code, output = check(data, capsys)
    assert "Traceback" not in output and "could not be checked" not in output, output


@pytest.mark.parametrize("value", ["2026-02-30", "2023-02-29", "2026-13-01", "2026-00-10", "0000-01-01",
                                   "2026-01-15T25:00:00Z", "2026-01-15T10:61:00Z"])
def test_impossible_dates_are_refused_with_their_position(data, capsys, value):
    number = replace_line(provider(data), "retrieved:", f"retrieved: {value}")
    refused(data, capsys, provider(data), number)


@pytest.mark.parametrize("period", ["0000-Q1", "'0000'", "0000-H2", "0000-01", "'0000-Q4'"])
def test_year_zero_period_is_refused(data, capsys, period):
    path = a_series(data)
    number = edit_point(path, "period", period)
    refused(data, capsys, path, number, "write the period")


def test_year_one_period_is_a_valid_period(data):
    path = a_series(data)
    edit_point(path, "period", "0001-Q1")
    assert not [p for p in load_dataset(data, TODAY).problems if "period" in p.message and "invalid" in p.message]


def test_bad_frozen_today_is_a_message(data, capsys, monkeypatch):
    monkeypatch.setenv("PLEDGES_TODAY", "someday")
    code = cli.main(["check", "--data", str(data)])
    assert code != 0
    assert "PLEDGES_TODAY='someday' is not a date" in capsys.readouterr().err


# --------------------------------------------------------------------------- finding 5: paths that are not files


def test_unreadable_file_is_reported(data, capsys, monkeypatch):
    target = provider(data)
    real_open = builtins.open

    def deny(file, *args, **kwargs):
        if str(file) == str(target):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    refused(data, capsys, target, 1, "cannot read the file (Permission denied)")


def test_unreadable_folder_is_reported(data, capsys, monkeypatch):
    folder = data / "pledges"
    real_scandir = os.scandir

    def deny(path="."):
        if str(path) == str(folder):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", deny)
    refused(data, capsys, folder, 1, "cannot read this folder (Permission denied)")


def test_read_error_is_reported(data, capsys, monkeypatch):
    target = provider(data)
    real_open = builtins.open

    def broken(file, *args, **kwargs):
        if str(file) == str(target):
            raise OSError(5, "Input/output error")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", broken)
    refused(data, capsys, target, 1, "Input/output error")


@pytest.mark.parametrize("make, words", [
    (lambda p: p.write_text("not a folder\n"), "is a file, not a folder"),
    (lambda p: os.mkfifo(p), "is a named pipe (FIFO), not a folder"),
    (lambda p: p.symlink_to(p.parent / "elsewhere", target_is_directory=True), "is a symbolic link"),
    (lambda p: p.symlink_to("/nonexistent-target"), "is a symbolic link"),
])
def test_kind_folder_that_is_not_a_folder(data, capsys, make, words):
    folder = data / "providers"
    (data / "elsewhere").mkdir()
    for path in sorted(folder.iterdir()):
        path.rename(data / "elsewhere" / path.name)
    folder.rmdir()
    make(folder)
    refused(data, capsys, folder, 1, words)


def test_empty_kind_folder_as_file_is_not_ok(tmp_path, capsys):
    """Even with nothing else wrong: a `sources` plain file must not give "ok"."""
    root = tmp_path / "data"
    root.mkdir()
    (root / "sources").write_text("")
    refused(root, capsys, root / "sources", 1, "not a folder")


@pytest.mark.parametrize("make, words", [
    (lambda p: p.mkdir(), "(a folder)"),
    (lambda p: os.mkfifo(p), "(a named pipe (FIFO))"),
    (lambda p: p.symlink_to("/dev/null"), "(a symbolic link)"),
    (lambda p: p.symlink_to(p.parent), "(a symbolic link)"),  # a link to a folder
    (lambda p: p.symlink_to(p.parent / "missing.yaml"), "(a symbolic link)"),  # dangling
    (lambda p: socket.socket(socket.AF_UNIX).bind(str(p)), "(a socket)"),
])
def test_record_path_that_is_not_a_regular_file(data, capsys, make, words):
    path = data / "providers" / "x.yaml"
    if "socket" in words and len(str(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    make(path)
    refused(data, capsys, path, 1, f"not a regular file {words}")


def test_linked_subfolder_in_a_kind_folder_is_reported(data, capsys, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hidden.yaml").write_text("id: hidden\n")
    (data / "providers" / "more").symlink_to(outside, target_is_directory=True)
    refused(data, capsys, data / "providers" / "more", 1, "symbolic link")


def test_file_names_cannot_fake_output_lines(data, capsys):
    evil = data / "providers" / "x\nfake.yaml:1:1: all good.yaml"
    evil.write_text("id: x\n")
    code, output = check(data, capsys)
    assert code == 1
    assert not any(line.startswith("fake.yaml") for line in output.splitlines()), output
    assert "x\\nfake.yaml" in output


def test_file_name_that_is_not_utf8_is_printed_escaped(data, capsys):
    name = os.fsdecode(b"bad-\xff.yaml")
    (data / "providers" / name).write_text("id: bad\n")
    code, output = check(data, capsys)
    assert code == 1 and "bad-\\udcff.yaml" in output, output


def test_unexpected_error_is_reported_on_its_file_not_a_traceback(data, capsys, monkeypatch):
    def boom(*args):
        raise RuntimeError("surprise")

    monkeypatch.setattr(dataset_module, "_check_series", boom)
    code, output = check(data, capsys)
    assert code == 1
    assert re.search(r"series/.+\.yaml:1:1: could not be checked \(RuntimeError: surprise\) — report this as a bug",
                     output), output


# --------------------------------------------------------------------------- finding 5: characters


ESCAPED = ["\\x01", "\\u0007", "\\x85", "\\u202e", "\\u2066", "\\0", "\\x1b", "\\x7f", "\\x9f", "\\u2028", "\\u2029",
           "\\u202a", "\\u202d", "\\u2067", "\\u2069", "\\r", "\\uFFFE", "\\uffff", "\\x0b", "\\x0c", "\\b", "\\e", "\\N",
           "\\L", "\\P", "\\a", "\\v", "\\f", "\\x80", "\\U0000202E", "\\uFEFF"]


@pytest.mark.parametrize("escape_", ESCAPED)
@pytest.mark.parametrize("field", ["name", "note"])
def test_escaped_forbidden_characters_are_refused(data, capsys, escape_, field):
    path = provider(data)
    if field == "note":
        path.write_text(path.read_text() + f'note: "A long note{escape_}with text"\n')
        number = len(path.read_text().splitlines())
    else:
        number = replace_line(path, "name:", f'name: "Synthetic{escape_} Provider 0"')
    refused(data, capsys, path, number, "text contains")


@pytest.mark.parametrize("where", ["url", "id-like", "params value", "params key", "nested params", "list item"])
def test_forbidden_characters_are_refused_in_every_kind_of_string(data, capsys, where):
    source = data / "sources" / "synthetic-source.yaml"
    path = source
    if where == "url":
        path = provider(data)
        number = replace_line(path, "url:", 'url: "https://example.org/a\\u202Eb"')
    elif where == "id-like":
        path = provider(data)
        number = replace_line(path, "licence:", 'licence: "CC0\\x01"')
    elif where == "params value":
        source.write_text(source.read_text() + 'params:\n  sheet: "Upheld\\u2066 %"\n')
        number = len(source.read_text().splitlines())
    elif where == "params key":
        source.write_text(source.read_text() + 'params:\n  "she\\x85et": x\n')
        number = len(source.read_text().splitlines())
    elif where == "nested params":
        source.write_text(source.read_text() + 'params:\n  files:\n  - name: "a\\u0007"\n')
        number = len(source.read_text().splitlines())
    else:
        path = provider(data)
        path.write_text(path.read_text() + 'brands:\n- "Brand\\u202d"\n')
        number = len(path.read_text().splitlines())
    refused(data, capsys, path, number, "text contains")


@pytest.mark.parametrize("char", ["\x85", "\u202e", "\u2066", "\u2028", "\u2029", "\u202b", "\u2068", "\ufeff"])
@pytest.mark.parametrize("place", ["plain", "quoted", "block", "comment"])
def test_raw_forbidden_characters_are_refused_at_their_position(data, capsys, char, place):
    path = provider(data)
    text = path.read_text()
    lines = text.splitlines()
    if place == "plain":
        lines[1] = f"name: Synthetic{char}Provider"
        number, column = 2, len("name: Synthetic") + 1
    elif place == "quoted":
        lines[1] = f"name: 'Synthetic {char}Provider'"
        number, column = 2, len("name: 'Synthetic ") + 1
    elif place == "block":
        lines.append("note: |")
        lines.append(f"  first line{char}")
        number, column = len(lines), len("  first line") + 1
    else:
        lines.insert(0, f"# a comment{char}id: hidden")
        number, column = 1, len("# a comment") + 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = refused(data, capsys, path, number)
    assert f"{path}:{number}:{column}: " in output, output


def test_several_raw_characters_are_all_pointed_at(data, capsys):
    path = provider(data)
    path.write_text(path.read_text().replace("name: Synthetic Provider 0", "name: a\u202eb\u2066c"), encoding="utf-8")
    output = refused(data, capsys, path, 2)
    assert f"{path}:2:8: " in output and f"{path}:2:10: " in output, output


@pytest.mark.parametrize("value", ['"tab\\there"', "'left-to-right mark \u200e and right-to-left mark \u200f'",
                                   "'Arabic letter mark \u061c'", "'emoji \U0001f600 and \u00e9'", "'nbsp\u00a0here'"])
def test_allowed_characters_pass(data, value):
    path = provider(data)
    path.write_text(path.read_text() + f"note: {value}\n", encoding="utf-8")
    assert load_dataset(data, TODAY).problems == []


def test_tab_and_line_breaks_are_allowed_in_long_text(data):
    path = data / "pledges" / "provider-00000-pledge-0.yaml"
    path.write_text(path.read_text() + 'note: "First paragraph.\\n\\n\\tIndented second paragraph."\n')
    assert load_dataset(data, TODAY).problems == []


def test_line_break_in_a_one_line_field_is_refused(data, capsys):
    number = replace_line(provider(data), "name:", 'name: "Synthetic\\nProvider"')
    refused(data, capsys, provider(data), number, "must be one line")


def test_crlf_line_endings_still_check(data, capsys):
    path = provider(data)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code, output = check(data, capsys)
    assert code == 0, output


# Every string that passes the character rules is well-formed XML text, and reads back unchanged.
@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=40))
def test_text_that_passes_the_rules_is_well_formed_xml(text):
    try:
        parse_yaml(f"a: {_double_quoted(text)}\n")
        allowed_in_file = True
    except YamlProblem:
        allowed_in_file = False
    assert allowed_in_file  # escapes keep the file itself clean
    if FORBIDDEN_IN_TEXT.search(text):
        return
    element = ET.fromstring(f"<a>{escape(text)}</a>")
    assert (element.text or "") == text


def _double_quoted(text: str) -> str:
    return '"' + "".join(f"\\U{ord(ch):08x}" if ord(ch) < 0x20 or ord(ch) > 0x7e or ch in '"\\' else ch
                         for ch in text) + '"'


def test_feeds_built_from_hostile_text_that_passes_check_are_well_formed(data, tmp_path):
    """The real site generator: text with markup, entities, CDATA ends, tabs, line breaks and
    direction marks passes `pledges check`, and every Atom feed built from it parses as XML."""
    hostile = "<b>&amp; ]]> \"quoted\" 'single' \t tab \u200f rtl mark \U0001f600 &#x1; <![CDATA[x]]>"
    pledge = data / "pledges" / "provider-00000-pledge-0.yaml"
    text = pledge.read_text()
    text = text.replace("text: We fix faults", f"text: {_double_quoted(hostile + chr(10) + 'second line')}\nnote: We fix faults", 1)
    text = re.sub(r"(?m)^title: .*$", lambda _: f"title: {_double_quoted(hostile)}", text, count=1)
    pledge.write_text(text)
    replace_line(provider(data), "name:", f"name: {_double_quoted(hostile)}")
    assert load_dataset(data, TODAY).problems == []
    out = tmp_path / "site"
    code = cli.main(["build", "--data", str(data), "--out", str(out), "--generate-only", "--today", TODAY.isoformat()])
    assert code == 0
    feeds = sorted((tmp_path / "site.build").rglob("*.xml"))
    assert feeds, "no feeds generated"
    texts = []
    for feed in feeds:
        tree = ET.parse(feed)  # raises on malformed XML
        texts.extend(element.text or "" for element in tree.iter())
    assert any(hostile in text for text in texts), "the hostile text is in the feeds, unchanged"


# --------------------------------------------------------------------------- finding 8: numbers


@pytest.mark.parametrize("text, shown", [
    ("1:30:00.5", "5400.5"), ("1:30:00", "5400"), ("1:30", "90"), ("-1:30", "-90"), ("190:20:30", "685230"),
    ("0x1F", "31"), ("+0x1f", "31"), ("-0x10", "-16"), ("0b101", "5"), ("-0b1", "-1"), ("017", "15"), ("00", "0"),
    ("-017", "-15"), ("1_000", "1000"), ("1_000.5", "1000.5"), ("1_0", "10"), ("1__0", "10"), ("0_1", "1"),
    ("1.5_5", "1.55"), ("0x_1F", "31"),
])
def test_yaml11_number_forms_are_refused(text, shown):
    with pytest.raises(YamlProblem) as caught:
        parse_yaml(f"id: x\nvalue: {text}\n")
    message = caught.value.message
    assert (caught.value.line, caught.value.column) == (2, 8)
    assert f"write {shown}" in message and "plain decimal" in message and "quote" in message, message


@pytest.mark.parametrize("text", ["1:30", "0x1F", "017"])
def test_yaml11_number_forms_are_refused_as_keys(text):
    with pytest.raises(YamlProblem):
        parse_yaml(f"params:\n  {text}: x\n")


@pytest.mark.parametrize("text, value", [
    ("0", 0), ("-0", 0), ("12", 12), ("+12", 12), ("-12", -12), ("12.5", 12.5), ("1.5e+3", 1500.0),
    ("-1.5E-3", -0.0015), (".5", 0.5), ("5.", 5.0), ("1.0e+16", 1e16), ("99999999999999999999", 99999999999999999999),
    ("007.5", 7.5), ("'1:30:00.5'", "1:30:00.5"), ('"0x1F"', "0x1F"), ("0o17", "0o17"), ("1e5", "1e5"),
    ("09", "09"), ("+.5", "+.5"), ("yes", True), ("off", False), ("~", None),
])
def test_plain_decimals_and_other_scalars_keep_their_meaning(text, value):
    got = parse_yaml(f"value: {text}\n").data["value"]
    assert got == value and type(got) is type(value)


def test_sexagesimal_statistic_value_is_refused_by_check(data, capsys):
    path = a_series(data, "*per-100k*")
    number = edit_point(path, "value", "1:30:00.5")
    refused(data, capsys, path, number, "write 5400.5 as a plain decimal")


def test_the_hint_about_controls_below_u0020_comes_only_with_such_a_control():
    from pledges.characters import character_problem

    assert "below U+0020" in character_problem("\x1b") and "U+001B ESCAPE" in character_problem("\x1b")
    for char in ("\ufeff", "\x7f", "\x9f"):  # a byte order mark, DELETE, a C1 control: nothing to write instead
        assert character_problem(char).endswith("— delete it"), char
