"""`pledges schema`: write (or --check) the JSON Schemas and the field dictionary (``schema``)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="fail if the committed generated files are stale")


def run(args: argparse.Namespace) -> int:
    from ..schema import run_schema  # imported here: only this command needs it

    return run_schema(args)
