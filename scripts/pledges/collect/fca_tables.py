"""The FCA firm-level workbook's sheets and tables: which sheet plays which role, and rows keyed by firm name within
the bounds of a firm table (see ``fca_firm_xlsx`` for the format)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..pii import find_personal_data
from .common import (
    Budget,
    CollectError,
    cell,
    norm,
    parse_number,
    sheet_rows,
    shown,
)

HEADER_SCAN_ROWS = 30
EMPTY_RUN = 200  # consecutive rows without a firm name that end a table (formatting can run to row 1,048,576)
MAX_ROWS = 200_000  # a table longer than this is not a firm list (the 2025 H1 Trading Names sheet has 8,764 rows)
NO_GROUP = {"", "no group", "none", "n/a"}
# --------------------------------------------------------------------------- sheets and tables


TABLE_ROLES = ("context_provision", "context_intermediation", "opened", "closed", "within_3", "within_8_after_3", "upheld")
REQUIRED_ROLES = ("opened", "within_3", "within_8_after_3", "upheld")
WANTED = {
    "opened": "Opened", "closed": "Closed", "within_3": "Closed within 3 days",
    "within_8_after_3": "After 3 days within 8 weeks", "upheld": "Upheld",
}

# DISP 1.6.2R, as found on the FCA Handbook (see RULE_NOTE for what was and was not confirmed).


def _text(name: str) -> str:
    return norm(name).replace("–", "-").replace("—", "-")


def sheet_role(name: str) -> str | None:
    """Which table a sheet holds, from its (drifting) name; None for sheets not read."""
    text = _text(name)
    if "joint" in text or text.startswith("note"):
        return None
    if "trading" in text:
        return "trading_names"
    if "context" in text:
        if "provision" in text:
            return "context_provision"
        if "intermediation" in text:
            return "context_intermediation"
        return None
    if "consumer credit" in text:
        return "consumer_credit"
    if "upheld" in text:
        return "upheld"
    if re.search(r"(after|>)\s*3", text):
        return "within_8_after_3"
    if re.search(r"\b3 days\b", text):
        return "within_3"
    if text == "opened":
        return "opened"
    if text == "closed":
        return "closed"
    return None


def find_sheets(names: list[str]) -> dict[str, str]:
    roles: dict[str, str] = {}
    for name in names:
        role = sheet_role(name)
        if role is None:
            continue
        if role in roles:
            raise CollectError(f"sheets {roles[role]!r} and {name!r} of the FCA workbook both look like the {role.replace('_', ' ')} table — cannot tell which to read")
        roles[role] = name
    missing = [r for r in REQUIRED_ROLES if r not in roles]
    if missing:
        raise CollectError(
            f"expected sheets like {', '.join(repr(WANTED[r]) for r in missing)} in the FCA workbook; found sheets {shown(names, 20)}"
        )
    return roles


@dataclass
class Row:
    firm: str
    group: str | None
    period: str | None  # the firm's own reporting period, as written
    frequency: str | None
    values: dict[str, object]  # column key → raw cell
    others: list[str] = field(default_factory=list)  # the firm's other reporting periods in the same sheet


@dataclass
class Table:
    sheet: str
    columns: dict[str, str]  # column key → header as written
    rows: dict[str, Row] = field(default_factory=dict)
    repeats: dict[str, list[Row]] = field(default_factory=dict)  # with repeats=True: every row of a repeated name


def _bounded_rows(workbook, sheet: str, url: str, budget: Budget, max_rows: int):
    """The sheet's rows until the data end (EMPTY_RUN blank rows), refusing more than MAX_ROWS; the
    workbook-wide bounds and the parse deadline are common.sheet_rows's."""
    empty = 0
    for number, row in enumerate(sheet_rows(workbook, sheet, budget), start=1):
        if number > max_rows:
            raise CollectError(f"sheet {sheet!r} of {url} has data beyond row {max_rows:,} — not a firm table; the format may have changed")
        if row is None or not any(cell(v) for v in row):
            empty += 1
            if empty >= EMPTY_RUN:
                return
            continue
        empty = 0
        yield row


def _header_index(header: list[str], *names: str) -> int | None:
    for name in names:
        for index, text in enumerate(header):
            if text.lower() == name:
                return index
    return None


def _find_header(rows: Iterator[tuple], sheet: str, url: str) -> list[str]:
    """The row naming 'Firm Name' among the first HEADER_SCAN_ROWS (the rows above it are titles and notes)."""
    first: list = []
    for _ in range(HEADER_SCAN_ROWS):
        row = next(rows, None)
        if row is None:
            break
        first.append(row)
        if any(norm(v) == "firm name" for v in row):
            return [cell(v) for v in row]
    raise CollectError(
        f"expected a header row with 'Firm Name' in sheet {sheet!r} of {url}; found first row {shown(first[0] if first else [])}"
    )


def _later_of(seen: Row, entry: Row, sheet: str, url: str) -> Row:
    # A firm that changed its reporting period appears once per period (2023 H2: Kensington
    # Mortgage Company Limited, 2023-04-01 to 2023-09-30 and 2023-07-01 to 2023-12-31). One
    # point per publication period: the row of the later reporting period (ISO dates sort as
    # text); the point's note names the other. Two rows for the same period cannot be told apart.
    if not entry.period or not seen.period or entry.period == seen.period:
        raise CollectError(f"firm {entry.firm!r} appears twice in sheet {sheet!r} of {url} with the same reporting period — cannot tell which row to read")
    keep, other_period = (entry, seen.period) if entry.period > seen.period else (seen, entry.period)
    keep.others = sorted({*seen.others, *entry.others, other_period})
    return keep


def read_table(workbook, sheet: str, url: str, wanted: dict[str, Callable[[str], bool]], budget: Budget, *, repeats: bool = False,
               max_rows: int = MAX_ROWS) -> Table:
    """Rows of one sheet keyed by firm name. ``wanted``: column key → test on the lower-case header."""
    rows = _bounded_rows(workbook, sheet, url, budget, max_rows)
    header = _find_header(rows, sheet, url)
    lower = [h.lower() for h in header]
    firm_col = lower.index("firm name")
    group_col = _header_index(header, "group", "firm group")
    period_col = _header_index(header, "reporting period", "submission date")
    freq_col = _header_index(header, "reporting frequency")
    columns: dict[str, int] = {}
    table = Table(sheet, {})
    for key, test in wanted.items():
        for index, text in enumerate(lower):
            if text and test(text):
                columns[key] = index
                table.columns[key] = header[index]
                break
    if not columns:
        raise CollectError(f"expected columns like {shown(wanted)} in sheet {sheet!r} of {url}; found columns {shown(header, 20)}")

    def at(row, index):
        return row[index] if index is not None and index < len(row) else None

    for row in rows:
        firm = cell(at(row, firm_col))
        if not firm:
            continue
        group = cell(at(row, group_col))
        entry = Row(
            firm, None if group.lower() in NO_GROUP else group, cell(at(row, period_col)) or None,
            cell(at(row, freq_col)) or None, {key: at(row, index) for key, index in columns.items()},
        )
        seen = table.rows.get(firm)
        if seen is not None and repeats:
            table.repeats.setdefault(firm, [seen]).append(entry)
            continue
        table.rows[firm] = entry if seen is None else _later_of(seen, entry, sheet, url)
    if not table.rows:
        raise CollectError(f"sheet {sheet!r} of {url} has a header but no firm rows — the table is empty")
    return table


def _group_test(group: str):
    name = group.lower()
    # "Banking and credit cards" or "Banking and credit cards (per 1,000 accounts)"
    return lambda text: text == name or (text.startswith(name) and text[len(name):].lstrip().startswith("("))


def read_trading_names(workbook, sheet: str, url: str, budget: Budget, max_rows: int = MAX_ROWS) -> dict[str, tuple[str | None, list[str], str | None]]:
    """firm name → (FRN, other trading names, group). Older sheets have no FRN column."""
    table = read_table(workbook, sheet, url, {
        "frn": lambda t: t in ("frn", "firm reference number"),
        "names": lambda t: "trading name" in t,
    }, budget, repeats=True, max_rows=max_rows)
    out: dict[str, tuple[str | None, list[str], str | None]] = {}
    for firm, row in table.rows.items():
        if firm in table.repeats:
            # One name, several register entries (2025 H1: two sole traders named alike): the name does not
            # say which FRN a figure belongs to, so none is used.
            out[firm] = (None, [], row.group)
            continue
        raw = row.values.get("frn")
        frn = None
        if raw is not None and cell(raw):
            text = cell(raw)
            frn = str(int(raw)) if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() else text
            if not re.fullmatch(r"[A-Za-z0-9]{1,20}", frn):
                raise CollectError(f"FRN of {firm!r} in sheet {sheet!r} of {url} is {text[:40]!r}, not a register number")
        # Trading names include freephone numbers ("0800 123 5789"); they are not brands and would read
        # as personal data, so such entries are left out.
        brands = [b for b in (cell(part) for part in cell(row.values.get("names")).split(","))
                  if b and b != firm and not find_personal_data(b)]
        out[firm] = (frn, list(dict.fromkeys(b[:300] for b in brands)), row.group)
    return out


# --------------------------------------------------------------------------- cell values


def count_cell(raw, what: str) -> int | None:
    value = parse_number(raw, what)
    if value is None:
        return None
    if value < 0 or value != int(value):
        raise CollectError(f"{what} is {value}, not a whole number ≥ 0 — value out of range")
    return int(value)


def fraction_cell(raw, what: str, anomalies: list[str]) -> float | None:
    """A proportion 0–1. A single impossible cell (2022 H1: 2 in a '% closed in 3 days' column) gives no
    figure and is noted in ``anomalies``; a sheet made of such values fails in ``check_proportions``."""
    value = parse_number(raw, what)
    if value is None:
        return None
    if not 0 <= value <= 1:
        anomalies.append(f"The workbook gives {value!r} for {what}, outside the 0–1 proportion: no share is stored for it.")
        return None
    return value


PROPORTION_ROLES = ("within_3", "within_8_after_3", "upheld")
MAX_OUTLIER_SHARE = 0.1  # above this share of values outside 0–1, the sheet holds percentages, not proportions


def check_proportions(tables: dict[str, Table], url: str) -> None:
    """Fail loudly when a proportion sheet has switched to percentages (65.89 instead of 0.6589)."""
    for role in PROPORTION_ROLES:
        table = tables.get(role)
        if table is None:
            continue
        values, outside = 0, []
        for firm, row in table.rows.items():
            for key, raw in row.values.items():
                value = parse_number(raw, f"{firm} / {key} in sheet {table.sheet!r}")
                if value is None:
                    continue
                values += 1
                if not 0 <= value <= 1:
                    outside.append((firm, key, value))
        if outside and len(outside) > MAX_OUTLIER_SHARE * values:
            firm, key, value = outside[0]
            raise CollectError(
                f"sheet {table.sheet!r} of {url}: {len(outside)} of {values} values are outside the 0–1 proportion the "
                f"publisher uses (e.g. {firm} / {key}: {value}) — the format may have changed"
            )


