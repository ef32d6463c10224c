"""check_vs_csafeloader_ratio: `pledges check` on 10,000 synthetic records vs only parsing them with libyaml.

SYNTHETIC data, generated in a temporary folder. Median of several runs of each side.
"""

from __future__ import annotations

import statistics
import tempfile
import time
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
        # exactly 10,000 records: providers with 2 pledges and 12 quarters × 2 metrics each
        synthetic.dataset(root, providers=400, pledges_each=2, quarters=12, metrics=2, max_records=10_000)
        files = sum(1 for _ in root.rglob("*.yaml"))
        check_dataset = load_dataset(root, date(2026, 11, 23))
        problems = len(check_dataset.problems)
        t_check = synthetic.median_time(load_dataset, root, date(2026, 11, 23))
        t_parse = synthetic.median_time(parse_only, root)
    return {
        "check_records": files,
        "check_problems_found": problems,
        "check_s_10000": round(t_check, 3),
        "csafeloader_s_10000": round(t_parse, 3),
        "check_vs_csafeloader_ratio": round(t_check / t_parse, 3),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
