"""Periods (`YYYY`, `YYYY-H1`, `YYYY-Q3`, `YYYY-MM`): parsing, ordering and series versions — the one place for them.

One order everywhere (checks, collectors, scoring, pages): by first day, then by last day, so a shorter period sorts
before a longer one starting the same day (2024-01 before 2024-Q1 before 2024-H1 before 2024).
"""

from __future__ import annotations

from datetime import date, timedelta

from . import models as m

_MONTHS = {"Q": 3, "H": 6}


def period_start(period: str) -> date:
    """The first day of a period."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1)
    tail = period[5:]
    if tail[0] == "Q":
        return date(year, 3 * (int(tail[1]) - 1) + 1, 1)
    if tail[0] == "H":
        return date(year, 1 if tail[1] == "1" else 7, 1)
    return date(year, int(tail), 1)


def period_end(period: str) -> date:
    """The last day of a period."""
    start = period_start(period)
    months = 12 if len(period) == 4 else _MONTHS.get(period[5], 1)
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def period_key(period: str) -> tuple[date, date, str]:
    """The sort key of a period (see the module docstring)."""
    return period_start(period), period_end(period), period


# The name the checks and collectors have used; the same key.
period_sort_key = period_key


def point_sort_key(point: m.Point) -> tuple[date, date, str, str]:
    """Points are kept oldest first; the segments of one period in A–Z order."""
    return (*period_key(point.period), (point.segment or "").lower())


def version_in_force(source: m.Source | None, period: str) -> str | None:
    """The method version in force for a period: that of the latest method break starting on or before it."""
    if source is None:
        return None
    start = period_start(period)
    current = None
    for brk in sorted(source.method_breaks, key=lambda b: period_key(b.period)):
        if period_start(brk.period) <= start:
            current = brk.series_version
    return current


def series_version(stat: m.Statistic, source: m.Source | None) -> str | None:
    """A figure's series version: its own, or the one its source's method breaks give its period."""
    return stat.series_version or version_in_force(source, stat.period)
