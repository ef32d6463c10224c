"""The loaded data folder: each record with its parsed document, and the problems found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import models as m
from .figures import build_figures
from .yamlio import Document


def printable(text: str) -> str:
    """Text safe to print on one terminal line: a file name with a line break, a control or a
    bidirectional character (or bytes that are not UTF-8) could otherwise fake or hide output lines."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                   for ch in text)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return printable(f"{self.path}:{self.line}:{self.column}: {self.message}")


_NO_DOCUMENT = Document(None)


@dataclass
class Loaded:
    kind: str
    path: Path
    doc: Document
    record: Any

    def where(self, loc: tuple, *, key: bool = False) -> tuple[int, int]:
        return self.doc.position(loc, key=key)


@dataclass
class Dataset:
    root: Path
    loaded: dict[str, dict[str, Loaded]] = field(default_factory=lambda: {kind: {} for kind in m.KINDS})
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    _figures: dict[str, m.Statistic] | None = field(default=None, repr=False)
    # Free texts these checks scanned and found without personal data: dates, periods, names and notes repeat
    # thousands of times across record files (182,000 texts, 2,000 distinct, at 1,000 synthetic providers).
    _clean_texts: set[str] = field(default_factory=set, repr=False)

    def records(self, kind: str) -> dict[str, Any]:
        return {rid: item.record for rid, item in self.loaded[kind].items()}

    @property
    def providers(self) -> dict[str, m.Provider]:
        return self.records("providers")

    @property
    def sources(self) -> dict[str, m.Source]:
        return self.records("sources")

    @property
    def pledges(self) -> dict[str, m.Pledge]:
        return self.records("pledges")

    @property
    def releases(self) -> dict[str, m.Release]:
        return self.records("releases")

    @property
    def series(self) -> dict[str, m.Series]:
        return self.records("series")

    @property
    def statistics(self) -> dict[str, m.Statistic]:
        """Every figure, one per series point, joined with its release's provenance (built once)."""
        if self._figures is None:
            self._figures = build_figures(self.series, self.releases)
        return self._figures

    @property
    def reports(self) -> dict[str, m.Report]:
        return self.records("reports")

    @property
    def responses(self) -> dict[str, m.Response]:
        return self.records("responses")

    @property
    def corrections(self) -> dict[str, m.Correction]:
        return self.records("corrections")

    @property
    def status(self) -> dict[str, m.SourceStatus]:
        return self.records("status")

    def drop_documents(self) -> None:
        """Let go of each record's parsed YAML (its raw values and the position of every key and value).

        They serve the checks' messages only: once the data is loaded without problems, the site build needs the
        typed records alone, and the documents were about half of a loaded dataset's memory. A position asked for
        afterwards is line 1, column 1 of the file."""
        for items in self.loaded.values():
            for item in items.values():
                item.doc = _NO_DOCUMENT

    def add(self, path: Path | str, line: int, column: int, message: str) -> None:
        self.problems.append(Problem(str(path), line, column, message))

    def report(self, item: Loaded, loc: tuple, message: str, *, key: bool = False) -> None:
        line, column = item.where(loc, key=key)
        self.add(item.path, line, column, message)

