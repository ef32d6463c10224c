"""CFPB Consumer Complaint Database: per provider and quarter, counts and response shares.

One aggregation query per provider per quarter (``size=0`` with ``company`` and
``date_received_min/max``; both dates inclusive), no paging. Read ``hits.total`` and the
``timely`` and ``company_response`` buckets (``aggregations.<f>.<f>.buckets``); the response
may or may not carry ``consumer_disputed`` (dropped by the API on 2026-06-02) — it is not used.
The last ``trailing_quarters`` complete quarters are pulled again on every run, because
complaints are published late and "In progress" later closes.

params: ``base_url``, ``trailing_quarters`` (default 4), ``include_current_quarter`` (default
false), ``min_interval_s`` (3.0 keeps within the API's 20 requests a minute).
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from .. import models as m
from .common import CollectError, Context, Record, Response, pct, read_json, shown

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
    return [(key, response) for (key, _), response in zip(jobs, responses)]


def buckets(aggregations: dict, name: str, url: str) -> dict[str, int]:
    node = aggregations.get(name)
    inner = node.get(name, node) if isinstance(node, dict) else None
    items = inner.get("buckets") if isinstance(inner, dict) else None
    if not isinstance(items, list):
        raise CollectError(
            f"expected aggregations.{name}.{name}.buckets in the CFPB response from {url}; "
            f"found aggregations: {shown(aggregations) if isinstance(aggregations, dict) else repr(aggregations)[:80]}"
        )
    result: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("doc_count"), int) or "key" not in item:
            raise CollectError(f"expected {{key, doc_count}} buckets in aggregations.{name} from {url}; found {repr(item)[:80]}")
        result[str(item["key"])] = item["doc_count"]
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


def parse(ctx: Context, provider: str, period: str, response: Response) -> list[Record]:
    data = read_json(response)
    if not isinstance(data, dict):
        raise CollectError(f"expected a JSON object from {response.url}; found {type(data).__name__}")
    total = total_of(data, response.url)
    aggregations = data.get("aggregations")
    if not isinstance(aggregations, dict):
        raise CollectError(f"expected `aggregations` in the CFPB response from {response.url}; found keys {shown(data)}")
    timely = buckets(aggregations, "timely", response.url)
    answers = buckets(aggregations, "company_response", response.url)
    for name, counts in (("timely", timely), ("company_response", answers)):
        for key, count in counts.items():
            if count > total:
                raise CollectError(
                    f"bucket {name}={key!r} counts {count:,} complaints, more than the total {total:,} in {response.url} — value out of range"
                )
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


def process(ctx: Context, loaded: list[tuple[tuple[str, str], Response]]) -> list[Record]:
    records: list[Record] = []
    for (provider, period), response in loaded:
        if response.not_modified:
            continue
        records.extend(parse(ctx, provider, period, response))
    return records
