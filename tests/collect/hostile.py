"""SYNTHETIC hostile files for the bounds tests, streamed to disk so that building them stays fast and
small in memory: the real FCA workbook with one part replaced by a stream (nine million rows, a zip
bomb, a 10 MB string …), and CSVs of ten million rows or five million columns."""

from __future__ import annotations

import random
import struct
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from .conftest import FIXTURES

FCA_XLSX = FIXTURES / "firm-level-complaints-data-2024-h2.xlsx"
OPENED = "xl/worksheets/sheet3.xml"  # the sheet "Opened" of the real workbook (workbook.xml rId3)
SHARED_STRINGS = "xl/sharedStrings.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
SHEET_TAIL = b"</sheetData></worksheet>"


def inline_row(number: int | None, *values: str) -> bytes:
    r = f' r="{number}"' if number else ""
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row{r}>{cells}</row>".encode()


HEADER = inline_row(1, "Firm Name", "Banking and credit cards")


def workbook_with(dest: Path, parts: dict[str, bytes | Callable[[object], None]], source: Path = FCA_XLSX) -> Path:
    """``source`` with the given parts replaced (or added): bytes, or a function writing to the part's stream."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zout:
        for info in zin.infolist():
            if info.filename not in parts:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, content in parts.items():
            with zout.open(name, "w", force_zip64=True) as out:
                if callable(content):
                    content(out)
                else:
                    out.write(content)
    return dest


def repeated(head: bytes, block: bytes, times: int, tail: bytes) -> Callable[[object], None]:
    def write(out) -> None:
        out.write(head)
        for _ in range(times):
            out.write(block)
        out.write(tail)
    return write


def nine_million_rows(out, rows: int = 9_000_000) -> None:
    """An "Opened" sheet: the header, then ``rows`` rows of one number. Low-entropy values (93 % ones)
    without row numbers compress like the reported attack: ~1.7 MB for 234 MB of sheet XML."""
    rng = random.Random(13)
    per_block = 40_000
    block = b"".join(b"<row><c><v>%s</v></c></row>" % (b"1" if rng.random() < 0.93 else b"0") for _ in range(per_block))
    repeated(SHEET_HEAD + HEADER, block, rows // per_block, SHEET_TAIL)(out)


def sheet(rows: Iterable[bytes]) -> bytes:
    return SHEET_HEAD + HEADER + b"".join(rows) + SHEET_TAIL


def lie_about_size(path: Path, part: str, declared: int) -> Path:
    """Rewrite the uncompressed size the zip declares for ``part`` (central directory and local header)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    if info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF:
        raise ValueError("zip64 sizes are not patched here")
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # the central-directory entry of that part
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_length]) == part.encode():
            struct.pack_into("<I", data, at + 24, declared)
            break
        at = data.find(b"PK\x01\x02", at + 4)
    else:
        raise AssertionError(f"no central-directory entry for {part}")
    path.write_bytes(bytes(data))
    return path


def stream_csv(path: Path, head: bytes, row: bytes, rows: int) -> Path:
    with open(path, "wb") as out:
        out.write(head)
        block = row * 100_000
        for _ in range(rows // 100_000):
            out.write(block)
        out.write(row * (rows % 100_000))
    return path
