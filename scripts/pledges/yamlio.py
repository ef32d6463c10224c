"""Safe YAML reading with positions, and the one canonical way of writing records.

Reading: libyaml's composer (C, safe: it builds nodes, never Python objects) gives a node
tree with line/column marks; we build plain dicts/lists from it ourselves so that we can
refuse duplicate keys, anchors/aliases (the "billion laughs" bomb expands only through
them) and merge keys, and remember where every value stood for error messages.
Files over MAX_FILE_BYTES are refused before they are parsed.

Writing (``yamldump``) and whole-file writes (``safefiles``) are re-exported here.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from .characters import FORBIDDEN_IN_FILE, FORBIDDEN_IN_TEXT, character_problem, describe_character, offset_position
from .safefiles import fsync_dir, link_under, not_regular_file, write_atomic, write_new
from .yamldump import FlowMapping, dump_data, dump_record, plain, record_data

try:  # libyaml is part of the PyYAML wheels; the pure-Python loader is the fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]



class _RecordLoader(_Loader):
    """The safe loader, with each plain scalar's type looked up once per distinct text.

    PyYAML tries its implicit-type patterns on every scalar, keys included; record files repeat the same keys and
    many of the same values ("period", "2025-Q4") thousands of times, and the type depends on the text alone (the
    safe loader has no path resolvers), so the answer is kept. A fifth of the parse at 1,000 providers."""

    _scalar_tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = self._scalar_tags.get(key)
        if tag is None:
            if len(self._scalar_tags) > 200_000:  # bounded: free text is rarely repeated
                self._scalar_tags.clear()
            tag = self._scalar_tags[key] = super().resolve(kind, value, implicit)
        return tag


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
    # path → packed 0-based (line, column), see pack_mark; converted only when a problem is reported. One int, not
    # libyaml's Mark object (an instance with its own attribute dict): the marks of every loaded file were most of
    # a loaded dataset's memory.
    value_marks: dict[tuple, int] = field(default_factory=dict)
    key_marks: dict[tuple, int] = field(default_factory=dict)
    # True when no value can hold a FORBIDDEN_IN_TEXT character: the text had none raw and no
    # backslash (escapes are the only other way in), so the per-value scan can be skipped.
    text_is_clean: bool = False

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


COLUMN_BITS = 24  # a line of a record file is at most MAX_FILE_BYTES long, which fits


def pack_mark(line: int, column: int) -> int:
    """A 0-based (line, column) as one int."""
    return (line << COLUMN_BITS) | column


def _pos(mark: Any) -> tuple[int, int]:
    """1-based (line, column) of a packed mark or of a libyaml Mark."""
    if isinstance(mark, int):
        return (mark >> COLUMN_BITS) + 1, (mark & ((1 << COLUMN_BITS) - 1)) + 1
    return mark.line + 1, mark.column + 1


def _refuse_forbidden_characters(text: str) -> None:
    """A forbidden character anywhere in the file, comments included (an editor hides it there too)."""
    found = FORBIDDEN_IN_FILE.search(text)
    if found is None:
        return
    hints: list[tuple[int, int, str]] = []
    for later in FORBIDDEN_IN_FILE.finditer(text, found.end()):
        if len(hints) == 20:
            break
        hints.append((*offset_position(text, later.start()), character_problem(later.group())))
    raise YamlProblem(character_problem(found.group()), *offset_position(text, found.start()), hints)


# --------------------------------------------------------------------------- numbers
#
# YAML 1.1 (PyYAML's resolver) reads more than decimals as numbers: `1:30:00.5` is 5400.5 (base 60),
# `017` is 15 (octal), `0x1F` is 31, `0b11` is 3, `1_000` is 1000. A figure typed from a publication
# must mean what it shows, so only plain decimals are numbers; the others are refused, not guessed.
_DECIMAL_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?\Z|[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")


def _number_form(text: str) -> str:
    body = text.lstrip("+-").lower()
    if ":" in body:
        return "base-60 (sexagesimal)"
    if body.startswith("0x"):
        return "hexadecimal"
    if body.startswith("0b"):
        return "binary"
    if "_" in body:
        return "digit-grouping"
    return "octal"


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
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


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
        value = construct(_SCALAR_CONSTRUCTOR, node)
    # An explicit tag on text of another type (`!!bool maybe`, `!!timestamp x`) makes PyYAML's
    # constructors fail with KeyError, AttributeError … as well: all mean "not a value of this type".
    except Exception as exc:  # noqa: BLE001
        line, col = _mark(node)
        if tag == _TIMESTAMP_TAG:
            raise YamlProblem(f"{node.value!r} is not a real date or date-time ({exc}) — correct it: YYYY-MM-DD, "
                              "or YYYY-MM-DDTHH:MM:SSZ", line, col) from None
        raise YamlProblem(f"cannot read value {node.value!r} ({exc}) — quote it or correct it", line, col) from None
    if (tag == _INT_TAG and not _DECIMAL_INT.match(node.value)) or (tag == _FLOAT_TAG and not _DECIMAL_FLOAT.match(node.value)):
        line, col = _mark(node)
        raise YamlProblem(
            f"{node.value!r} is a YAML 1.1 {_number_form(node.value)} number that would be read as {value!r} — write "
            f"{value!r} as a plain decimal, or put the value in quotes if it is text", line, col,
        )
    return value


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
        self.doc.value_marks[path] = pack_mark(node.start_mark.line, node.start_mark.column)
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
            child = path + (key,)  # one tuple for both marks
            self.doc.key_marks[child] = pack_mark(key_node.start_mark.line, key_node.start_mark.column)
            result[key] = self.build(value_node, child)
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
    _refuse_forbidden_characters(text)
    try:
        _refuse_deep_flow_nesting(text)
        loader = _RecordLoader(text)
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
    builder.doc.text_is_clean = "\\" not in text
    return builder.doc


def _not_a_record_file(what: str) -> YamlProblem:
    return YamlProblem(f"not a regular file ({what}) — put the record itself here as a plain .yaml file, "
                       "or remove it (links are never followed)")


def _unreadable(exc: OSError) -> YamlProblem:
    reason = exc.strerror or type(exc).__name__
    return YamlProblem(f"cannot read the file ({reason}) — make it readable (e.g. `chmod a+r`) or remove it")


def _no_follow_opener(name: str, flags: int) -> int:
    # O_NOFOLLOW: a link swapped in after the lstat below is refused, not followed;
    # O_NONBLOCK: a pipe swapped in cannot hang the check (the fstat below then refuses it).
    return os.open(name, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))


def read_yaml_file(path: Path, max_bytes: int = MAX_FILE_BYTES) -> Document:
    try:
        what = not_regular_file(os.lstat(path).st_mode)  # before opening: opening a device can have effects
        if what:
            raise _not_a_record_file(what)
        with open(path, "rb", opener=_no_follow_opener) as handle:  # read at most the limit, whatever stat said
            status = os.fstat(handle.fileno())
            what = not_regular_file(status.st_mode)
            if what:
                raise _not_a_record_file(what)
            if status.st_size > max_bytes:
                raise YamlProblem(f"file is {status.st_size:,} bytes, over the {max_bytes:,}-byte limit for one record "
                                  "— split it into several records")
            raw = handle.read(max_bytes + 1)
    except YamlProblem:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _not_a_record_file("a symbolic link") from None
        raise _unreadable(exc) from None
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


# Characters, writing and file safety live in their own modules; every caller imports them from here.
__all__ = [
    "Document", "YamlProblem", "MAX_FILE_BYTES", "parse_yaml", "read_yaml_file", "dump_record", "dump_data",
    "record_data", "link_under", "write_new", "character_problem", "describe_character", "FORBIDDEN_IN_TEXT",
    "FORBIDDEN_IN_FILE", "FlowMapping", "not_regular_file", "plain", "write_atomic", "fsync_dir",
]
