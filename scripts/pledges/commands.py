"""`pledges check` and `pledges fmt`."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from .dataset import load_dataset, today_default
from .models import KINDS
from .yamlio import YamlProblem, dump_record, read_yaml_file, write_atomic


def _selected(problems, paths):
    if not paths:
        return problems
    wanted = {str(Path(p).resolve()) for p in paths}
    return [p for p in problems if str(Path(p.path).resolve()) in wanted]


def run_check(args) -> int:
    missing = [path for path in args.paths if not Path(path).is_file()]
    for path in missing:
        print(f"{path}:1:1: no such file — check the path (files are given relative to the current folder)")
    if missing:
        return 1
    dataset = load_dataset(args.data, args.today or today_default())
    outside = [p for p in args.paths if not Path(p).resolve().is_relative_to(Path(args.data).resolve())]
    for path in outside:
        print(f"{path}:1:1: file is not inside the data folder {args.data} — pass --data or a file under it")
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


def run_fmt(args) -> int:
    """Rewrite each valid record canonically. Invalid files are left alone and reported."""
    root = Path(args.data)
    wanted = {Path(p).resolve() for p in args.paths} if args.paths else None
    problems = 0
    unformatted = 0
    changed = 0
    for kind, model in KINDS.items():
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.yaml")):
            if wanted is not None and path.resolve() not in wanted:
                continue
            try:
                doc = read_yaml_file(path)
                record = model.model_validate(doc.data)
            except (YamlProblem, ValueError) as exc:
                line = getattr(exc, "line", 1)
                print(f"{path}:{line}:1: cannot format a file that does not pass `pledges check` — run it first")
                problems += 1
                continue
            canonical = dump_record(record)
            current = path.read_text(encoding="utf-8")
            if current == canonical:
                continue
            if args.check:
                unformatted += 1
                sys.stdout.writelines(
                    difflib.unified_diff(
                        current.splitlines(keepends=True), canonical.splitlines(keepends=True),
                        fromfile=str(path), tofile=f"{path} (canonical)",
                    )
                )
            else:
                write_atomic(path, canonical)
                changed += 1
    if args.check and unformatted:
        print(f"{unformatted} file(s) not in canonical format — run `pledges fmt`", file=sys.stderr)
    elif not args.check:
        print(f"{changed} file(s) reformatted")
    return 1 if problems or unformatted else 0
