"""Provider score per sector (0–100), ranking with ties, trend against the previous period."""

from __future__ import annotations

import math
from datetime import date, timedelta

from .. import models as m
from ..periods import period_end
from . import method as M
from .components import (  # noqa: F401  (re-exported: these lived here before the split)
    _latest_periods_text,
    _select,
    _series,
    complaints_component,
    ombudsman_component,
    pledge_components,
    responsiveness_component,
    share_component,
)
from .messages import Count, Message, Pct, Term
from .providers_base import (  # noqa: F401
    Component,
    Context,
    SectorScore,
    _fmt,
    _half_unit,
    call_wait_points,
    clamp,
    complaint_points,
)


def combine_components(components: dict[str, Component], weights: dict[str, float] | None = None
                       ) -> tuple[float | None, float, dict[str, float]]:
    """Weighted mean over the components present; the effective weights (renormalised, summing to 1)."""
    weights = M.WEIGHTS if weights is None else weights
    present = {n: c for n, c in components.items() if c.value is not None}
    total = sum(weights[n] for n in present)
    if not present or total <= 0:
        return None, 0.0, {}
    eff = {n: weights[n] / total for n in present}
    score = sum(eff[n] * value for n, c in present.items() if (value := c.value) is not None)
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
        return Message("customer-base-too-small", count=Count(latest.count), as_of=latest.as_of.isoformat(),
                       minimum=Count(M.MIN_CUSTOMERS))
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

    reasons = _not_ranked_reasons(provider, sector, components, score, eff, weights)
    if reasons:
        result.not_ranked_reason = Message("join", parts=reasons)
        return result

    result.eligible = True
    if today is not None:
        result.stale = stale_notes(ctx, components, today)
    result.raw_score = score
    result.uncertainty = uncertainty
    result.score = round(score, M.SCORE_DECIMALS)

    _compare_with_previous(result, components, score, scorer(-2))
    return result


def _not_ranked_reasons(provider: m.Provider, sector: str, components, score, eff, weights) -> list:
    """Why the provider cannot be ranked on this board (Messages; empty when it can)."""
    reasons: list = []  # Messages (a Message is its English text)
    for name in M.REQUIRED_COMPONENTS:
        if components[name].value is None:
            reasons.append(Message("component-missing", component=Term("component", name), detail=components[name].detail))
    covered = sum(weights[n] for n in eff)
    if score is not None and covered + 1e-9 < M.MIN_WEIGHT_COVERED:
        reasons.append(Message("coverage-too-low", covered=Pct(covered), minimum=Pct(M.MIN_WEIGHT_COVERED)))
    if score is None and not reasons:
        reasons.append(Message("no-component"))
    base = customer_base_problem(provider, sector)
    if base:
        reasons.append(base)
    return reasons


def _series_breaks(components, prev_components, names) -> list[str]:
    """A note per series whose method version differs between the two periods."""
    notes = []
    for name in sorted(names):
        now_versions = {(s, mt): sv for s, mt, _, sv in components[name].series}
        for s, mt, _, sv in prev_components[name].series:
            if (s, mt) in now_versions and now_versions[(s, mt)] != sv:
                notes.append(f"series break in {s} {mt}: {sv} → {now_versions[(s, mt)]}")
    return notes


def _compare_with_previous(result: SectorScore, components, score, previous) -> None:
    """The trend against the previous period, when it has the required figures on the same method."""
    prev_components, prev_score, _, _, _ = previous
    if prev_score is None or any(prev_components[n].value is None for n in M.REQUIRED_COMPONENTS):
        result.previous_note = "no previous period with the required figures"
        return
    result.previous_score = round(prev_score, M.SCORE_DECIMALS)
    now_present = {n for n, c in components.items() if c.value is not None}
    prev_present = {n for n, c in prev_components.items() if c.value is not None}
    notes = []
    if now_present != prev_present:
        notes.append("different components present (" + ", ".join(sorted(now_present ^ prev_present)) + ")")
    notes += _series_breaks(components, prev_components, now_present & prev_present)
    if notes:
        result.previous_note = "not comparable: " + "; ".join(sorted(set(notes)))
    else:
        result.comparable_with_previous = True
        result.trend = round(score - prev_score, M.SCORE_DECIMALS)


def _raw(score: SectorScore) -> float:
    """The unrounded score of an eligible provider (eligible means it has one)."""
    assert score.raw_score is not None, score.provider
    return score.raw_score


def rank(scores: list[SectorScore], label: str) -> list[str]:
    """Rank the eligible scores in place (ties within precision share a rank); rows in display order."""
    eligible = sorted((s for s in scores if s.eligible), key=lambda s: (-_raw(s), s.provider))
    others = sorted((s for s in scores if not s.eligible), key=lambda s: s.provider)
    if len(eligible) < M.MIN_RANKED_PROVIDERS:
        for s in eligible:
            s.not_ranked_reason = Message("too-few-ranked", minimum=M.MIN_RANKED_PROVIDERS, label=label)
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
            gap = _raw(leader) - _raw(other)
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
