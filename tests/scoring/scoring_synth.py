"""SYNTHETIC test records for the scoring tests. Not real data: every figure here is invented."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pledges import models as m
from pledges.collect.series import records_from_figures
from pledges.dataset import figure_id, series_id
from pledges.yamlio import dump_record

TODAY = date(2026, 11, 23)

PROV = m.Provenance(
    publisher="Synthetic test data",
    url="https://example.org/synthetic",
    retrieved=date(2026, 1, 1),
    licence="CC0-1.0",
    collected_by="contributor:synthetic-test",
)


def provider(pid: str, sectors=("telecoms",), country: str = "GB", customers: int | None = None) -> m.Provider:
    bases = []
    if customers is not None:
        bases = [m.CustomerBase(count=customers, as_of=date(2026, 1, 1), sector=sectors[0], provenance=PROV)]
    return m.Provider(id=pid, name=pid.upper(), country=country, sectors=list(sectors), customer_base=bases, provenance=PROV)


def source(sid: str = "src", cadence: str = "quarterly", breaks=()) -> m.Source:
    return m.Source(
        id=sid, name=sid, publisher="Synthetic", url="https://example.org/src", licence="CC0-1.0", cadence=cadence,
        expected_update_days=120,
        method_breaks=[m.MethodBreak(period=p, series_version=v, description="synthetic break") for p, v in breaks],
    )


def stat(provider_id: str, metric: str, period: str, value: float, *, source_id: str = "src", service: str | None = None,
         average: float | None = None, sample: int | None = None, series: str | None = None) -> m.Statistic:
    met = m.StatMetric(metric)
    sid = series_id(provider_id, source_id, metric)
    return m.Statistic(
        id=figure_id(sid, period, service), series=sid, release=f"{source_id}--synthetic--2026-01-01", provider=provider_id,
        source=source_id, metric=met, segment=service, period=period, value=value, unit=m.METRIC_UNITS[met], sample_size=sample,
        industry_average=average, series_version=series, provenance=PROV,
    )


def term(metric: str, threshold: float, unit: str, *, comparator: str = "<=", target: float | None = None,
         payment: str | None = None) -> m.PledgeTerm:
    comp = None
    if payment:
        comp = m.Compensation(amount=5, currency="GBP", basis="per-day", payment=payment)
    return m.PledgeTerm(event=f"synthetic {metric} event", metric=metric, comparator=comparator, threshold=threshold,
                        unit=unit, target_share_pct=target, compensation=comp)


def pledge(pid: str, provider_id: str, terms=(), *, kind: str = "guarantee", effective_from: date | None = None,
           effective_to: date | None = None, category: str = "general-service", scheme: str | None = None) -> m.Pledge:
    return m.Pledge(
        id=pid, provider=provider_id, title=f"Synthetic pledge {pid}", kind=kind, category=category,
        text="Synthetic pledge text.", language="en", channels=["any"], effective_from=effective_from,
        effective_to=effective_to, terms=list(terms), scheme=scheme, provenance=PROV,
    )


def report(rid: str, pledge_id: str, outcome: str, contributor: str) -> m.Report:
    return m.Report(id=rid, pledge=pledge_id, date=date(2026, 2, 1), reported=date(2026, 2, 2), channel="phone",
                    outcome=outcome, summary="Synthetic report.", contributor=f"contributor:{contributor}")


@dataclass
class Synth:
    """Duck-typed stand-in for pledges.dataset.Dataset (compute() only reads these dicts)."""

    providers: dict = field(default_factory=dict)
    sources: dict = field(default_factory=dict)
    statistics: dict = field(default_factory=dict)
    pledges: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)
    responses: dict = field(default_factory=dict)
    corrections: dict = field(default_factory=dict)

    def add(self, *records) -> Synth:
        for record in records:
            kind = "statistics" if isinstance(record, m.Statistic) else m.KIND_OF_MODEL[type(record)]
            getattr(self, kind)[record.id] = record
        return self

    def write(self, root: Path) -> Path:
        stored = records_from_figures(list(self.statistics.values()), self.sources)
        records = [r for kind in ("providers", "sources", "pledges", "reports") for r in getattr(self, kind).values()]
        for record in records + stored:
            folder = root / m.KIND_OF_MODEL[type(record)]
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{record.id}.yaml").write_text(dump_record(record), encoding="utf-8")
        return root


def complaints_board(values: dict[str, float], *, average: float | None = 10.0, period: str = "2026-Q1",
                     metric: str = "complaints-per-100k") -> Synth:
    """One telecoms scoreboard: each provider has one complaint rate in one period."""
    data = Synth().add(source())
    for pid, value in values.items():
        data.add(provider(pid), stat(pid, metric, period, value, average=average))
    return data
