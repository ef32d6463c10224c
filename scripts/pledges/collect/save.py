"""Saving one source's outcome: its records checked with the whole dataset (the rules of ``pledges check``) and
written with its status record as one transaction, or nothing written and the failure recorded."""

from __future__ import annotations

import contextlib
import errno
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pydantic

from .. import models as m
from .. import transaction
from ..dataset import Dataset, Loaded, Problem, check_records, explain_error
from ..yamlio import Document, dump_record, pack_mark, plain, write_atomic
from .common import Record
from .http import Response, Validator

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

    def values(self):
        return self._new.values()



def _document(record, text: str) -> Document:
    """The record as ``check_records`` sees a loaded file: its data, with the line of each top-level
    field (cheaper than parsing the text again; nested problems point at their top-level field)."""
    marks: dict[tuple, int] = {(): pack_mark(0, 0)}
    for number, line in enumerate(text.splitlines()):
        if line and not line[0].isspace() and not line.startswith("-") and ":" in line:
            marks[(line.split(":", 1)[0],)] = pack_mark(number, 0)
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
            parsed: Any = model.model_validate(doc.data)  # every record kind has an id
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


def status_path(root: Path, source_id: str) -> Path:
    return root / "status" / f"{source_id}.yaml"


def _write_status(root: Path, status: m.SourceStatus) -> None:
    write_file(status_path(root, status.id), dump_record(status))


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


@dataclass
class Plan:
    """What one source's save writes: checked record files, the new status, and what memory held before."""

    files: list[tuple[Path, str, Loaded]]
    status: m.SourceStatus
    all_304: bool
    replaced: list[tuple[str, str, Loaded | None]]  # to restore in memory if the write fails


class Finished(Exception):
    """The save ends before writing records, with this result (a failure recorded, or nothing to do)."""

    def __init__(self, result: Result):
        super().__init__(result.detail)
        self.result = result


def save(dataset: Dataset, outcome: Outcome, now: datetime, today: date,
         lock: threading.Lock | None = None) -> Result:
    """Check and write one source's records. Under ``lock`` only the checks and the in-memory update
    run, so that sources write their files (and wait for fsync) in parallel. The records and the
    status go to disk as one transaction: after a kill the source is all old or all new."""
    try:
        with lock or contextlib.nullcontext():
            plan = _plan(dataset, outcome, now, today)
    except Finished as finished:
        return finished.result
    source = outcome.source
    collector = source.collector or "-"
    status_file = status_path(dataset.root, source.id)
    writes: dict[Path | str, str | bytes] = {path: text for path, text, _ in plan.files}
    writes[status_file] = dump_record(plan.status)
    try:
        changed = transaction.commit(dataset.root, writes)
    except transaction.IncompleteTransaction as exc:
        # Committed: the new records and the new status are on their way; no failure status over them.
        return Result(source.id, collector, "failed", 0, f"cannot finish writing the data: {exc.strerror}")
    except OSError as exc:
        # Nothing was changed: forget the records in memory too, and say why in the status.
        with lock or contextlib.nullcontext():
            _restore(dataset, plan.replaced)
        reason = "the disk is full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else "the data could not be written"
        message = f"{reason} ({exc.strerror or exc}), nothing was changed"
        try:
            record_failure(dataset, source, message, now)
        except OSError as again:
            message += f"; the status could not be written either ({again.strerror or again})"
        return Result(source.id, collector, "failed", 0, message)
    written = sum(path != status_file for path in changed)
    detail = f"{written} file(s) written" if written else ("not modified (304)" if plan.all_304 else "no change in the data")
    return Result(source.id, collector, "updated" if written else "unchanged", written, detail)


def _restore(dataset: Dataset, replaced: list[tuple[str, str, Loaded | None]]) -> None:
    for kind, record_id, item in replaced:
        if item is None:
            dataset.loaded[kind].pop(record_id, None)
        else:
            dataset.loaded[kind][record_id] = item


def _fail(dataset: Dataset, source: m.Source, message: str, now: datetime) -> Finished:
    record_failure(dataset, source, message, now)
    return Finished(Result(source.id, source.collector or "-", "failed", 0, message))


def _changed_records(dataset: Dataset, outcome: Outcome, now: datetime) -> list[Record]:
    """Only records that differ from what is stored (beyond the retrieval time) are written."""
    source = outcome.source
    changed: list[Record] = []
    for record in outcome.records:
        existing = dataset.loaded[record.kind].get(record.model.id)
        if existing is not None:
            owner = getattr(existing.record, "source", source.id)
            if record.kind in ("series", "releases") and owner != source.id:
                raise _fail(dataset, source, f"{record.kind} {record.model.id} already belongs to source {owner!r} — "
                            "two sources produce the same id", now)
            if _comparable(existing.record) == _comparable(record.model):
                continue
        changed.append(record)
    return changed


def _new_validators(previous: m.SourceStatus | None, responses: list[Response]) -> list[m.UrlValidator]:
    old_validators = {v.url: Validator(v.url, v.etag, v.last_modified) for v in (previous.validators if previous else [])}
    new_validators: list[m.UrlValidator] = []
    for response in responses:
        validator = response.validator(old_validators.get(response.url))
        if validator is not None and (validator.etag or validator.last_modified):
            if len(validator.etag or "") > 300 or len(validator.last_modified or "") > 300 or len(validator.url) > 2000:
                continue  # too long to keep in a record: that URL is simply fetched in full next time
            new_validators.append(m.UrlValidator(url=validator.url, etag=validator.etag, last_modified=validator.last_modified))
    return sorted(new_validators, key=lambda v: v.url)


def _plan(dataset: Dataset, outcome: Outcome, now: datetime, today: date) -> Plan:
    source = outcome.source
    if outcome.error:
        raise _fail(dataset, source, outcome.error, now)
    changed = _changed_records(dataset, outcome, now)
    previous = dataset.status.get(source.id)
    new_validators = _new_validators(previous, outcome.responses)
    validators_changed = [v.model_dump() for v in new_validators] != [
        v.model_dump() for v in sorted(previous.validators if previous else [], key=lambda v: v.url)
    ]
    recovering = previous is None or previous.last_error is not None or previous.consecutive_failures > 0
    all_304 = bool(outcome.responses) and all(r.not_modified for r in outcome.responses)

    if not changed and not validators_changed and not recovering:
        detail = "not modified (304)" if all_304 else "no change in the data"
        raise Finished(Result(source.id, source.collector or "-", "unchanged", 0, detail))

    files, problems = validate(dataset, changed, today)
    if problems:
        shown = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise _fail(dataset, source, "the collected data do not pass the checks of `pledges check`, nothing was "
                    f"written: {shown}{more}", now)

    replaced: list[tuple[str, str, Loaded | None]] = []
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
    return Plan(files, status, all_304, replaced)
