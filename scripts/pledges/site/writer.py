"""Write-if-changed output tree: a second build with no data change rewrites no file.

The static files (data, feeds, charts) are published as hard links to the generated ones (``sync_tree``): no copy
of a hundred megabytes at each build. So a generated file that changes is never rewritten in place, which would
change the published site before the build succeeded: its new bytes go to a new file that replaces the old name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def fresh_name(path: Path) -> Path:
    """Where a file's new bytes are made before ``os.replace`` puts them under its name in one step."""
    return path.with_name(path.name + ".pt-new")


class Tree:
    """A folder of generated files. Files not written in this run are removed by ``prune``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        # the paths written, as text: a Path object and its parts take seven times the memory, and at 10,000
        # providers a build writes 360,000 files
        self.written: set[str] = set()
        self.folders: set[Path] = set()  # folders known to exist: one mkdir per folder, not per file
        self.changed = 0

    def write(self, rel: str, text: str | bytes) -> bool:
        data = text.encode("utf-8") if isinstance(text, str) else text
        path = self.root / rel
        self.written.add(str(path))
        try:
            with open(path, "rb") as handle:
                if handle.read() == data:
                    return False
        except FileNotFoundError:
            if path.parent not in self.folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.folders.add(path.parent)
            with open(path, "wb") as handle:  # a new name: no published link points at it yet
                handle.write(data)
        else:
            fresh = fresh_name(path)  # the published link keeps the old bytes until publish
            with open(fresh, "wb") as handle:
                handle.write(data)
            os.replace(fresh, path)
        self.changed += 1
        return True

    def copy(self, rel: str, source: Path) -> bool:
        return self.write(rel, Path(source).read_bytes())

    def prune(self) -> int:
        """Remove files (and then empty folders) under root that this run did not write."""
        removed = 0
        if not self.root.exists():
            return 0
        for dirpath, _dirnames, filenames in os.walk(self.root, topdown=False):
            for name in filenames:
                path = os.path.join(dirpath, name)
                if path not in self.written:
                    os.unlink(path)
                    removed += 1
            if dirpath != str(self.root) and not os.listdir(dirpath):
                os.rmdir(dirpath)
        return removed


def same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def link_or_copy(src: Path, dst: Path) -> None:
    """Make ``dst`` a hard link to ``src`` (a copy where links cannot be made), replacing it in one step."""
    fresh = fresh_name(dst)
    if fresh.exists() or fresh.is_symlink():
        fresh.unlink()
    try:
        os.link(src, fresh)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(src, fresh)
    os.replace(fresh, dst)


def sync_tree(source: Path, target: Path) -> int:
    """Make ``target`` hold the files of ``source`` (as hard links where possible), touching only files that differ.

    Returns files linked or copied."""
    copied = 0
    wanted: set[Path] = set()
    for dirpath, _dirnames, filenames in os.walk(source):
        folder = target / Path(dirpath).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        for name in filenames:
            src, dst = Path(dirpath) / name, folder / name
            wanted.add(dst)
            if same_file(src, dst):
                continue
            try:
                if dst.stat().st_size == src.stat().st_size and dst.read_bytes() == src.read_bytes():
                    continue  # the same bytes (a copy, where links cannot be made): left as it is
            except FileNotFoundError:
                pass
            link_or_copy(src, dst)
            copied += 1
    if target.exists():
        for dirpath, _dirnames, filenames in os.walk(target, topdown=False):
            for name in filenames:
                path = Path(dirpath) / name
                if path not in wanted:
                    path.unlink()
            if dirpath != str(target) and not os.listdir(dirpath):
                os.rmdir(dirpath)
    return copied
