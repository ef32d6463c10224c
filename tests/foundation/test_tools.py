"""`pledges fmt`, `pledges new`, `pledges schema`, and the import-without-side-effects rule."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import pledges
from pledges import models as m
from pledges.schema import generated_files, stale_files
from pledges.yamlio import dump_record, parse_yaml

from .helpers import DATA, REPO, copy_data, run_pledges, tree_hashes


def test_committed_generated_files_are_fresh():
    stale = stale_files()
    assert not stale, f"stale: {stale}; run `pledges schema` and commit"


def test_schema_check_fails_when_stale(tmp_path, monkeypatch):
    from pledges import schema

    target = tmp_path / "fields.md"
    target.write_text("old\n")
    monkeypatch.setattr(schema, "DICTIONARY", target)
    assert target in schema.stale_files()


def test_schema_forbids_unknown_fields_and_matches_model():
    for path, text in generated_files().items():
        if path.suffix == ".json":
            import json

            schema = json.loads(text)
            assert schema["additionalProperties"] is False, path
    assert "`switches-completed-in-time-pct` | `percent`" in generated_files()[REPO / "docs" / "field-dictionary.md"]


def test_fmt_check_passes_on_real_data():
    result = run_pledges("fmt", "--check", "--data", "data")
    assert result.returncode == 0, result.stdout + result.stderr


def test_fmt_round_trips_every_real_record():
    for kind, model in m.KINDS.items():
        for path in sorted((DATA / kind).glob("*.yaml")):
            record = model.model_validate(parse_yaml(path.read_text()).data)
            text = dump_record(record)
            assert model.model_validate(parse_yaml(text).data) == record, path
            assert dump_record(model.model_validate(parse_yaml(text).data)) == text, path


def test_fmt_check_prints_diff_and_fmt_fixes(tmp_path):
    data = copy_data(tmp_path)
    path = sorted((data / "providers").glob("*.yaml"))[0]
    canonical = path.read_text()
    messy = "# a comment\n" + canonical.replace("\n", "\n\n", 1)
    path.write_text(messy)
    before = tree_hashes(data)
    result = run_pledges("fmt", "--check", "--data", str(data))
    assert result.returncode == 1
    assert "@@" in result.stdout and "-# a comment" in result.stdout
    assert tree_hashes(data) == before, "--check must not write"
    result = run_pledges("fmt", "--data", str(data))
    assert result.returncode == 0
    assert path.read_text() == canonical


def test_fmt_leaves_invalid_files_alone(tmp_path):
    data = copy_data(tmp_path)
    path = sorted((data / "providers").glob("*.yaml"))[0]
    path.write_text(path.read_text() + "colour: red\n")
    before = path.read_bytes()
    result = run_pledges("fmt", "--data", str(data))
    assert result.returncode == 1
    assert "pledges check" in result.stdout
    assert path.read_bytes() == before


@pytest.mark.parametrize("kind", ["provider", "pledge", "series", "release", "report", "source", "response"])
def test_new_writes_a_template_that_check_refuses_until_filled(tmp_path, kind):
    data = copy_data(tmp_path)
    result = run_pledges("new", kind, "my-new-record", "--data", str(data))
    assert result.returncode == 0, result.stderr
    folder = {"provider": "providers", "pledge": "pledges", "series": "series", "release": "releases", "report": "reports",
              "source": "sources", "response": "responses"}[kind]
    path = data / folder / "my-new-record.yaml"
    text = path.read_text()
    assert "id: my-new-record" in text and "TODO" in text and text.count("# ") > 5
    check = run_pledges("check", "--data", str(data))
    assert check.returncode == 1
    assert all(line.startswith(str(path)) for line in check.stdout.splitlines()), check.stdout
    again = run_pledges("new", kind, "my-new-record", "--data", str(data))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_new_refuses_bad_id(tmp_path):
    result = run_pledges("new", "pledge", "Bad Id", "--data", str(tmp_path))
    assert result.returncode == 1 and "not valid" in result.stderr


def test_every_subcommand_has_help():
    for command in ("check", "fmt", "new", "schema", "collect", "score", "build"):
        result = run_pledges(command, "--help")
        assert result.returncode == 0 and "usage: pledges" in result.stdout, command


def test_modules_import_without_side_effects(tmp_path):
    """Importing any module writes nothing and prints nothing (congress-legislators' rule)."""
    names = [info.name for info in pkgutil.walk_packages(pledges.__path__, "pledges.") if not info.name.endswith("__main__")]
    code = "import importlib, sys\nfor n in sys.argv[1:]: importlib.import_module(n)\n"
    result = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and list(tmp_path.iterdir()) == []
    for name in names:
        importlib.import_module(name)
