"""Scores for the site, from the scoring module (issue 4), read defensively by the templates.

The contract: ``pledges.scoring.compute(dataset, today).to_dict()`` and
``pledges.scoring.methodology_markdown(lang)``. While that module does not exist yet, a
placeholder marks every pledge "not-yet-rated" and ranks nobody, so the site still builds.
"""

from __future__ import annotations

from datetime import date
from typing import Any

PLACEHOLDER_VERSION = "unscored"


def compute_scores(dataset, today: date) -> dict[str, Any]:
    try:
        from pledges import scoring  # noqa: PLC0415 — built in parallel (issue 4)
        compute = scoring.compute
    except (ImportError, AttributeError):
        return placeholder(dataset, today)
    result = compute(dataset, today)
    return result.to_dict() if hasattr(result, "to_dict") else dict(result)


def methodology(lang: str) -> str | None:
    """The methodology page's Markdown from the scoring module, or None if it is not there yet."""
    try:
        from pledges import scoring  # noqa: PLC0415
        return scoring.methodology_markdown(lang)
    except (ImportError, AttributeError):
        return None


def placeholder(dataset, today: date) -> dict[str, Any]:
    pledges = {
        pid: {"grade": None, "points": None, "criteria": [], "verdicts": [], "latest": None,
              "community": {"kept": 0, "partly-kept": 0, "broken": 0, "contributors": 0, "shown": False}}
        for pid in dataset.pledges
    }
    providers = {}
    for pid, provider in dataset.providers.items():
        providers[pid] = {"sectors": {
            sector.value: {"score": None, "rank": None, "tied": False, "rank_label": None,
                           "not_ranked_reason": "scores are not computed yet", "components": {},
                           "previous_score": None, "trend": None, "comparable_with_previous": True,
                           "complaint_rate_vs_average": None}
            for sector in provider.sectors
        }}
    boards: dict[tuple[str, str], list[str]] = {}
    for pid, provider in dataset.providers.items():
        for sector in provider.sectors:
            boards.setdefault((sector.value, provider.country), [])
    return {
        "method_version": PLACEHOLDER_VERSION, "method_changes": [], "today": today.isoformat(),
        "pledges": pledges, "providers": providers,
        "scoreboards": [{"sector": s, "country": c, "rows": rows} for (s, c), rows in sorted(boards.items())],
    }
