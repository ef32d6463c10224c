"""Reading a fetched body as text, JSON, CSV rows or an HTML page within the bounds of ``limits``."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from typing import Any

from .errors import CollectError
from .http import Response
from .limits import Budget, Limits


def looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in head[:512]


def refuse_html(response: Response, expected: str) -> None:
    """An HTML page served with 200 where data was expected (an error or login page) is a failure."""
    if response.content_type in ("text/html", "application/xhtml+xml") or looks_like_html(response.body):
        title = re.search(rb"<title[^>]*>(.*?)</title>", response.body[:8192], re.IGNORECASE | re.DOTALL)
        what = f" titled {title.group(1).decode('utf-8', 'replace').strip()[:80]!r}" if title else ""
        raise CollectError(
            f"expected {expected} from {response.url}, found an HTML page{what} (HTTP {response.status}) — "
            "the publisher may have moved the file or be showing an error page"
        )


def decode_text(response: Response) -> str:
    body = response.body
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1")


def read_json(response: Response, budget: Budget) -> Any:
    refuse_html(response, "JSON")
    limits, size = budget.limits, len(response.body)
    if size > limits.bytes("max_json_mb"):
        raise limits.exceeded("max_json_mb", f"the JSON from {response.url} is {size / 1e6:,.1f} MB")
    if not response.body.strip():
        raise CollectError(f"expected JSON from {response.url}, found an empty body")
    try:
        data = json.loads(response.body.decode("utf-8-sig"))
    except RecursionError:  # nested deeper than the interpreter's recursion limit (about 1,000)
        raise limits.exceeded("max_json_depth", f"the JSON from {response.url} is nested more than 1,000 levels deep") from None
    except UnicodeDecodeError:
        raise CollectError(f"expected JSON (UTF-8) from {response.url}, found bytes that are not UTF-8") from None
    except json.JSONDecodeError as exc:
        size = len(response.body)
        cut = " — the body looks cut off (truncated)" if exc.pos >= size - 2 else ""
        raise CollectError(
            f"expected JSON from {response.url}, found invalid JSON at byte {exc.pos} of {size}: {exc.msg}{cut}"
        ) from None
    if _json_depth_over(data, limits.max_json_depth):
        raise limits.exceeded("max_json_depth", f"the JSON from {response.url} is nested more than {limits.max_json_depth:,} levels deep")
    return data


# ----- CSV

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _bounded_lines(text: str, url: str, limits: Limits) -> Iterator[str]:
    """The lines of ``text`` (ends kept, for the csv module), refusing one longer than max_line_chars
    before it is cut out — so a line of five million columns is never handed to the csv module."""
    limit = limits.max_line_chars
    start, number, size = 0, 0, len(text)
    while start < size:
        number += 1
        match = _LINE_BREAK.search(text, start, start + limit + 2)  # look no further than a line may go
        end = match.start() if match else size
        if end - start > limit:
            raise limits.exceeded("max_line_chars", f"line {number:,} of {url} has more than {limit:,} characters")
        stop = match.end() if match else size
        yield text[start:stop]
        start = stop


def read_csv_rows(response: Response, expected: str, budget: Budget) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) of a CSV file, streamed: rows, columns, cells, cell and line sizes and the
    parse time are counted as it goes, and the first bound crossed fails the source."""
    refuse_html(response, expected)
    text = decode_text(response)
    if not text or text.isspace():
        raise CollectError(f"expected {expected} from {response.url}, found an empty file")
    limits, url = budget.limits, response.url
    # The csv module's own field limit is process-wide (default 131,072): only ever raise it, so a
    # multi-line quoted field stops there at the latest; max_cell_chars is checked on every field below.
    if csv.field_size_limit() <= limits.max_cell_chars:
        csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(_bounded_lines(text, url, limits))
    cells = 0
    try:
        for count, row in enumerate(reader, start=1):
            line = reader.line_num
            if count > limits.max_rows:
                raise limits.exceeded("max_rows", f"{url} has more than {limits.max_rows:,} rows (stopped at line {line:,})")
            if len(row) > limits.max_columns:
                raise limits.exceeded("max_columns", f"line {line:,} of {url} has {len(row):,} columns")
            cells += len(row)
            if cells > limits.max_cells:
                raise limits.exceeded("max_cells", f"{url} has more than {limits.max_cells:,} cells (stopped at line {line:,})")
            if row and max(map(len, row)) > limits.max_cell_chars:
                longest = max(map(len, row))
                raise limits.exceeded("max_cell_chars", f"a cell on line {line:,} of {url} has {longest:,} characters")
            if not count % 1024:
                budget.check(f"line {line:,}")
            yield line, row
    except csv.Error as exc:
        if "field limit" in str(exc):
            raise limits.exceeded(
                "max_cell_chars", f"a cell ending on line {reader.line_num:,} of {url} has more than {limits.max_cell_chars:,} characters"
            ) from None
        raise CollectError(f"expected {expected} from {response.url}, found text that is not CSV ({exc})") from None


# ----- JSON and HTML


def _json_depth_over(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def check_html_size(response: Response, budget: Budget) -> None:
    """Before an HTML page goes to the parser (which needs ~1 kB per element): its size and tag count."""
    limits, size = budget.limits, len(response.body)
    if size > limits.bytes("max_html_mb"):
        raise limits.exceeded("max_html_mb", f"the page {response.url} is {size / 1e6:,.1f} MB")
    tags = response.body.count(b"<")
    if tags > limits.max_html_tags:
        raise limits.exceeded("max_html_tags", f"the page {response.url} has {tags:,} tags (counting every '<')")


