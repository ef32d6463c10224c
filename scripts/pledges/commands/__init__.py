"""The `pledges` subcommands: one table, one module per command.

Each module named in ``COMMANDS`` has ``add_arguments(parser)`` and ``run(args) -> int`` (the exit code). The
modules import their heavy dependencies inside ``run``, so ``pledges --help`` stays fast.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DEFAULT_DATA = Path("data")


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    module: str  # a module of this package


COMMANDS: tuple[Command, ...] = (
    Command("check", "check every record and the links between them", "check"),
    Command("fmt", "rewrite records in the canonical format", "fmt"),
    Command("new", "write a commented template for a new record", "new"),
    Command("schema", "write the JSON Schemas and the field dictionary generated from the models", "schema"),
    Command("collect", "run the collectors named by the source records", "collect"),
    Command("score", "print pledge grades, verdicts and provider scores", "score"),
    Command("intake", "turn a submitted issue form into records (or name each problem by its field)", "intake"),
    Command("build", "generate the pages and build the site in every language", "build"),
)


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR", help="data folder (default: data/)")


def today_arg(parser: argparse.ArgumentParser, help: str = "treat this day as today") -> None:
    parser.add_argument("--today", type=date_arg, help=help)
