"""Files written whole or not at all, never through a symbolic link; and which file modes are not plain files.

``write_atomic`` writes through a temporary file and a rename, so a killed process leaves either the old or the new
file whole."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

_KIND_OF_FILE = [
    (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
]


def not_regular_file(mode: int) -> str | None:
    """`a folder`, `a symbolic link` … for a file mode that is not a regular file; None for one."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KIND_OF_FILE if test(mode)), "not a regular file")


def link_under(root: Path, path: Path) -> Path | None:
    """The first component of `path` below `root` that is a symbolic link, or None.

    Writers call this first so that nothing is ever written through a link to a place outside the
    data folder (a linked kind folder, a dangling link where a new record goes). Components that do
    not exist yet are fine: they will be created as ordinary folders and files.
    """
    root, path = Path(root), Path(path)
    try:
        parts = path.relative_to(root).parts
    except ValueError:  # not under the data folder: only the file itself can be judged
        root, parts = path.parent, (path.name,)
    current = root
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None
        except OSError:
            return current  # cannot tell: treat it as unsafe
        if stat.S_ISLNK(mode):
            return current
    return None


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to the open file ``fd`` (``os.write`` may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_new(path: Path, text: str) -> None:
    """Create a file that must not exist yet; refuses (FileExistsError) even a dangling link there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str, *, fsync: bool = True) -> bool:
    """Write text to path through a temporary file and a rename. Returns False when unchanged.

    A killed process leaves the old file or the new one, never a mix (the rename is atomic); a
    failed write (a full disk) removes its temporary file. A kill can still leave that temporary
    file behind: it is a dot-file ending in ``.tmp``, which the loader skips and ``.gitignore``
    ignores. ``fsync=True`` also flushes the folder, so the rename itself survives a power cut;
    ``fsync=False`` skips both flushes for callers that call ``os.sync()`` once at the end.
    Several files that must change together go through ``pledges.transaction`` instead.
    """
    path = Path(path)
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    renamed = False
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes 0600 files; data files are ordinary repository files (keep an existing mode)
            os.fchmod(handle.fileno(), path.stat().st_mode & 0o777 if path.exists() else 0o644)
            handle.write(data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        renamed = True
        if fsync:
            fsync_dir(path.parent)
    finally:
        if not renamed:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return True


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new names, renames, removals) to disk."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


