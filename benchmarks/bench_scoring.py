"""score_s_1000_providers: `pledges.scoring.compute` on a SYNTHETIC in-memory dataset.

1,000 providers × (2 pledges + 12 quarters × 3 metrics) ≈ 39,000 records, built with
benchmarks/synthetic.py (made-up figures, never real data). No I/O is timed: compute() is pure.
Median of several runs; also the time to render the methodology page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from pledges import models as m
from pledges.dataset import build_figures
from pledges.scoring import compute, methodology_markdown

from . import synthetic

RUNS = 5
TODAY = date(2026, 11, 23)


class InMemory:
    """The attributes compute() reads from a Dataset."""

    def __init__(self, records):
        self.by_kind = defaultdict(dict)
        for record in records:
            self.by_kind[m.KIND_OF_MODEL[type(record)]][record.id] = record
        for kind in m.KINDS:
            setattr(self, kind, dict(self.by_kind[kind]))
        self.statistics = build_figures(self.series, self.releases)  # as Dataset.statistics does


def run() -> dict[str, float]:
    data = InMemory(synthetic.records(providers=1000, pledges_each=2, quarters=12, metrics=3))
    records = sum(len(getattr(data, kind)) for kind in m.KINDS)
    board = compute(data, TODAY)
    ranked = sum(1 for s in board.providers.values() for x in s.values() if x.rank is not None)
    return {
        "score_records": records,
        "score_ranked_providers": ranked,
        "score_s_1000_providers": round(synthetic.median_time(compute, data, TODAY), 3),
        "score_to_dict_s_1000_providers": round(synthetic.median_time(board.to_dict), 3),
        "methodology_ms": round(synthetic.median_time(methodology_markdown, "en") * 1000, 3),
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
