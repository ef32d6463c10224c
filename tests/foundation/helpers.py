from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"


def run_pledges(*args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a contributor would."""
    full_env = {**os.environ, "PLEDGES_TODAY": "2026-12-01", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pledges", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=full_env
    )


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*")) if path.is_file()
    }


def copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns(".*"))
    return target


def line_of(path: Path, startswith: str) -> int:
    """1-based number of the first line that starts with the given text (after indentation)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip().startswith(startswith):
            return number
    raise AssertionError(f"no line starting with {startswith!r} in {path}")
