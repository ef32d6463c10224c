"""check_vs_csafeloader_ratio: `pledges check` on a synthetic data folder in the series layout (36,000
points in 3,000 series files, beside 3,000 provider and pledge records) vs only parsing the same files with
libyaml.

SYNTHETIC data, generated in a temporary folder. Median of several runs of each side.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import yaml

from pledges.dataset import load_dataset

from . import synthetic

RUNS = 5


def parse_only(root: Path) -> int:
    count = 0
    for path in sorted(root.rglob("*.yaml")):
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)
        count += 1
    return count


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        root = Path(tmp)
        # 1,000 providers with 2 pledges each and 3 series of 12 quarters × 1 point: 36,000 points
        synthetic.dataset(root, providers=1000, pledges_each=2, quarters=12, metrics=3)
        files = sum(1 for _ in root.rglob("*.yaml"))
        check_dataset = load_dataset(root, date(2026, 11, 23))
        problems = len(check_dataset.problems)
        points = sum(len(s.points) for s in check_dataset.series.values())
        assert points >= 25_000, points
        t_check = synthetic.median_time(load_dataset, root, date(2026, 11, 23))
        t_parse = synthetic.median_time(parse_only, root)
    return {
        "check_files": files,
        "check_points": points,
        "check_problems_found": problems,
        "check_s": round(t_check, 3),
        "csafeloader_s": round(t_parse, 3),
        "check_vs_csafeloader_ratio": round(t_check / t_parse, 3),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
