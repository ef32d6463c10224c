"""`pledges check` and `pledges fmt`."""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

from .dataset import Dataset, check_characters, load_dataset, load_file, printable, scan_data_folder, today_default
from .yamlio import dump_record, link_under, write_atomic


def _resolved(path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a link loop: compare as given
        return str(Path(path).absolute())


def _selected(problems, paths):
    if not paths:
        return problems
    wanted = {_resolved(p) for p in paths}
    return [p for p in problems if _resolved(p.path) in wanted]


def _today(args):
    try:
        return args.today or today_default()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return None


def run_check(args) -> int:
    missing = [path for path in args.paths if not Path(path).is_file()]
    for path in missing:
        print(printable(f"{path}:1:1: no such file — check the path (files are given relative to the current folder)"))
    if missing:
        return 1
    today = _today(args)
    if today is None:
        return 2
    dataset = load_dataset(args.data, today)
    data_root = _resolved(args.data)
    outside = [p for p in args.paths if not Path(_resolved(p)).is_relative_to(data_root)]
    for path in outside:
        print(printable(f"{path}:1:1: file is not inside the data folder {args.data} — pass --data or a file under it"))
    if outside:
        return 1
    problems = _selected(dataset.problems, args.paths)
    for problem in problems:
        print(problem)
    if problems:
        files = len({p.path for p in problems})
        print(f"{len(problems)} problem(s) in {files} file(s); {dataset.files} file(s) checked", file=sys.stderr)
        return 1
    counts = ", ".join(f"{len(items)} {kind}" for kind, items in dataset.loaded.items() if items)
    print(f"ok: {dataset.files} files checked ({counts}), no problems")
    return 0


def _read_raw(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def run_fmt(args) -> int:
    """Rewrite each valid record canonically. Invalid files are left alone and reported.

    Canonical means: the text `dump_record` writes, UTF-8 without a byte-order mark, LF line endings.
    Nothing is ever written through a symbolic link: a link anywhere under the data folder stops
    `fmt` before it writes anything (it would write outside the data folder).
    """
    root = Path(args.data)
    if not root.is_dir():
        print(printable(f"{root}:1:1: data folder not found — pass --data DIR pointing at the folder with providers/, pledges/ …"))
        return 1
    wanted = {_resolved(p) for p in args.paths} if args.paths else None
    paths, structure = scan_data_folder(root)
    problems = 0
    links = 0
    for path, message in structure:
        print(printable(f"{path}:1:1: {message}"))
        problems += 1
        links += os.path.islink(path)
    unformatted = 0
    plan: list[tuple[Path, str]] = []
    for kind, path in paths:
        if kind is None or path.suffix != ".yaml":
            continue  # `pledges check` reports these; there is nothing to format
        if wanted is not None and _resolved(path) not in wanted:
            continue
        link = link_under(root, path)
        if link is not None:
            print(printable(f"{path}:1:1: {link} is a symbolic link — fmt never writes through links; replace it "
                            "with the folder or file itself"))
            problems += 1
            links += 1
            continue
        dataset = Dataset(root)
        item = load_file(kind, path, dataset)
        if item is not None:
            check_characters(dataset, item)
        if dataset.problems:
            first = min(dataset.problems, key=lambda p: (p.line, p.column))
            print(printable(f"{path}:{first.line}:{first.column}: cannot format a file that does not pass "
                            f"`pledges check` ({first.message}) — run `pledges check` and fix it first"))
            problems += 1
            continue
        canonical = dump_record(item.record)
        raw = _read_raw(path)
        if raw is None:
            print(printable(f"{path}:1:1: cannot read the file — make it readable"))
            problems += 1
            continue
        current = raw.decode("utf-8")  # it parsed, so it is UTF-8
        if current == canonical:
            continue
        if args.check:
            unformatted += 1
            notes = []
            if current.startswith("\ufeff"):
                notes.append("starts with a byte-order mark")
            if "\r" in current:
                notes.append("has CRLF (Windows) or CR line endings")
            for note in notes:
                print(printable(f"{path}:1:1: the file {note} — run `pledges fmt` to write UTF-8 with LF line endings"))
            # The diff shows content changes; line endings alone would show as identical lines.
            shown = current.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
            if shown != canonical:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        shown.splitlines(keepends=True), canonical.splitlines(keepends=True),
                        fromfile=str(path), tofile=f"{path} (canonical)",
                    )
                )
        else:
            plan.append((path, canonical))
    if links and plan:
        print("nothing written: remove the symbolic link(s) above first", file=sys.stderr)
        plan = []
    changed = 0
    for path, canonical in plan:
        if link_under(root, path) is not None:  # swapped in while we were formatting
            print(printable(f"{path}:1:1: a symbolic link appeared on this path — not written"))
            problems += 1
            continue
        write_atomic(path, canonical)
        changed += 1
    if args.check and unformatted:
        print(f"{unformatted} file(s) not in canonical format — run `pledges fmt`", file=sys.stderr)
    elif not args.check:
        print(f"{changed} file(s) reformatted")
    return 1 if problems or unformatted else 0
