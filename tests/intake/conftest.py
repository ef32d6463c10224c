"""Fixtures for the intake tests: temp data folders with a few real records; all answers SYNTHETIC."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import bodies  # noqa: E402


@pytest.fixture
def data(tmp_path) -> Path:
    return bodies.copy_real(tmp_path / "data")


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch):
    monkeypatch.setenv("PLEDGES_PSEUDONYM_KEY", bodies.TEST_KEY)
    monkeypatch.setenv("PLEDGES_TODAY", "2026-12-01")
