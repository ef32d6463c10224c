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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

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

    @property
    def params(self) -> dict:
        return self.source.params

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
        """``base_url`` (or ``--endpoint``) joined with a path from params."""
        if re.match(r"^https?://", path):
            return path
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
        sid = series_id(provider, self.source.id, metric.value, segment)
        stat = m.Statistic(
            id=figure_id(sid, period),
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


def read_json(response: Response) -> Any:
    refuse_html(response, "JSON")
    if not response.body.strip():
        raise CollectError(f"expected JSON from {response.url}, found an empty body")
    try:
        return json.loads(response.body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CollectError(f"expected JSON (UTF-8) from {response.url}, found bytes that are not UTF-8") from None
    except json.JSONDecodeError as exc:
        size = len(response.body)
        cut = " — the body looks cut off (truncated)" if exc.pos >= size - 2 else ""
        raise CollectError(
            f"expected JSON from {response.url}, found invalid JSON at byte {exc.pos} of {size}: {exc.msg}{cut}"
        ) from None


def read_csv_rows(response: Response, expected: str) -> list[list[str]]:
    refuse_html(response, expected)
    text = decode_text(response)
    if not text.strip():
        raise CollectError(f"expected {expected} from {response.url}, found an empty file")
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise CollectError(f"expected {expected} from {response.url}, found text that is not CSV ({exc})") from None


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

    from urllib.parse import urljoin

    page = ctx.fetch(ctx.base_url, accept="text/html", conditional=False)
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


def open_workbook(response: Response, period: str | None):
    """The XLSX body of a half-yearly workbook (FCA, FOS), or a CollectError saying what was found."""
    import zipfile

    import openpyxl

    if not period:
        raise CollectError(f"cannot tell the half-year of {response.url} — give `period: YYYY-H1` in params.files")
    refuse_html(response, "an XLSX workbook")
    try:
        return openpyxl.load_workbook(io.BytesIO(response.body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise CollectError(
            f"expected an XLSX workbook from {response.url}; found a file openpyxl cannot read ({type(exc).__name__})"
        ) from None
