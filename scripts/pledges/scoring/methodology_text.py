"""The two-language phrasing the generated methodology page uses: a sentence as an (English, Dutch) pair, and
numbers written per language."""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("en", "nl")


def _num(x: float, lang: str) -> str:
    text = f"{x:,.10g}" if abs(x) >= 10000 else f"{x:.10g}"
    if lang == "nl":
        text = text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
    return text


def _pct(share: float, lang: str) -> str:
    return _num(round(share * 100, 4), lang) + "%"


class Phrasing:
    """``t(en, nl)`` picks the page's language; ``n(x)`` writes a number in it."""

    def __init__(self, lang: str):
        self.lang = lang

    def t(self, en: str, nl: str) -> str:
        return nl if self.lang == "nl" else en

    def n(self, x: float) -> str:
        return _num(x, self.lang)

    def pair(self) -> tuple[Callable[[str, str], str], Callable[[float], str]]:
        return self.t, self.n
