"""`pledges build`: generate the pages and build the site in every language (``site.build``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import data_arg, today_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    parser.add_argument("--out", type=Path, default=Path("site"), metavar="DIR", help="output folder (default: site/)")
    parser.add_argument("--no-strict", action="store_true", help="do not pass --strict to mkdocs")
    parser.add_argument("--generate-only", action="store_true", help="write the generated pages, skip mkdocs")
    today_arg(parser)


def run(args: argparse.Namespace) -> int:
    from ..site.build import run_build  # imported here: only this command needs it

    return run_build(args)
