"""Financial Ombudsman Service business complaint data (XLSX, half-yearly).

Per business (matched on Provider.source_names): new cases (ombudsman-new-cases) from sheet
"New cases" and the share of cases upheld (ombudsman-upheld-pct) from sheet "Resolved cases".
"New cases" has two header rows with the categories on the second: the header row is the first
row (of the first 30) whose first cell names the business ("Business name" / "Business"); new
cases are its "Total" column, or the sum of the category columns when there is none.
"Resolved cases" has a header row with the business column and "% of cases upheld" (a proportion
0–1, or a percentage string). Rows "TOTALS", "Total (45/ 45 Threshold)" (any row starting with
"total") and footnote rows starting with "*" are skipped. No real FOS workbook was available:
the layout follows the project's source notes and the tests use a synthetic workbook of that layout.

params: ``base_url``; ``files: [{path, period}]`` or ``link_pattern`` (+ ``latest``); the bounds on
what a workbook may hold (``max_rows``, ``max_columns``, ``max_cell_chars``, ``max_part_mb`` … — see
``common.Limits``).
"""

from __future__ import annotations

import itertools

from .. import models as m
from .common import (
    Budget,
    CollectError,
    Context,
    Record,
    Response,
    cell,
    fraction_to_pct,
    load_files,
    norm,
    open_workbook,
    parse_number,
    sheet_rows,
    shown,
)
from .pipeline import per_file

MODULE = "fos_xlsx"
HEADER_SCAN_ROWS = 30
BUSINESS_HEADERS = ("business name", "business", "financial business", "business name (legal entity)")
UPHELD_HEADERS = ("% of cases upheld", "% upheld", "percentage of cases upheld")


def _skip(name: str) -> bool:
    text = name.lower()
    return not text or text.startswith("*") or text.startswith("total")


def _header(rows, sheet: str, url: str):
    """(header, business column, data rows). With two header rows the last one naming the business wins."""
    buffered = []
    for _ in range(HEADER_SCAN_ROWS):
        row = next(rows, None)
        if row is None:
            break
        buffered.append(row)
    found = None
    for index, row in enumerate(buffered):
        values = [cell(v) for v in row]
        names = [i for i, v in enumerate(values) if v.lower() in BUSINESS_HEADERS]
        if names:
            found = (index, values, names[0])
        elif found is not None:
            break
    if found is None:
        first = buffered[0] if buffered else []
        raise CollectError(f"expected a header row naming the business ('Business name') in sheet {sheet!r} of {url}; found first row {shown(first)}")
    index, values, name_col = found
    return values, name_col, itertools.chain(buffered[index + 1:], rows)


def _open_table(workbook, wanted: str, url: str, budget: Budget):
    """(sheet name, header, column of the business name, the rows under the header) of one sheet."""
    sheet = _find_sheet(workbook, wanted, url)
    header, name_col, rows = _header(sheet_rows(workbook, sheet, budget), sheet, url)
    return sheet, header, name_col, rows


def read_new_cases(workbook, url: str, budget: Budget) -> dict[str, float]:
    sheet, header, name_col, rows = _open_table(workbook, "new cases", url, budget)
    lower = [h.lower() for h in header]
    total_col = next((i for i, h in enumerate(lower) if h in ("total", "total new cases", "new cases")), None)
    category_cols = [i for i, h in enumerate(header) if h and i != name_col and i != total_col]
    if total_col is None and not category_cols:
        raise CollectError(f"expected a 'Total' or category columns in sheet {sheet!r} of {url}; found columns {shown(header)}")
    table: dict[str, float] = {}
    for row in rows:
        name = cell(row[name_col]) if row and name_col < len(row) else ""
        if _skip(name):
            continue
        if total_col is not None:
            value = parse_number(row[total_col] if total_col < len(row) else None, f"new cases of {name!r}")
        else:
            parts = [parse_number(row[i] if i < len(row) else None, f"new cases of {name!r}") for i in category_cols]
            value = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
        if value is not None:
            table[name] = value
    if not table:
        raise CollectError(f"sheet {sheet!r} of {url} has a header but no business rows — the table is empty")
    return table


def read_upheld(workbook, url: str, budget: Budget) -> dict[str, float]:
    sheet, header, name_col, rows = _open_table(workbook, "resolved cases", url, budget)
    lower = [h.lower() for h in header]
    col = next((i for i, h in enumerate(lower) if h in UPHELD_HEADERS), None)
    if col is None:
        raise CollectError(f"expected a column '% of cases upheld' in sheet {sheet!r} of {url}; found columns {shown(header)}")
    table: dict[str, float] = {}
    for row in rows:
        name = cell(row[name_col]) if row and name_col < len(row) else ""
        if _skip(name):
            continue
        value = parse_number(row[col] if col < len(row) else None, f"% upheld of {name!r}")
        if value is not None:
            table[name] = value
    if not table:
        raise CollectError(f"sheet {sheet!r} of {url} has a header but no business rows — the table is empty")
    return table


def _find_sheet(workbook, wanted: str, url: str) -> str:
    for name in workbook.sheetnames:
        if norm(name) == wanted:
            return name
    raise CollectError(f"expected a sheet {wanted.capitalize()!r} in the FOS workbook {url}; found sheets {shown(workbook.sheetnames)}")


def load(ctx: Context) -> list[tuple[str | None, Response]]:
    return load_files(ctx, "Financial Ombudsman business complaint workbooks (.xlsx)")


def parse(ctx: Context, period: str | None, response: Response) -> list[Record]:
    budget = ctx.limits.budget(response.url)
    workbook = open_workbook(response, period, budget)
    assert period is not None  # open_workbook refused a file without one
    try:
        new_cases = read_new_cases(workbook, response.url, budget)
        upheld = read_upheld(workbook, response.url, budget)
    finally:
        workbook.close()
    records: list[Record] = []
    for name, provider in sorted(ctx.providers_by_name().items(), key=lambda item: item[1].id):
        if name in new_cases:
            count = new_cases[name]
            if count < 0 or count != int(count):
                raise CollectError(f"new cases of {name!r} is {count}, not a whole number ≥ 0 — value out of range")
            records.append(ctx.statistic(response, provider=provider.id, metric=m.StatMetric.ombudsman_new_cases,
                                         period=period, value=int(count), note="sheet 'New cases'"))
        if name in upheld:
            records.append(ctx.statistic(response, provider=provider.id, metric=m.StatMetric.ombudsman_upheld_pct,
                                         period=period, value=fraction_to_pct(upheld[name], f"% upheld of {name!r}"),
                                         note="sheet 'Resolved cases', '% of cases upheld' (proportion × 100)"))
    return records


process = per_file(parse)
