"""`pledges check` on the real data, and on copies of real records with one mistake each.

Each broken copy must give exit 1, name the file and the right line, print no traceback
and change no file (the issue's "must show").
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .helpers import DATA, copy_data, line_of, run_pledges, tree_hashes


def first(kind: str, predicate=lambda text: True) -> Path:
    for path in sorted((DATA / kind).glob("*.yaml")):
        if predicate(path.read_text(encoding="utf-8")):
            return path
    pytest.skip(f"no suitable record in data/{kind}")


def test_real_data_is_clean():
    result = run_pledges("check", "--data", "data")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok: ")
    assert len(result.stdout.strip().splitlines()) == 1


def test_real_data_has_every_required_kind():
    for kind in ("providers", "pledges", "series", "releases", "sources"):
        assert len(list((DATA / kind).glob("*.yaml"))) > 0, kind


def _edit_and_check(tmp_path: Path, kind: str, pick, edit, *, timeout: float = 60):
    """Copy data/, apply `edit(text) -> (new_text, expected_line)` to one record, run check."""
    data = copy_data(tmp_path)
    original = pick()
    target = data / kind / original.name
    new_text, expected_line = edit(target)
    target.write_text(new_text, encoding="utf-8")
    before = tree_hashes(data)
    started = time.perf_counter()
    result = run_pledges("check", "--data", str(data), timeout=timeout)
    elapsed = time.perf_counter() - started
    assert tree_hashes(data) == before, "pledges check changed a file"
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    lines = [line for line in result.stdout.splitlines() if line.startswith(str(target))]
    assert lines, f"no problem names {target}:\n{output}"
    reported = {int(re.match(rf"{re.escape(str(target))}:(\d+):\d+: ", line).group(1)) for line in lines}
    if expected_line is not None:
        assert expected_line in reported, f"expected line {expected_line}, got {sorted(reported)}:\n{output}"
    assert all(" — " in line for line in lines), "every message says how to fix it"
    return result, elapsed


def test_broken_yaml_syntax(tmp_path):
    def edit(path):
        number = line_of(path, "name:")
        lines = path.read_text().splitlines()
        lines[number - 1] = lines[number - 1].replace("name:", "name: [unclosed", 1)
        return "\n".join(lines) + "\n", number  # the line where the bracket was opened

    result, _ = _edit_and_check(tmp_path, "providers", lambda: first("providers"), edit)
    assert "YAML syntax error" in result.stdout


def test_number_replaced_by_text(tmp_path):
    def edit(path):
        original = path.read_text()
        match = re.search(r"\bvalue: [^,}\n]+", original)
        number = original.count("\n", 0, match.start()) + 1
        return original[:match.start()] + "value: eleven" + original[match.end():], number

    result, _ = _edit_and_check(tmp_path, "series", lambda: first("series"), edit)
    assert "must be a number" in result.stdout


def test_unknown_field(tmp_path):
    def edit(path):
        text = path.read_text()
        return text + "colour: magenta\n", len(text.splitlines()) + 1

    result, _ = _edit_and_check(tmp_path, "pledges", lambda: first("pledges"), edit)
    assert "unknown field 'colour'" in result.stdout


def test_duplicated_id(tmp_path):
    data = copy_data(tmp_path)
    original = first("providers")
    copy = data / "providers" / "zz-copy-of-a-provider.yaml"
    copy.write_text(original.read_text())
    before = tree_hashes(data)
    result = run_pledges("check", "--data", str(data))
    assert tree_hashes(data) == before
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    id_line = line_of(copy, "id:")
    assert f"{copy}:{id_line}:" in result.stdout
    assert "duplicate id" in result.stdout


def test_reference_to_unknown_provider(tmp_path):
    def edit(path):
        number = line_of(path, "provider:")
        text = re.sub(r"(?m)^provider: .*$", "provider: no-such-provider", path.read_text(), count=1)
        return text, number

    result, _ = _edit_and_check(tmp_path, "pledges", lambda: first("pledges"), edit)
    assert "'no-such-provider' is not a known provider" in result.stdout


def test_email_address_in_free_text(tmp_path):
    def edit(path):
        text = path.read_text()
        text = re.sub(r"(?m)^title: (.*)$", r"title: \1 (write to jan.jansen@example.nl)", text, count=1)
        return text, line_of_text(text, "title:")

    # a title written plain (not in quotes), so that text appended to it stays part of the value
    plain_title = lambda t: re.search(r"(?m)^title: [^'\"]", t) is not None
    result, _ = _edit_and_check(tmp_path, "pledges", lambda: first("pledges", plain_title), edit)
    assert "e-mail address" in result.stdout


def line_of_text(text: str, startswith: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(startswith))


def test_javascript_url(tmp_path):
    def edit(path):
        text = path.read_text()
        text = re.sub(r"(?m)^(\s+)url: .*$", r"\1url: javascript:alert(document.cookie)", text, count=1)
        return text, line_of_text(text, "url: javascript:")

    result, _ = _edit_and_check(tmp_path, "providers", lambda: first("providers"), edit)
    assert "https://" in result.stdout


BOMB = "".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n',
        *[f"{chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)],
    ]
)


def test_alias_bomb_is_refused_quickly(tmp_path):
    def edit(path):
        return path.read_text() + BOMB, None

    result, elapsed = _edit_and_check(tmp_path, "providers", lambda: first("providers"), edit, timeout=20)
    assert "aliases" in result.stdout
    # Against a check of the same data without the bomb, in the same run (absolute times vary 2× between
    # machines): the bomb is refused before it is expanded, so it adds well under a second.
    started = time.perf_counter()
    run_pledges("check", "--data", str(DATA), timeout=60)
    baseline = time.perf_counter() - started
    assert elapsed < baseline * 1.5 + 1.0, (elapsed, baseline)


def test_oversized_file_refused_before_parsing(tmp_path):
    data = copy_data(tmp_path)
    big = data / "providers" / "huge.yaml"
    big.write_text("id: huge\nnote: " + "x" * 1_200_000 + "\n")
    result = run_pledges("check", "--data", str(data))
    assert result.returncode == 1
    assert f"{big}:1:1: file is" in result.stdout and "limit" in result.stdout


@pytest.mark.parametrize("value", ["yes", "'11'", ".nan", ".inf", "-5.0"])
def test_numbers_are_not_coerced(tmp_path, value):
    def edit(path):
        original = path.read_text()
        match = re.search(r"\bvalue: [^,}\n]+", original)
        number = original.count("\n", 0, match.start()) + 1
        return original[:match.start()] + f"value: {value}" + original[match.end():], number

    _edit_and_check(tmp_path, "series", lambda: first("series"), edit)


def test_cross_field_rule_points_at_the_field(tmp_path):
    def edit(path):
        number = line_of(path, "unit:")
        return re.sub(r"(?m)^unit: .*$", "unit: count", path.read_text(), count=1), number

    result, _ = _edit_and_check(tmp_path, "series", lambda: first("series", lambda t: "unit: per-" in t), edit)
    assert "does not fit metric" in result.stdout


def test_unclosed_quote_points_at_its_opening_line(tmp_path):
    def edit(path):
        number = line_of(path, "title:")
        text = re.sub(r"(?m)^title: (.*)$", r"title: '\1", path.read_text(), count=1)
        return text, number

    _edit_and_check(tmp_path, "pledges", lambda: first("pledges"), edit)


def test_links_and_devices_are_refused(tmp_path):
    data = copy_data(tmp_path)
    (data / "providers" / "zero.yaml").symlink_to("/dev/zero")
    result = run_pledges("check", "--data", str(data), timeout=20)
    assert result.returncode == 1
    assert "zero.yaml:1:1: not a regular file" in result.stdout


def test_named_file_must_exist(tmp_path):
    result = run_pledges("check", "data/providers/no-such-file.yaml")
    assert result.returncode == 1 and "no such file" in result.stdout


def test_missing_data_folder(tmp_path):
    result = run_pledges("check", "--data", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "data folder not found" in result.stdout
    assert "Traceback" not in result.stderr


def test_paths_filter_reports_only_named_files(tmp_path):
    data = copy_data(tmp_path)
    a = sorted((data / "pledges").glob("*.yaml"))[0]
    a.write_text(a.read_text() + "colour: red\n")
    b = sorted((data / "providers").glob("*.yaml"))[0]
    b.write_text(b.read_text() + "colour: red\n")
    result = run_pledges("check", "--data", str(data), str(a))
    assert result.returncode == 1
    assert str(a) in result.stdout and str(b) not in result.stdout
