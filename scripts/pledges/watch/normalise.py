"""One normal form for page text and pledge text, so that typography never reads as a change.

Both sides go through ``normalise`` and ``tokens``: Unicode NFKC (full-width forms, ligatures, the
non-breaking space), typographic quotes and dashes to their ASCII forms, soft hyphens, zero-width
and other format characters removed, whitespace runs to one space. Comparison is on word tokens
folded to lower case (a page that capitalises a heading differently has not changed its promise);
the tokens keep their page spelling for the diff a maintainer reads.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2039": "'", "\u203a": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
})
# A word: letters and digits, with the joiners inside numbers and contractions kept (8.06, 1,000,
# don't); currency and per-cent signs are words of their own, so "£9.76" and "£ 9.76" read alike;
# hyphens and slashes split words, so "24-hour" and "24 hour" read alike too.
_TOKEN = re.compile(r"[£$€¥%]|[^\W_]+(?:[.,'][^\W_]+)*")
# An elision in a quoted pledge ("[…]", "[...]", "…"): the page holds other words there.
ELISION = re.compile(r"\[\s*(?:\u2026|\.\.\.)\s*\]|\u2026|\.\.\.")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    # Format (Cf: soft hyphen, zero-width, bidi marks) and control characters other than whitespace
    # are never part of the wording; removing them also keeps stored passages free of characters
    # `pledges check` refuses.
    text = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs"))
    text = text.translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Tokens:
    """Word tokens of a text: ``shown`` as written (normalised), ``folded`` for comparison, and
    where each lies in ``text`` (the normalised text), so a passage keeps its punctuation."""

    shown: tuple[str, ...]
    folded: tuple[str, ...]
    spans: tuple[tuple[int, int], ...] = ()
    text: str = ""

    def __len__(self) -> int:
        return len(self.folded)

    def passage(self, begin: int, end: int) -> str:
        """The normalised text from token ``begin`` to token ``end`` (exclusive), as published."""
        if begin >= end or not self.spans:
            return " ".join(self.shown[begin:end])
        return self.text[self.spans[begin][0] : self.spans[end - 1][1]]


def tokens(text: str) -> Tokens:
    text = normalise(text)
    found = list(_TOKEN.finditer(text))
    shown = tuple(match.group() for match in found)
    return Tokens(shown, tuple(word.casefold() for word in shown), tuple(match.span() for match in found), text)


def segments(text: str) -> list[Tokens]:
    """The parts of a quoted pledge between its elisions, each to be found on the page in order."""
    parts = [tokens(part) for part in ELISION.split(normalise(text))]
    return [part for part in parts if len(part)]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
