"""`collector: pledge_watch` — the pledge watcher (``pledges.watch``), under the name the runner imports."""

from ..watch.collector import load, process

MODULE = "pledge_watch"

__all__ = ["load", "process", "MODULE"]
