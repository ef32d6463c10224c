"""Bounds on what one file may hold, raisable per source in its ``params``, and the parse deadline that enforces them."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, fields
from typing import Any

from .errors import CollectError

# --------------------------------------------------------------------------- bounds on what one file may hold
#
# A file at a publisher's address (or a hostile one in its place) can hold millions of rows, a zip
# bomb or a cell of megabytes; unbounded, one such workbook took 292 s and 815 MB to parse. Each bound
# is far above the real files — the FCA workbooks 2022-H1 … 2025-H1 have at most 8,766 rows and 11
# columns in a sheet, 32,711 characters in a cell, 1.5 MB in one part and ~4 MB unzipped; the Ofcom and
# Citizens Advice CSVs at most 1,708 rows, 17 columns and lines under 600 characters; CFPB answers
# under 200 kB — so only a file of another order fails, and then within seconds, in bounded memory,
# with a message naming the bound. A source raises a bound with the same name in its ``params``.

MAX_ROWS = 200_000  # rows in one sheet / records in one CSV file
MAX_COLUMNS = 1_000  # cells in one row, and the last column a sheet may use
MAX_CELLS = 2_000_000  # cells in one file (every sheet of a workbook together)
MAX_CELL_CHARS = 100_000  # characters in one cell or shared string (Excel itself stops at 32,767)
MAX_LINE_CHARS = 1_000_000  # characters in one CSV line, checked before the csv module splits it
MAX_UNZIPPED_MB = 100.0  # an XLSX workbook's parts together, uncompressed
MAX_PART_MB = 20.0  # one part of it, uncompressed
MAX_PARTS = 1_000  # parts in the zip
MAX_SHARED_STRINGS = 1_000_000  # entries in a workbook's shared-string table (openpyxl loads it whole)
MAX_JSON_MB = 10.0
MAX_JSON_DEPTH = 64
MAX_HTML_MB = 5.0
MAX_HTML_TAGS = 100_000  # "<" in an HTML page: the HTML parser needs about 1 kB per element
PARSE_TIMEOUT_S = 20.0  # wall-clock time to parse one file (the real workbooks take about 1 s)

# Fixed, not raisable: nothing real comes near them, and what they bound openpyxl keeps in memory.
MAX_LAYOUT_ELEMENTS = 100_000  # elements of a sheet besides its rows and cells (column widths, merged cells …)
MAX_CELL_ELEMENTS = 1_000  # elements inside one cell or shared string (value, formula, rich-text runs)
EXCEL_LAST_ROW = 1_048_576  # openpyxl fills every missing row up to a row's number: none may be past this

_UNITS = {"mb": " MB", "_s": " s"}


@dataclass(frozen=True)
class Limits:
    """The bounds in force for one source: the defaults above, or ``params.<name>``."""

    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cells: int = MAX_CELLS
    max_cell_chars: int = MAX_CELL_CHARS
    max_line_chars: int = MAX_LINE_CHARS
    max_unzipped_mb: float = MAX_UNZIPPED_MB
    max_part_mb: float = MAX_PART_MB
    max_parts: int = MAX_PARTS
    max_shared_strings: int = MAX_SHARED_STRINGS
    max_json_mb: float = MAX_JSON_MB
    max_json_depth: int = MAX_JSON_DEPTH
    max_html_mb: float = MAX_HTML_MB
    max_html_tags: int = MAX_HTML_TAGS
    parse_timeout_s: float = PARSE_TIMEOUT_S
    source_id: str = ""

    @classmethod
    def from_params(cls, params: dict | None, source_id: str = "") -> Limits:
        params = params or {}
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = params.get(spec.name)
            if spec.name == "source_id" or raw is None:
                continue
            whole = spec.type == "int"
            number = None if isinstance(raw, bool) else as_number(raw)
            if number is None or not math.isfinite(number) or number <= 0 or (whole and number != int(number)):
                kind = "a whole number" if whole else "a number"
                raise CollectError(
                    f"params.{spec.name} is {raw!r}; write {kind} above zero (the default is {cls._show(spec.name, getattr(cls, spec.name))}) "
                    f"in data/sources/{source_id}.yaml"
                )
            values[spec.name] = int(number) if whole else number
        return cls(source_id=source_id, **values)

    @staticmethod
    def _show(name: str, value: float) -> str:
        unit = next((u for end, u in _UNITS.items() if name.endswith(end)), "")
        return f"{value:,g}{unit}" if unit else f"{value:,}"

    def exceeded(self, name: str, what: str) -> CollectError:
        """The plain failure for a file over bound ``name``: what was found, the bound, how to raise it."""
        where = f"data/sources/{self.source_id}.yaml" if self.source_id else "the source's record"
        return CollectError(
            f"{what}; the limit is {self._show(name, getattr(self, name))} — a file this large is refused "
            f"(if it is genuine, raise params.{name} in {where})"
        )

    def bytes(self, name: str) -> int:
        return int(getattr(self, name) * 1_000_000)

    def budget(self, url: str) -> Budget:
        return Budget(self, url)


def as_number(raw: Any) -> float | None:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


class Budget:
    """One file's parse: its limits and the wall-clock deadline the parse loops check as they go."""

    def __init__(self, limits: Limits, url: str):
        self.limits = limits
        self.url = url
        self.deadline = time.monotonic() + limits.parse_timeout_s

    def check(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            raise self.limits.exceeded(
                "parse_timeout_s", f"parsing {self.url} took over {self.limits.parse_timeout_s:g} s (stopped at {where})"
            )


