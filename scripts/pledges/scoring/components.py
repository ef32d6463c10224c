"""The components of a provider score, each computed from the published statistics or the pledges' verdicts
and grades: complaints against the average, responsiveness, ombudsman, shares, pledge verdicts and grades."""

from __future__ import annotations

import math
from collections import defaultdict
from statistics import fmean

from .. import models as m
from ..periods import series_version
from . import method as M
from .messages import Message
from .providers_base import (
    Component,
    Context,
    _fmt,
    _half_unit,
    call_wait_points,
    complaint_points,
)


def _why(ctx: Context, stats: list[m.Statistic], metrics, skipped: list) -> Message:
    """Why a component is missing: the figures left out, or where the provider's figures stand."""
    return Message("join", parts=skipped) if skipped else _latest_periods_text(ctx, stats, metrics)


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
            skipped.append(Message("sample-too-small", stat=stat.id, sample=stat.sample_size, minimum=M.MIN_SAMPLE_SIZE))
            continue
        chosen.append(stat)
    return chosen, skipped


def _series(ctx: Context, stats) -> frozenset:
    return frozenset((s.source, s.metric.value, s.segment, series_version(s, ctx.sources.get(s.source))) for s in stats)


def _latest_periods_text(ctx: Context, stats: list[m.Statistic], metrics) -> Message:
    """Where the provider's figures stand compared with the latest periods (for 'why not')."""
    have = sorted({(s.source, s.metric.value, s.period) for s in stats if s.metric in metrics})
    if not have:
        return Message("no-figure")
    notes = []
    for source, metric, _ in have:
        latest = ctx.chosen_period(source, m.StatMetric(metric), -1)
        notes.append(Message("latest-period", source=source, metric=metric, period=latest))
    return Message("no-usable-figure", notes=Message("join", parts=sorted(set(notes))))


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
        why = _why(ctx, stats, metrics, skipped)
        if sector_board and any(s.source in M.PRODUCT_GROUP_SOURCES and M.board_segment(s.segment) for s in stats):
            # a sector board of FCA firms: their rates are per product group, ranked on those boards
            why = Message("why-product-groups", why=why)
        elif any(s.metric == m.StatMetric.complaints_count for s in stats):
            why = Message("why-counts-only", why=why)
        return Component("complaints", None, Message("missing", why=why)), None
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
        return Component("responsiveness", None, Message("missing", why=_why(ctx, stats, metrics, skipped)))
    value = fmean(points)
    detail = "; ".join(parts) + f". Mean = {value:.2f}"
    return Component("responsiveness", value, detail, fmean(uncertainties), tuple(s.id for s in chosen), _series(ctx, chosen))


def ombudsman_component(ctx: Context, stats, which: int) -> Component:
    chosen, skipped = _select(ctx, stats, {M.OMBUDSMAN_METRIC}, which)
    if not chosen:
        return Component("ombudsman", None, Message("missing", why=_why(ctx, stats, {M.OMBUDSMAN_METRIC}, skipped)))
    value = fmean(100.0 - s.value for s in chosen)
    detail = "; ".join(f"{s.period}: {_fmt(s.value)}% upheld" for s in chosen) + f" → 100 − mean = {value:.2f}"
    return Component("ombudsman", value, detail, _half_unit(M.OMBUDSMAN_METRIC), tuple(s.id for s in chosen), _series(ctx, chosen))


def share_component(name: str, ctx: Context, stats, which: int, metric: m.StatMetric, lower_is_better: bool) -> Component:
    """A published percentage as it is (or 100 minus it, when lower is better)."""
    chosen, skipped = _select(ctx, stats, {metric}, which)
    if not chosen:
        return Component(name, None, Message("missing", why=_why(ctx, stats, {metric}, skipped)))
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
            Component("pledge-grades", None, Message("no-pledge-recorded-renormalised")),
            Component("pledge-verdicts", None, Message("no-pledge-recorded")),
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
        return g, Component("pledge-verdicts", None, Message("no-rated-pledge"))
    verdict_value = fmean(M.VERDICT_VALUES[v] for _, v in rated)
    vdetail = ", ".join(f"{pid} {v}" for pid, v in rated) + f" → mean {verdict_value:.2f}"
    return g, Component("pledge-verdicts", verdict_value, vdetail, 0.0, tuple(pid for pid, _ in rated))
