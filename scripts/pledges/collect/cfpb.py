"""CFPB Consumer Complaint Database: per provider and quarter, counts and response shares.

One aggregation query per provider per quarter (``size=0`` with ``company`` and
``date_received_min/max``; both dates inclusive), no paging. Read ``hits.total`` and the
``timely`` and ``company_response`` buckets (``aggregations.<f>.<f>.buckets``); the response
may or may not carry ``consumer_disputed`` (dropped by the API on 2026-06-02) — it is not used.
The last ``trailing_quarters`` complete quarters are pulled again on every run, because
complaints are published late and "In progress" later closes.

params: ``base_url``, ``trailing_quarters`` (default 4), ``include_current_quarter`` (default
false), ``min_interval_s`` (3.0 keeps within the API's 20 requests a minute); ``max_json_mb`` and
``max_json_depth`` bound one answer (see ``common.Limits``).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from .. import models as m
from ..dataset import figure_id, series_id
from .common import CollectError, Context, Record, Response, pct, read_json, shown
from .pipeline import per_file

MODULE = "cfpb"
RESPONSE_METRICS = {
    "Closed with monetary relief": m.StatMetric.closed_with_monetary_relief_pct,
    "Closed with non-monetary relief": m.StatMetric.closed_with_non_monetary_relief_pct,
    "Closed with explanation": m.StatMetric.closed_with_explanation_pct,
    "In progress": m.StatMetric.in_progress_pct,
}


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1) - timedelta(days=1)
    return start, end


def window(today: date, count: int, include_current: bool) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today)
    quarters = []
    if not include_current:
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    for _ in range(count):
        quarters.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return sorted(quarters)


def query_url(base_url: str, company: str, start: date, end: date) -> str:
    query = urlencode(
        [
            ("size", "0"),
            ("no_highlight", "true"),
            ("company", company),
            ("date_received_min", start.isoformat()),
            ("date_received_max", end.isoformat()),
        ]
    )
    return f"{base_url}{'&' if '?' in base_url else '?'}{query}"


def load(ctx: Context) -> list[tuple[tuple[str, str], Response]]:
    try:
        count = int(ctx.params.get("trailing_quarters", 4))
    except (TypeError, ValueError):
        raise CollectError("params.trailing_quarters must be a whole number of quarters, e.g. 4") from None
    if not 1 <= count <= 40:
        raise CollectError(f"params.trailing_quarters is {count}; use 1 to 40")
    quarters = window(ctx.today, count, bool(ctx.params.get("include_current_quarter", False)))
    names = ctx.providers_by_name()
    if not names:
        raise CollectError(
            f"no provider names this source: add `source_names: [{{source: {ctx.source.id}, name: <CFPB company>}}]` to a provider"
        )
    jobs: list[tuple[tuple[str, str], str]] = []
    for name, provider in sorted(names.items(), key=lambda item: item[1].id):
        for year, quarter in quarters:
            start, end = quarter_bounds(year, quarter)
            jobs.append(((provider.id, f"{year}-Q{quarter}"), query_url(ctx.base_url, name, start, end)))
    responses = ctx.fetch_many([url for _, url in jobs], accept="application/json")
    return [(key, response) for (key, _), response in zip(jobs, responses, strict=True)]


def buckets(aggregations: dict, name: str, url: str) -> dict[str, int]:
    node = aggregations.get(name)
    inner = node.get(name, node) if isinstance(node, dict) else None
    items = inner.get("buckets") if isinstance(inner, dict) else None
    if not isinstance(items, list):
        found = "no such aggregation" if name not in aggregations else f"{repr(node)[:80]}"
        raise CollectError(
            f"expected aggregations.{name}.{name}.buckets (a list) in the CFPB response from {url}; found {found} "
            f"(aggregations present: {shown(aggregations)}) — the API's format may have changed"
        )
    result: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict) or "key" not in item or "doc_count" not in item:
            raise CollectError(f"expected {{key, doc_count}} buckets in aggregations.{name} from {url}; found {repr(item)[:80]}")
        count = item["doc_count"]
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise CollectError(
                f"expected a whole, non-negative doc_count in aggregations.{name} bucket {item['key']!r} from {url}; "
                f"found {count!r} — value out of range"
            )
        key = str(item["key"])
        if key in result:
            raise CollectError(f"aggregations.{name} from {url} has the bucket {key!r} twice — the API's format may have changed")
        result[key] = count
    return result


def total_of(data: dict, url: str) -> int:
    hits = data.get("hits")
    total = hits.get("total") if isinstance(hits, dict) else None
    relation = "eq"
    if isinstance(total, dict):
        relation = total.get("relation", "eq")
        total = total.get("value")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise CollectError(
            f"expected hits.total.value (a count) in the CFPB response from {url}; found "
            f"{repr(hits.get('total') if isinstance(hits, dict) else hits)[:80]}"
        )
    if relation != "eq":
        # A lower bound only: the aggregation's own doc_count is exact.
        timely = (data.get("aggregations") or {}).get("timely") or {}
        if isinstance(timely.get("doc_count"), int):
            return timely["doc_count"]
        raise CollectError(f"hits.total is only a lower bound ({relation}) in the response from {url} — cannot compute shares")
    return total


TIMELY_KEYS = ("Yes", "No")


def _aggregations(data: Any, url: str) -> tuple[int, dict]:
    """hits.total and the aggregations object of a CFPB answer, or a CollectError saying what was found."""
    if not isinstance(data, dict):
        raise CollectError(f"expected a JSON object from {url}; found {type(data).__name__}")
    if data.get("timed_out") is True:
        raise CollectError(
            f'expected "timed_out": false in the CFPB response from {url}; found true — the search stopped early, '
            "so its counts are partial; the next scheduled run will try again"
        )
    total = total_of(data, url)
    if "aggregations" not in data:
        raise CollectError(f"expected `aggregations` in the CFPB response from {url}; found only the keys {shown(data)}")
    aggregations = data["aggregations"]
    if not isinstance(aggregations, dict):
        raise CollectError(
            f"expected `aggregations` to be an object in the CFPB response from {url}; found {json.dumps(aggregations)[:80]} "
            "— the API's format may have changed"
        )
    return total, aggregations


def _check_empty(ctx: Context, provider: str, period: str, aggregations: dict, url: str) -> None:
    stored = ctx.dataset.statistics.get(figure_id(series_id(provider, ctx.source.id, m.StatMetric.complaints_count.value), period))
    if stored is not None and stored.value > 0:
        raise CollectError(
            f"expected complaints for {provider} in {period} (the stored count is {stored.value:,.0f}); found hits.total 0 "
            f"in {url} — a table that suddenly has no rows looks like a changed company name or a broken query; "
            "check the provider's source_names"
        )
    # nothing to share out: an empty answer is consistent only when every bucket is empty too
    for name in ("timely", "company_response"):
        counted = sum(buckets(aggregations, name, url).values()) if name in aggregations else 0
        if counted:
            raise CollectError(
                f"expected empty aggregations.{name} buckets when hits.total is 0 in {url}; found {counted:,} "
                "complaints counted — the response contradicts itself"
            )


def _checked_buckets(aggregations: dict, total: int, url: str) -> tuple[dict[str, int], dict[str, int]]:
    """The timely and company_response buckets, checked against hits.total."""
    timely = buckets(aggregations, "timely", url)
    answers = buckets(aggregations, "company_response", url)
    for name, counts in (("timely", timely), ("company_response", answers)):
        if not counts:
            raise CollectError(
                f"expected aggregations.{name} buckets that count the {total:,} complaints in {url}; found no buckets"
            )
        for key, count in counts.items():
            if count > total:
                raise CollectError(
                    f"bucket {name}={key!r} counts {count:,} complaints, more than the total {total:,} in {url} — value out of range"
                )
    unknown = [key for key in timely if key not in TIMELY_KEYS]
    if unknown:
        raise CollectError(
            f'expected timely buckets "Yes" and "No" in {url}; found {shown(timely)} — the API\'s format may have changed'
        )
    answered = timely.get("Yes", 0) + timely.get("No", 0)
    if answered != total:
        raise CollectError(
            f'expected timely "Yes" + "No" = hits.total ({total:,}) in {url}; found {timely.get("Yes", 0):,} + '
            f'{timely.get("No", 0):,} = {answered:,} — value out of range'
        )
    responded = sum(answers.values())
    if responded > total:
        raise CollectError(
            f"expected company_response buckets to add up to at most hits.total ({total:,}) in {url}; found {responded:,} — value out of range"
        )
    return timely, answers


def parse(ctx: Context, provider: str, period: str, response: Response) -> list[Record]:
    url = response.url
    total, aggregations = _aggregations(read_json(response, ctx.limits.budget(url)), url)
    if total == 0:
        _check_empty(ctx, provider, period, aggregations, url)
        timely: dict[str, int] = {}
        answers: dict[str, int] = {}
    else:
        timely, answers = _checked_buckets(aggregations, total, url)
    records = [
        ctx.statistic(
            response, provider=provider, metric=m.StatMetric.complaints_count, period=period, value=total,
            note="hits.total.value of a size=0 query filtered by company and date received",
        )
    ]
    if total == 0:
        return records
    records.append(
        ctx.statistic(
            response, provider=provider, metric=m.StatMetric.timely_response_pct, period=period,
            value=pct(timely.get("Yes", 0), total), sample_size=total,
            note='timely "Yes" bucket / hits.total.value × 100',
        )
    )
    for key, metric in RESPONSE_METRICS.items():
        records.append(
            ctx.statistic(
                response, provider=provider, metric=metric, period=period,
                value=pct(answers.get(key, 0), total), sample_size=total,
                note=f'company_response "{key}" bucket / hits.total.value × 100',
            )
        )
    return records


def _parse_job(ctx: Context, job: tuple[str, str], response: Response) -> list[Record]:
    provider, period = job
    return parse(ctx, provider, period, response)


process = per_file(_parse_job)
