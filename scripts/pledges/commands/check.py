"""`pledges check`: load every record, run every check, print each problem as `path:line:column: message`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..dataset import load_dataset, printable, today_default
from . import data_arg, today_arg
from .paths import resolved


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    today_arg(parser, "treat this day as today (YYYY-MM-DD) for date checks")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="only report problems in these files (the whole folder is still loaded)")


def _selected(problems, paths):
    if not paths:
        return problems
    wanted = {resolved(p) for p in paths}
    return [p for p in problems if resolved(p.path) in wanted]


def _today(args):
    try:
        return args.today or today_default()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:

    missing = [path for path in args.paths if not Path(path).is_file()]
    for path in missing:
        print(printable(f"{path}:1:1: no such file — check the path (files are given relative to the current folder)"))
    if missing:
        return 1
    today = _today(args)
    if today is None:
        return 2
    dataset = load_dataset(args.data, today)
    data_root = resolved(args.data)
    outside = [p for p in args.paths if not Path(resolved(p)).is_relative_to(data_root)]
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


