"""`pledges collect`: run the collectors that the source records name, and never lose good data.

For each source (all with a ``collector``, or those given with ``--source``):

1. load: the collector fetches (conditional requests from the validators in the status record);
2. process: it parses into models, or fails with a message in plain words;
3. save (here, for all collectors): the new records are checked together with the existing
   dataset by ``check_records`` — the rules of ``pledges check`` — and only then written, with the
   source's status, as one transaction (``pledges.transaction``: staged and flushed to disk, a
   journal as the commit point, then renamed into place), so a killed run leaves each source all
   old or all new and the next ``pledges`` command finishes or discards what was cut off. Records
   equal to the stored ones except for the retrieval time are not rewritten.

Sources run concurrently, one worker per host of their ``base_url`` (the HTTP helper also
serializes each host and spaces its requests); checking and writing run in a small save pool so
that a host's next request does not wait for them. ``--state`` is accepted but not needed: the
conditional-request validators live in the status records. On any failure the source's data files are left
byte-identical and ``data/status/<id>.yaml`` records the error; the other sources go on; the exit
code is 1. When every answer is a 304 (or the data are unchanged) nothing at all is written, the
status file included — so ``last_success`` is the last run that brought new data (or recovered
from a failure). A Markdown table goes to ``--summary`` and to ``$GITHUB_STEP_SUMMARY``.

Addresses: a malformed ``--endpoint`` is one error line and exit code 2 before anything is fetched;
a malformed ``params.base_url`` fails that source with a plain message while the others run. A
source whose first address fails for good fetches none of its remaining addresses.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pydantic

from .. import models as m
from ..dataset import Dataset, load_dataset, today_default
from ..urls import url_problem
from ..vocab import COLLECTORS
from .common import CollectError, Context
from .http import FetchError, HttpClient, Policy, Validator
from .local import LocalFiles
from .pipeline import collector, run
from .save import Outcome, Result, save, status_path, validate
from .series import to_records
from ..watch.report import summary_section
from .summary import _annotation, _append, summary_table


class Stop(Exception):
    """The run cannot start: the lines to print on stderr and the exit code."""

    def __init__(self, lines: list[str], code: int = 2):
        super().__init__("; ".join(lines))
        self.lines = lines
        self.code = code


# --------------------------------------------------------------------------- collecting one source (worker threads)


def _context(source: m.Source, dataset: Dataset, http: HttpClient, base_url: str, now: datetime, today: date) -> Context:
    status = dataset.status.get(source.id)
    validators = {v.url: Validator(v.url, v.etag, v.last_modified) for v in (status.validators if status else [])}
    try:
        policy = Policy.from_params(source.params)
    except FetchError as exc:
        raise CollectError(exc.message) from None
    problem = url_problem(base_url)
    if problem:
        raise CollectError(
            f"params.base_url {base_url!r} is not a usable address: {problem} — fix it in data/sources/{source.id}.yaml"
        )
    # every fetch of this source (links found on its pages too) may reach a loopback IP only if it is written here
    policy = replace(policy, pointed_at=(base_url,))
    rebased = base_url != str(source.params.get("base_url") or source.url)
    return Context(source, dataset, http, base_url, now, today, policy, validators, source.collector or "",
                   rebased=rebased)


def collect_one(source: m.Source, dataset: Dataset, http: HttpClient, base_url: str, now: datetime,
                today: date) -> Outcome:
    """Load and process one source (nothing is written here): its records, or the error in plain words."""
    outcome = Outcome(source)
    try:
        chosen = collector(source.collector)
        ctx = _context(source, dataset, http, base_url, now, today)
        outcome.responses, records = run(ctx, chosen)
        outcome.records = to_records(dataset, source, records)
    except (CollectError, FetchError) as exc:
        outcome.error = exc.message
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        outcome.error = f"a parsed value does not fit the record model: {'.'.join(map(str, first['loc']))}: {first['msg']}"
    except Exception as exc:  # noqa: BLE001 - a bug in one collector must not stop the others
        outcome.error = f"internal error in collector {source.collector!r}: {type(exc).__name__}: {exc}"
    return outcome


def _group_key(url: str) -> str:
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


def base_url_of(source: m.Source, endpoint: str | None) -> str:
    if endpoint:
        return endpoint
    return str(source.params.get("base_url") or source.url)


# --------------------------------------------------------------------------- the run: steps before any fetch


def _clock() -> tuple[datetime, date]:
    now = datetime.now(UTC).replace(microsecond=0)
    # Retrieval times are UTC; west of Greenwich the local date can still be yesterday, which would
    # make a fresh retrieval look "in the future" to the date checks.
    return now, max(today_default(), now.date())


def _unknown_source(root: Path, dataset: Dataset, sid: str) -> str:
    path = root / "sources" / f"{sid}.yaml"
    if path.exists():
        problems = [str(p) for p in dataset.problems if p.path == str(path)]
        return f"{path}: the source record has problems — fix them first: {'; '.join(problems[:3])}"
    return f"{path}:1:1: no source '{sid}' — use the id of a file in {root / 'sources'}"


def chosen_sources(root: Path, dataset: Dataset, wanted_ids: Iterable[str]) -> list[m.Source]:
    """The sources given with --source (each must load), or every source with a collector."""
    wanted = list(dict.fromkeys(wanted_ids))
    unknown = [sid for sid in wanted if sid not in dataset.sources]
    if unknown:
        raise Stop([_unknown_source(root, dataset, sid) for sid in unknown])
    if wanted:
        return [dataset.sources[sid] for sid in wanted]
    return [s for _, s in sorted(dataset.sources.items()) if s.collector]


def _check_endpoint(endpoint: str | None) -> None:
    problem = url_problem(endpoint) if endpoint else None
    if problem:
        raise Stop([f"--endpoint {endpoint!r} is not a usable address: {problem} — pass an http(s) URL"])


def _note_other_problems(root: Path, dataset: Dataset, sources: list[m.Source]) -> None:
    own_files = {str(status_path(root, s.id)) for s in sources}
    other = [p for p in dataset.problems if p.path not in own_files]
    if other:
        print(f"note: the data folder has {len(other)} problem(s) (run `pledges check`); collecting anyway",
              file=sys.stderr)


def by_host(sources: list[m.Source], endpoint: str | None) -> list[list[m.Source]]:
    """Sources grouped by the host of their base URL: one worker per host, the host's sources in turn."""
    groups: dict[str, list[m.Source]] = {}
    for source in sources:
        groups.setdefault(_group_key(base_url_of(source, endpoint)), []).append(source)
    return list(groups.values())


# --------------------------------------------------------------------------- the run: fetch and save


@dataclass
class Collection:
    """One run's workers: a pool fetching per host, a small pool checking and saving, results in a queue."""

    dataset: Dataset
    http: HttpClient | LocalFiles
    endpoint: str | None
    now: datetime
    today: date
    results: queue.Queue[Result] = field(default_factory=queue.Queue)
    lock: threading.Lock = field(default_factory=threading.Lock)
    save_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="save"))

    def __post_init__(self) -> None:
        # Collectors read a snapshot: records saved by another source during the run do not change what they see.
        self.snapshot = Dataset(self.dataset.root)
        self.snapshot.loaded = {kind: dict(items) for kind, items in self.dataset.loaded.items()}

    def save_one(self, outcome: Outcome) -> None:
        source = outcome.source
        try:
            result = save(self.dataset, outcome, self.now, self.today, self.lock)
        except OSError as exc:
            result = Result(source.id, source.collector or "-", "failed", 0, f"cannot write the data: {exc.strerror or exc}")
        except BaseException as exc:  # noqa: BLE001 - always hand back a result
            result = Result(source.id, source.collector or "-", "failed", 0, f"internal error: {type(exc).__name__}: {exc}")
        self.results.put(result)

    def run_group(self, group: list[m.Source]) -> None:
        # Fetch the host's sources one after another; checking and writing go to the save pool,
        # so that the host's next request does not wait for them.
        for source in group:
            try:
                outcome = collect_one(source, self.snapshot, self.http, base_url_of(source, self.endpoint),  # type: ignore[arg-type]
                                      self.now, self.today)
            except BaseException as exc:  # noqa: BLE001 - always hand back a result
                outcome = Outcome(source, error=f"internal error: {type(exc).__name__}: {exc}")
            self.save_pool.submit(self.save_one, outcome)

    def run(self, groups: list[list[m.Source]]) -> list[Result]:
        count = sum(len(group) for group in groups)
        results: list[Result] = []
        pool = ThreadPoolExecutor(max_workers=max(1, min(32, len(groups))), thread_name_prefix="collect")
        try:
            for group in groups:
                pool.submit(self.run_group, group)
            for _ in range(count):
                result = self.results.get()
                results.append(result)
                _report(result)
        finally:
            pool.shutdown(wait=True)
            self.save_pool.shutdown(wait=True)
            self.http.close()
            if any(r.state == "failed" for r in results):
                os.sync()  # failure statuses are on disk before the command returns (transactions flush themselves)
        return results


def _report(result: Result) -> None:
    line = f"{result.source_id}: {result.state} — {result.detail}"
    print(line, file=sys.stderr if result.state == "failed" else sys.stdout, flush=True)
    if result.state == "failed" and os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::error title=collect {result.source_id}::{_annotation(result.detail)}", flush=True)


def _write_summaries(results: list[Result], summary: Path | None, dataset: Dataset, sources: list[m.Source]) -> None:
    table = summary_table(results) + summary_section(dataset, sources)
    if summary:
        _append(summary, table)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and str(step_summary) != str(summary or ""):
        _append(step_summary, table)


# --------------------------------------------------------------------------- command


def run_collect(args: argparse.Namespace) -> int:
    root = Path(args.data)
    now, today = _clock()
    dataset = load_dataset(root, today)
    if not root.is_dir():
        print(f"{root}: data folder not found — pass --data DIR", file=sys.stderr)
        return 2
    try:
        sources = chosen_sources(root, dataset, args.source or [])
        if not sources:
            print("no source has a collector — nothing to collect", file=sys.stderr)
            return 0
        _note_other_problems(root, dataset, sources)
        _check_endpoint(args.endpoint)
    except Stop as stop:
        for line in stop.lines:
            print(line, file=sys.stderr)
        return stop.code
    files_from = getattr(args, "files_from", None)
    # the address pointed at on purpose (--endpoint) may be local or internal
    http = LocalFiles(files_from, now) if files_from else HttpClient(endpoint=args.endpoint)
    results = Collection(dataset, http, args.endpoint, now, today).run(by_host(sources, args.endpoint))
    _write_summaries(results, args.summary, dataset, sources)
    return 1 if any(r.state == "failed" for r in results) else 0


__all__ = ["run_collect", "collect_one", "save", "validate", "summary_table", "COLLECTORS"]
