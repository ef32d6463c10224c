"""The `pledges` command line: parses the arguments and dispatches to the command modules of ``commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import ModuleType

from . import __version__, commands
from .commands import COMMANDS, Command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pledges",
        description="Service-pledge tracker: check, format, collect, score and publish the data.",
    )
    parser.add_argument("--version", action="version", version=f"pledges {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        _module(command).add_arguments(sub.add_parser(command.name, help=command.help))
    return parser


def _module(command: Command) -> ModuleType:
    return importlib.import_module(f"{commands.__name__}.{command.module}")


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
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # AttributeError below
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
        command = next(command for command in COMMANDS if command.name == args.command)
        code: int = _module(command).run(args)
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return 2  # pragma: no cover - argparse refuses an unknown command first


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
