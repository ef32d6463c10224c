"""Comparing paths given on the command line with the files found under the data folder."""

from __future__ import annotations

from pathlib import Path


def resolved(path: Path | str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a link loop: compare as given
        return str(Path(path).absolute())
