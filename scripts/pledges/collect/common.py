"""What every collector shares: its context, plain-word errors, provenance, ids and number checks.

A collector module has the shape load → process (→ save, done by the runner for all of them):

    def load(ctx: Context) -> list[Response]          # fetch; 304s come back as not_modified
    def process(ctx: Context, responses) -> list[Record]  # parse into models, or raise CollectError

The runner validates the records together with the existing dataset (``check_records``, the rules
of ``pledges check``) and only then writes them, atomically.
"""

from __future__ import annotations

# One import line for collectors: the shared pieces live in modules by concern (context, errors, values,
# readers, files, limits, workbook); this module gathers the names collectors use.
from ..dataset import slug
from .context import Context, Record
from .errors import CollectError
from .files import FileTarget, discover_links, file_targets, load_files, period_from_text
from .http import FetchError, Response
from .limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_HTML_MB,
    MAX_HTML_TAGS,
    MAX_JSON_DEPTH,
    MAX_JSON_MB,
    MAX_LINE_CHARS,
    MAX_PART_MB,
    MAX_PARTS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_UNZIPPED_MB,
    PARSE_TIMEOUT_S,
    Budget,
    Limits,
)
from .readers import check_html_size, decode_text, looks_like_html, read_csv_rows, read_json, refuse_html
from .values import cell, check_number, fraction_to_pct, norm, parse_number, parse_quarter, pct, shown
from .workbook import check_workbook_zip, open_workbook, sheet_rows

__all__ = [
    "CollectError", "Context", "Record", "FetchError", "Response", "slug", "pct", "fraction_to_pct", "parse_number",
    "parse_quarter", "check_number", "read_json", "read_csv_rows", "decode_text", "looks_like_html", "Limits",
    "Budget", "sheet_rows", "open_workbook", "check_workbook_zip", "check_html_size", "refuse_html", "cell", "norm",
    "shown", "FileTarget", "discover_links", "file_targets", "load_files", "period_from_text",
    "MAX_CELL_CHARS", "MAX_CELLS", "MAX_COLUMNS", "MAX_HTML_MB", "MAX_HTML_TAGS", "MAX_JSON_DEPTH", "MAX_JSON_MB",
    "MAX_LINE_CHARS", "MAX_PART_MB", "MAX_PARTS", "MAX_ROWS", "MAX_SHARED_STRINGS", "MAX_UNZIPPED_MB",
    "PARSE_TIMEOUT_S",
]
