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
import errno
import os
import re
import stat
import tempfile
import unicodedata
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


def _pos(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


# --------------------------------------------------------------------------- characters no record may hold
#
# Every record ends up in HTML pages and Atom feeds. XML 1.0 cannot hold C0 controls other than tab,
# LF and CR, surrogates, U+FFFE or U+FFFF at all: one of them makes a whole feed malformed. C1
# controls (U+0080–U+009F) are legal XML but invisible and meaningless in text; NEL (U+0085) and
# U+2028/U+2029 are line breaks to YAML 1.1, so the parser silently turns them into a space or a
# newline (fmt would change the text). The bidirectional embedding, override and isolate controls
# (U+202A–U+202E, U+2066–U+2069) reorder how text is displayed against how it is stored ("Trojan
# Source", CVE-2021-42574): a pledge could read differently from what it says.
# Allowed: tab and line feed (verbatim pledge text has paragraphs; both are plain XML), and the
# implicit direction marks U+200E/U+200F/U+061C, which right-to-left text needs and which, unlike
# overrides, cannot reorder anything beyond their neighbouring characters.
# CR: a line ending in the file (YAML reads CRLF as a line break and `pledges fmt` writes LF), but
# never inside a value, where XML parsers would turn it into a line feed.
_FORBIDDEN = (
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 except tab, LF, CR; DEL; C1 (with NEL)
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
    "\ud800-\udfff\ufffe\uffff"  # lone surrogates and the two non-characters XML excludes
    "\ufeff"  # a byte order mark inside the text (zero-width, invisible); a leading BOM of the file is read past
)
FORBIDDEN_IN_FILE = re.compile(f"[{_FORBIDDEN}]")
FORBIDDEN_IN_TEXT = re.compile(f"[{_FORBIDDEN}\r]")

_CHAR_NAMES = {"\x00": "NUL", "\x7f": "DELETE", "\x85": "NEXT LINE (NEL)", "\r": "CARRIAGE RETURN",
               "\x1b": "ESCAPE", "\x0b": "VERTICAL TAB", "\x0c": "FORM FEED", "\x07": "BELL", "\x08": "BACKSPACE"}


def describe_character(ch: str) -> str:
    """`U+202E RIGHT-TO-LEFT OVERRIDE`: the code point and its name (controls have no Unicode name)."""
    code = ord(ch)
    name = _CHAR_NAMES.get(ch) or unicodedata.name(ch, "")
    if not name:
        name = "control character" if code < 0xA0 else "surrogate" if 0xD800 <= code <= 0xDFFF else "non-character"
    return f"U+{code:04X} {name}"


def character_problem(ch: str) -> str:
    """What is wrong with a forbidden character and how to fix it (without the position)."""
    what = describe_character(ch)
    code = ord(ch)
    if ch == "\r":
        return f"text contains a {what} (\\r) — write line breaks as ordinary new lines (\\n), or remove it"
    if ch in "\x85\u2028\u2029":
        return (f"text contains {what}, which YAML reads as a line break — replace it with an ordinary "
                "line break or a space")
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return (f"text contains the invisible bidirectional control {what}, which makes text display in another "
                "order than it is stored — delete it (text in a right-to-left language needs no such control)")
    if 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF):
        return f"text contains {what}, which is not a valid character — delete it"
    return (f"text contains the invisible {what} — delete it (a tab or a line break may be written as such; "
            "nothing else below U+0020 is allowed)")


def _offset_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _refuse_forbidden_characters(text: str) -> None:
    """A forbidden character anywhere in the file, comments included (an editor hides it there too)."""
    found = FORBIDDEN_IN_FILE.search(text)
    if found is None:
        return
    hints = []
    for later in FORBIDDEN_IN_FILE.finditer(text, found.end()):
        if len(hints) == 20:
            break
        hints.append((*_offset_position(text, later.start()), character_problem(later.group())))
    raise YamlProblem(character_problem(found.group()), *_offset_position(text, found.start()), hints)


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
    _refuse_forbidden_characters(text)
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
    builder.doc.text_is_clean = "\\" not in text
    return builder.doc


_KIND_OF_FILE = [
    (stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
]


def not_regular_file(mode: int) -> str | None:
    """`a folder`, `a symbolic link` … for a file mode that is not a regular file; None for one."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _KIND_OF_FILE if test(mode)), "not a regular file")


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


def record_data(record: Any) -> dict:
    """A record as plain data in model field order, leaving out fields that are unset (None) or empty.

    Free-form mappings (`params: dict[str, Any]`) are data, not fields: they are kept exactly as
    written, with their `null`, `[]` and `{}` values (a `null` may mean "off"; dropping it turns the
    collector's default back on).
    """
    out = {}
    for name in type(record).model_fields:
        value = _field_data(getattr(record, name))
        if value is None or value == [] or value == {}:
            continue
        out[name] = value
    return out


def _field_data(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_field_data(item) for item in value]
    if isinstance(value, dict):
        return value  # free-form data: verbatim
    if hasattr(type(value), "model_fields"):
        return record_data(value)
    return value


def dump_record(record: Any) -> str:
    """The canonical text of a record: model field order, no empty fields, free-form data verbatim.

    Models may name trailing list fields whose items are short mappings (ClassVar FLOW_ITEMS, e.g. a
    series' points): each such item is written on ONE line, however long, so that a new period is one
    new line in a diff. An item with free text (a `note`) stays in block style, where long text wraps."""
    data = record_data(record)
    flow = [name for name in getattr(type(record), "FLOW_ITEMS", ()) if isinstance(data.get(name), list)]
    if not flow or list(data)[-len(flow):] != flow:
        return dump_data(data)
    lists = {name: data.pop(name) for name in flow}
    parts = [dump_data(data)] if data else []
    for name, items in lists.items():
        parts.append(f"{name}:\n")
        for item in items:
            if isinstance(item, dict) and "note" not in item:
                one_line = yaml.dump(FlowMapping(item), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30)
                parts.append("- " + one_line.rstrip("\n").removesuffix("\n...") + "\n")
            else:
                parts.append(dump_data([item]))
    return "".join(parts)


def link_under(root: Path, path: Path) -> Path | None:
    """The first component of `path` below `root` that is a symbolic link, or None.

    Writers call this first so that nothing is ever written through a link to a place outside the
    data folder (a linked kind folder, a dangling link where a new record goes). Components that do
    not exist yet are fine: they will be created as ordinary folders and files.
    """
    root, path = Path(root), Path(path)
    try:
        parts = path.relative_to(root).parts
    except ValueError:  # not under the data folder: only the file itself can be judged
        root, parts = path.parent, (path.name,)
    current = root
    for part in parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None
        except OSError:
            return current  # cannot tell: treat it as unsafe
        if stat.S_ISLNK(mode):
            return current
    return None


def write_new(path: Path, text: str) -> None:
    """Create a file that must not exist yet; refuses (FileExistsError) even a dangling link there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise


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
    "record_data",
    "link_under",
    "write_new",
    "character_problem",
    "FORBIDDEN_IN_TEXT",
    "plain",
    "write_atomic",
    "fsync_dir",
    "date",
]
