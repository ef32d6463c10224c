"""Loading the data folder and checking it: the engine behind ``pledges check``.

load → validate each file against its model → cross-record checks. Every problem is
collected (nothing stops at the first) as ``path:line:column: what is wrong — how to fix``.
Collectors call the same ``check_records`` before they write anything.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
import stat
import typing
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any, Iterable

import pydantic
from pydantic import BaseModel

from . import models as m
from .pii import find_personal_data
from .yamlio import FORBIDDEN_IN_TEXT, Document, YamlProblem, character_problem, not_regular_file, read_yaml_file


def today_default() -> date:
    """Today in UTC (collectors stamp retrieval times in UTC), or the frozen day in
    PLEDGES_TODAY (YYYY-MM-DD) for tests and reproducible builds."""
    frozen = os.environ.get("PLEDGES_TODAY")
    if not frozen:
        return datetime.now(timezone.utc).date()
    try:
        return date.fromisoformat(frozen)
    except ValueError:
        raise ValueError(f"PLEDGES_TODAY={frozen!r} is not a date — set it to YYYY-MM-DD or unset it") from None


def printable(text: str) -> str:
    """Text safe to print on one terminal line: a file name with a line break, a control or a
    bidirectional character (or bytes that are not UTF-8) could otherwise fake or hide output lines."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for ch in text)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.column}: {self.message}")


@dataclass
class Loaded:
    kind: str
    path: Path
    doc: Document
    record: Any

    def where(self, loc: tuple, *, key: bool = False) -> tuple[int, int]:
        return self.doc.position(loc, key=key)


@dataclass
class Dataset:
    root: Path
    loaded: dict[str, dict[str, Loaded]] = field(default_factory=lambda: {kind: {} for kind in m.KINDS})
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    _figures: dict[str, m.Statistic] | None = field(default=None, repr=False)

    def records(self, kind: str) -> dict[str, Any]:
        return {rid: item.record for rid, item in self.loaded[kind].items()}

    @property
    def providers(self) -> dict[str, m.Provider]:
        return self.records("providers")

    @property
    def sources(self) -> dict[str, m.Source]:
        return self.records("sources")

    @property
    def pledges(self) -> dict[str, m.Pledge]:
        return self.records("pledges")

    @property
    def releases(self) -> dict[str, m.Release]:
        return self.records("releases")

    @property
    def series(self) -> dict[str, m.Series]:
        return self.records("series")

    @property
    def statistics(self) -> dict[str, m.Statistic]:
        """Every figure, one per series point, joined with its release's provenance (built once)."""
        if self._figures is None:
            self._figures = build_figures(self.series, self.releases)
        return self._figures

    @property
    def reports(self) -> dict[str, m.Report]:
        return self.records("reports")

    @property
    def responses(self) -> dict[str, m.Response]:
        return self.records("responses")

    @property
    def corrections(self) -> dict[str, m.Correction]:
        return self.records("corrections")

    @property
    def status(self) -> dict[str, m.SourceStatus]:
        return self.records("status")

    def add(self, path: Path | str, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(str(path), line, column, message))

    def report(self, item: Loaded, loc: tuple, message: str, *, key: bool = False) -> None:
        line, column = item.where(loc, key=key)
        self.add(item.path, line, column, message)


# --------------------------------------------------------------------------- pydantic errors → advice


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside Optional[...] / list[...] / Annotated[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _unwrap_model(arg)
        if found:
            return found
    return None


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel]:
    current = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        inner = _unwrap_model(info.annotation) if info else None
        if inner is None:
            return current
        current = inner
    return current


def _field_hint(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return f" ({info.description})" if info and info.description else ""


PATTERN_ADVICE = {
    r"^[a-z]{2}$": "write a two-letter ISO 639-1 language code such as `en` or `nl`",
    r"^[A-Z]{2}$": "write a two-letter ISO 3166-1 country code such as `GB`, `NL` or `US`",
    r"^[A-Z]{3}$": "write a three-letter ISO 4217 currency code such as `GBP` or `EUR`",
    r"^[0-9a-f]{64}$": "write the 64 lower-case hex digits of the SHA-256",
    r"^(collector|contributor):[A-Za-z0-9_.-]+$": "write `contributor:<your GitHub handle>` (or `collector:<module>` for collected files)",
    m.ID_PATTERN: "use lower-case letters, digits and single hyphens, e.g. `bt-repair-guarantee`",
    m.URL_PATTERN: "write a full web address starting with https:// (or http://); other schemes such as javascript: are refused",
    m.PERIOD_PATTERN: "write the period as YYYY, YYYY-H1, YYYY-Q3 or YYYY-MM",
}


def _field_loc(model: type[BaseModel], loc: tuple) -> tuple:
    """Drop pydantic's union-member tags (`date`, `datetime` …) so the location is a data path."""
    kept: list = []
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            kept.append(part)
        elif current is not None and part in current.model_fields:
            kept.append(part)
            current = _unwrap_model(current.model_fields[part].annotation)
        elif current is not None and current.model_config.get("extra") == "forbid" and not kept[-1:] == [part]:
            kept.append(part)  # an unknown field: keep it, it is the point of the error
            current = None
    return tuple(kept)


def _display_name(loc: tuple, model: type[BaseModel]) -> str:
    """`channels[1]` for list items, the field name otherwise."""
    if not loc:
        return model.__name__
    if isinstance(loc[-1], int):
        parent = next((str(p) for p in reversed(loc) if isinstance(p, str)), "item")
        return f"{parent}[{loc[-1]}]"
    return str(loc[-1])


def explain_error(model: type[BaseModel], error: dict) -> tuple[tuple, str, bool]:
    """Turn one pydantic error into (location, message with a fix, points-at-key)."""
    loc = _field_loc(model, tuple(error["loc"]))
    kind = error["type"]
    name = _display_name(loc, model)
    parent = _model_at(model, loc[:-1])
    given = error.get("input")
    if kind == "extra_forbidden":
        allowed = list(parent.model_fields)
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return loc, f"unknown field '{name}' — {hint}remove or rename it; allowed here: {', '.join(allowed)}", True
    if kind == "missing":
        return loc[:-1], f"missing required field '{name}' — add `{name}:`{_field_hint(parent, name)}", False
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return loc, f"'{given}' is not allowed for '{name}' — use one of {expected}", False
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        whole = "a whole number" if kind.startswith("int") else "a number"
        example = "`12`" if kind.startswith("int") else "`12` or `12.5`"
        return loc, f"'{name}' must be {whole}, not {given!r} — write digits only, without quotes, e.g. {example}", False
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        advice = PATTERN_ADVICE.get(pattern, f"it must match {pattern}")
        return loc, f"'{name}' has an invalid value {given!r} — {advice}", False
    if kind.startswith(("date_", "datetime_")):
        return loc, f"'{name}' must be a date, not {given!r} — write it as YYYY-MM-DD", False
    if kind in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        shape = {"list_type": "a list (lines starting with '- ')", "dict_type": "a mapping of `key: value` lines"}.get(
            kind, "a mapping of `field: value` lines"
        )
        return loc, f"'{name}' must be {shape}, not {given!r} — rewrite it in that shape", False
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        # Cross-field rules name the field they are about first, in backticks: point at it.
        here = _model_at(model, loc)
        named = re.search(r"`(\w+)`", reason)
        if named and named.group(1) in here.model_fields:
            loc = loc + (named.group(1),)
        return loc, f"{reason} — correct the value" + ("s so they agree" if named and "`" in reason[named.end():] else ""), False
    if kind == "finite_number":
        return loc, f"'{name}' must be a finite number, not {given!r} — write the published figure in digits", False
    if kind in {"bool_type", "bool_parsing"}:
        return loc, f"'{name}' must be true or false, not {given!r} — write true or false", False
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return loc, f"'{name}' is out of range: {error['msg'].lower()} — correct the value", False
    if kind in {"string_too_short", "too_short"}:
        return loc, f"'{name}' is empty — fill it in{_field_hint(parent, name)}", False
    return loc, f"'{name}': {error['msg']} — see docs/field-dictionary.md", False


# --------------------------------------------------------------------------- loading


RECORD_SUFFIXES = (".yaml", ".yml")


def scan_data_folder(root: Path) -> tuple[list[tuple[str | None, Path]], list[tuple[Path, str]]]:
    """Every record path under root as (kind, path) — kind None outside a known folder — and the
    problems of the folder structure as (path, message).

    Links are never followed (a linked kind folder would make `check` read, and `fmt` write, outside
    the data folder); a kind folder that is not a folder, a folder that cannot be read and a `.yaml`
    path that is not a regular file are reported, not skipped: `ok` must mean every record was read.
    Paths that are not regular files are returned with the records, so that the reader says what
    they are. Hidden entries (`.git`, editor files) are skipped.
    """
    records: list[tuple[str | None, Path]] = []
    problems: list[tuple[Path, str]] = []

    def walk(folder: Path, kind: str | None, top: bool) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append((folder, f"cannot read this folder ({exc.strerror or type(exc).__name__}) — make it "
                                     "readable (e.g. `chmod a+rx`) or remove it"))
            return
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = Path(folder) / name
            is_record = name.endswith(RECORD_SUFFIXES)
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                problems.append((path, f"cannot inspect this path ({exc.strerror}) — check its permissions"))
                continue
            if top and name in m.KINDS and (is_link or not is_dir):
                what = "a symbolic link" if is_link else (not_regular_file(_lstat_mode(path)) or "a file")
                problems.append((path, f"the {name} folder is {what}, not a folder — make data/{name} an ordinary "
                                       "folder holding the record files (links are never followed)"))
                continue
            if is_record:
                records.append((kind, path))  # the reader refuses links, folders, pipes and devices
            elif is_link and (kind is not None or name in m.KINDS):
                problems.append((path, "a symbolic link inside the data folder — links are never followed; put the "
                                       "folder or the records themselves here"))
            if is_dir:
                subfolders.append((path, name))
        for path, name in subfolders:
            walk(path, (name if name in m.KINDS else None) if top else kind, False)

    walk(root, None, True)
    return records, problems


def _lstat_mode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return stat.S_IFREG


def iter_record_files(root: Path) -> Iterable[tuple[str | None, Path]]:
    """(kind, path) for every YAML file under root; kind None for files outside a known folder."""
    return iter(scan_data_folder(root)[0])


def could_not_check(dataset: Dataset, path: Path | str, exc: BaseException) -> None:
    """Last resort, after every known kind of bad input has its own message: an unexpected error in
    the checks of one file is a bug, reported on that file, and the other files are still checked."""
    dataset.add(path, 1, 1, f"could not be checked ({type(exc).__name__}: {exc}) — report this as a bug, with the file")


def load_file(kind: str, path: Path, dataset: Dataset) -> Loaded | None:
    try:
        return _load_file(kind, path, dataset)
    except Exception as exc:  # noqa: BLE001 - see could_not_check
        could_not_check(dataset, path, exc)
        return None


def _load_file(kind: str, path: Path, dataset: Dataset) -> Loaded | None:
    model = m.KINDS[kind]
    try:
        doc = read_yaml_file(path)
    except YamlProblem as problem:
        dataset.add(path, problem.line, problem.column, problem.message)
        for line, column, hint in problem.hints:
            dataset.add(path, line, column, hint)
        return None
    if not isinstance(doc.data, dict):
        dataset.add(path, 1, 1, f"a {kind[:-1]} record must be a mapping of `field: value` lines — see `pledges new`")
        return None
    try:
        record = model.model_validate(doc.data)
    except pydantic.ValidationError as exc:
        reported: set[tuple] = set()
        for error in exc.errors(include_url=False):
            loc, message, key = explain_error(model, error)
            if (loc, message) in reported:  # unions report once per member type
                continue
            reported.add((loc, message))
            line, column = doc.position(loc, key=key)
            dataset.add(path, line, column, message)
        return None
    return Loaded(kind, path, doc, record)


def load_dataset(root: Path | str, today: date | None = None) -> Dataset:
    """Load and check every record under root. Problems are in ``dataset.problems``."""
    # Parsing allocates millions of short-lived acyclic objects; the cyclic collector would
    # otherwise walk the growing dataset again and again (about a quarter of the run time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_dataset(Path(root), today)
    finally:
        if enabled:
            gc.enable()


def _load_dataset(root: Path, today: date | None) -> Dataset:
    dataset = Dataset(root)
    if not root.is_dir():
        dataset.add(root, 1, 1, "data folder not found — pass --data DIR pointing at the folder with providers/, pledges/ …")
        return dataset
    paths, structure = scan_data_folder(root)
    for path, message in structure:
        dataset.add(path, 1, 1, message)
    for kind, path in paths:
        dataset.files += 1
        if kind is None:
            dataset.add(path, 1, 1, f"file is outside the record folders — move it into one of {', '.join(m.KINDS)}")
            continue
        if path.suffix == ".yml":
            dataset.add(path, 1, 1, "use the extension .yaml — rename the file")
            continue
        item = load_file(kind, path, dataset)
        if item is None:
            continue
        try:
            check_identity(item, dataset)
        except Exception as exc:  # noqa: BLE001 - see could_not_check
            could_not_check(dataset, path, exc)
    check_records(dataset, today or today_default())
    dataset.problems.sort()
    return dataset


def check_identity(item: Loaded, dataset: Dataset) -> None:
    rid = item.record.id
    if rid != item.path.stem:
        dataset.report(item, ("id",), f"id '{rid}' differs from the file name '{item.path.stem}' — rename the file to {rid}.yaml or change the id")
    seen = dataset.loaded[item.kind].get(rid)
    if seen is not None:
        dataset.report(item, ("id",), f"duplicate id '{rid}', already used by {seen.path} — give this record its own id and file name")
        return
    dataset.loaded[item.kind][rid] = item


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


def period_start(period: str) -> date:
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 1, 1)
    tail = period[5:]
    if tail[0] == "Q":
        return date(year, 3 * (int(tail[1]) - 1) + 1, 1)
    if tail[0] == "H":
        return date(year, 1 if tail[1] == "1" else 7, 1)
    return date(year, int(tail), 1)


def figure_id(series_id: str, period: str, segment: str | None = None) -> str:
    """`<series>--<period>`, or `<series>--<segment slug>--<period>` for a segment's figure."""
    return f"{series_id}--{slug(segment)}--{period.lower()}" if segment else f"{series_id}--{period.lower()}"


def release_provenance(release: m.Release) -> m.Provenance:
    """A release's provenance in the shape every figure carries (built once per release)."""
    note = release.note
    if release.derived:
        checked = " ".join(release.checked_against)
        note = f"Derived copy, not the publisher's own file. Checked against: {checked}" + (f" {note}" if note else "")
    return m.Provenance.model_construct(
        publisher=release.publisher, url=release.url, title=release.title, published=release.published,
        retrieved=release.retrieved, licence=release.licence, sha256=release.sha256,
        collected_by=release.collected_by, note=note,
    )


def build_figures(series: dict[str, m.Series], releases: dict[str, m.Release]) -> dict[str, m.Statistic]:
    """Series points → figures. Records are already validated, so the figures are built without
    re-validation (model_construct): 25,000 points cost milliseconds, not seconds."""
    provenance = {rid: release_provenance(release) for rid, release in releases.items()}
    figures: dict[str, m.Statistic] = {}
    for sid, one in series.items():
        for point in one.points:
            if point.release not in provenance:
                continue  # reported by check as a dangling reference
            fid = figure_id(sid, point.period, point.segment)
            figures[fid] = m.Statistic.model_construct(
                id=fid, series=sid, release=point.release, provider=one.provider, source=one.source,
                metric=one.metric, segment=point.segment, period=point.period, value=point.value, unit=one.unit,
                sample_size=point.sample_size, industry_average=point.industry_average,
                series_version=point.series_version, note=point.note, provenance=provenance[point.release],
            )
    return figures


def check_records(dataset: Dataset, today: date) -> None:
    """Checks across records and of values that need context (today, the source's cadence)."""
    for kind, items in dataset.loaded.items():
        for item in items.values():
            try:
                check_characters(dataset, item)
                _check_references(dataset, kind, item)
                _check_dates(dataset, kind, item, today)
                _check_free_text(dataset, item)
                if kind == "series":
                    _check_series(dataset, item, today)
                if kind == "responses":
                    _check_response_figure(dataset, item)
                if kind == "reports":
                    _check_report_provider(dataset, item)
                if kind == "sources":
                    _check_source_params(dataset, item)
            except Exception as exc:  # noqa: BLE001 - see could_not_check
                could_not_check(dataset, item.path, exc)


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
            return (value.astimezone(timezone.utc) if value.tzinfo else value).date()
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
    for loc, text in _strings(item.doc.data):
        if loc and loc[0] == "params":
            continue
        for what, found in find_personal_data(text):
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


def _check_series(dataset: Dataset, item: Loaded, today: date) -> None:
    """Per point: value ranges for the unit, period vs cadence and today, method version, one point per
    period, the release of the same source. Each problem points at the line of the offending point."""
    series: m.Series = item.record
    source = dataset.sources.get(series.source)
    shape = CADENCE_PERIOD_SHAPE.get(source.cadence) if source else None
    versions = {brk.series_version for brk in source.method_breaks} if source else set()
    releases = dataset.loaded["releases"]
    expected_id = series_id(series.provider, series.source, series.metric.value)
    if series.id != expected_id:
        dataset.report(item, ("id",), f"series id '{series.id}' does not name its provider, source and metric — use '{expected_id}' (and rename the file)")
    seen: dict[tuple[str, str], int] = {}
    unit = series.unit
    for index, point in enumerate(series.points):
        here = ("points", index)
        if unit == m.StatUnit.percent:
            for name in ("value", "industry_average"):
                value = getattr(point, name)
                if value is not None and not 0 <= value <= 100:
                    dataset.report(item, here + (name,), f"'{name}' is {value}, outside 0–100 for a percentage — write the percentage (65.9, not 0.659 or 659)")
        if unit == m.StatUnit.count and point.value != int(point.value):
            dataset.report(item, here + ("value",), f"a count must be a whole number, not {point.value} — write the published count")
        if unit == m.StatUnit.stars and not 0 <= point.value <= 5:
            dataset.report(item, here + ("value",), f"star rating {point.value} is outside 0–5 — correct the value")
        if period_start(point.period) > today:
            dataset.report(item, here + ("period",), f"period {point.period} has not started yet (today is {today.isoformat()}) — correct the period")
        if shape and not shape[1](point.period):
            dataset.report(item, here + ("period",),
                           f"period '{point.period}' does not fit the {source.cadence.value} cadence of source '{source.id}' — write it as {shape[0]}")
        if point.series_version and versions and point.series_version not in versions:
            dataset.report(item, here + ("series_version",),
                           f"series_version '{point.series_version}' is not one of source '{source.id}' method breaks — use one of {', '.join(sorted(versions))}")
        key = (point.period, slug(point.segment) if point.segment else "")
        if key in seen:
            what = f"period {point.period}" + (f" of segment '{point.segment}'" if point.segment else "")
            dataset.report(item, here + ("period",),
                           f"{what} appears twice in this series (first at point {seen[key] + 1}) — keep one point per period and segment")
        else:
            seen[key] = index
        release = releases.get(point.release)
        if release is not None and release.record.source != series.source:
            dataset.report(item, here + ("release",),
                           f"release '{point.release}' belongs to source '{release.record.source}', not '{series.source}' — name a release of this series' source")
    order = [point_sort_key(point) for point in series.points]
    if order != sorted(order):
        dataset.report(item, ("points",), "points are not in period order — put them oldest first, segments of a period in A–Z order")


def period_sort_key(period: str) -> tuple[date, int]:
    """Order periods by start, then shortest first (2024-Q1 before 2024-H1 before 2024)."""
    return period_start(period), -len(period)


def point_sort_key(point: m.Point) -> tuple:
    """Points are kept oldest first; the segments of one period in A–Z order."""
    return (*period_sort_key(point.period), (point.segment or "").lower())


def series_id(provider: str, source: str, metric: str) -> str:
    """The one way to name a series: provider, source and metric."""
    return "--".join([provider, source, metric])


def slug(text: str) -> str:
    """Lower-case ASCII words joined by single hyphens (`Insurance & pure protection` → `insurance-pure-protection`)."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-") or "x"


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
    if not URL_RE.match(text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # raises on a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
