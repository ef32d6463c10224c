"""`pledges intake FILE|- [--issue N] [--author LOGIN] [--data DIR]`: a submitted issue form → records.

Writes every record the form describes in one transaction, after the rules of `pledges check` passed on
them together with the whole data folder; or writes nothing and prints each problem against the form's
own field label (exit 1). Usage problems (an unreadable file, no pseudonym key) exit 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import transaction
from ..collect.common import Record
from ..dataset import Dataset, Problem, load_dataset, printable, today_default
from .answers import Answers
from .forms import Form, all_forms
from .parse import detect, parse
from .pseudonym import KeyMissing
from .records import BUILDERS

MAX_BODY_CHARS = 65536  # GitHub's own limit for an issue body


def _read(source: str) -> str:
    if source == "-":
        raw = sys.stdin.buffer.read(MAX_BODY_CHARS * 4 + 1)
    else:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BODY_CHARS * 4 + 1)
    return raw.decode("utf-8")


def _labelled(problems: list[Problem], records: list[Record], root: Path, labels: dict[str, str], form: Form) -> list[str]:
    """`pledges check`'s findings on the new files, named by the form field the offending line holds."""
    from ..yamlio import dump_record

    out = []
    texts = {str(root / r.kind / f"{r.model.id}.yaml"): dump_record(r.model).splitlines() for r in records}
    for problem in problems:
        lines = texts.get(problem.path, [])
        key = ""
        for number in range(min(problem.line, len(lines)), 0, -1):  # the top-level field holding that line
            line = lines[number - 1]
            if line and not line[0].isspace() and not line.startswith("-") and ":" in line:
                key = line.split(":", 1)[0]
                break
        out.append(f"{labels.get(key, form.title)}: {problem.message}")
    return out


def intake(body: str, dataset: Dataset, *, issue: int | None, author: str | None) -> tuple[list[Record], list[str]]:
    """The records a body describes, checked, and the problems (records are empty when there are problems)."""
    from ..collect.save import validate

    forms = all_forms()
    form = detect(body, forms)
    if form is None:
        names = ", ".join(f"“{f.title}”" for f in forms)
        return [], [f"This issue was not filed with one of the forms ({names}) — file it again with a form"]
    today = today_default()
    answers = Answers(parse(body, form), dataset, today, issue, author, body)
    answers.check_all()
    records = BUILDERS[form.name](answers)  # meaning checks too, so that every problem is named at once
    if answers.problems or not records:
        return [], answers.problems or [f"{form.title}: nothing to write"]
    replacing = {(r.kind, r.model.id) for r in records if form.name == "pledge" and r.model.id in dataset.pledges}
    clash = [r for r in records if (r.kind, r.model.id) not in replacing and r.model.id in dataset.loaded[r.kind]]
    if clash:
        return [], [f"{form.title}: {r.kind[:-1]} '{r.model.id}' exists already — this issue was taken in before" for r in clash]
    _, problems = validate(dataset, records, today)
    if problems:
        return [], _labelled(problems, records, dataset.root, answers.labels, form)
    return records, []


def run_intake(args) -> int:
    try:
        body = _read(args.file)
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        print(printable(f"{args.file}: cannot read the issue body ({reason}) — pass the file that holds it, or - for standard input"),
              file=sys.stderr)
        return 2
    if len(body) > MAX_BODY_CHARS:
        print(f"The issue body is longer than {MAX_BODY_CHARS} characters — shorten it", file=sys.stderr)
        return 1
    dataset = load_dataset(args.data)
    if dataset.problems:
        print(f"{args.data}: the data folder does not pass `pledges check` ({len(dataset.problems)} problem(s)) — "
              "fix it first; nothing was written", file=sys.stderr)
        return 2
    try:
        records, problems = intake(body, dataset, issue=args.issue, author=args.author)
    except KeyMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(printable(problem))
        print(f"{len(problems)} problem(s); nothing was written", file=sys.stderr)
        return 1
    writes: dict[Path | str, str | bytes] = {dataset.root / r.kind / f"{r.model.id}.yaml": _dump(r) for r in records}
    try:
        transaction.commit(dataset.root, writes)
    except OSError as exc:
        print(f"cannot write the records ({exc.strerror or exc}); nothing was changed", file=sys.stderr)
        return 2
    for path in writes:
        print(printable(f"wrote {path}"))
    return 0


def _dump(record: Record) -> str:
    from ..yamlio import dump_record

    return dump_record(record.model)
