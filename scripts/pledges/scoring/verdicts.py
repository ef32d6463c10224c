"""Verdict per pledge per period, from the statistics that test it (never from reports)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from .. import models as m
from ..figures import slug
from ..periods import period_end, period_key, period_start, series_version
from . import method as M
from .messages import Message


@dataclass(frozen=True)
class Verdict:
    period: str | None
    verdict: str
    reason: str
    evidence: tuple[str, ...] = ()
    series_version: str | None = None
    comparable: bool = True

    def to_dict(self) -> dict:
        return {
            "period": self.period,
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": list(self.evidence),
            "series_version": self.series_version,
            "comparable": self.comparable,
        }


@dataclass
class PledgeVerdicts:
    verdicts: list[Verdict] = field(default_factory=list)  # per period, oldest first
    latest: Verdict | None = None


def _fmt(x: float) -> str:
    return f"{x:g}"


def term_seconds(term: m.PledgeTerm) -> float | None:
    per_unit = M.TIME_UNITS.get(term.unit.value)
    return None if per_unit is None else term.threshold * per_unit


def term_deadline_days(term: m.PledgeTerm) -> float | None:
    seconds = term_seconds(term)
    return None if seconds is None else seconds / 86400


def window(pledge: m.Pledge) -> tuple[date | None, date | None]:
    """(from, to) of the periods that test the pledge.

    From `effective_from`, else the date it was published; to `effective_to`. An announcement that gives
    only `effective_to` promises something *by* that date: it is due from then on, with no end."""
    if pledge.kind == m.PledgeKind.announcement and pledge.effective_from is None and pledge.effective_to:
        return pledge.effective_to, None
    return pledge.effective_from or pledge.published, pledge.effective_to


def start_date(pledge: m.Pledge) -> date | None:
    """The date from which the pledge must be met (for an announcement, the promised date)."""
    return window(pledge)[0]


def check_term(term: m.PledgeTerm, stat: m.Statistic) -> tuple[str | None, str]:
    """One term against one statistic → (kept / partly-kept / broken, or None when the figure cannot decide; reason)."""
    mapping = M.METRIC_MAPPING[term.metric]
    value = stat.value
    if mapping.kind == "share":
        target = term.target_share_pct if term.target_share_pct is not None else M.DEFAULT_TARGET_SHARE_PCT
        if term.unit == m.TermUnit.percent:  # the threshold is itself the share, measured at the statistic's deadline
            target = term.threshold
        pledge_days = term_deadline_days(term)
        stat_days = mapping.stat_deadline_days
        label = f"{stat.metric.value} {_fmt(value)}% vs target {_fmt(target)}%"
        relation = "same"
        if stat_days is not None and pledge_days is not None and abs(pledge_days - stat_days) > M.DEADLINE_TOLERANCE_DAYS:
            relation = "pledge-longer" if pledge_days > stat_days else "pledge-shorter"
        if value >= target:
            if relation == "pledge-shorter":
                return None, (f"{label}: met, but the figure counts cases within {_fmt(stat_days)} days while the pledge "
                              f"promises {_fmt(pledge_days)} days, so it cannot show the pledge kept")
            return "kept", f"{label}: met"
        if relation == "pledge-longer":
            return None, (f"{label}: missed, but the figure counts cases within {_fmt(stat_days)} days while the pledge "
                          f"allows {_fmt(pledge_days)} days, so it cannot show the pledge broken")
        gap = target - value
        if gap <= M.PARTLY_KEPT_MARGIN_PCT_POINTS:
            return "partly-kept", f"{label}: missed by {_fmt(round(gap, 2))} points (within the {_fmt(M.PARTLY_KEPT_MARGIN_PCT_POINTS)}-point margin)"
        return "broken", f"{label}: missed by {_fmt(round(gap, 2))} points"
    # value kind: compare the statistic with the term's threshold, both in the statistic's own unit
    # (an outage time published in minutes is compared in minutes, a call wait in seconds)
    seconds = term_seconds(term)
    per_unit = m.STAT_UNIT_SECONDS.get(stat.unit)
    if seconds is None or per_unit is None:
        return None, f"term unit {term.unit.value} cannot be compared with {stat.metric.value}"
    threshold = seconds / per_unit
    short = "s" if stat.unit == m.StatUnit.seconds else "min"
    label = f"{stat.metric.value} {_fmt(value)} {short} vs pledge {term.comparator.value} {_fmt(round(threshold, 3))} {short}"
    ok = {
        m.Comparator.at_most: value <= threshold,
        m.Comparator.less_than: value < threshold,
        m.Comparator.at_least: value >= threshold,
        m.Comparator.more_than: value > threshold,
    }[term.comparator]
    if ok:
        return "kept", f"{label}: met (published average)"
    lower_is_better = term.comparator in (m.Comparator.at_most, m.Comparator.less_than)
    miss = (value - threshold) / threshold if lower_is_better and threshold else (threshold - value) / max(threshold, 1e-9)
    if miss <= M.PARTLY_KEPT_MARGIN_VALUE_FRACTION:
        return "partly-kept", f"{label}: missed by {_fmt(round(miss * 100, 1))}% (within the {_fmt(M.PARTLY_KEPT_MARGIN_VALUE_FRACTION * 100)}% margin)"
    return "broken", f"{label}: missed by {_fmt(round(miss * 100, 1))}%"


def plain_period(period: str) -> str:
    """2024-H2 → 2024 H2 (as publishers write it)."""
    return period.replace("-", " ", 1) if len(period) > 4 and period[5] in "HQ" else period


def check_rule_term(term: m.PledgeTerm, stat: m.Statistic, source: m.Source | None) -> tuple[str | None, str]:
    """A published rule's share test, in bands (see RULE_SHARE_* in method.py), with a plain-words reason."""
    mapping = M.METRIC_MAPPING[term.metric]
    where = f"{stat.segment}: " if stat.segment else ""
    what = M.STAT_PLAIN.get(stat.metric, stat.metric.value)
    origin = f"{source.name if source is not None else stat.source}, {plain_period(stat.period)}"
    figure = f"{where}{_fmt(stat.value)}% {what} ({origin})"
    pledge_days, stat_days = term_deadline_days(term), mapping.stat_deadline_days
    if stat_days is not None and pledge_days is not None and abs(pledge_days - stat_days) > M.DEADLINE_TOLERANCE_DAYS:
        # the bands are about the rule's own deadline; a figure with another deadline cannot decide
        return None, (f"{figure} — the figure counts cases within {_fmt(stat_days)} days while the rule sets "
                      f"{_fmt(round(pledge_days, 2))} days, so it cannot decide")
    kept_at, broken_below = M.RULE_SHARE_KEPT_AT_LEAST_PCT, M.RULE_SHARE_BROKEN_BELOW_PCT
    if stat.value >= kept_at:
        return "kept", f"{figure} — at least {_fmt(kept_at)}%: kept"
    if stat.value >= broken_below:
        return "partly-kept", f"{figure} — between {_fmt(broken_below)}% and {_fmt(kept_at)}%: partly kept"
    return "broken", f"{figure} — below {_fmt(broken_below)}%: broken"


def combine(results: list[str]) -> str:
    """All kept → kept; all broken → broken; anything else → partly-kept."""
    if all(r == "kept" for r in results):
        return "kept"
    if all(r == "broken" for r in results):
        return "broken"
    return "partly-kept"


def in_window(pledge: m.Pledge, period: str) -> bool:
    """A period counts when it lies wholly inside the pledge's effective dates."""
    start, end = window(pledge)
    if start and period_start(period) < start:
        return False
    if end and period_end(period) > end:
        return False
    return True


def tests_term(pledge: m.Pledge, term: m.PledgeTerm, stat: m.Statistic) -> bool:
    """The figure may test the term: its period lies in the pledge's window, its sample is large enough, and it is
    of the term's segment when the term names one (a rail line's floor is not tested by another line's figure)."""
    if not in_window(pledge, stat.period):
        return False
    if stat.sample_size is not None and stat.sample_size < M.MIN_SAMPLE_SIZE:
        return False
    return term.segment is None or slug(stat.segment or "") == slug(term.segment)


def pledge_verdicts(
    pledge: m.Pledge,
    stats_by_metric: dict[m.StatMetric, list[m.Statistic]],
    sources: dict[str, m.Source],
    today: date,
) -> PledgeVerdicts:
    """stats_by_metric: this pledge's provider's statistics, by metric."""
    result = PledgeVerdicts()
    if not pledge.terms:
        result.latest = Verdict(None, "not-measurable", Message("verdict-not-measurable"))
        return result
    start = start_date(pledge)
    if start and start > today:
        key = "not-due-promised" if pledge.kind == m.PledgeKind.announcement else "not-due-effective"
        result.latest = Verdict(None, "not-yet-rated", Message(key, date=start.isoformat()))
        return result
    mapped = [t for t in pledge.terms if M.METRIC_MAPPING[t.metric].statistic is not None]
    unmapped = sorted({t.metric.value for t in pledge.terms if M.METRIC_MAPPING[t.metric].statistic is None})
    if not mapped:
        result.latest = Verdict(
            None, "no-data",
            Message("no-statistic-measures", metrics=", ".join(unmapped)),
        )
        return result

    # period → list of (result, reason, stat)
    per_period: dict[str, list[tuple[str | None, str, m.Statistic]]] = defaultdict(list)
    for term in mapped:
        metric = M.METRIC_MAPPING[term.metric].statistic
        for stat in stats_by_metric.get(metric, []):
            if not tests_term(pledge, term, stat):
                continue
            # the bands are for a rule that sets a deadline and is measured as the share within it; a rule whose
            # term states the required share itself (unit percent: "at least 95% next day") is tested against it
            if (pledge.kind.value in M.RULE_KINDS and M.METRIC_MAPPING[term.metric].kind == "share"
                    and term.unit != m.TermUnit.percent):
                outcome, reason = check_rule_term(term, stat, sources.get(stat.source))
            else:
                outcome, reason = check_term(term, stat)
                service = f" ({stat.segment})" if stat.segment else ""
                reason = f"{term.metric.value}{service}: {reason}"
            # one row per figure: a firm reporting several segments (product groups) gets each checked
            per_period[stat.period].append((outcome, reason, stat))

    verdicts: list[Verdict] = []
    for period in sorted(per_period, key=period_key):
        rows = sorted(per_period[period], key=lambda r: (r[2].id, r[1]))
        decided = [r[0] for r in rows if r[0] is not None]
        reasons = "; ".join(r[1] for r in rows)
        evidence = tuple(sorted({r[2].id for r in rows}))
        versions = sorted({v for v in (series_version(r[2], sources.get(r[2].source)) for r in rows) if v})
        version = "+".join(versions) if versions else None
        if not decided:
            verdicts.append(Verdict(period, "no-data", "the published figure cannot decide: " + reasons, evidence, version))
        else:
            if unmapped:
                reasons += f"; not tested (no statistic): {', '.join(unmapped)}"
            verdicts.append(Verdict(period, combine(decided), reasons, evidence, version))

    if not verdicts:
        metrics = ", ".join(sorted({M.METRIC_MAPPING[t.metric].statistic.value for t in mapped}))
        if start and today < start + timedelta(days=M.NOT_YET_RATED_GRACE_DAYS):
            result.latest = Verdict(None, "not-yet-rated",
                                    Message("started-no-figure", date=start.isoformat(), metrics=metrics))
        else:
            reason = (Message("nothing-published-since", date=start.isoformat(), metrics=metrics) if start
                      else Message("nothing-published", metrics=metrics))
            result.latest = Verdict(None, "no-data", reason)
        return result

    latest = verdicts[-1]
    end = window(pledge)[1]
    if end and end < today:
        latest = replace(latest, reason=Message("pledge-ended", date=end.isoformat(), reason=latest.reason))
        verdicts[-1] = latest
    result.verdicts = [replace(v, comparable=(v.series_version == latest.series_version)) for v in verdicts]
    result.latest = result.verdicts[-1]
    return result


def community(reports: Iterable[m.Report]) -> dict:
    """Counts of contributor reports; shown only from MIN_REPORT_CONTRIBUTORS distinct contributors on."""
    counts = {"kept": 0, "partly-kept": 0, "broken": 0}
    contributors: set[str] = set()
    for report in reports:
        counts[report.outcome.value] += 1
        contributors.add(report.who)
    return {**counts, "contributors": len(contributors), "shown": len(contributors) >= M.MIN_REPORT_CONTRIBUTORS}
