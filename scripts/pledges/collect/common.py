"""What every collector shares: its context, plain-word errors, provenance, ids and number checks.

A collector module has the shape load → process (→ save, done by the runner for all of them):

    def load(ctx: Context) -> list[Response]          # fetch; 304s come back as not_modified
    def process(ctx: Context, responses) -> list[Record]  # parse into models, or raise CollectError

The runner validates the records together with the existing dataset (``check_records``, the rules
of ``pledges check``) and only then writes them, atomically.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from urllib.parse import urlsplit
import time
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cached_property
from typing import Any, Iterable, Iterator

from .. import models as m
from ..dataset import Dataset, figure_id, series_id, slug
from .http import FetchError, HttpClient, Policy, Response, Validator


class CollectError(Exception):
    """The source could not be collected; the message says what was expected and what was found."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Record:
    kind: str  # folder under data/
    model: Any  # the pydantic record


@dataclass
class Context:
    source: m.Source
    dataset: Dataset
    http: HttpClient
    base_url: str
    now: datetime
    today: date
    policy: Policy
    validators: dict[str, Validator] = field(default_factory=dict)
    module: str = ""
    rebased: bool = False  # base_url is --endpoint, not the source's own

    @property
    def params(self) -> dict:
        return self.source.params

    @cached_property
    def limits(self) -> "Limits":
        """The bounds on what one file of this source may hold (defaults below, ``params`` may raise them)."""
        return Limits.from_params(self.params, self.source.id)

    # --------------------------------------------------------------- fetching

    def fetch(self, url: str, *, accept: str | None = None, conditional: bool = True) -> Response:
        try:
            return self.http.get(
                url, policy=self.policy, validator=self.validators.get(url) if conditional else None, accept=accept
            )
        except FetchError as exc:
            raise CollectError(exc.message) from None

    def fetch_many(self, urls: list[str], *, accept: str | None = None) -> list[Response]:
        # The source fails if one address fails: stop fetching its other addresses at the first failure.
        results = self.http.fetch_many(
            [(url, {"policy": self.policy, "validator": self.validators.get(url), "accept": accept}) for url in urls],
            stop_on_error=True,
        )
        errors = [r for r in results if isinstance(r, FetchError)]
        if errors:
            first = next((e for e in errors if not e.skipped), errors[0])
            skipped = sum(e.skipped for e in errors)
            more = f" — {skipped} other address(es) of this source not fetched" if skipped else ""
            raise CollectError(f"{first.message}{more}")
        return results  # type: ignore[return-value]

    def url(self, path: str) -> str:
        """``base_url`` (or ``--endpoint``) joined with a path from params. With ``--endpoint`` (a mirror, a
        test server) an absolute address in params is re-based too, onto the endpoint with its file name —
        the rule of ``--files-from`` — so that such a run never reaches the publisher's own host."""
        if re.match(r"^https?://", path):
            if not self.rebased:
                return path
            path = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")

    # --------------------------------------------------------------- providers

    def providers_by_name(self) -> dict[str, m.Provider]:
        """The exact names this source uses → provider (Provider.source_names)."""
        names: dict[str, m.Provider] = {}
        for provider in self.dataset.providers.values():
            for entry in provider.source_names:
                if entry.source == self.source.id:
                    names[entry.name] = provider
        return names

    # --------------------------------------------------------------- building records

    def provenance(self, response: Response, note: str | None = None, publisher: str | None = None) -> m.Provenance:
        return m.Provenance(
            publisher=publisher or self.source.publisher,
            url=response.url,
            title=self.source.name,
            retrieved=response.retrieved,
            licence=self.source.licence,
            sha256=response.sha256,
            collected_by=f"collector:{self.module}",
            note=note,
        )

    def statistic(
        self,
        response: Response,
        *,
        provider: str,
        metric: m.StatMetric,
        period: str,
        value: float,
        segment: str | None = None,
        sample_size: int | None = None,
        industry_average: float | None = None,
        note: str | None = None,
        point_note: str | None = None,
    ) -> Record:
        """One figure. ``note`` describes the series (how it is read); ``point_note`` this period's figure."""
        check_number(value, f"{metric.value} of {provider} for {period}")
        sid = series_id(provider, self.source.id, metric.value)
        stat = m.Statistic(
            id=figure_id(sid, period, segment),
            series=sid,
            release="pending",  # named when the figures are stored (collect/series.py)
            provider=provider,
            source=self.source.id,
            metric=metric,
            segment=segment,
            period=period,
            value=value,
            unit=m.METRIC_UNITS[metric],
            sample_size=sample_size,
            industry_average=industry_average,
            series_version=series_version(self.source, period),
            note=point_note,
            provenance=self.provenance(response, note),
        )
        return Record("statistics", stat)


# --------------------------------------------------------------------------- helpers


def check_number(value: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        raise CollectError(f"{what} is {value!r}, not a number — the publisher's format may have changed")


def pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2)


def fraction_to_pct(value: float, what: str) -> float:
    """Proportions 0–1 become percentages; anything outside 0–1 is refused (format drift)."""
    check_number(value, what)
    if not 0 <= value <= 1:
        raise CollectError(f"{what} is {value}, outside the 0–1 proportion the publisher uses — the format may have changed")
    return round(value * 100.0, 2)


def parse_number(text: Any, what: str) -> float | None:
    """A published figure: blank/dash → None, '12', '12.5', '1,234', '65.89%' → number; other text fails."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        check_number(float(text), what)
        return float(text)
    cleaned = str(text).strip().replace(",", "")
    if cleaned in ("", "-", "–", "—", "n/a", "N/A", "*", "x", "..", ":"):
        return None
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1].strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise CollectError(f"{what}: expected a number, found {str(text)[:60]!r}") from None
    check_number(number, what)
    return number / 100.0 if percent else number


QUARTER_RE = re.compile(r"^\s*(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))\s*$", re.IGNORECASE)


def parse_quarter(text: str) -> str | None:
    """'2025 Q1', '2025-Q1', 'Q1 2025' → '2025-Q1'."""
    match = QUARTER_RE.match(str(text or ""))
    if not match:
        return None
    year = match.group(1) or match.group(4)
    quarter = match.group(2) or match.group(3)
    return f"{year}-Q{quarter}"


def looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head[:512]


def refuse_html(response: Response, expected: str) -> None:
    """An HTML page served with 200 where data was expected (an error or login page) is a failure."""
    if response.content_type in ("text/html", "application/xhtml+xml") or looks_like_html(response.body):
        title = re.search(rb"<title[^>]*>(.*?)</title>", response.body[:8192], re.IGNORECASE | re.DOTALL)
        what = f" titled {title.group(1).decode('utf-8', 'replace').strip()[:80]!r}" if title else ""
        raise CollectError(
            f"expected {expected} from {response.url}, found an HTML page{what} (HTTP {response.status}) — "
            "the publisher may have moved the file or be showing an error page"
        )


def decode_text(response: Response) -> str:
    body = response.body
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def read_json(response: Response, budget: "Budget") -> Any:
    refuse_html(response, "JSON")
    limits, size = budget.limits, len(response.body)
    if size > limits.bytes("max_json_mb"):
        raise limits.exceeded("max_json_mb", f"the JSON from {response.url} is {size / 1e6:,.1f} MB")
    if not response.body.strip():
        raise CollectError(f"expected JSON from {response.url}, found an empty body")
    try:
        data = json.loads(response.body.decode("utf-8-sig"))
    except RecursionError:  # nested deeper than the interpreter's recursion limit (about 1,000)
        raise limits.exceeded("max_json_depth", f"the JSON from {response.url} is nested more than 1,000 levels deep") from None
    except UnicodeDecodeError:
        raise CollectError(f"expected JSON (UTF-8) from {response.url}, found bytes that are not UTF-8") from None
    except json.JSONDecodeError as exc:
        size = len(response.body)
        cut = " — the body looks cut off (truncated)" if exc.pos >= size - 2 else ""
        raise CollectError(
            f"expected JSON from {response.url}, found invalid JSON at byte {exc.pos} of {size}: {exc.msg}{cut}"
        ) from None
    if _json_depth_over(data, limits.max_json_depth):
        raise limits.exceeded("max_json_depth", f"the JSON from {response.url} is nested more than {limits.max_json_depth:,} levels deep")
    return data


def cell(value: Any) -> str:
    """A header cell as plain text: BOM and surrounding spaces gone, inner spaces single."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value).replace("\ufeff", "")).strip()


def norm(value: Any) -> str:
    return cell(value).lower()


def shown(values: Iterable[Any], limit: int = 12) -> str:
    items = [cell(v) for v in values if cell(v)]
    more = f" … (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(repr(i) for i in items[:limit]) + more if items else "nothing"


__all__ = [
    "CollectError",
    "Context",
    "Record",
    "FetchError",
    "Response",
    "slug",
    "pct",
    "fraction_to_pct",
    "parse_number",
    "parse_quarter",
    "read_json",
    "read_csv_rows",
    "Limits",
    "Budget",
    "sheet_rows",
    "check_html_size",
    "refuse_html",
    "cell",
    "norm",
    "shown",
]


# --------------------------------------------------------------------------- files named in params


@dataclass
class FileTarget:
    url: str
    period: str | None = None


PERIOD_GROUPS = re.compile(r"(?P<year>\d{4})\D{0,3}(?:(?P<h>h[12])|(?P<q>q[1-4]))", re.IGNORECASE)


def period_from_text(text: str) -> str | None:
    match = PERIOD_GROUPS.search(text)
    if not match:
        return None
    part = (match.group("h") or match.group("q")).upper()
    return f"{match.group('year')}-{part}"


def file_targets(ctx: Context, what: str) -> list[FileTarget]:
    """The files to fetch: ``params.files`` ([{path or url, period}]) or links on the ``base_url`` page
    whose address matches ``params.link_pattern`` (the newest ``params.latest``, default 1)."""
    files = ctx.params.get("files")
    if files:
        if not isinstance(files, list):
            raise CollectError("params.files must be a list of {path, period} entries")
        targets = []
        for index, entry in enumerate(files):
            if not isinstance(entry, dict) or not (entry.get("path") or entry.get("url")):
                raise CollectError(f"params.files[{index}] needs `path` (relative to base_url) or `url`")
            url = ctx.url(str(entry.get("path") or entry.get("url")))
            period = entry.get("period")
            targets.append(FileTarget(url, str(period) if period else period_from_text(url)))
        return targets
    pattern = ctx.params.get("link_pattern")
    if not pattern:
        raise CollectError(
            f"params names no {what}: add `files: [{{path: ..., period: ...}}]` or a `link_pattern` for links on {ctx.base_url}"
        )
    return discover_links(ctx, str(pattern), int(ctx.params.get("latest", 1)), what)


def discover_links(ctx: Context, pattern: str, latest: int, what: str) -> list[FileTarget]:
    from bs4 import BeautifulSoup  # only the link-discovering collectors need it

    from urllib.parse import urlsplit, urljoin

    page = ctx.fetch(ctx.base_url, accept="text/html", conditional=False)
    check_html_size(page, ctx.limits.budget(page.url))
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise CollectError(f"params.link_pattern is not a valid regular expression ({exc})") from None
    soup = BeautifulSoup(decode_text(page), "html.parser")
    found: dict[str, FileTarget] = {}
    for link in soup.find_all("a", href=True):
        url = urljoin(page.url, link["href"])
        if regex.search(url):
            found.setdefault(url, FileTarget(url, period_from_text(url.rsplit("/", 1)[-1])))
    if not found:
        raise CollectError(f"expected links to {what} matching {pattern!r} on {page.url}; found none — the page may have changed")
    targets = sorted(found.values(), key=lambda t: (t.period or "", t.url))
    return targets[-max(1, latest):]


def series_version(source, period: str) -> str | None:
    """The method version in force for a period: the latest method break that starts on or before it."""
    from ..dataset import period_start

    best = None
    for brk in source.method_breaks:
        if period_start(brk.period) <= period_start(period) and (best is None or period_start(brk.period) >= period_start(best.period)):
            best = brk
    return best.series_version if best else None


def load_files(ctx: Context, what: str, accept: str | None = None) -> list[tuple[str | None, Response]]:
    """Fetch the files a source lists (or links to): (period given in params or None, response)."""
    targets = file_targets(ctx, what)
    kwargs = {"accept": accept} if accept else {}
    responses = ctx.fetch_many([t.url for t in targets], **kwargs)
    return [(t.period, r) for t, r in zip(targets, responses)]


def process_files(ctx: Context, loaded: list[tuple[str | None, Response]], parse) -> list[Record]:
    """Records from every fetched file that changed (a 304 contributes nothing); parse(ctx, response)."""
    records: list[Record] = []
    for _, response in loaded:
        if not response.not_modified:
            records.extend(parse(ctx, response))
    return records


def open_workbook(response: Response, period: str | None, budget: "Budget"):
    """The XLSX body of a half-yearly workbook (FCA, FOS), checked against the bounds, opened read-only;
    or a CollectError saying what was found."""
    import zipfile
    import zlib

    import openpyxl

    if not period:
        raise CollectError(f"cannot tell the half-year of {response.url} — give `period: YYYY-H1` in params.files")
    refuse_html(response, "an XLSX workbook")
    try:
        check_workbook_zip(response.body, response.url, budget)
        return openpyxl.load_workbook(io.BytesIO(response.body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, OSError, ValueError) as exc:
        raise CollectError(
            f"expected an XLSX workbook from {response.url}; found a file openpyxl cannot read ({type(exc).__name__})"
        ) from None


# --------------------------------------------------------------------------- bounds on what one file may hold
#
# A file at a publisher's address (or a hostile one in its place) can hold millions of rows, a zip
# bomb or a cell of megabytes; unbounded, one such workbook took 292 s and 815 MB to parse. Each bound
# is far above the real files — the FCA workbooks 2022-H1 … 2025-H1 have at most 8,766 rows and 11
# columns in a sheet, 32,711 characters in a cell, 1.5 MB in one part and ~4 MB unzipped; the Ofcom and
# Citizens Advice CSVs at most 1,708 rows, 17 columns and lines under 600 characters; CFPB answers
# under 200 kB — so only a file of another order fails, and then within seconds, in bounded memory,
# with a message naming the bound. A source raises a bound with the same name in its ``params``.

MAX_ROWS = 200_000  # rows in one sheet / records in one CSV file
MAX_COLUMNS = 1_000  # cells in one row, and the last column a sheet may use
MAX_CELLS = 2_000_000  # cells in one file (every sheet of a workbook together)
MAX_CELL_CHARS = 100_000  # characters in one cell or shared string (Excel itself stops at 32,767)
MAX_LINE_CHARS = 1_000_000  # characters in one CSV line, checked before the csv module splits it
MAX_UNZIPPED_MB = 100.0  # an XLSX workbook's parts together, uncompressed
MAX_PART_MB = 20.0  # one part of it, uncompressed
MAX_PARTS = 1_000  # parts in the zip
MAX_SHARED_STRINGS = 1_000_000  # entries in a workbook's shared-string table (openpyxl loads it whole)
MAX_JSON_MB = 10.0
MAX_JSON_DEPTH = 64
MAX_HTML_MB = 5.0
MAX_HTML_TAGS = 100_000  # "<" in an HTML page: the HTML parser needs about 1 kB per element
PARSE_TIMEOUT_S = 20.0  # wall-clock time to parse one file (the real workbooks take about 1 s)

# Fixed, not raisable: nothing real comes near them, and what they bound openpyxl keeps in memory.
MAX_LAYOUT_ELEMENTS = 100_000  # elements of a sheet besides its rows and cells (column widths, merged cells …)
MAX_CELL_ELEMENTS = 1_000  # elements inside one cell or shared string (value, formula, rich-text runs)
EXCEL_LAST_ROW = 1_048_576  # openpyxl fills every missing row up to a row's number: none may be past this

_UNITS = {"mb": " MB", "_s": " s"}


@dataclass(frozen=True)
class Limits:
    """The bounds in force for one source: the defaults above, or ``params.<name>``."""

    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS
    max_cell_chars: int = MAX_CELL_CHARS
    max_line_chars: int = MAX_LINE_CHARS
    max_unzipped_mb: float = MAX_UNZIPPED_MB
    max_part_mb: float = MAX_PART_MB
    max_parts: int = MAX_PARTS
    max_shared_strings: int = MAX_SHARED_STRINGS
    max_json_mb: float = MAX_JSON_MB
    max_json_depth: int = MAX_JSON_DEPTH
    max_html_mb: float = MAX_HTML_MB
    max_html_tags: int = MAX_HTML_TAGS
    parse_timeout_s: float = PARSE_TIMEOUT_S
    source_id: str = ""

    @classmethod
    def from_params(cls, params: dict | None, source_id: str = "") -> "Limits":
        params = params or {}
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = params.get(spec.name)
            if spec.name == "source_id" or raw is None:
                continue
            whole = spec.type == "int"
            number = None if isinstance(raw, bool) else _as_number(raw)
            if number is None or not math.isfinite(number) or number <= 0 or (whole and number != int(number)):
                kind = "a whole number" if whole else "a number"
                raise CollectError(
                    f"params.{spec.name} is {raw!r}; write {kind} above zero (the default is {cls._show(spec.name, spec.default)}) "
                    f"in data/sources/{source_id}.yaml"
                )
            values[spec.name] = int(number) if whole else number
        return cls(source_id=source_id, **values)

    @staticmethod
    def _show(name: str, value: float) -> str:
        unit = next((u for end, u in _UNITS.items() if name.endswith(end)), "")
        return f"{value:,g}{unit}" if unit else f"{value:,}"

    def exceeded(self, name: str, what: str) -> CollectError:
        """The plain failure for a file over bound ``name``: what was found, the bound, how to raise it."""
        where = f"data/sources/{self.source_id}.yaml" if self.source_id else "the source's record"
        return CollectError(
            f"{what}; the limit is {self._show(name, getattr(self, name))} — a file this large is refused "
            f"(if it is genuine, raise params.{name} in {where})"
        )

    def bytes(self, name: str) -> int:
        return int(getattr(self, name) * 1_000_000)

    def budget(self, url: str) -> "Budget":
        return Budget(self, url)


def _as_number(raw: Any) -> float | None:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


class Budget:
    """One file's parse: its limits and the wall-clock deadline the parse loops check as they go."""

    def __init__(self, limits: Limits, url: str):
        self.limits = limits
        self.url = url
        self.deadline = time.monotonic() + limits.parse_timeout_s

    def check(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            raise self.limits.exceeded(
                "parse_timeout_s", f"parsing {self.url} took over {self.limits.parse_timeout_s:g} s (stopped at {where})"
            )


# ----- CSV

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _bounded_lines(text: str, url: str, limits: Limits) -> Iterator[str]:
    """The lines of ``text`` (ends kept, for the csv module), refusing one longer than max_line_chars
    before it is cut out — so a line of five million columns is never handed to the csv module."""
    limit = limits.max_line_chars
    start, number, size = 0, 0, len(text)
    while start < size:
        number += 1
        match = _LINE_BREAK.search(text, start, start + limit + 2)  # look no further than a line may go
        end = match.start() if match else size
        if end - start > limit:
            raise limits.exceeded("max_line_chars", f"line {number:,} of {url} has more than {limit:,} characters")
        stop = match.end() if match else size
        yield text[start:stop]
        start = stop


def read_csv_rows(response: Response, expected: str, budget: Budget) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) of a CSV file, streamed: rows, columns, cells, cell and line sizes and the
    parse time are counted as it goes, and the first bound crossed fails the source."""
    refuse_html(response, expected)
    text = decode_text(response)
    if not text or text.isspace():
        raise CollectError(f"expected {expected} from {response.url}, found an empty file")
    limits, url = budget.limits, response.url
    # The csv module's own field limit is process-wide (default 131,072): only ever raise it, so a
    # multi-line quoted field stops there at the latest; max_cell_chars is checked on every field below.
    if csv.field_size_limit() <= limits.max_cell_chars:
        csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(_bounded_lines(text, url, limits))
    cells = 0
    try:
        for count, row in enumerate(reader, start=1):
            line = reader.line_num
            if count > limits.max_rows:
                raise limits.exceeded("max_rows", f"{url} has more than {limits.max_rows:,} rows (stopped at line {line:,})")
            if len(row) > limits.max_columns:
                raise limits.exceeded("max_columns", f"line {line:,} of {url} has {len(row):,} columns")
            cells += len(row)
            if cells > limits.max_cells:
                raise limits.exceeded("max_cells", f"{url} has more than {limits.max_cells:,} cells (stopped at line {line:,})")
            if row and max(map(len, row)) > limits.max_cell_chars:
                longest = max(map(len, row))
                raise limits.exceeded("max_cell_chars", f"a cell on line {line:,} of {url} has {longest:,} characters")
            if not count % 1024:
                budget.check(f"line {line:,}")
            yield line, row
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise limits.exceeded(
                "max_cell_chars", f"a cell ending on line {reader.line_num:,} of {url} has more than {limits.max_cell_chars:,} characters"
            ) from None
        raise CollectError(f"expected {expected} from {response.url}, found text that is not CSV ({exc})") from None


# ----- JSON and HTML


def _json_depth_over(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def check_html_size(response: Response, budget: Budget) -> None:
    """Before an HTML page goes to the parser (which needs ~1 kB per element): its size and tag count."""
    limits, size = budget.limits, len(response.body)
    if size > limits.bytes("max_html_mb"):
        raise limits.exceeded("max_html_mb", f"the page {response.url} is {size / 1e6:,.1f} MB")
    tags = response.body.count(b"<")
    if tags > limits.max_html_tags:
        raise limits.exceeded("max_html_tags", f"the page {response.url} has {tags:,} tags (counting every '<')")


# ----- XLSX


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


class _WorkbookScan:
    """One streaming pass (expat, 64 kB at a time) over the XML parts of an XLSX zip before openpyxl
    sees them: openpyxl materialises a whole <row> with its cells, fills every missing row up to a
    row's number, loads the shared strings whole and keeps elements it has read, so what it would
    hold is counted here first and the first bound crossed fails the file."""

    CHUNK = 1 << 16

    def __init__(self, archive, url: str, budget: Budget):
        self.archive, self.url, self.budget, self.limits = archive, url, budget, budget.limits
        self.cells = 0
        self.names: dict[str, str] = {}  # part → "sheet 'Opened'"
        self.elements = 0

    def run(self) -> None:
        import posixpath

        infos = [i for i in self.archive.infolist() if self._is_xml(i)]
        names = {i.filename for i in infos}
        book = next((n for n in sorted(names) if n.lower().endswith("workbook.xml")), None)
        rels = book and posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
        first = [i for i in infos if i.filename in (book, rels)]  # scanned, then read for the sheet names
        for info in first:
            self._scan(info)
        if book and rels in names:
            self._name_sheets(book, rels)
        for info in infos:
            if info not in first:
                self._scan(info)

    def _is_xml(self, info) -> bool:
        """By content, not name: openpyxl parses whatever part the relationships point to."""
        if info.filename.lower().endswith((".xml", ".rels")):
            return True
        with self.archive.open(info) as stream:
            head = stream.read(64)
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))

    def _name_sheets(self, book: str, rels: str) -> None:
        """Sheet names for the messages, from workbook.xml and its relationships (best effort)."""
        import posixpath
        from xml.etree import ElementTree

        try:
            targets = {}
            for node in ElementTree.fromstring(self.archive.read(rels)):
                target = node.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(book), target))
                targets[node.get("Id")] = path
            for node in ElementTree.fromstring(self.archive.read(book)).iter():
                if node.tag.rpartition("}")[2] == "sheet":
                    rid = next((v for k, v in node.attrib.items() if k.rpartition("}")[2] == "id"), None)
                    if rid in targets:
                        self.names[targets[rid]] = f"sheet {node.get('name')!r}"
        except Exception:  # noqa: BLE001 - a malformed part is reported by the scan itself
            self.names = {}

    def _scan(self, info) -> None:
        from xml.parsers import expat

        limits, part = self.limits, info.filename
        what = self.names.get(part, f"part {part!r}")
        url = self.url
        parser = expat.ParserCreate(namespace_separator="}")
        state = {"depth": 0, "inside": 0, "chars": 0, "sheet": False, "layout": 0, "rows": 0,
                 "row": 0, "in_row": 0, "row_cells": 0, "column": 0, "strings": 0, "cell_elements": 0}

        def start(name: str, attrs: dict) -> None:
            local = name.rpartition("}")[2]
            depth = state["depth"] = state["depth"] + 1
            self.elements += 1
            if not self.elements & 0xFFF:
                self.budget.check(f"{what}")
            if state["inside"]:  # within one cell or shared string: its value, formula, rich-text runs
                state["cell_elements"] += 1
                if state["cell_elements"] > MAX_CELL_ELEMENTS:
                    raise CollectError(
                        f"a cell or string in {what} of {url} is made of more than {MAX_CELL_ELEMENTS:,} elements "
                        "(rich-text runs …) — no real workbook has that; the file is refused"
                    )
                return
            state["chars"] = 0  # text is counted per cell / shared string, and per element elsewhere
            if local in ("c", "si"):
                state["inside"], state["cell_elements"] = depth, 0
            # openpyxl takes a <row> wherever it is (and whatever the part's root), so every one is counted
            if depth == 1:
                state["sheet"] = local == "worksheet"
            elif local == "row":
                state["in_row"] = depth
                self._row(state, attrs, what)
            elif state["in_row"] and local == "c":
                self._cell(state, attrs, what)
            elif state["sheet"] and local != "sheetData":  # everything else openpyxl reads (or keeps) from a sheet
                state["layout"] += 1
                if state["layout"] > MAX_LAYOUT_ELEMENTS:
                    raise CollectError(
                        f"{what} of {url} has more than {MAX_LAYOUT_ELEMENTS:,} elements besides its rows and cells "
                        "(column widths, merged cells, formatting …) — no real sheet has that many; the file is refused"
                    )
            if local == "si":
                state["strings"] += 1
                if state["strings"] > limits.max_shared_strings:
                    raise limits.exceeded("max_shared_strings", f"the shared-string table of {url} has more than {limits.max_shared_strings:,} entries")

        def end(name: str) -> None:
            depth = state["depth"]
            for key in ("inside", "in_row"):
                if state[key] == depth:
                    state[key] = 0
            state["depth"] = depth - 1

        def text(data: str) -> None:
            state["chars"] += len(data)
            if state["chars"] > limits.max_cell_chars:
                place = f"row {state['row']:,} of {what}" if state["in_row"] else what
                raise limits.exceeded("max_cell_chars", f"a cell or string in {place} of {url} has more than {limits.max_cell_chars:,} characters")

        def doctype(*_args) -> None:
            # OOXML parts may not declare a DTD (ECMA-376 part 2); refusing it rules out entity expansion.
            raise CollectError(f"expected an XLSX workbook from {url}; its part {part!r} declares a DTD, which workbooks never do")

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = doctype
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(self.CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise CollectError(f"expected an XLSX workbook from {url}; its part {part!r} is not well-formed XML ({exc})") from None

    def _row(self, state: dict, attrs: dict, what: str) -> None:
        limits = self.limits
        state["rows"] += 1
        if state["rows"] > limits.max_rows:
            raise limits.exceeded("max_rows", f"{what} of {self.url} has more than {limits.max_rows:,} rows")
        raw = attrs.get("r")
        if raw is None:
            number = state["row"] + 1
        else:
            value = _as_number(raw)
            if value is None or not math.isfinite(value) or value != int(value) or value < 1:
                raise CollectError(f"expected whole row numbers in {what} of {self.url}; found row number {raw[:40]!r}")
            number = int(value)
        if number > EXCEL_LAST_ROW:
            raise CollectError(
                f"{what} of {self.url} has a row numbered {number:,}, past the last row a spreadsheet can have "
                f"({EXCEL_LAST_ROW:,}) — the file is refused"
            )
        state["row"], state["row_cells"], state["column"] = number, 0, 0

    def _cell(self, state: dict, attrs: dict, what: str) -> None:
        limits = self.limits
        state["row_cells"] += 1
        self.cells += 1
        raw = attrs.get("r")
        letters = re.match(r"[A-Za-z]{1,4}", raw) if raw else None
        column = _column_number(letters.group()) if letters else state["column"] + 1
        state["column"] = column
        if state["row_cells"] > limits.max_columns or column > limits.max_columns:
            shown_column = f"column {letters.group().upper()} ({column:,})" if letters else f"column {column:,}"
            raise limits.exceeded("max_columns", f"row {state['row']:,} of {what} of {self.url} has a cell in {shown_column}")
        if self.cells > limits.max_cells:
            raise limits.exceeded("max_cells", f"the workbook {self.url} has more than {limits.max_cells:,} cells (stopped in {what})")


def check_workbook_zip(body: bytes, url: str, budget: Budget):
    """The zip of an XLSX workbook, checked against the bounds before any part is parsed: parts,
    their declared uncompressed sizes (zipfile stops reading a part at its declared size and then
    fails its CRC, so a part cannot unzip to more) and a streaming scan of every XML part."""
    import zipfile

    limits = budget.limits
    # Every central-directory entry starts with this signature; counted before zipfile builds an
    # object per entry (a zip of a million empty entries fits under the download cap).
    entries = body.count(b"PK\x01\x02")
    if entries > limits.max_parts:
        raise limits.exceeded("max_parts", f"the workbook {url} has {entries:,} parts in its zip")
    archive = zipfile.ZipFile(io.BytesIO(body))
    infos = archive.infolist()
    if len(infos) > limits.max_parts:
        raise limits.exceeded("max_parts", f"the workbook {url} has {len(infos):,} parts in its zip")
    total = 0
    for info in infos:
        if info.file_size > limits.bytes("max_part_mb"):
            raise limits.exceeded(
                "max_part_mb", f"the part {info.filename!r} of the workbook {url} unzips to {info.file_size / 1e6:,.1f} MB "
                f"(from {info.compress_size / 1e6:,.1f} MB)"
            )
        total += info.file_size
    if total > limits.bytes("max_unzipped_mb"):
        raise limits.exceeded("max_unzipped_mb", f"the workbook {url} unzips to {total / 1e6:,.1f} MB")
    _WorkbookScan(archive, url, budget).run()
    return archive


def sheet_rows(workbook, sheet: str, budget: Budget) -> Iterator[tuple]:
    """The rows of one sheet as values, with the parse deadline checked as they come. The sheet's
    <dimension> claim is not used: the FCA's 2023-H1 workbook claims A1:J1048571 for 234 rows; rows
    and columns were counted by the scan, and a missing row comes back as an empty one."""
    ws = workbook[sheet]
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if not number & 0xFFF:
            budget.check(f"row {number:,} of sheet {sheet!r}")
        yield row
