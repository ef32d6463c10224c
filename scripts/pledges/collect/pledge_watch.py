"""`collector: pledge_watch` — the pledge watcher (``pledges.watch``), under the name the runner imports.

params (all optional): ``archive: false`` turns the archived-copy look-up off for this source; the shared HTTP
policy's ``min_interval_s``, ``max_html_mb`` and ``max_html_tags`` bound the fetches (``collect/limits.py``).
"""

from ..watch.collector import load, process

MODULE = "pledge_watch"

__all__ = ["load", "process", "MODULE"]
