"""Opening an XLSX workbook safely: the zip and its sheet XML are measured against the bounds before openpyxl reads them."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator

from .errors import CollectError
from .http import Response
from .limits import EXCEL_LAST_ROW, MAX_CELL_ELEMENTS, MAX_LAYOUT_ELEMENTS, Budget, as_number
from .readers import refuse_html


def open_workbook(response: Response, period: str | None, budget: Budget):
    """The XLSX body of a half-yearly workbook (FCA, FOS), checked against the bounds, opened read-only;
    or a CollectError saying what was found."""
    import zipfile
    import zlib

    import openpyxl

    if not period:
        raise CollectError(f"cannot tell the half-year of {response.url} — give `period: YYYY-H1` in params.files")
    refuse_html(response, "an XLSX workbook")
    try:
        check_workbook_zip(response.body, response.url, budget)
        return openpyxl.load_workbook(io.BytesIO(response.body), read_only=True, data_only=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, OSError, ValueError) as exc:
        raise CollectError(
            f"expected an XLSX workbook from {response.url}; found a file openpyxl cannot read ({type(exc).__name__})"
        ) from None


# ----- XLSX


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


class _WorkbookScan:
    """One streaming pass (expat, 64 kB at a time) over the XML parts of an XLSX zip before openpyxl
    sees them: openpyxl materialises a whole <row> with its cells, fills every missing row up to a
    row's number, loads the shared strings whole and keeps elements it has read, so what it would
    hold is counted here first and the first bound crossed fails the file."""

    CHUNK = 1 << 16

    def __init__(self, archive, url: str, budget: Budget):
        self.archive, self.url, self.budget, self.limits = archive, url, budget, budget.limits
        self.cells = 0
        self.names: dict[str, str] = {}  # part → "sheet 'Opened'"
        self.elements = 0

    def run(self) -> None:
        import posixpath

        infos = [i for i in self.archive.infolist() if self._is_xml(i)]
        names = {i.filename for i in infos}
        book = next((n for n in sorted(names) if n.lower().endswith("workbook.xml")), None)
        rels = book and posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels")
        first = [i for i in infos if i.filename in (book, rels)]  # scanned, then read for the sheet names
        for info in first:
            self._scan(info)
        if book and rels and rels in names:
            self._name_sheets(book, rels)
        for info in infos:
            if info not in first:
                self._scan(info)

    def _is_xml(self, info) -> bool:
        """By content, not name: openpyxl parses whatever part the relationships point to."""
        if info.filename.lower().endswith((".xml", ".rels")):
            return True
        with self.archive.open(info) as stream:
            head = stream.read(64)
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))

    def _name_sheets(self, book: str, rels: str) -> None:
        """Sheet names for the messages, from workbook.xml and its relationships (best effort)."""
        import posixpath
        from xml.etree import ElementTree

        try:
            targets = {}
            for node in ElementTree.fromstring(self.archive.read(rels)):
                target = node.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(book), target))
                targets[node.get("Id")] = path
            for node in ElementTree.fromstring(self.archive.read(book)).iter():
                if node.tag.rpartition("}")[2] == "sheet":
                    rid = next((v for k, v in node.attrib.items() if k.rpartition("}")[2] == "id"), None)
                    if rid in targets:
                        self.names[targets[rid]] = f"sheet {node.get('name')!r}"
        except Exception:  # noqa: BLE001 - a malformed part is reported by the scan itself
            self.names = {}

    def _scan(self, info) -> None:
        from xml.parsers import expat

        limits, part = self.limits, info.filename
        what = self.names.get(part, f"part {part!r}")
        url = self.url
        parser = expat.ParserCreate(namespace_separator="}")
        state = {"depth": 0, "inside": 0, "chars": 0, "sheet": False, "layout": 0, "rows": 0,
                 "row": 0, "in_row": 0, "row_cells": 0, "column": 0, "strings": 0, "cell_elements": 0}

        def start(name: str, attrs: dict) -> None:
            local = name.rpartition("}")[2]
            depth = state["depth"] = state["depth"] + 1
            self._tick(what)
            if state["inside"]:  # within one cell or shared string: its value, formula, rich-text runs
                self._element_in_cell(state, what)
                return
            state["chars"] = 0  # text is counted per cell / shared string, and per element elsewhere
            if local in ("c", "si"):
                state["inside"], state["cell_elements"] = depth, 0
            self._structure(state, local, depth, attrs, what)
            if local == "si":
                self._shared_string(state)

        def end(name: str) -> None:
            _close_element(state)

        def text(data: str) -> None:
            state["chars"] += len(data)
            if state["chars"] > limits.max_cell_chars:
                self._too_long(state, what)

        def doctype(*_args) -> None:
            # OOXML parts may not declare a DTD (ECMA-376 part 2); refusing it rules out entity expansion.
            raise CollectError(f"expected an XLSX workbook from {url}; its part {part!r} declares a DTD, which workbooks never do")

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = doctype
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(self.CHUNK):
                    parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise CollectError(f"expected an XLSX workbook from {url}; its part {part!r} is not well-formed XML ({exc})") from None

    def _tick(self, what: str) -> None:
        self.elements += 1
        if not self.elements & 0xFFF:
            self.budget.check(f"{what}")

    def _shared_string(self, state: dict) -> None:
        state["strings"] += 1
        if state["strings"] > self.limits.max_shared_strings:
            raise self.limits.exceeded(
                "max_shared_strings",
                f"the shared-string table of {self.url} has more than {self.limits.max_shared_strings:,} entries")

    def _too_long(self, state: dict, what: str) -> None:
        place = f"row {state['row']:,} of {what}" if state["in_row"] else what
        raise self.limits.exceeded(
            "max_cell_chars",
            f"a cell or string in {place} of {self.url} has more than {self.limits.max_cell_chars:,} characters")

    def _element_in_cell(self, state: dict, what: str) -> None:
        state["cell_elements"] += 1
        if state["cell_elements"] > MAX_CELL_ELEMENTS:
            raise CollectError(
                f"a cell or string in {what} of {self.url} is made of more than {MAX_CELL_ELEMENTS:,} elements "
                "(rich-text runs …) — no real workbook has that; the file is refused"
            )

    def _structure(self, state: dict, local: str, depth: int, attrs: dict, what: str) -> None:
        # openpyxl takes a <row> wherever it is (and whatever the part's root), so every one is counted
        if depth == 1:
            state["sheet"] = local == "worksheet"
        elif local == "row":
            state["in_row"] = depth
            self._row(state, attrs, what)
        elif state["in_row"] and local == "c":
            self._cell(state, attrs, what)
        elif state["sheet"] and local != "sheetData":  # everything else openpyxl reads (or keeps) from a sheet
            state["layout"] += 1
            if state["layout"] > MAX_LAYOUT_ELEMENTS:
                raise CollectError(
                    f"{what} of {self.url} has more than {MAX_LAYOUT_ELEMENTS:,} elements besides its rows and cells "
                    "(column widths, merged cells, formatting …) — no real sheet has that many; the file is refused"
                )

    def _row(self, state: dict, attrs: dict, what: str) -> None:
        limits = self.limits
        state["rows"] += 1
        if state["rows"] > limits.max_rows:
            raise limits.exceeded("max_rows", f"{what} of {self.url} has more than {limits.max_rows:,} rows")
        raw = attrs.get("r")
        if raw is None:
            number = state["row"] + 1
        else:
            value = as_number(raw)
            if value is None or not math.isfinite(value) or value != int(value) or value < 1:
                raise CollectError(f"expected whole row numbers in {what} of {self.url}; found row number {raw[:40]!r}")
            number = int(value)
        if number > EXCEL_LAST_ROW:
            raise CollectError(
                f"{what} of {self.url} has a row numbered {number:,}, past the last row a spreadsheet can have "
                f"({EXCEL_LAST_ROW:,}) — the file is refused"
            )
        state["row"], state["row_cells"], state["column"] = number, 0, 0

    def _cell(self, state: dict, attrs: dict, what: str) -> None:
        limits = self.limits
        state["row_cells"] += 1
        self.cells += 1
        raw = attrs.get("r")
        letters = re.match(r"[A-Za-z]{1,4}", raw) if raw else None
        column = _column_number(letters.group()) if letters else state["column"] + 1
        state["column"] = column
        if state["row_cells"] > limits.max_columns or column > limits.max_columns:
            shown_column = f"column {letters.group().upper()} ({column:,})" if letters else f"column {column:,}"
            raise limits.exceeded("max_columns", f"row {state['row']:,} of {what} of {self.url} has a cell in {shown_column}")
        if self.cells > limits.max_cells:
            raise limits.exceeded("max_cells", f"the workbook {self.url} has more than {limits.max_cells:,} cells (stopped in {what})")


def _close_element(state: dict) -> None:
    depth = state["depth"]
    for key in ("inside", "in_row"):  # leaving the cell / row that opened at this depth
        if state[key] == depth:
            state[key] = 0
    state["depth"] = depth - 1


def check_workbook_zip(body: bytes, url: str, budget: Budget):
    """The zip of an XLSX workbook, checked against the bounds before any part is parsed: parts,
    their declared uncompressed sizes (zipfile stops reading a part at its declared size and then
    fails its CRC, so a part cannot unzip to more) and a streaming scan of every XML part."""
    import zipfile

    limits = budget.limits
    # Every central-directory entry starts with this signature; counted before zipfile builds an
    # object per entry (a zip of a million empty entries fits under the download cap).
    entries = body.count(b"PK\x01\x02")
    if entries > limits.max_parts:
        raise limits.exceeded("max_parts", f"the workbook {url} has {entries:,} parts in its zip")
    archive = zipfile.ZipFile(io.BytesIO(body))
    infos = archive.infolist()
    if len(infos) > limits.max_parts:
        raise limits.exceeded("max_parts", f"the workbook {url} has {len(infos):,} parts in its zip")
    total = 0
    for info in infos:
        if info.file_size > limits.bytes("max_part_mb"):
            raise limits.exceeded(
                "max_part_mb", f"the part {info.filename!r} of the workbook {url} unzips to {info.file_size / 1e6:,.1f} MB "
                f"(from {info.compress_size / 1e6:,.1f} MB)"
            )
        total += info.file_size
    if total > limits.bytes("max_unzipped_mb"):
        raise limits.exceeded("max_unzipped_mb", f"the workbook {url} unzips to {total / 1e6:,.1f} MB")
    _WorkbookScan(archive, url, budget).run()
    return archive


def sheet_rows(workbook, sheet: str, budget: Budget) -> Iterator[tuple]:
    """The rows of one sheet as values, with the parse deadline checked as they come. The sheet's
    <dimension> claim is not used: the FCA's 2023-H1 workbook claims A1:J1048571 for 234 rows; rows
    and columns were counted by the scan, and a missing row comes back as an empty one."""
    ws = workbook[sheet]
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if not number & 0xFFF:
            budget.check(f"row {number:,} of sheet {sheet!r}")
        yield row
