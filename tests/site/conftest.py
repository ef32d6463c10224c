"""Fixtures for the site tests: SYNTHETIC data folders built once per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import synth  # noqa: E402
from board_fixtures import board_chromium, board_hostile, board_real  # noqa: E402, F401 — shared browser fixtures

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-12-01"


def run_build(data: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    """Run `pledges build` in a subprocess; (exit code, stdout, stderr)."""
    import subprocess

    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("PLEDGES_SITE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "pledges", "build", "--data", str(data), "--out", str(out),
                           "--today", TODAY, *extra], capture_output=True, text=True, env=env, cwd=out.parent)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """A site built from synthetic data whose free text tries <script>, onerror= and javascript: links."""
    root = tmp_path_factory.mktemp("hostile")
    data = synth.write_dataset(root / "data", hostile=True)
    code, out, err = run_build(data, root / "site")
    assert code == 0, out + err
    return root / "site"


@pytest.fixture(scope="session")
def hostile_data(hostile_site) -> Path:
    return hostile_site.parent / "data"


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The site built from the repository's real data/ (skipped if data/ is empty)."""
    data = REPO / "data"
    if not any(data.glob("*/*.yaml")):
        pytest.skip("data/ has no records yet")
    root = tmp_path_factory.mktemp("real")
    code, out, err = run_build(data, root / "site")
    assert code == 0, out + err
    return root / "site"
