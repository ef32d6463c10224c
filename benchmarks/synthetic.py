"""Synthetic datasets for benchmarks. SYNTHETIC: made-up providers and figures, never real data."""

from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path

from pledges import models as m
from pledges.yamlio import dump_record

PROVENANCE = dict(
    publisher="Synthetic benchmark publisher",
    url="https://example.org/synthetic",
    retrieved=date(2026, 1, 15),
    licence="CC0-1.0",
    collected_by="contributor:benchmark",
    note="SYNTHETIC benchmark record, not real data.",
)


def write(root: Path, record) -> None:
    kind = m.KIND_OF_MODEL[type(record)]
    folder = root / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{record.id}.yaml").write_text(dump_record(record), encoding="utf-8")


def source(source_id: str = "synthetic-source") -> m.Source:
    return m.Source(
        id=source_id, name="Synthetic complaints", publisher="Synthetic benchmark publisher",
        url="https://example.org/synthetic", licence="CC0-1.0", cadence="quarterly", expected_update_days=100,
    )


def provider(index: int, source_id: str = "synthetic-source") -> m.Provider:
    return m.Provider(
        id=f"provider-{index:05d}", name=f"Synthetic Provider {index}", country="GB", sectors=["telecoms"],
        source_names=[{"source": source_id, "name": f"Synthetic Provider {index}"}], provenance=PROVENANCE,
    )


def pledge(provider_id: str, index: int) -> m.Pledge:
    return m.Pledge(
        id=f"{provider_id}-pledge-{index}", provider=provider_id, title=f"Synthetic pledge {index}", kind="guarantee",
        category="repair", text="We fix faults within two working days or pay you for every day after that.",
        language="en", channels=["phone", "web"], effective_from=date(2023, 1, 1),
        terms=[{
            "event": "fault repair not completed", "metric": "repair-time", "comparator": "<=", "threshold": 2,
            "unit": "working-days", "compensation": {"amount": 9.5, "currency": "GBP", "basis": "per-day", "payment": "automatic"},
        }],
        provenance=PROVENANCE,
    )


QUARTERS = [f"{year}-Q{q}" for year in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
METRICS = [("complaints-per-100k", "per-100k-customers", 10.0), ("timely-response-pct", "percent", 95.0),
           ("closed-within-8-weeks-pct", "percent", 90.0)]


RELEASE_ID = "synthetic-source--synthetic--2026-01-15"


def release(source_id: str = "synthetic-source") -> m.Release:
    return m.Release(
        id=RELEASE_ID, source=source_id, title="Synthetic complaints release", covers=QUARTERS,
        **{k: v for k, v in PROVENANCE.items()},
    )


def series(provider_id: str, metric: tuple, quarters: int, bump: int, source_id: str = "synthetic-source") -> m.Series:
    """One provider's figures for one metric, a point per quarter."""
    name, unit, base = metric
    return m.Series(
        id=f"{provider_id}--{source_id}--{name}", provider=provider_id, source=source_id, metric=name, unit=unit,
        points=[{"period": period, "value": round(base - ((bump + q) % 7) * 0.5, 1), "release": RELEASE_ID,
                 "industry_average": base} for q, period in enumerate(QUARTERS[:quarters])],
    )


def records(providers: int, pledges_each: int = 5, quarters: int = 12, metrics: int = 3):
    yield source()
    yield release()
    for index in range(providers):
        prov = provider(index)
        yield prov
        for p in range(pledges_each):
            yield pledge(prov.id, p)
        for metric in METRICS[:metrics]:
            yield series(prov.id, metric, quarters, index)


def dataset(root: Path, providers: int, pledges_each: int = 5, quarters: int = 12, metrics: int = 3,
            max_records: int | None = None) -> int:
    """Write a synthetic data folder; returns the number of records written."""
    count = 0
    for record in records(providers, pledges_each, quarters, metrics):
        if max_records is not None and count >= max_records:
            break
        write(root, record)
        count += 1
    return count


def median_time(func, *args, runs: int = 5) -> float:
    """Median wall time of `runs` calls (the figure every benchmark reports)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times)
