"""Finding the record files under the data folder, refusing links and special files before anything is read."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from . import models as m
from .yamlio import not_regular_file

RECORD_SUFFIXES = (".yaml", ".yml")


def scan_data_folder(root: Path) -> tuple[list[tuple[str | None, Path]], list[tuple[Path, str]]]:
    """Every record path under root as (kind, path) — kind None outside a known folder — and the
    problems of the folder structure as (path, message).

    Links are never followed (a linked kind folder would make `check` read, and `fmt` write, outside
    the data folder); a kind folder that is not a folder, a folder that cannot be read and a `.yaml`
    path that is not a regular file are reported, not skipped: `ok` must mean every record was read.
    Paths that are not regular files are returned with the records, so that the reader says what
    they are. Hidden entries (`.git`, editor files) are skipped.
    """
    records: list[tuple[str | None, Path]] = []
    problems: list[tuple[Path, str]] = []

    def walk(folder: Path, kind: str | None, top: bool) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problems.append((folder, f"cannot read this folder ({exc.strerror or type(exc).__name__}) — make it "
                                     "readable (e.g. `chmod a+rx`) or remove it"))
            return
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            path = Path(folder) / name
            is_record = name.endswith(RECORD_SUFFIXES)
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError as exc:
                problems.append((path, f"cannot inspect this path ({exc.strerror}) — check its permissions"))
                continue
            if top and name in m.KINDS and (is_link or not is_dir):
                what = "a symbolic link" if is_link else (not_regular_file(_lstat_mode(path)) or "a file")
                problems.append((path, f"the {name} folder is {what}, not a folder — make data/{name} an ordinary "
                                       "folder holding the record files (links are never followed)"))
                continue
            if is_record:
                records.append((kind, path))  # the reader refuses links, folders, pipes and devices
            elif is_link and (kind is not None or name in m.KINDS):
                problems.append((path, "a symbolic link inside the data folder — links are never followed; put the "
                                       "folder or the records themselves here"))
            if is_dir:
                subfolders.append((path, name))
        for path, name in subfolders:
            walk(path, (name if name in m.KINDS else None) if top else kind, False)

    walk(root, None, True)
    return records, problems


def _lstat_mode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return stat.S_IFREG


def iter_record_files(root: Path) -> Iterable[tuple[str | None, Path]]:
    """(kind, path) for every YAML file under root; kind None for files outside a known folder."""
    return iter(scan_data_folder(root)[0])


