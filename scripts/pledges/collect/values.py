"""Plain value helpers the collectors share: numbers and percentages with checks, quarters, cells shown in messages."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from .errors import CollectError

# --------------------------------------------------------------------------- helpers


def check_number(value: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or math.isinf(value):
        raise CollectError(f"{what} is {value!r}, not a number — the publisher's format may have changed")


def pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 2)


def fraction_to_pct(value: float, what: str) -> float:
    """Proportions 0–1 become percentages; anything outside 0–1 is refused (format drift)."""
    check_number(value, what)
    if not 0 <= value <= 1:
        raise CollectError(f"{what} is {value}, outside the 0–1 proportion the publisher uses — the format may have changed")
    return round(value * 100.0, 2)


def parse_number(text: Any, what: str) -> float | None:
    """A published figure: blank/dash → None, '12', '12.5', '1,234', '65.89%' → number; other text fails."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        check_number(float(text), what)
        return float(text)
    cleaned = str(text).strip().replace(",", "")
    if cleaned in ("", "-", "–", "—", "n/a", "N/A", "*", "x", "..", ":"):
        return None
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1].strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise CollectError(f"{what}: expected a number, found {str(text)[:60]!r}") from None
    check_number(number, what)
    return number / 100.0 if percent else number


QUARTER_RE = re.compile(r"^\s*(?:(\d{4})\s*[-/ ]?\s*Q([1-4])|Q([1-4])\s*[-/ ]?\s*(\d{4}))\s*$", re.IGNORECASE)


def parse_quarter(text: str) -> str | None:
    """'2025 Q1', '2025-Q1', 'Q1 2025' → '2025-Q1'."""
    match = QUARTER_RE.match(str(text or ""))
    if not match:
        return None
    year = match.group(1) or match.group(4)
    quarter = match.group(2) or match.group(3)
    return f"{year}-Q{quarter}"


def cell(value: Any) -> str:
    """A header cell as plain text: BOM and surrounding spaces gone, inner spaces single."""
    if value is None:
        return ""
    return re.sub(r"\s+", " ", str(value).replace("\ufeff", "")).strip()


def norm(value: Any) -> str:
    return cell(value).lower()


def shown(values: Iterable[Any], limit: int = 12) -> str:
    items = [cell(v) for v in values if cell(v)]
    more = f" … (+{len(items) - limit})" if len(items) > limit else ""
    return ", ".join(repr(i) for i in items[:limit]) + more if items else "nothing"


