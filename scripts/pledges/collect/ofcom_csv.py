"""Ofcom telecoms and pay-TV complaints per 100,000 customers (quarterly, multi-table CSV).

Accepted layout (from the project's source notes; Ofcom's raw file was not seen first-hand):
several tables one after another, each

1. opened by a title row with a cell containing "per 100,000" and naming the service
   (Landline, Fixed broadband, Pay-monthly mobile, Pay TV — or the text after a colon);
2. then a row of quarter labels across the columns (``YYYY Qn``; ``Qn YYYY`` also read);
3. then one row per provider (name in the first column, a figure per quarter; blank or "-" = not
   published);
4. an "Industry average" row (stored as ``industry_average`` on each provider's figure) and
   rows starting with "Note", which are skipped, as are blank rows.

Anything else fails, naming what was expected and what was found.
params: ``base_url``; ``files: [{path}]`` or ``link_pattern``; the bounds on what a file may hold
(``max_rows``, ``max_columns``, ``max_cell_chars``, ``max_line_chars`` … — see ``common.Limits``).
"""

from __future__ import annotations

from collections.abc import Iterable

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

MODULE = "ofcom_csv"
# words in a table title → the service name stored on the statistics (first match wins)
SERVICES = {
    "pay-monthly mobile": "pay-monthly mobile",
    "pay monthly mobile": "pay-monthly mobile",
    "fixed broadband": "fixed broadband",
    "landline": "landline",
    "pay tv": "pay tv",
    "pay-tv": "pay tv",
    "mobile": "pay-monthly mobile",
    "broadband": "fixed broadband",
}


def service_of(title: str) -> str:
    text = cell(title).lower()
    for words, service in SERVICES.items():
        if words in text:
            return service
    if ":" in text:
        rest = text.split(":", 1)[1].strip(" .")
        if rest:
            return rest
    raise CollectError(f"cannot tell which service the table {title!r} is about — expected one of {', '.join(sorted(set(SERVICES.values())))} in its title")


def _quarter_labels(values: list[str], title: str, number: int, url: str) -> dict[int, str]:
    quarters = {i: q for i, v in enumerate(values) if i > 0 and (q := parse_quarter(v))}
    if not quarters:
        raise CollectError(
            f"expected a row of quarter labels like '2025 Q1' under the title {title!r} (line {number} of {url}); found {shown(values)}"
        )
    return quarters


def _read_row(current: dict, first: str, values: list[str], number: int, url: str) -> None:
    """One provider's (or the industry average's) figures per quarter of the current table."""
    target = current["average"] if first.lower().startswith("industry average") else current["rows"].setdefault(first, {})
    for index, period in current["quarters"].items():
        raw = values[index] if index < len(values) else ""
        value = parse_number(raw, f"{first!r}, {period} (line {number} of {url})")
        if value is None:
            continue
        if value < 0 or value > 100_000:
            raise CollectError(f"{first!r}, {period}: {value} complaints per 100,000 is out of range (line {number} of {url})")
        target[period] = value


def parse_tables(rows: Iterable[tuple[int, list[str]]], url: str) -> list[dict]:
    """The tables of the file from its (line number, row) pairs, read once, as they stream."""
    tables: list[dict] = []
    current: dict | None = None
    expect_labels = False
    for number, row in rows:
        values = [cell(v) for v in row]
        if not any(values):
            continue
        first = values[0]
        joined = ",".join(v for v in values if v)  # an unquoted title is split at its comma
        if "per 100,000" in joined.lower() or "per 100000" in joined.lower():
            title = joined
            current = {"title": title, "service": service_of(title), "quarters": {}, "rows": {}, "average": {}, "line": number}
            tables.append(current)
            expect_labels = True
            continue
        if current is None:
            raise CollectError(
                f"expected the first table to open with a title row containing 'per 100,000' in {url}; found line {number}: {shown(values)}"
            )
        if expect_labels:
            current["quarters"] = _quarter_labels(values, current["title"], number, url)
            expect_labels = False
            continue
        if not first.lower().startswith("note"):
            _read_row(current, first, values, number, url)
    if not tables:
        raise CollectError(f"expected tables opened by a title row containing 'per 100,000' in {url}; found none")
    for table in tables:
        if not table["rows"]:
            raise CollectError(f"the table {table['title']!r} (line {table['line']} of {url}) has no provider rows — the table is empty")
    return tables


def load(ctx: Context) -> list[tuple[str | None, Response]]:
    return load_files(ctx, "Ofcom complaints CSV files", accept="text/csv")


def parse(ctx: Context, _period: str | None, response: Response) -> list[Record]:
    rows = read_csv_rows(response, "Ofcom's complaints CSV", ctx.limits.budget(response.url))
    tables = parse_tables(rows, response.url)
    names = ctx.providers_by_name()
    records: list[Record] = []
    for table in tables:
        for name, values in table["rows"].items():
            provider = names.get(name)
            if provider is None:
                continue
            for period, value in sorted(values.items()):
                records.append(ctx.statistic(
                    response, provider=provider.id, metric=m.StatMetric.complaints_per_100k, period=period, value=value,
                    segment=table["service"], industry_average=table["average"].get(period),
                    note=f"table {table['title']!r}, row {name!r}, {period}; industry average from the 'Industry average' row",
                ))
    return records


process = per_file(parse)
