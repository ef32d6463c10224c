"""Our pages' front matter, written as one line of JSON and read back without YAML.

MkDocs reads a page's front matter with YAML (``mkdocs.utils.meta.get_data``); for our bulk pages that was about a
tenth of each language's MkDocs time. The generated pages write it as one line of JSON that is also YAML reading the
same (``front_matter``), and the theme hook reads that line with ``json.loads`` (``read_front_matter``). Anything
else, and any line YAML might read differently, still goes to MkDocs' own function. The whole site built with the
hook off (MkDocs' YAML) and on gives the same bytes (tests/site/test_theme_cache.py).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from markupsafe import Markup

# What YAML reads differently from JSON inside a double-quoted string on one line: line breaks YAML 1.1 knows and
# JSON does not (NEL, LS, PS), characters YAML refuses (C1 controls, surrogates, BOM, U+FFFE/U+FFFF). As \uXXXX
# escapes (all in the BMP) both read them alike. Characters beyond the BMP are written as they are: as escapes JSON
# writes a surrogate pair, which YAML does not join.
YAML_DIFFERS = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# An escaped surrogate (half of a pair, which YAML would not join): such a line goes to YAML.
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
OPEN, CLOSE = "---\n{", "\n---\n"


def front_matter(title: str, feeds: list[tuple[str, str]] | tuple = (), search_exclude: bool = False,
                 hide_toc: bool = False) -> Markup:
    """A page's front matter: title, feed links (href, title), search exclusion, hidden table of contents. Text is
    HTML-escaped: themes print the title raw."""
    meta: dict[str, Any] = {"title": escape(str(title))}  # str first: Markup's replace would escape escape's output
    if feeds:
        meta["feeds"] = [{"href": escape(str(href)), "title": escape(str(text))} for href, text in feeds]
    if search_exclude:
        meta["search"] = {"exclude": True}
    if hide_toc:
        meta["hide"] = ["toc"]
    line = YAML_DIFFERS.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(meta, ensure_ascii=False))
    return Markup(f"---\n{line}\n---")


def _no_number(text: str) -> Any:
    raise ValueError(text)  # YAML 1.1 reads some JSON numbers (1e5) as text: such a line goes to YAML


def read_front_matter(doc: str, fallback: Any) -> tuple[str, dict[str, Any]]:
    """(the Markdown after the front matter, the front matter), as ``fallback`` (MkDocs' ``get_data``) gives them."""
    if doc.startswith(OPEN):
        start = len(OPEN) - 1  # the line starts with OPEN's "{"
        end = doc.find("\n", start)
        if end > 0 and doc.startswith(CLOSE, end):
            line = doc[start:end]
            if YAML_DIFFERS.search(line) is None and ESCAPED_SURROGATE.search(line) is None:
                try:
                    data = json.loads(line, parse_int=_no_number, parse_float=_no_number, parse_constant=_no_number)
                except ValueError:
                    data = None
                if isinstance(data, dict):
                    return doc[end + len(CLOSE):].lstrip("\n"), data
    return fallback(doc)
