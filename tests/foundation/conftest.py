"""Fixtures shared by the foundation tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from benchmarks import synthetic

from pledges.dataset import load_dataset


@pytest.fixture()
def data(tmp_path) -> Path:
    """A small SYNTHETIC data folder (2 providers, 1 pledge each, 2 series of 2 quarters) that passes check."""
    root = tmp_path / "data"
    synthetic.dataset(root, providers=2, pledges_each=1, quarters=2, metrics=2)
    assert load_dataset(root, date(2026, 12, 1)).problems == []
    return root
