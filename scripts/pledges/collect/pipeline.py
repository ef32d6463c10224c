"""The one path every collector takes: load (fetch) → process (parse into records) → save (``save``, by the runner).

A collector module (named in ``vocab.COLLECTORS``) defines ``load(ctx)`` returning ``(key, response)`` pairs — the key
is whatever its parse needs (a period, a provider and quarter, a page entry) — and ``process(ctx, loaded)``. Most
collectors parse each file on its own and write ``process = per_file(parse)``; one that joins files (FCA: a firm
renamed between workbooks) writes its own ``process`` over ``changed(loaded)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..vocab import COLLECTORS
from .context import Context, Record
from .errors import CollectError
from .http import Response

K = TypeVar("K")
Loaded = Sequence[tuple[K, Response]]
Process = Callable[[Context, Loaded[Any]], list[Record]]


def changed(loaded: Loaded[K]) -> list[tuple[K, Response]]:
    """The fetched files that changed: a 304 (not modified) contributes nothing."""
    return [(key, response) for key, response in loaded if not response.not_modified]


def per_file(parse: Callable[[Context, K, Response], list[Record]]) -> Callable[[Context, Loaded[K]], list[Record]]:
    """The process step of a collector whose files are independent: each changed file parsed on its own."""

    def process(ctx: Context, loaded: Loaded[K]) -> list[Record]:
        records: list[Record] = []
        for key, response in changed(loaded):
            records.extend(parse(ctx, key, response))
        return records

    return process


@dataclass(frozen=True)
class Collector:
    name: str
    load: Callable[[Context], Loaded[Any]]
    process: Process


def collector(name: str | None) -> Collector:
    """The collector module a source names, or a CollectError naming the known ones."""
    if name not in COLLECTORS:
        raise CollectError(f"collector {name!r} is not known — use one of {', '.join(COLLECTORS)}")
    module = importlib.import_module(f"{__package__}.{name}")
    return Collector(name, module.load, module.process)


def run(ctx: Context, chosen: Collector) -> tuple[list[Response], list[Record]]:
    """Load and process one source: the responses (for the status record's validators) and the records."""
    loaded = chosen.load(ctx)
    return [response for _, response in loaded], chosen.process(ctx, loaded)
