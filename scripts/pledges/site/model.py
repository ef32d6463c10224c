"""The language-neutral site model: the data and the scores indexed the way the pages, tables and feeds read
them, computed once and shared by both languages (the worker processes fork after it is built)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pledges.dataset import Dataset

from .markup import day, period_key, val


class SiteModel:
    """Everything the templates need, computed once for both languages."""

    def __init__(self, dataset: Dataset, scores: dict, today: date, version: str, site_url: str | None):
        self.ds = dataset
        self.scores = scores or {}
        self.today = today
        self.version = version
        self.site_url = (site_url.rstrip("/") + "/") if site_url else None
        self.providers = dict(sorted(dataset.providers.items(), key=lambda kv: (kv[1].name.lower(), kv[0])))
        self.pledges = dataset.pledges
        self.sources = dataset.sources
        self.status = dataset.status
        self.pledge_scores = self.scores.get("pledges") or {}
        self.provider_scores = self.scores.get("providers") or {}
        self.method_version = str(self.scores.get("method_version") or "unknown")

        self._segment_scores: dict[str, list[tuple[dict, dict]]] | None = None
        self._index_providers_and_pledges(dataset)
        self._index_statistics(dataset)
        self._index_replies_and_reports(dataset)
        self.owner_of_record = self._owners(dataset)
        from .reports import Reports

        self.reports = Reports(dataset)  # service reports with their replies, counts and channel parity
        from .feeds import feed_entries

        self.entries = feed_entries(self)
        self.entries_of: dict[str, list] = defaultdict(list)
        for entry in self.entries:
            for owner in entry.providers:
                self.entries_of[owner].append(entry)
        self.boards = self._scoreboards()

    # ---- indexes (built once in __init__)

    def _index_providers_and_pledges(self, dataset: Dataset) -> None:
        # provider → (predecessor, its event): "took over Bulb Energy on 2022-12-20" on the successor's page
        self.predecessors: dict[str, list] = defaultdict(list)
        for provider in dataset.providers.values():
            for event in provider.events:
                if event.successor:
                    self.predecessors[event.successor].append((provider, event))
        self.pledges_of: dict[str, list] = defaultdict(list)
        for pledge in sorted(dataset.pledges.values(), key=lambda p: (p.title.lower(), p.id)):
            self.pledges_of[pledge.provider].append(pledge)

    def _index_statistics(self, dataset: Dataset) -> None:
        self.series_of: dict[str, dict[tuple, list]] = defaultdict(lambda: defaultdict(list))
        self.stats_by_metric: dict[str, list] = defaultdict(list)
        for stat in dataset.statistics.values():
            self.series_of[stat.provider][(val(stat.metric), stat.segment or "")].append(stat)
            self.stats_by_metric[val(stat.metric)].append(stat)
        for series in self.series_of.values():
            for stats in series.values():
                stats.sort(key=lambda s: period_key(s.period))

    def _index_replies_and_reports(self, dataset: Dataset) -> None:
        self.responses_of: dict[str, list] = defaultdict(list)
        self.responses_of_pledge: dict[str, list] = defaultdict(list)
        for response in sorted(dataset.responses.values(), key=lambda r: (r.date, r.id)):
            self.responses_of[response.provider].append(response)
            if response.pledge:
                self.responses_of_pledge[response.pledge].append(response)
        self.reports_of: dict[str, list] = defaultdict(list)
        for report in sorted(dataset.reports.values(), key=lambda r: (r.date, r.id), reverse=True):
            if report.pledge is not None:
                self.reports_of[report.pledge].append(report)

    @staticmethod
    def _owners(dataset: Dataset) -> dict[str, str]:
        """Record id → the provider it belongs to (a correction's feed goes to its records' providers)."""
        owners: dict[str, str] = {pid: pid for pid in dataset.providers}
        owners.update((pledge.id, pledge.provider) for pledge in dataset.pledges.values())
        owners.update((stat.id, stat.provider) for stat in dataset.statistics.values())
        owners.update((response.id, response.provider) for response in dataset.responses.values())
        for report in dataset.reports.values():
            if report.pledge in dataset.pledges:
                owners[report.id] = dataset.pledges[report.pledge].provider
            elif report.provider:
                owners[report.id] = report.provider
        return owners

    # ---- pledges and scores

    def pledge_score(self, pid: str) -> dict:
        return self.pledge_scores.get(pid) or {}

    def latest_verdict(self, pid: str) -> str:
        score = self.pledge_score(pid)
        latest = score.get("latest") or {}
        if latest.get("verdict"):
            return latest["verdict"]
        verdicts = score.get("verdicts") or []
        return verdicts[-1].get("verdict", "not-yet-rated") if verdicts else "not-yet-rated"

    def kept_count(self, provider_id: str) -> tuple[int, int]:
        pledges = self.pledges_of.get(provider_id, [])
        return sum(1 for p in pledges if self.latest_verdict(p.id) == "kept"), len(pledges)

    def sector_score(self, provider_id: str, sector: str) -> dict:
        return ((self.provider_scores.get(provider_id) or {}).get("sectors") or {}).get(sector) or {}

    def segment_scores(self, provider_id: str) -> list[tuple[dict, dict]]:
        """(product-group board, this provider's score on it) for every board the provider is on."""
        if self._segment_scores is None:
            index: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
            for board in self.scores.get("segment_boards") or []:
                for pid, score in (board.get("scores") or {}).items():
                    index[pid].append((board, score))
            self._segment_scores = index
        return self._segment_scores.get(provider_id, [])

    def _board_row(self, key: tuple, pid: str, score: dict, is_ranked: bool, board: str, segment: str | None) -> dict:
        kept, total = self.kept_count(pid)
        return {
            "board": board, "sector": key[0], "segment": segment, "country": key[1], "provider": pid,
            "provider_name": self.providers[pid].name,
            "rank": score.get("rank") if is_ranked else None,
            "rank_label": (score.get("rank_label") or (str(score.get("rank")) if is_ranked else None)),
            "tied": bool(score.get("tied")) if is_ranked else False,
            "score": score.get("score"),
            "pledges_kept": kept, "pledges_total": total,
            "complaint_rate_vs_average": score.get("complaint_rate_vs_average"),
            "trend": score.get("trend"),
            "comparable_with_previous": score.get("comparable_with_previous"),
            "previous_score": score.get("previous_score"),
            "not_ranked_reason": None if is_ranked else score.get("not_ranked_reason"),
            "method_version": self.method_version,
        }

    def _scoreboards(self) -> list[dict]:
        """Sector boards and product-group boards; each country's lead board (e.g. UK banks, FCA) first."""
        notes = self.scores.get("board_notes") or {}
        boards = []
        listed: dict[tuple, list[str]] = {}
        for board in self.scores.get("scoreboards") or []:
            key = (board.get("sector"), board.get("country"))
            listed[key] = [pid for pid in board.get("rows") or [] if pid in self.providers]
        members: dict[tuple, list[str]] = defaultdict(list)
        for pid, provider in self.providers.items():
            for sector in provider.sectors:
                members[(val(sector), provider.country)].append(pid)
        for key in sorted(set(listed) | set(members), key=lambda k: (str(k[0]), str(k[1]))):
            ranked = listed.get(key, [])
            unranked = [pid for pid in members.get(key, []) if pid not in ranked]
            bid = f"{key[0]}-{str(key[1]).lower()}"  # the page anchor, as before product-group boards
            rows = []
            for pid in ranked + unranked:
                score = self.sector_score(pid, key[0])
                is_ranked = pid in ranked and score.get("rank") is not None
                rows.append(self._board_row(key, pid, score, is_ranked, bid, None))
            boards.append({"id": bid, "sector": key[0], "country": key[1], "segment": None, "sources": [],
                           "lead": False, "note": notes.get(bid), "rows": rows})
        for board in self.scores.get("segment_boards") or []:
            key, scores = (board.get("sector"), board.get("country")), board.get("scores") or {}
            rows = []
            for pid in board.get("rows") or []:
                if pid in self.providers:
                    score = scores.get(pid) or {}
                    rows.append(self._board_row(key, pid, score, score.get("rank") is not None, board.get("id"),
                                                board.get("segment")))
            boards.append({"id": board.get("id"), "sector": key[0], "country": key[1], "segment": board.get("segment"),
                           "sources": list(board.get("sources") or []), "lead": bool(board.get("lead")),
                           "note": notes.get(board.get("id")), "rows": rows})
        return sorted(boards, key=lambda b: not b["lead"])  # stable: otherwise the order above

    # ---- dates

    def provider_name(self, provider_id: str) -> str:
        """The provider's name, or its id when no record has it (a figure may name a provider not loaded)."""
        found = self.providers.get(provider_id)
        return found.name if found else provider_id

    def as_of_provider(self, provider_id: str) -> date | None:
        days = [day(self.providers[provider_id].provenance.retrieved)]
        for pledge in self.pledges_of.get(provider_id, []):
            days.append(day(pledge.provenance.retrieved))
        for stats in self.series_of.get(provider_id, {}).values():
            days.extend(day(s.provenance.retrieved) for s in stats)
        for response in self.responses_of.get(provider_id, []):
            days.append(response.date)
        known = [d for d in days if d]
        return max(known) if known else None

    def as_of_pledge(self, pledge) -> date | None:
        days = [day(pledge.provenance.retrieved)] + [r.date for r in self.responses_of_pledge.get(pledge.id, [])]
        days += [r.reported for r in self.reports_of.get(pledge.id, [])]
        known = [d for d in days if d]
        return max(known) if known else None

    # ---- the changelog (built from the feed entries: one place for "what changed when")

    def changelog_rows(self) -> list[dict]:
        from .feeds import changelog_rows

        return changelog_rows(self)

    # ---- sources

    def source_rows(self) -> list[dict]:
        rows = []
        for sid, source in sorted(self.sources.items()):
            status = self.status.get(sid)
            last = day(status.last_success) if status and status.last_success else None
            age = (self.today - last).days if last else None
            if source.collector is None:
                state = "no_collector"
            elif status is None or last is None:
                state = "failing" if status and status.last_error else "stale"
            elif status.consecutive_failures and status.last_error:
                state = "failing" if age is not None and age > source.expected_update_days else "fresh"
            else:
                state = "stale" if age is not None and age > source.expected_update_days else "fresh"
            rows.append({
                "source": sid, "name": source.name, "publisher": source.publisher, "url": source.url,
                "licence": source.licence, "cadence": val(source.cadence),
                "expected_update_days": source.expected_update_days,
                "last_success": status.last_success.isoformat() if status and status.last_success else None,
                "last_attempt": status.last_attempt.isoformat() if status and status.last_attempt else None,
                "age_days": age, "state": state,
                "last_error": status.last_error if status else None,
                "consecutive_failures": status.consecutive_failures if status else 0,
                "method_breaks": source.method_breaks,
            })
        return rows

    # ---- statistics series

    def sorted_series(self, provider_id: str) -> list[tuple[tuple, list]]:
        return sorted(self.series_of.get(provider_id, {}).items())

    @staticmethod
    def latest_per_series(stats: list) -> list:
        latest: dict[tuple, Any] = {}
        for stat in stats:
            key = (stat.provider, stat.segment or "")
            if key not in latest or period_key(stat.period) > period_key(latest[key].period):
                latest[key] = stat
        return sorted(latest.values(), key=lambda s: (s.provider, s.segment or ""))

