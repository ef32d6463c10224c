"""Scoring: pledge grades, verdicts per period, provider scores per sector, and the methodology page.

Public entry points:
- ``compute(dataset, today) -> Scoreboard`` (pure; ``Scoreboard.to_dict()`` is what the site consumes)
- ``methodology_markdown(lang="en") -> str`` (generated from ``method.py``, the one home of every constant)
- ``report.run_score(args)`` for ``pledges score``
"""

from __future__ import annotations

from .engine import PledgeResult, Scoreboard, compute
from .method import METHOD_VERSION


def methodology_markdown(lang: str = "en") -> str:
    from .methodology import methodology_markdown as _render

    return _render(lang)


__all__ = ["compute", "Scoreboard", "PledgeResult", "methodology_markdown", "METHOD_VERSION"]
