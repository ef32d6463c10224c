"""Is the pledge's wording still on the page? Exact search first, then the best-matching passage.

The pledge (split at its elisions ``[…]``) is searched as word tokens in the page's tokens, each
part after the previous one. When a part is not there word for word, the passage of the page that
matches it best is found with difflib's SequenceMatcher: anchored on the longest runs of words the
two share, widened by a margin, then trimmed to the matched words — so menus, cookie banners and
footers around the promise do not count, and one changed number comes back as exactly that number
removed and its replacement added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .normalise import Tokens, segments

# Below this similarity the page no longer holds the promise in any recognisable form: it is not
# a changed wording (a proposal would be nonsense) but a page that no longer publishes it.
SIMILAR_ENOUGH = 0.5
ANCHORS = 4  # the longest shared runs tried as the place of a part
CONTEXT_WORDS = 4  # words either side of a change in the inline diff


@dataclass
class Change:
    removed: str  # the pledge's words that the page no longer has ("" when words were only added)
    added: str  # the page's words in their place ("" when words were only removed)
    context: str  # the change with a few words either side: "within [-5-] {+10+} working days"


@dataclass
class Match:
    found: bool
    similarity: float  # 0–1, word-level (1.0 when found)
    passage: str  # the page's words that match the pledge best; parts joined by " […] "
    changes: list[Change] = field(default_factory=list)


def _find_exact(page: tuple[str, ...], part: tuple[str, ...], start: int) -> int:
    """Index of ``part`` as a contiguous run of ``page`` at or after ``start``, or -1."""
    first, size = part[0], len(part)
    for index in range(start, len(page) - size + 1):
        if page[index] == first and page[index : index + size] == part:
            return index
    return -1


def _anchors(page: tuple[str, ...], part: tuple[str, ...], start: int) -> list[int]:
    """Candidate starts of ``part`` in ``page``: where the longest shared runs would put it."""
    matcher = SequenceMatcher(None, page[start:], part, autojunk=False)
    blocks = sorted((b for b in matcher.get_matching_blocks() if b.size), key=lambda b: -b.size)
    offsets: list[int] = []
    for block in blocks:
        offset = start + block.a - block.b
        if all(abs(offset - seen) > len(part) // 2 for seen in offsets):
            offsets.append(offset)
        if len(offsets) >= ANCHORS:
            break
    return offsets


def _window(page: tuple[str, ...], part: tuple[str, ...], offset: int, start: int) -> tuple[int, int, float]:
    """The passage (begin, end) near ``offset`` that matches ``part`` best, and its similarity."""
    margin = max(5, len(part) // 2)
    low, high = max(start, offset - margin), min(len(page), offset + len(part) + margin)
    matcher = SequenceMatcher(None, page[low:high], part, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return low, low, 0.0
    begin, end = low + blocks[0].a, low + blocks[-1].a + blocks[-1].size
    # Words of the pledge before the first (after the last) matched word were replaced, not just
    # dropped: take as many page words in their place, so "From" → "Since" shows both sides.
    begin = max(low, begin - blocks[0].b)
    end = min(high, end + (len(part) - blocks[-1].b - blocks[-1].size))
    ratio = SequenceMatcher(None, page[begin:end], part, autojunk=False).ratio()
    return begin, end, ratio


def _changes(old: Tokens, new_shown: tuple[str, ...], new_folded: tuple[str, ...]) -> list[Change]:
    changes = []
    matcher = SequenceMatcher(None, old.folded, new_folded, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = " ".join(old.shown[i1:i2]), " ".join(new_shown[j1:j2])
        before = " ".join(new_shown[max(0, j1 - CONTEXT_WORDS) : j1])
        after = " ".join(new_shown[j2 : j2 + CONTEXT_WORDS])
        marked = " ".join(x for x in (f"[-{removed}-]" if removed else "", f"{{+{added}+}}" if added else "") if x)
        changes.append(Change(removed, added, " ".join(x for x in (before, marked, after) if x)))
    return changes


def compare(pledge_text: str, page: Tokens) -> Match:
    """Where and how well the pledge's wording (its parts in order) appears in the page's tokens."""
    parts = segments(pledge_text)
    if not parts:
        return Match(False, 0.0, "")
    start, passages, changes = 0, [], []
    found, weighted, total = True, 0.0, 0
    for part in parts:
        total += len(part)
        at = _find_exact(page.folded, part.folded, start) if len(page) else -1
        if at >= 0:
            begin, end, ratio = at, at + len(part), 1.0
        else:
            found = False
            best = (start, start, 0.0)
            for offset in _anchors(page.folded, part.folded, start) if len(page) else []:
                candidate = _window(page.folded, part.folded, offset, start)
                if candidate[2] > best[2]:
                    best = candidate
            begin, end, ratio = best
            changes.extend(_changes(part, page.shown[begin:end], page.folded[begin:end]))
        weighted += ratio * len(part)
        passages.append(page.passage(begin, end))
        start = max(start, end)
    similarity = 1.0 if found else round(weighted / total, 3)
    return Match(found, similarity, " […] ".join(p for p in passages if p), changes)
