"""A tidy ("long") CSV: one row per provider × period (× segment), one column per figure.

Some publishers' figures reach the project only as a third party's tidy copy (e.g. Ofcom's complaints
and the Citizens Advice star rating, re-laid by a research repository). Their column names are the
third party's, so nothing is guessed: the source record names every column in ``params``, and a file
that does not have exactly those columns, labels and numbers fails with a plain message.

params:

- ``files: [{path or url}]`` (with ``base_url``): the copies to read;
- ``provider_column``: the column holding the provider's name, matched against the providers'
  ``source_names`` for this source; a name no provider has fails the source (``unknown_providers:
  skip`` leaves such rows out instead);
- ``period_column`` and ``period_format``: one of ``YYYY Qn``, ``Qn YYYY``, ``YYYY-Qn``; any label in
  another format fails (a changed format must not be read as something else);
- ``values: {column: metric}``: each figure column and the statistic metric it holds; blank = not
  published, anything else must be a non-negative number;
- ``segment_column`` with ``segments: {label: stored segment}`` (the segments read) and
  ``skip_segments: {label: why}`` (segments deliberately left out); a label in neither fails;
- ``industry_average_label``: the provider label of the industry-average rows, stored as
  ``industry_average`` on every provider's point of the same segment and period.

The release's ``derived`` / ``checked_against`` / ``note`` come from ``params.release`` (collect/series.py).
"""

from __future__ import annotations

import re

from .. import models as m
from .common import (
    CollectError,
    Context,
    Record,
    Response,
    cell,
    load_files,
    parse_number,
    read_csv_rows,
    shown,
)
from .pipeline import per_file

MODULE = "tidy_csv"
PERIOD_FORMATS = {
    "YYYY Qn": re.compile(r"^(?P<year>\d{4}) Q(?P<q>[1-4])$"),
    "Qn YYYY": re.compile(r"^Q(?P<q>[1-4]) (?P<year>\d{4})$"),
    "YYYY-Qn": re.compile(r"^(?P<year>\d{4})-Q(?P<q>[1-4])$"),
}


class Layout:
    """The column mapping of ``params``, checked once before any row is read."""

    def __init__(self, params: dict):
        def text(name: str) -> str:
            value = params.get(name)
            if not isinstance(value, str) or not cell(value):
                raise CollectError(f"params.{name} must name a column of the CSV (a non-empty string)")
            return cell(value)

        self.provider = text("provider_column")
        self.period = text("period_column")
        fmt = params.get("period_format")
        if fmt not in PERIOD_FORMATS:
            raise CollectError(f"params.period_format is {fmt!r}; use one of {', '.join(PERIOD_FORMATS)}")
        self.period_format = fmt
        self.segment = text("segment_column") if params.get("segment_column") is not None else None
        values = params.get("values")
        if not isinstance(values, dict) or not values:
            raise CollectError("params.values must map each figure column to a metric, e.g. {complaints_per_100k: complaints-per-100k}")
        self.values: dict[str, m.StatMetric] = {}
        for column, metric in values.items():
            try:
                self.values[cell(column)] = m.StatMetric(metric)
            except ValueError:
                raise CollectError(f"params.values maps {column!r} to {metric!r}, which is not a statistic metric") from None
        self.segments = {cell(k): cell(v) for k, v in dict(params.get("segments") or {}).items()}
        self.skip_segments = {cell(k): str(v) for k, v in dict(params.get("skip_segments") or {}).items()}
        if self.segment and not self.segments:
            raise CollectError("params.segment_column is set but params.segments names no segment to read")
        self.average = cell(params.get("industry_average_label")) or None
        unknown = params.get("unknown_providers", "fail")
        if unknown not in ("fail", "skip"):
            raise CollectError(f"params.unknown_providers is {unknown!r}; use `fail` or `skip`")
        self.skip_unknown = unknown == "skip"

    def columns(self) -> list[str]:
        return [self.provider, self.period] + ([self.segment] if self.segment else []) + list(self.values)

    def period_of(self, label: str) -> str | None:
        match = PERIOD_FORMATS[self.period_format].match(label)
        return f"{match.group('year')}-Q{match.group('q')}" if match else None


def load(ctx: Context) -> list[tuple[str | None, Response]]:
    Layout(ctx.params)  # a broken mapping fails before anything is fetched
    return load_files(ctx, "tidy CSV files", accept="text/csv")


class _Reader:
    """The data rows of one tidy CSV, read into figures and industry averages as they stream."""

    def __init__(self, ctx: Context, layout: Layout, header: list[str], url: str):
        self.layout = layout
        self.url = url
        self.source_id = ctx.source.id
        self.index = {name: header.index(name) for name in layout.columns()}
        self.names = ctx.providers_by_name()
        self.figures: dict[tuple[str | None, str, str, m.StatMetric], tuple[float, int]] = {}
        self.averages: dict[tuple[str | None, str, m.StatMetric], float] = {}
        self.seen: dict[tuple[str | None, str, str], int] = {}

    def at(self, values: list[str], column: str) -> str:
        position = self.index[column]
        return values[position] if position < len(values) else ""

    def segment(self, line: int, values: list[str]) -> tuple[bool, str | None]:
        """(read this row?, its segment)."""
        layout = self.layout
        if not layout.segment:
            return True, None
        label = self.at(values, layout.segment)
        if label in layout.skip_segments:
            return False, None
        if label not in layout.segments:
            raise CollectError(
                f"row {line} of {self.url}: {layout.segment!r} is {label!r}, not a segment this source reads "
                f"({shown(layout.segments)}) nor one it leaves out ({shown(layout.skip_segments)}) — the file may have changed; "
                "add it to params.segments or params.skip_segments"
            )
        return True, layout.segments[label]

    def period(self, line: int, values: list[str]) -> str:
        label = self.at(values, self.layout.period)
        period = self.layout.period_of(label)
        if period is None:
            raise CollectError(
                f"row {line} of {self.url}: {self.layout.period!r} is {label!r}, not a quarter written {self.layout.period_format!r} — the format may have changed"
            )
        return period

    def row(self, line: int, values: list[str]) -> None:
        read, segment = self.segment(line, values)
        if not read:
            return
        period = self.period(line, values)
        name = self.at(values, self.layout.provider)
        is_average = self.layout.average is not None and name == self.layout.average
        if not is_average and name not in self.names:
            if self.layout.skip_unknown:
                return
            raise CollectError(
                f"row {line} of {self.url}: no provider has the source name {name!r} for source {self.source_id!r} — "
                "add it to the `source_names` of a provider in data/providers/ (or a new provider)"
            )
        key = (segment, name, period)
        if key in self.seen:
            raise CollectError(f"rows {self.seen[key]} and {line} of {self.url} both give {name!r} for {period}" + (f" ({segment})" if segment else ""))
        self.seen[key] = line
        for column, metric in self.layout.values.items():
            value = parse_number(self.at(values, column), f"row {line} of {self.url}, column {column!r}")
            if value is None:
                continue
            if value < 0:
                raise CollectError(f"row {line} of {self.url}: column {column!r} is {value}, a negative figure — the format may have changed")
            if is_average:
                self.averages[(segment, period, metric)] = value
            else:
                self.figures[(segment, name, period, metric)] = (value, line)


def parse(ctx: Context, _period: str | None, response: Response) -> list[Record]:
    layout = Layout(ctx.params)
    # streamed under the collector bounds (common.read_csv_rows); blank lines are skipped
    rows = ((line, r) for line, r in read_csv_rows(response, "a tidy CSV", ctx.limits.budget(response.url))
            if any(cell(v) for v in r))
    first = next(rows, None)
    if first is None:
        raise CollectError(f"expected a header row in {response.url}; found an empty file")
    header = [cell(v) for v in first[1]]
    missing = [c for c in layout.columns() if c not in header]
    if missing:
        raise CollectError(f"expected columns {shown(missing)} in the header of {response.url}; found columns {shown(header, 20)}")
    reader = _Reader(ctx, layout, header, response.url)
    data_rows = 0
    for line, row in rows:
        data_rows += 1
        reader.row(line, [cell(v) for v in row])
    if not data_rows:
        raise CollectError(f"{response.url} has a header but no data rows — the table is empty")
    return [
        ctx.statistic(
            response, provider=reader.names[name].id, metric=metric, period=period, value=value, segment=segment,
            industry_average=reader.averages.get((segment, period, metric)),
            # one note per series (collect/series.py keeps the first): the label it was read under
            note=f"Provider label {name!r} in column {layout.provider!r}" + (f", segment {segment!r}" if segment else "") + ".",
        )
        for (segment, name, period, metric), (value, _line) in reader.figures.items()
    ]


process = per_file(parse)
