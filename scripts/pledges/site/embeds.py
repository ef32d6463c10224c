"""Each provider chart as its own SVG file (``charts/<lang>/<provider>/<chart>.svg``): a permalink to the
chart, and the file the "embed this chart" snippet points at. The file draws itself (its own styles,
white background, fixed size) and carries its attribution — publisher, licence, this site and the page —
inside the image, so a copy keeps its credit wherever it is pasted.
"""

from __future__ import annotations

from typing import Any, Protocol

from .i18n import Translator


class _Tree(Protocol):
    def write(self, rel: str, text: str | bytes) -> bool: ...


def chart_path(lang: str, provider_id: str, chart_id: str) -> str:
    """The file's path under the site root (and the static tree)."""
    return f"charts/{lang}/{provider_id}/{chart_id}.svg"


def attribution(t: Translator, chart: dict[str, Any], page_url: str) -> str:
    last = chart["stats"][-1].provenance
    return t("embed.attribution", publisher=last.publisher, licence=last.licence, site=t("site.name"), url=page_url)


def write_embeds(tree: _Tree, t: Translator, lang: str, provider_id: str, provider_charts: list[dict[str, Any]],
                 site_url: str | None) -> None:
    """Write the standalone file of every drawn chart (``chart["drawing"]``: the page's own drawing of it)."""
    page_url = f"{site_url or '/'}{lang}/providers/{provider_id}/"
    for chart in provider_charts:
        drawing = chart.get("drawing")
        if not chart.get("svg") or drawing is None:
            continue
        svg = drawing.svg(attribution=attribution(t, chart, page_url))
        tree.write(chart_path(lang, provider_id, chart["id"]), '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n")
