"""Work split over two processes, for the build's serial start on a machine with a second core waiting: half of a
list here and the other half in a forked child (``in_two``: reading thousands of record files), or one piece of
work here and another in the child (``beside``: scoring while the records are checked).

The child sends its result back pickled through a pipe and ends. Anything that goes wrong on its side (an
exception, a crash, a result that does not unpickle) is not an error: its work is then done here, so the result
is always the same as one process would give. Without fork, with threads running (a fork copies a lock another
thread may hold) or for a short list, both are worked here.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def _to_child(index: int, share: float) -> bool:
    """Whether item ``index`` goes to the child, which takes ``share`` of the items spread evenly over the list."""
    return int((index + 1) * share) > int(index * share)


def halves(items: Sequence[Item], share: float = 0.5) -> tuple[list[Item], list[Item]]:
    """(this process's part, the child's part): the child's items spread evenly over the list (every second one at
    the default share), because record files come grouped by kind, and kinds differ in size."""
    here: list[Item] = []
    there: list[Item] = []
    for index, item in enumerate(items):
        (there if _to_child(index, share) else here).append(item)
    return here, there


def interleave(first: Sequence[Item], second: Sequence[Item], share: float = 0.5) -> list[Item]:
    """The inverse of ``halves`` with the same share: the items in their original order."""
    merged: list[Item] = []
    mine, theirs = iter(first), iter(second)
    for index in range(len(first) + len(second)):
        merged.append(next(theirs) if _to_child(index, share) else next(mine))
    return merged


def in_two(work: Callable[[list[Item]], Result], items: Sequence[Item], *, fork_from: int,
           share: float = 0.5) -> tuple[Result, Result]:
    """(``work`` of this process's part, ``work`` of the child's part), the child's in a forked child when ``items``
    has at least ``fork_from`` items and a fork is safe. ``share`` is the child's part of the items: less than half
    when the child has more to do with each of them (sending its results back)."""
    here, there = halves(items, share)
    return beside(lambda: work(here), lambda: work(there), fork=len(items) >= fork_from)


Here = TypeVar("Here")


def beside(work_here: Callable[[], Here], work_there: Callable[[], Result], *, fork: bool = True) -> tuple[Here, Result]:
    """(``work_here()``, ``work_there()``), the second in a forked child while the first runs here, when ``fork``
    is asked for and safe; else both here, one after the other."""
    if not fork or not can_fork():
        return work_here(), work_there()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send, end without running the parent's exit handlers or flushing its buffers
        os.close(read_end)
        code = 0
        try:
            blob = pickle.dumps(work_there(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as sink:
                sink.write(blob)
        except BaseException:  # noqa: BLE001 - the parent does this work itself
            code = 1
        os._exit(code)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    try:
        mine = work_here()
        blob = pipe.read()
    except BaseException:  # this side failed (or Ctrl-C): the child's result is not wanted any more
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    finally:
        pipe.close()
    _, status = os.waitpid(pid, 0)
    if status == 0 and blob:
        try:
            return mine, pickle.loads(blob)
        except Exception:  # noqa: BLE001 - a half-written result: work it here
            pass
    return mine, work_there()
