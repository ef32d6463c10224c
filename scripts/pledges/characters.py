"""Characters no record may hold (controls, bidirectional overrides, lone surrogates …) and how to name them."""

from __future__ import annotations

import re
import unicodedata

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
    if code < 0x20:  # a control character someone may have meant as layout
        return (f"text contains the invisible {what} — delete it (a tab or a line break may be written as such; "
                "nothing else below U+0020 is allowed)")
    return f"text contains the invisible {what} — delete it"


def offset_position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


