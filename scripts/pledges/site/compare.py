"""The compare page: up to four providers of one sector side by side (content/assets/compare.js).

The page itself carries only the choices and the words; the figures come from the published JSON
(data/sectors/<sector>.json and data/providers/<id>/pledges.json), so what compare shows is what anyone
downloading the data gets.
"""

from __future__ import annotations

import json
from typing import Any

from .i18n import Translator
from .summary import SUMMARY_ORDER

MAX_PROVIDERS = 4


def board_title(t: Translator, board: dict[str, Any]) -> str:
    """The same words as the board headings (templates/_macros.j2 board_title)."""
    where = f"{t.term('sector', board['sector'])}"
    if board.get("segment"):
        where += f": {board['segment']}"
    return f"{where} — {t.term('country', board['country'])}"


def page_values(t: Translator, boards: list[dict[str, Any]]) -> dict[str, Any]:
    words = {
        "verdict": {v: t.term("verdict", v) for v in SUMMARY_ORDER}, "order": list(SUMMARY_ORDER),
        "rank": t("col.rank"), "score": t("col.score"), "complaint_rate": t("col.complaint_rate"),
        "pledges": t("page.pledges"), "not_ranked": t("word.not_ranked_why"), "tied": t("word.tied"),
        "times_avg": t("word.times_avg"), "no_pledges": t("board.no_pledges"), "pick": t("compare.pick"),
        "showing": t("compare.showing"), "failed": t("compare.failed"), "caption": t("compare.caption"),
    }
    titles = {b["id"]: board_title(t, b) for b in boards}
    return {
        "sectors": sorted({b["sector"] for b in boards}), "max_providers": MAX_PROVIDERS,
        # Attribute values: autoescaped by the template, parsed back by the script.
        "boards_json": json.dumps(titles, ensure_ascii=False, sort_keys=True),
        "words_json": json.dumps(words, ensure_ascii=False, sort_keys=True),
    }
