"""Write-if-changed output tree: a second build with no data change rewrites no file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


class Tree:
    """A folder of generated files. Files not written in this run are removed by ``prune``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.written: set[Path] = set()
        self.changed = 0

    def write(self, rel: str, text: str | bytes) -> bool:
        data = text.encode("utf-8") if isinstance(text, str) else text
        path = self.root / rel
        self.written.add(path)
        try:
            with open(path, "rb") as handle:
                if handle.read() == data:
                    return False
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        # Written in place: this is an intermediate tree; the published site is swapped in whole (build.publish).
        with open(path, "wb") as handle:
            handle.write(data)
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
                path = Path(dirpath) / name
                if path not in self.written:
                    path.unlink()
                    removed += 1
            if dirpath != str(self.root) and not os.listdir(dirpath):
                os.rmdir(dirpath)
        return removed


def sync_tree(source: Path, target: Path) -> int:
    """Make ``target`` a copy of ``source``, copying only files whose bytes differ. Returns files copied."""
    copied = 0
    wanted: set[Path] = set()
    for dirpath, _dirnames, filenames in os.walk(source):
        for name in filenames:
            src = Path(dirpath) / name
            dst = target / src.relative_to(source)
            wanted.add(dst)
            try:
                if dst.stat().st_size == src.stat().st_size and dst.read_bytes() == src.read_bytes():
                    continue
            except FileNotFoundError:
                dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
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
