"""The pledge watcher as a collector (``collector: pledge_watch``): every pledge with a page is watched.

The pages are derived from the pledges, never listed by hand: each pledge's ``provenance.url``. In a
real run each distinct address is fetched once (the ~300 FCA DISP rule pledges share one Handbook
page); with ``--endpoint URL`` each pledge's page is fetched from ``URL/<pledge id>`` (a mirror, a
test server). Fetches go through the shared HTTP helper (robots.txt, per-host spacing, retries,
conditional requests, deadlines, size caps, address checks); one page failing never stops the others.
A pledge whose recorded wording and page are unchanged (304) keeps its state.

params (all optional): ``archive: false`` turns the archived-copy look-up off for this source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import models as m
from ..collect.common import CollectError, Context, Record, Response
from ..collect.http import FetchError, Validator
from . import archive
from .classify import Page, judge, read_page
from .models import Watch
from .state import next_record, pledge_sha

ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


@dataclass
class Target:
    """One address to fetch and the pledges read from it."""

    url: str
    pledges: list[m.Pledge] = field(default_factory=list)
    error: FetchError | None = None


def watched(dataset) -> list[m.Pledge]:
    """Every pledge with a page address (all of them: ``provenance.url`` is required)."""
    return [p for _, p in sorted(dataset.pledges.items()) if p.provenance.url]


def targets(ctx: Context) -> list[Target]:
    by_url: dict[str, Target] = {}
    for pledge in watched(ctx.dataset):
        url = f"{ctx.base_url.rstrip('/')}/{pledge.id}" if ctx.rebased else pledge.provenance.url
        by_url.setdefault(url, Target(url)).pledges.append(pledge)
    return list(by_url.values())


def _conditional(ctx: Context, target: Target) -> Validator | None:
    """Ask "changed since?" only when every pledge on the page was checked against its current text."""
    records = ctx.dataset.records("watch")
    for pledge in target.pledges:
        record = records.get(pledge.id)
        if record is None or record.pledge_sha256 != pledge_sha(pledge) or record.url != target.url or record.error:
            return None
    return ctx.validators.get(target.url)


def load(ctx: Context) -> list[tuple[Target, Response]]:
    found = targets(ctx)
    if not found:
        raise CollectError("no pledge in data/pledges has a page address to watch")
    jobs = [(t.url, {"policy": ctx.policy, "validator": _conditional(ctx, t), "accept": ACCEPT}) for t in found]
    loaded = []
    for target, result in zip(found, ctx.http.fetch_many(jobs), strict=True):
        if isinstance(result, FetchError):
            # The runner keeps validators from responses; a failed fetch stands in as an empty one.
            target.error = result
            result = Response(url=target.url, status=result.status or 599)
        loaded.append((target, result))
    return loaded


def _publisher(ctx: Context, pledge: m.Pledge) -> str:
    return pledge.provenance.publisher


def process(ctx: Context, loaded: list[tuple[Target, Response]]) -> list[Record]:
    records: list[Record] = []
    previous: dict[str, Watch] = ctx.dataset.records("watch")
    failures = 0
    use_archive = archive.enabled(ctx.rebased) and ctx.params.get("archive", True) is not False
    for target, response in loaded:
        page: Page = read_page(target.url, None if target.error else response, target.error, ctx.limits)
        failures += page.network_error is not None
        copy = None
        if use_archive and page.response is not None and not page.response.not_modified and page.problem is None:
            copy = archive.archived_copy(ctx.http, page.response.final_url or target.url, ctx.policy)
        for pledge in target.pledges:
            verdict = judge(page, pledge.text, pledge.provenance.url, ctx.rebased)
            record = next_record(
                source=ctx.source, pledge=pledge, publisher=_publisher(ctx, pledge), page=page, verdict=verdict,
                previous=previous.get(pledge.id), today=ctx.today, archive_url=copy,
            )
            if record is not None:
                records.append(Record("watch", record))
    if loaded and failures == len(loaded):
        first = next(t.error for t, _ in loaded if t.error is not None)
        raise CollectError(f"no watched page could be fetched: {first.message}")
    return records
