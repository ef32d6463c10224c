"""`pledges score`: print pledge grades, verdicts and provider scores (``scoring.report``)."""

from __future__ import annotations

import argparse

from . import data_arg, today_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    today_arg(parser)


def run(args: argparse.Namespace) -> int:
    from ..scoring.report import run_score  # imported here: only this command needs it

    return run_score(args)
