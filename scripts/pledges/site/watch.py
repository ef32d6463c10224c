"""The pledge page's watch line: the pledge's watch record (data/watch/) and, while a new wording
waits for review, the word diff from the recorded wording to it (both in the watcher's normal form,
so curly quotes or a non-breaking space in the record are not shown as changes)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..dataset import Dataset
from ..watch.models import Watch
from ..watch.normalise import normalise


def watch_context(dataset: Dataset, pledge: Any) -> dict[str, Watch | Markup | None]:
    from .generate import (
        word_diff,  # the one word diff of the site (wording history uses it too)
    )

    record: Watch | None = dataset.records("watch").get(pledge.id)
    diff = None
    if record is not None and record.proposed is not None:
        diff = word_diff(normalise(pledge.text), record.proposed.text)
    return {"watch": record, "watch_diff": diff}
