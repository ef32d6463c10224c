"""Loading the data folder and checking it: the engine behind ``pledges check``.

load → validate each file against its model → cross-record checks. Every problem is
collected (nothing stops at the first) as ``path:line:column: what is wrong — how to fix``.
Collectors call the same ``check_records`` before they write anything.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pydantic

from . import models as m
from .checks import CADENCE_PERIOD_SHAPE, check_characters, check_record
from .explain import explain_error
from .figures import build_figures, figure_id, release_provenance, series_id, slug
from .forked import Result, beside, in_two, interleave
from .heap import collector_off
from .loaded import Dataset, Loaded, Problem, printable
from .periods import period_sort_key, period_start, point_sort_key
from .scan import RECORD_SUFFIXES, iter_record_files, scan_data_folder
from .yamlio import YamlProblem, read_yaml_file


def today_default() -> date:
    """Today in UTC (collectors stamp retrieval times in UTC), or the frozen day in
    PLEDGES_TODAY (YYYY-MM-DD) for tests and reproducible builds."""
    frozen = os.environ.get("PLEDGES_TODAY")
    if not frozen:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(frozen)
    except ValueError:
        raise ValueError(f"PLEDGES_TODAY={frozen!r} is not a date — set it to YYYY-MM-DD or unset it") from None



# --------------------------------------------------------------------------- loading


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
    with collector_off():
        dataset = _read_records_of(Path(root))
        if dataset.root.is_dir():
            check_records(dataset, today or today_default())
    dataset.problems.sort()
    return dataset


def load_dataset_beside(root: Path | str, today: date, work: Callable[[Dataset], Result]) -> tuple[Dataset, Result]:
    """``load_dataset``, with ``work(dataset)`` done in this process while a forked child checks the records (from
    PARALLEL_FROM record files; else one after the other): the build scores while the checks run. ``work`` sees
    records not yet checked: it must not write anything, and whatever it fails on, the problems found are what to
    report (it should return its failure, not raise it).

    From BESIDE_UNTIL record files the records are checked first (in two halves) and, without problems, their
    documents let go before ``work`` runs (``Dataset.drop_documents``)."""
    with collector_off(keep=True):  # the records are kept as long as the dataset
        dataset = _read_records_of(Path(root))
    if not dataset.root.is_dir():
        return dataset, work(dataset)
    if dataset.files >= BESIDE_UNTIL:  # memory first: check, let the documents go, then work
        with collector_off():
            check_records(dataset, today)
        dataset.problems.sort()
        if not dataset.problems:
            dataset.drop_documents()  # the checks' positions are all they serve
        return dataset, work(dataset)
    result, problems = beside(lambda: work(dataset), lambda: check_problems(dataset, today, split=False),
                              fork=dataset.files >= PARALLEL_FROM)
    dataset.problems.extend(problems)
    dataset.problems.sort()
    return dataset, result


def _read_records_of(root: Path) -> Dataset:
    """Every record file read and validated, ids matched to file names; the cross-record checks not yet run."""
    dataset = Dataset(root)
    if not root.is_dir():
        dataset.add(root, 1, 1, "data folder not found — pass --data DIR pointing at the folder with providers/, pledges/ …")
        return dataset
    paths, structure = scan_data_folder(root)
    for path, message in structure:
        dataset.add(path, 1, 1, message)
    records: list[tuple[str, Path]] = []
    for kind, path in paths:
        dataset.files += 1
        if kind is None:
            dataset.add(path, 1, 1, f"file is outside the record folders — move it into one of {', '.join(m.KINDS)}")
        elif path.suffix == ".yml":
            dataset.add(path, 1, 1, "use the extension .yaml — rename the file")
        else:
            records.append((kind, path))
    halves = in_two(lambda part: _read_records(root, part), records, fork_from=PARALLEL_FROM, share=READ_CHILD_SHARE)
    for _, problems in halves:
        dataset.problems.extend(problems)
    # in the files' order: the first of a duplicate id wins
    for item in interleave(halves[0][0], halves[1][0], READ_CHILD_SHARE):
        if item is None:
            continue
        try:
            check_identity(item, dataset)
        except Exception as exc:  # noqa: BLE001 - see could_not_check
            could_not_check(dataset, item.path, exc)
    return dataset


# From this many record files, reading and checking them is split over two processes (pledges.forked): at 1,000
# providers (9,000 files) that takes a second or more off the build's start, where the second core has nothing
# else to do. Below it a fork costs more than it saves.
PARALLEL_FROM = 2000
# The reading child's part of the record files. The child also pickles its records to send them back (0.42 s for
# half the files at 1,000 synthetic providers, and 0.31 s to unpickle them here), and it reads each file a little
# slower than this process does (measured; copying the memory pages it shares with this process as it writes them
# is the likely cause). With even halves this process waited for the child; with 36 % of the files both sides end
# about together: reading took 1.64 s instead of 1.94 (medians of 3, alternated; 28 % gave 1.75).
READ_CHILD_SHARE = 0.36
# Up to this many record files the checks run in a forked child beside the build's scoring. The child reads, and so
# copies, the memory pages of every record it checks while this process still holds the parsed documents and makes
# the scores and the site model: at 10,000 synthetic providers (60,000 files) the build's peak was 4.3 GB (summed
# RSS; PSS 3.6 GB). From here on the checks come first and the documents go before scoring, as the build did before
# it scored beside the checks: 3.9 GB (PSS 3.4 GB). Below, at 1,000 providers, scoring beside saves a second.
BESIDE_UNTIL = 24_000


def _read_records(root: Path, part: list[tuple[str, Path]]) -> tuple[list[Loaded | None], list[Problem]]:
    """Each file of ``part`` read and validated (None where it is not a valid record), and the problems found."""
    scratch = Dataset(root)
    return [load_file(kind, path, scratch) for kind, path in part], scratch.problems


def check_identity(item: Loaded, dataset: Dataset) -> None:
    rid = item.record.id
    if rid != item.path.stem:
        dataset.report(item, ("id",), f"id '{rid}' differs from the file name '{item.path.stem}' — rename the file to {rid}.yaml or change the id")
    seen = dataset.loaded[item.kind].get(rid)
    if seen is not None:
        dataset.report(item, ("id",), f"duplicate id '{rid}', already used by {seen.path} — give this record its own id and file name")
        return
    dataset.loaded[item.kind][rid] = item


def check_records(dataset: Dataset, today: date) -> None:
    """Checks across records and of values that need context (today, the source's cadence); their problems are
    added to ``dataset.problems``."""
    dataset.problems.extend(check_problems(dataset, today))


def check_problems(dataset: Dataset, today: date, *, split: bool = True) -> list[Problem]:
    """The problems of ``check_records``; with ``split``, half of the records are checked in a forked child from
    PARALLEL_FROM records (it sends back its problems only)."""
    items = [item for kind_items in dataset.loaded.values() for item in kind_items.values()]
    if not split:
        return _check_part(dataset, items, today)
    first, second = in_two(lambda part: _check_part(dataset, part, today), items, fork_from=PARALLEL_FROM)
    return first + second


def _check_part(dataset: Dataset, items: list[Loaded], today: date) -> list[Problem]:
    """The problems of ``items``, checked against the whole ``dataset`` (whose own problems are left as they are)."""
    scratch = Dataset(dataset.root, loaded=dataset.loaded)
    scratch._figures = dataset._figures
    for item in items:
        try:
            check_record(scratch, item.kind, item, today)
            if item.kind == "series":
                _check_series(scratch, item, today)
        except Exception as exc:  # noqa: BLE001 - see could_not_check
            could_not_check(scratch, item.path, exc)
    if dataset._figures is None:  # built by a check: kept for whoever asks next (in this process)
        dataset._figures = scratch._figures
    return scratch.problems


def _check_point_value(dataset: Dataset, item: Loaded, unit: m.StatUnit, point: m.Point, here: tuple) -> None:
    """The value range its unit allows."""
    if unit == m.StatUnit.percent:
        for name in ("value", "industry_average"):
            value = getattr(point, name)
            if value is not None and not 0 <= value <= 100:
                dataset.report(item, here + (name,), f"'{name}' is {value}, outside 0–100 for a percentage — write the percentage (65.9, not 0.659 or 659)")
    if unit == m.StatUnit.count and point.value != int(point.value):
        dataset.report(item, here + ("value",), f"a count must be a whole number, not {point.value} — write the published count")
    if unit == m.StatUnit.stars and not 0 <= point.value <= 5:
        dataset.report(item, here + ("value",), f"star rating {point.value} is outside 0–5 — correct the value")


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
    for index, point in enumerate(series.points):
        here = ("points", index)
        _check_point_value(dataset, item, series.unit, point, here)
        if period_start(point.period) > today:
            dataset.report(item, here + ("period",), f"period {point.period} has not started yet (today is {today.isoformat()}) — correct the period")
        if source and shape and not shape[1](point.period):
            dataset.report(item, here + ("period",),
                           f"period '{point.period}' does not fit the {source.cadence.value} cadence of source '{source.id}' — write it as {shape[0]}")
        if source and point.series_version and versions and point.series_version not in versions:
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

# The loading, checking and naming helpers moved to their own modules stay importable from here.
__all__ = [
    "CADENCE_PERIOD_SHAPE", "RECORD_SUFFIXES", "Dataset", "Loaded", "Problem", "build_figures", "check_characters",
    "check_identity", "check_records", "could_not_check", "explain_error", "figure_id", "iter_record_files",
    "load_dataset", "load_file", "period_sort_key", "period_start", "point_sort_key", "printable",
    "release_provenance", "scan_data_folder", "series_id", "slug", "today_default",
]
