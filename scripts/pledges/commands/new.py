"""`pledges new`: write a commented template for a new record (``templates``)."""

from __future__ import annotations

import argparse

from . import data_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    parser.add_argument("kind", choices=["provider", "pledge", "series", "release", "report", "source", "response"])
    parser.add_argument("id", help="the new record's id, which becomes its file name, e.g. bt-repair-guarantee")


def run(args: argparse.Namespace) -> int:
    from ..templates import run_new  # imported here: only this command needs it

    return run_new(args)
