"""FCA firm-level complaints workbooks (XLSX, half-yearly), every firm in them.

Any period's workbook is read as the FCA publishes it, without per-period code:

- sheets are found by their role from drifting names ("Context A Provision", "Context (Provision)",
  "Context – Intermediation", "opened", "% closed in 3 days", "closed >3 days and less than 8 ",
  "Percentage upheld", "Other Trading Names" …), in any order; two sheets with one role are an error;
- in each sheet the header row is the first row (of the first 30) holding "Firm Name"; columns are
  found by header text (product groups also when followed by a unit, "Banking and credit cards
  (per 1,000 accounts)");
- rows are read until the data end: a run of EMPTY_RUN rows without a firm name ends the table
  (2023 H1 claims 1,048,571 rows in one sheet), and more than MAX_ROWS rows fail;
- a blank cell means "not reported" and gives no figure (never zero);
- each firm's own reporting period ("2024-04-01 to 2024-09-30") is kept in the point's note.

One provider per firm. The Trading Names sheet gives firm name → FRN, other trading names, group.
An existing provider is matched by FRN (identifier ``fca-frn``) first, then by the exact name in
its ``source_names``, then by the same name ignoring case and spacing (2024 H1 "Helvetia Global
Solutions Ltd" is 2025 H1 "HELVETIA GLOBAL SOLUTIONS LTD"); a new name of a matched firm is appended
to ``source_names``. Unmatched firms become new providers (id: slug of the firm's name, on a
collision ``-frn<FRN>``). Files are read oldest period first, so that renames accumulate in order.

Figures per firm and product group: complaints per 1,000 accounts or policies (Context sheets,
segments "<group> (provision)" / "<group> (intermediation)"), opened, closed, % closed within 3
days, % closed within 8 weeks (within 3 days + after 3 days within 8 weeks, both shares of closed
complaints), % upheld; Consumer Credit: received, closed, % upheld (segment "Consumer credit").

The DISP 1.6 eight-week rule binds every firm that reports these figures, so the collector also
writes one ``rule`` pledge per firm with closed-within-8-weeks figures, when that pledge does not
exist yet. It lives here rather than in a separate generator because the collector is the one
place that learns of a new firm: a firm first seen in next year's workbook gets its rule pledge in
the same run (and the same checked, atomic write) that creates its provider.

params: ``base_url``; ``files: [{path or url, period}]`` or ``link_pattern`` (+ ``latest``) for
links on the index page; optional ``product_groups`` (the column names to read).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .. import models as m
from ..periods import period_key
from .common import (
    CollectError,
    Context,
    Record,
    Response,
    load_files,
    open_workbook,
    parse_number,
)
from .fca_registry import Registry, rule_pledge
from .fca_tables import (
    MAX_ROWS,
    NO_GROUP,
    TABLE_ROLES,
    Row,
    Table,
    _group_test,
    check_proportions,
    count_cell,
    find_sheets,
    fraction_cell,
    read_table,
    read_trading_names,
)
from .pipeline import changed

PRODUCT_GROUPS = [
    "Banking and credit cards",
    "Decumulation & pensions",
    "Home finance",
    "Insurance & pure protection",
    "Investments",
]
CONSUMER_CREDIT = "Consumer credit"
GROUP_SECTORS = {
    "banking and credit cards": m.Sector.banking,
    "decumulation & pensions": m.Sector.pensions,
    "home finance": m.Sector.banking,  # mortgages: the Sector vocabulary has no home-finance sector
    "insurance & pure protection": m.Sector.insurance,
    "investments": m.Sector.investments,
    "consumer credit": m.Sector.consumer_credit,
}



def _shown(fraction: float) -> str:
    """A proportion for a note, to six decimals: an unrounded 0.44921875 would read as a phone number
    to the personal-data check (and six decimals keep the note readable)."""
    text = f"{fraction:.6f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def _pct(fraction: float) -> float:
    return round(fraction * 100.0, 2)


def _period_note(row: Row | None, sheet: str, column: str) -> str:
    assert row is not None  # only called for a value read from the row
    own = f"the firm's own reporting period is {row.period}" if row.period else "the firm's reporting period is not given"
    freq = f" ({row.frequency.lower()} reporting)" if row.frequency else ""
    others = (f" The sheet also has a row for this firm's reporting period {', '.join(row.others)}; the row of the"
              " later reporting period is stored." if row.others else "")
    return f"Sheet {sheet!r}, column {column!r}, firm {row.firm!r}; {own}{freq}.{others}"


def load(ctx: Context) -> list[tuple[str | None, Response]]:
    return load_files(ctx, "FCA firm-level complaints workbooks (.xlsx)")


def _tables(ctx: Context, period: str | None, response: Response):
    budget = ctx.limits.budget(response.url)
    workbook = open_workbook(response, period, budget)
    try:
        groups = [str(g) for g in ctx.params.get("product_groups") or PRODUCT_GROUPS]
        sheets = find_sheets(list(workbook.sheetnames))
        wanted = {g: _group_test(g) for g in groups}
        # MAX_ROWS is read here, at call time, so that a test (or a caller) can lower this module's bound.
        tables = {role: read_table(workbook, sheets[role], response.url, wanted, budget, max_rows=MAX_ROWS)
                  for role in TABLE_ROLES if role in sheets}
        if "consumer_credit" in sheets:
            tables["consumer_credit"] = read_table(workbook, sheets["consumer_credit"], response.url, {
                "received": lambda t: "received" in t or "opened" in t,
                "closed": lambda t: "closed" in t,
                "upheld": lambda t: "upheld" in t,
            }, budget, max_rows=MAX_ROWS)
        trading = (read_trading_names(workbook, sheets["trading_names"], response.url, budget, MAX_ROWS)
                   if "trading_names" in sheets else {})
        check_proportions(tables, response.url)
    finally:
        workbook.close()
    return groups, tables, trading


class _FirmFigures:
    """One firm's figures in one workbook, gathered group by group before its provider is resolved."""

    def __init__(self, firm: str, tables: dict[str, Table]):
        self.firm = firm
        self.tables = tables
        self.pending: list[dict] = []
        self.sectors: set[m.Sector] = set()

    def add(self, metric: m.StatMetric, value: float, segment: str, note: str, point_note: str, group_key: str,
            sample_size: int | None = None) -> None:
        self.pending.append(dict(metric=metric, value=value, segment=segment, note=note, point_note=point_note,
                                 sample_size=sample_size))
        self.sectors.add(GROUP_SECTORS.get(group_key.lower(), m.Sector.banking))

    def raw(self, role: str, key: str) -> tuple[Row | None, Any]:
        row = self.tables[role].rows.get(self.firm) if role in self.tables else None
        return (row, row.values.get(key)) if row is not None and key in row.values else (row, None)

    def note_on(self, segment: str, metrics: tuple[m.StatMetric, ...], text: str) -> None:
        for item in self.pending:
            if item["segment"] == segment and item["metric"] in metrics:
                item["point_note"] += text

    def group(self, group: str) -> None:
        what = f"{self.firm} / {group}"
        anomalies: list[str] = []
        closed_count = self._counts(group, what)
        self._shares(group, what, anomalies, closed_count)
        self._within_8_weeks(group, what, anomalies, closed_count)
        self._context(group, what)
        if anomalies:
            # Kept where a reader of this firm's figures for the group will see it: its count points.
            self.note_on(group, (m.StatMetric.complaints_closed_count, m.StatMetric.complaints_count),
                         " " + " ".join(anomalies))

    def _counts(self, group: str, what: str) -> int | None:
        """Complaints opened and closed; returns the closed ones, the cases behind the group's shares."""
        closed_count = None
        for role, metric in (("opened", m.StatMetric.complaints_count), ("closed", m.StatMetric.complaints_closed_count)):
            row, value = self.raw(role, group)
            sheet = self.tables[role].sheet if role in self.tables else ""
            count = count_cell(value, f"complaints {role} for {what} in sheet {sheet!r}")
            if role == "closed":
                closed_count = count
            if count is not None:
                self.add(metric, count, group, f"Sheet {sheet!r}: complaints {role} (count).",
                         _period_note(row, sheet, self.tables[role].columns[group]), group)
        return closed_count

    def _shares(self, group: str, what: str, anomalies: list[str], closed_count: int | None) -> None:
        for role, label in (("within_3", "closed within 3 days"), ("upheld", "upheld by the firm")):
            row, value = self.raw(role, group)
            fraction = fraction_cell(value, f"{label}, {what}", anomalies) if role in self.tables else None
            if fraction is not None:
                metric = m.StatMetric.closed_within_3_days_pct if role == "within_3" else m.StatMetric.upheld_by_firm_pct
                sheet = self.tables[role].sheet
                self.add(metric, _pct(fraction), group,
                         f"Sheet {sheet!r}: proportion of closed complaints {label}, stored as a percentage (× 100, 2 decimals).",
                         _period_note(row, sheet, self.tables[role].columns[group]) + f" Proportion {_shown(fraction)}.", group,
                         sample_size=closed_count)

    def _within_8_weeks(self, group: str, what: str, anomalies: list[str], closed_count: int | None) -> None:
        row3, within_3 = self.raw("within_3", group)
        _, after_3 = self.raw("within_8_after_3", group)
        a = fraction_cell(within_3, f"closed within 3 days, {what}", anomalies)
        b = fraction_cell(after_3, f"after 3 days within 8 weeks, {what}", anomalies)
        if a is None or b is None:
            return
        both = (a + b) * 100.0
        if both > 100.05:
            # The publisher's own pair is inconsistent (2022 H1 Kingfisher: 0.6891 + 0.3794): both shares
            # are kept as published, no 8-week share is derived, and the 3-day point says why.
            self.note_on(group, (m.StatMetric.closed_within_3_days_pct,),
                         f" With 'after 3 days within 8 weeks' ({_shown(b)}) the two shares sum to {both:.2f}%, "
                         "over 100%, so no share closed within 8 weeks is derived.")
            return
        s3, s8 = self.tables["within_3"].sheet, self.tables["within_8_after_3"].sheet
        self.add(m.StatMetric.closed_within_8_weeks_pct, round(min(both, 100.0), 2), group,
                 f"Derived: sheets {s3!r} + {s8!r}, both proportions of closed complaints; their sum is the share closed within 8 weeks (× 100, 2 decimals).",
                 _period_note(row3, s3, self.tables["within_3"].columns[group]) + f" Proportions {_shown(a)} + {_shown(b)}.", group,
                 sample_size=closed_count)

    def _context(self, group: str, what: str) -> None:
        for role, kind in (("context_provision", "provision"), ("context_intermediation", "intermediation")):
            if role not in self.tables or group not in self.tables[role].columns:
                continue
            row, value = self.raw(role, group)
            table = self.tables[role]
            rate = parse_number(value, f"complaints per 1,000 for {what} in sheet {table.sheet!r}")
            if rate is None:
                continue
            if rate < 0:
                raise CollectError(f"complaints per 1,000 for {what} in sheet {table.sheet!r} is {rate}, below zero — value out of range")
            header = table.columns[group]
            self.add(m.StatMetric.complaints_per_1k_accounts, rate, f"{group} ({kind})",
                     f"Sheet {table.sheet!r}: complaints per 1,000 accounts or policies ({kind}); column {header!r}.",
                     _period_note(row, table.sheet, header), group)

    def consumer_credit(self) -> None:
        cc = self.tables["consumer_credit"]
        row = cc.rows[self.firm]
        sheet, firm = cc.sheet, self.firm
        received = count_cell(row.values.get("received"), f"consumer credit complaints received for {firm}")
        closed = count_cell(row.values.get("closed"), f"consumer credit complaints closed for {firm}")
        if received is not None:
            self.add(m.StatMetric.complaints_count, received, CONSUMER_CREDIT, f"Sheet {sheet!r}: complaints received (count).",
                     _period_note(row, sheet, cc.columns["received"]), CONSUMER_CREDIT)
        if closed is not None:
            self.add(m.StatMetric.complaints_closed_count, closed, CONSUMER_CREDIT, f"Sheet {sheet!r}: complaints closed (count).",
                     _period_note(row, sheet, cc.columns["closed"]), CONSUMER_CREDIT)
        upheld = parse_number(row.values.get("upheld"), f"consumer credit complaints upheld for {firm}")
        if upheld is None:
            return
        header = cc.columns.get("upheld", "")
        if _cc_upheld_is_count(cc):
            self._cc_upheld_count(row, header, upheld, closed)
            return
        odd: list[str] = []
        fraction = fraction_cell(upheld, f"consumer credit complaints upheld, {firm}", odd)
        if odd:  # 2024 H2 Honda Finance Europe Plc: 7.83 under "Complaints Upheld (%)"
            for item in self.pending:
                if item["segment"] == CONSUMER_CREDIT:
                    item["point_note"] += " " + " ".join(odd)
        if fraction is not None:
            self.add(m.StatMetric.upheld_by_firm_pct, _pct(fraction), CONSUMER_CREDIT,
                     f"Sheet {sheet!r}: share of closed complaints upheld by the firm, as a percentage rounded to 2 decimals.",
                     _period_note(row, sheet, header) + f" The sheet gives the unrounded proportion {_shown(fraction)}; rounded to 2 decimals as a percentage.",
                     CONSUMER_CREDIT, sample_size=closed)

    def _cc_upheld_count(self, row: Row, header: str, upheld: float, closed: int | None) -> None:
        # 2022 H1 and 2023 H2 give the number upheld, not a proportion: the share is derived.
        firm, sheet = self.firm, self.tables["consumer_credit"].sheet
        count = count_cell(upheld, f"consumer credit complaints upheld for {firm}")
        if not closed or count is None:
            return
        if count > closed:
            raise CollectError(f"consumer credit complaints upheld ({count}) exceed those closed ({closed}) for {firm} — value out of range")
        self.add(m.StatMetric.upheld_by_firm_pct, round(100.0 * count / closed, 2), CONSUMER_CREDIT,
                 f"Sheet {sheet!r}: share of closed complaints upheld by the firm, as a percentage rounded to 2 decimals.",
                 _period_note(row, sheet, header) + f" Derived: {count} upheld of {closed} closed (the sheet gives counts).",
                 CONSUMER_CREDIT, sample_size=closed)


def parse(ctx: Context, registry: Registry, period: str | None, response: Response, read,
          frn_elsewhere: dict[str, str]) -> tuple[list[Record], set[str]]:
    groups, tables, trading = read
    assert period is not None  # open_workbook refused a file without one
    firms: dict[str, Row] = {}  # the first row seen per firm gives its group
    for role in ("opened", "closed", "upheld", "within_3", "within_8_after_3", "context_provision", "context_intermediation", "consumer_credit"):
        for firm, row in tables.get(role, Table("", {})).rows.items():
            firms.setdefault(firm, row)
    figures: list[Record] = []
    with_rule: set[str] = set()
    for firm in sorted(firms):
        found = _FirmFigures(firm, tables)
        for group in groups:
            found.group(group)
        if "consumer_credit" in tables and firm in tables["consumer_credit"].rows:
            found.consumer_credit()
        if not found.pending:
            continue  # listed, but nothing reported: no provider for an empty row
        frn, brands, tn_group = trading.get(firm, (None, [], None))
        frn = frn or frn_elsewhere.get(firm)
        group = firms[firm].group or (tn_group if tn_group and tn_group.lower() not in NO_GROUP else None)
        pid = registry.resolve(firm, frn, brands, group, found.sectors, response)
        for item in found.pending:
            figures.append(ctx.statistic(response, provider=pid, period=period, **item))
            if item["metric"] == m.StatMetric.closed_within_8_weeks_pct:
                with_rule.add(pid)
    if not figures:
        raise CollectError(f"the FCA workbook {response.url} has firm rows but no figures — the format may have changed")
    return figures, with_rule


def _cc_upheld_is_count(table: Table) -> bool:
    """Whether the Consumer Credit 'upheld' column holds counts: a '%' header says proportions; otherwise
    a column with a value above 1 holds counts (2022 H1: 353 of 864 closed)."""
    header = table.columns.get("upheld", "")
    if "%" in header:
        return False
    for row in table.rows.values():
        value = row.values.get("upheld")
        try:
            number = parse_number(value, "upheld")
        except CollectError:
            continue
        if number is not None and number > 1:
            return True
    return False


def process(ctx: Context, loaded: list[tuple[str | None, Response]]) -> list[Record]:
    registry = Registry(ctx)
    records: list[Record] = []
    with_rule: set[str] = set()
    # Oldest first: a firm renamed later is matched (by FRN) to the provider made from its older name.
    files = sorted(changed(loaded), key=lambda item: period_key(item[0]) if item[0] else (date.min, date.min, ""))
    read = [_tables(ctx, period, response) for period, response in files]
    # A firm missing from one period's Trading Names (2023 H2: Car Care Plan Limited) takes the FRN its
    # exact name has in another period's, when that is one FRN: otherwise it would become a second,
    # name-only provider before the period that names its FRN joins the name to the FRN's provider.
    seen: dict[str, set[str]] = {}
    for _, _, trading in read:
        for firm, (frn, _, _) in trading.items():
            if frn:
                seen.setdefault(firm, set()).add(frn)
    frn_elsewhere = {firm: next(iter(frns)) for firm, frns in seen.items() if len(frns) == 1}
    for (period, response), tables in zip(files, read, strict=True):
        figures, rule = parse(ctx, registry, period, response, tables, frn_elsewhere)
        records.extend(figures)
        with_rule |= rule
    stored = ctx.dataset.pledges
    pledges = [Record("pledges", rule_pledge(ctx, pid)) for pid in sorted(with_rule)
               if f"{pid}--fca-disp-8-week-final-response" not in stored]
    return registry.records() + pledges + records
