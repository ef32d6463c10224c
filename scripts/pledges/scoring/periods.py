"""Periods (`YYYY`, `YYYY-H1`, `YYYY-Q3`, `YYYY-MM`) and series versions."""

from __future__ import annotations

from datetime import date, timedelta

from .. import models as m
from ..dataset import period_start


def period_end(period: str) -> date:
    """The last day of a period."""
    start = period_start(period)
    if len(period) == 4:
        months = 12
    elif period[5] == "Q":
        months = 3
    elif period[5] == "H":
        months = 6
    else:
        months = 1
    month = start.month - 1 + months
    year = start.year + month // 12
    return date(year, month % 12 + 1, 1) - timedelta(days=1)


def period_key(period: str) -> tuple:
    """Sort key: by start, then by end (a year sorts after its first quarter)."""
    return (period_start(period), period_end(period), period)


def series_version(stat: m.Statistic, source: m.Source | None) -> str | None:
    """The statistic's series version, or the one its source's method breaks give its period."""
    if stat.series_version:
        return stat.series_version
    if source is None or not source.method_breaks:
        return None
    start = period_start(stat.period)
    current = None
    for brk in sorted(source.method_breaks, key=lambda b: period_key(b.period)):
        if period_start(brk.period) <= start:
            current = brk.series_version
    return current
