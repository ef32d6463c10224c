"""Safe YAML reading with positions, and the one canonical way of writing records.

Reading: libyaml's composer (C, safe: it builds nodes, never Python objects) gives a node
tree with line/column marks; we build plain dicts/lists from it ourselves so that we can
refuse duplicate keys, anchors/aliases (the "billion laughs" bomb expands only through
them) and merge keys, and remember where every value stood for error messages.
Files over MAX_FILE_BYTES are refused before they are parsed.

Writing: ``dump_record`` is the canonical format (``pledges fmt``); ``write_atomic``
writes through a temporary file and a rename, so a killed process leaves either the old
or the new file whole.
"""

from __future__ import annotations

import contextlib
import enum
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is part of the PyYAML wheels; the pure-Python loader is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 40  # records nest four or five levels; the limit keeps recursion far from Python's

Path_ = tuple  # a location inside a document: ("terms", 0, "threshold")


class YamlProblem(Exception):
    """A file that cannot be read as a record; carries a 1-based position."""

    def __init__(self, message: str, line: int = 1, column: int = 1, hints: list | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hints = hints or []  # (line, column, message) of likely causes elsewhere in the file


@dataclass
class Document:
    """A parsed YAML file: its data and the position of every key and value."""

    data: Any
    # path → libyaml Mark (0-based line/column); converted only when a problem is reported
    value_marks: dict[tuple, Any] = field(default_factory=dict)
    key_marks: dict[tuple, Any] = field(default_factory=dict)

    def position(self, path: tuple, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) for a path; falls back to the nearest parent that exists."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in marks:
                return _pos(marks[probe])
            if not key and probe in self.key_marks:
                return _pos(self.key_marks[probe])
            probe = probe[:-1]
        return _pos(self.value_marks[()]) if () in self.value_marks else (1, 1)


def _pos(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
# Only plain scalar types; construct_object is avoided because it caches every node.
_SCALAR_TAGS = {
    f"tag:yaml.org,2002:{name}": yaml.constructor.SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{name}"]
    for name in ("str", "int", "float", "bool", "null", "timestamp")
}


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


def _scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == _STR_TAG:  # the common case, kept cheap
        return node.value
    if tag == _TIMESTAMP_TAG:
        value = node.value
        try:  # ISO dates and date-times; the general YAML timestamp forms go to PyYAML below
            if len(value) == 10:
                return date.fromisoformat(value)
            if "T" in value:
                return datetime.fromisoformat(value)
        except ValueError:
            pass
    construct = _SCALAR_TAGS.get(tag)
    if construct is None:
        line, col = _mark(node)
        raise YamlProblem(f"unsupported YAML tag {tag} — remove the tag and write a plain value", line, col)
    try:
        return construct(_SCALAR_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        line, col = _mark(node)
        raise YamlProblem(f"cannot read value {node.value!r} ({exc}) — quote it or correct it", line, col) from None


class _Builder:
    """Turns a composed node tree into plain data, refusing what records must not contain."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.doc = Document(None)

    def build(self, node: yaml.Node, path: tuple) -> Any:
        if id(node) in self.seen:
            line, col = _mark(node)
            raise YamlProblem(
                "YAML anchors and aliases (&name / *name) are not allowed — write the value out in full", line, col
            )
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            raise YamlProblem(
                f"values are nested more than {MAX_DEPTH} levels deep — no record needs that; flatten the structure",
                *_mark(node),
            )
        self.doc.value_marks[path] = node.start_mark
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in (_MAP_TAG, _SEQ_TAG):
            line, col = _mark(node)
            raise YamlProblem(f"unsupported YAML tag {node.tag} — remove the tag", line, col)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: tuple) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem("YAML merge keys (<<) are not allowed — write the fields out in full", *_mark(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a key must be a plain name — use a simple word before the colon", *_mark(key_node))
            key = _scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                first_line, _ = _pos(self.doc.key_marks[path + (key,)])
                raise YamlProblem(
                    f"duplicate key '{key}' (first at line {first_line}) — keep one of them", *_mark(key_node)
                )
            self.doc.key_marks[path + (key,)] = key_node.start_mark
            result[key] = self.build(value_node, path + (key,))
        return result


def _refuse_deep_flow_nesting(text: str) -> None:
    """libyaml's composer recurses in C and crashes on ~100,000 nested `[`: check depth on the event stream first.

    Only flow collections can nest that deeply within the size limit (block nesting needs ever more
    indentation), so files with few brackets skip this pass.
    """
    if text.count("[") + text.count("{") < 1000:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(
                    f"values are nested more than {MAX_DEPTH} levels deep — no record needs that; flatten the structure",
                    *_pos(event.start_mark),
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?(?:[\w.-]+:\s+)?(['"])""")


def _unclosed_quotes(text: str, error_line: int) -> list[tuple[int, int, str]]:
    """A quote opened and never closed makes YAML fail far below it: point at the likely opening."""
    lines = text.splitlines()
    for number in range(min(error_line - 1, len(lines)), 0, -1):
        line = lines[number - 1]
        match = _QUOTED_VALUE.match(line)
        if not match:
            continue
        quote = match.group(1)
        rest = line[match.end():]
        closed = rest.replace("''", "") if quote == "'" else rest.replace('\\"', "")
        if quote not in closed:
            return [(number, match.end(), f"this {'single' if quote == chr(39) else 'double'} quote may never be closed — "
                     "close it at the end of the value, or remove it")]
    return []


def parse_yaml(text: str) -> Document:
    """Parse one YAML document into a Document, or raise YamlProblem."""
    try:
        _refuse_deep_flow_nesting(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
        what = exc.problem or "invalid YAML"
        # An unclosed quote or bracket, or a key without its colon, is only noticed later; the
        # line to fix is where that construct started.
        if context is not None and mark is not None and context.line != mark.line:
            if any(word in (exc.context or "") for word in ("quoted scalar", "simple key", "flow")):
                what = f"{what} ({exc.context} that starts here; the parser gave up at line {mark.line + 1})"
                mark = context
            else:
                what += f" ({exc.context or 'the block'} started at line {context.line + 1})"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(
            f"YAML syntax error: {what} — check indentation, colons and quotes here", line, col, _unclosed_quotes(text, line)
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise YamlProblem(
            f"the file contains a control character ({exc.character!r}) that YAML does not allow — delete it", line, column
        ) from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0]
        raise YamlProblem(f"YAML error: {first} — fix the file's syntax") from None
    if node is None:
        raise YamlProblem("the file is empty — fill in the record (see `pledges new`)")
    builder = _Builder()
    builder.doc.data = builder.build(node, ())
    return builder.doc


def read_yaml_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    if path.is_symlink() or not path.is_file():
        raise YamlProblem("not a regular file (a link, a device or a pipe) — put the record itself in the data folder")
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlProblem(
            f"file is {size:,} bytes, over the {max_bytes:,}-byte limit for one record — split it into several records"
        )
    with open(path, "rb") as handle:  # read at most the limit, whatever stat said
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise YamlProblem(f"file is over the {max_bytes:,}-byte limit for one record — split it into several records")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem("the file is not UTF-8 text — save it as UTF-8", line, 1) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_yaml(text)


# --------------------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    """Block style, no aliases, multi-line strings as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002 - yaml API
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and "\r" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat().replace("+00:00", "Z"))


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(datetime, _represent_datetime)


def plain(value: Any) -> Any:
    """Enums to their values, recursively, dropping None and empty containers."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = plain(item)
            if item is None or item == [] or item == {}:
                continue
            out[key] = item
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


class FlowMapping(dict):
    """A mapping written on one line (`- {period: 2024-H2, value: 12.5, release: …}`): a series gains
    one line per new period, which keeps a new half-year's diff small and readable."""


def _represent_flow(dumper: yaml.SafeDumper, value: FlowMapping) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(FlowMapping, _represent_flow)


def dump_data(data: Any) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100, indent=2
    )


def dump_record(record: Any) -> str:
    """The canonical text of a record: model field order, no empty fields."""
    data = plain(record.model_dump(mode="python", exclude_none=True))
    # Models list the fields whose items are short mappings (ClassVar FLOW_ITEMS); an item with
    # free text (a `note`) stays in block style, where long text wraps readably.
    for name in getattr(type(record), "FLOW_ITEMS", ()):
        if isinstance(data.get(name), list):
            data[name] = [FlowMapping(item) if isinstance(item, dict) and "note" not in item else item for item in data[name]]
    return dump_data(data)


def write_atomic(path: Path, text: str, *, fsync: bool = True) -> bool:
    """Write text to path through a temporary file and a rename. Returns False when unchanged.

    A killed process leaves the old file or the new one, never a mix (the rename is atomic); a
    failed write (a full disk) removes its temporary file. A kill can still leave that temporary
    file behind: it is a dot-file ending in ``.tmp``, which the loader skips and ``.gitignore``
    ignores. ``fsync=True`` also flushes the folder, so the rename itself survives a power cut;
    ``fsync=False`` skips both flushes for callers that call ``os.sync()`` once at the end.
    Several files that must change together go through ``pledges.transaction`` instead.
    """
    path = Path(path)
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    renamed = False
    try:
        with os.fdopen(fd, "wb") as handle:
            # mkstemp makes 0600 files; data files are ordinary repository files (keep an existing mode)
            os.fchmod(handle.fileno(), path.stat().st_mode & 0o777 if path.exists() else 0o644)
            handle.write(data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        renamed = True
        if fsync:
            fsync_dir(path.parent)
    finally:
        if not renamed:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return True


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new names, renames, removals) to disk."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


__all__ = [
    "Document",
    "YamlProblem",
    "MAX_FILE_BYTES",
    "parse_yaml",
    "read_yaml_file",
    "dump_record",
    "dump_data",
    "plain",
    "write_atomic",
    "fsync_dir",
    "date",
]
