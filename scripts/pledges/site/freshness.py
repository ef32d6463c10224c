"""One freshness story per source and per figure: the last period published, when it was published and
retrieved, by a collector or by hand, and whether the next one is overdue.

A source whose figures are typed in by hand has no collector run, so "last successful update: never ·
stale" said nothing true about it; the figures' own provenance does. The next release is due
``expected_update_days`` after the last one was published (after the end of its period when the
publication date is unknown); past that day the source is overdue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from pledges.dataset import period_start

from .i18n import Translator


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def period_end(period: str) -> date:
    """The day after the period (the start of the next one): 2025-H1 → 2025-07-01."""
    start = period_start(period)
    if len(period) == 4:
        return date(start.year + 1, 1, 1)
    months = {"Q": 3, "H": 6}.get(period[5], 1)
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Freshness:
    last_period: str | None
    published: date | None
    retrieved: date | None
    by_collector: str | None  # the collector module, or None when entered by hand
    due: date | None
    overdue_days: int  # 0 when not overdue
    licence: str | None

    @property
    def state(self) -> str:
        if self.last_period is None:
            return "no_figures"
        return "overdue" if self.overdue_days > 0 else "on_time"


def of_figures(stats: Iterable[Any], expected_days: int | None, today: date) -> Freshness:
    """The story of a set of figures (one series, or all of a source's)."""
    last = None
    published: date | None = None
    retrieved: date | None = None
    collectors: set[str] = set()
    licence = None
    for stat in stats:
        key = (period_start(stat.period), stat.period)
        if last is None or key > last:
            last, licence = key, stat.provenance.licence
        pub, got = _day(stat.provenance.published), _day(stat.provenance.retrieved)
        published = max(filter(None, (published, pub)), default=None)
        retrieved = max(filter(None, (retrieved, got)), default=None)
        who = str(stat.provenance.collected_by)
        if who.startswith("collector:"):
            collectors.add(who.split(":", 1)[1])
    if last is None:
        return Freshness(None, None, None, None, None, 0, None)
    base = published or period_end(last[1])
    due = base + timedelta(days=expected_days) if expected_days else None
    overdue = (today - due).days if due and today > due else 0
    return Freshness(last[1], published, retrieved, ", ".join(sorted(collectors)) or None, due, overdue, licence)


def by_source(model: Any) -> dict[str, Freshness]:
    """Every source's story, from all its figures (one pass over the statistics)."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    for stat in model.ds.statistics.values():
        grouped[stat.source].append(stat)
    return {sid: of_figures(grouped.get(sid, []), expected_days(source), model.today)
            for sid, source in model.sources.items()}


def expected_days(source: Any) -> int | None:
    """Days until the next release is due; None for an irregular source (nothing is ever overdue there)."""
    if getattr(source.cadence, "value", source.cadence) == "irregular":
        return None
    return int(source.expected_update_days)


def story(t: Translator, fresh: Freshness) -> str:
    """The story in one sentence of the page's language."""
    if fresh.last_period is None:
        return t("fresh.no_figures")
    parts = [t("fresh.last_period", period=fresh.last_period)]
    if fresh.published:
        parts.append(t("fresh.published", day=fresh.published.isoformat()))
    if fresh.retrieved:
        parts.append(t("fresh.retrieved_collector", day=fresh.retrieved.isoformat(), collector=fresh.by_collector)
                     if fresh.by_collector else t("fresh.retrieved_hand", day=fresh.retrieved.isoformat()))
    text = ", ".join(parts) + "."
    if fresh.due:
        text += " " + (t("fresh.overdue", day=fresh.due.isoformat(), days=fresh.overdue_days) if fresh.overdue_days
                       else t("fresh.due", day=fresh.due.isoformat()))
    return text


def template_globals(model: Any, t: Translator) -> dict[str, Any]:
    """``freshness(stats, source_id)`` for a chart, ``fresh_story(freshness)`` for any story."""
    sources: dict[str, Freshness] = {}

    def of_chart(stats: list[Any], source_id: str) -> Freshness:
        # The series' own period and dates; whether the next release is overdue is the source's matter (a
        # series that ended because its provider left the market is not overdue).
        if not sources:
            sources.update(by_source(model))
        mine = of_figures(stats, None, model.today)
        src = sources.get(source_id)
        return replace(mine, due=src.due, overdue_days=src.overdue_days) if src else mine

    return {"freshness": of_chart, "fresh_story": lambda fresh: story(t, fresh)}
