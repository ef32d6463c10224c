"""All-or-nothing changes to a set of files under the data folder, safe against a kill or a full disk.

A collector run replaces many files of one source at once (its records and its status). Writing
them one by one, each atomically, still leaves the source half old and half new when the process
is killed in between. ``commit(root, writes, deletes)`` changes them as one unit:

1. **stage** — every new file's bytes go to ``<root>/.pledges-txn/<id>/<n>`` (inside the data
   folder, so on the same filesystem and the later rename is atomic) and are flushed to disk;
   the folders the targets need are created now. A full disk or any other error here removes
   the staging folder and raises: nothing in the data was touched.
2. **commit point** — the journal (``journal.json``: the list of renames and deletions) is
   written atomically: temporary file, fsync, rename, fsync of the folder. Once it exists the
   change will happen.
3. **apply** — the staged files are renamed over their targets and the deletions done, then the
   touched folders are flushed.
4. **clean up** — the journal is removed, then the staging folder.

Roll forward only, no backups of the replaced files: the journal is written only after every new
byte is on disk, so whoever finds a journal can always finish the change; a roll-back would need
copies of the old files only to undo something that can always be completed. Before the commit
point nothing outside the staging folder has changed, so throwing the staging folder away *is*
the roll-back.

``recover(root)`` runs at the start of every ``pledges`` command that reads or writes data: it
finishes each committed journal (the same steps, idempotent — a staged file that is gone was
already renamed) and removes each uncommitted staging folder. With nothing to do it costs one
``stat``. A running transaction holds an ``flock`` on its own folder, so a second ``pledges``
command started meanwhile leaves it alone; a killed process loses its lock.

The folder is a dot-folder, which the loader skips. Nothing here knows the data layout: paths are
any files under the root, outside the staging folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from .safefiles import write_all
from .yamlio import fsync_dir, write_atomic

STAGING = ".pledges-txn"
JOURNAL = "journal.json"
FORMAT = "pledges-transaction 1"
_STAGED_NAME = re.compile(r"\d+\Z")


class TransactionError(Exception):
    """A journal that cannot be read or names a path outside the data folder: recovery stops."""


class IncompleteTransaction(OSError):
    """The change was committed but could not be finished; the next ``recover`` finishes it."""


def _relative(root: Path, path: Path | str) -> str:
    """``path`` (a path like ``root / "statistics" / "x.yaml"``) as a POSIX path relative to root;
    refuses paths outside root or inside the staging folder."""
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return _checked(Path(rel).as_posix())


def _checked(rel: str) -> str:
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts) or parts[0] == STAGING:
        raise TransactionError(f"{rel!r} is not a file inside the data folder")
    return rel


def _write_all(fd: int, data: bytes) -> None:
    """``safefiles.write_all``, under a name of this module's own so that tests can fail it."""
    write_all(fd, data)


def _fsync_dirs(paths: Iterable[Path]) -> None:
    for path in sorted(set(paths)):
        with contextlib.suppress(FileNotFoundError):
            fsync_dir(path)


def _makedirs(path: Path) -> list[Path]:
    """Create path and its missing parents; returns the folders created, outermost first."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    created = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
            created.append(folder)
        except FileExistsError:
            pass
    return created


def _open_folder(root: Path) -> tuple[Path, int]:
    """A new, locked transaction folder under ``<root>/.pledges-txn``."""
    base = root / STAGING
    for _ in range(10):
        try:
            os.mkdir(base)
        except FileExistsError:
            # There, or there a moment ago: another transaction's clean-up may remove it right now (then the mkdir
            # below fails and this tries again). Path.mkdir(exist_ok=True) raised FileExistsError in that case,
            # failing one collector thread's source now and then (make bench, 200 sources on 20 threads).
            pass
        path = base / f"{os.getpid()}-{secrets.token_hex(6)}"
        try:
            path.mkdir()
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue  # another process's clean-up just removed the empty staging folder: retry
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            # Another process's recovery may have taken it for a dead one before the lock was held.
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                return path, fd
        except FileNotFoundError:
            pass
        os.close(fd)
    raise OSError(errno.EAGAIN, f"cannot create a staging folder in {base}")


def _close_folder(root: Path, folder: Path, fd: int) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    os.close(fd)
    with contextlib.suppress(OSError):  # not empty: another transaction is running
        (root / STAGING).rmdir()


Op = tuple[str, str, bytes | None]  # ("write" | "delete", path relative to root, the bytes to write)


def _planned_writes(root: Path, writes: Mapping[Path | str, str | bytes], seen: set[str]) -> list[Op]:
    ops: list[Op] = []
    for path, content in writes.items():
        rel = _relative(root, path)
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        target = root / rel
        if rel in seen:
            raise ValueError(f"{rel} is written twice in one transaction")
        seen.add(rel)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError, IsADirectoryError):
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        ops.append(("write", rel, data))
    return ops


def _planned_deletes(root: Path, deletes: Iterable[Path | str], seen: set[str]) -> list[Op]:
    ops: list[Op] = []
    for path in deletes:
        rel = _relative(root, path)
        if rel in seen:
            raise ValueError(f"{rel} is both written and deleted in one transaction")
        seen.add(rel)
        if os.path.lexists(root / rel):
            ops.append(("delete", rel, None))
    return ops


def _stage(folder: Path, number: int, target: Path, data: bytes) -> str:
    """One file's new bytes, flushed in the staging folder; returns its staged name."""
    staged = folder / str(number)
    out = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        # keep an existing file's mode; new data files are ordinary repository files
        try:
            mode = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = 0o644
        os.fchmod(out, mode)
        _write_all(out, data)
        os.fsync(out)
    finally:
        os.close(out)
    return staged.name


def commit(root: Path | str, writes: Mapping[Path | str, str | bytes], deletes: Iterable[Path | str] = ()) -> list[Path]:
    """Write and delete files under root as one change: after any crash and ``recover``, all or none
    of it has happened. Returns the files that changed (unchanged writes and missing deletes are
    skipped). Raises OSError (nothing changed) when staging fails, ``IncompleteTransaction`` when
    the change was committed but not finished."""
    root = Path(root)
    seen: set[str] = set()
    ops = _planned_writes(root, writes, seen) + _planned_deletes(root, deletes, seen)
    if not ops:
        return []

    folder, fd = _open_folder(root)
    journal: list[dict] = []
    touched: set[Path] = {root}  # folders whose entries change: flushed after the renames
    created: list[Path] = []
    try:
        for number, (op, rel, data) in enumerate(ops):
            target = root / rel
            new_folders = _makedirs(target.parent)
            created += new_folders
            touched.update(f.parent for f in new_folders)
            touched.add(target.parent)
            if op == "delete" or data is None:
                journal.append({"op": "delete", "path": rel})
                continue
            journal.append({"op": "write", "path": rel, "staged": _stage(folder, number, target, data)})
        _fsync_dirs([folder, folder.parent, root])
        text = json.dumps({"format": FORMAT, "ops": journal}, indent=1) + "\n"
        write_atomic(folder / JOURNAL, text, fsync=True)  # the commit point
    except BaseException:
        if not (folder / JOURNAL).exists():
            _close_folder(root, folder, fd)
            for new_folder in reversed(created):  # nothing of the change stays, not even a folder
                with contextlib.suppress(OSError):
                    new_folder.rmdir()
            raise
        # the journal is there (only its folder's flush failed): the change is committed
    try:
        _roll_forward(root, folder, journal, touched)
    except OSError as exc:
        os.close(fd)  # keep the folder and journal: the next `pledges` command finishes the change
        raise IncompleteTransaction(
            exc.errno or errno.EIO,
            f"the change was committed but not finished ({exc.strerror or exc}); the next `pledges` command finishes it",
        ) from None
    except BaseException:
        os.close(fd)  # interrupted: give up the lock so that recovery can finish the change
        raise
    _close_folder(root, folder, fd)
    return [root / op["path"] for op in journal]


def _roll_forward(root: Path, folder: Path, journal: list[dict], touched: set[Path] | None = None) -> None:
    """Apply a committed journal; safe to repeat after a crash at any point of a previous attempt."""
    touched = set(touched or ()) | {root}
    for op in journal:
        target = root / op["path"]
        if op["op"] == "write":
            touched.update(f.parent for f in _makedirs(target.parent))
            try:
                os.replace(folder / op["staged"], target)
            except FileNotFoundError:
                pass  # renamed by an earlier attempt
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
        touched.add(target.parent)
    _fsync_dirs(touched)
    # Only now, with every rename on disk, may the journal go: a repeated roll-forward is harmless,
    # a lost one is not.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(folder / JOURNAL)


def _read_journal(path: Path) -> list[dict]:
    def bad(reason: str) -> TransactionError:
        return TransactionError(
            f"{path}:1:1: the journal of an interrupted write {reason} — restore the data folder from git "
            f"(`git status`, `git checkout`) and delete {path.parent}"
        )

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise bad(f"cannot be read ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("ops"), list):
        raise bad(f"is not in the format {FORMAT!r}")
    ops = data["ops"]
    for op in ops:
        if not isinstance(op, dict) or op.get("op") not in ("write", "delete") or not isinstance(op.get("path"), str):
            raise bad(f"has an operation that is not understood: {op!r}")
        try:
            _checked(op["path"])
        except TransactionError as exc:
            raise bad(f"names a path outside the data folder: {exc}") from None
        if op["op"] == "write" and not (isinstance(op.get("staged"), str) and _STAGED_NAME.match(op["staged"])):
            raise bad(f"has a write without a staged file: {op!r}")
    return ops


def recover(root: Path | str) -> tuple[int, int]:
    """Finish every committed, abandoned transaction under root and delete every uncommitted one.
    Returns (finished, discarded). One ``stat`` when there is nothing to do."""
    root = Path(root)
    base = root / STAGING
    try:
        entries = list(os.scandir(base))
    except (FileNotFoundError, NotADirectoryError):
        return 0, 0
    def age(entry: os.DirEntry) -> tuple[int, str]:
        # Oldest commit first, in case two abandoned changes touch the same file.
        try:
            return os.stat(Path(entry.path) / JOURNAL).st_mtime_ns, entry.name
        except OSError:
            return 0, entry.name

    finished = discarded = 0
    for entry in sorted(entries, key=age):
        path = Path(entry.path)
        if not entry.is_dir(follow_symlinks=False):
            path.unlink(missing_ok=True)  # a stray file in our folder (none is ever written there)
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            continue  # finished by its owner meanwhile
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a running `pledges` command owns it
            journal = path / JOURNAL
            if journal.exists():
                _roll_forward(root, path, _read_journal(journal))
                finished += 1
            else:
                discarded += 1
            shutil.rmtree(path, ignore_errors=True)
        finally:
            os.close(fd)
    with contextlib.suppress(OSError):
        base.rmdir()
    if finished or discarded:
        print(
            f"note: {base}: finished {finished} and discarded {discarded} interrupted write(s) of an earlier run",
            file=sys.stderr,
        )
    return finished, discarded


__all__ = ["commit", "recover", "TransactionError", "IncompleteTransaction", "STAGING"]
