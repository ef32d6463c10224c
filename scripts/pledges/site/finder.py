"""The provider finder's index: one small JSON file with each provider's name, brands and page.

Not the full-text search index: a few dozen bytes per provider, so the finder (content/assets/finder.js)
loads it once and filters 10,000 providers per keystroke in the browser. Language-neutral: ``url`` is
relative to a language's root (``providers/<id>/``), which the script resolves against the page's language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

INDEX_PATH = "data/finder.json"


def index_rows(providers: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per provider, sorted by name; brands that only repeat the name are left out."""
    rows = []
    for provider in sorted(providers, key=lambda p: (str(p.name).casefold(), str(p.id))):
        name = str(provider.name)
        brands = sorted({str(b) for b in provider.brands if str(b).casefold() != name.casefold()})
        rows.append({"name": name, "brands": brands, "url": f"providers/{provider.id}/"})
    return rows


def index_json(providers: Iterable[Any]) -> str:
    # One row per line: small diffs between builds, and the C encoder keeps 10,000 rows fast.
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    rows = index_rows(providers)
    return "[\n" + ",\n".join(encode(r) for r in rows) + "\n]\n" if rows else "[]\n"
