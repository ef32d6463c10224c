"""The home page at a glance: how many promises are tracked and what became of them, and per board the
ranked providers first with the unrankable ones collapsed to one line each.

Counts come from the same latest verdicts the pledge pages show (``SiteModel.latest_verdict``), so the
summary and the pages can never disagree. The home page is capped per board (``HOME_ROWS``): at 10,000
providers it links to the sector pages instead of listing everybody.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from .i18n import Translator

# The verdicts in the order a reader scans them: the answer first, the "we cannot tell" kinds after.
SUMMARY_ORDER = ("kept", "partly-kept", "broken", "not-yet-rated", "no-data", "not-measurable")
# Rows of one board shown on the home page; the sector page has the full table.
HOME_ROWS = 10
HOME_UNRANKED = 10


class _Model(Protocol):  # what this module needs of SiteModel (kept structural so a split module still fits)
    providers: dict[str, Any]
    pledges_of: dict[str, list[Any]]

    def latest_verdict(self, pid: str) -> str: ...


@dataclass(frozen=True)
class Glance:
    """Promises tracked, and how many have each latest verdict."""

    tracked: int
    providers: int
    by_verdict: dict[str, int] = field(default_factory=dict)

    def items(self) -> list[tuple[str, int]]:
        return [(v, self.by_verdict.get(v, 0)) for v in SUMMARY_ORDER]


@dataclass(frozen=True)
class HomeBoard:
    """One board as the home page shows it: the top ranked rows, the not-ranked rows in one list."""

    board: dict[str, Any]
    ranked: list[dict[str, Any]]
    ranked_total: int
    unranked: list[dict[str, Any]]
    unranked_total: int


def glance(model: _Model) -> Glance:
    counts: Counter[str] = Counter()
    tracked = 0
    for pid in model.providers:
        for pledge in model.pledges_of.get(pid, []):
            counts[model.latest_verdict(pledge.id)] += 1
            tracked += 1
    return Glance(tracked=tracked, providers=len(model.providers), by_verdict=dict(counts))


def verdict_counts(model: _Model, provider_id: str) -> list[tuple[str, int]]:
    """(verdict, count) for one provider's pledges, in SUMMARY_ORDER, zero counts left out."""
    counts = Counter(model.latest_verdict(p.id) for p in model.pledges_of.get(provider_id, []))
    return [(v, counts[v]) for v in SUMMARY_ORDER if counts[v]]


def verdict_counts_text(model: _Model, t: Translator, provider_id: str) -> str:
    """ "0 kept · 1 no data published": "0 of 1" alone reads as a broken promise when nothing was measured."""
    parts = verdict_counts(model, provider_id)
    if not parts:
        return t("board.no_pledges")
    kept = dict(parts).get("kept", 0)
    words = [f"{kept} {t.term('verdict', 'kept')}"]
    words += [f"{n} {t.term('verdict', v)}" for v, n in parts if v != "kept"]
    return " · ".join(words)


def home_boards(boards: list[dict[str, Any]]) -> list[HomeBoard]:
    """Boards with at least one ranked provider, each cut to what the home page shows."""
    out = []
    for board in boards:
        ranked = [r for r in board["rows"] if r.get("rank") is not None]
        if not ranked:
            continue
        unranked = [r for r in board["rows"] if r.get("rank") is None]
        out.append(HomeBoard(board=board, ranked=ranked[:HOME_ROWS], ranked_total=len(ranked),
                             unranked=unranked[:HOME_UNRANKED], unranked_total=len(unranked)))
    return out


def template_globals(model: _Model, t: Translator) -> dict[str, Any]:
    """The names the templates use (one hook in the generator's common context)."""
    return {"verdict_counts_text": lambda pid: verdict_counts_text(model, t, pid)}
