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

import contextlib
import errno
import importlib
import os
import queue
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pydantic

from .. import models as m
from .. import transaction
from ..dataset import Dataset, Loaded, Problem, check_records, explain_error, load_dataset, today_default
from ..yamlio import Document, dump_record, plain, write_atomic
from .common import CollectError, Context, Record
from .http import FetchError, HttpClient, Policy, Response, Validator
from .local import LocalFiles
from .series import to_records

COLLECTORS = ("cfpb", "fca_firm_xlsx", "fos_xlsx", "ofcom_csv", "citizens_advice_csv", "tidy_csv", "pledge_page", "pledge_watch")
MAX_ERROR_CHARS = 1500


@dataclass
class Outcome:
    source: m.Source
    records: list[Record] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)
    error: str | None = None
    requests: int = 0


@dataclass
class Result:
    source_id: str
    collector: str
    state: str  # updated | unchanged | failed
    written: int = 0
    detail: str = ""


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


def url_problem(url: str) -> str | None:
    """What is wrong with an address, in plain words, or None when it is a usable http(s) URL."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return str(exc).replace("Invalid IPv6 URL", "unbalanced [ ] brackets (an IPv6 address?)")
    if parts.scheme not in ("http", "https"):
        return "it does not start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    return None


def _group_key(url: str) -> str:
    try:
        return urlsplit(url).netloc or url
    except ValueError:
        return url


def base_url_of(source: m.Source, endpoint: str | None) -> str:
    if endpoint:
        return endpoint
    return str(source.params.get("base_url") or source.url)


# --------------------------------------------------------------------------- saving (save pool, checks under a lock)


def _comparable(record) -> dict:
    """A record without its retrieval time and body hash: when only those differ, the stored record
    (value read from an earlier, still true retrieval) is kept and nothing is rewritten. An API whose
    body changes on every call (CFPB's `took`) then opens no pull request until a figure changes."""
    data = plain(record.model_dump(mode="python", exclude_none=True))
    provenance = data.get("provenance")
    if isinstance(provenance, dict):
        provenance.pop("retrieved", None)
        provenance.pop("sha256", None)
    return data


class _Scoped(dict):
    """All records of a kind for look-ups (references, sources), but only the new ones when iterated
    with ``.values()`` — so ``check_records`` checks the new records against the whole dataset without
    re-checking every stored record. If ``check_records`` ever iterates differently it checks everything:
    slower, never less strict."""

    def __init__(self, items: dict, new: dict):
        super().__init__(items)
        self.update(new)
        self._new = new

    def values(self):  # type: ignore[override]
        return self._new.values()


@dataclass(frozen=True)
class _Mark:
    """Like libyaml's mark: 0-based line and column (what Document keeps for a position)."""

    line: int
    column: int


def _document(record, text: str) -> Document:
    """The record as ``check_records`` sees a loaded file: its data, with the line of each top-level
    field (cheaper than parsing the text again; nested problems point at their top-level field)."""
    marks = {(): _Mark(0, 0)}
    for number, line in enumerate(text.splitlines()):
        if line and not line[0].isspace() and not line.startswith("-") and ":" in line:
            marks[(line.split(":", 1)[0],)] = _Mark(number, 0)
    data = plain(record.model_dump(mode="python", exclude_none=True))
    return Document(data, value_marks=dict(marks), key_marks=dict(marks))


def validate(dataset: Dataset, records: list[Record], today) -> tuple[list[tuple[Path, str, Loaded]], list[Problem]]:
    """Check new records with the existing ones by the rules of `pledges check`. Returns (files, problems)."""
    overlay = Dataset(dataset.root)
    new: dict[str, dict[str, Loaded]] = {kind: {} for kind in dataset.loaded}
    files: list[tuple[Path, str, Loaded]] = []
    for record in records:
        path = dataset.root / record.kind / f"{record.model.id}.yaml"
        text = dump_record(record.model)
        doc = _document(record.model, text)
        model = m.KINDS[record.kind]
        try:
            parsed = model.model_validate(doc.data)
        except pydantic.ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc, message, key = explain_error(model, error)
                line, column = doc.position(loc, key=key)
                overlay.add(path, line, column, message)
            continue
        item = Loaded(record.kind, path, doc, parsed)
        if parsed.id != path.stem:
            overlay.report(item, ("id",), f"id '{parsed.id}' differs from the file name '{path.stem}'")
        if parsed.id in new[record.kind]:
            overlay.report(item, ("id",), f"the collector produced id '{parsed.id}' twice")
        new[record.kind][parsed.id] = item
        files.append((path, text, item))
    overlay.loaded = {kind: _Scoped(items, new[kind]) for kind, items in dataset.loaded.items()}
    check_records(overlay, today)
    paths = {str(dataset.root / r.kind / f"{r.model.id}.yaml") for r in records}
    problems = sorted(p for p in overlay.problems if p.path in paths)
    return files, problems


def write_file(path: Path, text: str) -> bool:
    """Atomic write (temporary file + rename) of a lone file — a failed source's status — without
    an fsync: the runner calls ``os.sync()`` once before it exits."""
    return write_atomic(path, text, fsync=False)


def _status_path(root: Path, source_id: str) -> Path:
    return root / "status" / f"{source_id}.yaml"


def _write_status(root: Path, status: m.SourceStatus) -> None:
    write_file(_status_path(root, status.id), dump_record(status))


def safe_message(message: str) -> str:
    """The error as status text: short, and with nothing `pledges check` would take for personal data."""
    from ..pii import find_personal_data

    for _, found in find_personal_data(message):
        message = message.replace(found, "[…]")
    return message


def record_failure(dataset: Dataset, source: m.Source, message: str, now: datetime) -> None:
    previous = dataset.status.get(source.id)
    message = safe_message(message)
    if len(message) > MAX_ERROR_CHARS:
        message = message[: MAX_ERROR_CHARS - 1] + "…"
    status = m.SourceStatus(
        id=source.id,
        last_success=previous.last_success if previous else None,
        last_attempt=now,
        last_error=message,
        consecutive_failures=(previous.consecutive_failures if previous else 0) + 1,
        validators=previous.validators if previous else [],
    )
    _write_status(dataset.root, status)


def save(dataset: Dataset, outcome: Outcome, now: datetime, today, lock=None) -> Result:
    """Check and write one source's records. Under ``lock`` only the checks and the in-memory update
    run, so that sources write their files (and wait for fsync) in parallel. The records and the
    status go to disk as one transaction: after a kill the source is all old or all new."""
    with lock or contextlib.nullcontext():
        plan = _plan(dataset, outcome, now, today)
    if isinstance(plan, Result):
        return plan
    files, status, all_304, replaced = plan
    source = outcome.source
    collector = source.collector or "-"
    status_path = _status_path(dataset.root, source.id)
    writes = {path: text for path, text, _ in files}
    writes[status_path] = dump_record(status)
    try:
        changed = transaction.commit(dataset.root, writes)
    except transaction.IncompleteTransaction as exc:
        # Committed: the new records and the new status are on their way; no failure status over them.
        return Result(source.id, collector, "failed", 0, f"cannot finish writing the data: {exc.strerror}")
    except OSError as exc:
        # Nothing was changed: forget the records in memory too, and say why in the status.
        with lock or contextlib.nullcontext():
            for kind, record_id, item in replaced:
                if item is None:
                    dataset.loaded[kind].pop(record_id, None)
                else:
                    dataset.loaded[kind][record_id] = item
        reason = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "the data could not be written"
        message = f"{reason} ({exc.strerror or exc}), nothing was changed"
        try:
            record_failure(dataset, source, message, now)
        except OSError as again:
            message += f"; the status could not be written either ({again.strerror or again})"
        return Result(source.id, collector, "failed", 0, message)
    written = sum(path != status_path for path in changed)
    detail = f"{written} file(s) written" if written else ("not modified (304)" if all_304 else "no change in the data")
    return Result(source.id, collector, "updated" if written else "unchanged", written, detail)


def _plan(dataset: Dataset, outcome: Outcome, now: datetime, today):
    source = outcome.source
    collector = source.collector or "-"
    if outcome.error:
        record_failure(dataset, source, outcome.error, now)
        return Result(source.id, collector, "failed", 0, outcome.error)

    # Only records that differ from what is stored (beyond the retrieval time) are written.
    changed: list[Record] = []
    for record in outcome.records:
        existing = dataset.loaded[record.kind].get(record.model.id)
        if existing is not None:
            owner = getattr(existing.record, "source", source.id)
            if record.kind in ("series", "releases") and owner != source.id:
                message = f"{record.kind} {record.model.id} already belongs to source {owner!r} — two sources produce the same id"
                record_failure(dataset, source, message, now)
                return Result(source.id, collector, "failed", 0, message)
            if _comparable(existing.record) == _comparable(record.model):
                continue
        changed.append(record)

    previous = dataset.status.get(source.id)
    old_validators = {v.url: Validator(v.url, v.etag, v.last_modified) for v in (previous.validators if previous else [])}
    new_validators: list[m.UrlValidator] = []
    for response in outcome.responses:
        validator = response.validator(old_validators.get(response.url))
        if validator is not None and (validator.etag or validator.last_modified):
            if len(validator.etag or "") > 300 or len(validator.last_modified or "") > 300 or len(validator.url) > 2000:
                continue  # too long to keep in a record: that URL is simply fetched in full next time
            new_validators.append(m.UrlValidator(url=validator.url, etag=validator.etag, last_modified=validator.last_modified))
    new_validators.sort(key=lambda v: v.url)
    validators_changed = [v.model_dump() for v in new_validators] != [
        v.model_dump() for v in sorted(previous.validators if previous else [], key=lambda v: v.url)
    ]
    recovering = previous is None or previous.last_error is not None or previous.consecutive_failures > 0
    all_304 = bool(outcome.responses) and all(r.not_modified for r in outcome.responses)

    if not changed and not validators_changed and not recovering:
        detail = "not modified (304)" if all_304 else "no change in the data"
        return Result(source.id, collector, "unchanged", 0, detail)

    files, problems = validate(dataset, changed, today)
    if problems:
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        message = f"the collected data do not pass the checks of `pledges check`, nothing was written: {shown}{more}"
        record_failure(dataset, source, message, now)
        return Result(source.id, collector, "failed", 0, message)

    replaced = []  # what the in-memory dataset held before, to restore if the write fails
    for _, _, item in files:
        replaced.append((item.kind, item.record.id, dataset.loaded[item.kind].get(item.record.id)))
        dataset.loaded[item.kind][item.record.id] = item
    status = m.SourceStatus(
        id=source.id,
        last_success=now,
        last_attempt=now,
        last_error=None,
        consecutive_failures=0,
        validators=new_validators,
    )
    return files, status, all_304, replaced


# --------------------------------------------------------------------------- reporting


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_table(results: list[Result]) -> str:
    icons = {"updated": "✅ updated", "unchanged": "⏸️ unchanged", "failed": "❌ failed"}
    lines = [
        "### pledges collect",
        "",
        "| Source | Collector | Result | Files written | Detail |",
        "|---|---|---|---:|---|",
    ]
    for r in sorted(results, key=lambda r: r.source_id):
        lines.append(f"| `{r.source_id}` | {r.collector} | {icons[r.state]} | {r.written} | {_cell(r.detail)} |")
    failed = sum(r.state == "failed" for r in results)
    lines += ["", f"{len(results)} source(s), {failed} failed.", ""]
    return "\n".join(lines)


def _append(path: str | Path, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        print(f"cannot write the summary to {path}: {exc.strerror}", file=sys.stderr)


def _annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


# --------------------------------------------------------------------------- command


def run_collect(args) -> int:
    root = Path(args.data)
    now = datetime.now(timezone.utc).replace(microsecond=0)
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
    own_files = {str(_status_path(root, s.id)) for s in sources}
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

    from ..watch.report import summary_section

    table = summary_table(results) + summary_section(dataset, sources)
    if args.summary:
        _append(args.summary, table)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary and str(step_summary) != str(args.summary or ""):
        _append(step_summary, table)
    return 1 if any(r.state == "failed" for r in results) else 0


__all__ = ["run_collect", "collect_one", "save", "validate", "summary_table", "COLLECTORS"]
