"""Moved to ``pledges.periods`` (the one periods module); these names stay importable from here."""

from ..periods import period_end, period_key, period_start, series_version

__all__ = ["period_end", "period_key", "period_start", "series_version"]
