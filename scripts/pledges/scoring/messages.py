"""Generated sentences as a message key with values, rendered through templates/i18n.yaml in a page's language.

A ``Message`` is also the English sentence itself (a ``str``), so the downloads, the JSON of ``pledges score``
and every place that joins reasons keep working unchanged; a page renders it in its own language with
``Message.render(lang)``. Keys live under ``msg.`` in the translation table; values are formatted per language
(numbers, percentages) by ``pledges.site.formats``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..site.formats import fmt_num, fmt_pct
from ..site.i18n import table


@dataclass(frozen=True)
class Pct:
    """A share shown as a percentage (0.25 → 25%)."""

    share: float
    digits: int = 0


@dataclass(frozen=True)
class Count:
    """A whole number shown with thousands grouped (25,000 / 25.000)."""

    value: int


@dataclass(frozen=True)
class Verbatim:
    """Contributor or publisher text quoted in a sentence (a pledge's event): kept as written, in its language."""

    text: str
    lang: str = "en"


@dataclass(frozen=True)
class Term:
    """A controlled-vocabulary word (a component, a metric …): its raw value in English sentences (as the
    method page names it), its translation in other languages."""

    prefix: str
    raw: str

    def render(self, lang: str) -> str:
        if lang == "en":
            return self.raw
        texts = table().get(f"{self.prefix}.{self.raw}")
        return texts[lang].lower() if texts else self.raw


def _value(value: Any, lang: str) -> str:
    if isinstance(value, (Message, Term)):
        return value.render(lang)
    if isinstance(value, Verbatim):
        return value.text
    if isinstance(value, Pct):
        return fmt_pct(value.share, lang, value.digits)
    if isinstance(value, Count):
        return fmt_num(value.value, lang, 0)
    if isinstance(value, (list, tuple)):
        return "; ".join(_value(v, lang) for v in value)
    return str(value)


class Message(str):
    """``Message("not-ranked.coverage", covered=Pct(0.25), minimum=Pct(0.35))``: the English text, with its key."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Message:
        text = _render(key, values, "en")
        obj = super().__new__(cls, text)
        obj.key = key
        obj.values = values
        return obj

    def __reduce__(self) -> tuple:
        return (_rebuild, (self.key, tuple(self.values.items())))

    def __deepcopy__(self, memo: dict) -> Message:
        return self  # immutable

    def render(self, lang: str) -> str:
        return _render(self.key, self.values, lang)


def _rebuild(key: str, items: tuple) -> Message:
    return Message(key, **dict(items))


def template_of(key: str, lang: str) -> str:
    return table()[f"msg.{key}"][lang]


def value_text(value: Any, lang: str) -> str:
    """One value of a message as text in ``lang``."""
    return _value(value, lang)


def _render(key: str, values: dict[str, Any], lang: str) -> str:
    return template_of(key, lang).format(**{name: _value(value, lang) for name, value in values.items()})


def say(value: Any, lang: str) -> Any:
    """A value a page shows: a Message in the page's language; anything else unchanged."""
    return value.render(lang) if isinstance(value, Message) else value
