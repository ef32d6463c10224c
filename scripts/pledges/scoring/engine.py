"""`compute(dataset, today) -> Scoreboard`: grades, verdicts and provider scores. Pure: no I/O."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import models as m
from . import method as M
from .grades import Grade, grade_pledge
from .providers import Context, SectorScore, evaluate, evaluate_segment, rank
from .verdicts import PledgeVerdicts, community, pledge_verdicts, window


@dataclass
class PledgeResult:
    pledge: m.Pledge
    grade: Grade
    verdicts: PledgeVerdicts
    community: dict
    counts_for_provider: bool

    def to_dict(self) -> dict:
        return {
            "provider": self.pledge.provider,
            "title": self.pledge.title,
            "kind": self.pledge.kind.value,
            "grade": self.grade.grade,
            "points": self.grade.points,
            "criteria": [c.to_dict() for c in self.grade.criteria],
            "verdicts": [v.to_dict() for v in self.verdicts.verdicts],
            "latest": None if self.verdicts.latest is None else self.verdicts.latest.to_dict(),
            "community": dict(self.community),
            "counts_for_provider": self.counts_for_provider,
            "method_version": M.METHOD_VERSION,
        }


@dataclass
class Scoreboard:
    today: date
    method_version: str
    method_changes: list[dict]
    pledges: dict[str, PledgeResult] = field(default_factory=dict)
    providers: dict[str, dict[str, SectorScore]] = field(default_factory=dict)  # provider → sector → score
    scoreboards: list[dict] = field(default_factory=list)
    # product-group boards (FCA): {"id", "sector", "country", "segment", "source", "rows", "scores"}
    segment_boards: list[dict] = field(default_factory=list)
    # board id → why our order differs from the publisher's own rating (only where it does)
    board_notes: dict[str, dict] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method_version": self.method_version,
            "method_changes": [dict(c) for c in self.method_changes],
            "today": self.today.isoformat(),
            "pledges": {pid: self.pledges[pid].to_dict() for pid in sorted(self.pledges)},
            "providers": {
                pid: {"sectors": {sector: self.providers[pid][sector].to_dict() for sector in sorted(self.providers[pid])}}
                for pid in sorted(self.providers)
            },
            "scoreboards": [dict(b, rows=list(b["rows"])) for b in self.scoreboards],
            "segment_boards": [dict(b, rows=list(b["rows"])) for b in self.segment_boards],
            "board_notes": {key: dict(self.board_notes[key]) for key in sorted(self.board_notes)},
        }


def board_id(sector: str, country: str, segment: str | None = None) -> str:
    """Stable id (and page anchor) of a scoreboard: sector-country, or sector-segment-country."""
    parts = [sector] + ([segment] if segment else []) + [country]
    text = "-".join(parts).lower()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def publisher_order_note(ctx: Context, scores: list[SectorScore], weights: dict[str, float]) -> dict | None:
    """Where the publisher rates the providers itself (e.g. Citizens Advice stars), compare its order with ours.

    Returns the pairs ranked the other way round (ours above, theirs below), or None when the orders agree."""
    ranked = sorted((s for s in scores if s.rank is not None), key=lambda s: (s.rank, s.provider))
    for source_id, metric in sorted(M.PUBLISHER_RATINGS.items()):
        period = ctx.chosen_period(source_id, metric, -1)
        if period is None:
            continue
        rating: dict[str, float] = {}
        for s in ranked:
            for stat in ctx.groups.get((source_id, metric, None, period), []):
                if stat.provider == s.provider:
                    rating[s.provider] = stat.value
        rated = [s for s in ranked if s.provider in rating]
        pairs = [[a.provider, b.provider] for i, a in enumerate(rated) for b in rated[i + 1:]
                 if (a.rank or 0) < (b.rank or 0) and rating[a.provider] < rating[b.provider]]
        if len(rated) < 2 or not pairs:
            continue
        used = sorted({name for s in rated for name in s.effective_weights},
                      key=lambda name: (-weights[name], name))
        source = ctx.sources.get(source_id)
        return {"source": source_id, "publisher": source.publisher if source else source_id, "metric": metric.value,
                "period": period, "pairs": pairs[:3], "pair_count": len(pairs),
                "components": [{"name": name, "weight": weights[name]} for name in used],
                "ratings": {pid: rating[pid] for pid in sorted(rating)}}
    return None


def own_pledge(pledge: m.Pledge, today: date) -> bool:
    """Counts in its provider's score: not a proposal, and not ended before today."""
    if pledge.kind.value in M.NOT_PROVIDER_PROMISE:
        return False
    end = window(pledge)[1]
    return not (end and end < today)


def pledge_sectors(pledge: m.Pledge, provider: m.Provider) -> list[str]:
    """The provider's only sector; for a multi-sector provider the scheme's sector, else all its sectors."""
    sectors = sorted(s.value for s in provider.sectors)
    if len(sectors) > 1 and pledge.scheme and M.SCHEME_SECTORS.get(pledge.scheme) in sectors:
        return [M.SCHEME_SECTORS[pledge.scheme]]
    return sectors


def compute(dataset, today: date) -> Scoreboard:
    """Everything the site and `pledges score` show, from a loaded dataset."""
    providers: dict[str, m.Provider] = dataset.providers
    sources: dict[str, m.Source] = dataset.sources
    statistics: dict[str, m.Statistic] = dataset.statistics
    pledges: dict[str, m.Pledge] = dataset.pledges
    reports: dict[str, m.Report] = dataset.reports

    board = Scoreboard(today, M.METHOD_VERSION, [dict(c) for c in M.METHOD_CHANGES])

    stats_by_provider_metric: dict[str, dict[m.StatMetric, list[m.Statistic]]] = defaultdict(lambda: defaultdict(list))
    for sid in sorted(statistics):
        stat = statistics[sid]
        stats_by_provider_metric[stat.provider][stat.metric].append(stat)
    reports_by_pledge: dict[str, list[m.Report]] = defaultdict(list)
    for rid in sorted(reports):
        pledge_id = reports[rid].pledge
        if pledge_id is not None:  # a report about the provider, not one pledge, counts for no pledge
            reports_by_pledge[pledge_id].append(reports[rid])

    grades: dict[str, Grade] = {}
    verdicts: dict[str, PledgeVerdicts] = {}
    for pid in sorted(pledges):
        pledge = pledges[pid]
        grades[pid] = grade_pledge(pledge)
        verdicts[pid] = pledge_verdicts(pledge, stats_by_provider_metric.get(pledge.provider, {}), sources, today)
        board.pledges[pid] = PledgeResult(
            pledge, grades[pid], verdicts[pid], community(reports_by_pledge.get(pid, [])), own_pledge(pledge, today)
        )

    ctx = Context(providers, sources, statistics)
    own_by_sector = _own_pledges_by_sector(board, pledges, providers)
    _sector_boards(board, ctx, providers, own_by_sector, grades, verdicts, today)
    _segment_boards(board, ctx, providers, today)
    return board


def _own_pledges_by_sector(board: Scoreboard, pledges: dict[str, m.Pledge],
                           providers: dict[str, m.Provider]) -> dict[tuple[str, str], list[str]]:
    """(provider, sector) → the ids of the provider's own pledges that count in that sector."""
    own_by_sector: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pid in sorted(pledges):
        pledge = pledges[pid]
        provider = providers.get(pledge.provider)
        if board.pledges[pid].counts_for_provider and provider is not None:
            for sector in pledge_sectors(pledge, provider):
                own_by_sector[(pledge.provider, sector)].append(pid)
    return own_by_sector


def _sector_boards(board: Scoreboard, ctx: Context, providers: dict[str, m.Provider],
                   own_by_sector: dict[tuple[str, str], list[str]], grades: dict[str, Grade],
                   verdicts: dict[str, PledgeVerdicts], today: date) -> None:
    """Every provider scored in each of its sectors, and one ranked board per sector and country."""
    boards: dict[tuple[str, str], list[SectorScore]] = defaultdict(list)
    for prov_id in sorted(providers):
        provider = providers[prov_id]
        board.providers[prov_id] = {}
        for sector in sorted(s.value for s in provider.sectors):
            result = evaluate(ctx, provider, sector, own_by_sector.get((prov_id, sector), []), grades, verdicts, today)
            board.providers[prov_id][sector] = result
            boards[(sector, provider.country)].append(result)
    for sector, country in sorted(boards):
        rows = rank(boards[(sector, country)], f"{sector} ({country})")
        board.scoreboards.append({"sector": sector, "country": country, "rows": rows})
        note = publisher_order_note(ctx, boards[(sector, country)], M.WEIGHTS)
        if note:
            board.board_notes[board_id(sector, country)] = note


def _segment_boards(board: Scoreboard, ctx: Context, providers: dict[str, m.Provider], today: date) -> None:
    """Product-group boards: every provider with a figure of the group, by country."""
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (prov_id, segment), stats in ctx.by_provider_segment.items():
        if segment in M.SEGMENT_SECTORS and stats:
            members[(segment, providers[prov_id].country)].add(prov_id)
    for segment, country in sorted(members):
        sector = M.SEGMENT_SECTORS[segment]
        results = [evaluate_segment(ctx, providers[pid], segment, today) for pid in sorted(members[(segment, country)])]
        rows = rank(results, f"{segment} ({country})")
        bid = board_id(sector, country, segment)
        board.segment_boards.append({
            "id": bid, "sector": sector, "country": country, "segment": segment,
            "lead": M.LEAD_BOARD.get(country) == segment,
            "sources": sorted({s.source for pid in rows for s in ctx.by_provider_segment[(pid, segment)]}),
            "rows": rows, "scores": {r.provider: r.to_dict() for r in results},
        })
        note = publisher_order_note(ctx, results, M.PRODUCT_GROUP_WEIGHTS)
        if note:
            board.board_notes[bid] = note
