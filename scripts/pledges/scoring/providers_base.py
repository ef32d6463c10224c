"""The provider score's building blocks: its typed results (Component, SectorScore), the point curves and the
indexed statistics (Context) every component reads."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import median

from .. import models as m
from ..periods import period_key
from . import method as M


@dataclass
class Component:
    name: str
    value: float | None
    detail: str
    uncertainty: float = 0.0  # half-width of the value given the published rounding
    evidence: tuple[str, ...] = ()
    series: frozenset = frozenset()  # (source, metric, series_version) used

    def to_dict(self, effective_weight: float | None, weights: dict[str, float] | None = None) -> dict:
        return {
            "value": None if self.value is None else round(self.value, 2),
            "weight": (weights or M.WEIGHTS)[self.name],
            "effective_weight": None if effective_weight is None else round(effective_weight, 4),
            "detail": self.detail,
            "evidence": list(self.evidence),
        }


@dataclass
class SectorScore:
    provider: str
    sector: str
    country: str
    score: float | None = None
    raw_score: float | None = None
    uncertainty: float = 0.0
    rank: int | None = None
    tied: bool = False
    rank_label: str | None = None
    not_ranked_reason: str | None = None
    components: dict[str, Component] = field(default_factory=dict)
    effective_weights: dict[str, float] = field(default_factory=dict)
    previous_score: float | None = None
    trend: float | None = None
    comparable_with_previous: bool = False
    previous_note: str | None = None
    complaint_ratio: float | None = None
    periods: dict[str, str] = field(default_factory=dict)  # "source/metric" → period used
    eligible: bool = False
    stale: list[str] = field(default_factory=list)
    segment: str | None = None  # a product-group board's segment (None: the sector board)
    weights: dict[str, float] | None = None  # nominal weights; None = M.WEIGHTS

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "rank": self.rank,
            "tied": self.tied,
            "rank_label": self.rank_label,
            "not_ranked_reason": self.not_ranked_reason,
            "components": {name: c.to_dict(self.effective_weights.get(name), self.weights)
                           for name, c in self.components.items()},
            "previous_score": self.previous_score,
            "trend": self.trend,
            "comparable_with_previous": self.comparable_with_previous,
            "previous_note": self.previous_note,
            "complaint_rate_vs_average": self.complaint_ratio,
            "periods": dict(sorted(self.periods.items())),
            "stale": bool(self.stale),
            "stale_reason": "; ".join(self.stale) or None,
            "method_version": M.METHOD_VERSION,
        }


def clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def complaint_points(ratio: float) -> float:
    return clamp(100.0 * (M.RATIO_WORST - ratio) / (M.RATIO_WORST - M.RATIO_BEST))


def call_wait_points(seconds: float) -> float:
    return clamp(100.0 * (M.CALL_WAIT_WORST_SECONDS - seconds) / (M.CALL_WAIT_WORST_SECONDS - M.CALL_WAIT_BEST_SECONDS))


def _half_unit(metric: m.StatMetric) -> float:
    return M.PUBLISHED_PRECISION.get(metric, 0.0) / 2


def _fmt(x: float) -> str:
    return f"{x:g}"


class Context:
    """Indexes over the dataset, built once per computation."""

    def __init__(self, providers, sources, statistics):
        self.providers: dict[str, m.Provider] = providers
        self.sources: dict[str, m.Source] = sources
        # (source, metric) → sorted periods present in the data (all providers)
        periods: dict[tuple[str, m.StatMetric], set[str]] = defaultdict(set)
        # (source, metric, service, period) → stats (all providers)
        self.groups: dict[tuple, list[m.Statistic]] = defaultdict(list)
        # (provider, sector) → stats
        self.by_provider_sector: dict[tuple[str, str], list[m.Statistic]] = defaultdict(list)
        # (provider, segment) → stats of the product-group sources
        self.by_provider_segment: dict[tuple[str, str], list[m.Statistic]] = defaultdict(list)
        for sid in sorted(statistics):
            stat = statistics[sid]
            periods[(stat.source, stat.metric)].add(stat.period)
            self.groups[(stat.source, stat.metric, stat.segment, stat.period)].append(stat)
            provider = providers.get(stat.provider)
            if provider is None:
                continue
            board = M.board_segment(stat.segment) if stat.source in M.PRODUCT_GROUP_SOURCES else None
            if board:
                self.by_provider_segment[(stat.provider, board)].append(stat)
            for sector in self.stat_sectors(stat, provider):
                self.by_provider_sector[(stat.provider, sector)].append(stat)
        self.periods = {key: sorted(values, key=period_key) for key, values in periods.items()}

    def stat_sectors(self, stat: m.Statistic, provider: m.Provider) -> list[str]:
        sectors = [s.value for s in provider.sectors]
        if len(sectors) == 1:
            return sectors
        mapped = M.SOURCE_SECTORS.get(stat.source)
        if mapped in sectors:
            return [mapped]
        return sectors

    def chosen_period(self, source: str, metric: m.StatMetric, which: int) -> str | None:
        periods = self.periods.get((source, metric), [])
        return periods[which] if len(periods) >= -which else None

    def industry_average(self, stat: m.Statistic) -> tuple[float | None, str]:
        group = self.groups[(stat.source, stat.metric, stat.segment, stat.period)]
        if stat.industry_average is not None:
            return stat.industry_average, "published industry average"
        published = sorted(s.industry_average for s in group if s.industry_average is not None)
        if published:
            return published[len(published) // 2], "published industry average (from another figure of the same release)"
        values = [s.value for s in group]
        if len(values) >= M.MIN_PEERS_FOR_COMPUTED_AVERAGE:
            return median(values), f"median of the {len(values)} providers in the data (no published average)"
        return None, f"no published industry average and fewer than {M.MIN_PEERS_FOR_COMPUTED_AVERAGE} providers to compute one"
