"""Provider score per sector (0–100), ranking with ties, trend against the previous period."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean, median

from .. import models as m
from ..periods import period_end, period_key, series_version
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


def _select(ctx: Context, stats: list[m.Statistic], metrics, which: int):
    """The provider's statistics of these metrics in the chosen period of each (source, metric); and the excluded."""
    chosen, skipped = [], []
    for stat in stats:
        if stat.metric not in metrics:
            continue
        period = ctx.chosen_period(stat.source, stat.metric, which)
        if period is None or stat.period != period:
            continue
        if stat.sample_size is not None and stat.sample_size < M.MIN_SAMPLE_SIZE:
            skipped.append(f"{stat.id}: sample {stat.sample_size} below the minimum {M.MIN_SAMPLE_SIZE}")
            continue
        chosen.append(stat)
    return chosen, skipped


def _series(ctx: Context, stats) -> frozenset:
    return frozenset((s.source, s.metric.value, s.segment, series_version(s, ctx.sources.get(s.source))) for s in stats)


def _latest_periods_text(ctx: Context, stats: list[m.Statistic], metrics) -> str:
    """Where the provider's figures stand compared with the latest periods (for 'why not')."""
    have = sorted({(s.source, s.metric.value, s.period) for s in stats if s.metric in metrics})
    if not have:
        return "no figure of this kind in the data"
    notes = []
    for source, metric, _ in have:
        latest = ctx.chosen_period(source, m.StatMetric(metric), -1)
        notes.append(f"{source} {metric}: latest period {latest}")
    return "no usable figure in the latest period (" + "; ".join(sorted(set(notes))) + ")"


def complaints_component(ctx: Context, stats, which: int, metrics=None) -> tuple[Component, float | None]:
    sector_board = metrics is None  # product-group boards pass their own metrics
    metrics = set(M.COMPLAINT_RATE_METRICS if metrics is None else metrics)
    chosen, skipped = _select(ctx, stats, metrics, which)
    ratios, parts, uncertainties, used = [], [], [], []
    for stat in chosen:
        avg, how = ctx.industry_average(stat)
        service = f" {stat.segment}" if stat.segment else ""
        if avg is None or avg < 0:
            skipped.append(f"{stat.id}: {how}")
            continue
        if avg == 0:  # nobody complained (or the average rounds to 0): no complaints is best, any is worst
            ratio = 0.0 if stat.value == 0 else float("inf")
            uncertainties.append(0.0)
        else:
            ratio = stat.value / avg
            # the average is shared by every provider compared, so only the provider's own rounding counts
            uncertainties.append(_half_unit(stat.metric) / avg)
        ratios.append(ratio)
        used.append(stat)
        parts.append(f"{stat.period}{service}: {_fmt(stat.value)} vs average {_fmt(round(avg, 3))} ({how}) = ratio {ratio:.3f}")
    if not ratios:
        why = "; ".join(skipped) if skipped else _latest_periods_text(ctx, stats, metrics)
        if sector_board and any(s.source in M.PRODUCT_GROUP_SOURCES and M.board_segment(s.segment) for s in stats):
            # a sector board of FCA firms: their rates are per product group, ranked on those boards
            why += " (its complaints per 1,000 accounts are published per product group and ranked on the product-group boards)"
        elif any(s.metric == m.StatMetric.complaints_count for s in stats):
            why += " (only raw complaint counts are published for this provider; counts are never used without the customer base)"
        return Component("complaints", None, f"missing: {why}"), None
    ratio = fmean(ratios)
    value = complaint_points(ratio)
    slope = 100.0 / (M.RATIO_WORST - M.RATIO_BEST)
    detail = "; ".join(parts) + f". Mean ratio {ratio:.3f} → 100 × ({_fmt(M.RATIO_WORST)} − ratio) / ({_fmt(M.RATIO_WORST)} − {_fmt(M.RATIO_BEST)}) = {value:.2f}"
    if skipped:
        detail += ". Not used: " + "; ".join(skipped)
    spread = fmean(uncertainties)
    if math.isinf(ratio) or ratio - spread >= M.RATIO_WORST or ratio + spread <= M.RATIO_BEST:
        spread = 0.0  # the value is at its limit (0 or 100) whatever the rounding
    comp = Component("complaints", value, detail, slope * spread, tuple(s.id for s in used), _series(ctx, used))
    return comp, ratio


def responsiveness_component(ctx: Context, stats, which: int) -> Component:
    metrics = set(M.RESPONSIVENESS_PCT_METRICS) | {M.CALL_WAIT_METRIC}
    chosen, skipped = _select(ctx, stats, metrics, which)
    by_metric: dict[m.StatMetric, list[m.Statistic]] = defaultdict(list)
    for stat in chosen:
        by_metric[stat.metric].append(stat)
    points, uncertainties, parts = [], [], []
    for metric in sorted(by_metric, key=lambda x: x.value):
        group = by_metric[metric]
        if metric == M.CALL_WAIT_METRIC:
            p = fmean(call_wait_points(s.value) for s in group)
            u = _half_unit(metric) * 100.0 / (M.CALL_WAIT_WORST_SECONDS - M.CALL_WAIT_BEST_SECONDS)
            parts.append(f"{metric.value} {', '.join(_fmt(s.value) for s in group)} s → {p:.2f}")
        else:
            p = fmean(s.value for s in group)
            u = _half_unit(metric)
            parts.append(f"{metric.value} {', '.join(_fmt(s.value) for s in group)}% → {p:.2f}")
        points.append(p)
        uncertainties.append(u)
    if not points:
        why = "; ".join(skipped) if skipped else _latest_periods_text(ctx, stats, metrics)
        return Component("responsiveness", None, f"missing: {why}")
    value = fmean(points)
    detail = "; ".join(parts) + f". Mean = {value:.2f}"
    return Component("responsiveness", value, detail, fmean(uncertainties), tuple(s.id for s in chosen), _series(ctx, chosen))


def ombudsman_component(ctx: Context, stats, which: int) -> Component:
    chosen, skipped = _select(ctx, stats, {M.OMBUDSMAN_METRIC}, which)
    if not chosen:
        why = "; ".join(skipped) if skipped else _latest_periods_text(ctx, stats, {M.OMBUDSMAN_METRIC})
        return Component("ombudsman", None, f"missing: {why}")
    value = fmean(100.0 - s.value for s in chosen)
    detail = "; ".join(f"{s.period}: {_fmt(s.value)}% upheld" for s in chosen) + f" → 100 − mean = {value:.2f}"
    return Component("ombudsman", value, detail, _half_unit(M.OMBUDSMAN_METRIC), tuple(s.id for s in chosen), _series(ctx, chosen))


def share_component(name: str, ctx: Context, stats, which: int, metric: m.StatMetric, lower_is_better: bool) -> Component:
    """A published percentage as it is (or 100 minus it, when lower is better)."""
    chosen, skipped = _select(ctx, stats, {metric}, which)
    if not chosen:
        why = "; ".join(skipped) if skipped else _latest_periods_text(ctx, stats, {metric})
        return Component(name, None, f"missing: {why}")
    values = [100.0 - s.value if lower_is_better else s.value for s in chosen]
    value = fmean(values)
    how = "100 − " if lower_is_better else ""
    detail = "; ".join(f"{s.period}: {metric.value} {_fmt(s.value)}%" for s in chosen) + f" → {how}mean = {value:.2f}"
    return Component(name, value, detail, _half_unit(metric), tuple(s.id for s in chosen), _series(ctx, chosen))


def pledge_components(pledges, grades, verdicts, which: int) -> tuple[Component, Component]:
    """pledges: the provider's own pledges in the sector (ids sorted); grades/verdicts: id → result."""
    if not pledges:
        return (
            # missing, not 0: a pledge absent from this project's data must not cost the provider points
            Component("pledge-grades", None, "missing: no pledge of the provider recorded (weights renormalised)"),
            Component("pledge-verdicts", None, "missing: no pledge of the provider recorded"),
        )
    gvals = [(pid, grades[pid].grade) for pid in pledges]
    grade_value = fmean(M.GRADE_VALUES[g] for _, g in gvals)
    gdetail = ", ".join(f"{pid} {g}" for pid, g in gvals) + f" → mean {grade_value:.2f}"
    g = Component("pledge-grades", grade_value, gdetail, 0.0, tuple(pledges))
    rated = []
    for pid in pledges:
        pv = verdicts[pid]
        if which == -1:
            v = pv.latest
        else:  # the period verdict before the latest one
            v = pv.verdicts[-2] if len(pv.verdicts) >= 2 else None
        if v is not None and v.verdict in M.VERDICT_VALUES:
            rated.append((pid, v.verdict))
    if not rated:
        return g, Component("pledge-verdicts", None, "missing: no pledge of the provider has a kept / partly-kept / broken verdict")
    verdict_value = fmean(M.VERDICT_VALUES[v] for _, v in rated)
    vdetail = ", ".join(f"{pid} {v}" for pid, v in rated) + f" → mean {verdict_value:.2f}"
    return g, Component("pledge-verdicts", verdict_value, vdetail, 0.0, tuple(pid for pid, _ in rated))


def combine_components(components: dict[str, Component], weights: dict[str, float] | None = None
                       ) -> tuple[float | None, float, dict[str, float]]:
    """Weighted mean over the components present; the effective weights (renormalised, summing to 1)."""
    weights = M.WEIGHTS if weights is None else weights
    present = {n: c for n, c in components.items() if c.value is not None}
    total = sum(weights[n] for n in present)
    if not present or total <= 0:
        return None, 0.0, {}
    eff = {n: weights[n] / total for n in present}
    score = sum(eff[n] * present[n].value for n in present)
    uncertainty = sum(eff[n] * present[n].uncertainty for n in present)
    return score, uncertainty, eff


def score_sector(ctx: Context, provider: m.Provider, sector: str, own_pledges, grades, verdicts, which: int):
    stats = ctx.by_provider_sector.get((provider.id, sector), [])
    complaints, ratio = complaints_component(ctx, stats, which)
    g, v = pledge_components(own_pledges, grades, verdicts, which)
    components = {
        "complaints": complaints,
        "responsiveness": responsiveness_component(ctx, stats, which),
        "ombudsman": ombudsman_component(ctx, stats, which),
        "pledge-verdicts": v,
        "pledge-grades": g,
    }
    components = {name: components[name] for name in M.WEIGHTS}  # the documented order
    score, uncertainty, eff = combine_components(components)
    return components, score, uncertainty, eff, ratio


def score_segment(ctx: Context, provider: m.Provider, segment: str, which: int):
    """A product-group board's components (FCA: complaints per 1,000 accounts, timing, upheld)."""
    stats = ctx.by_provider_segment.get((provider.id, segment), [])
    complaints, ratio = complaints_component(ctx, stats, which, {M.PRODUCT_GROUP_COMPLAINT_METRIC})
    components = {
        "complaints": complaints,
        "closed-within-8-weeks": share_component("closed-within-8-weeks", ctx, stats, which,
                                                 M.PRODUCT_GROUP_CLOSED_METRIC, False),
        "upheld": share_component("upheld", ctx, stats, which, M.PRODUCT_GROUP_UPHELD_METRIC, True),
    }
    components = {name: components[name] for name in M.PRODUCT_GROUP_WEIGHTS}
    score, uncertainty, eff = combine_components(components, M.PRODUCT_GROUP_WEIGHTS)
    return components, score, uncertainty, eff, ratio


def customer_base_problem(provider: m.Provider, sector: str) -> str | None:
    bases = [b for b in provider.customer_base if (b.sector is None and len(provider.sectors) == 1) or
             (b.sector is not None and b.sector.value == sector)]
    if not bases:
        return None
    latest = max(bases, key=lambda b: b.as_of)
    if latest.count < M.MIN_CUSTOMERS:
        return f"customer base {latest.count:,} ({latest.as_of.isoformat()}) is below the minimum {M.MIN_CUSTOMERS:,}"
    return None


def stale_notes(ctx: Context, components: dict[str, Component], today: date) -> list[str]:
    notes = set()
    for comp in components.values():
        if comp.value is None:
            continue
        for source_id, metric, _service, _version in comp.series:
            source = ctx.sources.get(source_id)
            period = ctx.chosen_period(source_id, m.StatMetric(metric), -1)
            if source is None or period is None:
                continue
            due = period_end(period) + timedelta(days=source.expected_update_days + M.STALE_PUBLICATION_LAG_DAYS)
            if today > due:
                notes.add(f"{source_id}: latest period in the data is {period}; a newer one was due by {due.isoformat()}")
    return sorted(notes)


def evaluate(ctx: Context, provider: m.Provider, sector: str, own_pledges, grades, verdicts,
             today: date | None = None) -> SectorScore:
    result = SectorScore(provider.id, sector, provider.country)
    return _evaluate(ctx, provider, result, ctx.by_provider_sector.get((provider.id, sector), []),
                     lambda which: score_sector(ctx, provider, sector, own_pledges, grades, verdicts, which),
                     M.WEIGHTS, today)


def evaluate_segment(ctx: Context, provider: m.Provider, segment: str, today: date | None = None) -> SectorScore:
    """The provider's score on a product-group board (no pledges: the board compares complaint figures)."""
    result = SectorScore(provider.id, M.SEGMENT_SECTORS[segment], provider.country, segment=segment,
                         weights=M.PRODUCT_GROUP_WEIGHTS)
    return _evaluate(ctx, provider, result, ctx.by_provider_segment.get((provider.id, segment), []),
                     lambda which: score_segment(ctx, provider, segment, which), M.PRODUCT_GROUP_WEIGHTS, today)


def _evaluate(ctx: Context, provider: m.Provider, result: SectorScore, stats, scorer, weights, today) -> SectorScore:
    sector = result.sector
    components, score, uncertainty, eff, ratio = scorer(-1)
    result.components = components
    result.effective_weights = eff
    result.complaint_ratio = None if ratio is None or math.isinf(ratio) else round(ratio, 3)
    for stat in stats:
        latest = ctx.chosen_period(stat.source, stat.metric, -1)
        if latest:
            result.periods[f"{stat.source}/{stat.metric.value}"] = latest

    reasons = []
    for name in M.REQUIRED_COMPONENTS:
        if components[name].value is None:
            reasons.append(f"{name} {components[name].detail}")
    covered = sum(weights[n] for n in eff)
    if score is not None and covered + 1e-9 < M.MIN_WEIGHT_COVERED:
        reasons.append(f"the components present cover {covered:.0%} of the weight, below the minimum {M.MIN_WEIGHT_COVERED:.0%}")
    if score is None and not reasons:
        reasons.append("no component could be computed")
    base = customer_base_problem(provider, sector)
    if base:
        reasons.append(base)
    if reasons:
        result.not_ranked_reason = "; ".join(reasons)
        return result

    result.eligible = True
    if today is not None:
        result.stale = stale_notes(ctx, components, today)
    result.raw_score = score
    result.uncertainty = uncertainty
    result.score = round(score, M.SCORE_DECIMALS)

    # previous period, same method
    prev_components, prev_score, _, _, _ = scorer(-2)
    if prev_score is None or any(prev_components[n].value is None for n in M.REQUIRED_COMPONENTS):
        result.previous_note = "no previous period with the required figures"
        return result
    result.previous_score = round(prev_score, M.SCORE_DECIMALS)
    notes = []
    now_present = {n for n, c in components.items() if c.value is not None}
    prev_present = {n for n, c in prev_components.items() if c.value is not None}
    if now_present != prev_present:
        notes.append("different components present (" + ", ".join(sorted(now_present ^ prev_present)) + ")")
    for name in sorted(now_present & prev_present):
        now_series = {(s, mt, sv) for s, mt, svc, sv in components[name].series}
        prev_series = {(s, mt, sv) for s, mt, svc, sv in prev_components[name].series}
        now_versions = {(s, mt): sv for s, mt, sv in now_series}
        for (s, mt, sv) in prev_series:
            if (s, mt) in now_versions and now_versions[(s, mt)] != sv:
                notes.append(f"series break in {s} {mt}: {sv} → {now_versions[(s, mt)]}")
    if notes:
        result.previous_note = "not comparable: " + "; ".join(sorted(set(notes)))
    else:
        result.comparable_with_previous = True
        result.trend = round(score - prev_score, M.SCORE_DECIMALS)
    return result


def rank(scores: list[SectorScore], label: str) -> list[str]:
    """Rank the eligible scores in place (ties within precision share a rank); rows in display order."""
    eligible = sorted((s for s in scores if s.eligible), key=lambda s: (-s.raw_score, s.provider))
    others = sorted((s for s in scores if not s.eligible), key=lambda s: s.provider)
    if len(eligible) < M.MIN_RANKED_PROVIDERS:
        for s in eligible:
            s.not_ranked_reason = (f"fewer than {M.MIN_RANKED_PROVIDERS} providers in {label} have enough evidence to be "
                                   f"ranked (score shown, not ranked)")
        return [s.provider for s in eligible + others]
    half = 10 ** -M.SCORE_DECIMALS / 2
    position = 0
    groups: list[list[SectorScore]] = []
    while position < len(eligible):
        leader = eligible[position]
        group = [leader]
        position += 1
        while position < len(eligible):
            other = eligible[position]
            gap = leader.raw_score - other.raw_score
            if gap <= leader.uncertainty + other.uncertainty + 1e-9 or round(gap, 9) < half:
                group.append(other)
                position += 1
            else:
                break
        groups.append(group)
    rank_no = 1
    for group in groups:
        for s in group:
            s.rank = rank_no
            s.tied = len(group) > 1
            s.rank_label = f"={rank_no}" if s.tied else str(rank_no)
        rank_no += len(group)
    return [s.provider for s in eligible + others]
