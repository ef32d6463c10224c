"""`pledges collect`: run the collectors the source records name (``collect.runner``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import data_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    parser.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    parser.add_argument("--endpoint", metavar="URL", help="replace the source's base URL (mirrors, tests)")
    parser.add_argument("--files-from", type=Path, metavar="DIR",
                        help="read each address's file from DIR (named like its last path segment) instead of the web")
    parser.add_argument("--summary", type=Path, metavar="FILE", help="append a Markdown results table here")
    parser.add_argument("--state", type=Path, metavar="DIR", help="cache folder (default: DIR/../.cache/collect)")


def run(args: argparse.Namespace) -> int:
    from ..collect.runner import run_collect  # imported here: only this command needs it

    return run_collect(args)
