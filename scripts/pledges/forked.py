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


def halves(items: Sequence[Item]) -> tuple[list[Item], list[Item]]:
    """Every second item in each half: record files come grouped by kind, and kinds differ in size."""
    return list(items[0::2]), list(items[1::2])


def interleave(first: Sequence[Item], second: Sequence[Item]) -> list[Item]:
    """The inverse of ``halves``: the items in their original order."""
    merged: list[Item] = []
    for index, item in enumerate(first):
        merged.append(item)
        if index < len(second):
            merged.append(second[index])
    return merged


def in_two(work: Callable[[list[Item]], Result], items: Sequence[Item], *, fork_from: int) -> tuple[Result, Result]:
    """(``work`` of the first half, ``work`` of the second half), the second in a forked child when ``items`` has
    at least ``fork_from`` items and a fork is safe."""
    here, there = halves(items)
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
