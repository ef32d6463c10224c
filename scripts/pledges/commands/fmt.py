"""`pledges fmt`: rewrite each valid record in the canonical format (or, with --check, show what would change)."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from dataclasses import dataclass, field
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


@dataclass
class _Tally:
    problems: int = 0
    links: int = 0
    unformatted: int = 0
    plan: list[tuple[Path, str]] = field(default_factory=list)

    def problem(self, text: str) -> None:
        print(printable(text))
        self.problems += 1


def _canonical(root: Path, kind: str, path: Path, tally: _Tally) -> tuple[str, str] | None:
    """(current text, canonical text) of one record file, or None after reporting why it cannot be formatted."""
    link = link_under(root, path)
    if link is not None:
        tally.problem(f"{path}:1:1: {link} is a symbolic link — fmt never writes through links; replace it "
                      "with the folder or file itself")
        tally.links += 1
        return None
    dataset = Dataset(root)
    item = load_file(kind, path, dataset)
    if item is not None:
        check_characters(dataset, item)
    if item is None or dataset.problems:
        first = min(dataset.problems, key=lambda p: (p.line, p.column))
        tally.problem(f"{path}:{first.line}:{first.column}: cannot format a file that does not pass "
                      f"`pledges check` ({first.message}) — run `pledges check` and fix it first")
        return None
    canonical = dump_record(item.record)
    raw = _read_raw(path)
    if raw is None:
        tally.problem(f"{path}:1:1: cannot read the file — make it readable")
        return None
    return raw.decode("utf-8"), canonical  # it parsed, so it is UTF-8


def _show_difference(path: Path, current: str, canonical: str) -> None:
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


def _write_plan(root: Path, tally: _Tally) -> int:
    if tally.links and tally.plan:
        print("nothing written: remove the symbolic link(s) above first", file=sys.stderr)
        return 0
    changed = 0
    for path, canonical in tally.plan:
        if link_under(root, path) is not None:  # swapped in while we were formatting
            tally.problem(f"{path}:1:1: a symbolic link appeared on this path — not written")
            continue
        write_atomic(path, canonical)
        changed += 1
    return changed


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
    tally = _Tally()
    for path, message in structure:
        tally.problem(f"{path}:1:1: {message}")
        tally.links += os.path.islink(path)
    for kind, path in paths:
        if kind is None or path.suffix != ".yaml":
            continue  # `pledges check` reports these; there is nothing to format
        if wanted is not None and resolved(path) not in wanted:
            continue
        texts = _canonical(root, kind, path, tally)
        if texts is None or texts[0] == texts[1]:
            continue
        if args.check:
            tally.unformatted += 1
            _show_difference(path, *texts)
        else:
            tally.plan.append((path, texts[1]))
    if args.check:
        if tally.unformatted:
            print(f"{tally.unformatted} file(s) not in canonical format — run `pledges fmt`", file=sys.stderr)
    else:
        print(f"{_write_plan(root, tally)} file(s) reformatted")
    return 1 if tally.problems or tally.unformatted else 0
