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

import importlib
import os
import queue
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pydantic

from .. import models as m
from ..dataset import Dataset, load_dataset, today_default
from ..urls import url_problem
from .common import CollectError, Context
from .http import FetchError, HttpClient, Policy, Validator
from .local import LocalFiles
from .save import Outcome, Result, save, status_path, validate
from .series import to_records
from .summary import _annotation, _append, summary_table

COLLECTORS = ("cfpb", "fca_firm_xlsx", "fos_xlsx", "ofcom_csv", "citizens_advice_csv", "tidy_csv", "pledge_page")
# --------------------------------------------------------------------------- collecting (worker threads)


def collect_one(source: m.Source, dataset: Dataset, http: HttpClient, base_url: str, now: datetime, today) -> Outcome:
    outcome = Outcome(source)
    try:
        name = source.collector or ""
        if name not in COLLECTORS:
            raise CollectError(f"collector {name!r} is not known — use one of {', '.join(COLLECTORS)}")
        module = importlib.import_module(f"{__package__}.{name}")
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
        ctx = Context(source, dataset, http, base_url, now, today, policy, validators, name, rebased=rebased)
        loaded = module.load(ctx)
        outcome.responses = [response for _, response in loaded]
        outcome.records = to_records(dataset, source, module.process(ctx, loaded))
    except CollectError as exc:
        outcome.error = exc.message
    except FetchError as exc:
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


# --------------------------------------------------------------------------- command


def run_collect(args) -> int:
    root = Path(args.data)
    now = datetime.now(UTC).replace(microsecond=0)
    # Retrieval times are UTC; west of Greenwich the local date can still be yesterday, which would
    # make a fresh retrieval look "in the future" to the date checks.
    today = max(today_default(), now.date())
    dataset = load_dataset(root, today)
    if not root.is_dir():
        print(f"{root}: data folder not found — pass --data DIR", file=sys.stderr)
        return 2
    wanted = list(dict.fromkeys(args.source or []))
    unknown = [sid for sid in wanted if sid not in dataset.sources]
    if unknown:
        for sid in unknown:
            path = root / "sources" / f"{sid}.yaml"
            if path.exists():
                problems = [str(p) for p in dataset.problems if p.path == str(path)]
                print(f"{path}: the source record has problems — fix them first: {'; '.join(problems[:3])}", file=sys.stderr)
            else:
                print(f"{path}:1:1: no source '{sid}' — use the id of a file in {root / 'sources'}", file=sys.stderr)
        return 2
    sources = [dataset.sources[sid] for sid in wanted] if wanted else [
        s for _, s in sorted(dataset.sources.items()) if s.collector
    ]
    if not sources:
        print("no source has a collector — nothing to collect", file=sys.stderr)
        return 0
    own_files = {str(status_path(root, s.id)) for s in sources}
    other_problems = [p for p in dataset.problems if p.path not in own_files]
    if other_problems:
        print(f"note: the data folder has {len(other_problems)} problem(s) (run `pledges check`); collecting anyway", file=sys.stderr)

    if args.endpoint:
        problem = url_problem(args.endpoint)
        if problem:
            print(f"--endpoint {args.endpoint!r} is not a usable address: {problem} — pass an http(s) URL", file=sys.stderr)
            return 2

    files_from = getattr(args, "files_from", None)
    # the address pointed at on purpose (--endpoint) may be local or internal
    http = LocalFiles(files_from, now) if files_from else HttpClient(endpoint=args.endpoint)
    groups: dict[str, list[m.Source]] = {}
    for source in sources:
        groups.setdefault(_group_key(base_url_of(source, args.endpoint)), []).append(source)
    snapshot = Dataset(dataset.root)
    snapshot.loaded = {kind: dict(items) for kind, items in dataset.loaded.items()}

    save_lock = threading.Lock()

    def save_one(outcome: Outcome) -> None:
        source = outcome.source
        try:
            result = save(dataset, outcome, now, today, save_lock)
        except OSError as exc:
            result = Result(source.id, source.collector or "-", "failed", 0, f"cannot write the data: {exc.strerror or exc}")
        except BaseException as exc:  # noqa: BLE001 - always hand back a result
            result = Result(source.id, source.collector or "-", "failed", 0, f"internal error: {type(exc).__name__}: {exc}")
        results_queue.put(result)

    def run_group(group: list[m.Source]) -> None:
        # Fetch the host's sources one after another; checking and writing go to the save pool,
        # so that the host's next request does not wait for them.
        for source in group:
            try:
                outcome = collect_one(source, snapshot, http, base_url_of(source, args.endpoint), now, today)
            except BaseException as exc:  # noqa: BLE001 - always hand back a result
                outcome = Outcome(source, error=f"internal error: {type(exc).__name__}: {exc}")
            save_pool.submit(save_one, outcome)

    results_queue: queue.Queue[Result] = queue.Queue()
    results: list[Result] = []
    workers = max(1, min(32, len(groups)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="collect")
    save_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="save")
    try:
        for group in groups.values():
            pool.submit(run_group, group)
        for _ in range(len(sources)):
            result = results_queue.get()
            results.append(result)
            line = f"{result.source_id}: {result.state} — {result.detail}"
            print(line, file=sys.stderr if result.state == "failed" else sys.stdout, flush=True)
            if result.state == "failed" and os.environ.get("GITHUB_ACTIONS") == "true":
                print(f"::error title=collect {result.source_id}::{_annotation(result.detail)}", flush=True)
    finally:
        pool.shutdown(wait=True)
        save_pool.shutdown(wait=True)
        http.close()
        if any(r.state == "failed" for r in results):
            os.sync()  # failure statuses are on disk before the command returns (transactions flush themselves)

    table = summary_table(results)
    if args.summary:
        _append(args.summary, table)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and str(step_summary) != str(args.summary or ""):
        _append(step_summary, table)
    return 1 if any(r.state == "failed" for r in results) else 0


__all__ = ["run_collect", "collect_one", "save", "validate", "summary_table", "COLLECTORS"]
