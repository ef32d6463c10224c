"""FCA firm-level complaints workbook (XLSX, half-yearly).

Per firm (matched on Provider.source_names) and product group: complaints opened
(complaints-count), % closed within 3 days, % closed within 8 weeks (= within 3 days + after 3
days within 8 weeks, both shares of closed complaints), % upheld. The workbook is read with
openpyxl in read-only mode; in each sheet the header row is the first row (of the first 30)
holding "Firm Name" (BOM and spaces ignored). Sheet names drift between periods ("Upheld",
"% upheld ", "upheld ", "Percentage upheld" …; see tests/collect/fixtures/README.md), so sheets
are found by keywords. Proportions 0–1 become percentages; a value outside 0–1 fails.

params: ``base_url``; ``files: [{path, period}]`` or ``link_pattern`` (+ ``latest``) for links on the
index page; optional ``product_groups`` (the column names to read); the bounds on what a workbook
may hold (``max_rows``, ``max_columns``, ``max_cell_chars``, ``max_part_mb`` … — see ``common.Limits``).
"""

from __future__ import annotations

import re

from .. import models as m
from .common import (
    load_files, Budget, CollectError, Context, Record, Response, cell, fraction_to_pct, norm, open_workbook, parse_number,
    sheet_rows, shown,
)

MODULE = "fca_firm_xlsx"
PRODUCT_GROUPS = [
    "Banking and credit cards",
    "Decumulation & pensions",
    "Home finance",
    "Insurance & pure protection",
    "Investments",
]
HEADER_SCAN_ROWS = 30


def sheet_role(name: str) -> str | None:
    """Which table a sheet holds, from its (drifting) name."""
    text = norm(name)
    if "joint" in text or "context" in text or "consumer credit" in text or "trading" in text:
        return None
    if text == "opened":
        return "opened"
    if "upheld" in text:
        return "upheld"
    if re.search(r"(after|>)\s*3", text):
        return "within_8_after_3"
    if re.search(r"\b3 days\b", text):
        return "within_3"
    return None


def find_sheets(names: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for name in names:
        role = sheet_role(name)
        if role and role not in roles:
            roles[role] = name
    missing = [r for r in ("opened", "within_3", "within_8_after_3", "upheld") if r not in roles]
    if missing:
        wanted = {"opened": "Opened", "within_3": "Closed within 3 days", "within_8_after_3": "After 3 days within 8 weeks", "upheld": "Upheld"}
        raise CollectError(
            f"expected sheets like {', '.join(repr(wanted[r]) for r in missing)} in the FCA workbook; found sheets {shown(names, 20)}"
        )
    return roles


def read_table(workbook, sheet: str, groups: list[str], url: str, budget: Budget) -> dict[str, dict[str, object]]:
    """firm name → {product group → raw value}. Fails when the header or the rows are missing."""
    rows = sheet_rows(workbook, sheet, budget)
    header: list[str] | None = None
    first_rows = []
    for _ in range(HEADER_SCAN_ROWS):
        row = next(rows, None)
        if row is None:
            break
        first_rows.append(row)
        if any(norm(v) == "firm name" for v in row):
            header = [cell(v) for v in row]
            break
    if header is None:
        seen = first_rows[0] if first_rows else []
        raise CollectError(
            f"expected a header row with 'Firm Name' in sheet {sheet!r} of {url}; found first row {shown(seen)}"
        )
    lower = [h.lower() for h in header]
    firm_col = lower.index("firm name")
    columns = {g: lower.index(g.lower()) for g in groups if g.lower() in lower}
    if not columns:
        raise CollectError(
            f"expected product-group columns {shown(groups)} in sheet {sheet!r} of {url}; found columns {shown(header, 20)}"
        )
    table: dict[str, dict[str, object]] = {}
    for row in rows:
        if row is None or firm_col >= len(row):
            continue
        firm = cell(row[firm_col])
        if not firm:
            continue
        table[firm] = {g: (row[i] if i < len(row) else None) for g, i in columns.items()}
    if not table:
        raise CollectError(f"sheet {sheet!r} of {url} has a header but no firm rows — the table is empty")
    return table


def load(ctx: Context) -> list[tuple[str | None, Response]]:
    return load_files(ctx, "FCA firm-level complaints workbooks (.xlsx)")


def parse(ctx: Context, period: str | None, response: Response) -> list[Record]:
    budget = ctx.limits.budget(response.url)
    workbook = open_workbook(response, period, budget)
    try:
        groups = [str(g) for g in ctx.params.get("product_groups") or PRODUCT_GROUPS]
        sheets = find_sheets(list(workbook.sheetnames))
        tables = {role: read_table(workbook, name, groups, response.url, budget) for role, name in sheets.items()}
    finally:
        workbook.close()
    names = ctx.providers_by_name()
    records: list[Record] = []
    found = 0
    for firm, provider in sorted(names.items(), key=lambda item: item[1].id):
        if firm not in tables["opened"]:
            continue
        found += 1
        for group in groups:
            def value(role: str) -> float | None:
                raw = tables[role].get(firm, {}).get(group)
                return parse_number(raw, f"{firm} / {group} in sheet {sheets[role]!r}")

            opened = value("opened")
            if opened is not None:
                if opened < 0 or opened != int(opened):
                    raise CollectError(f"complaints opened for {firm} / {group} is {opened}, not a whole number ≥ 0 — value out of range")
                records.append(ctx.statistic(response, provider=provider.id, metric=m.StatMetric.complaints_count,
                                             period=period, value=int(opened), segment=group,
                                             note=f"sheet {sheets['opened']!r}, firm {firm!r}"))
            within_3 = value("within_3")
            after_3 = value("within_8_after_3")
            upheld = value("upheld")
            what = f"{firm} / {group}"
            if within_3 is not None:
                records.append(ctx.statistic(response, provider=provider.id, metric=m.StatMetric.closed_within_3_days_pct,
                                             period=period, value=fraction_to_pct(within_3, f"closed within 3 days, {what}"),
                                             segment=group, note=f"sheet {sheets['within_3']!r} (proportion × 100)"))
            if within_3 is not None and after_3 is not None:
                both = fraction_to_pct(within_3, what) + fraction_to_pct(after_3, f"after 3 days within 8 weeks, {what}")
                if both > 100.05:
                    raise CollectError(f"closed within 3 days plus after 3 days within 8 weeks is {both:.2f}% for {what} — over 100%, value out of range")
                records.append(ctx.statistic(response, provider=provider.id, metric=m.StatMetric.closed_within_8_weeks_pct,
                                             period=period, value=round(min(both, 100.0), 2), segment=group,
                                             note=f"derived: sheets {sheets['within_3']!r} + {sheets['within_8_after_3']!r}, both shares of closed complaints"))
            if upheld is not None:
                records.append(ctx.statistic(response, provider=provider.id, metric=m.StatMetric.upheld_by_firm_pct,
                                             period=period, value=fraction_to_pct(upheld, f"upheld, {what}"), segment=group,
                                             note=f"sheet {sheets['upheld']!r} (proportion × 100)"))
    if names and not found:
        raise CollectError(
            f"none of the firm names in Provider.source_names ({shown(names)}) is in sheet {sheets['opened']!r} of {response.url}"
        )
    return records


def process(ctx: Context, loaded: list[tuple[str | None, Response]]) -> list[Record]:
    records: list[Record] = []
    for period, response in loaded:
        if response.not_modified:
            continue
        records.extend(parse(ctx, period, response))
    return records
