"""Numbers, percentages, amounts and dates written per language — the one place that decides how they look.

English: 1,234.5 · 25% · £8.00 · 1 July 2017. Dutch: 1.234,5 · 25% · € 35,00 · 1 juli 2017.
"""

from __future__ import annotations

from datetime import date
from typing import Any

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}
CURRENCY_SIGNS = {"EUR": "€", "GBP": "£", "USD": "$"}


def _localise(text: str, lang: str) -> str:
    """Swap the English thousands and decimal separators for the Dutch ones."""
    if lang == "nl":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_num(value: Any, lang: str, digits: int | None = None) -> str:
    """A figure: thousands grouped, decimals by size unless ``digits`` is given; "—" for no value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if digits is None:
        digits = 0 if float(value).is_integer() else (1 if abs(value) >= 10 else 2)
    return _localise(f"{value:,.{digits}f}", lang)


def fmt_pct(share: float, lang: str, digits: int = 0) -> str:
    """A share (0.25) as a percentage ("25%")."""
    return _localise(f"{share * 100:,.{digits}f}", lang) + "%"


def fmt_money(amount: float, currency: str, lang: str) -> str:
    """An amount with its currency: "£8.00" in English, "€ 35,00" in Dutch (sign, space, amount)."""
    sign = CURRENCY_SIGNS.get(currency.upper())
    number = fmt_num(amount, lang, 2)
    if sign is None:
        return f"{number} {currency}"
    return f"{sign} {number}" if lang == "nl" else f"{sign}{number}"


def fmt_date(value: date, lang: str) -> str:
    """A date in words: "1 July 2017" / "1 juli 2017"."""
    return f"{value.day} {MONTHS.get(lang, MONTHS['en'])[value.month - 1]} {value.year}"
