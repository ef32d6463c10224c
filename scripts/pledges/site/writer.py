"""Write-if-changed output tree: a second build with no data change rewrites no file.

The static files (data, feeds, charts) are published as hard links to the generated ones (``sync_tree``): no copy
of a hundred megabytes at each build. So a generated file that changes is never rewritten in place, which would
change the published site before the build succeeded: its new bytes go to a new file that replaces the old name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..safefiles import write_all


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
        # folders this run made: every name in them is new, so a file there is created without first trying to
        # read an older one (a first build writes 36,000 files at 1,000 providers)
        self.new_folders: set[Path] = set()
        self.changed = 0

    def write(self, rel: str, text: str | bytes) -> bool:
        data = text.encode("utf-8") if isinstance(text, str) else text
        path = self.root / rel
        self.written.add(str(path))
        folder = path.parent
        if folder not in self.folders:
            self._make_folder(folder)
        if folder in self.new_folders and _create_new(path, data):
            self.changed += 1
            return True
        try:
            with open(path, "rb") as handle:
                if handle.read() == data:
                    return False
        except FileNotFoundError:
            with open(path, "wb") as handle:  # a new name: no published link points at it yet
                handle.write(data)
        else:
            fresh = fresh_name(path)  # the published link keeps the old bytes until publish
            with open(fresh, "wb") as handle:
                handle.write(data)
            os.replace(fresh, path)
        self.changed += 1
        return True

    def _make_folder(self, folder: Path) -> None:
        """``folder`` and its missing parents made; the ones this call made are noted as new. Another process may
        write into the same tree (the page worker): a folder it made first is not new here."""
        try:
            os.mkdir(folder)
        except FileNotFoundError:
            self._make_folder(folder.parent)
            self._make_folder(folder)  # again, now that its parent is there
            return
        except FileExistsError:
            if not folder.is_dir():
                raise
        else:
            self.new_folders.add(folder)
        self.folders.add(folder)

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


def _create_new(path: Path, data: bytes) -> bool:
    """Create ``path`` with ``data``; False if the name exists already (written before in this run)."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        return False
    try:
        write_all(handle, data)
    finally:
        os.close(handle)
    return True


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

    Returns files linked or copied. A folder is read once with ``os.scandir`` on each side: a file already linked
    shows the same inode number there, so an unchanged site costs no call per file, and a new one costs one
    ``os.link`` per file (the 24,000 files of 1,000 providers took seconds with a stat, an exists check and a
    rename each)."""
    source, target = Path(source), Path(target)
    if target.is_symlink():  # never synced through: the link goes, a folder takes its place
        target.unlink()
    target.mkdir(parents=True, exist_ok=True)
    # inode numbers compare on one device only; no source folder (no charts drawn) is an empty one
    same_device = source.is_dir() and os.stat(source).st_dev == os.stat(target).st_dev
    return _sync_folder(str(source), str(target), same_device)


def _entries(folder: str) -> dict[str, os.DirEntry]:
    try:
        with os.scandir(folder) as found:
            return {entry.name: entry for entry in found}
    except FileNotFoundError:
        return {}


def _sync_folder(source: str, target: str, same_device: bool) -> int:
    copied = 0
    there = _entries(target)
    for name, entry in _entries(source).items():
        src, dst = os.path.join(source, name), os.path.join(target, name)
        present = there.pop(name, None)
        if entry.is_dir(follow_symlinks=False):
            if present is not None and not present.is_dir(follow_symlinks=False):
                os.unlink(dst)
            if present is None or not present.is_dir(follow_symlinks=False):
                os.mkdir(dst)
            copied += _sync_folder(src, dst, same_device)
        elif _sync_file(entry, present, dst, same_device):
            copied += 1
    for entry in there.values():  # what the source no longer has
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    return copied


def _sync_file(entry: os.DirEntry, present: os.DirEntry | None, dst: str, same_device: bool) -> bool:
    """Make ``dst`` the file of ``entry`` (``present``: what the target folder has under its name); True when it
    was linked or copied."""
    if present is None:
        try:  # a new name: linked in one step
            os.link(entry.path, dst, follow_symlinks=False)
        except OSError:  # another file system, or one without hard links
            link_or_copy(Path(entry.path), Path(dst))
        return True
    if present.is_dir(follow_symlinks=False):
        shutil.rmtree(dst)
    elif present.is_symlink():
        pass  # replaced below: the published site holds files, never links to elsewhere
    elif same_device and present.inode() == entry.inode():
        return False  # the published link to this very file
    elif present.is_file(follow_symlinks=False) and _same_bytes(entry.path, dst):
        return False  # the same bytes (a copy, where links cannot be made): left as it is
    link_or_copy(Path(entry.path), Path(dst))
    return True


def _same_bytes(a: str, b: str) -> bool:
    if os.stat(a).st_size != os.stat(b).st_size:
        return False
    with open(a, "rb") as first, open(b, "rb") as second:
        return first.read() == second.read()
