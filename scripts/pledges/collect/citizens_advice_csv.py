"""Citizens Advice energy supplier star rating (quarterly CSV).

Accepted layout (the only one seen: a supplier × quarter panel, one row per supplier and quarter):

- the first non-blank row is the header; BOM, case and spaces are ignored;
- a supplier column: ``supplier`` / ``Supplier`` / ``Energy supplier``;
- a quarter column: ``quarter`` / ``Quarter``, values ``Q1 2026`` or ``2026 Q1``;
- one column per figure (each must be present; blank cells = not published):
  star rating (``star_rating``, ``Overall star rating``, ``Overall_Star_Rating``) → star-rating;
  call wait (``call_wait_s``, ``Call_Wait_Time_Seconds``, ``Average call wait time (seconds)``) → call-wait-seconds;
  email reply (``email_resp_pct``, ``Email_Response_Under_2_Days_Pct``, ``Emails responded to within 2 working days (%)``)
  → email-reply-2-working-days-pct; complaints (``complaints_per_10k``, ``Complaints_per_10k_Customers``,
  ``Complaints per 10,000 customers``) → complaints-per-10k.
  ``params.columns`` ({header: metric}) replaces this table of names.

params: ``base_url``; ``files: [{path}]`` or ``link_pattern``; the bounds on what a file may hold
(``max_rows``, ``max_columns``, ``max_cell_chars``, ``max_line_chars`` … — see ``common.Limits``).

Anything else fails, naming the columns expected and the columns found.
"""

from __future__ import annotations

from .. import models as m
from .common import (
    CollectError,
    Context,
    Record,
    Response,
    cell,
    load_files,
    parse_number,
    parse_quarter,
    read_csv_rows,
    shown,
)
from .pipeline import per_file

MODULE = "citizens_advice_csv"
SUPPLIER = ("supplier", "energy supplier", "supplier name")
QUARTER = ("quarter", "period")
DEFAULT_COLUMNS: dict[m.StatMetric, tuple[str, ...]] = {
    m.StatMetric.star_rating: ("star_rating", "overall star rating", "overall_star_rating", "star rating"),
    m.StatMetric.call_wait_seconds: ("call_wait_s", "call_wait_time_seconds", "average call wait time (seconds)"),
    m.StatMetric.email_reply_2_working_days_pct: (
        "email_resp_pct", "email_response_under_2_days_pct", "emails responded to within 2 working days (%)",
    ),
    m.StatMetric.complaints_per_10k: ("complaints_per_10k", "complaints_per_10k_customers", "complaints per 10,000 customers"),
}
LIMITS = {
    m.StatMetric.star_rating: (0, 5),
    m.StatMetric.call_wait_seconds: (0, 86_400),
    m.StatMetric.email_reply_2_working_days_pct: (0, 100),
    m.StatMetric.complaints_per_10k: (0, 10_000),
}


def column_map(ctx: Context) -> dict[m.StatMetric, tuple[str, ...]]:
    custom = ctx.params.get("columns")
    if not custom:
        return DEFAULT_COLUMNS
    result: dict[m.StatMetric, tuple[str, ...]] = {}
    for header, metric in dict(custom).items():
        try:
            result[m.StatMetric(metric)] = (cell(header).lower(),)
        except ValueError:
            raise CollectError(f"params.columns maps {header!r} to {metric!r}, which is not a statistic metric") from None
    return result


def load(ctx: Context) -> list[tuple[str | None, Response]]:
    return load_files(ctx, "Citizens Advice star-rating CSV files", accept="text/csv")


def _columns(ctx: Context, raw_header: list[str], url: str) -> tuple[int, int, dict[m.StatMetric, int]]:
    """The supplier, quarter and metric columns of the header, or a CollectError naming the missing ones."""
    header = [cell(v).lower() for v in raw_header]

    def find(names: tuple[str, ...]) -> int | None:
        return next((header.index(n) for n in names if n in header), None)

    supplier_col, quarter_col = find(SUPPLIER), find(QUARTER)
    columns = column_map(ctx)
    found = {metric: find(names) for metric, names in columns.items()}
    missing = [names[0] for metric, names in columns.items() if found[metric] is None]
    if supplier_col is None:
        missing.insert(0, "supplier")
    if quarter_col is None:
        missing.insert(1 if supplier_col is None else 0, "quarter")
    if missing or supplier_col is None or quarter_col is None:
        raise CollectError(
            f"expected columns {shown(missing)} in the header of {url}; found columns {shown(raw_header, 20)}"
        )
    return supplier_col, quarter_col, {metric: col for metric, col in found.items() if col is not None}


def parse(ctx: Context, _period: str | None, response: Response) -> list[Record]:
    # Streamed: the header is the first non-blank row, each later row is turned into records as it comes.
    rows = ((line, r) for line, r in read_csv_rows(response, "a Citizens Advice star-rating CSV", ctx.limits.budget(response.url))
            if any(cell(v) for v in r))
    first = next(rows, None)
    if first is None:
        raise CollectError(f"expected a header row in {response.url}; found an empty file")
    raw_header = first[1]
    supplier_col, quarter_col, metric_cols = _columns(ctx, raw_header, response.url)
    names = ctx.providers_by_name()
    records: list[Record] = []
    seen = False
    for line, row in rows:
        seen = True
        values = [cell(v) for v in row]
        supplier = values[supplier_col] if supplier_col < len(values) else ""
        period = parse_quarter(values[quarter_col] if quarter_col < len(values) else "")
        if not period:
            raise CollectError(f"expected a quarter like 'Q1 2026' in column {raw_header[quarter_col]!r}, line {line} of {response.url}; found {values[quarter_col] if quarter_col < len(values) else ''!r}")
        provider = names.get(supplier)
        if provider is None:
            continue
        for metric, col in metric_cols.items():
            value = parse_number(values[col] if col < len(values) else None, f"{supplier!r} {period} {raw_header[col]!r}")
            if value is None:
                continue
            low, high = LIMITS[metric]
            if not low <= value <= high:
                raise CollectError(f"{supplier!r} {period}: {raw_header[col]!r} is {value}, outside {low}–{high} — value out of range")
            records.append(ctx.statistic(response, provider=provider.id, metric=metric, period=period, value=value,
                                         note=f"column {cell(raw_header[col])!r}, supplier {supplier!r}"))
    if not seen:
        raise CollectError(f"{response.url} has a header but no supplier rows — the table is empty")
    return records


process = per_file(parse)
