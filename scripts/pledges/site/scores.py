"""Scores for the site, from the scoring module (issue 4): one call, the documented dict shape.

``pledges.scoring.compute(dataset, today).to_dict()`` and ``pledges.scoring.methodology_markdown(lang)``.
The templates read the dict defensively (``.get``), so a field the scoring module adds or drops never
breaks the build.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pledges.heap import collector_off


def compute_scores(dataset, today: date) -> dict[str, Any]:
    from pledges import scoring

    # about a million small objects, most of them kept in the scores (pledges.heap)
    with collector_off():
        return scoring.compute(dataset, today).to_dict()


def methodology(lang: str) -> str | None:
    """The methodology page's Markdown, generated from the scoring constants."""
    from pledges import scoring

    return scoring.methodology_markdown(lang)
