"""The `pledges` command line. Each subcommand lives in its own module and is imported lazily."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

DEFAULT_DATA = Path("data")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR", help="data folder (default: data/)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pledges",
        description="Service-pledge tracker: check, format, collect, score and publish the data.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="check every record and the links between them")
    _data_arg(check)
    check.add_argument("--today", type=_date, help="treat this day as today (YYYY-MM-DD) for date checks")
    check.add_argument("paths", nargs="*", type=Path, help="only report problems in these files (the whole folder is still loaded)")

    fmt = sub.add_parser("fmt", help="rewrite records in the canonical format")
    _data_arg(fmt)
    fmt.add_argument("--check", action="store_true", help="change nothing; fail and print the diff if a file is not canonical")
    fmt.add_argument("paths", nargs="*", type=Path, help="only these files")

    new = sub.add_parser("new", help="write a commented template for a new record")
    _data_arg(new)
    new.add_argument("kind", choices=["provider", "pledge", "series", "release", "report", "source", "response"])
    new.add_argument("id", help="the new record's id, which becomes its file name, e.g. bt-repair-guarantee")

    schema = sub.add_parser("schema", help="write the JSON Schemas and the field dictionary generated from the models")
    schema.add_argument("--check", action="store_true", help="fail if the committed generated files are stale")

    collect = sub.add_parser("collect", help="run the collectors named by the source records")
    _data_arg(collect)
    collect.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    collect.add_argument("--endpoint", metavar="URL", help="replace the source's base URL (mirrors, tests)")
    collect.add_argument("--files-from", type=Path, metavar="DIR",
                         help="read each address's file from DIR (named like its last path segment) instead of the web")
    collect.add_argument("--summary", type=Path, metavar="FILE", help="append a Markdown results table here")
    collect.add_argument("--state", type=Path, metavar="DIR", help="cache folder (default: DIR/../.cache/collect)")

    score = sub.add_parser("score", help="print pledge grades, verdicts and provider scores")
    _data_arg(score)
    score.add_argument("--format", choices=["table", "json"], default="table")
    score.add_argument("--today", type=_date, help="treat this day as today")

    intake = sub.add_parser("intake", help="turn a submitted issue form into records (or name each problem by its field)")
    _data_arg(intake)
    intake.add_argument("file", metavar="FILE", help="the issue body as GitHub renders the form, or - for standard input")
    intake.add_argument("--issue", type=int, metavar="N", help="the issue number (gives the records their ids and links)")
    intake.add_argument("--author", metavar="LOGIN", help="the issue's author; published only as a keyed pseudonym")

    build = sub.add_parser("build", help="generate the pages and build the site in every language")
    _data_arg(build)
    build.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output folder (default: site/)")
    build.add_argument("--no-strict", action="store_true", help="do not pass --strict to mkdocs")
    build.add_argument("--generate-only", action="store_true", help="write the generated pages, skip mkdocs")
    build.add_argument("--today", type=_date, help="treat this day as today")
    return parser


def _recover(data: Path) -> str | None:
    """Finish or discard what a killed run left half-done, before any command reads or writes data.
    Every command with ``--data`` passes here (one ``stat`` when there is nothing to do)."""
    from .transaction import TransactionError, recover

    try:
        recover(data)
    except TransactionError as exc:
        return str(exc)
    except OSError as exc:
        return f"{data}: cannot finish an interrupted write of an earlier run ({exc.strerror or exc}) — free space or fix permissions and run again"
    return None


def _safe_output() -> None:
    # A path or value that cannot be encoded for this terminal (a file name that is not UTF-8, an
    # ASCII-only locale) must print escaped, not end the command in a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):  # replaced streams (tests, pipes already closed)
            pass


def main(argv: list[str] | None = None) -> int:
    _safe_output()
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "data", None) is not None:
            problem = _recover(args.data)
            if problem:
                print(problem, file=sys.stderr)
                return 2
        if args.command == "check":
            from .commands import run_check

            return run_check(args)
        if args.command == "fmt":
            from .commands import run_fmt

            return run_fmt(args)
        if args.command == "new":
            from .templates import run_new

            return run_new(args)
        if args.command == "schema":
            from .schema import run_schema

            return run_schema(args)
        if args.command == "collect":
            from .collect.runner import run_collect

            return run_collect(args)
        if args.command == "score":
            from .scoring.report import run_score

            return run_score(args)
        if args.command == "intake":
            from .intake.command import run_intake

            return run_intake(args)
        if args.command == "build":
            from .site.build import run_build

            return run_build(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
