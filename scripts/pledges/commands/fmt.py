"""`pledges fmt`: rewrite each valid record in the canonical format (or, with --check, show what would change)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path

from ..dataset import Dataset, check_characters, load_file, printable, scan_data_folder
from ..yamlio import dump_record, link_under, write_atomic
from . import data_arg
from .paths import resolved


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    parser.add_argument("--check", action="store_true",
                        help="change nothing; fail and print the diff if a file is not canonical")
    parser.add_argument("paths", nargs="*", type=Path, help="only these files")


def _read_raw(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def run(args: argparse.Namespace) -> int:
    """Rewrite each valid record canonically. Invalid files are left alone and reported.

    Canonical means: the text `dump_record` writes, UTF-8 without a byte-order mark, LF line endings.
    Nothing is ever written through a symbolic link: a link anywhere under the data folder stops
    `fmt` before it writes anything (it would write outside the data folder).
    """
    root = Path(args.data)
    if not root.is_dir():
        print(printable(f"{root}:1:1: data folder not found — pass --data DIR pointing at the folder with providers/, pledges/ …"))
        return 1
    wanted = {resolved(p) for p in args.paths} if args.paths else None
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
        if wanted is not None and resolved(path) not in wanted:
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
