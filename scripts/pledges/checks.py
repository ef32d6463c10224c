"""The checks of each record that need the other records or today: references, dates, free text, series points,
source parameters. ``dataset.check_records`` runs them on every loaded record."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from . import models as m
from .loaded import Dataset, Loaded, printable
from .pii import find_personal_data
from .urls import url_problem
from .yamlio import FORBIDDEN_IN_TEXT, character_problem

# --------------------------------------------------------------------------- cross-record checks

REFERENCES: dict[str, list[tuple[tuple, str]]] = {
    # kind → (path in record, kind referred to); "*" in a path runs over a list
    "pledges": [(("provider",), "providers"), (("supersedes",), "pledges")],
    "releases": [(("source",), "sources")],
    "series": [(("provider",), "providers"), (("source",), "sources"), (("points", "*", "release"), "releases")],
    "reports": [(("provider",), "providers"), (("pledge",), "pledges")],
    "responses": [(("provider",), "providers"), (("pledge",), "pledges"), (("report",), "reports")],
    "providers": [(("source_names", "*", "source"), "sources"), (("events", "*", "successor"), "providers")],
    "status": [(("id",), "sources")],
    "watch": [(("id",), "pledges"), (("source",), "sources")],
}

# Dates that describe something that has already happened: none may lie after today.
PAST_DATES: dict[str, list[tuple]] = {
    "providers": [("provenance", "published"), ("provenance", "retrieved"), ("customer_base", "*", "as_of"), ("events", "*", "date")],
    "sources": [],
    "pledges": [("published",), ("provenance", "published"), ("provenance", "retrieved"), ("previous_versions", "*", "valid_to")],
    "releases": [("published",), ("retrieved",)],
    "reports": [("date",), ("reported",), ("resolved",)],
    "responses": [("date",), ("provenance", "published"), ("provenance", "retrieved")],
    "corrections": [("date",)],
    "status": [("last_success",), ("last_attempt",)],
    "watch": [("since",), ("last_seen",), ("proposed", "seen"), ("provenance", "retrieved")],
}

CADENCE_PERIOD_SHAPE = {
    m.Cadence.monthly: ("YYYY-MM", lambda p: len(p) == 7 and p[5] not in "QH"),
    m.Cadence.quarterly: ("YYYY-Q1…Q4", lambda p: "-Q" in p),
    m.Cadence.half_yearly: ("YYYY-H1 or YYYY-H2", lambda p: "-H" in p),
    m.Cadence.yearly: ("YYYY", lambda p: len(p) == 4),
}

NOT_FREE_TEXT = {"id", "url", "website", "evidence_url", "evidence", "source_url", "reply_from", "reply_accounts", "reporter", "sha256", "etag", "last_modified", "collected_by", "contributor"}


def _values_at(data: Any, path: tuple, prefix: tuple = ()) -> Iterable[tuple[tuple, Any]]:
    if not path:
        yield prefix, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _values_at(item, rest, prefix + (index,))
    elif isinstance(data, dict) and head in data:
        yield from _values_at(data[head], rest, prefix + (head,))


def _strings(data: Any, prefix: tuple = ()) -> Iterable[tuple[tuple, str]]:
    if isinstance(data, str):
        yield prefix, data
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_FREE_TEXT:
                yield from _strings(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, prefix + (index,))


def _all_text(data: Any, prefix: tuple = ()) -> Iterable[tuple[tuple, str, bool]]:
    """(location, text, is-a-key) for every string in a record, keys included."""
    if isinstance(data, str):
        yield prefix, data, False
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield prefix + (key,), key, True
            yield from _all_text(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _all_text(value, prefix + (index,))


def check_characters(dataset: Dataset, item: Loaded) -> None:
    """Refuse control, bidirectional and other forbidden characters (yamlio.FORBIDDEN_IN_TEXT) in every
    string of a record: ids, addresses, free text, collector parameters and their keys. A file whose
    text held none and no escape is skipped (the reader already scanned it)."""
    if item.doc.text_is_clean:
        return
    for loc, text, is_key in _all_text(item.doc.data):
        found = FORBIDDEN_IN_TEXT.search(text)
        if found is not None:
            name = loc[-1] if loc and isinstance(loc[-1], str) else "a value"
            where = f"the key '{printable(name)}'" if is_key else f"'{printable(str(name))}'"
            line, column = item.where(loc, key=is_key)
            dataset.add(item.path, line, column, f"{where}: {character_problem(found.group())}")


def _check_references(dataset: Dataset, kind: str, item: Loaded) -> None:
    for path, target in REFERENCES.get(kind, []):
        for loc, value in _values_at(item.doc.data, path):
            if value is None or value in dataset.loaded[target]:
                continue
            known = list(dataset.loaded[target])
            close = difflib.get_close_matches(str(value), known, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            dataset.report(
                item, loc, f"'{value}' is not a known {target[:-1]} — {hint}use the id of a file in data/{target}/ or add that record first"
            )


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        try:
            return (value.astimezone(UTC) if value.tzinfo else value).date()
        except OverflowError:  # a date field given as a date-time at the edge of the calendar
            return value.date()
    if isinstance(value, date):
        return value
    return None


def _check_dates(dataset: Dataset, kind: str, item: Loaded, today: date) -> None:
    for path in PAST_DATES.get(kind, []):
        for loc, value in _values_at(item.doc.data, path):
            day = _as_date(value) or _as_date(_parse_date(value))
            if day and day > today:
                dataset.report(item, loc, f"date {day.isoformat()} is in the future (today is {today.isoformat()}) — correct the date")


def _parse_date(value: Any) -> date | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _check_free_text(dataset: Dataset, item: Loaded) -> None:
    clean = dataset._clean_texts  # a text with personal data is not kept there: each place it is in is reported
    for loc, text in _strings(item.doc.data):
        if text in clean or (loc and loc[0] == "params"):
            continue
        personal = find_personal_data(text)
        if not personal:
            clean.add(text)
        for what, found in personal:
            line, column = _line_of_text(item, loc, found)
            dataset.add(item.path, line, column,
                        f"free text contains {what} ({found!r}) — remove personal data; describe the case without it")


def _line_of_text(item: Loaded, loc: tuple, found: str) -> tuple[int, int]:
    """The line that holds `found` inside a (possibly multi-line) value; rare, so the file is re-read."""
    line, column = item.where(loc)
    try:
        lines = item.path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return line, column
    needle = found.split()[0] if found.split() else found
    for number in range(line, len(lines) + 1):
        index = lines[number - 1].find(needle)
        if index >= 0:
            return number, index + 1
    return line, column


def _check_report_provider(dataset: Dataset, item: Loaded) -> None:
    """A report names its provider and its pledge: they must agree (the pledge is that provider's)."""
    report: m.Report = item.record
    pledge = dataset.pledges.get(report.pledge) if report.pledge else None
    if pledge is not None and report.provider and pledge.provider != report.provider:
        dataset.report(item, ("pledge",), f"pledge '{pledge.id}' is a pledge of '{pledge.provider}', not of "
                                          f"'{report.provider}' — name a pledge of this provider or leave `pledge` out")


def _check_response_figure(dataset: Dataset, item: Loaded) -> None:
    figure = item.record.statistic
    if figure is None or figure in dataset.statistics:
        return
    close = difflib.get_close_matches(figure, list(dataset.statistics), n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    dataset.report(item, ("statistic",), f"'{figure}' is not a known figure — {hint}use `<series id>--<period>` of a point in data/series/")


SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
URL_RE = re.compile(m.URL_PATTERN)


def _check_source_params(dataset: Dataset, item: Loaded) -> None:
    """Collector parameters are free-form, but every address in them must be a valid http(s) URL:
    values of keys named `url`/`*_url`, and any value that starts with a scheme."""
    for loc, text in _strings(item.doc.data.get("params", {}), ("params",)):
        key = next((part for part in reversed(loc) if isinstance(part, str)), "")
        cleaned = re.sub(r"[\x00-\x20\x7f]", "", text)
        scheme = SCHEME.match(cleaned)
        looks_like_address = key == "url" or key.endswith("_url") or (scheme and "/" in cleaned)
        if scheme and scheme.group(1).lower() in {"javascript", "data", "vbscript", "file"}:
            looks_like_address = True
        if looks_like_address and not _valid_http_url(text):
            dataset.report(item, loc, f"'{key}' must be a valid http(s) URL, not {text!r} — write the full https:// address")


def _valid_http_url(text: str) -> bool:
    return bool(URL_RE.match(text)) and url_problem(text) is None


def check_record(dataset: Dataset, kind: str, item: Loaded, today: date) -> None:
    """Every check of one record except the series points (``dataset._check_series``)."""
    check_characters(dataset, item)
    _check_references(dataset, kind, item)
    _check_dates(dataset, kind, item, today)
    _check_free_text(dataset, item)
    if kind == "responses":
        _check_response_figure(dataset, item)
    if kind == "reports":
        _check_report_provider(dataset, item)
    if kind == "sources":
        _check_source_params(dataset, item)
