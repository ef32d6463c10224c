"""The move from one file per figure to series and releases lost nothing.

`tests/fixtures/statistics-before-series.csv` is every figure of the last one-file-per-figure data
(commit 264d03d, `data/statistics/*.yaml`), flattened: each must still be in `data/`, as a point with
the same value, in the series of the same provider, source, metric and segment, naming a release of
the same publisher (and, where the old figure had a file hash, the same hash)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pledges.dataset import figure_id, load_dataset, series_id

ROOT = Path(__file__).resolve().parents[2]
OLD = ROOT / "tests" / "fixtures" / "statistics-before-series.csv"


@pytest.fixture(scope="module")
def figures():
    dataset = load_dataset(ROOT / "data")
    assert dataset.problems == []
    return dataset.statistics


def old_rows() -> list[dict]:
    with OLD.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_fixture_holds_every_old_figure():
    rows = old_rows()
    assert len(rows) == 225 and len({r["id"] for r in rows}) == 225


def test_every_old_figure_is_a_point_with_the_same_value_and_provenance(figures):
    missing, wrong = [], []
    for row in old_rows():
        sid = series_id(row["provider"], row["source"], row["metric"])
        figure = figures.get(figure_id(sid, row["period"], row["service"] or None))
        if figure is None:
            missing.append(row["id"])
            continue
        if figure.value != float(row["value"]) or figure.provenance.publisher != row["publisher"]:
            wrong.append((row["id"], figure.value, row["value"]))
        if row["sha256"] and figure.provenance.sha256 != row["sha256"]:
            wrong.append((row["id"], figure.provenance.sha256, row["sha256"]))
        if row["industry_average"] and figure.industry_average != float(row["industry_average"]):
            wrong.append((row["id"], figure.industry_average, row["industry_average"]))
        if row["series_version"] and figure.series_version != row["series_version"]:
            wrong.append((row["id"], figure.series_version, row["series_version"]))
    assert missing == [] and wrong == []
