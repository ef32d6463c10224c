"""`pledges intake FILE|- [--issue N] [--author LOGIN] [--data DIR]` (the work is in pledges.intake)."""

from __future__ import annotations

import argparse

from . import data_arg


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data_arg(parser)
    parser.add_argument("file", metavar="FILE", help="the issue body as GitHub renders the form, or - for standard input")
    parser.add_argument("--issue", type=int, metavar="N", help="the issue number (gives the records their ids and links)")
    parser.add_argument("--author", metavar="LOGIN", help="the issue's author; published only as a keyed pseudonym")


def run(args: argparse.Namespace) -> int:
    from ..intake.command import run_intake

    return run_intake(args)
