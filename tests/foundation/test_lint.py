"""The linter, the type checker and the module-size rule run with the tests, so `make test` (CI's `.ci/run`) fails
on a finding either way: through `make lint` before pytest, or through these tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 400


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in this environment (make .venv/.installed-stamp installs it)")
    return path


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing_in_scripts_and_tests():
    result = _run(_tool("ruff"), "check", "--no-cache", "scripts", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing_in_scripts():
    # the files and the settings are in pyproject.toml ([tool.mypy])
    result = _run(_tool("mypy"), "--no-incremental")
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_under_scripts_exceeds_400_lines():
    long = {str(path.relative_to(REPO)): count for path in sorted((REPO / "scripts").rglob("*.py"))
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these modules by concern (at most {MAX_MODULE_LINES} lines each): {long}"


def test_the_size_rule_counts_lines(tmp_path):
    # the rule above must see a long file: the same count on a file known to be too long
    sample = tmp_path / "long.py"
    sample.write_text("x = 1\n" * (MAX_MODULE_LINES + 1), encoding="utf-8")
    assert len(sample.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES


def test_ruff_reports_a_finding(tmp_path):
    # the lint test above fails when there is a finding: ruff, with this repository's settings, flags one
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    result = _run(_tool("ruff"), "check", "--no-cache", "--config", REPO / "pyproject.toml", bad)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout + result.stderr
