"""Spaces between table cells and list items in generated pages, so search snippets do not glue them.

MkDocs' search plugin takes a page's text by dropping the tags: ``<td>12</td><td>kept</td>`` became
"12kept" in a result. A space between adjacent cells, items and after a line break changes nothing on
the page (HTML ignores white space there) and separates the words in the index.
"""

from __future__ import annotations

import re

_GLUED = re.compile(r"(</(?:td|th|li|dd|dt)>|<br>)(?=<)")


def spaced(html: str) -> str:
    return _GLUED.sub(r"\1 ", html)
