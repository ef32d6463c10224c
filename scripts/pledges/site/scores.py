"""Scores for the site, from the scoring module (issue 4): one call, the documented dict shape.

``pledges.scoring.compute(dataset, today).to_dict()`` and ``pledges.scoring.methodology_markdown(lang)``.
The templates read the dict defensively (``.get``), so a field the scoring module adds or drops never
breaks the build.
"""

from __future__ import annotations

import gc
from datetime import date
from typing import Any


def compute_scores(dataset, today: date) -> dict[str, Any]:
    from pledges import scoring

    # As in loading: scoring allocates about a million small objects and frees few until it ends, so the cyclic
    # collector would walk the growing heap again and again (70 % of the scoring time at 1,000 providers).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return scoring.compute(dataset, today).to_dict()
    finally:
        if enabled:
            gc.enable()


def methodology(lang: str) -> str | None:
    """The methodology page's Markdown, generated from the scoring constants."""
    from pledges import scoring

    return scoring.methodology_markdown(lang)
