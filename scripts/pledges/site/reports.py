"""Service reports on the site: each report with the provider's replies beside it, counts and channel parity.

Counts and rates appear only from MIN_REPORT_CONTRIBUTORS distinct reporters on (the scoring method's own
constant: the same threshold as the pledge pages' community counts), per provider and per channel. Reports
never change a verdict: this module only reads them for display. A reply is "verified" only when the
account it came from is one the provider's record lists as its own (`reply_accounts`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .. import models as m
from ..dataset import Dataset
from ..intake.forms import repository_url
from ..scoring import method as M

OUTCOMES = tuple(member.value for member in m.Outcome)


def is_verified(response: m.Response, provider: m.Provider | None) -> bool:
    if provider is None or not response.reply_from:
        return False
    return response.reply_from.lower() in {entry.lower() for entry in provider.reply_accounts}


def form_link(template: str, **prefill: str) -> str:
    """A link that opens the issue form with its fields filled in (GitHub reads field ids as parameters)."""
    query = urlencode({"template": f"{template}.yml", **{k: v for k, v in prefill.items() if v}})
    return f"{repository_url()}/issues/new?{query}"


@dataclass(frozen=True)
class Reply:
    response: m.Response
    verified: bool


@dataclass(frozen=True)
class ReportView:
    report: m.Report
    provider: str
    replies: tuple[Reply, ...]

    @property
    def days(self) -> float | None:
        r = self.report
        if r.days_to_resolution is not None:
            return r.days_to_resolution
        return float((r.resolved - r.date).days) if r.resolved else None

    @property
    def is_resolved(self) -> bool:
        return self.report.resolved is not None or self.report.days_to_resolution is not None

    @property
    def links(self) -> list[str]:
        return ([self.report.evidence_url] if self.report.evidence_url else []) + list(self.report.evidence)


@dataclass(frozen=True)
class ChannelRow:
    channel: str
    reports: int
    reporters: int
    shown: bool
    resolved_pct: float | None
    median_days: float | None


@dataclass
class Summary:
    views: list[ReportView] = field(default_factory=list)
    reporters: int = 0
    shown: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    parity: list[ChannelRow] = field(default_factory=list)
    minimum: int = M.MIN_REPORT_CONTRIBUTORS


def _channel_rows(views: list[ReportView]) -> list[ChannelRow]:
    by_channel: dict[str, list[ReportView]] = defaultdict(list)
    for view in views:
        by_channel[view.report.channel.value].append(view)
    rows = []
    for channel in (member.value for member in m.Channel):
        group = by_channel.get(channel)
        if not group:
            continue
        reporters = len({v.report.who for v in group})
        shown = reporters >= M.MIN_REPORT_CONTRIBUTORS
        days = [v.days for v in group if v.days is not None]
        rows.append(ChannelRow(
            channel, len(group), reporters, shown,
            100.0 * sum(v.is_resolved for v in group) / len(group) if shown else None,
            float(statistics.median(days)) if shown and days else None,
        ))
    return rows


def summarise(views: list[ReportView]) -> Summary:
    reporters = len({v.report.who for v in views})
    shown = reporters >= M.MIN_REPORT_CONTRIBUTORS
    counts = {outcome: sum(v.report.outcome.value == outcome for v in views) for outcome in OUTCOMES}
    return Summary(views, reporters, shown, counts if shown else {}, _channel_rows(views) if shown else [])


class Reports:
    """Every report, newest first, indexed by provider and by pledge, each with its replies."""

    def __init__(self, dataset: Dataset):
        providers = dataset.providers
        replies: dict[str, list[Reply]] = defaultdict(list)
        self.replies_elsewhere: dict[str, list[Reply]] = defaultdict(list)
        for response in sorted(dataset.responses.values(), key=lambda r: (r.date, r.id)):
            reply = Reply(response, is_verified(response, providers.get(response.provider)))
            if response.report:
                replies[response.report].append(reply)
            self.replies_elsewhere[response.id].append(reply)
        self.all: list[ReportView] = []
        self._of_provider: dict[str, list[ReportView]] = defaultdict(list)
        self._of_pledge: dict[str, list[ReportView]] = defaultdict(list)
        for report in sorted(dataset.reports.values(), key=lambda r: (r.date, r.id), reverse=True):
            pledge = dataset.pledges.get(report.pledge) if report.pledge else None
            owner = report.provider or (pledge.provider if pledge else "")
            view = ReportView(report, owner, tuple(replies.get(report.id, ())))
            self.all.append(view)
            self._of_provider[owner].append(view)
            if report.pledge:
                self._of_pledge[report.pledge].append(view)

    def of_provider(self, provider_id: str) -> Summary:
        return summarise(self._of_provider.get(provider_id, []))

    def of_pledge(self, pledge_id: str) -> Summary:
        return summarise(self._of_pledge.get(pledge_id, []))

    def verified(self, response: m.Response) -> bool:
        return any(reply.verified for reply in self.replies_elsewhere.get(response.id, ()))
