"""Periods (`YYYY`, `YYYY-H1`, `YYYY-Q3`, `YYYY-MM`): parsing, ordering and series versions — the one place for them."""

from __future__ import annotations

from datetime import date

from . import models as m


def period_start(period: str) -> date:
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1)
    tail = period[5:]
    if tail[0] == "Q":
        return date(year, 3 * (int(tail[1]) - 1) + 1, 1)
    if tail[0] == "H":
        return date(year, 1 if tail[1] == "1" else 7, 1)
    return date(year, int(tail), 1)


def period_sort_key(period: str) -> tuple[date, int]:
    """Order periods by start, then shortest first (2024-Q1 before 2024-H1 before 2024)."""
    return period_start(period), -len(period)


def point_sort_key(point: m.Point) -> tuple:
    """Points are kept oldest first; the segments of one period in A–Z order."""
    return (*period_sort_key(point.period), (point.segment or "").lower())


